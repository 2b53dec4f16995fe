"""Generated images of circles, squares, triangles and five-pointed stars."""

import math

import numpy as np

from keras_ae._validation import (
    check_bool,
    check_choice,
    check_int,
    check_positive_int,
    check_real,
    check_seed,
    invalid_argument,
    is_real,
)

__all__ = ["SHAPE_CLASSES", "load_shapes", "make_shapes"]


SHAPE_CLASSES = ("circle", "square", "triangle", "star")


_STYLES = ("outline", "filled")


_MIN_IMAGE_SIZE = 16


_CHUNK = 2048


_SQRT5 = math.sqrt(5.0)


# Each polygon is folded into one wedge of its dihedral symmetry: `directions`
# are the unit vectors towards its n tips, `half_angle` = (cos, sin) of pi / n
# and `inner` the radius, as a fraction of the tip radius, of the boundary point
# on the wedge's other side (an edge midpoint, or a star's inner vertex).
# `upright` points one tip so that the unrotated figure stands upright (image
# coordinates: x to the right, y down): squares axis-aligned, triangles and
# stars with a tip up. Written with square roots only, so that they are the
# same bits everywhere.
_POLYGONS = {
    "square": {
        "directions": ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)),
        "half_angle": (math.sqrt(0.5), math.sqrt(0.5)),
        "inner": math.sqrt(0.5),
        "upright": (math.sqrt(0.5), math.sqrt(0.5)),
    },
    "triangle": {
        "directions": (
            (1.0, 0.0),
            (-0.5, math.sqrt(3.0) / 2.0),
            (-0.5, -math.sqrt(3.0) / 2.0),
        ),
        "half_angle": (0.5, math.sqrt(3.0) / 2.0),
        "inner": 0.5,
        "upright": (0.0, -1.0),
    },
    "star": {
        "directions": (
            (1.0, 0.0),
            ((_SQRT5 - 1.0) / 4.0, math.sqrt(10.0 + 2.0 * _SQRT5) / 4.0),
            (-(_SQRT5 + 1.0) / 4.0, math.sqrt(10.0 - 2.0 * _SQRT5) / 4.0),
            (-(_SQRT5 + 1.0) / 4.0, -math.sqrt(10.0 - 2.0 * _SQRT5) / 4.0),
            ((_SQRT5 - 1.0) / 4.0, -math.sqrt(10.0 + 2.0 * _SQRT5) / 4.0),
        ),
        "half_angle": ((_SQRT5 + 1.0) / 4.0, math.sqrt(10.0 - 2.0 * _SQRT5) / 4.0),
        # Regular pentagram {5/2}: inner radius = cos(72 deg) / cos(36 deg).
        "inner": (3.0 - _SQRT5) / 2.0,
        "upright": (0.0, -1.0),
    },
}


def _check_shape_options(image_size, style, noise, stroke_width, size_range):
    image_size = check_int("image_size", image_size, low=_MIN_IMAGE_SIZE)
    check_choice("style", style, _STYLES)
    noise = check_real("noise", noise, low=0, high=math.inf, closed=(True, False))
    stroke_width = check_real(
        "stroke_width", stroke_width, low=0, high=math.inf, closed=(False, False)
    )
    # The circumscribed circle, the half stroke and one blank pixel must fit.
    largest = 0.5 - (0.5 * stroke_width + 1.0) / image_size
    if (
        not isinstance(size_range, (tuple, list))
        or len(size_range) != 2
        or not all(is_real(v) for v in size_range)
        or not 0.0 < size_range[0] <= size_range[1] <= largest
    ):
        raise invalid_argument(
            "size_range",
            f"a pair (low, high) with 0 < low <= high <= "
            f"{math.floor(largest * 1e4) / 1e4}, the "
            f"largest radius (as a fraction of image_size) that keeps a shape "
            f"with stroke_width={stroke_width} inside a {image_size}x{image_size} "
            f"image",
            size_range,
        )
    return image_size, noise, stroke_width


