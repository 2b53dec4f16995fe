import keras
import numpy as np
import pytest
from keras import ops
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.layers import ContractiveDense, DenseTranspose, MaskingNoise, Sampling

# --- MaskingNoise -----------------------------------------------------------


def test_masking_noise_standard_checks(rng, layer_checks):
    x = rng.uniform(size=(8, 5)).astype("float32")
    layer_checks(lambda: MaskingNoise(0.3, seed=1), x, expected_output_shape=(5,))


@pytest.mark.parametrize("shape", [(2, 3), (2, 4, 3)])
def test_masking_noise_keras_layer_test(shape, keras_layer_test):
    keras_layer_test(
        MaskingNoise,
        {"rate": 0.5, "seed": 1},
        input_shape=shape,
        call_kwargs={"training": True},
        expected_output_shape=shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=1,
        expected_num_losses=0,
        supports_masking=True,
    )


def test_masking_noise_keras_layer_test_identity_at_inference(rng, keras_layer_test):
    # Backend tensors: the harness compares the types of output and expectation.
    x = ops.convert_to_tensor(rng.uniform(size=(3, 4)).astype("float32"))
    keras_layer_test(
        MaskingNoise,
        {"rate": 0.5, "seed": 1},
        input_data=x,
        expected_output=x,
        expected_num_seed_generators=1,
    )


