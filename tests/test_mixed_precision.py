"""Every custom object under `mixed_float16` and `mixed_bfloat16`.

The `mixed_policy` fixture sets the global dtype policy for one test and
restores it afterwards. Layers must compute in their compute dtype (float16
or bfloat16) while statistics, logs, KL terms and losses are computed in
float32, so that losses are finite at dead and saturated units and add up
with Keras's own float32 losses.
"""

import keras
import numpy as np
import pytest
from keras import ops
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.layers import (
    ContractiveDense,
    DenseTranspose,
    MaskedConv2D,
    MaskedDense,
    MaskingNoise,
    Sampling,
)
from keras_ae.losses import HalfSquaredError, half_squared_error
from keras_ae.models import build_dense_autoencoder, build_dense_vae, build_made, build_pixelcnn
from keras_ae.regularizers import KLSparsity, kl_divergence_sparsity


def dtype_of(x):
    return keras.backend.standardize_dtype(x.dtype)


def numpy_kl(rho, rho_hat):
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


def dead_and_saturated_encoder(rho=0.05, beta=3.0):
    """A sigmoid layer whose units 0-1 are dead (always 0) and 2-3 saturated (always 1).

    With biases of -/+200 the sigmoid rounds to exactly 0.0 and 1.0 in float16
    and in bfloat16 (whose range is float32's), so the mean activations are 0
    and 1.
    """
    inputs = keras.Input((8,))
    dense = keras.layers.Dense(
        4, activation="sigmoid", activity_regularizer=KLSparsity(rho=rho, beta=beta)
    )
    outputs = keras.layers.Dense(8, activation="sigmoid")(dense(inputs))
    model = keras.Model(inputs, outputs)
    dense.kernel.assign(np.zeros((8, 4), "float32"))
    dense.bias.assign(np.array([-200.0, -200.0, 200.0, 200.0], "float32"))
    return model, dense


# --- KLSparsity and kl_divergence_sparsity -----------------------------------


