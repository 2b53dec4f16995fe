"""The gradient of a scalar function, on whichever Keras backend is running.

`keras.ops` computes values on every backend, but has no gradient function:
each backend brings its own (`tf.GradientTape`, `jax.grad`,
`torch.autograd.grad`). `gradient` picks the one of the running backend, so a
notebook or a test can differentiate a `keras.ops` expression the same way on
TensorFlow, JAX and PyTorch. The backend's own module is imported only when
that backend runs.
"""

import keras
import numpy as np
from keras import ops

from keras_ae._validation import (
    check_callable,
    check_choice,
    check_scalar_shape,
    invalid_argument,
)

__all__ = ["gradient"]

_DIFFERENTIABLE_BACKENDS = ("tensorflow", "jax", "torch")


def gradient(fn, *args):
    """Gradient of a scalar function of tensors, by the running backend's autodiff.

    `fn` is called once with each of `args` converted to a backend tensor
    (floating point, Keras's float type unless the array already has another
    float dtype the backend supports) and must return a scalar; `gradient`
    returns the derivatives of that scalar with respect to every argument. An
    argument that the result does not depend on gets a gradient of zeros, on
    every backend (TensorFlow and PyTorch would otherwise report `None`).
    Random draws inside `fn` (for example a `keras_ae.layers.Sampling` layer
    with a seed) are made as in any other call.

    Args:
        fn: callable. Takes `len(args)` tensors and returns a scalar tensor,
            written with `keras.ops` (or anything the backend can differentiate).
        *args: array-likes. The points at which to differentiate.

    Returns:
        One NumPy array per argument, of its shape: the array itself when
        there is one argument, a tuple of them otherwise.

    Raises:
        ValueError: if `fn` is not callable, no argument is given, `fn`
            returns something that is not a scalar, or the backend has no
            automatic differentiation (the `numpy` backend).

    Example:

    >>> import numpy as np
    >>> from keras import ops
    >>> from keras_ae.autodiff import gradient
    >>> x = np.array([1.0, -2.0, 3.0], dtype="float32")
    >>> gradient(lambda v: ops.sum(v**2), x)  # d/dx sum(x^2) = 2x
    array([ 2., -4.,  6.], dtype=float32)
    >>> d_a, d_b = gradient(lambda a, b: ops.sum(a * b), x, 2 * x)
    >>> d_a.tolist(), d_b.tolist()
    ([2.0, -4.0, 6.0], [1.0, -2.0, 3.0])
    """
    check_callable("fn", fn)
    if not args:
        raise invalid_argument("args", "at least one array to differentiate with respect to", args)
    backend = keras.backend.backend()
    check_choice("backend", backend, _DIFFERENTIABLE_BACKENDS)
    tensors = [ops.convert_to_tensor(_floating(a)) for a in args]
    if backend == "tensorflow":
        grads = _tensorflow_gradient(fn, tensors)
    elif backend == "jax":
        grads = _jax_gradient(fn, tensors)
    else:
        grads = _torch_gradient(fn, tensors)
    grads = tuple(ops.convert_to_numpy(g) for g in grads)
    return grads[0] if len(grads) == 1 else grads


def _floating(value):
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(keras.config.floatx())
    return array


def _scalar(result):
    check_scalar_shape("fn", ops.shape(result))
    return result


def _tensorflow_gradient(fn, tensors):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        for tensor in tensors:
            tape.watch(tensor)
        result = _scalar(fn(*tensors))
    return tape.gradient(result, tensors, unconnected_gradients=tf.UnconnectedGradients.ZERO)


def _jax_gradient(fn, tensors):
    import jax

    argnums = tuple(range(len(tensors)))
    return jax.grad(lambda *xs: _scalar(fn(*xs)), argnums=argnums)(*tensors)


def _torch_gradient(fn, tensors):
    import torch

    leaves = [tensor.detach().clone().requires_grad_(True) for tensor in tensors]
    result = _scalar(fn(*leaves))
    if not result.requires_grad:  # `fn` does not depend on any argument
        return [torch.zeros_like(leaf) for leaf in leaves]
    grads = torch.autograd.grad(result, leaves, allow_unused=True)
    return [
        torch.zeros_like(leaf) if grad is None else grad
        for leaf, grad in zip(leaves, grads, strict=True)
    ]
