"""Exact contracts of MaskingNoise, Sampling, ContractiveDense and KLSparsity:
defaults, weight names, dtypes, configs and the exact masking algorithm."""

import keras
import numpy as np
import pytest
from keras import ops
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.layers import ContractiveDense, MaskingNoise, Sampling
from keras_ae.regularizers import KLSparsity


def _tolerance(array):
    # float64 results must be exact to float64 rounding; JAX (x64 off) gives float32.
    return 1e-12 if array.dtype == np.float64 else 1e-6


# --- MaskingNoise -----------------------------------------------------------


def _lowbias32(x):
    # Chris Wellons's lowbias32 on uint32 (NumPy wraps the products mod 2**32).
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x7FEB352D)
    x = x ^ (x >> np.uint32(15))
    x = x * np.uint32(0x846CA68B)
    return x ^ (x >> np.uint32(16))


def _masking_bits(shape, seed):
    # 31 bits per component: the hash of (hash(index) + offset), offset being one
    # int32 draw in [0, 2**31 - 1) from a fresh generator with the layer's seed.
    offset = keras.random.randint(
        (), 0, 2**31 - 1, seed=keras.random.SeedGenerator(seed), dtype="int32"
    )
    offset = np.uint32(int(to_numpy(offset)))
    index = np.arange(int(np.prod(shape)), dtype=np.uint32).reshape(shape)
    with np.errstate(over="ignore"):
        return _lowbias32(_lowbias32(index) + offset) >> np.uint32(1)


def test_masking_noise_mask_is_lowbias32_hash_of_index_offset_by_seeded_draw():
    shape, seed, rate = (4, 50), 3, 0.3
    x = np.arange(1, 201, dtype="float32").reshape(shape)
    keep = _masking_bits(shape, seed) >= round(rate * 2**31)
    out = to_numpy(MaskingNoise(rate, seed=seed)(x, training=True))
    np.testing.assert_array_equal(out, np.where(keep, x, 0.0))


def test_masking_noise_keeps_component_whose_bits_equal_the_threshold():
    # A component is zeroed iff its 31 bits are < round(rate * 2**31): with rate
    # set to exactly bits[k] / 2**31, component k sits on the threshold and is kept.
    shape, seed = (3, 40), 5
    bits = _masking_bits(shape, seed)
    k = np.unravel_index(np.argsort(bits, axis=None)[60], shape)
    rate = int(bits[k]) / 2**31
    x = np.ones(shape, dtype="float32")
    out = to_numpy(MaskingNoise(rate, seed=seed)(x, training=True))
    assert out[k] == 1.0
    np.testing.assert_array_equal(out, (bits >= bits[k]).astype("float32"))


def test_masking_noise_call_defaults_to_inference():
    x = np.arange(1, 9, dtype="float32").reshape(2, 4)
    np.testing.assert_array_equal(to_numpy(MaskingNoise(0.9, seed=0).call(x)), x)


def test_masking_noise_rate_zero_draws_no_random_numbers():
    # Nothing is masked, so the seed stream is left where it was.
    layer = MaskingNoise(0.0, seed=4)
    before = to_numpy(layer.seed_generator.state).copy()
    x = np.ones((2, 3), dtype="float32")
    np.testing.assert_array_equal(to_numpy(layer(x, training=True)), x)
    np.testing.assert_array_equal(to_numpy(layer.seed_generator.state), before)


@pytest.mark.parametrize("make_layer", [lambda: MaskingNoise(0.2), lambda: Sampling()])
def test_stateless_noise_layers_are_built_at_construction(make_layer):
    assert make_layer().built is True


# --- Sampling ---------------------------------------------------------------


def test_sampling_rejects_empty_log_var_range():
    with pytest.raises(ValueError, match=r"argument `log_var_range`.*low < high"):
        Sampling(log_var_range=(1.0, 1.0))


def test_sampling_error_message_for_a_single_tensor():
    with pytest.raises(
        ValueError,
        match=r"`Sampling` expects a list of two tensors \[z_mean, z_log_var\]\. Received: inputs=",
    ):
        Sampling()(np.zeros((2, 2), dtype="float32"))


