"""Masked layers, MADE, PixelCNN and the VAE's importance-weighted likelihood."""

import itertools

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.layers import MaskedConv2D, MaskedDense
from keras_ae.layers.masked import pixelcnn_mask
from keras_ae.models import (
    AutoregressiveModel,
    VariationalAutoencoder,
    build_made,
    build_pixelcnn,
)
from keras_ae.models.autoregressive_sampling import (
    conv_chain,
    conv_chain_logits_at,
    conv_chain_reach,
)


def dependence(function, x, *, eps=1.0):
    """dep[j, i] is True when changing input j changes output i (flattened)."""
    n, d = len(x), x[0].size
    base = function(x).reshape(n, -1)
    dep = np.zeros((d, base.shape[1]), dtype=bool)
    for j in range(d):
        moved = x.copy().reshape(n, -1)
        moved[:, j] = moved[:, j] + eps
        out = function(moved.reshape(x.shape)).reshape(n, -1)
        dep[j] = np.any(np.abs(out - base) > 1e-6, axis=0)
    return dep


def assert_autoregressive(dep, ordering):
    """Output i may depend on input j only if j comes before i in the ordering."""
    position = np.empty(len(ordering), dtype=int)
    position[ordering] = np.arange(len(ordering))
    allowed = position[:, None] < position[None, :]  # [j, i]
    forbidden = dep & ~allowed
    assert not forbidden.any(), (
        f"outputs see inputs they must not: pairs {np.argwhere(forbidden)[:5]}"
    )


# --- Keras's layer harness ------------------------------------------------------------


def test_masked_dense_keras_layer_test(keras_layer_test):
    mask = np.tril(np.ones((4, 3)), k=-1)
    keras_layer_test(
        MaskedDense,
        init_kwargs={"units": 3, "mask": mask.tolist(), "activation": "relu"},
        input_shape=(2, 4),
        expected_output_shape=(2, 3),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=1,  # the mask
        expected_num_seed_generators=0,
        expected_num_losses=0,
        supports_masking=False,
    )


@pytest.mark.parametrize("mask_type", ["A", "B"])
def test_masked_conv2d_keras_layer_test(mask_type, keras_layer_test):
    keras_layer_test(
        MaskedConv2D,
        init_kwargs={"filters": 4, "kernel_size": 3, "mask_type": mask_type},
        input_shape=(2, 6, 5, 2),
        expected_output_shape=(2, 6, 5, 4),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=0,
        expected_num_losses=0,
        supports_masking=False,
    )


# --- MaskedDense and MaskedConv2D -------------------------------------------------------


def test_masked_dense_standard_checks(rng, layer_checks):
    mask = rng.integers(0, 2, size=(5, 4))
    x = rng.normal(size=(6, 5)).astype("float32")
    layer_checks(lambda: MaskedDense(4, mask), x, expected_output_shape=(4,))


@pytest.mark.parametrize("mask_type", ["A", "B"])
def test_masked_conv2d_standard_checks(mask_type, rng, layer_checks):
    """The save/load round trip keeps the mask type (outputs compared after reloading)."""
    x = rng.normal(size=(3, 6, 6, 2)).astype("float32")
    layer_checks(
        lambda: MaskedConv2D(3, 3, mask_type=mask_type, bias_initializer="ones"),
        x,
        expected_output_shape=(6, 6, 3),
    )


def test_masked_dense_matches_numpy(rng):
    mask = rng.integers(0, 2, size=(5, 4))
    layer = MaskedDense(4, mask, activation="tanh")
    x = rng.normal(size=(3, 5)).astype("float32")
    out = to_numpy(layer(x))
    kernel, bias = to_numpy(layer.kernel), to_numpy(layer.bias)
    np.testing.assert_allclose(out, np.tanh(x @ (kernel * mask) + bias), rtol=1e-5, atol=1e-6)


