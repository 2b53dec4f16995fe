import keras
import numpy as np
import pytest
from keras import ops
from keras.ops import convert_to_numpy as to_numpy
from scipy.special import expit as sigmoid

from keras_ae.layers import DenseTranspose
from keras_ae.models import Autoencoder, VariationalAutoencoder

# A tiny VAE with fixed weights: 3 inputs, 2 latent units, 3 outputs.
W_MEAN = np.array([[0.5, -0.25], [0.125, 0.75], [-0.5, 0.25]])
B_MEAN = np.array([0.1, -0.2])
W_LOG_VAR = np.array([[0.25, 0.5], [-0.5, 0.25], [0.125, -0.375]])
B_LOG_VAR = np.array([-0.5, -1.5])
W_DEC = np.array([[0.75, -0.5, 0.25], [-0.25, 0.5, 0.5]])
# The second output saturates at ~0, the third at 1 (in float32): they hit the
# [epsilon, 1 - epsilon] clipping of the Bernoulli likelihood.
B_DEC = np.array([0.2, -40.0, 40.0])
X = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])


class ModeShift(keras.layers.Layer):
    """Adds 0 in inference (training=False), 1 in training, 0.5 when training is None.

    Records the batch sizes it sees (calls are eager in these tests).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.batch_sizes = []

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, x, training=None):
        self.batch_sizes.append(int(x.shape[0]))
        return x + {True: 1.0, False: 0.0, None: 0.5}[training]


def tiny_parts(log_var_bias=B_LOG_VAR, dec_activation="sigmoid", dec_dtype=None):
    inputs = keras.Input((3,))
    shifted = ModeShift(name="enc_mode")(inputs)
    mean_layer = keras.layers.Dense(2, name="mean")
    log_var_layer = keras.layers.Dense(2, name="log_var")
    encoder = keras.Model(inputs, [mean_layer(shifted), log_var_layer(shifted)])
    mean_layer.set_weights([W_MEAN, B_MEAN])
    log_var_layer.set_weights([W_LOG_VAR, np.asarray(log_var_bias, dtype="float64")])
    codes = keras.Input((2,), dtype=dec_dtype)
    dec_shift = ModeShift(name="dec_mode", dtype=dec_dtype)
    dense = keras.layers.Dense(3, activation=dec_activation, name="out", dtype=dec_dtype)
    decoder = keras.Model(codes, dense(dec_shift(codes)))
    dense.set_weights([W_DEC, B_DEC])
    reset_records(encoder, decoder)
    return encoder, decoder


def reset_records(*models):
    # Building a functional model calls its layers on placeholders.
    for model in models:
        for layer in model._flatten_layers():
            if isinstance(layer, ModeShift):
                layer.batch_sizes = []


def tiny_vae(log_var_bias=B_LOG_VAR, dec_activation="sigmoid", dec_dtype=None, **kwargs):
    encoder, decoder = tiny_parts(log_var_bias, dec_activation, dec_dtype)
    return VariationalAutoencoder(encoder, decoder, **kwargs)


def enc_batches(model):
    return model.encoder.get_layer("enc_mode").batch_sizes


def dec_batches(model):
    return model.decoder.get_layer("dec_mode").batch_sizes


def numpy_log_likelihood(x, n_samples, seed, reconstruction="bce", log_var_range=None):
    # Burda et al.'s estimator, written out: codes z_k = mu + sigma * eps_k with
    # eps drawn in one (K, n, latent) block from default_rng(seed).
    x = np.asarray(x, dtype="float32").astype("float64")
    mu = x @ W_MEAN + B_MEAN
    log_var = x @ W_LOG_VAR + B_LOG_VAR
    if log_var_range is not None:
        log_var = np.clip(log_var, *log_var_range)
    eps = np.random.default_rng(seed).standard_normal((n_samples, *mu.shape))
    z = mu + np.exp(0.5 * log_var) * eps
    log_q = np.sum(-0.5 * np.log(2 * np.pi) - 0.5 * log_var - 0.5 * eps**2, axis=-1)
    log_p = np.sum(-0.5 * np.log(2 * np.pi) - 0.5 * z**2, axis=-1)
    logits = z.astype("float32").astype("float64") @ W_DEC + B_DEC
    if reconstruction == "bce":
        p = np.clip(sigmoid(logits), 1e-7, 1 - 1e-7)
        log_px = np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=-1)
    else:
        # Gaussian with variance 1/2: log N = -(x - m)^2 - log(pi) / 2 per component.
        log_px = np.sum(-((x - logits) ** 2) - 0.5 * np.log(np.pi), axis=-1)
    log_w = (log_px + log_p - log_q).T  # (n, K)
    top = log_w.max(axis=1, keepdims=True)
    return top[:, 0] + np.log(np.mean(np.exp(log_w - top), axis=1))


# --- VariationalAutoencoder: construction and config -------------------------


def test_vae_defaults_beta_one_and_takes_model_kwargs():
    vae = tiny_vae(name="my_vae")
    assert vae.name == "my_vae"
    assert vae.beta == 1.0
    assert vae.get_config()["beta"] == 1.0
    assert vae.get_config()["seed"] is None


def test_vae_stores_seed_and_log_var_range_in_its_sampling_layer_and_config():
    vae = tiny_vae(seed=7, log_var_range=(-1, 0.5))
    assert vae.seed == 7
    assert vae.sampling.seed == 7
    assert vae.sampling.name == "sampling"
    assert vae.sampling.log_var_range == (-1.0, 0.5)
    config = vae.get_config()
    assert config["seed"] == 7
    assert config["log_var_range"] == [-1.0, 0.5]
    assert tiny_vae().get_config()["log_var_range"] is None


def test_vae_beta_is_a_scalar_non_trainable_weight_named_beta():
    vae = tiny_vae(beta=0.25)
    assert vae.beta_variable.name == "beta"
    assert vae.beta_variable.path.endswith("beta")
    assert tuple(vae.beta_variable.shape) == ()
    assert vae.beta_variable.trainable is False
    assert not any(w is vae.beta_variable for w in vae.trainable_weights)
    assert vae.beta == 0.25


# --- call, kl_divergence, reconstruction_error, compute_loss -----------------


def test_vae_call_passes_its_training_flag_to_encoder_and_decoder():
    # log-variance -60: the sampled z equals z_mean to float32 precision.
    vae = tiny_vae(log_var_bias=[-60.0, -60.0])
    x = X.astype("float32")
    for training, shift in ((False, 0.0), (True, 1.0)):
        out = to_numpy(vae.call(x, training=training))
        z = (X + shift) @ W_MEAN + B_MEAN
        expected = sigmoid((z + shift) @ W_DEC + B_DEC)
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_kl_divergence_sums_over_the_last_axis_in_float64_for_float64():
    rng = np.random.default_rng(0)
    z_mean = rng.normal(size=(2, 3, 4)) / 3
    z_log_var = rng.normal(size=(2, 3, 4)) / 3
    kl = tiny_vae().kl_divergence(ops.convert_to_tensor(z_mean), ops.convert_to_tensor(z_log_var))
    expected = -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=-1)
    kl = to_numpy(kl)
    assert kl.shape == (2, 3)
    # JAX runs with float64 off: then the computation is float32.
    tol = 1e-12 if kl.dtype == np.float64 else 1e-5
    np.testing.assert_allclose(kl, expected, rtol=tol)


def test_reconstruction_error_casts_the_target_to_the_float64_reconstruction():
    x = np.array([[0.1, 0.3, 0.7]])
    x_hat = np.array([[0.2, 0.5, 0.9]])
    vae = tiny_vae(reconstruction="mse")
    error = to_numpy(
        vae.reconstruction_error(ops.convert_to_tensor(x), ops.convert_to_tensor(x_hat))
    )
    expected = np.sum((x - x_hat) ** 2, axis=1)
    tol = 1e-13 if error.dtype == np.float64 else 1e-6
    np.testing.assert_allclose(error, expected, rtol=tol)


def numpy_loss(x_target, x_enc, y_pred, beta, shift):
    mu = (x_enc + shift) @ W_MEAN + B_MEAN
    log_var = (x_enc + shift) @ W_LOG_VAR + B_LOG_VAR
    kl = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=-1).mean()
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    rec = -np.sum(x_target * np.log(p) + (1 - x_target) * np.log(1 - p), axis=1).mean()
    return rec + beta * kl


def test_vae_compute_loss_runs_the_encoder_in_training_mode_by_default():
    vae = tiny_vae(beta=0.5)
    x = X.astype("float32")
    y_pred = np.full((3, 3), 0.25, dtype="float32")
    loss = to_numpy(vae.compute_loss(x=x, y_pred=ops.convert_to_tensor(y_pred)))
    np.testing.assert_allclose(loss, numpy_loss(X, X, y_pred, 0.5, 1.0), rtol=1e-5)
    loss = to_numpy(vae.compute_loss(x=x, y_pred=ops.convert_to_tensor(y_pred), training=True))
    np.testing.assert_allclose(loss, numpy_loss(X, X, y_pred, 0.5, 1.0), rtol=1e-5)
    loss = to_numpy(vae.compute_loss(x=x, y_pred=ops.convert_to_tensor(y_pred), training=False))
    np.testing.assert_allclose(loss, numpy_loss(X, X, y_pred, 0.5, 0.0), rtol=1e-5)


def test_vae_compute_loss_takes_the_first_of_several_inputs_and_an_explicit_target():
    vae = tiny_vae(beta=0.5)
    x = X.astype("float32")
    other = np.ones((3, 3), dtype="float32")
    y_pred = np.full((3, 3), 0.25, dtype="float32")
    # A tuple of inputs: the first is the input, and the target when y is None.
    loss = to_numpy(vae.compute_loss(x=(x, other), y_pred=ops.convert_to_tensor(y_pred)))
    np.testing.assert_allclose(loss, numpy_loss(X, X, y_pred, 0.5, 1.0), rtol=1e-5)
    # An explicit y is the target of the reconstruction term.
    loss = to_numpy(vae.compute_loss(x=x, y=other, y_pred=ops.convert_to_tensor(y_pred)))
    np.testing.assert_allclose(loss, numpy_loss(other, X, y_pred, 0.5, 1.0), rtol=1e-5)


def test_vae_compute_loss_adds_the_regularization_losses_of_its_parts():
    inputs = keras.Input((3,))
    encoder = keras.Model(
        inputs, [keras.layers.Dense(2, name="mean")(inputs), keras.layers.Dense(2)(inputs)]
    )
    encoder.get_layer("mean").set_weights([W_MEAN, B_MEAN])
    encoder.layers[-1].set_weights([W_LOG_VAR, B_LOG_VAR])
    codes = keras.Input((2,))
    dense = keras.layers.Dense(
        3, activation="sigmoid", kernel_regularizer=keras.regularizers.L2(0.5)
    )
    decoder = keras.Model(codes, dense(codes))
    dense.set_weights([W_DEC, B_DEC])
    vae = VariationalAutoencoder(encoder, decoder, beta=0.5)
    y_pred = np.full((3, 3), 0.25, dtype="float32")
    loss = to_numpy(vae.compute_loss(x=X.astype("float32"), y_pred=ops.convert_to_tensor(y_pred)))
    # L2(0.5) penalty: 0.5 * sum(W^2) = 0.5 * 1.5 = 0.75, added to the ELBO loss.
    expected = numpy_loss(X, X, y_pred, 0.5, 0.0) + 0.5 * np.sum(W_DEC**2)
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_vae_compute_loss_keeps_the_dtype_of_its_loss_terms_under_a_float64_floatx():
    # floatx float64 makes beta a float64 weight; float32 parts give float32 loss
    # terms, and the total (regularizer included) stays float32.
    keras.config.set_floatx("float64")
    try:
        inputs = keras.Input((3,), dtype="float32")
        encoder = keras.Model(
            inputs,
            [
                keras.layers.Dense(2, dtype="float32")(inputs),
                keras.layers.Dense(2, dtype="float32")(inputs),
            ],
        )
        codes = keras.Input((2,), dtype="float32")
        dense = keras.layers.Dense(
            3, activation="sigmoid", dtype="float32", kernel_regularizer=keras.regularizers.L2(0.5)
        )
        vae = VariationalAutoencoder(encoder, keras.Model(codes, dense(codes)), beta=0.5)
        y_pred = ops.convert_to_tensor(np.full((3, 3), 0.25, dtype="float32"))
        loss = vae.compute_loss(x=ops.convert_to_tensor(X.astype("float32")), y_pred=y_pred)
        assert keras.backend.standardize_dtype(loss.dtype) == "float32"
    finally:
        keras.config.set_floatx("float32")


# --- encode, decode, generate, negative_elbo -----------------------------------


def test_vae_encode_runs_in_inference_mode_in_batches_of_256_by_default():
    vae = tiny_vae()
    x = np.tile(X, (100, 1)).astype("float32")  # 300 examples
    z_mean = vae.encode(x)
    np.testing.assert_allclose(z_mean, x @ W_MEAN + B_MEAN, rtol=1e-5, atol=1e-6)
    assert enc_batches(vae) == [256, 44]
    z_mean, z_log_var = vae.encode_distribution(x)
    np.testing.assert_allclose(z_log_var, x @ W_LOG_VAR + B_LOG_VAR, rtol=1e-5, atol=1e-6)
    assert enc_batches(vae) == [256, 44, 256, 44]


def test_vae_generate_decodes_floatx_prior_codes_in_batches_of_256_by_default():
    vae = tiny_vae()
    images = vae.generate(300, seed=3)
    z = np.random.default_rng(3).standard_normal((300, 2)).astype("float32")
    np.testing.assert_allclose(images, sigmoid(z.astype("float64") @ W_DEC + B_DEC), atol=1e-6)
    assert dec_batches(vae) == [256, 44]
    vae.generate(5, seed=3, batch_size=2)
    assert dec_batches(vae)[2:] == [2, 2, 1]


def numpy_negative_elbo(x, seed, n_samples=1):
    mu = x @ W_MEAN + B_MEAN
    log_var = x @ W_LOG_VAR + B_LOG_VAR
    kl = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=-1)
    rng = np.random.default_rng(seed)
    rec = np.zeros(len(x))
    for _ in range(n_samples):
        z = mu + np.exp(0.5 * log_var) * rng.standard_normal(mu.shape)
        # Keras's binary cross-entropy clips in float32: 1 - 1e-7 rounds to 1 - 2**-23.
        p = np.clip(sigmoid(z @ W_DEC + B_DEC), np.float32(1e-7), np.float32(1 - 1e-7))
        rec -= np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
    rec /= n_samples
    return {
        "negative_elbo": np.mean(rec + kl),
        "reconstruction_loss": rec.mean(),
        "kl_loss": kl.mean(),
    }


def test_negative_elbo_matches_numpy_with_seed_zero_by_default():
    x = np.tile(X, (2, 1)).astype("float32")
    vae = tiny_vae()
    for result, seed in (
        (vae.negative_elbo(x), 0),
        (vae.negative_elbo(x, seed=5, batch_size=2), 5),
    ):
        expected = numpy_negative_elbo(x.astype("float64"), seed)
        for key, value in expected.items():
            np.testing.assert_allclose(result[key], value, rtol=2e-5)


def test_negative_elbo_encodes_and_decodes_in_batches_of_batch_size():
    x = np.tile(X, (100, 1)).astype("float32")
    vae = tiny_vae()
    vae.negative_elbo(x)
    assert enc_batches(vae) == [256, 44]
    assert dec_batches(vae) == [256, 44]
    vae = tiny_vae()
    vae.negative_elbo(x[:5], batch_size=2)
    assert enc_batches(vae) == [2, 2, 1]
    assert dec_batches(vae) == [2, 2, 1]


def test_negative_elbo_rejects_invalid_seed_naming_it():
    with pytest.raises(ValueError, match="argument `seed`.*Received: seed=-1"):
        tiny_vae().negative_elbo(X.astype("float32"), seed=-1)


# --- log_likelihood ------------------------------------------------------------


@pytest.mark.parametrize("reconstruction", ["bce", "mse"])
def test_log_likelihood_is_the_importance_weighted_estimate(reconstruction):
    activation = "sigmoid" if reconstruction == "bce" else None
    vae = tiny_vae(reconstruction=reconstruction, dec_activation=activation)
    result = vae.log_likelihood(X, n_samples=7, seed=11)
    assert result.dtype == np.float64 and result.shape == (3,)
    expected = numpy_log_likelihood(X, 7, 11, reconstruction)
    np.testing.assert_allclose(result, expected, rtol=1e-5)
    # Defaults: K = 100 codes per example and seed 0.
    np.testing.assert_allclose(
        vae.log_likelihood(X), numpy_log_likelihood(X, 100, 0, reconstruction), rtol=1e-5
    )


def test_log_likelihood_clips_log_var_to_the_sampling_range():
    # Without the clip, the log-variances lie in about [-2.6, 0.4].
    vae = tiny_vae(log_var_range=(-1.0, -0.75))
    expected = numpy_log_likelihood(X, 5, 2, log_var_range=(-1.0, -0.75))
    np.testing.assert_allclose(vae.log_likelihood(X, n_samples=5, seed=2), expected, rtol=1e-5)


def test_log_likelihood_stays_finite_for_examples_of_very_different_likelihood():
    # One example near the decoder's outputs, one 100 units away: their log
    # weights differ by ~1e4 nats; each example's log-sum-exp has its own shift.
    vae = tiny_vae(reconstruction="mse", dec_activation=None)
    x = np.array([[0.0, 0.0, 0.0], [100.0, 100.0, 100.0]])
    result = vae.log_likelihood(x, n_samples=4, seed=1)
    assert np.all(np.isfinite(result))
    np.testing.assert_allclose(result, numpy_log_likelihood(x, 4, 1, "mse"), rtol=1e-5)


def test_log_likelihood_takes_inputs_as_float32():
    vae = tiny_vae()
    x = np.array([[0.1, 0.7, 0.3], [1 / 3, 0.9, 0.05]])  # not float32 numbers
    np.testing.assert_array_equal(
        vae.log_likelihood(x, n_samples=3), vae.log_likelihood(x.astype("float32"), n_samples=3)
    )


def test_log_likelihood_decodes_in_inference_mode_in_batches_of_batch_size():
    vae = tiny_vae()
    x = np.tile(X, (100, 1))  # 300 examples: 27 codes per chunk of 8192
    vae.log_likelihood(x[:3])  # 100 codes for each of 3 examples
    assert enc_batches(vae) == [3]
    assert dec_batches(vae) == [256, 44]
    vae = tiny_vae()
    vae.log_likelihood(x[:5], n_samples=2, batch_size=2)
    assert enc_batches(vae) == [2, 2, 1]
    assert dec_batches(vae) == [2, 2, 2, 2, 2]


def test_log_likelihood_decodes_at_most_8192_codes_per_chunk():
    # 3 examples: chunks of 8192 // 3 = 2730 codes per example, 8190 codes.
    vae = tiny_vae()
    vae.log_likelihood(X, n_samples=2731, batch_size=4096)
    assert dec_batches(vae) == [4096, 4094, 3]
    # 8193 examples: at least one code per example per chunk.
    vae = tiny_vae()
    x = np.tile(X, (2731, 1))
    vae.log_likelihood(x, n_samples=2, batch_size=20000)
    assert dec_batches(vae) == [8193, 8193]


# --- Autoencoder / EncoderDecoderModel -------------------------------------------


def tiny_autoencoder():
    encoder, decoder = tiny_parts()
    inputs = keras.Input((3,))
    encoder = keras.Model(inputs, encoder(inputs)[0])
    reset_records(encoder)
    return Autoencoder(encoder, decoder)


def test_autoencoder_call_passes_its_training_flag_to_both_parts():
    autoencoder = tiny_autoencoder()
    x = X.astype("float32")
    for training, shift in ((False, 0.0), (True, 1.0)):
        z = (X + shift) @ W_MEAN + B_MEAN
        expected = sigmoid((z + shift) @ W_DEC + B_DEC)
        out = to_numpy(autoencoder.call(x, training=training))
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_autoencoder_encode_and_reconstruct_run_in_inference_in_batches_of_256():
    autoencoder = tiny_autoencoder()
    x = np.tile(X, (100, 1)).astype("float32")
    z = x.astype("float64") @ W_MEAN + B_MEAN
    np.testing.assert_allclose(autoencoder.encode(x), z, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        autoencoder.reconstruct(x), sigmoid(z @ W_DEC + B_DEC), rtol=1e-5, atol=1e-6
    )
    assert dec_batches(autoencoder) == [256, 44]
    assert autoencoder.encoder.layers[1].get_layer("enc_mode").batch_sizes == [256, 44, 256, 44]


def test_encode_accepts_lists_and_tensors():
    autoencoder = tiny_autoencoder()
    expected = X @ W_MEAN + B_MEAN
    np.testing.assert_allclose(autoencoder.encode(X.tolist()), expected, rtol=1e-5, atol=1e-6)
    tensor = ops.convert_to_tensor(X.astype("float32"))
    np.testing.assert_allclose(autoencoder.encode(tensor), expected, rtol=1e-5, atol=1e-6)
    vae = tiny_vae()
    np.testing.assert_allclose(vae.encode(X.tolist()), expected, rtol=1e-5, atol=1e-6)


def test_autoencoder_rejects_a_non_layer_decoder_naming_it():
    encoder, _ = tiny_parts()
    with pytest.raises(ValueError, match=r"argument `decoder`.*Received: decoder='nope'"):
        Autoencoder(encoder, "nope")
    with pytest.raises(ValueError, match=r"argument `encoder`.*Received: encoder=3"):
        Autoencoder(3, encoder)


def test_autoencoder_is_built_only_when_both_parts_are():
    encoder, decoder = tiny_parts()
    assert Autoencoder(encoder, keras.layers.Dense(3)).built is False
    assert Autoencoder(keras.layers.Dense(2), decoder).built is False
    assert Autoencoder(encoder, decoder).built is True


def test_from_config_keeps_a_decoder_internal_tie():
    # The DenseTranspose is tied to a Dense of the decoder itself, not of the
    # encoder: reloading must leave that tie alone.
    inputs = keras.Input((3,))
    encoder = keras.Model(inputs, keras.layers.Dense(2, name="enc")(inputs))
    codes = keras.Input((2,))
    inner = keras.layers.Dense(4, name="inner")
    decoder = keras.Model(codes, DenseTranspose(inner, name="tied")(inner(codes)))
    autoencoder = Autoencoder(encoder, decoder)
    restored = Autoencoder.from_config(autoencoder.get_config())
    assert restored.decoder.get_layer("tied").dense.name == "inner"
    assert restored(X.astype("float32")).shape == (3, 2)