def _random_directions(rng, n):
    """Unit vectors with a uniform angle, by rejection from the square.

    Using only products, sums and square roots (no sin/cos) keeps the
    rendered pixels bit-identical on every IEEE-754 machine.
    """
    chunks, have = [], 0
    while have < n:
        candidates = rng.uniform(-1.0, 1.0, size=(2 * (n - have) + 8, 2))
        norm2 = candidates[:, 0] * candidates[:, 0] + candidates[:, 1] * candidates[:, 1]
        keep = (norm2 > 1e-6) & (norm2 <= 1.0)
        chunks.append(candidates[keep] / np.sqrt(norm2[keep])[:, None])
        have += int(keep.sum())
    return np.concatenate(chunks)[:n]


def _signed_distance(kind, dx, dy, radius, cos, sin):
    """Signed distance in pixels (negative inside) from pixel centres to a shape.

    `dx` (m, 1, S) and `dy` (m, S, 1) are offsets from each shape's centre,
    `radius`, `cos` and `sin` have shape (m, 1, 1).
    """
    if kind == "circle":
        return np.sqrt(dx * dx + dy * dy) - radius
    polygon = _POLYGONS[kind]
    u = dx * cos + dy * sin
    v = dy * cos - dx * sin
    # Fold into the wedge between a tip (angle 0) and the next mirror line
    # (angle pi / n): in the frame of the nearest tip direction, the point has
    # abscissa = its largest projection on a tip direction and ordinate = the
    # absolute value of its cross product with that direction.
    px, py = u, np.abs(v)
    for a, b in polygon["directions"][1:]:
        a, b = np.float32(a), np.float32(b)
        projection = a * u + b * v
        nearer = projection > px
        px = np.where(nearer, projection, px)
        py = np.where(nearer, np.abs(a * v - b * u), py)
    # Distance to the one boundary segment in the wedge, from the tip
    # T = (radius, 0) to E = radius * inner * (cos(pi / n), sin(pi / n)).
    ex = np.float32(polygon["inner"] * polygon["half_angle"][0] - 1.0)
    ey = np.float32(polygon["inner"] * polygon["half_angle"][1])
    wx = px - radius
    h = np.clip((wx * ex + py * ey) / (radius * np.float32(ex * ex + ey * ey)), 0, 1)
    gx = wx - h * (radius * ex)
    gy = py - h * (radius * ey)
    distance = np.sqrt(gx * gx + gy * gy)
    inside = ex * py - ey * wx > 0
    return np.where(inside, -distance, distance)


def _render(kinds, centers, radii, directions, image_size, style, stroke_width):
    pixels = np.arange(image_size, dtype=np.float32) + np.float32(0.5)
    images = np.empty((len(kinds), image_size, image_size), dtype=np.float32)
    for index, kind in enumerate(SHAPE_CLASSES):
        rows = np.flatnonzero(kinds == index)
        cos, sin = directions[rows, 0], directions[rows, 1]
        if kind != "circle":
            # Turn the upright pose by the drawn rotation.
            up_cos, up_sin = _POLYGONS[kind]["upright"]
            cos, sin = up_cos * cos - up_sin * sin, up_sin * cos + up_cos * sin
        params = np.stack([centers[rows, 0], centers[rows, 1], radii[rows], cos, sin])
        params = params.astype(np.float32)[:, :, None, None]
        # Chunks bound the memory taken by the (chunk, S, S) temporaries.
        for start in range(0, rows.size, _CHUNK):
            cx, cy, radius, cos_, sin_ = params[:, start : start + _CHUNK]
            sd = _signed_distance(
                kind,
                pixels[None, None, :] - cx,
                pixels[None, :, None] - cy,
                radius,
                cos_,
                sin_,
            )
            # A pixel-wide box filter across the boundary: the coverage rises
            # linearly from 0 to 1 over one pixel, which anti-aliases the edges.
            if style == "filled":
                coverage = np.float32(0.5) - sd
            else:
                coverage = np.float32(0.5 * stroke_width + 0.5) - np.abs(sd)
            images[rows[start : start + _CHUNK]] = np.clip(coverage, 0.0, 1.0)
    return images