@pytest.mark.parametrize("rate", [0.1, 0.25, 0.5, 0.9])
def test_masking_noise_zero_fraction_within_binomial_tolerance(rate):
    n = 200_000
    x = np.full((n // 100, 100), 0.7, dtype="float32")
    out = to_numpy(MaskingNoise(rate, seed=3)(x, training=True))
    fraction = np.mean(out == 0)
    # Five standard deviations of a binomial proportion.
    assert abs(fraction - rate) < 5 * np.sqrt(rate * (1 - rate) / n)


@pytest.mark.parametrize("rate", [0.25, 0.5])
def test_masking_noise_masks_are_independent_across_calls_and_components(rate):
    layer = MaskingNoise(rate, seed=7)
    x = np.ones((100, 1000), dtype="float32")
    first = to_numpy(layer(x, training=True)) == 0
    second = to_numpy(layer(x, training=True)) == 0
    # A component zeroed in both of two independent masks: probability rate**2.
    tolerance = 5 * np.sqrt(rate**2 * (1 - rate**2) / first.size)
    assert abs(np.mean(first & second) - rate**2) < tolerance  # successive calls
    assert abs(np.mean(first[:, 1:] & first[:, :-1]) - rate**2) < tolerance  # neighbours
    assert abs(np.mean(first[1:] & first[:-1]) - rate**2) < tolerance  # next example


def test_masking_noise_does_not_rescale_kept_values(rng):
    x = rng.uniform(0.1, 1.0, size=(50, 40)).astype("float32")
    out = to_numpy(MaskingNoise(0.5, seed=0)(x, training=True))
    kept = out != 0
    assert 0 < kept.mean() < 1
    np.testing.assert_array_equal(out[kept], x[kept])


def test_masking_noise_is_identity_at_inference(rng):
    x = rng.uniform(size=(10, 7)).astype("float32")
    layer = MaskingNoise(0.5, seed=0)
    np.testing.assert_array_equal(to_numpy(layer(x)), x)
    np.testing.assert_array_equal(to_numpy(layer(x, training=False)), x)


def test_masking_noise_rate_zero_is_identity_in_training(rng):
    x = rng.uniform(size=(10, 7)).astype("float32")
    np.testing.assert_array_equal(to_numpy(MaskingNoise(0.0)(x, training=True)), x)


def test_masking_noise_seed_makes_masks_reproducible(rng):
    x = np.ones((20, 30), dtype="float32")
    first = to_numpy(MaskingNoise(0.5, seed=42)(x, training=True))
    second = to_numpy(MaskingNoise(0.5, seed=42)(x, training=True))
    other = to_numpy(MaskingNoise(0.5, seed=43)(x, training=True))
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_masking_noise_in_fit_corrupts_only_training(rng):
    """In fit, the model sees corrupted inputs; in predict, clean ones."""
    x = np.ones((64, 10), dtype="float32")
    inputs = keras.Input((10,))
    model = keras.Model(inputs, MaskingNoise(0.5, seed=0)(inputs))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    out = to_numpy(model(x, training=True))
    assert 0.3 < np.mean(out == 0) < 0.7


@pytest.mark.parametrize(
    "rate, message",
    [
        (
            1.0,
            "Invalid value received for argument `rate`. Expected a float value in "
            "[0.0, 1.0). Received: rate=1.0",
        ),
        (
            -0.1,
            "Invalid value received for argument `rate`. Expected a float value in "
            "[0.0, 1.0). Received: rate=-0.1",
        ),
        (
            None,
            "Invalid value received for argument `rate`. Expected a float value in "
            "[0.0, 1.0). Received: rate=None",
        ),
    ],
)
def test_masking_noise_rejects_invalid_rate(rate, message):
    with pytest.raises(ValueError) as excinfo:
        MaskingNoise(rate)
    assert str(excinfo.value) == message


def test_masking_noise_rejects_invalid_seed():
    with pytest.raises(ValueError, match=r"`seed`. Expected an integer in \[0, 2\*\*31\) or None"):
        MaskingNoise(0.1, seed=1.5)


# --- Sampling ---------------------------------------------------------------


def test_sampling_standard_checks(rng, layer_checks):
    # A clipped log-variance of -60 makes the noise negligible (std 1e-13), so
    # the save/load check can compare outputs exactly.
    z_mean = rng.normal(size=(6, 3)).astype("float32")
    z_log_var = np.full((6, 3), -100.0, dtype="float32")
    layer_checks(
        lambda: Sampling(seed=0, log_var_range=(-60, 10)),
        [z_mean, z_log_var],
        expected_output_shape=(3,),
    )


def test_sampling_keras_layer_test(rng, keras_layer_test):
    # A tuple of inputs: TensorFlow's generator dataset in the harness's
    # training step does not take a list. A log-variance of -100, clipped to
    # -60, leaves z = z_mean up to 1e-13.
    z_mean = ops.convert_to_tensor(rng.normal(size=(4, 3)).astype("float32"))
    z_log_var = ops.convert_to_tensor(np.full((4, 3), -100.0, dtype="float32"))
    keras_layer_test(
        Sampling,
        {"seed": 1, "log_var_range": (-60.0, 10.0)},
        input_data=(z_mean, z_log_var),
        expected_output=z_mean,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=1,
        expected_num_losses=0,
    )


def test_sampling_mean_and_variance_statistics():
    n = 100_000
    mean = np.array([[-1.0, 0.5, 2.0]], dtype="float32")
    log_var = np.array([[0.0, np.log(4.0), np.log(0.25)]], dtype="float32")
    z = to_numpy(Sampling(seed=7)([np.repeat(mean, n, axis=0), np.repeat(log_var, n, axis=0)]))
    std = np.exp(0.5 * log_var[0])
    # Standard errors of a sample mean and a sample variance, five of each.
    np.testing.assert_array_less(np.abs(z.mean(axis=0) - mean[0]), 5 * std / np.sqrt(n))
    np.testing.assert_array_less(np.abs(z.var(axis=0) - std**2), 5 * std**2 * np.sqrt(2 / n))


def test_sampling_matches_reparameterization_formula():
    """z equals z_mean + exp(z_log_var / 2) * eps for the same eps."""
    z_mean = np.array([[1.0, -2.0]], dtype="float32")
    unit = to_numpy(Sampling(seed=5)([np.zeros_like(z_mean), np.zeros_like(z_mean)]))
    log_var = np.array([[np.log(9.0), 0.0]], dtype="float32")
    z = to_numpy(Sampling(seed=5)([z_mean, log_var]))
    np.testing.assert_allclose(z, z_mean + 3.0 ** np.array([1.0, 0.0]) * unit, rtol=1e-5)


def test_sampling_gradients_flow_to_mean_and_log_variance():
    """d z / d mean = 1 and d z / d log_var = 0.5 * exp(log_var / 2) * eps."""
    z_mean = keras.Variable(np.array([[0.3, -0.2]], dtype="float32"))
    z_log_var = keras.Variable(np.array([[0.4, -1.0]], dtype="float32"))
    eps = to_numpy(Sampling(seed=11)([np.zeros((1, 2), "float32"), np.zeros((1, 2), "float32")]))
    layer = Sampling(seed=11)
    step = 1e-3

    def total(mean, log_var):
        return float(np.sum(to_numpy(layer.__class__(seed=11)([mean, log_var]))))

    mean_np, log_var_np = to_numpy(z_mean), to_numpy(z_log_var)
    for j in range(2):
        e = np.zeros_like(mean_np)
        e[0, j] = step
        d_mean = (total(mean_np + e, log_var_np) - total(mean_np - e, log_var_np)) / (2 * step)
        d_log_var = (total(mean_np, log_var_np + e) - total(mean_np, log_var_np - e)) / (2 * step)
        assert d_mean == pytest.approx(1.0, rel=1e-2)
        expected = 0.5 * np.exp(0.5 * log_var_np[0, j]) * eps[0, j]
        assert d_log_var == pytest.approx(expected, rel=1e-2, abs=1e-3)

    # And through a real optimizer step: both inputs receive a gradient.
    inputs = [keras.Input((2,)), keras.Input((2,))]
    mean_dense = keras.layers.Dense(2)
    log_var_dense = keras.layers.Dense(2)
    z = layer([mean_dense(inputs[0]), log_var_dense(inputs[1])])
    model = keras.Model(inputs, z)
    model.compile(optimizer="sgd", loss="mse")
    before = [to_numpy(mean_dense.kernel), to_numpy(log_var_dense.kernel)]
    x = np.ones((4, 2), dtype="float32")
    model.fit([x, x], np.full((4, 2), 5.0, "float32"), epochs=1, verbose=0)
    assert not np.allclose(before[0], to_numpy(mean_dense.kernel))
    assert not np.allclose(before[1], to_numpy(log_var_dense.kernel))


def test_sampling_log_var_range_keeps_exp_finite():
    z_mean = np.zeros((2, 2), dtype="float32")
    huge = np.full((2, 2), 500.0, dtype="float32")
    assert not np.all(np.isfinite(to_numpy(Sampling(seed=0)([z_mean, huge]))))
    clipped = to_numpy(Sampling(seed=0, log_var_range=(-20.0, 20.0))([z_mean, huge]))
    assert np.all(np.isfinite(clipped))


@pytest.mark.parametrize("value", [(1.0,), (2.0, 1.0), "wide", (0, "a")])
def test_sampling_rejects_invalid_log_var_range(value):
    with pytest.raises(ValueError) as excinfo:
        Sampling(log_var_range=value)
    assert str(excinfo.value) == (
        "Invalid value received for argument `log_var_range`. Expected None or a "
        "pair (low, high) of floats with low < high. "
        f"Received: log_var_range={value!r}"
    )


def test_sampling_rejects_single_input():
    with pytest.raises(ValueError, match=r"expects a list of two tensors \[z_mean, z_log_var\]"):
        Sampling()(np.zeros((2, 2), dtype="float32"))


# --- DenseTranspose ---------------------------------------------------------


def tied_model(input_dim=6, units=3):
    inputs = keras.Input((input_dim,))
    encoder = keras.layers.Dense(units, activation="sigmoid", name="encoder_dense")
    decoder = DenseTranspose(encoder, activation="sigmoid", name="tied_decoder")
    return keras.Model(inputs, decoder(encoder(inputs))), encoder, decoder


def test_dense_transpose_keras_layer_test(keras_layer_test):
    dense = keras.layers.Dense(3)
    dense.build((None, 5))
    keras_layer_test(
        DenseTranspose,
        {"dense": dense, "activation": "sigmoid"},
        input_shape=(4, 3),
        expected_output_shape=(4, 5),
        expected_num_trainable_weights=1,  # its bias; the kernel is the Dense layer's
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=0,
        expected_num_losses=0,
    )


def test_dense_transpose_matches_numpy(rng):
    model, encoder, decoder = tied_model()
    decoder.bias.assign(rng.normal(size=6).astype("float32"))
    x = rng.normal(size=(4, 6)).astype("float32")
    kernel, bias = to_numpy(encoder.kernel), to_numpy(encoder.bias)
    h = 1 / (1 + np.exp(-(x @ kernel + bias)))
    expected = 1 / (1 + np.exp(-(h @ kernel.T + to_numpy(decoder.bias))))
    np.testing.assert_allclose(to_numpy(model(x)), expected, rtol=1e-5)


def test_dense_transpose_weights_really_shared(rng):
    model, encoder, decoder = tied_model()
    x = rng.normal(size=(4, 6)).astype("float32")
    codes = to_numpy(encoder(x))
    before = to_numpy(decoder(codes))
    encoder.kernel.assign(to_numpy(encoder.kernel) * 2.0)
    after = to_numpy(decoder(codes))
    assert not np.allclose(before, after)
    # The decoder owns only its bias; the model counts the kernel once.
    assert [w.name for w in decoder.trainable_weights] == ["bias"]
    assert model.count_params() == 6 * 3 + 3 + 6


def test_dense_transpose_training_moves_shared_kernel(rng):
    model, encoder, _ = tied_model()
    model.compile(optimizer="sgd", loss="mse")
    x = rng.uniform(size=(16, 6)).astype("float32")
    before = to_numpy(encoder.kernel)
    model.fit(x, x, epochs=1, verbose=0)
    assert not np.allclose(before, to_numpy(encoder.kernel))


def test_dense_transpose_save_load_keeps_tie(rng, tmp_path):
    model, _, _ = tied_model()
    x = rng.uniform(size=(5, 6)).astype("float32")
    path = tmp_path / "tied.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reloaded.predict(x, verbose=0), rtol=1e-6
    )
    encoder = reloaded.get_layer("encoder_dense")
    decoder = reloaded.get_layer("tied_decoder")
    assert decoder.dense is encoder


def test_dense_transpose_rejects_non_dense():
    conv = keras.layers.Conv2D(2, 3)
    with pytest.raises(ValueError) as excinfo:
        DenseTranspose(conv)
    assert str(excinfo.value).startswith(
        "Invalid value received for argument `dense`. Expected a `keras.layers.Dense` or "
        "`keras_ae.layers.ContractiveDense` layer."
    )


def test_dense_transpose_ties_to_a_contractive_layer(rng, tmp_path):
    """A tied contractive autoencoder: h = sigmoid(x W + b), x~ = sigmoid(h W^T + c)."""
    inputs = keras.Input((6,))
    encoder = ContractiveDense(3, lam=0.1, name="contractive")
    outputs = DenseTranspose(encoder, activation="sigmoid", name="tied_decoder")(encoder(inputs))
    model = keras.Model(inputs, outputs)
    assert model.count_params() == 6 * 3 + 3 + 6
    x = rng.uniform(size=(16, 6)).astype("float32")
    kernel, bias = to_numpy(encoder.kernel), to_numpy(encoder.bias)
    h = 1 / (1 + np.exp(-(x @ kernel + bias)))
    np.testing.assert_allclose(to_numpy(model(x)), 1 / (1 + np.exp(-(h @ kernel.T))), rtol=1e-5)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x, epochs=1, verbose=0)
    assert not np.allclose(kernel, to_numpy(encoder.kernel))
    path = tmp_path / "tied_contractive.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    assert reloaded.get_layer("tied_decoder").dense is reloaded.get_layer("contractive")
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )


def test_dense_transpose_rejects_unbuilt_dense():
    with pytest.raises(ValueError, match="must be built"):
        DenseTranspose(keras.layers.Dense(3))(np.zeros((1, 3), dtype="float32"))


def test_dense_transpose_rejects_wrong_input_width():
    dense = keras.layers.Dense(3)
    dense.build((None, 6))
    with pytest.raises(ValueError, match="expects inputs with last dimension 3"):
        DenseTranspose(dense)(np.zeros((1, 4), dtype="float32"))


# --- ContractiveDense -------------------------------------------------------


def test_contractive_dense_standard_checks(rng, layer_checks):
    x = rng.uniform(size=(8, 5)).astype("float32")
    layer_checks(lambda: ContractiveDense(4, lam=0.5), x, expected_output_shape=(4,))


@pytest.mark.parametrize("shape", [(4, 5), (4, 3, 5)])
def test_contractive_dense_keras_layer_test(shape, keras_layer_test):
    keras_layer_test(
        ContractiveDense,
        {"units": 2, "lam": 0.5},
        input_shape=shape,
        expected_output_shape=(*shape[:-1], 2),
        expected_num_trainable_weights=2,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=0,
        expected_num_losses=1,
    )


def test_contractive_dense_keras_layer_test_without_penalty(keras_layer_test):
    keras_layer_test(
        ContractiveDense,
        {"units": 2, "lam": 0.0},
        input_shape=(4, 5),
        expected_output_shape=(4, 2),
        expected_num_trainable_weights=2,
        expected_num_losses=0,
    )