def test_sampling_noise_is_keras_gaussian_noise_with_the_same_seed():
    # eps is keras.random.normal from the layer's seed, as GaussianNoise(1.0) draws it.
    z_mean = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]], dtype="float32")
    log_var = np.array([[0.0, 1.0, -2.0], [0.4, -0.6, 2.0]], dtype="float32")
    eps = to_numpy(keras.layers.GaussianNoise(1.0, seed=9)(np.zeros_like(z_mean), training=True))
    z = to_numpy(Sampling(seed=9)([z_mean, log_var]))
    np.testing.assert_allclose(z, z_mean + np.exp(0.5 * log_var) * eps, rtol=1e-6, atol=1e-6)


def test_sampling_float64_draws_and_scales_in_float64():
    z_mean = np.array([[0.1, -0.7], [1.3, 0.2]], dtype="float64")
    log_var = np.array([[0.1, -0.3], [0.7, 1.1]], dtype="float64")
    noise = keras.layers.GaussianNoise(1.0, seed=2, dtype="float64")
    eps = to_numpy(noise(np.zeros_like(z_mean), training=True))
    z = to_numpy(Sampling(seed=2, dtype="float64")([z_mean, log_var]))
    assert z.dtype == eps.dtype
    np.testing.assert_allclose(
        z, z_mean + np.exp(0.5 * log_var) * eps.astype("float64"), rtol=_tolerance(z), atol=0
    )
    if z.dtype == np.float64:
        # Genuine float64 noise: not values rounded from float32.
        assert np.all(eps.astype("float32").astype("float64") != eps)


def test_sampling_output_has_shape_of_z_mean_with_broadcast_log_var():
    # One log-variance per example broadcasts over the code units.
    z_mean = keras.Input((3,))
    log_var = keras.Input((1,))
    assert Sampling()([z_mean, log_var]).shape == (None, 3)
    z = Sampling(seed=0)([np.zeros((2, 3), "float32"), np.zeros((2, 1), "float32")])
    assert tuple(z.shape) == (2, 3)


def test_sampling_config_keeps_log_var_range():
    layer = Sampling(log_var_range=(-4, 2), seed=1)
    config = layer.get_config()
    assert config["log_var_range"] == [-4.0, 2.0]
    restored = Sampling.from_config(config)
    assert restored.log_var_range == (-4.0, 2.0)
    # The restored layer still clips: exp(0.5 * 2) bounds the scale of eps.
    z_mean = np.zeros((1, 2), dtype="float32")
    eps = to_numpy(Sampling(seed=1)([z_mean, z_mean]))
    huge = np.full((1, 2), 50.0, dtype="float32")
    np.testing.assert_allclose(to_numpy(restored([z_mean, huge])), np.e * eps, rtol=1e-6)


# --- ContractiveDense -------------------------------------------------------


def _numpy_penalty(x, kernel, bias, activation):
    z = x @ kernel + bias
    derivative = {"tanh": lambda: 1.0 - np.tanh(z) ** 2, "linear": lambda: np.ones_like(z)}
    return np.sum(derivative[activation]() ** 2 * np.sum(kernel**2, axis=0), axis=-1)


def test_contractive_dense_default_lambda_is_one_tenth(rng):
    layer = ContractiveDense(3)
    assert layer.lam == 0.1
    assert layer.get_config()["lam"] == 0.1
    x = rng.uniform(size=(4, 2)).astype("float32")
    layer(x)
    penalty = to_numpy(layer.contractive_penalty(x))
    np.testing.assert_allclose(to_numpy(layer.losses[0]), 0.1 * penalty.mean(), rtol=1e-6)


def test_contractive_dense_weights_are_named_kernel_and_bias():
    layer = ContractiveDense(3, name="cae")
    layer.build((None, 2))
    assert layer.kernel.path == "cae/kernel"
    assert layer.bias.path == "cae/bias"
    assert [w.name for w in layer.weights] == ["kernel", "bias"]


