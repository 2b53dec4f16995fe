"""Reconstruction losses on the scale the lecture notes use."""

import keras
from keras import ops

from keras_ae._dtypes import at_least_float32

__all__ = ["HalfSquaredError", "half_squared_error"]


def half_squared_error(y_true, y_pred):
    """The per-example reconstruction cost `1/2 ||y_pred - y_true||^2`.

    The squared differences are summed over every axis but the first (the
    batch axis), so each example contributes its whole squared error, not its
    mean over pixels as `keras.losses.MeanSquaredError` does. This is the
    scale on which the sparsity weight `beta` of
    `keras_ae.regularizers.KLSparsity` is usually stated: with Keras's
    `"mse"` the reconstruction term of a 28x28 image is 1/392 of this one,
    and the same `beta` then weighs 392 times as much against it.

    The errors are summed in float32 (float64 if `y_pred` is float64): a
    float16 or bfloat16 `y_pred`, the output of a model under a
    mixed-precision policy, is cast first, as Keras's losses do, so that the
    sum over the pixels cannot overflow.

    Args:
        y_true: tensor of shape `(batch, ...)`, the targets.
        y_pred: tensor of the same shape, the reconstructions.

    Returns:
        A tensor of shape `(batch,)`, in float32 or wider.

    Example:

    >>> import numpy as np
    >>> from keras import ops
    >>> x = np.zeros((2, 2, 2))
    >>> ops.convert_to_numpy(half_squared_error(x, x + 1.0)).tolist()
    [2.0, 2.0]
    """
    y_pred = at_least_float32(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    squared = ops.square(y_pred - y_true)
    axes = tuple(range(1, len(squared.shape)))
    if not axes:
        return 0.5 * squared
    return 0.5 * ops.sum(squared, axis=axes)


@keras.saving.register_keras_serializable(package="keras_ae")
class HalfSquaredError(keras.losses.Loss):
    """Loss class of `half_squared_error`: `1/2 ||y_pred - y_true||^2` per example.

    Averaged over the batch by default, like every Keras loss. Use it for
    autoencoders whose penalty weights (`KLSparsity`'s `beta`, a contractive
    `lam`) are meant relative to the summed squared error of the lectures.

    Args:
        reduction: reduction over the batch, as for any Keras loss. Defaults
            to `"sum_over_batch_size"` (the batch mean).
        name: str. Defaults to `"half_squared_error"`.

    Example:

    >>> import keras
    >>> from keras_ae.losses import HalfSquaredError
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    >>> model.compile(optimizer="adam", loss=HalfSquaredError())
    """

    def __init__(self, reduction="sum_over_batch_size", name="half_squared_error", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        return half_squared_error(y_true, y_pred)
