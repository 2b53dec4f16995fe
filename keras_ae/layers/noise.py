"""Masking noise, the corruption of the denoising autoencoder."""

import keras
from keras import ops

from keras_ae._validation import check_real, check_seed

__all__ = ["MaskingNoise"]

# The multipliers of Chris Wellons's "lowbias32" integer hash, as int32 (same bits).
_MULTIPLIERS = (0x7FEB352D, 0x846CA68B - 2**32)


def _logical_right_shift(x, bits):
    """`x >> bits` of int32 `x` read as unsigned 32-bit integers."""
    return ops.bitwise_and(ops.right_shift(x, bits), (1 << (32 - bits)) - 1)


def _hash(x):
    """lowbias32: a bijection of 32-bit integers whose outputs look uniform."""
    x = ops.bitwise_xor(x, _logical_right_shift(x, 16))
    x = ops.multiply(x, _MULTIPLIERS[0])
    x = ops.bitwise_xor(x, _logical_right_shift(x, 15))
    x = ops.multiply(x, _MULTIPLIERS[1])
    return ops.bitwise_xor(x, _logical_right_shift(x, 16))


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
        self.seed = check_seed("seed", seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return ops.where(self._keep(inputs), inputs, ops.zeros_like(inputs))
        return inputs

    def _keep(self, inputs):
        """True where a component is kept: with probability `1 - rate`, to within 2**-32.

        One random integer per call, from the seed generator, then 31 bits per
        component from an integer hash of the component's index offset by it.
        This costs a few integer operations per component instead of a draw
        of the backend's random generator per component (threefry on JAX,
        about five times slower), and a component is zeroed with probability
        `round(rate * 2**31) / 2**31`.
        """
        offset = keras.random.randint((), 0, 2**31 - 1, seed=self.seed_generator, dtype="int32")
        index = ops.reshape(ops.arange(ops.size(inputs), dtype="int32"), ops.shape(inputs))
        bits = _logical_right_shift(_hash(_hash(index) + offset), 1)
        return bits >= min(round(self.rate * 2**31), 2**31 - 1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "rate": self.rate, "seed": self.seed}
