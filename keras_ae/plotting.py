"""Figures shared by the lectures: image grids, filters, latent spaces.

Every function builds its figure with matplotlib's object API and returns the
`matplotlib.figure.Figure`; none calls `plt.show()`. Figures created here are
detached from pyplot (`plt.close(fig)`) before they are returned, so a
notebook displays a figure exactly once, when it is the value of a cell (or
through `IPython.display.display(fig)`), and figures do not pile up in
pyplot's registry. In a script, save them with `fig.savefig(...)`.
"""

import math
import numbers
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import scipy.stats
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter
from sklearn.decomposition import PCA

from keras_ae._validation import check_choice, check_positive_int, check_real
from keras_ae.evaluation import _as_numpy

_MAX_CATEGORIES = 20


def _is_positive_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0


def _is_finite_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_image_shape(image_shape):
    valid = (
        isinstance(image_shape, tuple | list)
        and len(image_shape) in (2, 3)
        and all(_is_positive_int(size) for size in image_shape)
        and (len(image_shape) == 2 or image_shape[-1] in (1, 3, 4))
    )
    if not valid:
        raise ValueError(
            "Invalid value received for argument `image_shape`. Expected a tuple "
            "(height, width) or (height, width, channels) of positive integers "
            f"with 1, 3 or 4 channels. Received: image_shape={image_shape!r}"
        )
    return tuple(int(size) for size in image_shape)


def _to_images(name, images, image_shape):
    """Reshapes `images` to `(n, h, w)` or `(n, h, w, 3 or 4)`."""
    images = _as_numpy(images)
    if images.ndim < 2 or images.shape[0] == 0:
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a non-empty "
            f"array of shape (n, height, width) or (n, features). "
            f"Received: {name}.shape={images.shape}"
        )
    n_features = math.prod(images.shape[1:])
    if image_shape is not None:
        image_shape = _check_image_shape(image_shape)
        if math.prod(image_shape) != n_features:
            raise ValueError(
                f"Argument `image_shape` does not match the {n_features} features "
                f"of each image in `{name}`. Received: image_shape={image_shape}, "
                f"{name}.shape={images.shape}"
            )
    elif images.ndim == 2:
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ValueError(
                f"Cannot infer a square image shape from the {n_features} features "
                f"of `{name}`. Pass `image_shape`. "
                f"Received: {name}.shape={images.shape}"
            )
        image_shape = (side, side)
    elif images.ndim == 3 or (images.ndim == 4 and images.shape[-1] in (1, 3, 4)):
        image_shape = images.shape[1:]
    else:
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected images of shape "
            "(n, height, width) or (n, height, width, channels) with 1, 3 or 4 "
            f"channels. Received: {name}.shape={images.shape}"
        )
    images = images.reshape((images.shape[0], *image_shape))
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    return images


