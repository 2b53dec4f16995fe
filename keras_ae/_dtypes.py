"""Dtype rules for mixed precision: statistics and losses in at least float32."""

import keras
from keras import ops

# Floating dtypes too narrow for means, logs and losses: float16 overflows at
# 65504 and rounds `1 - 1e-7` to 1.0; bfloat16 keeps 8 bits of mantissa.
_NARROW_FLOATS = ("float16", "bfloat16")


def at_least_float32(x):
    """Returns `x` as a tensor of float32 or wider (float64 stays float64).

    Keras's `BatchNormalization` and losses compute their statistics in
    float32 under a mixed-precision policy; this is the same rule for the
    library's penalties and losses. Integer and boolean inputs become
    `keras.config.floatx()`.
    """
    x = ops.convert_to_tensor(x)
    if not keras.backend.is_float_dtype(x.dtype):
        x = ops.cast(x, keras.config.floatx())
    if keras.backend.standardize_dtype(x.dtype) in _NARROW_FLOATS:
        x = ops.cast(x, "float32")
    return x
