"""The pixel-by-pixel sampling loop of autoregressive models, compiled by Keras.

Drawing `d` components one at a time takes `d` passes of the network. Run
from Python, one `predict_on_batch` per component, the loop pays Keras's
per-call overhead `d` times (on PyTorch it dominates). `AutoregressiveSampler`
writes the whole loop as one Keras model, with `keras.ops.fori_loop`, so that
one `predict_on_batch` runs all the steps: inside one `tf.function` on
TensorFlow, one `jax.jit` on JAX, and under `torch.no_grad` on PyTorch.
"""

import keras
from keras import ops

__all__ = ["AutoregressiveSampler"]


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