def test_masked_dense_masked_weights_get_no_gradient_effect(rng):
    """Training moves the kernel, but the masked entries never act on the output."""
    mask = np.eye(3)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, MaskedDense(3, mask, name="m")(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x = rng.normal(size=(32, 3)).astype("float32")
    model.fit(x, rng.normal(size=(32, 3)), epochs=2, verbose=0)
    dep = dependence(lambda a: model.predict(a, verbose=0), x[:4])
    np.testing.assert_array_equal(dep, mask.astype(bool))


def test_masked_dense_mask_is_a_weight_not_config(rng):
    mask = rng.integers(0, 2, size=(6, 5))
    layer = MaskedDense(5, mask)
    config = layer.get_config()
    assert "mask" not in config and config["input_dim"] == 6 and config["units"] == 5
    layer.build((None, 6))
    assert [w.name for w in layer.non_trainable_weights] == ["kernel_mask"]
    np.testing.assert_array_equal(layer.mask, mask)
    # Rebuilt from its configuration alone, the layer has the right shape and a
    # placeholder mask that cuts every connection until the weights are loaded.
    clone = MaskedDense.from_config(config)
    clone.build((None, 6))
    assert clone.kernel_mask.shape == (6, 5) and not clone.mask.any()
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone.mask, mask)


def test_masked_dense_save_and_load_keep_the_mask(tmp_path, rng):
    """A mask reinitialised on load (to ones, or to the placeholder) is caught."""
    mask = rng.integers(0, 2, size=(6, 5))
    mask[0] = 1  # every kind of entry present: a constant mask would hide a reset
    mask[1] = 0
    inputs = keras.Input((6,))
    model = keras.Model(inputs, MaskedDense(5, mask, name="masked")(inputs))
    path = tmp_path / "masked.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(reloaded.get_layer("masked").mask, mask)
    x = rng.normal(size=(4, 6)).astype("float32")
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )
    weights_path = tmp_path / "masked.weights.h5"
    model.save_weights(weights_path)
    fresh = keras.Model(inputs, MaskedDense(5, np.ones((6, 5)), name="masked")(inputs))
    fresh.load_weights(weights_path)
    np.testing.assert_array_equal(fresh.get_layer("masked").mask, mask)


def test_masked_dense_mask_is_never_trained(rng):
    """Not a trainable weight, and fitting with an optimizer leaves it unchanged."""
    mask = rng.integers(0, 2, size=(4, 3))
    inputs = keras.Input((4,))
    layer = MaskedDense(3, mask)
    model = keras.Model(inputs, layer(inputs))
    assert all(w is not layer.kernel_mask for w in model.trainable_weights)
    assert len(model.trainable_weights) == 2
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    x = rng.normal(size=(32, 4)).astype("float32")
    model.fit(x, rng.normal(size=(32, 3)), epochs=3, batch_size=8, verbose=0)
    np.testing.assert_array_equal(layer.mask, mask)


def test_pixelcnn_masks():
    assert pixelcnn_mask(3, "A").astype(int).tolist() == [[1, 1, 1], [1, 0, 0], [0, 0, 0]]
    assert pixelcnn_mask(3, "B").astype(int).tolist() == [[1, 1, 1], [1, 1, 0], [0, 0, 0]]


@pytest.mark.parametrize("mask_type", ["A", "B"])
def test_masked_conv2d_is_autoregressive_in_raster_order(mask_type, rng):
    layer = MaskedConv2D(3, 5, mask_type=mask_type, bias_initializer="ones")
    x = rng.normal(size=(2, 6, 6, 1)).astype("float32")

    def first_channel(a):
        return to_numpy(layer(a))[..., :1]

    dep = dependence(first_channel, x)
    raster = np.arange(36)
    position = raster  # raster order: input j precedes output i when j < i
    before = position[:, None] < position[None, :]
    diagonal = np.eye(36, dtype=bool)
    assert not (dep & ~before & ~diagonal).any(), "an output sees a later pixel"
    if mask_type == "A":
        assert not dep[diagonal].any(), "type A must not see the centre pixel"
    else:
        assert dep[diagonal].all(), "type B must see the centre pixel"
    # Within reach of the 5x5 kernel, every earlier pixel is seen.
    assert dep[0 * 6 + 2, 2 * 6 + 2] and dep[2 * 6 + 1, 2 * 6 + 2] and dep[0 * 6 + 4, 2 * 6 + 2]


