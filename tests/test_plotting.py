import re

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.stats  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from keras_ae import plotting  # noqa: E402

pytestmark = pytest.mark.backend_independent


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _image_axes(fig):
    return [ax for ax in fig.axes if ax.images]


# plot_image_grid


def test_plot_image_grid_infers_square_images_and_lays_out_grid():
    images = np.random.default_rng(0).random((12, 784))

    fig = plotting.plot_image_grid(images, n_cols=5, title="Digits")

    assert isinstance(fig, Figure)
    axes = _image_axes(fig)
    assert len(fig.axes) == len(axes) == 12  # The 3 unused cells are removed.
    assert axes[0].get_gridspec().get_geometry() == (3, 5)
    np.testing.assert_array_equal(axes[3].images[0].get_array(), images[3].reshape(28, 28))
    assert not axes[0].axison
    assert fig.get_suptitle() == "Digits"


def test_plot_image_grid_uses_image_shape_titles_and_shared_limits():
    images = np.random.default_rng(0).random((3, 6))

    fig = plotting.plot_image_grid(
        images, image_shape=(2, 3), titles=["a", "b", "c"], vmin=0.0, vmax=2.0
    )

    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["a", "b", "c"]
    assert axes[2].images[0].get_array().shape == (2, 3)
    assert all(ax.images[0].get_clim() == (0.0, 2.0) for ax in axes)


def test_plot_image_grid_accepts_image_batches_and_rgb():
    rng = np.random.default_rng(0)
    gray = plotting.plot_image_grid(rng.random((4, 30, 30, 1)))
    rgb = plotting.plot_image_grid(rng.random((2, 5, 5, 3)))
    assert gray.axes[0].images[0].get_array().shape == (30, 30)
    assert rgb.axes[1].images[0].get_array().shape == (5, 5, 3)


def test_plot_image_grid_detaches_figures_from_pyplot():
    plotting.plot_image_grid(np.zeros((2, 4)))
    assert plt.get_fignums() == []


