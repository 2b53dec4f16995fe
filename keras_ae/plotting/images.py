"""Figures of images: grids, learned filters and reconstructions."""

import math

import matplotlib.pyplot as plt
import numpy as np

from keras_ae._arrays import as_numpy
from keras_ae._validation import (
    check_bool,
    check_choice,
    check_int,
    check_positive_int,
    check_real,
    invalid_argument,
    is_int,
)
from keras_ae.plotting._figures import hide_frame, to_images

__all__ = ["filter_mosaic", "plot_filters", "plot_image_grid", "plot_reconstructions"]


def _draw_image_grid(images, *, n_cols, titles, cmap, vmins, vmaxs, title, cell_size):
    n_images = len(images)
    n_cols = min(n_cols, n_images)
    n_rows = math.ceil(n_images / n_cols)
    title_height = 0.5 if title else 0.0
    cell_height = cell_size + (0.3 if titles is not None else 0.0)
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(n_cols * cell_size, n_rows * cell_height + title_height),
        squeeze=False,
        layout="constrained",
    )
    for index, ax in enumerate(axes.flat):
        if index >= n_images:
            ax.remove()
            continue
        ax.imshow(images[index], cmap=cmap, vmin=vmins[index], vmax=vmaxs[index])
        ax.axis("off")
        if titles is not None:
            ax.set_title(str(titles[index]), fontsize=9)
    if title:
        fig.suptitle(title)
    plt.close(fig)
    return fig


def plot_image_grid(
    images,
    *,
    n_cols=10,
    image_shape=None,
    titles=None,
    cmap="gray",
    vmin=None,
    vmax=None,
    title=None,
    cell_size=1.2,
):
    """Shows images in a grid, one image per axes, axes hidden.

    Args:
        images: array of shape `(n, height, width)`,
            `(n, height, width, channels)` or `(n, features)`. Flat images
            are reshaped to `image_shape`, or to a square when `features` is
            a perfect square (784 -> 28 x 28, 900 -> 30 x 30).
        n_cols: int. Number of columns. Defaults to `10`.
        image_shape: optional tuple `(height, width)` or
            `(height, width, channels)`. Defaults to `None` (inferred).
        titles: optional sequence of `n` per-image titles. Defaults to
            `None`.
        cmap: str. Colour map of single-channel images. Defaults to
            `"gray"`.
        vmin: optional float. Value shown as black, shared by all images.
            Defaults to `None`: each image is scaled to its own range.
        vmax: optional float. Value shown as white, shared by all images.
            Defaults to `None`: each image is scaled to its own range.
        title: optional str. Figure title. Defaults to `None`.
        cell_size: float. Size of one image in inches. Defaults to `1.2`.

    Returns:
        The `matplotlib.figure.Figure`, with one axes per image.

    Example:

    >>> images = np.random.default_rng(0).random((12, 784))
    >>> fig = plot_image_grid(images, n_cols=6, title="Random images")
    >>> len(fig.axes)
    12
    """
    check_positive_int("n_cols", n_cols)
    cell_size = check_real("cell_size", cell_size, low=0, closed=(False, True), finite=True)
    images = to_images("images", images, image_shape)
    if titles is not None and len(titles) != len(images):
        raise invalid_argument(
            "titles",
            f"one title per image ({len(images)})",
            received=f"len(titles)={len(titles)}",
        )
    return _draw_image_grid(
        images,
        n_cols=n_cols,
        titles=titles,
        cmap=cmap,
        vmins=[vmin] * len(images),
        vmaxs=[vmax] * len(images),
        title=title,
        cell_size=cell_size,
    )