def _make_shapes(n_samples, rng, image_size, style, noise, size_range, stroke_width, rotate):
    labels = rng.permutation(np.arange(n_samples) % len(SHAPE_CLASSES))
    radii = image_size * rng.uniform(size_range[0], size_range[1], size=n_samples)
    directions = _random_directions(rng, n_samples)
    if not rotate:
        directions = np.tile([1.0, 0.0], (n_samples, 1))
    margins = radii + 0.5 * stroke_width + 1.0
    centers = margins[:, None] + rng.random((n_samples, 2)) * (image_size - 2.0 * margins[:, None])
    x = _render(labels, centers, radii, directions, image_size, style, stroke_width)
    if noise > 0:
        x += np.float32(noise) * rng.standard_normal(x.shape, dtype=np.float32)
        np.clip(x, 0.0, 1.0, out=x)
    params = {
        "center": centers,
        "radius": radii,
        "angle": np.mod(np.arctan2(directions[:, 1], directions[:, 0]), 2 * np.pi),
    }
    return x, labels.astype(np.int64), params


def make_shapes(
    n_samples=1000,
    *,
    image_size=30,
    seed=0,
    style="outline",
    noise=0.0,
    size_range=(0.2, 0.35),
    stroke_width=1.5,
    rotate=True,
    return_params=False,
):
    """Generates images of circles, squares, triangles and five-pointed stars.

    Each image holds one figure whose centre, size and rotation are drawn at
    random: the circumradius uniformly in `size_range` (times `image_size`),
    the rotation uniformly in [0, 2 pi) for every class (a circle looks the
    same under any rotation, so it varies less than the other classes), and
    the centre uniformly among the positions that keep the whole figure, its
    stroke and a one-pixel blank border inside the image. The four classes are
    balanced (counts differ by at most one) and shuffled.

    Figures are rasterised from their exact signed distance to every pixel
    centre, with a one-pixel linear ramp across the boundary as anti-aliasing;
    the whole batch is computed with vectorised NumPy. `style`, `noise` and
    `rotate` do not change which figures are drawn, where, or how big.

    The same `seed` gives the same arrays whatever the Keras backend, since
    randomness comes only from `numpy.random.default_rng(seed)`, never from
    `keras.random`. The noise-free images are also bit-identical across
    machines for a given NumPy version: the geometry uses only additions,
    products, divisions and square roots, which IEEE-754 rounds exactly, and
    no trigonometric function.

    Args:
        n_samples: int. Number of images. Defaults to `1000`.
        image_size: int >= 16. Height and width of the images in pixels.
            Defaults to `30`.
        seed: int >= 0 or `None`. Seed of `numpy.random.default_rng`; `None`
            draws fresh randomness. Defaults to `0`.
        style: `"outline"` (the boundary, `stroke_width` pixels wide) or
            `"filled"`. Defaults to `"outline"`.
        noise: float >= 0. Standard deviation of Gaussian noise added to every
            pixel before clipping to [0, 1]. Defaults to `0.0`.
        size_range: pair of floats `(low, high)`. Range of the circumradius as a
            fraction of `image_size`; `high` is at most
            `0.5 - (stroke_width / 2 + 1) / image_size`. Defaults to
            `(0.2, 0.35)`.
        stroke_width: float > 0. Width of the outline in pixels; it also sets
            the blank margin, so both styles draw the same figures. Defaults
            to `1.5`.
        rotate: bool. If `False`, every figure stands upright: squares
            axis-aligned, triangles and stars with a tip pointing up. Positions
            and sizes stay those drawn with `rotate=True`. Defaults to `True`.
        return_params: bool. If `True`, also return the drawn parameters.
            Defaults to `False`.

    Returns:
        A tuple `(x, y)`: `x` float32 array of shape
        `(n_samples, image_size, image_size)` with values in [0, 1], `y` int64
        array of shape `(n_samples,)` indexing `SHAPE_CLASSES`. With
        `return_params=True`, a third item: a dict with `"center"` (float64,
        `(n_samples, 2)`, column then row, in pixels, the image spanning
        `[0, image_size]`), `"radius"` (circumradius in pixels) and `"angle"`
        (rotation from the upright pose in radians in [0, 2 pi), clockwise as
        shown by `matplotlib.pyplot.imshow`; computed with `arctan2`, for
        information only).

    Example:

    >>> x, y = make_shapes(8, seed=1)
    >>> x.shape, x.dtype, y.dtype
    ((8, 30, 30), dtype('float32'), dtype('int64'))
    >>> np.bincount(y).tolist()  # counts of SHAPE_CLASSES
    [2, 2, 2, 2]

    References:
        Lecture notes 000 of this course: the 30x30 geometric-shapes example
        (900-100-900 sparse autoencoder) and why its filters look like circles.
    """
    n_samples = check_positive_int("n_samples", n_samples)
    seed = check_seed("seed", seed)
    image_size, noise, stroke_width = _check_shape_options(
        image_size, style, noise, stroke_width, size_range
    )
    rotate = check_bool("rotate", rotate)
    return_params = check_bool("return_params", return_params)
    x, y, params = _make_shapes(
        n_samples,
        np.random.default_rng(seed),
        image_size,
        style,
        noise,
        size_range,
        stroke_width,
        rotate,
    )
    return (x, y, params) if return_params else (x, y)