def test_masked_layers_validate_arguments():
    with pytest.raises(ValueError) as info:
        MaskedConv2D(4, 4)
    assert str(info.value) == (
        "Invalid value received for argument `kernel_size`. Expected an odd positive "
        "integer. Received: kernel_size=4"
    )
    with pytest.raises(ValueError) as info:
        MaskedConv2D(4, 3, mask_type="C")
    assert str(info.value) == (
        "Invalid value received for argument `mask_type`. Expected one of {'A', 'B'}. "
        "Received: mask_type='C'"
    )
    with pytest.raises(ValueError) as info:
        MaskedDense(2, [[0, 2], [1, 1]])
    assert str(info.value) == (
        "Invalid value received for argument `mask`. Expected a non-empty 2-D array of "
        "0s and 1s. Received: mask=[[0, 2], [1, 1]]"
    )
    with pytest.raises(ValueError) as info:
        MaskedDense(3, np.ones((2, 2)))
    assert str(info.value) == (
        "Invalid value received for argument `mask`. Expected a mask of shape "
        "(input_dim, 3). Received: mask of shape (2, 2)"
    )


# --- MADE -------------------------------------------------------------------------------


@pytest.mark.parametrize("ordering_seed", [None, 3])
def test_made_is_autoregressive_in_its_ordering(ordering_seed, rng):
    d = 9
    ordering = (
        None if ordering_seed is None else np.random.default_rng(ordering_seed).permutation(d)
    )
    made = build_made(d, (32, 24), ordering=ordering, seed=1)
    x = rng.integers(0, 2, size=(4, d)).astype("float32")
    dep = dependence(made.logits, x)
    assert_autoregressive(dep, made.ordering)
    # and it is not trivially so: the last output in the ordering sees some input
    assert dep[:, made.ordering[-1]].any()


def all_binary_vectors(d):
    return np.array(list(itertools.product([0, 1], repeat=d)), dtype="float32")


def test_made_probabilities_sum_to_one_and_loss_is_exact_nll(rng):
    d = 8
    made = build_made(d, (20,), ordering=rng.permutation(d), seed=2)
    made.compile(optimizer="adam")
    everything = all_binary_vectors(d)
    log_p = made.log_prob(everything)
    assert np.isclose(np.exp(log_p).sum(), 1.0, atol=1e-5)
    # The brute-force joint from the conditionals, multiplied in the ordering.
    logits = made.logits(everything).astype("float64")
    p_one = 1 / (1 + np.exp(-logits))
    brute = np.prod(np.where(everything == 1, p_one, 1 - p_one), axis=1)
    np.testing.assert_allclose(np.exp(log_p), brute, rtol=1e-6)
    # The training loss is the mean NLL in nats.
    batch = everything[rng.choice(len(everything), 32, replace=False)]
    loss = made.evaluate(batch, batch_size=32, verbose=0, return_dict=True)["loss"]
    assert np.isclose(loss, -made.log_prob(batch).mean(), rtol=1e-5)


def test_made_samples_follow_the_conditionals():
    """A fitted MADE's samples reproduce its own probabilities of all 2^d vectors."""
    d = 4
    made = build_made(d, (16,), seed=0)
    made.compile(optimizer=keras.optimizers.Adam(0.05))
    data_rng = np.random.default_rng(0)
    first = data_rng.integers(0, 2, size=(512, 1))
    data = np.concatenate([first, first, 1 - first, data_rng.integers(0, 2, (512, 1))], axis=1)
    made.fit(data.astype("float32"), epochs=30, batch_size=64, verbose=0)
    everything = all_binary_vectors(d)
    p = np.exp(made.log_prob(everything))
    n = 4000
    samples = made.sample(n, seed=1)
    codes = samples @ (2 ** np.arange(d)[::-1])
    frequency = np.bincount(codes.astype(int), minlength=2**d) / n
    # Five binomial standard deviations for every one of the 16 vectors.
    tolerance = 5 * np.sqrt(p * (1 - p) / n) + 1e-3
    assert np.all(np.abs(frequency - p) < tolerance), (frequency, p)
    # and the model has learned the structure: x1 = x0, x2 = 1 - x0
    assert np.mean(samples[:, 1] == samples[:, 0]) > 0.95


