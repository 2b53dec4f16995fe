"""Figures of curves and distributions: training histories and score histograms."""

import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from keras_ae._arrays import as_numpy
from keras_ae._validation import check_bool, check_positive_int, check_real, invalid_argument
from keras_ae.plotting._figures import finish, new_figure

__all__ = ["plot_errors_histogram", "plot_history"]


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
        raise invalid_argument(
            "history",
            "a `keras.callbacks.History` or a non-empty dict of per-epoch values",
            history,
        )
    if keys is None:
        keys = list(values)
    elif isinstance(keys, str):
        keys = [keys]
    else:
        keys = list(keys)
    unknown = [key for key in keys if key not in values]
    if unknown or not keys:
        raise invalid_argument("keys", f"a non-empty list of names among {list(values)}", keys)
    logy = check_bool("logy", logy)
    fig, ax, created = new_figure(ax, (7.0, 4.5))
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
    return finish(fig, created)


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
    density = check_bool("density", density)
    logx = check_bool("logx", logx)
    if not isinstance(scores_by_group, Mapping) or not scores_by_group:
        raise invalid_argument(
            "scores_by_group",
            "a non-empty dict mapping group names to arrays of scores",
            scores_by_group,
        )
    groups = {}
    for name, scores in scores_by_group.items():
        scores = as_numpy(scores).astype(np.float64).reshape(-1)
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
        threshold = check_real("threshold", threshold, finite=True)
    everything = np.concatenate(list(groups.values()))
    if logx:
        edges = np.geomspace(everything.min(), everything.max(), bins + 1)
    else:
        edges = np.histogram_bin_edges(everything, bins=bins)
    fig, ax, created = new_figure(ax, (7.0, 4.5))
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
    return finish(fig, created)
