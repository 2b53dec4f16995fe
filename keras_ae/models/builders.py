"""Builders of dense and convolutional autoencoders and of a dense VAE."""

import math

import keras

from keras_ae._validation import (
    SEED_LIMIT,
    check_choice,
    check_positive_int,
    check_real,
    check_seed,
    check_shape,
    invalid_argument,
)
from keras_ae.layers import MaskingNoise
from keras_ae.models.autoencoder import Autoencoder
from keras_ae.models.vae import VariationalAutoencoder

__all__ = ["build_conv_autoencoder", "build_dense_autoencoder", "build_dense_vae"]


def _as_shape(name, value):
    return check_shape(name, value, allow_int=True)


def _as_units(name, value):
    return check_shape(name, value, allow_empty=True)


def _dense_stack(x, units, activation, prefix, kernel_regularizer=None):
    for i, n in enumerate(units):
        x = keras.layers.Dense(
            n, activation=activation, kernel_regularizer=kernel_regularizer, name=f"{prefix}_{i}"
        )(x)
    return x


def _decoder_body(
    code_size, hidden_units, activation, input_shape, output_activation, kernel_regularizer=None
):
    codes = keras.Input((code_size,), name="code")
    x = _dense_stack(codes, hidden_units[::-1], activation, "decoder_hidden", kernel_regularizer)
    x = keras.layers.Dense(
        math.prod(input_shape),
        activation=output_activation,
        kernel_regularizer=kernel_regularizer,
        name="decoder_output",
    )(x)
    if len(input_shape) > 1:
        x = keras.layers.Reshape(input_shape)(x)
    return keras.Model(codes, x, name="decoder")


def _check_noise(noise_rate, noise_stddev):
    noise_rate = check_real("noise_rate", noise_rate, low=0.0, high=1.0, closed=(True, False))
    return noise_rate, check_real("noise_stddev", noise_stddev, low=0.0, finite=True)


def _corrupt(x, noise_rate, noise_stddev, seed):
    """The training-time corruption of a denoising autoencoder's input."""
    seed = check_seed("seed", seed)
    if noise_rate:
        x = MaskingNoise(noise_rate, seed=seed, name="masking_noise")(x)
    if noise_stddev:
        # Its own seed: the same seed would tie its draws to the mask's.
        gaussian_seed = None if seed is None else (seed + 1) % SEED_LIMIT
        x = keras.layers.GaussianNoise(noise_stddev, seed=gaussian_seed, name="gaussian_noise")(x)
    return x


def _encoder_trunk(
    input_shape,
    hidden_units,
    activation,
    *,
    noise_rate=0.0,
    noise_stddev=0.0,
    seed=None,
    kernel_regularizer=None,
):
    inputs = keras.Input(input_shape, name="input")
    x = _corrupt(inputs, noise_rate, noise_stddev, seed)
    if len(input_shape) > 1:
        x = keras.layers.Flatten()(x)
    return inputs, _dense_stack(x, hidden_units, activation, "encoder_hidden", kernel_regularizer)


