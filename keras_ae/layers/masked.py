"""Masked layers for autoregressive models: MADE's dense layer, PixelCNN's convolution."""

import keras
import numpy as np
from keras import ops

from keras_ae._validation import (
    check_binary_matrix,
    check_choice,
    check_odd_positive_int,
    check_positive_int,
    invalid_argument,
)

__all__ = ["MaskedConv2D", "MaskedDense", "pixelcnn_mask"]


@keras.saving.register_keras_serializable(package="keras_ae")
class MaskedDense(keras.layers.Layer):
    """Dense layer whose kernel is multiplied by a fixed binary mask.

    Computes `activation(inputs @ (kernel * mask) + bias)`: a zero in
    `mask[i, j]` cuts the connection from input `i` to unit `j`, in training
    and in inference alike (the masked weights receive no gradient and never
    act). Stacked with masks built from connectivity degrees, these layers
    make an autoencoder autoregressive, as in MADE
    (`keras_ae.models.build_made`).

    The mask is a non-trainable weight of the layer, `kernel_mask`: it is
    saved with the other weights (a `.keras` file stores it once, in binary)
    and never changed by an optimizer. `mask` returns its values as a NumPy
    array. The configuration keeps only the mask's shape (`input_dim` and
    `units`), so a layer rebuilt with `from_config` starts with a placeholder
    mask of zeros (every connection cut) until its weights are loaded, as
    `keras.saving.load_model` and `load_weights` do.

    Args:
        units: int >= 1. Number of output units.
        mask: 2-D array of 0s and 1s of shape `(input_dim, units)`.
        activation: activation function or its name. Defaults to `None`
            (linear).
        use_bias: bool. Whether the layer has a bias. Defaults to `True`.
        kernel_initializer: initializer of the kernel. Defaults to
            `"glorot_uniform"`.
        bias_initializer: initializer of the bias. Defaults to `"zeros"`.
        **kwargs: Base layer keyword arguments, such as `name` or `dtype`.

    Call arguments:
        inputs: tensor of shape `(..., input_dim)`.

    Returns:
        A tensor of shape `(..., units)`.

    Example:

    >>> import numpy as np
    >>> from keras_ae.layers import MaskedDense
    >>> mask = np.tril(np.ones((3, 3)), k=-1)  # unit j sees inputs i < j
    >>> layer = MaskedDense(3, mask)
    >>> layer(np.ones((2, 3), "float32")).shape
    (2, 3)

    References:
        Germain, Gregor, Murray and Larochelle, "MADE: Masked Autoencoder for
        Distribution Estimation", ICML 2015.
    """

    def __init__(
        self,
        units,
        mask,
        *,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        mask = check_binary_matrix("mask", mask)
        if mask.shape[1] != self.units:
            raise invalid_argument(
                "mask",
                f"a mask of shape (input_dim, {self.units})",
                received=f"mask of shape {mask.shape}",
            )
        self.input_dim = mask.shape[0]
        self._initial_mask = mask
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    @property
    def mask(self):
        """The mask, a float32 NumPy array of 0s and 1s of shape `(input_dim, units)`."""
        if self.built:
            return ops.convert_to_numpy(self.kernel_mask).astype("float32")
        return self._initial_mask.copy()

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim != self.input_dim:
            raise ValueError(
                f"`MaskedDense` expects inputs with last dimension {self.input_dim} "
                f"(the rows of its mask). Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            name="kernel", shape=(self.input_dim, self.units), initializer=self.kernel_initializer
        )
        initial_mask = self._initial_mask
        self.kernel_mask = self.add_weight(
            name="kernel_mask",
            shape=initial_mask.shape,
            initializer=lambda shape, dtype=None: ops.convert_to_tensor(initial_mask, dtype),
            trainable=False,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.units,), initializer=self.bias_initializer
            )
        else:
            self.bias = None

    def call(self, inputs):
        kernel = ops.cast(self.kernel * ops.cast(self.kernel_mask, self.kernel.dtype), inputs.dtype)
        outputs = ops.matmul(inputs, kernel)
        if self.bias is not None:
            outputs = outputs + ops.cast(self.bias, inputs.dtype)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        base_config = super().get_config()
        return {
            **base_config,
            "units": self.units,
            "input_dim": self.input_dim,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }

    @classmethod
    def from_config(cls, config):
        """Rebuilds the layer with a placeholder mask of zeros; loading the weights restores it."""
        config = dict(config)
        input_dim = check_positive_int("input_dim", config.pop("input_dim"))
        units = check_positive_int("units", config["units"])
        return cls(mask=np.zeros((input_dim, units), "float32"), **config)


