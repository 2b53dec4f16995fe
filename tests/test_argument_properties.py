"""Every checked argument of the public API, given any invalid value, raises a ValueError.

Property-based (hypothesis): for each argument, values are drawn from a wide
pool (Python and NumPy integers and floats, NaN and infinities, booleans,
strings, None, containers) and sorted by this file's own statement of the
argument's domain. Every value outside the domain must raise a ValueError in
the Keras format that names the argument and shows the value, never another
exception and never nothing; every value inside it must be accepted by the
constructors that store it, as a plain Python int or float.

The domains state the library's rules: counts are integers (a NumPy integer
counts, a boolean or a float does not), seeds lie in [0, 2**31) or are None,
weights and rates are finite floats (a NumPy float counts).
"""

import functools
import inspect
import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from keras_ae import datasets, evaluation, layers, models, plotting, regularizers, training

pytestmark = pytest.mark.backend_independent

MODULES = (layers, regularizers, models, training, datasets, evaluation, plotting)


@dataclass(frozen=True)
class Domain:
    """The values an argument accepts, stated independently of `keras_ae._validation`."""

    kind: str  # "int", "odd", "seed", "real", "bool", "choice"
    low: float | None = None
    high: float | None = None
    closed: tuple = (True, True)
    choices: tuple = ()
    optional: bool = False  # None is valid too
    per_stage: bool = False  # a list with one valid value per stage is valid too (one stage here)

    def accepts(self, value):
        if self.per_stage and isinstance(value, list | tuple):
            return len(value) == 1 and self.accepts(value[0])
        if value is None:
            return self.optional or self.kind == "seed"
        integer = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
        real = integer or isinstance(value, float | np.floating)
        if self.kind == "bool":
            return isinstance(value, bool | np.bool_)
        if self.kind == "choice":
            return isinstance(value, str) and value in self.choices
        if self.kind == "seed":
            return integer and 0 <= value < 2**31
        if self.kind == "odd":
            return integer and value >= 1 and value % 2 == 1
        if self.kind == "int":
            return integer and value >= self.low
        assert self.kind == "real"
        if not real or not math.isfinite(value):
            return False
        if self.low is not None and not (value >= self.low if self.closed[0] else value > self.low):
            return False
        return self.high is None or (value <= self.high if self.closed[1] else value < self.high)


def received(name, value, domain):
    """The end of the message: the value, or the offending entry of a per-stage list."""
    if domain.per_stage and isinstance(value, list | tuple) and len(value) == 1:
        if not domain.accepts(value[0]) and not isinstance(value[0], list | tuple):
            return tuple(f"Received: {name}={v!r}" for v in (value, value[0]))
    return f"Received: {name}={value!r}"


def count(low=1, **kwargs):
    return Domain("int", low=low, **kwargs)


def real(low=None, high=None, closed=(True, True), **kwargs):
    return Domain("real", low=low, high=high, closed=closed, **kwargs)


SEED = Domain("seed")
BOOL = Domain("bool")
ODD = Domain("odd")
RATE = real(0.0, 1.0, closed=(True, False))  # [0, 1)
OPEN_UNIT = real(0.0, 1.0, closed=(False, False))  # (0, 1)
WEIGHT = real(0.0)  # [0, inf), finite
POSITIVE = real(0.0, closed=(False, True))  # (0, inf), finite


def choice(*choices):
    return Domain("choice", choices=choices)


# A wide pool of Python and NumPy scalars, special floats, and non-numbers.
ANY_VALUE = st.one_of(
    st.integers(-(2**40), 2**40),
    st.sampled_from([-1, 0, 1, 2, 3, 4, 15, 16, 2**31 - 1, 2**31, 2**32]),
    st.integers(-3, 2**31 + 2).map(np.int64),
    st.integers(0, 255).map(np.uint8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.5, 1.0, 2.0, -1.0, 1e-300, math.nan, math.inf, -math.inf]),
    st.floats(width=32, allow_nan=True, allow_infinity=True).map(np.float32),
    st.booleans(),
    st.booleans().map(np.bool_),
    st.none(),
    st.text(max_size=4),
    st.sampled_from(["A", "B", "a", "mse", "bce", "MSE", "linear", "sigmoid", "", "1"]),
    st.sampled_from([[1], (0.5,), (), {}, b"1", 1j]),
)


# Small inputs for the functions whose other arguments are arrays.
_RNG = np.random.default_rng(0)
X = _RNG.uniform(size=(12, 4)).astype("float32")
Y = np.arange(12) % 2
IMAGES = _RNG.uniform(size=(4, 3, 3))