def build_dense_autoencoder(
    input_shape,
    code_size,
    *,
    hidden_units=(),
    activation="relu",
    code_activation="relu",
    output_activation="sigmoid",
    activity_regularizer=None,
    kernel_regularizer=None,
    noise_rate=0.0,
    noise_stddev=0.0,
    seed=None,
    name="autoencoder",
):
    """Builds a fully connected `Autoencoder`, mirrored around its code layer.

    The encoder is `input -> hidden_units... -> code_size`; the decoder mirrors
    it, `code_size -> reversed(hidden_units)... -> input`. Inputs of any
    shape are flattened and the output is reshaped back.

    Args:
        input_shape: int or tuple of ints. Shape of one example, e.g.
            `(28, 28)` or `784`.
        code_size: positive int. Number of units in the code layer.
        hidden_units: tuple of positive ints. Encoder layers between input
            and code. Defaults to `()` (one hidden layer, the code).
        activation: activation of the hidden layers. Defaults to `"relu"`.
        code_activation: activation of the code layer. Defaults to `"relu"`;
            use `"sigmoid"` with `KLSparsity`, `"linear"` for a linear
            autoencoder.
        output_activation: activation of the output layer. Defaults to
            `"sigmoid"` (inputs in [0, 1]).
        activity_regularizer: regularizer of the code layer, e.g.
            `keras_ae.regularizers.KLSparsity(0.05)`. Defaults to `None`.
        kernel_regularizer: regularizer of every layer's kernel, encoder and
            decoder alike, e.g. `keras.regularizers.L2(1e-3)` for weight
            decay. Defaults to `None`.
        noise_rate: float in [0, 1). If positive, a `MaskingNoise` layer of
            this rate corrupts the input in training (denoising
            autoencoder). Defaults to `0.0`.
        noise_stddev: float >= 0. If positive, a `keras.layers.GaussianNoise`
            layer adds zero-mean Gaussian noise of this standard deviation
            to the input in training (after the masking noise if both are
            set; the result is not clipped). Defaults to `0.0`.
        seed: int or None. Seed of the corruption noise. Defaults to `None`.
        name: str. Model name. Defaults to `"autoencoder"`.

    Returns:
        An uncompiled `Autoencoder`.

    Example:

    >>> from keras_ae.models import build_dense_autoencoder
    >>> autoencoder = build_dense_autoencoder((28, 28), 32, hidden_units=(128,))
    >>> autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    """
    input_shape = _as_shape("input_shape", input_shape)
    code_size = check_positive_int("code_size", code_size)
    hidden_units = _as_units("hidden_units", hidden_units)
    noise_rate, noise_stddev = _check_noise(noise_rate, noise_stddev)
    inputs, x = _encoder_trunk(
        input_shape,
        hidden_units,
        activation,
        noise_rate=noise_rate,
        noise_stddev=noise_stddev,
        seed=seed,
        kernel_regularizer=kernel_regularizer,
    )
    codes = keras.layers.Dense(
        code_size,
        activation=code_activation,
        activity_regularizer=activity_regularizer,
        kernel_regularizer=kernel_regularizer,
        name="code",
    )(x)
    encoder = keras.Model(inputs, codes, name="encoder")
    decoder = _decoder_body(
        code_size, hidden_units, activation, input_shape, output_activation, kernel_regularizer
    )
    return Autoencoder(encoder, decoder, name=name)


def _image_shape(input_shape, factor):
    """Checks an image shape whose height and width `factor` must divide."""
    input_shape = _as_shape("input_shape", input_shape)
    if len(input_shape) not in (2, 3):
        raise invalid_argument(
            "input_shape",
            "an image shape (height, width) or (height, width, channels)",
            input_shape,
        )
    if input_shape[0] % factor or input_shape[1] % factor:
        raise invalid_argument(
            "input_shape",
            f"a height and width divisible by {factor} (2 ** len(filters), one "
            "halving per level of `filters`)",
            input_shape,
        )
    return input_shape