def pixelcnn_mask(kernel_size, mask_type):
    """The spatial mask of a PixelCNN convolution, a `(k, k)` float32 array of 0s and 1s.

    Every position of the rows above the centre is 1, and so are the
    positions left of the centre in its row; the centre itself is 1 for type
    `"B"` and 0 for type `"A"`; everything after the centre in raster order
    is 0.

    Args:
        kernel_size: odd int >= 1. Height and width of the kernel.
        mask_type: `"A"` or `"B"`.

    Returns:
        A float32 NumPy array of shape `(kernel_size, kernel_size)`.

    Example:

    >>> from keras_ae.layers.masked import pixelcnn_mask
    >>> pixelcnn_mask(3, "A").astype(int).tolist()
    [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
    """
    k = check_odd_positive_int("kernel_size", kernel_size)
    mask_type = check_choice("mask_type", mask_type, ("A", "B"))
    centre = k // 2
    mask = np.zeros((k, k), dtype="float32")
    mask[:centre, :] = 1.0
    mask[centre, :centre] = 1.0
    if mask_type == "B":
        mask[centre, centre] = 1.0
    return mask


@keras.saving.register_keras_serializable(package="keras_ae")
class MaskedConv2D(keras.layers.Layer):
    """PixelCNN's masked 2-D convolution: each output sees only earlier pixels.

    A stride-1 convolution with `"same"` padding whose kernel is multiplied by
    the mask of `pixelcnn_mask`: output pixel `(r, c)` depends on the input
    pixels of the rows above `r` and on those left of `c` in row `r`, that
    is, on the pixels before it in raster order (left to right, top to
    bottom). Type `"A"` also excludes the input pixel `(r, c)` itself and is
    used for the first layer, which sees the image; type `"B"` includes it
    and is used for the layers after it, whose input at `(r, c)` already
    depends only on earlier pixels. All input channels of a pixel are masked
    together (no channel groups): the layer is meant for one-channel images
    or for hidden feature maps. The mask is fixed and not a weight.

    Stacking these masks leaves a *blind spot*: pixels up and to the right of
    an output never reach it, however many layers are stacked (van den Oord
    et al. 2016 remove it with separate vertical and horizontal stacks).

    Args:
        filters: int >= 1. Number of output channels.
        kernel_size: odd int >= 1. Height and width of the kernel.
        mask_type: `"A"` (centre pixel excluded) or `"B"` (included).
            Defaults to `"A"`.
        activation: activation function or its name. Defaults to `None`.
        use_bias: bool. Whether the layer has a bias. Defaults to `True`.
        kernel_initializer: initializer of the kernel. Defaults to
            `"glorot_uniform"`.
        bias_initializer: initializer of the bias. Defaults to `"zeros"`.
        **kwargs: Base layer keyword arguments, such as `name` or `dtype`.

    Call arguments:
        inputs: tensor of shape `(batch, height, width, channels)`.

    Returns:
        A tensor of shape `(batch, height, width, filters)`.

    Example:

    >>> import numpy as np
    >>> from keras_ae.layers import MaskedConv2D
    >>> layer = MaskedConv2D(8, 5, mask_type="A")
    >>> layer(np.zeros((2, 28, 28, 1), "float32")).shape
    (2, 28, 28, 8)

    References:
        van den Oord, Kalchbrenner and Kavukcuoglu, "Pixel Recurrent Neural
        Networks", ICML 2016.
        van den Oord et al., "Conditional Image Generation with PixelCNN
        Decoders", NeurIPS 2016.
    """

    def __init__(
        self,
        filters,
        kernel_size,
        *,
        mask_type="A",
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = check_odd_positive_int("kernel_size", kernel_size)
        self.mask_type = check_choice("mask_type", mask_type, ("A", "B"))
        self.mask = pixelcnn_mask(self.kernel_size, self.mask_type)
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                "`MaskedConv2D` expects inputs of shape (batch, height, width, "
                f"channels). Received: input_shape={tuple(input_shape)}"
            )
        k = self.kernel_size
        self.kernel = self.add_weight(
            name="kernel",
            shape=(k, k, input_shape[-1], self.filters),
            initializer=self.kernel_initializer,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.filters,), initializer=self.bias_initializer
            )
        else:
            self.bias = None

    def call(self, inputs):
        mask = ops.convert_to_tensor(self.mask[:, :, None, None], dtype=self.kernel.dtype)
        kernel = ops.cast(self.kernel * mask, inputs.dtype)
        outputs = ops.conv(inputs, kernel, strides=1, padding="same", data_format="channels_last")
        if self.bias is not None:
            outputs = outputs + ops.cast(self.bias, inputs.dtype)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        base_config = super().get_config()
        return {
            **base_config,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "mask_type": self.mask_type,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