@functools.cache
def _vae():
    return models.build_dense_vae(4, 2, hidden_units=(3,), seed=0)


@functools.cache
def _encoder_decoder():
    vae = _vae()
    return vae.encoder, vae.decoder


def _vae_with(**kwargs):
    encoder, decoder = _encoder_decoder()
    return models.VariationalAutoencoder(encoder, decoder, **kwargs)


def _set_beta(value):
    _vae().beta = value


# (id, the call with the argument as keyword `value`, argument name, domain,
#  whether a valid value is cheap to try: constructors that store it; not
#  MaskedConv2D's kernel_size, whose mask is built at construction)
CASES = [
    # layers
    ("MaskingNoise", lambda v: layers.MaskingNoise(rate=v), "rate", RATE, True),
    ("MaskingNoise", lambda v: layers.MaskingNoise(seed=v), "seed", SEED, True),
    ("Sampling", lambda v: layers.Sampling(seed=v), "seed", SEED, True),
    ("ContractiveDense", lambda v: layers.ContractiveDense(v), "units", count(), True),
    ("ContractiveDense", lambda v: layers.ContractiveDense(2, lam=v), "lam", WEIGHT, True),
    (
        "ContractiveDense",
        lambda v: layers.ContractiveDense(2, activation=v),
        "activation",
        choice("sigmoid", "tanh", "relu", "softplus", "linear"),
        True,
    ),
    ("MaskedConv2D", lambda v: layers.MaskedConv2D(v, 3), "filters", count(), True),
    ("MaskedConv2D", lambda v: layers.MaskedConv2D(2, v), "kernel_size", ODD, False),
    (
        "MaskedConv2D",
        lambda v: layers.MaskedConv2D(2, 3, mask_type=v),
        "mask_type",
        choice("A", "B"),
        True,
    ),
    ("MaskedDense", lambda v: layers.MaskedDense(v, np.ones((2, 3))), "units", count(), False),
    # regularizers
    ("KLSparsity", lambda v: regularizers.KLSparsity(rho=v), "rho", OPEN_UNIT, True),
    ("KLSparsity", lambda v: regularizers.KLSparsity(beta=v), "beta", WEIGHT, True),
    (
        "kl_divergence_sparsity",
        lambda v: regularizers.kl_divergence_sparsity(v, np.array([0.5])),
        "rho",
        OPEN_UNIT,
        False,
    ),
    # models and builders
    ("VariationalAutoencoder", lambda v: _vae_with(beta=v), "beta", WEIGHT, False),
    ("VariationalAutoencoder", lambda v: _vae_with(seed=v), "seed", SEED, False),
    (
        "VariationalAutoencoder",
        lambda v: _vae_with(reconstruction=v),
        "reconstruction",
        choice("bce", "mse"),
        False,
    ),
    ("VariationalAutoencoder.beta", _set_beta, "beta", WEIGHT, False),
    ("VariationalAutoencoder.generate", lambda v: _vae().generate(v), "n", count(), False),
    ("VariationalAutoencoder.generate", lambda v: _vae().generate(2, seed=v), "seed", SEED, False),
    (
        "VariationalAutoencoder.negative_elbo",
        lambda v: _vae().negative_elbo(X, n_samples=v),
        "n_samples",
        count(),
        False,
    ),
    (
        "VariationalAutoencoder.log_likelihood",
        lambda v: _vae().log_likelihood(X, n_samples=v),
        "n_samples",
        count(),
        False,
    ),
    (
        "VariationalAutoencoder.log_likelihood",
        lambda v: _vae().log_likelihood(X, batch_size=v),
        "batch_size",
        count(),
        False,
    ),
    (
        "VariationalAutoencoder.log_likelihood",
        lambda v: _vae().log_likelihood(X, seed=v),
        "seed",
        SEED,
        False,
    ),
    (
        "VariationalAutoencoder.encode",
        lambda v: _vae().encode(X, batch_size=v),
        "batch_size",
        count(),
        False,
    ),
    (
        "build_dense_autoencoder",
        lambda v: models.build_dense_autoencoder(4, v),
        "code_size",
        count(),
        False,
    ),
    (
        "build_dense_autoencoder",
        lambda v: models.build_dense_autoencoder(4, 2, noise_rate=v),
        "noise_rate",
        RATE,
        False,
    ),
    (
        "build_dense_autoencoder",
        lambda v: models.build_dense_autoencoder(4, 2, noise_stddev=v),
        "noise_stddev",
        WEIGHT,
        False,
    ),
    (
        "build_dense_autoencoder",
        lambda v: models.build_dense_autoencoder(4, 2, seed=v),
        "seed",
        SEED,
        False,
    ),
    (
        "build_conv_autoencoder",
        lambda v: models.build_conv_autoencoder((8, 8, 1), 2, kernel_size=v),
        "kernel_size",
        count(),
        False,
    ),
    (
        "build_conv_autoencoder",
        lambda v: models.build_conv_autoencoder((8, 8, 1), 2, upsampling=v),
        "upsampling",
        choice("transpose", "nearest"),
        False,
    ),
    ("build_dense_vae", lambda v: models.build_dense_vae(4, v), "latent_dim", count(), False),
    ("build_dense_vae", lambda v: models.build_dense_vae(4, 2, beta=v), "beta", WEIGHT, False),
    (
        "build_dense_vae",
        lambda v: models.build_dense_vae(4, 2, reconstruction=v),
        "reconstruction",
        choice("bce", "mse"),
        False,
    ),
    ("build_dense_vae", lambda v: models.build_dense_vae(4, 2, seed=v), "seed", SEED, False),
    ("build_made", lambda v: models.build_made(v, (4,)), "input_dim", count(2), False),
    ("build_made", lambda v: models.build_made(3, (4,), seed=v), "seed", SEED, False),
    ("build_pixelcnn", lambda v: models.build_pixelcnn(filters=v), "filters", count(), False),
    ("build_pixelcnn", lambda v: models.build_pixelcnn(n_layers=v), "n_layers", count(), False),
    (
        "build_pixelcnn",
        lambda v: models.build_pixelcnn(first_kernel_size=v),
        "first_kernel_size",
        ODD,
        False,
    ),
    ("build_pixelcnn", lambda v: models.build_pixelcnn(kernel_size=v), "kernel_size", ODD, False),
    ("build_pixelcnn", lambda v: models.build_pixelcnn(seed=v), "seed", SEED, False),
    # training
    ("KLWarmup", lambda v: training.KLWarmup(v), "warmup_epochs", count(), True),
    ("KLWarmup", lambda v: training.KLWarmup(2, start=v), "start", WEIGHT, True),
    (
        "KLWarmup",
        lambda v: training.KLWarmup(2, target=v),
        "target",
        real(0.0, optional=True),
        True,
    ),
    (
        "build_classifier",
        lambda v: training.build_classifier(_encoder_decoder()[0], v),
        "n_classes",
        count(2),
        False,
    ),
    (
        "greedy_layerwise_pretraining",
        lambda v: training.greedy_layerwise_pretraining(X, (3,), epochs=v),
        "epochs",
        count(per_stage=True),
        False,
    ),
    (
        "greedy_layerwise_pretraining",
        lambda v: training.greedy_layerwise_pretraining(X, (3,), batch_size=v),
        "batch_size",
        count(),
        False,
    ),
    (
        "greedy_layerwise_pretraining",
        lambda v: training.greedy_layerwise_pretraining(X, (3,), seed=v),
        "seed",
        SEED,
        False,
    ),
    (
        "greedy_layerwise_pretraining",
        lambda v: training.greedy_layerwise_pretraining(X, (3,), noise_rates=v),
        "noise_rates",
        real(0.0, 1.0, closed=(True, False), per_stage=True),
        False,
    ),
    (
        "greedy_layerwise_pretraining",
        lambda v: training.greedy_layerwise_pretraining(X, (3,), return_stages=v),
        "return_stages",
        BOOL,
        False,
    ),
    # datasets
    ("load_digits", lambda v: datasets.load_digits(test_size=v), "test_size", OPEN_UNIT, False),
    ("load_digits", lambda v: datasets.load_digits(seed=v), "seed", SEED, False),
    ("make_shapes", lambda v: datasets.make_shapes(v), "n_samples", count(), False),
    (
        "make_shapes",
        lambda v: datasets.make_shapes(2, image_size=v),
        "image_size",
        count(16),
        False,
    ),
    ("make_shapes", lambda v: datasets.make_shapes(2, seed=v), "seed", SEED, False),
    (
        "make_shapes",
        lambda v: datasets.make_shapes(2, style=v),
        "style",
        choice("outline", "filled"),
        False,
    ),
    ("make_shapes", lambda v: datasets.make_shapes(2, noise=v), "noise", WEIGHT, False),
    (
        "make_shapes",
        lambda v: datasets.make_shapes(2, stroke_width=v),
        "stroke_width",
        POSITIVE,
        False,
    ),
    ("make_shapes", lambda v: datasets.make_shapes(2, rotate=v), "rotate", BOOL, False),
    (
        "make_shapes",
        lambda v: datasets.make_shapes(2, return_params=v),
        "return_params",
        BOOL,
        False,
    ),
    ("load_shapes", lambda v: datasets.load_shapes(v, 2), "n_train", count(), False),
    ("load_shapes", lambda v: datasets.load_shapes(2, v), "n_test", count(), False),
    ("load_shapes", lambda v: datasets.load_shapes(2, 2, seed=v), "seed", SEED, False),
    ("load_mnist", lambda v: datasets.load_mnist(v), "n_train", count(optional=True), False),
    ("load_mnist", lambda v: datasets.load_mnist(n_test=v), "n_test", count(optional=True), False),
    (
        "load_mnist",
        lambda v: datasets.load_mnist(source=v),
        "source",
        choice("subset", "full"),
        False,
    ),
    ("load_mnist", lambda v: datasets.load_mnist(test_size=v), "test_size", OPEN_UNIT, False),
    ("load_mnist", lambda v: datasets.load_mnist(seed=v), "seed", SEED, False),
    # evaluation
    (
        "anomaly_threshold",
        lambda v: evaluation.anomaly_threshold(np.arange(10.0), quantile=v),
        "quantile",
        OPEN_UNIT,
        False,
    ),
    (
        "detection_report",
        lambda v: evaluation.detection_report(np.arange(4.0), [0, 1, 0, 1], threshold=v),
        "threshold",
        real(),
        False,
    ),
    (
        "linear_probe",
        lambda v: evaluation.linear_probe(X, Y, X, Y, max_iter=v),
        "max_iter",
        count(),
        False,
    ),
    ("linear_probe", lambda v: evaluation.linear_probe(X, Y, X, Y, C=v), "C", POSITIVE, False),
    ("linear_probe", lambda v: evaluation.linear_probe(X, Y, X, Y, seed=v), "seed", SEED, False),
    (
        "pca_reconstruction",
        lambda v: evaluation.pca_reconstruction(X, X, v),
        "n_components",
        count(),
        False,
    ),
    (
        "pca_reconstruction",
        lambda v: evaluation.pca_reconstruction(X, X, 2, whiten=v),
        "whiten",
        BOOL,
        False,
    ),
    ("precision_at_k", lambda v: evaluation.precision_at_k(X, Y, X, Y, k=v), "k", count(), False),
    (
        "precision_at_k",
        lambda v: evaluation.precision_at_k(X, Y, X, Y, metric=v),
        "metric",
        choice("euclidean", "cosine", "manhattan", "cityblock", "l1", "l2"),
        False,
    ),
    (
        "precision_at_k",
        lambda v: evaluation.precision_at_k(X, Y, X, Y, exclude_self=v),
        "exclude_self",
        BOOL,
        False,
    ),
    (
        "principal_angles",
        lambda v: evaluation.principal_angles(X, X, degrees=v),
        "degrees",
        BOOL,
        False,
    ),
    (
        "reconstruction_errors",
        lambda v: evaluation.reconstruction_errors(X, X, metric=v),
        "metric",
        choice("mse", "bce", "l1"),
        False,
    ),
    # plotting
    ("filter_mosaic", lambda v: plotting.filter_mosaic(IMAGES, n_cols=v), "n_cols", count(), False),
    ("filter_mosaic", lambda v: plotting.filter_mosaic(IMAGES, gap=v), "gap", count(0), False),
    (
        "plot_image_grid",
        lambda v: plotting.plot_image_grid(IMAGES, n_cols=v),
        "n_cols",
        count(),
        False,
    ),
    (
        "plot_image_grid",
        lambda v: plotting.plot_image_grid(IMAGES, cell_size=v),
        "cell_size",
        POSITIVE,
        False,
    ),
    (
        "plot_filters",
        lambda v: plotting.plot_filters(X[:9], normalize=v),
        "normalize",
        BOOL,
        False,
    ),
    (
        "plot_filters",
        lambda v: plotting.plot_filters(X[:9], contrast=v),
        "contrast",
        choice("symmetric", "minmax"),
        False,
    ),
    (
        "plot_latent_space",
        lambda v: plotting.plot_latent_space(X[:, :2], max_points=v),
        "max_points",
        count(),
        False,
    ),
    (
        "plot_latent_space",
        lambda v: plotting.plot_latent_space(X[:, :2], seed=v),
        "seed",
        SEED,
        False,
    ),
    (
        "plot_manifold",
        lambda v: plotting.plot_manifold(lambda z: z, n=v, image_shape=(1, 2)),
        "n",
        count(),
        False,
    ),
    (
        "plot_manifold",
        lambda v: plotting.plot_manifold(lambda z: z, spacing=v, image_shape=(1, 2)),
        "spacing",
        choice("linear", "gaussian"),
        False,
    ),
    (
        "plot_reconstructions",
        lambda v: plotting.plot_reconstructions(IMAGES, IMAGES, n=v),
        "n",
        count(),
        False,
    ),
    (
        "plot_errors_histogram",
        lambda v: plotting.plot_errors_histogram({"a": np.arange(5.0)}, bins=v),
        "bins",
        count(),
        False,
    ),
    (
        "plot_errors_histogram",
        lambda v: plotting.plot_errors_histogram({"a": np.arange(5.0)}, density=v),
        "density",
        BOOL,
        False,
    ),
    (
        "plot_errors_histogram",
        lambda v: plotting.plot_errors_histogram({"a": np.arange(5.0)}, logx=v),
        "logx",
        BOOL,
        False,
    ),
    (
        "plot_errors_histogram",
        lambda v: plotting.plot_errors_histogram({"a": np.arange(5.0)}, threshold=v),
        "threshold",
        real(optional=True),
        False,
    ),
    (
        "plot_history",
        lambda v: plotting.plot_history({"loss": [1.0, 0.5]}, logy=v),
        "logy",
        BOOL,
        False,
    ),
]

