"""The reparameterization-trick sampling layer of the VAE."""

import keras
from keras import ops

from keras_ae._dtypes import at_least_float32
from keras_ae._validation import check_seed, invalid_argument, is_real

__all__ = ["Sampling"]


@keras.saving.register_keras_serializable(package="keras_ae")
class Sampling(keras.layers.Layer):
    """Draws `z = z_mean + exp(0.5 * z_log_var) * eps` with `eps ~ N(0, I)`.

    The reparameterization trick of the variational autoencoder: the random
    part of the sample is moved into `eps`, which does not depend on the
    encoder, so the sample is a differentiable function of `z_mean` and
    `z_log_var` and gradients flow back into the encoder. The layer samples
    in training and at inference alike (use `z_mean` directly for a
    deterministic code).

    Under a mixed-precision policy the noise is drawn and the sample is
    computed in float32 (so that `exp` and the noise keep their range and
    precision), then cast to the layer's compute dtype.

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
                and all(is_real(v) for v in log_var_range)
                and log_var_range[0] < log_var_range[1]
            )
            if not valid:
                raise invalid_argument(
                    "log_var_range",
                    "None or a pair (low, high) of floats with low < high",
                    log_var_range,
                )
            log_var_range = (float(log_var_range[0]), float(log_var_range[1]))
        self.log_var_range = log_var_range
        self.seed = check_seed("seed", seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                "`Sampling` expects a list of two tensors [z_mean, z_log_var]. "
                f"Received: inputs={inputs!r}"
            )
        z_mean, z_log_var = at_least_float32(inputs[0]), at_least_float32(inputs[1])
        z_log_var = ops.cast(z_log_var, z_mean.dtype)
        if self.log_var_range is not None:
            z_log_var = ops.clip(z_log_var, *self.log_var_range)
        epsilon = keras.random.normal(
            ops.shape(z_mean), dtype=z_mean.dtype, seed=self.seed_generator
        )
        return ops.cast(z_mean + ops.exp(0.5 * z_log_var) * epsilon, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        base_config = super().get_config()
        log_var_range = None if self.log_var_range is None else list(self.log_var_range)
        return {**base_config, "log_var_range": log_var_range, "seed": self.seed}