def test_plot_image_grid_rejects_non_square_flat_images():
    message = (
        "Cannot infer a square image shape from the 783 features of `images`. "
        "Pass `image_shape`. Received: images.shape=(2, 783)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_image_grid(np.zeros((2, 783)))


def test_plot_image_grid_rejects_mismatched_image_shape():
    message = (
        "Argument `image_shape` does not match the 784 features of each image in "
        "`images`. Received: image_shape=(30, 30), images.shape=(2, 784)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_image_grid(np.zeros((2, 784)), image_shape=(30, 30))


def test_plot_image_grid_rejects_wrong_number_of_titles():
    message = (
        "Invalid value received for argument `titles`. Expected one title per "
        "image (2). Received: len(titles)=1"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_image_grid(np.zeros((2, 4)), titles=["only one"])


def test_plot_image_grid_rejects_non_positive_n_cols():
    message = (
        "Invalid value received for argument `n_cols`. Expected a positive "
        "integer. Received: n_cols=0"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_image_grid(np.zeros((2, 4)), n_cols=0)


# plot_filters


def _tile(fig, index, shape, n_cols):
    """Tile `index` of the filter mosaic drawn in `fig` (1-pixel gaps)."""
    height, width = shape
    row, col = divmod(index, n_cols)
    mosaic = np.ma.filled(fig.axes[0].images[0].get_array(), np.nan)
    top, left = row * (height + 1), col * (width + 1)
    return mosaic[top : top + height, left : left + width]


def test_plot_filters_shows_unit_norm_columns_with_symmetric_contrast():
    kernel = np.random.default_rng(0).normal(size=(900, 6))

    fig = plotting.plot_filters(kernel, n_cols=4, title="Filters")

    assert len(fig.axes) == 1
    assert fig.get_suptitle() == "Filters"
    image = fig.axes[0].images[0]
    assert image.get_array().shape == (2 * 30 + 1, 4 * 30 + 3)
    assert image.get_clim() == (0.0, 1.0)
    for unit in range(6):
        expected = kernel[:, unit] / np.linalg.norm(kernel[:, unit])
        bound = np.abs(expected).max()
        np.testing.assert_allclose(
            _tile(fig, unit, (30, 30), 4), ((expected / bound + 1) / 2).reshape(30, 30)
        )
    # the two unused tiles of the second row stay empty
    assert np.isnan(_tile(fig, 6, (30, 30), 4)).all()


def test_plot_filters_without_normalize_and_minmax_contrast_shows_raw_weights():
    kernel = np.random.default_rng(0).normal(size=(12, 2))

    fig = plotting.plot_filters(kernel, image_shape=(3, 4), normalize=False, contrast="minmax")

    column = kernel[:, 1]
    expected = (column - column.min()) / (column.max() - column.min())
    np.testing.assert_allclose(_tile(fig, 1, (3, 4), 10), expected.reshape(3, 4))


def test_plot_filters_draws_dead_units_at_mid_grey():
    kernel = np.zeros((4, 2))
    kernel[:, 0] = 1.0
    fig = plotting.plot_filters(kernel)
    np.testing.assert_allclose(_tile(fig, 1, (2, 2), 10), np.full((2, 2), 0.5))
    np.testing.assert_allclose(_tile(fig, 0, (2, 2), 10), np.full((2, 2), 1.0))


def test_plot_filters_accepts_a_dense_kernel_variable():
    kernel = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    dense = keras.layers.Dense(3)
    dense.build((None, 16))
    dense.kernel.assign(kernel)

    fig = plotting.plot_filters(dense.kernel)

    expected = kernel[:, 2] / np.linalg.norm(kernel[:, 2])
    expected = (expected / np.abs(expected).max() + 1) / 2
    np.testing.assert_allclose(_tile(fig, 2, (4, 4), 10), expected.reshape(4, 4), rtol=1e-6)


def test_filter_mosaic_places_tiles_row_by_row_with_gaps():
    images = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    mosaic = plotting.filter_mosaic(images, n_cols=2, gap=1)
    assert mosaic.shape == (3 * 2 + 2, 2 * 3 + 1)
    np.testing.assert_array_equal(mosaic[3:5, 4:7], images[3])
    np.testing.assert_array_equal(mosaic[6:8, 0:3], images[4])
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 3]).all()
    assert np.isnan(mosaic[6:8, 4:7]).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"images": np.zeros((2, 4))},
            "Invalid value received for argument `images`. Expected a non-empty array of shape "
            "(n, height, width). Received: images.shape=(2, 4)",
        ),
        (
            {"images": np.zeros((2, 2, 2)), "n_cols": 0},
            "Invalid value received for argument `n_cols`. Expected a positive integer. "
            "Received: n_cols=0",
        ),
        (
            {"images": np.zeros((2, 2, 2)), "gap": -1},
            "Invalid value received for argument `gap`. Expected an integer >= 0. Received: gap=-1",
        ),
    ],
)
def test_filter_mosaic_rejects_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.filter_mosaic(**kwargs)