def _hide_frame(ax):
    """Removes ticks and spines but keeps the axis labels visible."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _new_figure(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax, True
    return ax.figure, ax, False


def _finish(fig, created):
    if created:
        plt.close(fig)
    return fig


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
    cell_size = check_real("cell_size", cell_size, low=0, closed=(False, True))
    images = _to_images("images", images, image_shape)
    if titles is not None and len(titles) != len(images):
        raise ValueError(
            "Invalid value received for argument `titles`. Expected one title per "
            f"image ({len(images)}). Received: len(titles)={len(titles)}"
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
    kernel = _as_numpy(kernel).astype(np.float64)
    if kernel.ndim != 2 or 0 in kernel.shape:
        raise ValueError(
            "Invalid value received for argument `kernel`. Expected a non-empty 2-D "
            f"array of shape (n_inputs, n_units). Received: kernel.shape={kernel.shape}"
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
        or not all(_is_positive_int(size) for size in image_shape)
        or math.prod(image_shape) != n_inputs
    ):
        raise ValueError(
            "Invalid value received for argument `image_shape`. Expected a tuple "
            f"(height, width) with height * width = n_inputs = {n_inputs}. "
            f"Received: image_shape={image_shape!r}"
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
        raise ValueError(
            "Invalid value received for argument `images`. Expected a non-empty array "
            f"of shape (n, height, width). Received: images.shape={images.shape}"
        )
    if not _is_positive_int(n_cols):
        raise ValueError(
            "Invalid value received for argument `n_cols`. Expected a positive "
            f"integer. Received: n_cols={n_cols!r}"
        )
    if not (_is_positive_int(gap) or gap == 0):
        raise ValueError(
            "Invalid value received for argument `gap`. Expected an integer >= 0. "
            f"Received: gap={gap!r}"
        )
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
        raise ValueError(
            "Invalid value received for argument `row_labels`. Expected a pair of "
            f"strings. Received: row_labels={row_labels!r}"
        )
    originals = _to_images("originals", originals, image_shape)
    image_shape = originals.shape[1:]
    n = min(n, len(originals))
    rows = [(row_labels[0], originals)]
    for index, row in enumerate(extra_rows or []):
        if not isinstance(row, tuple | list) or len(row) != 2 or not isinstance(row[0], str):
            raise ValueError(
                "Invalid value received for argument `extra_rows`. Expected a list "
                f"of (label, images) pairs. Received at index {index}: {row!r}"
            )
        rows.append((row[0], _to_images(f"extra_rows[{index}]", row[1], image_shape)))
    rows.append((row_labels[1], _to_images("reconstructions", reconstructions, image_shape)))
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
            _hide_frame(ax)
        row_axes[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    plt.close(fig)
    return fig


def _class_name(label, class_names):
    if class_names is None:
        return str(label)
    if isinstance(class_names, Mapping):
        return str(class_names.get(label, label))
    if isinstance(label, int | np.integer) and 0 <= label < len(class_names):
        return str(class_names[label])
    raise ValueError(
        "Invalid value received for argument `class_names`. Expected a mapping or "
        f"a sequence indexed by every label; label {label!r} has no name. "
        f"Received: class_names={class_names!r}"
    )


def plot_latent_space(
    codes,
    labels=None,
    *,
    class_names=None,
    title="Latent space",
    max_points=5000,
    seed=0,
    ax=None,
    point_size=6.0,
    label_name=None,
):
    """Scatters codes in two dimensions, coloured by label.

    Codes with exactly two dimensions are drawn as they are (axes `z_1`,
    `z_2`). Codes with more dimensions (of any shape `(n, ...)`, flattened)
    are projected on their first two principal components, and the axis
    labels say so, with the share of variance each component keeps.

    Labels with at most 20 distinct integer, bool or string values are drawn
    as classes with a legend; other labels (e.g. floats) are drawn with a
    colour bar. Points are drawn in a random order so no class hides
    another.

    Args:
        codes: array of shape `(n, latent_dim)` or `(n, ...)`, at least 2
            features.
        labels: optional array of shape `(n,)`. Defaults to `None` (one
            colour).
        class_names: optional sequence indexed by integer label, or mapping
            from label to name, used in the legend. Defaults to `None`.
        title: str. Axes title. Defaults to `"Latent space"`.
        max_points: int. At most this many points, drawn at random, are
            shown. Defaults to `5000`.
        seed: int. Seed of the subsampling and drawing order. Defaults to
            `0`.
        ax: optional `matplotlib.axes.Axes` to draw into (e.g. one panel of
            a comparison). Defaults to `None`: a new figure.
        point_size: float. Marker area in points^2. Defaults to `6.0`.
        label_name: optional str. Title of the legend, or label of the
            colour bar. Defaults to `None`: `"class"` for the legend,
            `"label"` for the colour bar.

    Returns:
        The `matplotlib.figure.Figure` that holds the scatter.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> fig = plot_latent_space(rng.normal(size=(100, 8)), rng.integers(0, 3, 100))
    >>> fig.axes[0].get_xlabel()
    'PC 1 of the 8-D codes (PCA, 19% of variance)'
    """
    check_positive_int("max_points", max_points)
    codes = _as_numpy(codes)
    if codes.ndim < 2 or codes.shape[0] == 0:
        raise ValueError(
            "Invalid value received for argument `codes`. Expected a non-empty "
            f"array of shape (n, latent_dim). Received: codes.shape={codes.shape}"
        )
    codes = codes.reshape(codes.shape[0], -1).astype(np.float64)
    if codes.shape[1] < 2:
        raise ValueError(
            "Invalid value received for argument `codes`. Expected at least 2 "
            f"latent dimensions. Received: codes.shape={codes.shape}"
        )
    if labels is not None:
        labels = _as_numpy(labels).reshape(-1)
        if len(labels) != len(codes):
            raise ValueError(
                "Arguments `codes` and `labels` must have the same number of "
                f"samples. Received: len(codes)={len(codes)}, len(labels)={len(labels)}"
            )
    if codes.shape[1] == 2:
        points = codes
        xlabel, ylabel = "$z_1$", "$z_2$"
    else:
        pca = PCA(n_components=2).fit(codes)
        points = pca.transform(codes)
        ratios = pca.explained_variance_ratio_
        dim = codes.shape[1]
        xlabel = f"PC 1 of the {dim}-D codes (PCA, {ratios[0]:.0%} of variance)"
        ylabel = f"PC 2 of the {dim}-D codes (PCA, {ratios[1]:.0%} of variance)"
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(points))[:max_points]
    points = points[order]
    fig, ax, created = _new_figure(ax, (7.0, 5.5))
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=point_size, alpha=0.7)
    else:
        labels = labels[order]
        classes = np.unique(labels)
        categorical = labels.dtype.kind in "bUSO" or (
            labels.dtype.kind in "iu" and len(classes) <= _MAX_CATEGORIES
        )
        if categorical:
            cmap = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
            index = np.searchsorted(classes, labels)
            colours = cmap(index % cmap.N)
            ax.scatter(points[:, 0], points[:, 1], c=colours, s=point_size, alpha=0.7)
            handles = [
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    color=cmap(position % cmap.N),
                    label=_class_name(label.item(), class_names),
                )
                for position, label in enumerate(classes)
            ]
            ax.legend(
                handles=handles,
                title=label_name or "class",
                loc="upper left",
                bbox_to_anchor=(1.02, 1.0),
                borderaxespad=0.0,
            )
        else:
            scatter = ax.scatter(
                points[:, 0],
                points[:, 1],
                c=labels.astype(np.float64),
                cmap="viridis",
                s=point_size,
                alpha=0.7,
            )
            fig.colorbar(scatter, ax=ax, label=label_name or "label")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return _finish(fig, created)


def plot_history(history, *, keys=None, title="Training history", logy=False, ax=None):
    """Plots training curves, one line per metric, against the epoch.

    A validation metric `val_<name>` is drawn dashed, in the colour of
    `<name>` when both are plotted.

    Args:
        history: a `keras.callbacks.History` (as returned by `fit`) or its
            `.history` dict mapping metric names to per-epoch values.
        keys: optional list of metric names to plot. Defaults to `None`:
            all of them.
        title: str. Axes title. Defaults to `"Training history"`.
        logy: bool. Whether the y axis is logarithmic. Defaults to `False`.
        ax: optional `matplotlib.axes.Axes` to draw into. Defaults to
            `None`: a new figure.

    Returns:
        The `matplotlib.figure.Figure` that holds the curves.

    Example:

    >>> fig = plot_history({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['loss', 'val_loss']
    """
    values = getattr(history, "history", history)
    if not isinstance(values, Mapping) or not values:
        raise ValueError(
            "Invalid value received for argument `history`. Expected a "
            "`keras.callbacks.History` or a non-empty dict of per-epoch values. "
            f"Received: history={history!r}"
        )
    if keys is None:
        keys = list(values)
    elif isinstance(keys, str):
        keys = [keys]
    else:
        keys = list(keys)
    unknown = [key for key in keys if key not in values]
    if unknown or not keys:
        raise ValueError(
            "Invalid value received for argument `keys`. Expected a non-empty list "
            f"of names among {list(values)}. Received: keys={keys!r}"
        )
    fig, ax, created = _new_figure(ax, (7.0, 4.5))
    colours = {}
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for key in keys:
        base = key[4:] if key.startswith("val_") else key
        if base not in colours:
            colours[base] = cycle[len(colours) % len(cycle)]
        series = np.asarray(values[key], dtype=np.float64).reshape(-1)
        epochs = np.arange(1, len(series) + 1)
        ax.plot(
            epochs,
            series,
            label=key,
            color=colours[base],
            linestyle="--" if key.startswith("val_") else "-",
            marker="o" if len(series) <= 30 else None,
            markersize=3,
        )
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(keys[0] if len(keys) == 1 else "value")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return _finish(fig, created)


def plot_manifold(
    decoder,
    *,
    n=15,
    limits=(-3.0, 3.0),
    image_shape=(28, 28),
    title="Decoded latent grid",
    spacing="linear",
    cmap="gray",
):
    """Decodes a grid of 2-D latent points and tiles the images.

    Column `i` decodes `z_1 = grid[i]` and row `j` (from the top) decodes
    `z_2 = grid[n - 1 - j]`, so the big image reads like a plot with `z_2`
    growing upwards. Tick labels give the latent coordinates.

    With `spacing="linear"`, the grid is `np.linspace(*limits, n)`. With
    `spacing="gaussian"`, the points are equally spaced in probability under
    the standard normal prior of a VAE: `norm.ppf(np.linspace(norm.cdf(lo),
    norm.cdf(hi), n))`, so they are denser near 0 where most codes lie, and
    still run from `lo` to `hi`.

    Args:
        decoder: a Keras model (called with `decoder.predict(grid,
            verbose=0)`) or any callable mapping a `(n * n, 2)` float32
            array to `n * n` images of `prod(image_shape)` values.
        n: int. Number of grid points per latent axis. Defaults to `15`.
        limits: pair of floats `(lo, hi)` with `lo < hi`. Range of both
            latent coordinates. Defaults to `(-3.0, 3.0)`.
        image_shape: tuple `(height, width)` or `(height, width, channels)`
            of one decoded image. Defaults to `(28, 28)`.
        title: str. Axes title. Defaults to `"Decoded latent grid"`.
        spacing: str. `"linear"` or `"gaussian"`, see above. Defaults to
            `"linear"`.
        cmap: str. Colour map of single-channel images. Defaults to
            `"gray"`.

    Returns:
        The `matplotlib.figure.Figure`; its first axes holds the tiled image
        of shape `(n * height, n * width)`, with a colour bar.

    Example:

    >>> def decoder(z):
    ...     return np.repeat(z[:, :1], 16, axis=1)
    >>> fig = plot_manifold(decoder, n=5, image_shape=(4, 4))
    >>> fig.axes[0].images[0].get_array().shape
    (20, 20)
    """
    check_positive_int("n", n)
    check_choice("spacing", spacing, ("linear", "gaussian"))
    image_shape = _check_image_shape(image_shape)
    if (
        not isinstance(limits, tuple | list)
        or len(limits) != 2
        or not all(_is_finite_real(value) for value in limits)
        or not limits[0] < limits[1]
    ):
        raise ValueError(
            "Invalid value received for argument `limits`. Expected a pair of "
            f"finite floats (lo, hi) with lo < hi. Received: limits={limits!r}"
        )
    lo, hi = float(limits[0]), float(limits[1])
    if spacing == "linear":
        grid = np.linspace(lo, hi, n)
    else:
        normal = scipy.stats.norm
        grid = normal.ppf(np.linspace(normal.cdf(lo), normal.cdf(hi), n))
    z1, z2 = np.meshgrid(grid, grid[::-1])
    latent = np.stack([z1.ravel(), z2.ravel()], axis=1).astype(np.float32)
    if hasattr(decoder, "predict"):
        decoded = decoder.predict(latent, verbose=0)
    elif callable(decoder):
        decoded = decoder(latent)
    else:
        raise ValueError(
            "Invalid value received for argument `decoder`. Expected a Keras model "
            f"or a callable. Received: decoder={decoder!r}"
        )
    decoded = _as_numpy(decoded)
    size = math.prod(image_shape)
    if decoded.shape[0] != n * n or math.prod(decoded.shape[1:]) != size:
        raise ValueError(
            f"The decoder output does not hold {n * n} images of shape {image_shape}. "
            f"Received: output shape {decoded.shape}"
        )
    height, width = image_shape[:2]
    tiles = decoded.reshape((n, n, *image_shape))
    if len(image_shape) == 3 and image_shape[-1] == 1:
        tiles = tiles[..., 0]
    # (row, col, h, w[, c]) -> (row, h, col, w[, c]) -> (n * h, n * w[, c]).
    tiles = np.swapaxes(tiles, 1, 2).reshape((n * height, n * width, *tiles.shape[4:]))
    fig, ax = plt.subplots(figsize=(7.5, 6.5), layout="constrained")
    image = ax.imshow(tiles, cmap=cmap)
    if tiles.ndim == 2:
        fig.colorbar(image, ax=ax, label="decoded value", shrink=0.8)
    shown = np.unique(np.linspace(0, n - 1, min(n, 7)).round().astype(int))
    ax.set_xticks(shown * width + (width - 1) / 2, [f"{grid[i]:.2g}" for i in shown])
    ax.set_yticks(shown * height + (height - 1) / 2, [f"{grid[::-1][i]:.2g}" for i in shown])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title)
    plt.close(fig)
    return fig


def _plain_log_xaxis(ax, low, high):
    """Log x axis labelled 1-2-5 (once per decade over a wide range), as plain numbers.

    Matplotlib's default labels some minor ticks of a narrow log range in
    scientific notation, and they overlap.
    """
    ax.set_xscale("log")
    subs = (1.0, 2.0, 5.0) if math.log10(high / low) <= 3 else (1.0,)
    ax.xaxis.set_major_locator(LogLocator(subs=subs))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def plot_errors_histogram(
    scores_by_group,
    *,
    threshold=None,
    bins=50,
    title="Reconstruction errors",
    xlabel="reconstruction error",
    density=True,
    logx=False,
    ax=None,
):
    """Overlays the histograms of scores of several groups.

    Typical use: reconstruction errors of normal and anomalous samples, with
    the detection threshold. All groups share the same bin edges so the bars
    can be compared.

    Args:
        scores_by_group: dict mapping a group name to an array of scores.
        threshold: optional float. Drawn as a vertical dashed line. Defaults
            to `None`.
        bins: int. Number of bins. Defaults to `50`.
        title: str. Axes title. Defaults to `"Reconstruction errors"`.
        xlabel: str. Label of the x axis. Defaults to
            `"reconstruction error"`.
        density: bool. Whether each histogram is normalised to unit area,
            so groups of very different sizes can be compared. Defaults to
            `True`.
        logx: bool. Whether bins are spaced logarithmically and the x axis
            is logarithmic (all scores must then be positive). Defaults to
            `False`.
        ax: optional `matplotlib.axes.Axes` to draw into. Defaults to
            `None`: a new figure.

    Returns:
        The `matplotlib.figure.Figure` that holds the histograms.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> scores = {"normal": rng.gamma(2.0, 1.0, 500),
    ...           "anomalous": rng.gamma(6.0, 1.0, 50)}
    >>> fig = plot_errors_histogram(scores, threshold=5.0)
    >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    ['normal (n=500)', 'anomalous (n=50)', 'threshold = 5']
    """
    check_positive_int("bins", bins)
    if not isinstance(scores_by_group, Mapping) or not scores_by_group:
        raise ValueError(
            "Invalid value received for argument `scores_by_group`. Expected a "
            "non-empty dict mapping group names to arrays of scores. "
            f"Received: scores_by_group={scores_by_group!r}"
        )
    groups = {}
    for name, scores in scores_by_group.items():
        scores = _as_numpy(scores).astype(np.float64).reshape(-1)
        if scores.size == 0 or not np.isfinite(scores).all():
            raise ValueError(
                f"The scores of group {name!r} must be a non-empty array of finite "
                f"values. Received: {scores_by_group[name]!r}"
            )
        if logx and not (scores > 0).all():
            raise ValueError(
                f"The scores of group {name!r} must be positive when `logx=True`. "
                f"Received a minimum of {scores.min()}"
            )
        groups[name] = scores
    if threshold is not None:
        threshold = check_real("threshold", threshold)
    everything = np.concatenate(list(groups.values()))
    if logx:
        edges = np.geomspace(everything.min(), everything.max(), bins + 1)
    else:
        edges = np.histogram_bin_edges(everything, bins=bins)
    fig, ax, created = _new_figure(ax, (7.0, 4.5))
    for name, scores in groups.items():
        ax.hist(
            scores,
            bins=edges,
            density=density,
            alpha=0.5,
            histtype="stepfilled",
            edgecolor="black",
            linewidth=0.5,
            label=f"{name} (n={len(scores)})",
        )
    if threshold is not None:
        ax.axvline(
            threshold,
            color="black",
            linestyle="--",
            label=f"threshold = {threshold:.3g}",
        )
    if logx:
        _plain_log_xaxis(ax, everything.min(), everything.max())
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density" if density else "count")
    ax.set_title(title)
    ax.legend()
    return _finish(fig, created)