@pytest.mark.parametrize("hidden_units", [(16,), (16, 12)])
def test_made_numpy_sampling_matches_the_compiled_loop(hidden_units, rng):
    """MADE's NumPy loop (incremental hidden units, one output logit per step)
    and the compiled Keras loop any network gets draw the same samples from
    the same seed; the second model hides MADE's layers in a nested model."""
    d = 10
    made = build_made(d, hidden_units, ordering=rng.permutation(d), seed=5)
    for layer in made.network.layers[1:]:
        layer.bias.assign(rng.normal(size=layer.bias.shape).astype("float32"))
    inputs = keras.Input((d,))
    opaque = AutoregressiveModel(keras.Model(inputs, made.network(inputs)), made.ordering)
    samples = made.sample(64, seed=3)
    np.testing.assert_array_equal(samples, opaque.sample(64, seed=3))
    assert 0.1 < samples.mean() < 0.9
    x = rng.integers(0, 2, size=(64, d)).astype("float32")
    observed = rng.uniform(size=(64, d)) < 0.5
    completed = made.complete(x, observed, seed=4)
    np.testing.assert_array_equal(completed, opaque.complete(x, observed, seed=4))
    np.testing.assert_array_equal(completed[observed], x[observed])


def test_made_save_and_load_keep_masks_and_ordering(tmp_path, rng):
    d = 7
    made = build_made(d, (12,), ordering=rng.permutation(d), seed=4)
    made.compile(optimizer="adam")
    x = rng.integers(0, 2, size=(16, d)).astype("float32")
    made.fit(x, epochs=1, verbose=0)
    path = tmp_path / "made.keras"
    made.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded, AutoregressiveModel)
    np.testing.assert_array_equal(reloaded.ordering, made.ordering)
    for saved, original in zip(reloaded.masks, made.masks, strict=True):
        np.testing.assert_array_equal(saved, original)
    np.testing.assert_allclose(reloaded.log_prob(x), made.log_prob(x), rtol=1e-6)


def test_complete_keeps_the_observed_components(rng):
    made = build_made(6, (16,), seed=0)
    x = rng.integers(0, 2, size=(10, 6)).astype("float32")
    observed = np.array([True, True, True, False, False, False])
    completed = made.complete(x, observed, seed=0)
    np.testing.assert_array_equal(completed[:, :3], x[:, :3])
    assert set(np.unique(completed).tolist()) <= {0.0, 1.0}


def test_made_validates_arguments():
    with pytest.raises(ValueError) as info:
        build_made(4, (8,), ordering=[0, 1, 1, 3])
    assert str(info.value) == (
        "Invalid value received for argument `ordering`. Expected a permutation of "
        "range(4). Received: ordering=[0, 1, 1, 3]"
    )
    with pytest.raises(ValueError) as info:
        build_made(1, (8,))
    assert str(info.value) == (
        "Invalid value received for argument `input_dim`. Expected an integer >= 2. "
        "Received: input_dim=1"
    )
    with pytest.raises(ValueError) as info:
        build_made(4, ())
    assert str(info.value) == (
        "Invalid value received for argument `hidden_units`. Expected a non-empty tuple "
        "of positive integers. Received: hidden_units=()"
    )
    with pytest.raises(ValueError) as info:
        build_made(4, (8,)).sample(0)
    assert str(info.value) == (
        "Invalid value received for argument `n`. Expected a positive integer. Received: n=0"
    )
    with pytest.raises(ValueError) as info:
        build_made(4, (8,)).compile(optimizer="adam", loss="mse")
    assert str(info.value) == (
        "`AutoregressiveModel` computes its own loss (the negative log-likelihood). "
        "Received: loss='mse'"
    )


# --- PixelCNN ---------------------------------------------------------------------------


def test_pixelcnn_is_autoregressive_and_has_a_blind_spot(rng):
    pixelcnn = build_pixelcnn((7, 7, 1), filters=4, n_layers=3, first_kernel_size=3, seed=0)
    x = rng.integers(0, 2, size=(2, 7, 7, 1)).astype("float32")
    dep = dependence(pixelcnn.logits, x)
    assert_autoregressive(dep, np.arange(49))
    centre = 3 * 7 + 3
    # Directly above and to the left: seen. Up-right in the row above-above: blind.
    assert dep[2 * 7 + 3, centre] and dep[3 * 7 + 2, centre]
    assert not dep[1 * 7 + 6, centre], "the stacked masks should leave the upper right blind"


