"""Autoencoder and variational autoencoder models, and builders for them."""

import math

import keras
import numpy as np
from keras import ops

from keras_ae._validation import check_choice, check_positive_int, check_real
from keras_ae.layers import DenseTranspose, MaskingNoise, Sampling

__all__ = [
    "Autoencoder",
    "VariationalAutoencoder",
    "build_conv_autoencoder",
    "build_dense_autoencoder",
    "build_dense_vae",
]


class _EncoderDecoderModel(keras.Model):
    """Shared plumbing: holds an encoder and a decoder, serializes both."""

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        for name, part in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(part, keras.layers.Layer):
                raise ValueError(
                    f"Invalid value received for argument `{name}`. Expected "
                    f"a Keras model or layer. Received: {name}={part!r}"
                )
        self.encoder = encoder
        self.decoder = decoder
        # With both parts built (functional models always are), the model owns
        # all its weights already: mark it built so that `summary()`,
        # `count_params()` and weight loading work before the first call.
        if encoder.built and decoder.built:
            self.built = True

    def decode(self, codes, *, batch_size=256):
        """Maps codes to outputs with the decoder, returns a NumPy array."""
        return self.decoder.predict(codes, batch_size=batch_size, verbose=0)

    def get_config(self):
        base_config = super().get_config()
        return {
            **base_config,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        _restore_ties(config["encoder"], config["decoder"])
        return cls(**config)


def _walk_layers(layer):
    yield layer
    for sublayer in getattr(layer, "layers", ()):
        yield from _walk_layers(sublayer)


def _restore_ties(encoder, decoder):
    """Re-ties reloaded `DenseTranspose` layers to the encoder's Dense layers.

    Keras restores a layer shared by two separately serialized models as two
    copies; the tie is found again by the encoder layer's name.
    """
    encoder_layers = {layer.name: layer for layer in _walk_layers(encoder)}
    for layer in _walk_layers(decoder):
        if isinstance(layer, DenseTranspose):
            original = encoder_layers.get(layer.dense.name)
            if original is not None and original is not layer.dense:
                layer.tie_to(original)


@keras.saving.register_keras_serializable(package="keras_ae")
class Autoencoder(_EncoderDecoderModel):
    """An encoder followed by a decoder, trained to reproduce its input.

    `Autoencoder(encoder, decoder)(x) == decoder(encoder(x))`. Compile it with
    a reconstruction loss and fit it with the input as its own target,
    `fit(x, x)`; for a denoising autoencoder put a corruption layer such as
    `keras_ae.layers.MaskingNoise` at the start of the encoder (it is active
    only in training, so `encode` sees clean data).

    Args:
        encoder: a Keras model or layer mapping inputs to codes.
        decoder: a Keras model or layer mapping codes to reconstructions.
        **kwargs: `keras.Model` keyword arguments, such as `name`.

    Example:

    >>> import keras
    >>> from keras_ae.models import Autoencoder
    >>> encoder = keras.Sequential(
    ...     [keras.Input((784,)), keras.layers.Dense(32, activation="relu")])
    >>> decoder = keras.Sequential(
    ...     [keras.Input((32,)), keras.layers.Dense(784, activation="sigmoid")])
    >>> autoencoder = Autoencoder(encoder, decoder)
    >>> autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    """

    def call(self, inputs, training=None):
        return self.decoder(self.encoder(inputs, training=training), training=training)

    def encode(self, x, *, batch_size=256):
        """Maps inputs to codes with the encoder, returns a NumPy array."""
        return self.encoder.predict(x, batch_size=batch_size, verbose=0)


def _latent_statistics(encoder_outputs):
    if not isinstance(encoder_outputs, (list, tuple)) or len(encoder_outputs) != 2:
        raise ValueError(
            "The encoder of a `VariationalAutoencoder` must return two tensors "
            "[z_mean, z_log_var]. Received: "
            f"{type(encoder_outputs).__name__} output."
        )
    return encoder_outputs


@keras.saving.register_keras_serializable(package="keras_ae")
class VariationalAutoencoder(_EncoderDecoderModel):
    """Variational autoencoder with a Gaussian latent code and prior N(0, I).

    The encoder maps `x` to the mean and log-variance of `q(z | x)`; a
    `keras_ae.layers.Sampling` layer draws `z` with the reparameterization
    trick; the decoder maps `z` back to the input space. Training minimises
    the negative evidence lower bound, per example

        loss = reconstruction_loss + beta * KL(q(z | x) || N(0, I)),

    with the closed-form KL `-0.5 * sum(1 + log_var - mean^2 - exp(log_var))`
    and a reconstruction loss summed over the input components: the binary
    cross-entropy (`"bce"`, a Bernoulli likelihood, for inputs in [0, 1] and a
    sigmoid decoder) or the squared error (`"mse"`, `||x - x^||^2`). Both terms
    are in nats per example, averaged over the batch. `fit()` and
    `evaluate()` report `loss`, `reconstruction_loss` and `kl_loss`. Losses
    added by the encoder or decoder layers (regularizers) are added to `loss`.

    Compile with an optimizer only, `vae.compile(optimizer="adam")`, and fit
    on the inputs alone, `vae.fit(x)`. `beta` is held in a variable, so it can
    be changed during training (see `keras_ae.training.KLWarmup`) without
    recompiling. Being a (non-trainable) weight, it is saved with the model
    and is the first entry of `get_weights()`: `set_weights()` from another
    VAE copies that VAE's `beta` too (set `vae.beta` again afterwards to keep
    your own).

    Args:
        encoder: a Keras model returning `[z_mean, z_log_var]`.
        decoder: a Keras model mapping `z` to the reconstruction (with a
            sigmoid output for `reconstruction="bce"`).
        beta: float >= 0. Weight of the KL term. Defaults to `1.0`.
        reconstruction: str, `"bce"` or `"mse"`. Defaults to `"bce"`.
        log_var_range: optional `(low, high)` clipping range of `z_log_var`
            in the sampling layer. Defaults to `None`.
        seed: int or None. Seed of the sampling noise. Defaults to `None`.
        **kwargs: `keras.Model` keyword arguments, such as `name`.

    Example:

    >>> from keras_ae.models import build_dense_vae
    >>> vae = build_dense_vae(input_shape=(28, 28), latent_dim=2)
    >>> vae.compile(optimizer="adam")
    >>> # vae.fit(x_train, epochs=10, batch_size=128)
    >>> # images = vae.generate(16)

    References:
        Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
        Higgins et al., "beta-VAE: Learning basic visual concepts with a
        constrained variational framework", ICLR 2017.
    """

    def __init__(
        self,
        encoder,
        decoder,
        *,
        beta=1.0,
        reconstruction="bce",
        log_var_range=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(encoder, decoder, **kwargs)
        beta = check_real("beta", beta, low=0.0)
        self.reconstruction = check_choice("reconstruction", reconstruction, ("bce", "mse"))
        self.seed = seed
        self.sampling = Sampling(log_var_range=log_var_range, seed=seed, name="sampling")
        self.beta_variable = self.add_weight(
            name="beta",
            shape=(),
            initializer=keras.initializers.Constant(beta),
            trainable=False,
        )
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        # The latent statistics of the last forward pass, so that
        # `compute_loss` can use them without running the encoder again. Both
        # are used within the same traced step that produced them.
        self._last_forward = None

    @property
    def beta(self):
        """The current weight of the KL term, as a Python float."""
        return float(ops.convert_to_numpy(self.beta_variable))

    @beta.setter
    def beta(self, value):
        self.beta_variable.assign(check_real("beta", value, low=0.0))

    @property
    def latent_dim(self):
        """Size of the latent code `z`."""
        return int(self.decoder.inputs[0].shape[-1])

    def call(self, inputs, training=None):
        z_mean, z_log_var = _latent_statistics(self.encoder(inputs, training=training))
        z = self.sampling([z_mean, z_log_var])
        reconstruction = self.decoder(z, training=training)
        self._last_forward = (reconstruction, z_mean, z_log_var)
        return reconstruction

    def compile(self, optimizer="adam", loss=None, **kwargs):
        if loss is not None:
            raise ValueError(
                "`VariationalAutoencoder` computes its own loss (reconstruction "
                "plus beta times KL); choose it with the `reconstruction` and "
                f"`beta` arguments. Received: loss={loss!r}"
            )
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def kl_divergence(self, z_mean, z_log_var):
        """Closed-form `KL(N(z_mean, exp(z_log_var)) || N(0, I))` per example."""
        z_mean = ops.convert_to_tensor(z_mean)
        z_log_var = ops.convert_to_tensor(z_log_var)
        return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)

    def reconstruction_error(self, x, reconstruction):
        """Reconstruction loss per example, summed over input components."""
        reconstruction = ops.convert_to_tensor(reconstruction)
        x = ops.cast(x, reconstruction.dtype)
        if self.reconstruction == "bce":
            per_component = ops.binary_crossentropy(x, reconstruction)
        else:
            per_component = ops.square(x - reconstruction)
        axes = tuple(range(1, len(per_component.shape)))
        return ops.sum(per_component, axis=axes)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if isinstance(x, (list, tuple)):
            x = x[0]
        if self._last_forward is not None and self._last_forward[0] is y_pred:
            _, z_mean, z_log_var = self._last_forward
        else:
            z_mean, z_log_var = _latent_statistics(self.encoder(x, training=training))
        self._last_forward = None
        target = x if y is None else y
        reconstruction_loss = ops.mean(self.reconstruction_error(target, y_pred))
        kl_loss = ops.mean(self.kl_divergence(z_mean, z_log_var))
        total = reconstruction_loss + ops.cast(self.beta_variable, kl_loss.dtype) * kl_loss
        # Python's sum: `ops.sum` of a list of tensors fails under JAX tracing.
        extra = [ops.sum(loss) for loss in self.losses]
        if extra:
            total = total + sum(extra)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return total

    @property
    def metrics(self):
        return [*super().metrics, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def encode(self, x, *, batch_size=256):
        """Returns the posterior means `z_mean` of `x` as a NumPy array."""
        z_mean, _ = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        return z_mean

    def encode_distribution(self, x, *, batch_size=256):
        """Returns `(z_mean, z_log_var)` of `q(z | x)` as NumPy arrays."""
        z_mean, z_log_var = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        return z_mean, z_log_var

    def generate(self, n, *, seed=None, batch_size=256):
        """Decodes `n` codes drawn from the prior N(0, I); returns a NumPy array."""
        n = check_positive_int("n", n)
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, self.latent_dim)).astype(keras.backend.floatx())
        return self.decode(z, batch_size=batch_size)

    def negative_elbo(self, x, *, n_samples=1, batch_size=256, seed=0):
        """Monte Carlo estimate of the mean negative ELBO of `x`, in nats.

        With `reconstruction="bce"` this is an upper bound on the negative
        log-likelihood `-log p(x)` under the Bernoulli decoder; `beta` is taken
        as 1 whatever its training value. Returns a dict with `negative_elbo`,
        `reconstruction_loss` and `kl_loss` (means over the examples).
        """
        n_samples = check_positive_int("n_samples", n_samples)
        z_mean, z_log_var = self.encode_distribution(x, batch_size=batch_size)
        kl = ops.convert_to_numpy(self.kl_divergence(z_mean, z_log_var))
        rng = np.random.default_rng(seed)
        reconstruction = np.zeros(len(z_mean))
        for _ in range(n_samples):
            eps = rng.standard_normal(z_mean.shape).astype(z_mean.dtype)
            z = z_mean + np.exp(0.5 * z_log_var) * eps
            x_hat = self.decode(z, batch_size=batch_size)
            for start in range(0, len(x_hat), batch_size):
                stop = start + batch_size
                error = self.reconstruction_error(x[start:stop], x_hat[start:stop])
                reconstruction[start:stop] += ops.convert_to_numpy(error)
        reconstruction /= n_samples
        return {
            "negative_elbo": float(np.mean(reconstruction + kl)),
            "reconstruction_loss": float(np.mean(reconstruction)),
            "kl_loss": float(np.mean(kl)),
        }

    def get_config(self):
        base_config = super().get_config()
        log_var_range = self.sampling.log_var_range
        return {
            **base_config,
            "beta": self.beta,
            "reconstruction": self.reconstruction,
            "log_var_range": None if log_var_range is None else list(log_var_range),
            "seed": self.seed,
        }


