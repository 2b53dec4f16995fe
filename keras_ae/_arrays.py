"""Array conversions shared by the evaluation and plotting modules."""

import keras
import numpy as np

from keras_ae._validation import invalid_argument

__all__ = ["as_numpy", "as_samples", "flatten"]


def as_numpy(x):
    """Converts arrays, lists, Keras variables and backend tensors to NumPy.

    `np.asarray` reads TensorFlow and JAX tensors directly; PyTorch tensors
    are detached and moved to the CPU first. (`keras.ops.convert_to_numpy`
    is not used: it only knows the active backend's tensors and, through
    `np.array`, triggers NumPy 2 copy-keyword deprecation warnings.)
    """
    if isinstance(x, keras.Variable):
        x = x.value
    if hasattr(x, "detach"):  # PyTorch tensor, possibly requiring grad.
        x = x.detach().cpu()
    return np.asarray(x)


def as_samples(name, x, *, min_ndim=1):
    """Converts `x` to a NumPy array of at least `min_ndim` dims, samples first."""
    x = as_numpy(x)
    if x.ndim < min_ndim or x.shape[0] == 0:
        expected = (
            "a non-empty array"
            if min_ndim <= 1
            else f"a non-empty array with at least {min_ndim} dimensions"
        )
        raise invalid_argument(name, expected, received=f"{name}.shape={x.shape}")
    return x


def flatten(x):
    """Reshapes `(n, ...)` to `(n, d)`."""
    return x.reshape(x.shape[0], -1)