IDS = [f"{target}-{name}" for target, _, name, _, _ in CASES]


@pytest.mark.parametrize(("target", "call", "name", "domain", "cheap"), CASES, ids=IDS)
@given(data=st.data())
def test_an_invalid_value_raises_a_value_error_naming_the_argument(
    target, call, name, domain, cheap, data
):
    value = data.draw(ANY_VALUE.filter(lambda v: not domain.accepts(v)), label=name)
    with pytest.raises(ValueError) as excinfo:
        call(value)
    message = str(excinfo.value)
    assert message.startswith(f"Invalid value received for argument `{name}`. Expected "), message
    assert message.endswith(received(name, value, domain)), message


# The classic mistakes, tried on every argument whatever hypothesis draws.
EDGE_VALUES = [
    -1,
    0,
    1,
    2,
    2**31,
    np.int64(-1),
    np.int64(3),
    0.5,
    2.0,
    -0.5,
    1.5,
    math.nan,
    math.inf,
    -math.inf,
    np.float32("nan"),
    np.float64(2.0),
    True,
    False,
    np.bool_(True),
    None,
    "1",
    "",
    [1],
]


@pytest.mark.parametrize(("target", "call", "name", "domain", "cheap"), CASES, ids=IDS)
def test_the_classic_invalid_values_raise_a_value_error_naming_the_argument(
    target, call, name, domain, cheap
):
    for value in [v for v in EDGE_VALUES if not domain.accepts(v)]:
        with pytest.raises(ValueError) as excinfo:
            call(value)
        message = str(excinfo.value)
        assert message.startswith(f"Invalid value received for argument `{name}`. "), message
        assert message.endswith(received(name, value, domain)), message


