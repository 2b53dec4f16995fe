"""Autoregressive models of binary data: MADE and a small PixelCNN.

Both factorise the joint distribution with the chain rule,
`p(x) = prod_i p(x_i | x_<i)` in a fixed ordering of the components, and
output the logit of every conditional in one pass, so that their training
loss is the exact negative log-likelihood.
"""

import math

import keras
import numpy as np
from keras import ops

from keras_ae._validation import (
    check_int,
    check_odd_positive_int,
    check_permutation,
    check_positive_int,
    check_seed,
    check_shape,
    invalid_argument,
    is_int,
)
from keras_ae.layers.masked import MaskedConv2D, MaskedDense

__all__ = ["AutoregressiveModel", "build_made", "build_pixelcnn", "made_masks"]


def _log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


@keras.saving.register_keras_serializable(package="keras_ae")
class AutoregressiveModel(keras.Model):
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
    the ordering, one pass of the network per component.

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

    def compile(self, optimizer="adam", loss=None, **kwargs):
        if loss is not None:
            raise ValueError(
                "`AutoregressiveModel` computes its own loss (the negative "
                f"log-likelihood). Received: loss={loss!r}"
            )
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

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
        """Draws the components where `free` is True, in the ordering."""
        rng = np.random.default_rng(seed)
        n = len(x)
        flat = x.reshape(n, -1)
        free = free.reshape(n, -1)
        for i in self.ordering:
            rows = free[:, i]
            if not rows.any():
                continue
            logits = ops.convert_to_numpy(self.network.predict_on_batch(x)).reshape(n, -1)
            p = 1.0 / (1.0 + np.exp(-logits[:, i].astype("float64")))
            draws = (rng.uniform(size=n) < p).astype("float32")
            flat[rows, i] = draws[rows]
        return x

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


def made_masks(ordering, hidden_units, *, seed=None):
    """MADE's masks from an input ordering and random connectivity degrees.

    The input `ordering[k]` gets the degree `k + 1`. Each hidden unit gets a
    degree `m` drawn uniformly from `min(previous layer's degrees), ..., d - 1`
    and is connected to the units of the previous layer whose degree is at
    most `m`; output `i` is connected to the last hidden units whose degree
    is strictly below the degree of input `i`. So output `i` depends only on
    the inputs before `i` in the ordering, and the first one on no input.

    Args:
        ordering: permutation of `range(d)`, `d >= 2`.
        hidden_units: tuple of ints >= 1, the sizes of the hidden layers.
        seed: int or None. Seed of the degrees. Defaults to `None`.

    Returns:
        `(masks, degrees)`: the float32 masks of shape `(fan_in, fan_out)`,
        one per layer (the last one to the outputs), and the int degrees of
        the inputs and of each hidden layer.

    References:
        Germain, Gregor, Murray and Larochelle, "MADE: Masked Autoencoder for
        Distribution Estimation", ICML 2015.
    """
    seed = check_seed("seed", seed)
    ordering = np.asarray(ordering)
    d = len(ordering)
    rng = np.random.default_rng(seed)
    input_degrees = np.empty(d, dtype="int64")
    input_degrees[ordering] = np.arange(1, d + 1)
    degrees = [input_degrees]
    masks = []
    for units in hidden_units:
        low = min(int(degrees[-1].min()), d - 1)
        hidden = rng.integers(low, d, size=units)  # low .. d - 1
        masks.append((degrees[-1][:, None] <= hidden[None, :]).astype("float32"))
        degrees.append(hidden)
    masks.append((degrees[-1][:, None] < input_degrees[None, :]).astype("float32"))
    return masks, degrees


