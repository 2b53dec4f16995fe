"""The architecture pictures are read from the models, so they follow the code."""

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from keras_ae.layers import DenseTranspose  # noqa: E402
from keras_ae.models import (  # noqa: E402
    Autoencoder,
    build_dense_autoencoder,
    build_dense_vae,
)
from keras_ae.plotting import plot_architecture, plot_belief_network  # noqa: E402
from keras_ae.regularizers import KLSparsity  # noqa: E402

pytestmark = pytest.mark.backend_independent

CODE_COLOUR = matplotlib.colors.to_rgba("#fdae6b")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _texts(fig):
    return [text.get_text() for text in fig.axes[0].texts]


def _boxes(fig):
    return [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]


def _box_under(fig, name):
    """The box whose name label is `name` (labels sit just above their box)."""
    (label,) = [t for t in fig.axes[0].texts if t.get_text() == name]
    x, y = label.get_position()
    (box,) = [
        b
        for b in _boxes(fig)
        if abs(b.get_x() + b.get_width() / 2 - x) < 1e-6
        and b.get_y() < y < b.get_y() + 2 * b.get_height() + 1
    ]
    return box


def _arrows(fig, kind):
    return [
        p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch) and p.get_gid() == kind
    ]


def _unet(skips):
    image = keras.Input((16, 16, 1), name="image")
    down = keras.layers.Conv2D(4, 3, padding="same", name="down")(image)
    pooled = keras.layers.MaxPooling2D(2, name="pool")(down)
    middle = keras.layers.Conv2D(8, 3, padding="same", name="middle")(pooled)
    up = keras.layers.Conv2DTranspose(4, 2, strides=2, name="up")(middle)
    if skips:
        up = keras.layers.Concatenate(name="skip")([down, up])
    out = keras.layers.Conv2D(1, 1, activation="sigmoid", name="out")(up)
    return keras.Model(image, out)


def test_dense_autoencoder_layers_in_order_with_code_and_sparsity_named():
    model = build_dense_autoencoder(
        900,
        100,
        hidden_units=(300,),
        code_activation="sigmoid",
        activity_regularizer=KLSparsity(0.05, 3.0),
    )
    model.compile(loss="binary_crossentropy")
    fig = plot_architecture(model, title="sparse")
    texts = _texts(fig)
    names = ["input", "encoder_hidden_0", "code", "decoder_hidden_0", "decoder_output"]
    xs = [next(t.get_position()[0] for t in fig.axes[0].texts if t.get_text() == n) for n in names]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert _box_under(fig, "code").get_facecolor() == CODE_COLOUR
    assert _box_under(fig, "encoder_hidden_0").get_facecolor() != CODE_COLOUR
    # The bottleneck is the smallest box, the 900-pixel ends the largest.
    heights = {n: _box_under(fig, n).get_height() for n in names}
    assert heights["code"] < heights["encoder_hidden_0"] < heights["input"]
    assert heights["input"] == heights["decoder_output"]
    assert any("\u03c1=0.05" in t and "\u03b2=3" in t for t in texts)
    assert any("binary_crossentropy" in t and t.startswith("loss") for t in texts)


@pytest.mark.parametrize("functional", [False, True])
def test_a_model_used_as_a_layer_is_drawn_layer_by_layer(functional):
    """A classifier on a pretrained encoder shows the encoder's layers, not one box."""
    from keras_ae.training import build_classifier

    stack = keras.Sequential(
        [
            keras.Input((30, 30)),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(100, activation="sigmoid", name="h1"),
            keras.layers.Dense(50, activation="sigmoid", name="h2"),
        ],
        name="stack",
    )
    if functional:
        image = keras.Input((30, 30), name="image")
        hidden = keras.layers.Dense(16, name="head")(stack(image))
        model = keras.Model(image, keras.layers.Dense(4, name="softmax")(hidden))
        expected = ["image", "flatten", "h1", "h2", "head", "softmax"]
    else:
        model = build_classifier(stack, 4)
        expected = ["input", "flatten", "h1", "h2", "softmax"]
    fig = plot_architecture(model)
    texts = _texts(fig)
    assert "stack" not in texts
    assert texts.count("input") + texts.count("image") == 1, "one input box, not one per model"
    xs = [
        next(t.get_position()[0] for t in fig.axes[0].texts if t.get_text() == n) for n in expected
    ]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert len(_arrows(fig, "edge")) == len(expected) - 1


def test_corruption_is_drawn_dashed_and_training_only():
    model = build_dense_autoencoder(784, 32, noise_rate=0.3, seed=1)
    fig = plot_architecture(model)
    assert _box_under(fig, "masking_noise").get_linestyle() == "--"
    assert _box_under(fig, "code").get_linestyle() == "-"
    assert any("training only" in t for t in _texts(fig))


def test_unet_skips_are_arcs_and_only_when_the_model_has_them():
    with_skips = plot_architecture(_unet(True))
    without = plot_architecture(_unet(False))
    assert len(_arrows(with_skips, "skip")) == 1
    assert len(_arrows(without, "skip")) == 0
    assert "skip" in _texts(with_skips) and "skip" not in _texts(without)


def test_vae_has_a_sampling_node_fed_by_both_statistics_and_two_loss_terms():
    vae = build_dense_vae(784, 2, hidden_units=(64,), beta=0.5)
    fig = plot_architecture(vae)
    texts = _texts(fig)
    sampling = next(t for t in texts if t.startswith("z = "))
    assert "\u03b5 ~ N(0, I)" in "".join(texts)
    assert _box_under(fig, "z_mean").get_facecolor() == CODE_COLOUR
    assert _box_under(fig, "z_log_var").get_facecolor() == CODE_COLOUR
    assert _box_under(fig, sampling).get_facecolor() != CODE_COLOUR
    (loss,) = [t for t in texts if t.startswith("loss")]
    assert "binary cross-entropy" in loss and "KL(q(z|x)" in loss and "\u03b2=0.5" in loss


def test_tied_decoder_names_the_encoder_kernel():
    inputs = keras.Input((20,))
    dense = keras.layers.Dense(5, activation="sigmoid", name="enc")
    encoder = keras.Model(inputs, dense(inputs))
    codes = keras.Input((5,))
    decoder = keras.Model(codes, DenseTranspose(dense, name="dec")(codes))
    fig = plot_architecture(Autoencoder(encoder, decoder))
    assert any("kernel tied: enc" in t for t in _texts(fig))
    assert len(_arrows(fig, "tie")) == 1


def test_belief_network_draws_each_layer_capped_and_labelled():
    weights = [np.zeros((784, 200)), np.zeros((200, 3))]
    fig = plot_belief_network(weights, max_units=5)
    assert len(_boxes(fig)) == 5 + 5 + 3
    texts = "\n".join(_texts(fig))
    assert "v: 784 units (5 drawn)" in texts and "h2: 3 units" in texts
    assert "RBM (undirected)" in texts and "directed, top-down" in texts
    single = plot_belief_network(np.zeros((6, 4)))
    assert "directed" not in "\n".join(_texts(single)).replace("undirected", "")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: plot_architecture("autoencoder"), "model"),
        (lambda: plot_belief_network([np.zeros((4, 3)), np.zeros((2, 5))]), "weights"),
        (lambda: plot_belief_network(np.zeros(4)), "weights"),
        (lambda: plot_belief_network(np.zeros((4, 3)), max_units=0), "max_units"),
    ],
)
def test_bad_arguments_are_named(call, argument):
    with pytest.raises(ValueError, match=f"argument `{argument}`"):
        call()
