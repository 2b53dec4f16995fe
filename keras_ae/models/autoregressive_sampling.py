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

PixelCNN's network is a chain of masked convolutions: the logit of pixel
`(r, c)` depends only on the input rows `r - up .. r` and the columns
`c - side .. c + side`, where `up` and `side` add up the half-widths of the
kernels (`conv_chain_reach`). `fill_conv_chain` runs the loop in NumPy on
that window only, a few small convolutions per pixel instead of a pass of
the network over the whole image, again the same on every backend.
"""

import keras
import numpy as np
from keras import ops

__all__ = [
    "AutoregressiveSampler",
    "conv_chain",
    "conv_chain_logits_at",
    "conv_chain_reach",
    "dense_chain",
    "fill_conv_chain",
    "fill_dense_chain",
]


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


def _plain_chain(network, layer_class):
    """The layers of `network` when it is `Input -> layer_class -> ... -> layer_class`, or None.

    Each layer must take the previous one's output, the last one's output
    must be the network's, and every activation must be one NumPy can apply.
    """
    layers = network.layers[1:]
    if (
        len(network.inputs) != 1
        or not layers
        or not isinstance(network.layers[0], keras.layers.InputLayer)
        or not all(type(layer) is layer_class for layer in layers)
    ):
        return None
    previous = network.layers[0].output
    for layer in layers:
        name = keras.activations.serialize(layer.activation)
        if name not in _NUMPY_ACTIVATIONS or layer.input is not previous:
            return None
        previous = layer.output
    if previous is not network.outputs[0]:
        return None
    return layers


def _numpy_layer(layer, masked_kernel):
    """`(masked kernel, bias, activation)` of `layer` in float64 NumPy."""
    units = masked_kernel.shape[-1]
    bias = np.zeros(units) if layer.bias is None else ops.convert_to_numpy(layer.bias)
    activation = _NUMPY_ACTIVATIONS[keras.activations.serialize(layer.activation)]
    return masked_kernel, bias.astype("float64"), activation


def dense_chain(network, dense_class):
    """The layers of `network` as NumPy `(masked kernel, bias, activation)`, or None.

    Only for a network that is a plain chain `Input -> dense_class -> ... ->
    dense_class` (MADE's) with activations NumPy can apply; anything else
    returns None and is sampled by `AutoregressiveSampler`.
    """
    layers = _plain_chain(network, dense_class)
    if layers is None:
        return None
    return [
        _numpy_layer(layer, ops.convert_to_numpy(layer.kernel).astype("float64") * layer.mask)
        for layer in layers
    ]


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


def conv_chain(network, conv_class):
    """The layers of `network` as NumPy `(masked kernel, bias, activation)`, or None.

    Only for a network that is a plain chain `Input -> conv_class -> ... ->
    conv_class` (PixelCNN's `MaskedConv2D` layers: stride 1, `"same"`
    padding, square odd kernels masked to the rows above and the pixels to
    the left) with activations NumPy can apply; anything else returns None
    and is sampled by `AutoregressiveSampler`. Kernels are `(k, k, in, out)`.
    """
    layers = _plain_chain(network, conv_class)
    if layers is None:
        return None
    return [
        _numpy_layer(
            layer,
            ops.convert_to_numpy(layer.kernel).astype("float64") * layer.mask[:, :, None, None],
        )
        for layer in layers
    ]


def conv_chain_reach(chain):
    """`(up, side)`: output `(r, c)` of `chain` sees input rows `r - up .. r`, columns `c +- side`.

    Each stride-1 `"same"` layer with a `k x k` kernel widens the view by
    `k // 2` rows upwards and `k // 2` columns to each side; the masks keep
    every row below out of it.
    """
    reach = sum(kernel.shape[0] // 2 for kernel, _, _ in chain)
    return reach, reach


def _conv_same(x, kernel, bias, activation):
    """A stride-1 convolution with `"same"` zero padding of `x` (n, h, w, in), in NumPy.

    One matrix product over the kernel positions the mask keeps (the rows
    above the centre and the pixels left of it), with the shifted copies of
    the input side by side.
    """
    k = kernel.shape[0]
    half = k // 2
    n, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (half, half), (half, half), (0, 0)))
    kept = [(i, j) for i in range(k) for j in range(k) if kernel[i, j].any()]
    if not kept:
        return activation(np.broadcast_to(bias, (n, h, w, kernel.shape[-1])).copy())
    shifted = np.concatenate([padded[:, i : i + h, j : j + w] for i, j in kept], axis=-1)
    weights = np.concatenate([kernel[i, j] for i, j in kept], axis=0)
    return activation(shifted @ weights + bias)


def conv_chain_logits_at(chain, images, r, c, *, reach=None):
    """The logits of pixel `(r, c)` of `images` (n, h, w, channels), from a window only.

    The chain runs on the rows `r0 .. r0 + up` and the columns `c0 .. c0 + 2
    side` of the images, with `r0 = max(0, r - up)` and `c0 = c - side`
    clipped to the image; a window edge is either an edge of the image,
    where the network pads with zeros too, or at least `up` rows (`side`
    columns) away from `(r, c)`, beyond its view. So the logits are those of
    the whole network. `reach` overrides `conv_chain_reach(chain)`.

    Returns:
        A float64 NumPy array of shape `(n, channels_out)`.
    """
    up, side = conv_chain_reach(chain) if reach is None else reach
    height, width = images.shape[1:3]
    rows = min(height, up + 1)
    cols = min(width, 2 * side + 1)
    r0 = min(max(r - up, 0), height - rows)
    c0 = min(max(c - side, 0), width - cols)
    h = images[:, r0 : r0 + rows, c0 : c0 + cols]
    for kernel, bias, activation in chain:
        h = _conv_same(h, kernel, bias, activation)
    return h[:, r - r0, c - c0]


def fill_conv_chain(chain, images, free, uniforms, steps):
    """`AutoregressiveSampler`'s loop in NumPy for a chain of masked convolutions.

    Each step computes only the logit of the pixel being drawn, from the
    window of the image it can see (`conv_chain_logits_at`). `images` is
    `(n, h, w, 1)`; `free` and `uniforms` are flattened to `(n, h * w)`;
    `steps` are flat pixel indices in the order of drawing.
    """
    x = images.astype("float64")
    width = x.shape[2]
    for i in steps:
        r, c = divmod(int(i), width)
        logit = conv_chain_logits_at(chain, x, r, c)[:, 0]
        drawn = (uniforms[:, i] < 1.0 / (1.0 + np.exp(-logit))).astype("float64")
        x[:, r, c, 0] = np.where(free[:, i], drawn, x[:, r, c, 0])
    return x.astype("float32")
