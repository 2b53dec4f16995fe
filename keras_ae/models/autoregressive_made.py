"""MADE: the masks of Germain et al. and the builder of a masked autoencoder."""

import keras
import numpy as np

from keras_ae._validation import check_int, check_permutation, check_seed, check_shape
from keras_ae.layers.masked import MaskedDense
from keras_ae.models.autoregressive_model import AutoregressiveModel

__all__ = ["build_made", "made_masks"]


def made_masks(ordering, hidden_units, *, seed=None):
    """MADE's masks from an input ordering and random connectivity degrees.

    The input `ordering[k]` gets the degree `k + 1`. Each hidden unit gets a
    degree `m` drawn uniformly from `min(previous layer's degrees), ..., d - 1`
    and is connected to the units of the previous layer whose degree is at
    most `m`; output `i` is connected to the last hidden units whose degree
    is strictly below the degree of input `i`. So output `i` depends only on
    the inputs before `i` in the ordering, and the first one on no input.

    Args:
        ordering: permutation of `range(d)`, `d >= 2`.
        hidden_units: tuple of ints >= 1, the sizes of the hidden layers.
        seed: int or None. Seed of the degrees. Defaults to `None`.

    Returns:
        `(masks, degrees)`: the float32 masks of shape `(fan_in, fan_out)`,
        one per layer (the last one to the outputs), and the int degrees of
        the inputs and of each hidden layer.

    References:
        Germain, Gregor, Murray and Larochelle, "MADE: Masked Autoencoder for
        Distribution Estimation", ICML 2015.
    """
    seed = check_seed("seed", seed)
    ordering = np.asarray(ordering)
    d = len(ordering)
    rng = np.random.default_rng(seed)
    input_degrees = np.empty(d, dtype="int64")
    input_degrees[ordering] = np.arange(1, d + 1)
    degrees = [input_degrees]
    masks = []
    for units in hidden_units:
        low = min(int(degrees[-1].min()), d - 1)
        hidden = rng.integers(low, d, size=units)  # low .. d - 1
        masks.append((degrees[-1][:, None] <= hidden[None, :]).astype("float32"))
        degrees.append(hidden)
    masks.append((degrees[-1][:, None] < input_degrees[None, :]).astype("float32"))
    return masks, degrees


def build_made(
    input_dim,
    hidden_units,
    *,
    ordering=None,
    seed=None,
    activation="relu",
    name="made",
):
    """Builds MADE, a masked autoencoder for binary vectors, as an `AutoregressiveModel`.

    A fully connected autoencoder `input -> hidden_units... -> input` whose
    `MaskedDense` layers carry the masks of `made_masks`: its output `i` is
    the logit of `p(x_i = 1 | x_<i)`, where `<i` means "before `i` in
    `ordering`". Its training loss is therefore the exact negative
    log-likelihood of the data in nats, and `sample` draws vectors one
    component at a time. The hidden degrees are random (drawn once, from
    `seed`); with few hidden units some inputs reach no output, as in
    Germain et al.

    Args:
        input_dim: int >= 2. Length of the binary vectors.
        hidden_units: non-empty tuple of ints >= 1. Sizes of the hidden
            layers.
        ordering: permutation of `range(input_dim)`, the order in which the
            components are generated (`ordering[0]` first). Defaults to
            `None`, the natural order `0, 1, ..., input_dim - 1`.
        seed: int or None. Seed of the connectivity degrees and of the weight
            initialisation. Defaults to `None`.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        name: str. Name of the model. Defaults to `"made"`.

    Returns:
        An `AutoregressiveModel`. `made.masks` lists the masks of its layers
        (saved with the model); `made.degrees` holds the connectivity
        degrees of the inputs and hidden layers (on the built model only).

    Example:

    >>> from keras_ae.models import build_made
    >>> made = build_made(784, (500,), seed=0)
    >>> made.compile(optimizer="adam")
    >>> # made.fit(x_binary_flat, epochs=10, batch_size=100)
    >>> # made.log_prob(x_test)  # exact log-likelihoods in nats

    References:
        Germain, Gregor, Murray and Larochelle, "MADE: Masked Autoencoder for
        Distribution Estimation", ICML 2015.
    """
    input_dim = check_int("input_dim", input_dim, low=2)
    hidden_units = check_shape("hidden_units", hidden_units)
    seed = check_seed("seed", seed)
    ordering = (
        np.arange(input_dim)
        if ordering is None
        else check_permutation("ordering", ordering, input_dim)
    )
    masks, degrees = made_masks(ordering, hidden_units, seed=seed)

    def initializer(i):
        return keras.initializers.GlorotUniform(seed=None if seed is None else seed + i)

    inputs = keras.Input((input_dim,), name="input")
    x = inputs
    for i, mask in enumerate(masks[:-1]):
        x = MaskedDense(
            mask.shape[1],
            mask,
            activation=activation,
            kernel_initializer=initializer(i),
            name=f"masked_hidden_{i}",
        )(x)
    logits = MaskedDense(
        input_dim, masks[-1], kernel_initializer=initializer(len(masks)), name="logits"
    )(x)
    made = AutoregressiveModel(
        keras.Model(inputs, logits, name=f"{name}_network"), ordering, name=name
    )
    made.degrees = [d.copy() for d in degrees]
    return made