def test_pixelcnn_sample_and_complete_shapes(rng):
    pixelcnn = build_pixelcnn((5, 5, 1), filters=4, n_layers=1, first_kernel_size=3, seed=0)
    samples = pixelcnn.sample(3, seed=0)
    assert samples.shape == (3, 5, 5, 1)
    assert set(np.unique(samples).tolist()) <= {0.0, 1.0}
    x = rng.integers(0, 2, size=(3, 5, 5, 1)).astype("float32")
    observed = np.zeros((5, 5, 1), dtype=bool)
    observed[:2] = True
    completed = pixelcnn.complete(x, observed, seed=0)
    np.testing.assert_array_equal(completed[:, :2], x[:, :2])


def _pixelcnn_with_random_biases(rng, input_shape=(9, 8, 1)):
    """A small PixelCNN whose biases are not zero, so that padding is not a no-op."""
    pixelcnn = build_pixelcnn(input_shape, filters=4, n_layers=2, first_kernel_size=5, seed=2)
    for layer in pixelcnn.network.layers[1:-1]:
        layer.bias.assign(rng.normal(size=layer.bias.shape).astype("float32"))
    return pixelcnn


def test_pixelcnn_window_logits_equal_the_whole_network(rng):
    """Each pixel's logit from its window of rows and columns equals the
    network's on the whole image; a window one row or one column smaller
    does not, so the window is as small as it can be."""
    pixelcnn = _pixelcnn_with_random_biases(rng)
    chain = conv_chain(pixelcnn.network, MaskedConv2D)
    assert chain is not None
    up, side = conv_chain_reach(chain)
    assert (up, side) == (2 + 1 + 1 + 0, 2 + 1 + 1 + 0)  # 5x5, 3x3, 3x3, 1x1 kernels
    x = rng.integers(0, 2, size=(6, 9, 8, 1)).astype("float64")
    expected = to_numpy(pixelcnn.network(x.astype("float32"))).astype("float64")

    def window_logits(reach):
        return np.stack(
            [
                np.stack([conv_chain_logits_at(chain, x, r, c, reach=reach) for c in range(8)], 1)
                for r in range(9)
            ],
            1,
        )

    np.testing.assert_allclose(window_logits((up, side)), expected, atol=1e-5)
    for too_small in [(up - 1, side), (up, side - 1)]:
        assert np.abs(window_logits(too_small) - expected).max() > 1e-3, too_small


def test_pixelcnn_window_sampling_matches_the_compiled_loop(rng):
    """The NumPy window loop and the compiled Keras loop over the whole
    network draw the same pixels from the same seed; the second model hides
    the PixelCNN's layers in a nested model."""
    pixelcnn = _pixelcnn_with_random_biases(rng)
    inputs = keras.Input((9, 8, 1))
    opaque = AutoregressiveModel(keras.Model(inputs, pixelcnn.network(inputs)))
    assert conv_chain(opaque.network, MaskedConv2D) is None
    samples = pixelcnn.sample(64, seed=3)
    np.testing.assert_array_equal(samples, opaque.sample(64, seed=3))
    assert 0.1 < samples.mean() < 0.9
    x = rng.integers(0, 2, size=(32, 9, 8, 1)).astype("float32")
    observed = np.zeros((9, 8, 1), dtype=bool)
    observed[:4] = True
    completed = pixelcnn.complete(x, observed, seed=4)
    np.testing.assert_array_equal(completed, opaque.complete(x, observed, seed=4))
    np.testing.assert_array_equal(completed[:, :4], x[:, :4])


def test_pixelcnn_validates_input_shape():
    with pytest.raises(ValueError) as info:
        build_pixelcnn((8, 8, 3))
    assert str(info.value) == (
        "Invalid value received for argument `input_shape`. Expected a tuple "
        "(height, width, 1). Received: input_shape=(8, 8, 3)"
    )


# --- VariationalAutoencoder.log_likelihood ----------------------------------------------


def one_dimensional_vae(seed=0, reconstruction="bce"):
    """A VAE with a 1-D code and a 3-pixel Bernoulli decoder, for brute-force integration.

    Seeded before its layers are built, so that their initial weights do not depend on
    the tests that ran before in the same process.
    """
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(8, activation="tanh")(inputs)
    encoder = keras.Model(
        inputs, [keras.layers.Dense(1)(hidden), keras.layers.Dense(1)(hidden)], name="encoder"
    )
    codes = keras.Input((1,))
    decoder = keras.Model(
        codes,
        keras.layers.Dense(3, activation="sigmoid")(
            keras.layers.Dense(8, activation="tanh")(codes)
        ),
        name="decoder",
    )
    return VariationalAutoencoder(encoder, decoder, reconstruction=reconstruction, seed=seed)