def load_shapes(
    n_train=4000,
    n_test=1000,
    *,
    image_size=30,
    seed=0,
    style="outline",
    noise=0.0,
    size_range=(0.2, 0.35),
    stroke_width=1.5,
    rotate=True,
):
    """Loads a train/test split of the geometric shapes, like `load_data()`.

    The two splits are independent draws of `make_shapes`, from two seeds
    spawned with `numpy.random.SeedSequence(seed)`: each split is balanced on
    its own, and the test set depends only on `seed` and `n_test`, not on
    `n_train`.

    Args:
        n_train: int. Number of training images. Defaults to `4000`.
        n_test: int. Number of test images. Defaults to `1000`.
        image_size: int >= 16. See `make_shapes`. Defaults to `30`.
        seed: int >= 0 or `None`. Defaults to `0`.
        style: `"outline"` or `"filled"`. Defaults to `"outline"`.
        noise: float >= 0. Defaults to `0.0`.
        size_range: pair of floats. See `make_shapes`. Defaults to
            `(0.2, 0.35)`.
        stroke_width: float > 0. Defaults to `1.5`.
        rotate: bool. Defaults to `True`.

    Returns:
        `((x_train, y_train), (x_test, y_test))`, arrays as in `make_shapes`.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_shapes(40, 12)
    >>> x_train.shape, x_test.shape
    ((40, 30, 30), (12, 30, 30))

    References:
        Lecture notes 000 of this course (the 30x30 geometric-shapes example).
    """
    n_train = check_positive_int("n_train", n_train)
    n_test = check_positive_int("n_test", n_test)
    seed = check_seed("seed", seed)
    image_size, noise, stroke_width = _check_shape_options(
        image_size, style, noise, stroke_width, size_range
    )
    rotate = check_bool("rotate", rotate)
    options = (image_size, style, noise, size_range, stroke_width, rotate)
    train_seed, test_seed = np.random.SeedSequence(seed).spawn(2)
    x_train, y_train, _ = _make_shapes(n_train, np.random.default_rng(train_seed), *options)
    x_test, y_test, _ = _make_shapes(n_test, np.random.default_rng(test_seed), *options)
    return (x_train, y_train), (x_test, y_test)