def build_made(
    input_dim,
    hidden_units,
    *,
    ordering=None,
    seed=None,
    activation="relu",
    name="made",
):
    """Builds MADE, a masked autoencoder for binary vectors, as an `AutoregressiveModel`.

    A fully connected autoencoder `input -> hidden_units... -> input` whose
    `MaskedDense` layers carry the masks of `made_masks`: its output `i` is
    the logit of `p(x_i = 1 | x_<i)`, where `<i` means "before `i` in
    `ordering`". Its training loss is therefore the exact negative
    log-likelihood of the data in nats, and `sample` draws vectors one
    component at a time. The hidden degrees are random (drawn once, from
    `seed`); with few hidden units some inputs reach no output, as in
    Germain et al.

    Args:
        input_dim: int >= 2. Length of the binary vectors.
        hidden_units: non-empty tuple of ints >= 1. Sizes of the hidden
            layers.
        ordering: permutation of `range(input_dim)`, the order in which the
            components are generated (`ordering[0]` first). Defaults to
            `None`, the natural order `0, 1, ..., input_dim - 1`.
        seed: int or None. Seed of the connectivity degrees and of the weight
            initialisation. Defaults to `None`.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        name: str. Name of the model. Defaults to `"made"`.

    Returns:
        An `AutoregressiveModel`. `made.masks` lists the masks of its layers
        (saved with the model); `made.degrees` holds the connectivity
        degrees of the inputs and hidden layers (on the built model only).

    Example:

    >>> from keras_ae.models import build_made
    >>> made = build_made(784, (500,), seed=0)
    >>> made.compile(optimizer="adam")
    >>> # made.fit(x_binary_flat, epochs=10, batch_size=100)
    >>> # made.log_prob(x_test)  # exact log-likelihoods in nats

    References:
        Germain, Gregor, Murray and Larochelle, "MADE: Masked Autoencoder for
        Distribution Estimation", ICML 2015.
    """
    input_dim = check_int("input_dim", input_dim, low=2)
    hidden_units = check_shape("hidden_units", hidden_units)
    seed = check_seed("seed", seed)
    ordering = (
        np.arange(input_dim)
        if ordering is None
        else check_permutation("ordering", ordering, input_dim)
    )
    masks, degrees = made_masks(ordering, hidden_units, seed=seed)

    def initializer(i):
        return keras.initializers.GlorotUniform(seed=None if seed is None else seed + i)

    inputs = keras.Input((input_dim,), name="input")
    x = inputs
    for i, mask in enumerate(masks[:-1]):
        x = MaskedDense(
            mask.shape[1],
            mask,
            activation=activation,
            kernel_initializer=initializer(i),
            name=f"masked_hidden_{i}",
        )(x)
    logits = MaskedDense(
        input_dim, masks[-1], kernel_initializer=initializer(len(masks)), name="logits"
    )(x)
    made = AutoregressiveModel(
        keras.Model(inputs, logits, name=f"{name}_network"), ordering, name=name
    )
    made.degrees = [d.copy() for d in degrees]
    return made


def build_pixelcnn(
    input_shape=(28, 28, 1),
    *,
    filters=32,
    n_layers=4,
    first_kernel_size=7,
    kernel_size=3,
    activation="relu",
    seed=None,
    name="pixelcnn",
):
    """Builds a small PixelCNN for binary images, as an `AutoregressiveModel`.

    One `MaskedConv2D` of type `"A"` on the image, `n_layers` of type `"B"`,
    then a 1x1 type-`"B"` convolution to one logit per pixel: the logit of
    `p(x_rc = 1 | pixels before (r, c) in raster order)`. The receptive field
    grows with depth but keeps the blind spot of these masks (see
    `MaskedConv2D`). No residual connections or gated units: a teaching-size
    model.

    Args:
        input_shape: `(height, width, 1)`. Defaults to `(28, 28, 1)`.
        filters: int >= 1. Channels of the hidden layers. Defaults to `32`.
        n_layers: int >= 1. Number of type-`"B"` hidden layers. Defaults to
            `4`.
        first_kernel_size: odd int. Kernel of the type-`"A"` layer. Defaults
            to `7`.
        kernel_size: odd int. Kernel of the type-`"B"` layers. Defaults to
            `3`.
        activation: activation of the hidden layers. Defaults to `"relu"`.
        seed: int or None. Seed of the weight initialisation. Defaults to
            `None`.
        name: str. Name of the model. Defaults to `"pixelcnn"`.

    Returns:
        An `AutoregressiveModel` with the raster ordering.

    Example:

    >>> from keras_ae.models import build_pixelcnn
    >>> pixelcnn = build_pixelcnn((8, 8, 1), filters=8, n_layers=2, seed=0)
    >>> pixelcnn.compile(optimizer="adam")
    >>> pixelcnn.sample(1, seed=0).shape
    (1, 8, 8, 1)

    References:
        van den Oord, Kalchbrenner and Kavukcuoglu, "Pixel Recurrent Neural
        Networks", ICML 2016.
    """
    if (
        not isinstance(input_shape, tuple | list)
        or len(input_shape) != 3
        or input_shape[-1] != 1
        or not all(is_int(v) and v > 0 for v in input_shape)
    ):
        raise invalid_argument("input_shape", "a tuple (height, width, 1)", input_shape)
    filters = check_positive_int("filters", filters)
    n_layers = check_positive_int("n_layers", n_layers)
    first_kernel_size = check_odd_positive_int("first_kernel_size", first_kernel_size)
    kernel_size = check_odd_positive_int("kernel_size", kernel_size)
    seed = check_seed("seed", seed)

    def initializer(i):
        return keras.initializers.GlorotUniform(seed=None if seed is None else seed + i)

    inputs = keras.Input(tuple(input_shape), name="input")
    x = MaskedConv2D(
        filters,
        first_kernel_size,
        mask_type="A",
        activation=activation,
        kernel_initializer=initializer(0),
        name="masked_conv_a",
    )(inputs)
    for i in range(1, n_layers + 1):
        x = MaskedConv2D(
            filters,
            kernel_size,
            mask_type="B",
            activation=activation,
            kernel_initializer=initializer(i),
            name=f"masked_conv_b_{i}",
        )(x)
    logits = MaskedConv2D(
        1, 1, mask_type="B", kernel_initializer=initializer(n_layers + 1), name="logits"
    )(x)
    network = keras.Model(inputs, logits, name=f"{name}_network")
    return AutoregressiveModel(network, name=name)