def brute_force_log_px(vae, x):
    z = np.linspace(-12, 12, 24001)[:, None]
    p = vae.decode(z.astype("float32"), batch_size=4096).astype("float64")
    p = np.clip(p, keras.config.epsilon(), 1 - keras.config.epsilon())
    log_px_z = x @ np.log(p).T + (1 - x) @ np.log1p(-p).T  # (n, grid)
    log_prior = -0.5 * z[:, 0] ** 2 - 0.5 * np.log(2 * np.pi)
    terms = log_px_z + log_prior
    top = terms.max(axis=1, keepdims=True)
    return top[:, 0] + np.log(np.trapezoid(np.exp(terms - top), z[:, 0], axis=1))


def test_vae_log_likelihood_bounds_and_converges():
    vae = one_dimensional_vae()
    vae.compile(optimizer=keras.optimizers.Adam(0.02))
    data = np.random.default_rng(0).integers(0, 2, size=(256, 3)).astype("float32")
    data[:, 2] = data[:, 0]
    vae.fit(data, epochs=20, batch_size=32, verbose=0)
    x = all_binary_vectors(3)
    exact = brute_force_log_px(vae, x.astype("float64"))
    assert np.isclose(np.exp(exact).sum(), 1.0, atol=1e-4)
    elbo = -vae.negative_elbo(x, n_samples=200)["negative_elbo"]
    # K = 1 is an unbiased estimate of the ELBO; more samples never lower it (beyond noise).
    single = np.mean([vae.log_likelihood(x, n_samples=1, seed=s).mean() for s in range(50)])
    assert abs(single - elbo) < 0.15
    # The bound grows with K in expectation, not draw by draw: compare means over seeds.
    mean_10, mean_100 = (
        np.mean([vae.log_likelihood(x, n_samples=k, seed=s).mean() for s in range(20)])
        for k in (10, 100)
    )
    assert mean_10 >= elbo - 0.02 and mean_100 >= mean_10 - 0.005
    # One draw of K = 10 can land above the 3000-sample estimate; its mean over seeds cannot.
    assert vae.log_likelihood(x, n_samples=3000, seed=1).mean() >= mean_10 - 0.02
    # The ELBO is a bound, strictly below log p(x) here, and the IWAE estimate reaches it.
    assert elbo < exact.mean() - 0.01
    # Vectors the VAE never saw (x2 != x0) have a poor proposal q(z | x): a larger, downward bias.
    iwae = vae.log_likelihood(x, n_samples=3000, seed=2)
    np.testing.assert_allclose(iwae, exact, atol=0.06)
    assert abs(iwae.mean() - exact.mean()) < 0.02


def test_vae_log_likelihood_gaussian_matches_integration():
    """With `reconstruction="mse"` the likelihood is N(x_hat, 1/2 I)."""
    vae = one_dimensional_vae(seed=3, reconstruction="mse")
    x = np.array([[0.2, 0.9, 0.4], [1.0, 0.0, 0.5]])
    z = np.linspace(-12, 12, 24001)[:, None]
    x_hat = vae.decode(z.astype("float32"), batch_size=4096).astype("float64")
    squared = ((x[:, None, :] - x_hat[None]) ** 2).sum(axis=-1)
    terms = -squared - 1.5 * np.log(np.pi) - 0.5 * z[:, 0] ** 2 - 0.5 * np.log(2 * np.pi)
    exact = np.log(np.trapezoid(np.exp(terms), z[:, 0], axis=1))
    # An untrained encoder is a poor proposal: the estimate approaches log p(x) from below.
    iwae = vae.log_likelihood(x, n_samples=5000, seed=0)
    np.testing.assert_allclose(iwae, exact, atol=0.1)
    assert np.all(iwae < exact + 0.02)


def test_vae_log_likelihood_validates_arguments():
    vae = one_dimensional_vae()
    with pytest.raises(ValueError) as info:
        vae.log_likelihood(np.zeros((2, 3)), n_samples=0)
    assert str(info.value) == (
        "Invalid value received for argument `n_samples`. Expected a positive integer. "
        "Received: n_samples=0"
    )
