"""Figures of latent spaces: scatters of codes and decoded latent grids."""

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import scipy.stats
from matplotlib.lines import Line2D
from sklearn.decomposition import PCA

from keras_ae._arrays import as_numpy
from keras_ae._validation import (
    check_choice,
    check_positive_int,
    check_same_length,
    check_seed,
    invalid_argument,
    is_real,
)
from keras_ae.plotting._figures import check_image_shape, finish, new_figure

__all__ = ["plot_latent_space", "plot_manifold"]


_MAX_CATEGORIES = 20


def _class_name(label, class_names):
    if class_names is None:
        return str(label)
    if isinstance(class_names, Mapping):
        return str(class_names.get(label, label))
    if isinstance(label, int | np.integer) and 0 <= label < len(class_names):
        return str(class_names[label])
    raise invalid_argument(
        "class_names",
        f"a mapping or a sequence indexed by every label; label {label!r} has no name",
        class_names,
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
    seed = check_seed("seed", seed)
    codes = as_numpy(codes)
    if codes.ndim < 2 or codes.shape[0] == 0:
        raise invalid_argument(
            "codes",
            "a non-empty array of shape (n, latent_dim)",
            received=f"codes.shape={codes.shape}",
        )
    codes = codes.reshape(codes.shape[0], -1).astype(np.float64)
    if codes.shape[1] < 2:
        raise invalid_argument(
            "codes", "at least 2 latent dimensions", received=f"codes.shape={codes.shape}"
        )
    if labels is not None:
        labels = as_numpy(labels).reshape(-1)
        check_same_length("codes", codes, "labels", labels)
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
    fig, ax, created = new_figure(ax, (7.0, 5.5))
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
    return finish(fig, created)


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
    image_shape = check_image_shape(image_shape)
    if (
        not isinstance(limits, tuple | list)
        or len(limits) != 2
        or not all(is_real(value) and math.isfinite(value) for value in limits)
        or not limits[0] < limits[1]
    ):
        raise invalid_argument("limits", "a pair of finite floats (lo, hi) with lo < hi", limits)
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
        raise invalid_argument("decoder", "a Keras model or a callable", decoder)
    decoded = as_numpy(decoded)
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