def _as_shape(name, value):
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if (
        not isinstance(value, (tuple, list))
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a positive "
            f"integer or a tuple of positive integers. Received: {name}={value!r}"
        )
    return tuple(value)


def _as_units(name, value):
    if not isinstance(value, (tuple, list)) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
    ):
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a tuple of "
            f"positive integers. Received: {name}={value!r}"
        )
    return tuple(value)


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
    return noise_rate, check_real("noise_stddev", noise_stddev, low=0.0)


def _corrupt(x, noise_rate, noise_stddev, seed):
    """The training-time corruption of a denoising autoencoder's input."""
    if noise_rate:
        x = MaskingNoise(noise_rate, seed=seed, name="masking_noise")(x)
    if noise_stddev:
        # Its own seed: the same seed would tie its draws to the mask's.
        gaussian_seed = None if seed is None else seed + 1
        x = keras.layers.GaussianNoise(noise_stddev, seed=gaussian_seed, name="gaussian_noise")(x)
    return x


def _encoder_trunk(
    input_shape, hidden_units, activation, *, noise_rate=0.0, noise_stddev=0.0, seed=None,
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
        input_shape, hidden_units, activation, noise_rate=noise_rate,
        noise_stddev=noise_stddev, seed=seed, kernel_regularizer=kernel_regularizer,
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
        raise ValueError(
            "Invalid value received for argument `input_shape`. Expected an image "
            f"shape (height, width) or (height, width, channels). Received: "
            f"input_shape={input_shape!r}"
        )
    if input_shape[0] % factor or input_shape[1] % factor:
        raise ValueError(
            "Invalid value received for argument `input_shape`. Expected a height "
            f"and width divisible by {factor} (2 ** len(filters), one halving per "
            f"level of `filters`). Received: input_shape={input_shape!r}"
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
    filters = _as_units("filters", filters)
    if not filters:
        raise ValueError(
            "Invalid value received for argument `filters`. Expected a non-empty "
            f"tuple of positive integers. Received: filters={filters!r}"
        )
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
            n, kernel_size, strides=2, padding="same", activation=activation,
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
