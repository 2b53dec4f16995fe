"""Layers for autoencoders: corruption, sampling, tied and contractive layers."""

import numbers

import keras
from keras import ops

from keras_ae._validation import check_choice, check_positive_int, check_real

__all__ = ["ContractiveDense", "DenseTranspose", "MaskingNoise", "Sampling"]


class _Tie:
    """Holds the tied layer out of sight of Keras's automatic tracking.

    The kernel belongs to the encoder layer: tracking it here as well would
    make the decoder save and load a second copy of it.
    """

    __slots__ = ("layer",)

    def __init__(self, layer):
        self.layer = layer


def _check_seed(seed):
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ValueError(
            "Invalid value received for argument `seed`. "
            f"Expected an integer or None. Received: seed={seed!r}"
        )
    return seed


@keras.saving.register_keras_serializable(package="keras_ae")
class MaskingNoise(keras.layers.Layer):
    """Masking noise: sets each input component to 0 with probability `rate`.

    This is the corruption process `q(x~ | x)` of the denoising autoencoder:
    a random fraction `rate` of the components of every input is forced to
    zero and the others are left exactly as they are. Unlike
    `keras.layers.Dropout`, the kept components are *not* rescaled by
    `1 / (1 - rate)`: a corrupted image has the same pixel values as the
    clean one where it was not masked. The layer is only active during
    training; at inference it returns its input unchanged.

    Args:
        rate: float in [0, 1). Probability of zeroing each input component.
            Defaults to `0.25`.
        seed: int or None. Seed of the random generator, for reproducible
            corruption. Defaults to `None`.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: Input tensor of any shape.
        training: Python boolean. Whether to corrupt the input (training) or
            return it unchanged (inference).

    Example:

    >>> import numpy as np
    >>> from keras_ae.layers import MaskingNoise
    >>> layer = MaskingNoise(rate=0.5, seed=1)
    >>> x = np.ones((2, 4), dtype="float32")
    >>> corrupted = layer(x, training=True)  # zeros and ones, no 2.0
    >>> clean = layer(x)  # unchanged at inference

    References:
        Vincent, Larochelle, Bengio and Manzagol, "Extracting and composing
        robust features with denoising autoencoders", ICML 2008.
    """

    def __init__(self, rate=0.25, *, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_real("rate", rate, low=0.0, high=1.0, closed=(True, False))
        self.seed = _check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            keep = keras.random.uniform(
                ops.shape(inputs), seed=self.seed_generator
            ) >= self.rate
            return ops.where(keep, inputs, ops.zeros_like(inputs))
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "rate": self.rate, "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_ae")
class Sampling(keras.layers.Layer):
    """Draws `z = z_mean + exp(0.5 * z_log_var) * eps` with `eps ~ N(0, I)`.

    The reparameterization trick of the variational autoencoder: the random
    part of the sample is moved into `eps`, which does not depend on the
    encoder, so the sample is a differentiable function of `z_mean` and
    `z_log_var` and gradients flow back into the encoder. The layer samples
    in training and at inference alike (use `z_mean` directly for a
    deterministic code).

    Args:
        log_var_range: tuple `(low, high)` or None. If given, `z_log_var` is
            clipped to this range before `exp`, so that a diverging encoder
            cannot produce an infinite standard deviation. Defaults to `None`
            (no clipping).
        seed: int or None. Seed of the random generator. Defaults to `None`.
        **kwargs: Base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: list `[z_mean, z_log_var]` of two tensors of the same shape.

    Returns:
        A tensor of the shape of `z_mean`.

    Example:

    >>> import numpy as np
    >>> from keras_ae.layers import Sampling
    >>> z_mean = np.zeros((3, 2), dtype="float32")
    >>> z_log_var = np.zeros((3, 2), dtype="float32")
    >>> z = Sampling(seed=0)([z_mean, z_log_var])  # three draws from N(0, I)

    References:
        Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
    """

    def __init__(self, *, log_var_range=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if log_var_range is not None:
            valid = (
                isinstance(log_var_range, (tuple, list))
                and len(log_var_range) == 2
                and all(
                    isinstance(v, numbers.Real) and not isinstance(v, bool)
                    for v in log_var_range
                )
                and log_var_range[0] < log_var_range[1]
            )
            if not valid:
                raise ValueError(
                    "Invalid value received for argument `log_var_range`. "
                    "Expected None or a pair (low, high) of floats with "
                    f"low < high. Received: log_var_range={log_var_range!r}"
                )
            log_var_range = (float(log_var_range[0]), float(log_var_range[1]))
        self.log_var_range = log_var_range
        self.seed = _check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                "`Sampling` expects a list of two tensors [z_mean, z_log_var]. "
                f"Received: inputs={inputs!r}"
            )
        z_mean, z_log_var = inputs
        if self.log_var_range is not None:
            z_log_var = ops.clip(z_log_var, *self.log_var_range)
        epsilon = keras.random.normal(
            ops.shape(z_mean), dtype=z_mean.dtype, seed=self.seed_generator
        )
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        base_config = super().get_config()
        log_var_range = None if self.log_var_range is None else list(self.log_var_range)
        return {**base_config, "log_var_range": log_var_range, "seed": self.seed}


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
            raise ValueError(
                "Invalid value received for argument `dense`. Expected a "
                "`keras.layers.Dense` or `keras_ae.layers.ContractiveDense` "
                f"layer. Received: dense={dense!r}"
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
            raise ValueError(
                "Invalid value received for argument `dense`. Expected a "
                "`keras.layers.Dense` or `keras_ae.layers.ContractiveDense` "
                f"layer with a kernel of the same shape. Received: dense={dense!r}"
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
        outputs = ops.matmul(inputs, ops.transpose(self.dense.kernel))
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
        self.activation = check_choice(
            "activation", activation, tuple(_ACTIVATION_DERIVATIVES)
        )
        self.lam = check_real("lam", lam, low=0.0)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_shape[-1], self.units),
            initializer=self.kernel_initializer,
        )
        self.bias = self.add_weight(
            name="bias", shape=(self.units,), initializer=self.bias_initializer
        )

    def contractive_penalty(self, inputs):
        """Returns `||J_h(x)||_F^2` for each example, a tensor of shape `(batch,)`."""
        return self._jacobian_norm(*self._forward(inputs))

    def _forward(self, inputs):
        z = ops.matmul(inputs, self.kernel) + self.bias
        return z, keras.activations.get(self.activation)(z)

    def _jacobian_norm(self, z, h):
        derivative = _ACTIVATION_DERIVATIVES[self.activation](z, h)
        column_norms = ops.sum(ops.square(self.kernel), axis=0)
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