def test_kl_sparsity_fits_a_784_100_784_autoencoder(mixed_policy, rng):
    """The sparse autoencoder of the lectures trains: on TensorFlow this used
    to raise "Cannot convert a list containing a tensor of dtype float16 to
    float32" when Keras added the float16 penalty to the float32 loss."""
    x = (rng.uniform(size=(64, 784)) > 0.5).astype("float32")
    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(
        100, activation="sigmoid", activity_regularizer=KLSparsity(0.05, 3.0)
    )(inputs)
    model = keras.Model(inputs, keras.layers.Dense(784, activation="sigmoid")(hidden))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(x, x, epochs=1, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    model(x[:8])
    assert [dtype_of(loss) for loss in model.losses] == ["float32"]


def test_kl_sparsity_loss_is_finite_and_exact_at_dead_and_saturated_units(mixed_policy, rng):
    model, dense = dead_and_saturated_encoder()
    x = rng.uniform(size=(16, 8)).astype("float32")
    codes = to_numpy(dense(x)).astype("float64")
    assert np.array_equal(codes.mean(axis=0), [0.0, 0.0, 1.0, 1.0])
    # The clip happens in float32: 1 - 1e-7 rounds to 1 - 2**-23 there.
    clipped = np.clip(codes.mean(axis=0).astype("float32"), 1e-7, 1 - 1e-7).astype("float64")
    expected = 3.0 * np.sum(numpy_kl(0.05, clipped))
    model(x)
    (penalty,) = model.losses
    assert dtype_of(penalty) == "float32"
    np.testing.assert_allclose(to_numpy(penalty), expected, rtol=1e-5)


def test_kl_sparsity_gradient_is_finite_at_dead_and_saturated_units(mixed_policy, rng):
    model, dense = dead_and_saturated_encoder()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    x = rng.uniform(size=(16, 8)).astype("float32")
    evaluated = model.evaluate(x, x, verbose=0)
    history = model.fit(x, x, epochs=1, batch_size=16, verbose=0)
    assert np.isfinite(evaluated) and np.isfinite(history.history["loss"][0])
    assert all(np.all(np.isfinite(to_numpy(w))) for w in model.weights)


def test_sparse_autoencoder_builder_trains_with_saturated_code(mixed_policy, rng):
    x = (rng.uniform(size=(64, 36)) > 0.5).astype("float32")
    autoencoder = build_dense_autoencoder(
        36, 8, code_activation="sigmoid", activity_regularizer=KLSparsity(0.05, 3.0)
    )
    autoencoder.encoder.get_layer("code").bias.assign(np.full((8,), 30.0, "float32"))
    autoencoder.compile(optimizer="adam", loss=HalfSquaredError())
    history = autoencoder.fit(x, x, epochs=2, batch_size=32, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


def test_kl_divergence_sparsity_of_half_precision_means(mixed_policy):
    compute_dtype = keras.config.dtype_policy().compute_dtype
    rho_hat = ops.cast(np.array([0.0, 1.0, 0.05, 0.5]), compute_dtype)
    values = kl_divergence_sparsity(0.05, rho_hat)
    assert dtype_of(values) == "float32"
    values = to_numpy(values)
    assert np.all(np.isfinite(values)) and values[0] > 0 and values[1] > 0
    np.testing.assert_allclose(values[2:], [0.0, numpy_kl(0.05, 0.5)], atol=1e-6, rtol=1e-5)


def test_kl_sparsity_penalty_mean_is_taken_in_float32(mixed_policy, rng):
    """A float16 mean of 4096 activations drifts; the float32 one does not."""
    compute_dtype = keras.config.dtype_policy().compute_dtype
    activations = rng.uniform(0.0, 0.2, size=(4096, 3)).astype("float32")
    half = ops.cast(activations, compute_dtype)
    rounded = to_numpy(ops.cast(half, "float32")).astype("float64")
    expected = 3.0 * np.sum(numpy_kl(0.05, rounded.mean(axis=0)))
    penalty = KLSparsity(0.05, 3.0).penalty(half)
    assert dtype_of(penalty) == "float32"
    np.testing.assert_allclose(to_numpy(penalty), expected, rtol=1e-5)


# --- Layers ----------------------------------------------------------------


def test_contractive_dense_computes_in_compute_dtype_and_penalty_in_float32(mixed_policy, rng):
    x = rng.uniform(size=(16, 6)).astype("float32")
    inputs = keras.Input((6,))
    layer = ContractiveDense(4, lam=0.5)
    model = keras.Model(inputs, keras.layers.Dense(6, activation="sigmoid")(layer(inputs)))
    out = layer(x)
    assert dtype_of(out) == layer.compute_dtype != "float32"
    assert dtype_of(layer.kernel) == "float32"
    model(x)
    (penalty,) = model.losses
    assert dtype_of(penalty) == "float32"
    # The same weights in float32: the penalty differs only by the
    # compute dtype's rounding of z (8 bits of mantissa for bfloat16).
    kernel, bias = to_numpy(layer.kernel), to_numpy(layer.bias)
    h = 1 / (1 + np.exp(-(x @ kernel + bias)))
    expected = 0.5 * np.mean(np.sum((h * (1 - h)) ** 2 * np.sum(kernel**2, axis=0), axis=1))
    np.testing.assert_allclose(to_numpy(penalty), expected, rtol=2e-2)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, x, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("encoder_class", ["dense", "contractive"])
def test_dense_transpose_computes_in_its_own_compute_dtype(mixed_policy, encoder_class, rng):
    x = rng.uniform(size=(16, 6)).astype("float32")
    inputs = keras.Input((6,))
    if encoder_class == "dense":
        encoder = keras.layers.Dense(3, activation="sigmoid")
    else:
        encoder = ContractiveDense(3, lam=0.1)
    codes = encoder(inputs)
    mixed = DenseTranspose(encoder, activation="sigmoid")
    full = DenseTranspose(encoder, activation="sigmoid", dtype="float32")
    model = keras.Model(inputs, [mixed(codes), full(codes)])
    out_mixed, out_full = model(x)
    assert dtype_of(out_mixed) == mixed.compute_dtype != "float32"
    assert dtype_of(out_full) == "float32"
    np.testing.assert_allclose(to_numpy(out_mixed).astype("float32"), to_numpy(out_full), atol=1e-2)
    model.compile(optimizer="adam", loss=["mse", "mse"])
    history = model.fit(x, [x, x], epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_masking_noise_keeps_compute_dtype_and_values(mixed_policy, rng):
    x = rng.uniform(0.1, 1.0, size=(64, 32)).astype("float32")
    layer = MaskingNoise(0.5, seed=0)
    out = layer(x, training=True)
    assert dtype_of(out) == layer.compute_dtype != "float32"
    out = to_numpy(out).astype("float32")
    kept = out != 0
    assert 0.4 < kept.mean() < 0.6
    rounded = to_numpy(ops.cast(ops.cast(x, layer.compute_dtype), "float32"))
    np.testing.assert_array_equal(out[kept], rounded[kept])


def test_sampling_outputs_compute_dtype_and_draws_in_float32(mixed_policy):
    z_mean = np.array([[1.0, -2.0, 0.5]] * 4, dtype="float32")
    z_log_var = np.array([[np.log(9.0), 0.0, 12.0]] * 4, dtype="float32")
    layer = Sampling(seed=5)
    z = layer([z_mean, z_log_var])
    assert dtype_of(z) == layer.compute_dtype != "float32"
    # The same draw in float32 from the inputs the layer saw (rounded to the
    # compute dtype), rounded once to the compute dtype at the end.
    seen = [
        to_numpy(ops.cast(ops.cast(a, layer.compute_dtype), "float32")) for a in (z_mean, z_log_var)
    ]
    reference = Sampling(seed=5, dtype="float32")(seen)
    expected = to_numpy(ops.cast(ops.cast(reference, layer.compute_dtype), "float32"))
    np.testing.assert_array_equal(to_numpy(z).astype("float32"), expected)


# --- Losses and the VAE ------------------------------------------------------


def test_half_squared_error_sums_half_precision_errors_in_float32(mixed_policy):
    compute_dtype = keras.config.dtype_policy().compute_dtype
    y_true = ops.cast(np.zeros((2, 784)), compute_dtype)
    y_pred = ops.cast(np.full((2, 784), 300.0), compute_dtype)  # 300**2 > float16's max
    per_example = half_squared_error(y_true, y_pred)
    assert dtype_of(per_example) == "float32"
    np.testing.assert_allclose(to_numpy(per_example), [0.5 * 784 * 300.0**2] * 2, rtol=1e-6)
    assert dtype_of(HalfSquaredError()(y_true, y_pred)) == "float32"


def test_vae_trains_with_float32_loss_terms(mixed_policy, rng):
    x = (rng.uniform(size=(64, 36)) > 0.5).astype("float32")
    vae = build_dense_vae(36, 2, hidden_units=(16,), seed=0)
    z_mean, z_log_var = vae.encoder(x)
    assert dtype_of(z_mean) == vae.compute_dtype != "float32"
    assert dtype_of(vae.kl_divergence(z_mean, z_log_var)) == "float32"
    assert dtype_of(vae.reconstruction_error(x, vae(x))) == "float32"
    vae.compile(optimizer="adam")
    history = vae.fit(x, epochs=2, batch_size=32, verbose=0).history
    for key in ("loss", "reconstruction_loss", "kl_loss"):
        assert np.all(np.isfinite(history[key])), history


def test_vae_loss_is_finite_with_a_saturated_decoder(mixed_policy, rng):
    """A decoder output of exactly 1.0 in the compute dtype: the binary
    cross-entropy is clipped in float32, where 1 - 1e-7 < 1."""
    x = (rng.uniform(size=(32, 36)) > 0.5).astype("float32")
    vae = build_dense_vae(36, 2, hidden_units=(16,), seed=0)
    vae.decoder.get_layer("decoder_output").bias.assign(np.full((36,), 30.0, "float32"))
    vae.compile(optimizer="adam")
    logs = vae.evaluate(x, verbose=0, return_dict=True)
    assert all(np.isfinite(value) for value in logs.values()), logs
    history = vae.fit(x, epochs=1, batch_size=32, verbose=0).history
    assert np.isfinite(history["loss"][0])


# --- Masked layers -----------------------------------------------------------


def test_masked_dense_computes_in_compute_dtype_with_its_mask(mixed_policy, rng):
    mask = rng.integers(0, 2, size=(6, 4))
    mask[:, 0] = 0  # unit 0 sees no input: its output is its bias, whatever the input
    layer = MaskedDense(4, mask, bias_initializer="ones")
    x = rng.uniform(size=(16, 6)).astype("float32")
    out = layer(x)
    assert dtype_of(out) == layer.compute_dtype != "float32"
    assert dtype_of(layer.kernel) == dtype_of(layer.kernel_mask) == "float32"
    assert all(w is not layer.kernel_mask for w in layer.trainable_weights)
    # The masked kernel in float32 on the inputs the layer saw (rounded to the
    # compute dtype): equal up to the compute dtype's rounding.
    seen = to_numpy(ops.cast(ops.cast(x, layer.compute_dtype), "float32"))
    expected = seen @ (to_numpy(layer.kernel) * mask) + 1.0
    out = to_numpy(out).astype("float32")
    np.testing.assert_allclose(out, expected, rtol=2e-2, atol=2e-2)
    np.testing.assert_array_equal(out[:, 0], 1.0)
    inputs = keras.Input((6,))
    model = keras.Model(inputs, keras.layers.Dense(6, activation="sigmoid")(layer(inputs)))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(x, x, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    np.testing.assert_array_equal(layer.mask, mask)


@pytest.mark.parametrize("mask_type", ["A", "B"])
def test_masked_conv2d_computes_in_compute_dtype_with_its_mask(mixed_policy, mask_type, rng):
    layer = MaskedConv2D(3, 3, mask_type=mask_type, use_bias=False)
    x = rng.uniform(size=(4, 5, 5, 1)).astype("float32")
    out = layer(x)
    assert dtype_of(out) == layer.compute_dtype != "float32"
    assert dtype_of(layer.kernel) == "float32"
    # Only the masked kernel acts: move one input pixel and only outputs at or
    # after it in raster order (after it, strictly, for type A) change.
    moved = x.copy()
    moved[:, 2, 2, 0] += 1.0
    change = np.abs(to_numpy(layer(moved)).astype("float32") - to_numpy(out).astype("float32"))
    changed = change.max(axis=(0, 3)) > 0
    raster = np.arange(25).reshape(5, 5)
    centre = 2 * 5 + 2
    assert not changed[raster < centre].any()
    assert changed[2, 2] == (mask_type == "B")
    assert changed[raster > centre].any()


def test_autoregressive_models_train_and_sample_under_mixed_precision(mixed_policy, rng):
    """The NLL is taken in float32 from half-precision logits: finite, and the
    exact one of the float32 computation on the same logits."""
    x = rng.integers(0, 2, size=(32, 8)).astype("float32")
    made = build_made(8, (16,), seed=0)
    logits = made(x)
    assert dtype_of(logits) == made.compute_dtype != "float32"
    assert dtype_of(made.negative_log_likelihood(x, logits)) == "float32"
    made.compile(optimizer="adam")
    history = made.fit(x, epochs=2, batch_size=16, verbose=0).history
    assert np.all(np.isfinite(history["loss"]))
    assert np.all(np.isfinite(made.log_prob(x)))
    samples = made.sample(3, seed=0)
    assert samples.shape == (3, 8) and set(np.unique(samples).tolist()) <= {0.0, 1.0}
    images = rng.integers(0, 2, size=(8, 6, 6, 1)).astype("float32")
    pixelcnn = build_pixelcnn((6, 6, 1), filters=4, n_layers=1, first_kernel_size=3, seed=0)
    assert dtype_of(pixelcnn(images)) == pixelcnn.compute_dtype
    pixelcnn.compile(optimizer="adam")
    history = pixelcnn.fit(images, epochs=1, batch_size=8, verbose=0).history
    assert np.isfinite(history["loss"][0])
