"""The autoregressive model of binary data shared by MADE and PixelCNN.

`AutoregressiveModel` wraps a network whose output `i` is the logit of
`p(x_i = 1 | x_<i)`: its loss is the exact negative log-likelihood, and it
draws examples one component at a time.
"""

import math

import keras
import numpy as np
from keras import ops

from keras_ae._validation import (
    check_permutation,
    check_positive_int,
    check_seed,
    invalid_argument,
)
from keras_ae.layers.masked import MaskedConv2D, MaskedDense
from keras_ae.models._own_loss import OwnLossModel
from keras_ae.models.autoregressive_sampling import (
    AutoregressiveSampler,
    conv_chain,
    dense_chain,
    fill_conv_chain,
    fill_dense_chain,
)

__all__ = ["AutoregressiveModel"]


def _log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


@keras.saving.register_keras_serializable(package="keras_ae")
class AutoregressiveModel(OwnLossModel, keras.Model):
    """A network that outputs the logits of `p(x_i = 1 | x_<i)` for binary data.

    `network` maps a batch `x` of binary arrays to logits of the same shape;
    component `i` of its output (in the flattened, row-major layout) must
    depend only on the components that come before `i` in `ordering`, as
    the masked networks of `build_made` and `build_pixelcnn` do. Then

        log p(x) = sum_i [x_i log s(l_i) + (1 - x_i) log(1 - s(l_i))],

    with `s` the sigmoid and `l` the logits: the exact log-likelihood, in one
    pass. The training loss (`compile(optimizer=...)`, `fit(x)`) is its
    negative in nats, summed over the components of an example and averaged
    over the batch; it is computed from the logits in float32 whatever the
    compute dtype. `sample` and `complete` draw one component at a time in
    the ordering, one pass of the network per component, all of them in one
    compiled loop.

    Args:
        network: a Keras model from binary inputs to logits of the same
            shape.
        ordering: permutation of `range(d)`, `d` the number of components of
            one example: `ordering[0]` is generated first. Defaults to `None`,
            the natural (raster) order.
        **kwargs: `keras.Model` keyword arguments, such as `name`.

    Example:

    >>> from keras_ae.models import build_made
    >>> made = build_made(6, (16,), seed=0)
    >>> made.compile(optimizer="adam")
    >>> made.sample(2, seed=0).shape
    (2, 6)

    References:
        Larochelle and Murray, "The Neural Autoregressive Distribution
        Estimator", AISTATS 2011.
    """

    own_loss_message = "`AutoregressiveModel` computes its own loss (the negative log-likelihood)."

    def __init__(self, network, ordering=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(network, keras.Model):
            raise invalid_argument("network", "a Keras model", network)
        self.network = network
        self.event_shape = tuple(int(s) for s in network.inputs[0].shape[1:])
        d = math.prod(self.event_shape)
        self.ordering = (
            np.arange(d) if ordering is None else check_permutation("ordering", ordering, d)
        )
        self.nll_tracker = keras.metrics.Mean(name="nll")
        object.__setattr__(self, "_sampler", None)  # made on first use by `_fill`
        if network.built:
            self.built = True

    def call(self, inputs, training=None):
        return self.network(inputs, training=training)

    @property
    def masks(self):
        """The masks of the network's masked layers, as NumPy arrays, input side first."""
        return [
            layer.mask
            for layer in self.network.layers
            if isinstance(layer, (MaskedDense, MaskedConv2D))
        ]

    def negative_log_likelihood(self, x, logits):
        """`-log p(x)` per example in nats (float32), from the network's logits."""
        logits = ops.cast(logits, "float32")
        x = ops.cast(x, "float32")
        per_component = ops.binary_crossentropy(x, logits, from_logits=True)
        axes = tuple(range(1, len(per_component.shape)))
        return ops.sum(per_component, axis=axes)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if isinstance(x, (list, tuple)):
            x = x[0]
        nll = ops.mean(self.negative_log_likelihood(x, y_pred))
        extra = [ops.cast(ops.sum(loss), "float32") for loss in self.losses]
        total = nll + sum(extra) if extra else nll
        self.nll_tracker.update_state(nll)
        return total

    @property
    def metrics(self):
        return [*super().metrics, self.nll_tracker]

    def logits(self, x, *, batch_size=256):
        """The logits of every conditional for `x`, as a NumPy array."""
        return self.network.predict(np.asarray(x, "float32"), batch_size=batch_size, verbose=0)

    def log_prob(self, x, *, batch_size=256):
        """Exact `log p(x)` per example in nats, as a float64 NumPy array."""
        x = np.asarray(x, "float32")
        logits = self.logits(x, batch_size=batch_size).astype("float64")
        terms = x * _log_sigmoid(logits) + (1 - x) * _log_sigmoid(-logits)
        return terms.reshape(len(x), -1).sum(axis=1)

    def _fill(self, x, free, seed):
        """Draws the components where `free` is True, in the ordering.

        One compiled loop (`AutoregressiveSampler`) makes all the network
        passes, or, for MADE's chain of `MaskedDense` layers, a NumPy loop
        that updates the hidden pre-activations one component at a time
        (`fill_dense_chain`), or, for PixelCNN's chain of `MaskedConv2D`
        layers, a NumPy loop that computes each pixel's logit from the
        window of rows and columns it sees (`fill_conv_chain`); the uniform
        draws are made here with NumPy, so a seed gives the same samples on
        every backend. Components that no example draws
        are skipped.
        """
        n = len(x)
        flat = x.reshape(n, -1)
        free = free.reshape(n, -1)
        uniforms = np.random.default_rng(seed).uniform(size=flat.shape).astype("float32")
        steps = self.ordering[free[:, self.ordering].any(axis=0)]
        if len(steps) == 0:
            return x
        chain = dense_chain(self.network, MaskedDense)
        if chain is not None:
            return fill_dense_chain(chain, flat, free, uniforms, steps).reshape(x.shape)
        chain = conv_chain(self.network, MaskedConv2D)
        if chain is not None and len(self.event_shape) == 3 and self.event_shape[-1] == 1:
            return fill_conv_chain(chain, x, free, uniforms, steps)
        return self._fill_compiled(flat, free, uniforms, steps).reshape(x.shape)

    def _fill_compiled(self, flat, free, uniforms, steps):
        """`_fill` for any network, with all the passes in one compiled Keras loop."""
        if self._sampler is None:
            # Not tracked as a sub-layer: it holds no weights of its own and is not saved.
            sampler = AutoregressiveSampler(self.network, name=f"{self.name}_sampler")
            object.__setattr__(self, "_sampler", sampler)
        drawn = self._sampler.predict_on_batch(
            [flat, free.astype("float32"), uniforms, steps.astype("float32")]
        )
        return np.asarray(drawn, dtype="float32")

    def sample(self, n, seed=None):
        """Draws `n` examples, one component at a time in the ordering.

        Args:
            n: int >= 1. Number of examples.
            seed: int or None. Seed of the draws. Defaults to `None`.

        Returns:
            A float32 NumPy array of shape `(n, *event_shape)` of 0s and 1s.
        """
        n = check_positive_int("n", n)
        seed = check_seed("seed", seed)
        x = np.zeros((n, *self.event_shape), dtype="float32")
        return self._fill(x, np.ones(x.shape, dtype=bool), seed)

    def complete(self, x, observed, seed=None):
        """Keeps the components where `observed` is True and draws the others.

        The free components are drawn in the ordering, each from
        `p(x_i | x_<i)` given everything before it, observed or drawn. When
        every observed component comes before every free one in the ordering
        (the top rows of an image in raster order), this samples exactly from
        `p(free | observed)`; otherwise the draws ignore the observed
        components that come after them.

        Args:
            x: array of shape `(n, *event_shape)`; only its observed entries
                are used.
            observed: bool array of the same shape, or of shape `event_shape`
                (the same for every example).
            seed: int or None. Seed of the draws. Defaults to `None`.

        Returns:
            A float32 NumPy array like `x`, with the free entries drawn.
        """
        seed = check_seed("seed", seed)
        x = np.array(x, dtype="float32")
        if x.shape[1:] != self.event_shape:
            raise invalid_argument(
                "x", f"an array of shape (n, *{self.event_shape})", received=f"x of shape {x.shape}"
            )
        observed = np.broadcast_to(np.asarray(observed, dtype=bool), x.shape)
        x[~observed] = 0.0
        return self._fill(x, ~observed, seed)

    def get_config(self):
        base_config = super().get_config()
        return {
            **base_config,
            "network": keras.saving.serialize_keras_object(self.network),
            "ordering": self.ordering.tolist(),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)