def plot_filters(
    kernel,
    *,
    image_shape=None,
    normalize=True,
    n_cols=10,
    title="Learned filters (input that maximally activates each unit)",
    cmap="gray",
    contrast="symmetric",
):
    """Shows the input that maximally activates each hidden unit of a layer.

    For a `Dense` layer `h_j = f(W_j . x + b_j)`, the input of unit norm
    that maximally activates unit `j` is `x = W_j / ||W_j||`, where `W_j`
    is column `j` of the kernel (Ng, CS294A lecture notes, "Visualizing a
    trained autoencoder"). Each column is shown as an image.

    Contrast is set per filter. With `contrast="symmetric"` (the default)
    each filter is scaled symmetrically around 0, from `-max|w|` (black) to
    `+max|w|` (white), so mid-grey is a zero weight in every image and the
    sign of a weight can be read off. With `contrast="minmax"` each filter
    is stretched from its own minimum (black) to its maximum (white).

    Args:
        kernel: array of shape `(n_inputs, n_units)`, e.g.
            `dense.kernel`.
        image_shape: optional tuple `(height, width)`; `n_inputs` must equal
            `height * width`. Defaults to `None` (square images).
        normalize: bool. Whether each column is divided by its L2 norm
            (zero columns are left at zero). Defaults to `True`.
        n_cols: int. Number of columns of the grid. Defaults to `10`.
        title: str. Figure title. Defaults to
            `"Learned filters (input that maximally activates each unit)"`.
        cmap: str. Colour map. Defaults to `"gray"`.
        contrast: str. `"symmetric"` or `"minmax"`, see above. Defaults to
            `"symmetric"`.

    Returns:
        The `matplotlib.figure.Figure`, with one axes showing all filters as
        one mosaic (see `filter_mosaic`), each filter rescaled to [0, 1]
        according to `contrast`.

    Example:

    >>> kernel = np.random.default_rng(0).normal(size=(900, 25))
    >>> fig = plot_filters(kernel, n_cols=5)
    >>> fig.axes[0].images[0].get_array().shape
    (154, 154)
    """
    check_choice("contrast", contrast, ("symmetric", "minmax"))
    normalize = check_bool("normalize", normalize)
    kernel = as_numpy(kernel).astype(np.float64)
    if kernel.ndim != 2 or 0 in kernel.shape:
        raise invalid_argument(
            "kernel",
            "a non-empty 2-D array of shape (n_inputs, n_units)",
            received=f"kernel.shape={kernel.shape}",
        )
    n_inputs = kernel.shape[0]
    if image_shape is None:
        side = math.isqrt(n_inputs)
        if side * side != n_inputs:
            raise ValueError(
                f"Cannot infer a square image shape from the {n_inputs} inputs of "
                f"`kernel`. Pass `image_shape`. Received: kernel.shape={kernel.shape}"
            )
        image_shape = (side, side)
    elif (
        not isinstance(image_shape, tuple | list)
        or len(image_shape) != 2
        or not all(is_int(size) and size > 0 for size in image_shape)
        or math.prod(image_shape) != n_inputs
    ):
        raise invalid_argument(
            "image_shape",
            f"a tuple (height, width) with height * width = n_inputs = {n_inputs}",
            image_shape,
        )
    filters = kernel.T
    if normalize:
        norms = np.linalg.norm(filters, axis=1, keepdims=True)
        filters = np.divide(filters, norms, out=np.zeros_like(filters), where=norms > 0)
    if contrast == "symmetric":
        low = -np.max(np.abs(filters), axis=1, keepdims=True)
        high = -low
        caption = "each filter scaled to [-max|w|, +max|w|]: mid-grey is a zero weight"
    else:
        low = filters.min(axis=1, keepdims=True)
        high = filters.max(axis=1, keepdims=True)
        caption = "each filter stretched from its minimum (black) to its maximum (white)"
    span = high - low
    # A constant filter (e.g. a dead unit) is drawn at the middle of the scale.
    scaled = np.divide(filters - low, span, out=np.full_like(filters, 0.5), where=span > 0)
    mosaic = filter_mosaic(scaled.reshape((len(filters), *image_shape)), n_cols=n_cols)
    n_cols = min(n_cols, len(filters))
    n_rows = math.ceil(len(filters) / n_cols)
    fig, ax = plt.subplots(figsize=(max(n_cols, 2) * 1.0, n_rows * 1.0 + 0.8), layout="constrained")
    colormap = plt.get_cmap(cmap).with_extremes(bad="white")
    ax.imshow(mosaic, cmap=colormap, vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.axis("off")
    fig.suptitle(title)
    fig.supxlabel(caption, fontsize=9)
    plt.close(fig)
    return fig


def filter_mosaic(images, *, n_cols=10, gap=1):
    """Tiles images into one array, in rows of `n_cols`, separated by NaN gaps.

    `plot_filters` draws its filters as one such mosaic: a single image is
    much faster to draw than one axes per filter. Tile `i` occupies rows
    `r * (height + gap)` to `r * (height + gap) + height` and the matching
    columns, with `r, c = divmod(i, n_cols)`; unused tiles and the gaps are NaN.

    Args:
        images: array of shape `(n, height, width)`.
        n_cols: positive int. Tiles per row. Defaults to `10`.
        gap: int >= 0. Pixels between tiles. Defaults to `1`.

    Returns:
        A float array of shape `(n_rows * (height + gap) - gap,
        n_cols * (width + gap) - gap)`.

    Example:

    >>> filter_mosaic(np.ones((3, 2, 2)), n_cols=2).shape
    (5, 5)
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or len(images) == 0:
        raise invalid_argument(
            "images",
            "a non-empty array of shape (n, height, width)",
            received=f"images.shape={images.shape}",
        )
    n_cols = check_positive_int("n_cols", n_cols)
    gap = check_int("gap", gap, low=0)
    n, height, width = images.shape
    n_cols = min(n_cols, n)
    n_rows = math.ceil(n / n_cols)
    mosaic = np.full((n_rows * (height + gap) - gap, n_cols * (width + gap) - gap), np.nan)
    for index, image in enumerate(images):
        row, col = divmod(index, n_cols)
        top, left = row * (height + gap), col * (width + gap)
        mosaic[top : top + height, left : left + width] = image
    return mosaic


def plot_reconstructions(
    originals,
    reconstructions,
    *,
    n=10,
    image_shape=None,
    row_labels=("original", "reconstruction"),
    title=None,
    extra_rows=None,
    cmap="gray",
    vmin=None,
    vmax=None,
):
    """Shows the first `n` inputs above their reconstructions.

    Rows from top to bottom: the originals, the `extra_rows` in the order
    given (e.g. the corrupted inputs of a denoising autoencoder, or a PCA
    baseline), then the reconstructions. Each row is labelled on the left.

    Args:
        originals: array of images, `(n_samples, height, width)` or
            `(n_samples, features)`.
        reconstructions: array of images with the same number of features
            per image as `originals`.
        n: int. Number of columns (samples) shown, at most the number of
            samples. Defaults to `10`.
        image_shape: optional tuple `(height, width)` or
            `(height, width, channels)`. Defaults to `None` (inferred).
        row_labels: pair of str. Labels of the originals row and of the
            reconstructions row. Defaults to
            `("original", "reconstruction")`.
        title: optional str. Figure title. Defaults to `None`.
        extra_rows: optional list of `(label, images)` pairs, drawn between
            the originals and the reconstructions. Defaults to `None`.
        cmap: str. Colour map of single-channel images. Defaults to
            `"gray"`.
        vmin: optional float. Value shown as black in every image. Defaults
            to `None`: the minimum of the shown originals.
        vmax: optional float. Value shown as white in every image. Defaults
            to `None`: the maximum of the shown originals. All images share
            one scale so that a faded reconstruction looks faded.

    Returns:
        The `matplotlib.figure.Figure`, with one axes per image.

    Example:

    >>> x = np.random.default_rng(0).random((5, 28, 28))
    >>> fig = plot_reconstructions(x, 0.5 * x, n=5, title="Halved images")
    >>> len(fig.axes)
    10
    """
    check_positive_int("n", n)
    if (
        not isinstance(row_labels, tuple | list)
        or len(row_labels) != 2
        or not all(isinstance(label, str) for label in row_labels)
    ):
        raise invalid_argument("row_labels", "a pair of strings", row_labels)
    originals = to_images("originals", originals, image_shape)
    image_shape = originals.shape[1:]
    n = min(n, len(originals))
    rows = [(row_labels[0], originals)]
    for index, row in enumerate(extra_rows or []):
        if not isinstance(row, tuple | list) or len(row) != 2 or not isinstance(row[0], str):
            raise invalid_argument(
                "extra_rows",
                "a list of (label, images) pairs",
                received=f"extra_rows[{index}]={row!r}",
            )
        rows.append((row[0], to_images(f"extra_rows[{index}]", row[1], image_shape)))
    rows.append((row_labels[1], to_images("reconstructions", reconstructions, image_shape)))
    for label, images in rows:
        if len(images) < n:
            raise ValueError(
                f"Each row needs at least n={n} images, but row {label!r} has {len(images)}."
            )
    if vmin is None:
        vmin = float(np.min(originals[:n]))
    if vmax is None:
        vmax = float(np.max(originals[:n]))
    title_height = 0.5 if title else 0.0
    fig, axes = plt.subplots(
        len(rows),
        n,
        figsize=(1.2 * n + 1.0, 1.2 * len(rows) + title_height),
        squeeze=False,
        layout="constrained",
    )
    for row_axes, (label, images) in zip(axes, rows, strict=True):
        for ax, image in zip(row_axes, images[:n], strict=False):
            ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax)
            hide_frame(ax)
        row_axes[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    plt.close(fig)
    return fig
