import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.layers import MaskingNoise
from keras_ae.regularizers import KLSparsity
from keras_ae.training import build_classifier, greedy_layerwise_pretraining


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture
def images(rng):
    """Two classes of 6x6 binary images: a bright left half or a bright top half."""
    n = 200
    x = np.zeros((n, 6, 6), dtype="float32")
    labels = rng.integers(0, 2, n)
    x[labels == 0, :, :3] = 1.0
    x[labels == 1, :3, :] = 1.0
    x = np.clip(x + rng.normal(0, 0.1, x.shape), 0, 1).astype("float32")
    return x, labels


def test_pretraining_returns_stacked_encoder_of_trained_layers(images):
    x, _ = images
    encoder, histories = greedy_layerwise_pretraining(x, (10, 4), epochs=2, seed=0)
    assert encoder.output_shape == (None, 4)
    assert len(histories) == 2 and all(len(h["loss"]) == 2 for h in histories)
    dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [10, 4]
    flat = x.reshape(len(x), -1)
    expected = flat
    for layer in dense:
        expected = sigmoid(expected @ to_numpy(layer.kernel) + to_numpy(layer.bias))
    np.testing.assert_allclose(encoder.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-5)


def test_pretraining_can_return_each_stage_autoencoder(images):
    x, _ = images
    encoder, histories, stages = greedy_layerwise_pretraining(
        x, (10, 4), epochs=1, seed=0, return_stages=True
    )
    assert len(stages) == len(histories) == 2
    dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    for stage, layer, (n_in, n_out) in zip(stages, dense, [(36, 10), (10, 4)], strict=True):
        assert stage.encoder.layers[-1] is layer
        assert stage.decoder.output_shape == (None, n_in)
        assert stage.encoder.output_shape == (None, n_out)
    codes = stages[0].encode(x.reshape(len(x), -1))
    np.testing.assert_allclose(
        stages[1].encode(codes), encoder.predict(x, verbose=0), rtol=1e-4, atol=1e-5
    )
    with pytest.raises(ValueError, match="`return_stages`. Expected a boolean"):
        greedy_layerwise_pretraining(x, (4,), epochs=1, return_stages="yes")


def test_pretraining_each_stage_learns_to_reconstruct(images):
    x, _ = images
    keras.utils.set_random_seed(0)
    _, histories = greedy_layerwise_pretraining(
        x,
        (12, 6),
        epochs=30,
        batch_size=32,
        optimizer=lambda: keras.optimizers.Adam(0.01),
    )
    for history in histories:
        assert history["loss"][-1] < 0.5 * history["loss"][0]


def test_pretraining_second_stage_is_trained_on_first_stage_codes(images, monkeypatch):
    """Stage 2's fit receives stage 1's codes as input and target."""
    x, _ = images
    seen = []
    original_fit = keras.Model.fit

    def recording_fit(self, data, target=None, **kwargs):
        seen.append((np.array(data), np.array(target)))
        return original_fit(self, data, target, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", recording_fit)
    encoder, _ = greedy_layerwise_pretraining(x, (10, 4), epochs=1)
    first_layer = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)][0]
    codes = sigmoid(
        x.reshape(len(x), -1) @ to_numpy(first_layer.kernel) + to_numpy(first_layer.bias)
    )
    assert seen[0][0].shape == (200, 36)
    np.testing.assert_allclose(seen[1][0], codes, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(seen[1][0], seen[1][1])


def test_pretraining_applies_a_regularizer_and_noise_per_stage(images, monkeypatch):
    x, _ = images
    built = []
    original_compile = keras.Model.compile

    def recording_compile(self, *args, **kwargs):
        built.append(self)
        return original_compile(self, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "compile", recording_compile)
    encoder, _ = greedy_layerwise_pretraining(
        x,
        (10, 4),
        epochs=1,
        activity_regularizers=[KLSparsity(rho=0.15), KLSparsity(rho=0.05)],
        noise_rates=[0.25, 0.0],
    )
    dense = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.activity_regularizer.rho for layer in dense] == [0.15, 0.05]
    noise = [
        [layer.rate for layer in stage.encoder.layers if isinstance(layer, MaskingNoise)]
        for stage in built
    ]
    assert noise == [[0.25], []]
    # The stacked encoder itself carries no noise: it sees clean inputs.
    assert not any(isinstance(layer, MaskingNoise) for layer in encoder.layers)


def test_pretrained_classifier_fine_tunes_shared_weights(images):
    x, labels = images
    keras.utils.set_random_seed(0)
    encoder, _ = greedy_layerwise_pretraining(x, (12, 6), epochs=5)
    first = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dense)][0]
    before = to_numpy(first.kernel).copy()
    classifier = build_classifier(encoder, 2)
    classifier.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = classifier.fit(x, labels, epochs=20, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] > 0.95
    assert not np.allclose(before, to_numpy(first.kernel))
    assert classifier.output_shape == (None, 2)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"hidden_units": ()},
            "Invalid value received for argument `hidden_units`. Expected a non-empty tuple of "
            "positive integers. Received: hidden_units=()",
        ),
        (
            {"hidden_units": (10, 0)},
            "Invalid value received for argument `hidden_units`. Expected a non-empty tuple of "
            "positive integers. Received: hidden_units=(10, 0)",
        ),
        (
            {"hidden_units": (10, 4), "noise_rates": [0.1]},
            "Invalid value received for argument `noise_rates`. Expected one value or a list of 2 "
            "values, one per layer. Received: noise_rates=[0.1]",
        ),
        (
            {"hidden_units": (10,), "epochs": 0},
            "Invalid value received for argument `epochs`. Expected a positive integer. "
            "Received: epochs=0",
        ),
    ],
)
def test_pretraining_rejects_invalid_arguments(kwargs, message, images):
    with pytest.raises(ValueError) as excinfo:
        greedy_layerwise_pretraining(images[0], **kwargs)
    assert str(excinfo.value) == message


def test_build_classifier_rejects_invalid_class_count(images):
    encoder, _ = greedy_layerwise_pretraining(images[0], (4,), epochs=1)
    with pytest.raises(ValueError) as excinfo:
        build_classifier(encoder, 1)
    assert str(excinfo.value) == (
        "Invalid value received for argument `n_classes`. Expected an integer >= 2. "
        "Received: n_classes=1"
    )
