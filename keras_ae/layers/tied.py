"""Tied weights: a Dense layer that uses another layer's kernel, transposed."""

import keras
from keras import ops

from keras_ae._validation import invalid_argument
from keras_ae.layers.contractive import ContractiveDense

__all__ = ["DenseTranspose"]


class _Tie:
    """Holds the tied layer out of sight of Keras's automatic tracking.

    The kernel belongs to the encoder layer: tracking it here as well would
    make the decoder save and load a second copy of it.
    """

    __slots__ = ("layer",)

    def __init__(self, layer):
        self.layer = layer


def _is_tieable(layer):
    """Whether `DenseTranspose` can use the layer's kernel: a `Dense` kernel."""
    return isinstance(layer, (keras.layers.Dense, ContractiveDense))


@keras.saving.register_keras_serializable(package="keras_ae")
class DenseTranspose(keras.layers.Layer):
    """Dense layer whose kernel is the transpose of another layer's kernel.

    The tied-weights decoder: with an encoder `h = f(W x + b_I)` the decoder
    computes `x~ = g(W^T h + b_O)`. It owns only its bias `b_O`; the kernel is
    the very variable of the encoder layer, so training either layer moves
    both and the pair has about half the parameters of an untied
    autoencoder. The encoder layer is a `keras.layers.Dense` or a
    `ContractiveDense` (Rifai et al. tie the contractive autoencoder's
    weights this way). Call the encoder layer (or build it) before this
    layer.

    The kernel stays a weight of the encoder layer only, so a model must
    contain the encoder layer for the kernel to be trained and saved. When a
    model that holds both layers is saved to a `.keras` file, the tie is
    kept: on loading, the decoder refers to the reloaded encoder layer (in
    one functional model, or across the encoder and decoder of a
    `keras_ae.models.Autoencoder`).

    Under a mixed-precision policy the layer computes in its own compute
    dtype (float16 or bfloat16) with a cast copy of the float32 kernel; give
    it `dtype="float32"` to compute a model's output in float32, as Keras
    recommends for the last layer.

    Args:
        dense: the `keras.layers.Dense` or `ContractiveDense` layer to tie
            to.
        activation: activation function or its name. Defaults to `None`
            (linear).
        use_bias: bool. Whether the layer has its own bias. Defaults to
            `True`.
        bias_initializer: initializer of the bias. Defaults to `"zeros"`.
        **kwargs: Base layer keyword arguments, such as `name`.

    Call arguments:
        inputs: tensor of shape `(..., dense.units)`.

    Returns:
        A tensor of shape `(..., input_dim of dense)`.

    Example:

    >>> import keras
    >>> from keras_ae.layers import DenseTranspose
    >>> inputs = keras.Input(shape=(784,))
    >>> encoder_layer = keras.layers.Dense(32, activation="sigmoid")
    >>> codes = encoder_layer(inputs)
    >>> outputs = DenseTranspose(encoder_layer, activation="sigmoid")(codes)
    >>> tied = keras.Model(inputs, outputs)
    """

    def __init__(
        self,
        dense,
        *,
        activation=None,
        use_bias=True,
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not _is_tieable(dense):
            raise invalid_argument(
                "dense", "a `keras.layers.Dense` or `keras_ae.layers.ContractiveDense` layer", dense
            )
        self._tie = _Tie(dense)
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    @property
    def dense(self):
        """The encoder layer whose kernel this layer uses, transposed."""
        return self._tie.layer

    def tie_to(self, dense):
        """Ties this layer to another encoder layer with a kernel of the same shape."""
        if not _is_tieable(dense) or (
            dense.built and self.dense.built and dense.kernel.shape != self.dense.kernel.shape
        ):
            raise invalid_argument(
                "dense",
                "a `keras.layers.Dense` or `keras_ae.layers.ContractiveDense` "
                "layer with a kernel of the same shape",
                dense,
            )
        self._tie.layer = dense

    def build(self, input_shape):
        if not self.dense.built:
            raise ValueError(
                f"The tied layer '{self.dense.name}' must be built (called on "
                "an input) before the `DenseTranspose` layer that uses its "
                "kernel."
            )
        if input_shape[-1] is not None and input_shape[-1] != self.dense.units:
            raise ValueError(
                f"`DenseTranspose` expects inputs with last dimension "
                f"{self.dense.units} (the units of '{self.dense.name}'). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.dense.kernel.shape[0],),
                initializer=self.bias_initializer,
            )
        else:
            self.bias = None

    def call(self, inputs):
        # Cast explicitly: the tied layer may keep its kernel out of Keras's
        # autocasting (`ContractiveDense` does, to compute its penalty in
        # float32), and its dtype policy may differ from this layer's.
        kernel = ops.cast(self.dense.kernel, self.compute_dtype)
        outputs = ops.matmul(inputs, ops.transpose(kernel))
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.dense.kernel.shape[0])

    def get_config(self):
        base_config = super().get_config()
        return {
            **base_config,
            "dense": keras.saving.serialize_keras_object(self.dense),
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        # Inside `keras.saving.load_model` this returns the layer object that
        # the model's encoder already holds, so the weights stay tied.
        config["dense"] = keras.saving.deserialize_keras_object(config["dense"])
        return cls(**config)