def build_conv_autoencoder(
    input_shape,
    code_size,
    *,
    filters=(16, 32),
    kernel_size=3,
    activation="relu",
    code_activation="linear",
    output_activation="sigmoid",
    upsampling="transpose",
    noise_rate=0.0,
    noise_stddev=0.0,
    seed=None,
    name="conv_autoencoder",
):
    """Builds a convolutional `Autoencoder` with a dense code layer.

    Each entry of `filters` adds a `Conv2D` with stride 2 ("same" padding) to
    the encoder, halving the height and width; the last feature map is
    flattened into a `Dense` code of `code_size` units. The decoder mirrors it:
    a `Dense` layer back to the last feature map, then one upsampling step
    per level, the last of which outputs the input's channels through
    `output_activation`. With `filters=(16, 32)` and 28x28 inputs:
    `28x28x1 -> 14x14x16 -> 7x7x32 -> code -> 7x7x32 -> 14x14x16 -> 28x28x1`.

    Args:
        input_shape: tuple of ints. `(height, width)` for one-channel images
            (the output has the same shape) or `(height, width, channels)`.
            Height and width must be divisible by `2 ** len(filters)`.
        code_size: positive int. Number of units in the code layer.
        filters: tuple of positive ints. Channels of each encoder level, from
            the input side. Defaults to `(16, 32)`.
        kernel_size: positive int. Size of every (square) kernel. Defaults to
            `3`.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        code_activation: activation of the code layer. Defaults to
            `"linear"`.
        output_activation: activation of the output layer. Defaults to
            `"sigmoid"` (inputs in [0, 1]).
        upsampling: how the decoder doubles the resolution: `"transpose"`
            (a `Conv2DTranspose` with stride 2) or `"nearest"` (nearest-
            neighbour `UpSampling2D` followed by a `Conv2D`). Defaults to
            `"transpose"`.
        noise_rate: float in [0, 1). If positive, a `MaskingNoise` layer of
            this rate corrupts the input in training (denoising
            autoencoder). Defaults to `0.0`.
        noise_stddev: float >= 0. If positive, a `keras.layers.GaussianNoise`
            layer adds zero-mean Gaussian noise of this standard deviation
            to the input in training (after the masking noise if both are
            set; the result is not clipped). Defaults to `0.0`.
        seed: int or None. Seed of the corruption noise. Defaults to `None`.
        name: str. Model name. Defaults to `"conv_autoencoder"`.

    Returns:
        An uncompiled `Autoencoder`.

    Example:

    >>> from keras_ae.models import build_conv_autoencoder
    >>> autoencoder = build_conv_autoencoder((28, 28), 32)
    >>> autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    """
    filters = check_shape("filters", filters)
    factor = 2 ** len(filters)  # each level halves the height and width
    input_shape = _image_shape(input_shape, factor)
    height, width, *rest = input_shape
    channels = rest[0] if rest else 1
    code_size = check_positive_int("code_size", code_size)
    kernel_size = check_positive_int("kernel_size", kernel_size)
    upsampling = check_choice("upsampling", upsampling, ("transpose", "nearest"))
    noise_rate, noise_stddev = _check_noise(noise_rate, noise_stddev)
    layers = keras.layers

    inputs = keras.Input(input_shape, name="input")
    x = _corrupt(inputs, noise_rate, noise_stddev, seed)
    x = layers.Reshape((height, width, channels))(x)
    for i, n in enumerate(filters):
        x = layers.Conv2D(
            n,
            kernel_size,
            strides=2,
            padding="same",
            activation=activation,
            name=f"encoder_conv_{i}",
        )(x)
    x = layers.Flatten()(x)
    codes = layers.Dense(code_size, activation=code_activation, name="code")(x)
    encoder = keras.Model(inputs, codes, name="encoder")

    bottom = (height // factor, width // factor, filters[-1])
    code_inputs = keras.Input((code_size,), name="code")
    x = layers.Dense(math.prod(bottom), activation=activation, name="decoder_dense")(code_inputs)
    x = layers.Reshape(bottom)(x)
    targets = [*filters[-2::-1], channels]
    for i, n in enumerate(targets):
        last = i == len(targets) - 1
        kwargs = {
            "padding": "same",
            "activation": output_activation if last else activation,
            "name": "decoder_output" if last else f"decoder_conv_{i}",
        }
        if upsampling == "transpose":
            x = layers.Conv2DTranspose(n, kernel_size, strides=2, **kwargs)(x)
        else:
            x = layers.UpSampling2D(2, interpolation="nearest", name=f"decoder_upsample_{i}")(x)
            x = layers.Conv2D(n, kernel_size, **kwargs)(x)
    x = layers.Reshape(input_shape)(x)
    decoder = keras.Model(code_inputs, x, name="decoder")
    return Autoencoder(encoder, decoder, name=name)


def build_dense_vae(
    input_shape,
    latent_dim,
    *,
    hidden_units=(400,),
    activation="relu",
    beta=1.0,
    reconstruction="bce",
    seed=None,
    name="vae",
):
    """Builds a fully connected `VariationalAutoencoder`.

    Encoder `input -> hidden_units... -> (z_mean, z_log_var)`, each of size
    `latent_dim`; decoder `z -> reversed(hidden_units)... -> input`, with a
    sigmoid output for `reconstruction="bce"` and a linear one for `"mse"`.

    Args:
        input_shape: int or tuple of ints. Shape of one example.
        latent_dim: positive int. Size of the latent code.
        hidden_units: tuple of positive ints. Defaults to `(400,)`: one
            hidden layer, the shape (not the width) of the multilayer
            perceptrons in Kingma and Welling's MNIST experiments.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        beta: float >= 0. Weight of the KL term. Defaults to `1.0`.
        reconstruction: `"bce"` or `"mse"`. Defaults to `"bce"`.
        seed: int or None. Seed of the sampling noise. Defaults to `None`.
        name: str. Model name. Defaults to `"vae"`.

    Returns:
        An uncompiled `VariationalAutoencoder`.

    Example:

    >>> from keras_ae.models import build_dense_vae
    >>> vae = build_dense_vae((28, 28), latent_dim=20)
    >>> vae.compile(optimizer="adam")
    """
    input_shape = _as_shape("input_shape", input_shape)
    latent_dim = check_positive_int("latent_dim", latent_dim)
    hidden_units = _as_units("hidden_units", hidden_units)
    reconstruction = check_choice("reconstruction", reconstruction, ("bce", "mse"))
    inputs, x = _encoder_trunk(input_shape, hidden_units, activation)
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(x)
    encoder = keras.Model(inputs, [z_mean, z_log_var], name="encoder")
    output_activation = "sigmoid" if reconstruction == "bce" else "linear"
    decoder = _decoder_body(latent_dim, hidden_units, activation, input_shape, output_activation)
    return VariationalAutoencoder(
        encoder,
        decoder,
        beta=beta,
        reconstruction=reconstruction,
        seed=seed,
        name=name,
    )