CHEAP = [case for case in CASES if case[4]]


@pytest.mark.parametrize(
    ("target", "call", "name", "domain", "cheap"),
    CHEAP,
    ids=[f"{target}-{name}" for target, _, name, _, _ in CHEAP],
)
@given(data=st.data())
def test_a_valid_value_is_accepted_and_stored_as_a_python_number(
    target, call, name, domain, cheap, data
):
    valid = st.sampled_from(domain.choices) if domain.kind == "choice" else ANY_VALUE
    value = data.draw(valid.filter(domain.accepts), label=name)
    obj = call(value)
    stored = getattr(obj, name)
    if domain.kind in ("int", "odd", "seed") and value is not None:
        assert type(stored) is int and stored == value
    elif domain.kind == "real" and value is not None:
        assert type(stored) is float and stored == float(value)
    else:
        assert stored == value
    if hasattr(obj, "get_config"):
        assert obj.get_config()[name] == stored


def test_every_case_names_a_real_argument_of_its_target():
    """The table covers what it claims: each call really takes the argument it names."""
    assert len(IDS) == len(set(IDS))
    for target, _, name, _, _ in CASES:
        head, _, method = target.partition(".")
        module = next(m for m in MODULES if hasattr(m, head))
        obj = getattr(getattr(module, head), method) if method else getattr(module, head)
        if isinstance(obj, property):
            assert method == name, target
        else:
            assert name in inspect.signature(obj).parameters, (target, name)