def test_contractive_dense_uses_given_initializers_and_zero_bias_by_default():
    layer = ContractiveDense(
        3, kernel_initializer="ones", bias_initializer=keras.initializers.Constant(2.0)
    )
    layer.build((None, 2))
    np.testing.assert_array_equal(to_numpy(layer.kernel), np.ones((2, 3)))
    np.testing.assert_array_equal(to_numpy(layer.bias), np.full(3, 2.0))
    default = ContractiveDense(3)
    default.build((None, 2))
    np.testing.assert_array_equal(to_numpy(default.bias), np.zeros(3))


def test_contractive_dense_config_round_trips_initializers():
    layer = ContractiveDense(3, kernel_initializer="ones", bias_initializer="ones")
    config = layer.get_config()
    assert config["kernel_initializer"]["class_name"] == "Ones"
    assert config["bias_initializer"]["class_name"] == "Ones"
    restored = ContractiveDense.from_config(config)
    restored.build((None, 2))
    np.testing.assert_array_equal(to_numpy(restored.kernel), np.ones((2, 3)))
    np.testing.assert_array_equal(to_numpy(restored.bias), np.ones(3))


def test_contractive_dense_mixed_precision_penalty_reads_float32_kernel(rng):
    # Linear units: the penalty is ||W||_F^2, exactly the float32 kernel's, not
    # the bfloat16-rounded one the forward pass uses.
    layer = ContractiveDense(4, activation="linear", lam=1.0, dtype="mixed_bfloat16")
    x = rng.uniform(size=(3, 5)).astype("float32")
    layer(x)
    kernel = to_numpy(layer.kernel)
    assert kernel.dtype == np.float32
    expected = np.sum(kernel.astype("float64") ** 2)
    np.testing.assert_allclose(float(to_numpy(layer.losses[0])), expected, rtol=1e-6)


def test_contractive_dense_float64_penalty_uses_float64_kernel(rng):
    # Linear units: the penalty of every example is ||W||_F^2 of the float64 kernel.
    layer = ContractiveDense(3, activation="linear", dtype="float64")
    x = rng.uniform(-1, 1, size=(4, 5))
    layer.build((None, 5))
    penalty = to_numpy(layer.contractive_penalty(x))
    kernel = to_numpy(layer.kernel)
    assert penalty.dtype == kernel.dtype
    expected = np.full(4, np.sum(kernel.astype("float64") ** 2))
    np.testing.assert_allclose(penalty, expected, rtol=_tolerance(penalty), atol=0)


def test_contractive_dense_penalty_per_position_of_sequence_input(rng):
    # A (batch, steps, features) input: one Jacobian norm per position, summed
    # over the units only.
    layer = ContractiveDense(2, activation="tanh", lam=0.5)
    x = rng.uniform(-1, 1, size=(2, 3, 4)).astype("float32")
    layer(x)
    kernel, bias = to_numpy(layer.kernel).astype("float64"), to_numpy(layer.bias)
    expected = _numpy_penalty(x.astype("float64"), kernel, bias, "tanh")
    penalty = to_numpy(layer.contractive_penalty(x))
    assert penalty.shape == (2, 3)
    np.testing.assert_allclose(penalty, expected, rtol=1e-5)
    np.testing.assert_allclose(to_numpy(layer.losses[0]), 0.5 * expected.mean(), rtol=1e-5)


# --- KLSparsity -------------------------------------------------------------


def test_kl_sparsity_float64_activations_give_float64_batch_scaled_penalty():
    h = np.array([[0.1, 0.9], [0.3, 0.5], [0.2, 0.4]], dtype="float64")
    rho_hat = h.mean(axis=0)
    kl = 0.05 * np.log(0.05 / rho_hat) + 0.95 * np.log(0.95 / (1 - rho_hat))
    value = to_numpy(KLSparsity(rho=0.05, beta=3.0)(h))
    assert value.dtype == to_numpy(ops.convert_to_tensor(h)).dtype
    # Keras divides an activity regularizer by the batch size (3 here). Keras's
    # torch backend takes float64 means in float32, hence the float32 tolerance.
    np.testing.assert_allclose(value, 3.0 * kl.sum() * 3, rtol=1e-6)
