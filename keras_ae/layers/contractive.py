"""The contractive encoder layer: a Dense layer with a Jacobian penalty."""

import keras
from keras import ops

from keras_ae._dtypes import at_least_float32
from keras_ae._validation import check_choice, check_positive_int, check_real

__all__ = ["ContractiveDense"]


# Derivatives of the supported elementwise activations, written in terms of the
# pre-activation `z` and the activation `h = f(z)`.
_ACTIVATION_DERIVATIVES = {
    "sigmoid": lambda z, h: h * (1.0 - h),
    "tanh": lambda z, h: 1.0 - ops.square(h),
    "relu": lambda z, h: ops.cast(z > 0, h.dtype),
    "softplus": lambda z, h: ops.sigmoid(z),
    "linear": lambda z, h: ops.ones_like(h),
}


@keras.saving.register_keras_serializable(package="keras_ae")
class ContractiveDense(keras.layers.Layer):
    """Dense encoder layer that adds the contractive penalty to the loss.

    Computes `h = f(x W + b)` and adds `lam * ||J_h(x)||_F^2` to the model's
    losses, where `J_h(x) = dh/dx` is the Jacobian of the code with respect
    to the input. For an elementwise activation the squared Frobenius norm
    has the closed form `sum_j f'(z_j)^2 * sum_i W_ij^2`; for the sigmoid,
    `f'(z_j) = h_j (1 - h_j)`. The penalty is averaged over the examples of
    the batch, like a mean reconstruction loss, and is added in training and
    in evaluation alike.

    Under a mixed-precision policy the output `h` is in the layer's compute
    dtype (float16 or bfloat16) while the penalty is computed in float32
    from the float32 kernel, so that its squares and sums neither overflow
    nor round away.

    Args:
        units: positive int. Number of hidden units.
        activation: str, one of `"sigmoid"`, `"tanh"`, `"relu"`,
            `"softplus"`, `"linear"`. Defaults to `"sigmoid"`.
        lam: float >= 0. Weight `lambda` of the penalty. Defaults to `0.1`.
        kernel_initializer: initializer of `W`. Defaults to
            `"glorot_uniform"`.
        bias_initializer: initializer of `b`. Defaults to `"zeros"`.
        **kwargs: Base layer keyword arguments, such as `name`.

    Call arguments:
        inputs: tensor of shape `(batch, input_dim)`.

    Returns:
        A tensor of shape `(batch, units)`.

    Example:

    >>> import keras
    >>> from keras_ae.layers import ContractiveDense
    >>> inputs = keras.Input(shape=(784,))
    >>> codes = ContractiveDense(64, activation="sigmoid", lam=0.1)(inputs)
    >>> outputs = keras.layers.Dense(784, activation="sigmoid")(codes)
    >>> cae = keras.Model(inputs, outputs)

    References:
        Rifai, Vincent, Muller, Glorot and Bengio, "Contractive
        auto-encoders: explicit invariance during feature extraction",
        ICML 2011.
    """

    def __init__(
        self,
        units,
        *,
        activation="sigmoid",
        lam=0.1,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.activation = check_choice("activation", activation, tuple(_ACTIVATION_DERIVATIVES))
        self.lam = check_real("lam", lam, low=0.0, finite=True)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        # Not autocast: the penalty reads the float32 kernel under a
        # mixed-precision policy (as BatchNormalization reads its statistics);
        # the forward pass casts it to the compute dtype itself.
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_shape[-1], self.units),
            initializer=self.kernel_initializer,
            autocast=False,
        )
        self.bias = self.add_weight(
            name="bias", shape=(self.units,), initializer=self.bias_initializer
        )

    def contractive_penalty(self, inputs):
        """Returns `||J_h(x)||_F^2` for each example, a tensor of shape `(batch,)`.

        The values are in float32 whatever the layer's compute dtype (float64
        under a float64 policy).
        """
        return self._jacobian_norm(*self._forward(inputs))

    def _forward(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        z = ops.matmul(inputs, ops.cast(self.kernel, self.compute_dtype)) + self.bias
        return z, keras.activations.get(self.activation)(z)

    def _jacobian_norm(self, z, h):
        z, h = at_least_float32(z), at_least_float32(h)
        derivative = _ACTIVATION_DERIVATIVES[self.activation](z, h)
        kernel = ops.cast(self.kernel, h.dtype)
        column_norms = ops.sum(ops.square(kernel), axis=0)
        return ops.sum(ops.square(derivative) * column_norms, axis=-1)

    def call(self, inputs):
        z, h = self._forward(inputs)
        if self.lam > 0:
            self.add_loss(self.lam * ops.mean(self._jacobian_norm(z, h)))
        return h

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        base_config = super().get_config()
        return {
            **base_config,
            "units": self.units,
            "activation": self.activation,
            "lam": self.lam,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