def finite_difference_jacobian_norm(layer, x, step=1e-3):
    """||dh/dx||_F^2 per example by central differences, in float64."""
    kernel = to_numpy(layer.kernel).astype("float64")
    bias = to_numpy(layer.bias).astype("float64")
    activation = {
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "tanh": np.tanh,
        "softplus": lambda z: np.log1p(np.exp(z)),
        "relu": lambda z: np.maximum(z, 0),
        "linear": lambda z: z,
    }[layer.activation]
    norms = []
    for row in x.astype("float64"):
        jac = np.stack(
            [
                (
                    activation((row + step * e) @ kernel + bias)
                    - activation((row - step * e) @ kernel + bias)
                )
                / (2 * step)
                for e in np.eye(len(row))
            ]
        )
        norms.append(np.sum(jac**2))
    return np.array(norms)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "relu", "linear"])
def test_contractive_dense_penalty_matches_finite_differences(activation, rng):
    layer = ContractiveDense(4, activation=activation, lam=1.0)
    x = rng.normal(size=(6, 5)).astype("float32")
    layer.build((None, 5))
    layer.bias.assign(rng.normal(size=4).astype("float32"))
    expected = finite_difference_jacobian_norm(layer, x)
    np.testing.assert_allclose(
        to_numpy(layer.contractive_penalty(x)), expected, rtol=1e-3, atol=1e-5
    )