def test_plot_filters_rejects_non_square_inputs():
    message = (
        "Cannot infer a square image shape from the 10 inputs of `kernel`. Pass "
        "`image_shape`. Received: kernel.shape=(10, 4)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_filters(np.zeros((10, 4)))


def test_plot_filters_rejects_mismatched_image_shape():
    message = (
        "Invalid value received for argument `image_shape`. Expected a tuple "
        "(height, width) with height * width = n_inputs = 10. "
        "Received: image_shape=(3, 3)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_filters(np.zeros((10, 4)), image_shape=(3, 3))


def test_plot_filters_rejects_unknown_contrast():
    message = (
        "Invalid value received for argument `contrast`. Expected one of "
        "{'symmetric', 'minmax'}. Received: contrast='auto'"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_filters(np.zeros((4, 2)), contrast="auto")


# plot_reconstructions


def test_plot_reconstructions_draws_labelled_rows_on_a_shared_scale():
    rng = np.random.default_rng(0)
    originals = rng.random((12, 784))
    reconstructions = 0.5 * originals

    fig = plotting.plot_reconstructions(originals, reconstructions, n=4, title="AE")

    axes = np.array(fig.axes).reshape(2, 4)
    assert fig.get_suptitle() == "AE"
    assert [row[0].get_ylabel() for row in axes] == ["original", "reconstruction"]
    np.testing.assert_array_equal(
        axes[1, 3].images[0].get_array(), reconstructions[3].reshape(28, 28)
    )
    clim = (originals[:4].min(), originals[:4].max())
    assert all(ax.images[0].get_clim() == clim for ax in axes.flat)


def test_plot_reconstructions_puts_extra_rows_between_originals_and_reconstructions():
    rng = np.random.default_rng(0)
    originals = rng.random((5, 8, 8))
    corrupted = originals * (rng.random(originals.shape) > 0.25)

    fig = plotting.plot_reconstructions(
        originals,
        originals.reshape(5, 64),
        n=5,
        extra_rows=[("corrupted", corrupted)],
        row_labels=("clean", "denoised"),
    )

    axes = np.array(fig.axes).reshape(3, 5)
    assert [row[0].get_ylabel() for row in axes] == ["clean", "corrupted", "denoised"]
    np.testing.assert_array_equal(axes[1, 2].images[0].get_array(), corrupted[2])


def test_plot_reconstructions_shows_at_most_the_available_samples():
    fig = plotting.plot_reconstructions(np.zeros((3, 4)), np.zeros((3, 4)), n=10)
    assert len(_image_axes(fig)) == 6


def test_plot_reconstructions_rejects_short_rows():
    message = "Each row needs at least n=4 images, but row 'reconstruction' has 2."
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_reconstructions(np.zeros((4, 4)), np.zeros((2, 4)), n=4)


def test_plot_reconstructions_rejects_malformed_extra_rows():
    message = (
        "Invalid value received for argument `extra_rows`. Expected a list of "
        "(label, images) pairs. Received: extra_rows[0]='noisy'"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_reconstructions(np.zeros((2, 4)), np.zeros((2, 4)), extra_rows=["noisy"])


# plot_latent_space


def test_plot_latent_space_two_dimensional_codes_with_class_names():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(50, 2))
    labels = np.repeat([0, 1], 25)

    fig = plotting.plot_latent_space(
        codes, labels, class_names=["zero", "one"], title="VAE latent space"
    )

    ax = fig.axes[0]
    assert ax.get_title() == "VAE latent space"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$z_1$", "$z_2$")
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "class"
    assert [text.get_text() for text in legend.get_texts()] == ["zero", "one"]
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == 50
    # Points are drawn in a random order, but they are the codes.
    np.testing.assert_allclose(offsets[np.lexsort(offsets.T)], codes[np.lexsort(codes.T)])


def test_plot_latent_space_point_colours_match_legend():
    labels = np.repeat([3, 7, 9], 10)
    codes = np.stack([labels, np.arange(30)], axis=1).astype(float)  # z_1 = label.

    fig = plotting.plot_latent_space(codes, labels)

    ax = fig.axes[0]
    legend_colours = {
        int(text.get_text()): handle.get_color()
        for text, handle in zip(
            ax.get_legend().get_texts(), ax.get_legend().legend_handles, strict=True
        )
    }
    scatter = ax.collections[0]
    for (z1, _), colour in zip(scatter.get_offsets(), scatter.get_facecolors(), strict=True):
        expected = matplotlib.colors.to_rgb(legend_colours[int(z1)])
        np.testing.assert_allclose(colour[:3], expected)


def test_plot_latent_space_projects_high_dimensional_codes_with_pca():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(200, 5)) * [5.0, 2.0, 0.5, 0.2, 0.1]
    centred = codes - codes.mean(axis=0)
    _, singular_values, vt = np.linalg.svd(centred, full_matrices=False)
    projection = centred @ vt[:2].T
    ratios = singular_values[:2] ** 2 / np.sum(singular_values**2)

    fig = plotting.plot_latent_space(codes, max_points=200)

    ax = fig.axes[0]
    assert ax.get_xlabel() == f"PC 1 of the 5-D codes (PCA, {ratios[0]:.0%} of variance)"
    assert ax.get_ylabel() == f"PC 2 of the 5-D codes (PCA, {ratios[1]:.0%} of variance)"
    offsets = np.asarray(ax.collections[0].get_offsets())
    assert len(offsets) == 200
    for component in range(2):
        # Points are shuffled and a principal axis is only defined up to sign.
        wanted = np.sort(projection[:, component])
        assert any(
            np.allclose(np.sort(sign * offsets[:, component]), wanted, atol=1e-8)
            for sign in (1.0, -1.0)
        )


def test_plot_latent_space_subsamples_to_max_points():
    codes = np.random.default_rng(0).normal(size=(1000, 2))
    fig = plotting.plot_latent_space(codes, max_points=100)
    assert len(fig.axes[0].collections[0].get_offsets()) == 100


def test_plot_latent_space_float_labels_get_a_colour_bar():
    rng = np.random.default_rng(0)
    fig = plotting.plot_latent_space(
        rng.normal(size=(30, 2)), rng.random(30), label_name="thickness"
    )
    assert len(fig.axes) == 2  # Scatter and colour bar.
    assert fig.axes[1].get_ylabel() == "thickness"
    assert fig.axes[0].get_legend() is None


def test_plot_latent_space_draws_into_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    codes = np.random.default_rng(0).normal(size=(20, 2))

    returned = plotting.plot_latent_space(codes, ax=right, title="right panel")

    assert returned is fig
    assert right.get_title() == "right panel"
    assert len(right.collections) == 1
    assert not left.collections
    assert plt.fignum_exists(fig.number)  # A caller's figure is left open.


def test_plot_latent_space_rejects_one_dimensional_codes():
    message = (
        "Invalid value received for argument `codes`. Expected at least 2 latent "
        "dimensions. Received: codes.shape=(10, 1)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_latent_space(np.zeros((10, 1)))


def test_plot_latent_space_rejects_label_count_mismatch():
    message = (
        "Arguments `codes` and `labels` must have the same number of samples. "
        "Received: len(codes)=10, len(labels)=9"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_latent_space(np.zeros((10, 2)), np.zeros(9, dtype=int))


def test_plot_latent_space_rejects_missing_class_name():
    message = (
        "Invalid value received for argument `class_names`. Expected a mapping or a "
        "sequence indexed by every label; label 2 has no name. "
        "Received: class_names=['a', 'b']"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_latent_space(np.zeros((3, 2)), np.array([0, 1, 2]), class_names=["a", "b"])


# plot_history


def test_plot_history_draws_one_line_per_key_against_epochs():
    values = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.7, 0.6], "mae": [3, 2, 1]}

    fig = plotting.plot_history(values, title="Dense AE")

    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["loss", "val_loss", "mae"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), [1.2, 0.7, 0.6])
    assert lines[1].get_color() == lines[0].get_color()
    assert lines[1].get_linestyle() == "--"
    assert lines[2].get_color() != lines[0].get_color()
    assert ax.get_xlabel() == "epoch"
    assert ax.get_title() == "Dense AE"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(values)


def test_plot_history_accepts_a_keras_history_and_selected_keys():
    history = keras.callbacks.History()
    history.history = {"loss": [0.3, 0.2], "val_loss": [0.4, 0.3]}

    fig = plotting.plot_history(history, keys=["val_loss"], logy=True)

    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["val_loss"]
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "val_loss"


def test_plot_history_rejects_unknown_keys():
    message = (
        "Invalid value received for argument `keys`. Expected a non-empty list of "
        "names among ['loss']. Received: keys=['acc']"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_history({"loss": [1.0]}, keys=["acc"])


def test_plot_history_rejects_empty_history():
    message = (
        "Invalid value received for argument `history`. Expected a "
        "`keras.callbacks.History` or a non-empty dict of per-epoch values. "
        "Received: history={}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_history({})


# plot_manifold


def _tiny_decoder():
    decoder = keras.Sequential(
        [keras.Input(shape=(2,)), keras.layers.Dense(4), keras.layers.Reshape((2, 2))]
    )
    rng = np.random.default_rng(0)
    decoder.set_weights([rng.normal(size=(2, 4)).astype("float32"), np.zeros(4, dtype="float32")])
    return decoder


def test_plot_manifold_tiles_keras_decoder_outputs():
    decoder = _tiny_decoder()

    fig = plotting.plot_manifold(decoder, n=3, image_shape=(2, 2), limits=(-1.0, 1.0))

    ax = _image_axes(fig)[0]
    tiles = ax.images[0].get_array()
    assert tiles.shape == (6, 6)
    grid = [-1.0, 0.0, 1.0]
    for row in range(3):
        for col in range(3):
            latent = np.array([[grid[col], grid[2 - row]]], dtype="float32")
            expected = decoder.predict(latent, verbose=0)[0]
            np.testing.assert_allclose(
                tiles[2 * row : 2 * row + 2, 2 * col : 2 * col + 2], expected, rtol=1e-5
            )
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$z_1$", "$z_2$")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["-1", "0", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "0", "-1"]


def test_plot_manifold_gaussian_spacing_is_equal_in_probability():
    seen = []

    def decoder(z):
        seen.append(z)
        return np.zeros((len(z), 4))

    fig = plotting.plot_manifold(
        decoder, n=5, image_shape=(2, 2), spacing="gaussian", title="Prior grid"
    )

    z = seen[0]
    normal = scipy.stats.norm
    expected = normal.ppf(np.linspace(normal.cdf(-3.0), normal.cdf(3.0), 5))
    np.testing.assert_allclose(np.unique(z[:, 0]), expected, rtol=1e-6)
    np.testing.assert_allclose(z[:5, 1], expected[::-1][0], rtol=1e-6)  # Top row.
    assert fig.axes[0].get_title() == "Prior grid"


def test_plot_manifold_rejects_decoder_output_of_wrong_size():
    message = (
        "The decoder output does not hold 9 images of shape (28, 28). "
        "Received: output shape (9, 2, 2)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_manifold(_tiny_decoder(), n=3)


@pytest.mark.parametrize("limits", [(1.0, -1.0), (0.0,), (-np.inf, 1.0)])
def test_plot_manifold_rejects_invalid_limits(limits):
    message = (
        "Invalid value received for argument `limits`. Expected a pair of finite "
        f"floats (lo, hi) with lo < hi. Received: limits={limits!r}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_manifold(lambda z: z, limits=limits)


def test_plot_manifold_rejects_unknown_spacing():
    message = (
        "Invalid value received for argument `spacing`. Expected one of "
        "{'linear', 'gaussian'}. Received: spacing='log'"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_manifold(lambda z: z, spacing="log")


# plot_errors_histogram


def test_plot_errors_histogram_overlays_groups_on_shared_bins():
    rng = np.random.default_rng(0)
    scores = {
        "normal": rng.gamma(2.0, size=500),
        "anomalous": 5 + rng.gamma(2.0, size=50),
    }

    fig = plotting.plot_errors_histogram(scores, threshold=4.5, bins=20, density=False)

    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["normal (n=500)", "anomalous (n=50)", "threshold = 4.5"]
    assert ax.get_xlabel() == "reconstruction error"
    assert ax.get_ylabel() == "count"
    assert ax.get_title() == "Reconstruction errors"
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [4.5, 4.5])
    # One filled step polygon per group, on the same 20 bins.
    edges = np.histogram_bin_edges(np.concatenate(list(scores.values())), bins=20)
    normal, anomalous = ax.patches
    for patch, values in ((normal, scores["normal"]), (anomalous, scores["anomalous"])):
        counts, _ = np.histogram(values, bins=edges)
        vertices = patch.get_xy()
        assert vertices[:, 0].min() == pytest.approx(edges[0])
        assert vertices[:, 0].max() == pytest.approx(edges[-1])
        assert vertices[:, 1].max() == counts.max()


def test_plot_errors_histogram_density_and_log_axis():
    rng = np.random.default_rng(0)
    fig = plotting.plot_errors_histogram(
        {"a": rng.gamma(2.0, size=100)}, logx=True, xlabel="score", title="Scores"
    )
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "density"
    assert ax.get_xlabel() == "score"
    assert ax.get_title() == "Scores"


@pytest.mark.parametrize(
    "low, high, mantissas", [(0.003, 0.06, {"1", "2", "5"}), (1e-5, 1.0, {"1"})]
)
def test_plot_errors_histogram_log_axis_has_plain_readable_labels(low, high, mantissas):
    """Only 1-2-5 (narrow range) or decade (wide range) ticks are labelled, as plain numbers."""
    scores = np.geomspace(low, high, 200)
    fig = plotting.plot_errors_histogram({"normal": scores}, logx=True)
    axis = fig.axes[0].xaxis
    left, right = fig.axes[0].get_xlim()
    locs = [loc for loc in axis.get_majorticklocs() if left <= loc <= right]
    assert len(locs) >= 2
    assert axis.get_major_formatter().format_ticks(locs) == [f"{loc:g}" for loc in locs]
    assert {f"{loc:e}"[0] for loc in locs} <= mantissas
    minor = axis.get_minorticklocs()
    assert len(minor) and not any(axis.get_minor_formatter().format_ticks(minor))


def test_plot_errors_histogram_rejects_empty_dict():
    message = (
        "Invalid value received for argument `scores_by_group`. Expected a non-empty "
        "dict mapping group names to arrays of scores. Received: scores_by_group={}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_errors_histogram({})


def test_plot_errors_histogram_rejects_non_finite_scores():
    message = "The scores of group 'normal' must be a non-empty array of finite values."
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_errors_histogram({"normal": np.array([1.0, np.nan])})


def test_plot_errors_histogram_rejects_non_positive_scores_on_log_axis():
    message = (
        "The scores of group 'normal' must be positive when `logx=True`. Received a minimum of 0.0"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        plotting.plot_errors_histogram({"normal": np.array([0.0, 1.0])}, logx=True)
