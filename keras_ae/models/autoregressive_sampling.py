"""The pixel-by-pixel sampling loop of autoregressive models, compiled by Keras.

Drawing `d` components one at a time takes `d` passes of the network. Run
from Python, one `predict_on_batch` per component, the loop pays Keras's
per-call overhead `d` times (on PyTorch it dominates). `AutoregressiveSampler`
writes the whole loop as one Keras model, with `keras.ops.fori_loop`, so that
one `predict_on_batch` runs all the steps: inside one `tf.function` on
TensorFlow, one `jax.jit` on JAX, and under `torch.no_grad` on PyTorch.

MADE needs less: its network is a chain of dense layers, and drawing
component `i` changes the first layer's pre-activation by one row of its
kernel. `fill_dense_chain` runs that loop in NumPy, a few matrix-vector
products per component, the same on every backend.
"""

import keras
import numpy as np
from keras import ops

__all__ = ["AutoregressiveSampler", "dense_chain", "fill_dense_chain"]


class AutoregressiveSampler(keras.Model):
    """Fills in the free components of a batch, one network pass per step.

    Its inputs are `[x, free, uniforms, steps]`: `x` the batch with its
    observed components, flattened to `(n, d)`; `free` (n, d) 1 where a
    component is drawn, 0 where it is kept; `uniforms` (n, d) one uniform
    draw in [0, 1) per component; `steps` the components to draw, in the
    order of drawing, as a float vector of indices. At each step `i`, the
    network's logit `l` of component `i` gives `p = sigmoid(l)`, and the
    component becomes `uniforms[:, i] < p` where it is free. The draws come
    in as inputs (made with NumPy by the caller), so that a seed gives the
    same samples on every backend. Everything is computed in float32; the
    network is called in its own dtype policy.

    Args:
        network: the Keras model from `(n, *event_shape)` inputs to logits of
            the same shape.
    """

    def __init__(self, network, **kwargs):
        super().__init__(dtype="float32", **kwargs)
        self.network = network
        self.event_shape = tuple(int(s) for s in network.inputs[0].shape[1:])

    def call(self, inputs, training=False):
        x, free, uniforms, steps = (ops.cast(a, "float32") for a in inputs)
        d = ops.shape(x)[1]
        positions = ops.cast(ops.arange(d), "float32")

        def step(k, x):
            i = ops.take(steps, k)
            here = ops.cast(ops.equal(positions, i), "float32")  # one-hot of component i
            logits = self.network(ops.reshape(x, (-1, *self.event_shape)), training=False)
            logits = ops.reshape(ops.cast(logits, "float32"), (-1, d))
            logit = ops.sum(logits * here, axis=1, keepdims=True)
            u = ops.sum(uniforms * here, axis=1, keepdims=True)
            drawn = ops.cast(ops.less(u, ops.sigmoid(logit)), "float32")
            update = here * ops.sum(free * here, axis=1, keepdims=True)  # 1 at i if free
            return x * (1.0 - update) + drawn * update

        return ops.fori_loop(0, ops.shape(steps)[0], step, x)


_NUMPY_ACTIVATIONS = {
    "linear": lambda a: a,
    "relu": lambda a: np.maximum(a, 0.0),
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "tanh": np.tanh,
}


def dense_chain(network, dense_class):
    """The layers of `network` as NumPy `(masked kernel, bias, activation)`, or None.

    Only for a network that is a plain chain `Input -> dense_class -> ... ->
    dense_class` (MADE's) with activations NumPy can apply; anything else
    returns None and is sampled by `AutoregressiveSampler`.
    """
    layers = network.layers[1:]
    if (
        len(network.inputs) != 1
        or not layers
        or not isinstance(network.layers[0], keras.layers.InputLayer)
        or not all(type(layer) is dense_class for layer in layers)
    ):
        return None
    chain = []
    previous = network.layers[0].output
    for layer in layers:
        name = keras.activations.serialize(layer.activation)
        if name not in _NUMPY_ACTIVATIONS or layer.input is not previous:
            return None
        kernel = ops.convert_to_numpy(layer.kernel).astype("float64") * layer.mask
        bias = (
            np.zeros(layer.units) if layer.bias is None else ops.convert_to_numpy(layer.bias)
        ).astype("float64")
        chain.append((kernel, bias, _NUMPY_ACTIVATIONS[name]))
        previous = layer.output
    if previous is not network.outputs[0]:
        return None
    return chain


def fill_dense_chain(chain, flat, free, uniforms, steps):
    """`AutoregressiveSampler`'s loop in NumPy for a chain of dense layers.

    The first layer's pre-activation is updated as each component is drawn
    (one row of its kernel per step), and the output layer computes only the
    logit of the component being drawn: a step costs a few matrix-vector
    products, not a pass of the network.
    """
    x = flat.astype("float64")
    (kernel, bias, activation), *rest = chain
    first = x @ kernel + bias
    for i in steps:
        h = activation(first)
        for kernel_k, bias_k, activation_k in rest[:-1]:
            h = activation_k(h @ kernel_k + bias_k)
        if rest:
            kernel_out, bias_out, activation_out = rest[-1]
            logit = activation_out(h @ kernel_out[:, i] + bias_out[i])
        else:
            logit = h[:, i]
        drawn = (uniforms[:, i] < 1.0 / (1.0 + np.exp(-logit))).astype("float64")
        new = np.where(free[:, i], drawn, x[:, i])
        first += np.outer(new - x[:, i], kernel[i])
        x[:, i] = new
    return x.astype("float32")