def test_contractive_dense_adds_lambda_times_mean_penalty(rng):
    x = rng.normal(size=(10, 5)).astype("float32")
    inputs = keras.Input((5,))
    layer = ContractiveDense(4, lam=0.3)
    model = keras.Model(inputs, layer(inputs))
    model(x)
    assert len(model.losses) == 1
    expected = 0.3 * finite_difference_jacobian_norm(layer, x).mean()
    np.testing.assert_allclose(to_numpy(model.losses[0]), expected, rtol=1e-3)


def test_contractive_dense_output_matches_numpy(rng):
    layer = ContractiveDense(3, activation="tanh")
    x = rng.normal(size=(4, 5)).astype("float32")
    out = to_numpy(layer(x))
    np.testing.assert_allclose(
        out, np.tanh(x @ to_numpy(layer.kernel) + to_numpy(layer.bias)), rtol=1e-5, atol=1e-6
    )


def test_contractive_dense_training_reduces_sensitivity(rng):
    """A large lambda leaves a smaller Jacobian than lambda = 0 after the same training."""
    x = rng.uniform(size=(256, 10)).astype("float32")
    norms = {}
    for lam in (0.0, 1.0):
        keras.utils.set_random_seed(1)
        inputs = keras.Input((10,))
        layer = ContractiveDense(8, lam=lam)
        outputs = keras.layers.Dense(10, activation="sigmoid")(layer(inputs))
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        model.fit(x, x, epochs=20, batch_size=32, verbose=0)
        norms[lam] = float(np.mean(to_numpy(layer.contractive_penalty(x))))
    assert norms[1.0] < 0.5 * norms[0.0], norms


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"units": 0},
            "Invalid value received for argument `units`. Expected a positive "
            "integer. Received: units=0",
        ),
        (
            {"units": 3, "lam": -1.0},
            "Invalid value received for argument `lam`. Expected a "
            "finite float value >= 0.0. Received: lam=-1.0",
        ),
        (
            {"units": 3, "activation": "elu"},
            "Invalid value received for argument `activation`. Expected one of {'sigmoid', "
            "'tanh', 'relu', 'softplus', 'linear'}. Received: activation='elu'",
        ),
    ],
)
def test_contractive_dense_rejects_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        ContractiveDense(**kwargs)
    assert str(excinfo.value) == message


def test_layers_use_only_keras_ops():
    """The library must not import a backend directly.

    The one exception is `keras_ae.autodiff`: Keras has no public gradient
    function, so `gradient` calls the running backend's own, one branch each.
    """
    import pathlib

    import keras_ae

    package = pathlib.Path(keras_ae.__file__).parent
    for path in package.rglob("*.py"):
        text = path.read_text()
        banned = ("keras.src",)
        if path != package / "autodiff.py":
            banned += ("import tensorflow", "import torch", "import jax")
        for name in banned:
            assert name not in text, f"{path.relative_to(package)} uses {name}"
    assert ops is keras.ops
