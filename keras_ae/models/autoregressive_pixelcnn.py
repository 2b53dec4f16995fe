"""A small PixelCNN for binary images, built from masked convolutions."""

import keras

from keras_ae._validation import (
    check_odd_positive_int,
    check_positive_int,
    check_seed,
    invalid_argument,
    is_int,
)
from keras_ae.layers.masked import MaskedConv2D
from keras_ae.models.autoregressive_model import AutoregressiveModel

__all__ = ["build_pixelcnn"]


def build_pixelcnn(
    input_shape=(28, 28, 1),
    *,
    filters=32,
    n_layers=4,
    first_kernel_size=7,
    kernel_size=3,
    activation="relu",
    seed=None,
    name="pixelcnn",
):
    """Builds a small PixelCNN for binary images, as an `AutoregressiveModel`.

    One `MaskedConv2D` of type `"A"` on the image, `n_layers` of type `"B"`,
    then a 1x1 type-`"B"` convolution to one logit per pixel: the logit of
    `p(x_rc = 1 | pixels before (r, c) in raster order)`. The receptive field
    grows with depth but keeps the blind spot of these masks (see
    `MaskedConv2D`). No residual connections or gated units: a teaching-size
    model.

    Args:
        input_shape: `(height, width, 1)`. Defaults to `(28, 28, 1)`.
        filters: int >= 1. Channels of the hidden layers. Defaults to `32`.
        n_layers: int >= 1. Number of type-`"B"` hidden layers. Defaults to
            `4`.
        first_kernel_size: odd int. Kernel of the type-`"A"` layer. Defaults
            to `7`.
        kernel_size: odd int. Kernel of the type-`"B"` layers. Defaults to
            `3`.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        seed: int or None. Seed of the weight initialisation. Defaults to
            `None`.
        name: str. Name of the model. Defaults to `"pixelcnn"`.

    Returns:
        An `AutoregressiveModel` with the raster ordering.

    Example:

    >>> from keras_ae.models import build_pixelcnn
    >>> pixelcnn = build_pixelcnn((8, 8, 1), filters=8, n_layers=2, seed=0)
    >>> pixelcnn.compile(optimizer="adam")
    >>> pixelcnn.sample(1, seed=0).shape
    (1, 8, 8, 1)

    References:
        van den Oord, Kalchbrenner and Kavukcuoglu, "Pixel Recurrent Neural
        Networks", ICML 2016.
    """
    if (
        not isinstance(input_shape, tuple | list)
        or len(input_shape) != 3
        or input_shape[-1] != 1
        or not all(is_int(v) and v > 0 for v in input_shape)
    ):
        raise invalid_argument("input_shape", "a tuple (height, width, 1)", input_shape)
    filters = check_positive_int("filters", filters)
    n_layers = check_positive_int("n_layers", n_layers)
    first_kernel_size = check_odd_positive_int("first_kernel_size", first_kernel_size)
    kernel_size = check_odd_positive_int("kernel_size", kernel_size)
    seed = check_seed("seed", seed)

    def initializer(i):
        return keras.initializers.GlorotUniform(seed=None if seed is None else seed + i)

    inputs = keras.Input(tuple(input_shape), name="input")
    x = MaskedConv2D(
        filters,
        first_kernel_size,
        mask_type="A",
        activation=activation,
        kernel_initializer=initializer(0),
        name="masked_conv_a",
    )(inputs)
    for i in range(1, n_layers + 1):
        x = MaskedConv2D(
            filters,
            kernel_size,
            mask_type="B",
            activation=activation,
            kernel_initializer=initializer(i),
            name=f"masked_conv_b_{i}",
        )(x)
    logits = MaskedConv2D(
        1, 1, mask_type="B", kernel_initializer=initializer(n_layers + 1), name="logits"
    )(x)
    network = keras.Model(inputs, logits, name=f"{name}_network")
    return AutoregressiveModel(network, name=name)
