import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.layers import ContractiveDense, DenseTranspose, MaskingNoise
from keras_ae.models import (
    Autoencoder,
    VariationalAutoencoder,
    build_conv_autoencoder,
    build_dense_autoencoder,
    build_dense_vae,
)
from keras_ae.regularizers import KLSparsity
from keras_ae.training import KLWarmup


def binary_data(rng, n=256, d=20):
    """Binary patterns made of a few prototypes, so that there is structure to learn."""
    prototypes = rng.uniform(size=(4, d)) > 0.5
    flips = rng.uniform(size=(n, d)) < 0.05
    return (prototypes[rng.integers(0, 4, n)] ^ flips).astype("float32")


def test_autoencoder_is_decoder_of_encoder(rng):
    autoencoder = build_dense_autoencoder((4, 5), 3, hidden_units=(8,))
    x = rng.uniform(size=(6, 4, 5)).astype("float32")
    codes = autoencoder.encode(x)
    assert codes.shape == (6, 3)
    np.testing.assert_allclose(
        to_numpy(autoencoder(x)), autoencoder.decode(codes), rtol=1e-5, atol=1e-6
    )
    assert autoencoder.predict(x, verbose=0).shape == (6, 4, 5)


def test_autoencoder_training_reduces_reconstruction_error(rng):
    keras.utils.set_random_seed(0)
    x = binary_data(rng)
    autoencoder = build_dense_autoencoder(20, 4, code_activation="sigmoid")
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = autoencoder.fit(x, x, epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_build_dense_autoencoder_layers(rng):
    autoencoder = build_dense_autoencoder(
        (6, 6),
        5,
        hidden_units=(20, 10),
        code_activation="sigmoid",
        activity_regularizer=KLSparsity(0.1),
        noise_rate=0.2,
        seed=3,
    )
    sizes = [
        layer.units for layer in autoencoder.encoder.layers if isinstance(layer, keras.layers.Dense)
    ]
    assert sizes == [20, 10, 5]
    sizes = [
        layer.units for layer in autoencoder.decoder.layers if isinstance(layer, keras.layers.Dense)
    ]
    assert sizes == [10, 20, 36]
    assert isinstance(autoencoder.encoder.get_layer("masking_noise"), MaskingNoise)
    assert isinstance(autoencoder.encoder.get_layer("code").activity_regularizer, KLSparsity)


def test_built_autoencoders_count_their_parameters_before_any_call():
    autoencoder = build_dense_autoencoder((6, 6), 5, hidden_units=(20,))
    expected = (36 * 20 + 20) + (20 * 5 + 5) + (5 * 20 + 20) + (20 * 36 + 36)
    assert autoencoder.built
    assert autoencoder.count_params() == expected
    vae = build_dense_vae((6, 6), 2, hidden_units=(10,))
    weights = (36 * 10 + 10) + 2 * (10 * 2 + 2) + (2 * 10 + 10) + (10 * 36 + 36)
    assert vae.count_params() == weights + 1  # and beta, a non-trainable variable


def test_kernel_regularizer_decays_every_kernel_and_adds_its_loss(rng):
    plain = build_dense_autoencoder((6, 6), 5, hidden_units=(20,))
    decayed = build_dense_autoencoder(
        (6, 6), 5, hidden_units=(20,), kernel_regularizer=keras.regularizers.L2(0.1)
    )
    dense = [
        layer
        for part in (decayed.encoder, decayed.decoder)
        for layer in part.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    assert len(dense) == 4
    assert all(isinstance(layer.kernel_regularizer, keras.regularizers.L2) for layer in dense)
    assert not plain.losses
    expected = sum(0.1 * np.sum(to_numpy(layer.kernel) ** 2) for layer in dense)
    np.testing.assert_allclose(
        float(sum(to_numpy(loss) for loss in decayed.losses)), expected, rtol=1e-5
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"input_shape": 0, "code_size": 2},
            "Invalid value received for argument `input_shape`. Expected a positive integer or a "
            "non-empty tuple of positive integers. Received: input_shape=0",
        ),
        (
            {"input_shape": 8, "code_size": 0},
            "Invalid value received for argument `code_size`. Expected a positive integer. "
            "Received: code_size=0",
        ),
        (
            {"input_shape": 8, "code_size": 2, "hidden_units": 4},
            "Invalid value received for argument `hidden_units`. Expected a tuple of positive "
            "integers. Received: hidden_units=4",
        ),
        (
            {"input_shape": 8, "code_size": 2, "noise_rate": 1.0},
            "Invalid value received for argument `noise_rate`. Expected a float value in "
            "[0.0, 1.0). Received: noise_rate=1.0",
        ),
    ],
)
def test_build_dense_autoencoder_rejects_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        build_dense_autoencoder(**kwargs)
    assert str(excinfo.value) == message


# --- Convolutional autoencoder ----------------------------------------------


@pytest.mark.parametrize("upsampling", ["transpose", "nearest"])
def test_build_conv_autoencoder_shapes_and_layers(rng, upsampling):
    autoencoder = build_conv_autoencoder((16, 12), 5, filters=(4, 8), upsampling=upsampling)
    x = rng.uniform(size=(3, 16, 12)).astype("float32")
    assert autoencoder.encode(x).shape == (3, 5)
    assert autoencoder.predict(x, verbose=0).shape == (3, 16, 12)
    convs = [
        layer for layer in autoencoder.encoder.layers if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [(c.filters, c.strides) for c in convs] == [(4, (2, 2)), (8, (2, 2))]
    assert autoencoder.decoder.get_layer("decoder_dense").units == 4 * 3 * 8
    up = keras.layers.Conv2DTranspose if upsampling == "transpose" else keras.layers.UpSampling2D
    assert sum(isinstance(layer, up) for layer in autoencoder.decoder.layers) == 2
    assert autoencoder.decoder.get_layer("decoder_output").filters == 1
    # Parameters: encoder convs, code, dense back, then each decoder level
    # (a Conv2DTranspose or a Conv2D after the upsampling: the same count).
    expected = (
        (9 * 1 * 4 + 4)
        + (9 * 4 * 8 + 8)
        + (4 * 3 * 8 * 5 + 5)
        + (5 * 96 + 96)
        + (9 * 8 * 4 + 4)
        + (9 * 4 * 1 + 1)
    )
    assert autoencoder.count_params() == expected


@pytest.mark.parametrize("builder", [build_dense_autoencoder, build_conv_autoencoder])
def test_builders_add_gaussian_noise_in_training_only(rng, builder):
    autoencoder = builder((8, 8), 4, noise_rate=0.25, noise_stddev=0.3, seed=5)
    layers = [layer.name for layer in autoencoder.encoder.layers]
    assert layers.index("masking_noise") < layers.index("gaussian_noise")
    noise = autoencoder.encoder.get_layer("gaussian_noise")
    assert isinstance(noise, keras.layers.GaussianNoise) and noise.stddev == 0.3
    x = rng.uniform(size=(64, 8, 8)).astype("float32")
    np.testing.assert_allclose(to_numpy(noise(x)), x)  # inference: the identity
    added = to_numpy(noise(x, training=True)) - x
    assert abs(added.std() - 0.3) < 0.02 and abs(added.mean()) < 0.02
    plain = builder((8, 8), 4)
    assert not any(
        isinstance(layer, (keras.layers.GaussianNoise, MaskingNoise))
        for layer in plain.encoder.layers
    )


@pytest.mark.parametrize("builder", [build_dense_autoencoder, build_conv_autoencoder])
def test_builders_reject_negative_noise_stddev(builder):
    with pytest.raises(ValueError) as excinfo:
        builder((8, 8), 4, noise_stddev=-0.1)
    assert str(excinfo.value) == (
        "Invalid value received for argument `noise_stddev`. Expected a finite float value >= 0.0. "
        "Received: noise_stddev=-0.1"
    )


def test_build_conv_autoencoder_with_channels_and_noise(rng):
    autoencoder = build_conv_autoencoder((8, 8, 3), 4, filters=(6,), noise_rate=0.5, seed=2)
    x = rng.uniform(size=(2, 8, 8, 3)).astype("float32")
    assert autoencoder.predict(x, verbose=0).shape == (2, 8, 8, 3)
    noise = autoencoder.encoder.get_layer("masking_noise")
    assert isinstance(noise, MaskingNoise) and noise.rate == 0.5


def test_conv_autoencoder_learns_and_round_trips(rng, tmp_path):
    keras.utils.set_random_seed(0)
    prototypes = (rng.uniform(size=(3, 8, 8)) > 0.5).astype("float32")
    x = prototypes[rng.integers(0, 3, 192)]
    autoencoder = build_conv_autoencoder((8, 8), 3, filters=(8,))
    autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = autoencoder.fit(x, x, epochs=20, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    autoencoder.save(tmp_path / "conv.keras")
    reloaded = keras.saving.load_model(tmp_path / "conv.keras")
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), autoencoder.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"input_shape": 28, "code_size": 2},
            "argument `input_shape`. Expected an image shape (height, width) or (height, width, "
            "channels). Received: input_shape=(28,)",
        ),
        (
            {"input_shape": (30, 30), "code_size": 2},
            "argument `input_shape`. Expected a height and width divisible by 4 "
            "(2 ** len(filters), one halving per level of `filters`). "
            "Received: input_shape=(30, 30)",
        ),
        (
            {"input_shape": (28, 28), "code_size": 2, "filters": ()},
            "argument `filters`. Expected a non-empty tuple of positive integers. Received: "
            "filters=()",
        ),
        (
            {"input_shape": (28, 28), "code_size": 2, "upsampling": "bilinear"},
            "argument `upsampling`. Expected one of {'transpose', 'nearest'}. Received: "
            "upsampling='bilinear'",
        ),
        (
            {"input_shape": (28, 28), "code_size": 2, "kernel_size": 0},
            "argument `kernel_size`. Expected a positive integer. Received: kernel_size=0",
        ),
    ],
)
def test_build_conv_autoencoder_rejects_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        build_conv_autoencoder(**kwargs)
    assert str(excinfo.value) == "Invalid value received for " + message


def test_autoencoder_rejects_non_layer_parts():
    with pytest.raises(ValueError, match=r"argument `encoder`. Expected a Keras model or layer"):
        Autoencoder("encoder", keras.layers.Dense(2))


# --- VariationalAutoencoder -------------------------------------------------


def numpy_vae_loss(x, x_hat, z_mean, z_log_var, beta, reconstruction):
    x, x_hat = x.reshape(len(x), -1).astype("float64"), x_hat.reshape(len(x), -1)
    if reconstruction == "bce":
        p = np.clip(x_hat.astype("float64"), 1e-7, 1 - 1e-7)
        rec = -np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
    else:
        rec = np.sum((x - x_hat) ** 2, axis=1)
    kl = -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=1)
    return rec.mean() + beta * kl.mean(), rec.mean(), kl.mean()


@pytest.mark.parametrize("reconstruction", ["bce", "mse"])
def test_vae_compute_loss_matches_numpy(reconstruction, rng):
    vae = build_dense_vae(12, 3, hidden_units=(8,), beta=0.7, reconstruction=reconstruction)
    x = (rng.uniform(size=(10, 12)) > 0.5).astype("float32")
    x_hat = rng.uniform(0.05, 0.95, size=(10, 12)).astype("float32")
    z_mean, z_log_var = (to_numpy(t) for t in vae.encoder(x))
    loss = to_numpy(vae.compute_loss(x=x, y_pred=keras.ops.convert_to_tensor(x_hat)))
    expected, _, _ = numpy_vae_loss(x, x_hat, z_mean, z_log_var, 0.7, reconstruction)
    np.testing.assert_allclose(loss, expected, rtol=1e-4)


def test_vae_fit_reports_loss_terms_that_add_up(rng):
    keras.utils.set_random_seed(0)
    x = binary_data(rng, n=128)
    vae = build_dense_vae(20, 2, hidden_units=(16,), beta=2.0, seed=1)
    vae.compile(optimizer="adam")
    history = vae.fit(x, epochs=2, batch_size=128, verbose=0, validation_data=(x,))
    logs = history.history
    for key in (
        "loss",
        "reconstruction_loss",
        "kl_loss",
        "val_loss",
        "val_reconstruction_loss",
        "val_kl_loss",
    ):
        assert key in logs
    # One batch per epoch: the logged loss is exactly reconstruction + beta * KL.
    for prefix in ("", "val_"):
        np.testing.assert_allclose(
            logs[prefix + "loss"][-1],
            logs[prefix + "reconstruction_loss"][-1] + 2.0 * logs[prefix + "kl_loss"][-1],
            rtol=1e-5,
        )


def test_vae_training_runs_encoder_once_per_step(rng):
    """compute_loss reuses the forward pass instead of running the encoder again."""
    x = binary_data(rng, n=64)
    vae = build_dense_vae(20, 2, hidden_units=(8,))
    vae.compile(optimizer="adam", run_eagerly=True)
    vae.fit(x[:16], epochs=1, batch_size=16, verbose=0)  # builds the model
    calls = []
    original_call = vae.encoder.call

    def counting_call(*args, **kwargs):
        calls.append(1)
        return original_call(*args, **kwargs)

    vae.encoder.call = counting_call
    vae.fit(x, epochs=1, batch_size=16, verbose=0)
    assert len(calls) == 4


def test_vae_learns_and_kl_is_positive(rng):
    keras.utils.set_random_seed(0)
    x = binary_data(rng, n=512)
    vae = build_dense_vae(20, 2, hidden_units=(32,), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(0.005))
    history = vae.fit(x, epochs=25, batch_size=64, verbose=0)
    assert (
        history.history["reconstruction_loss"][-1] < 0.6 * history.history["reconstruction_loss"][0]
    )
    assert history.history["kl_loss"][-1] > 0.1
    elbo = vae.negative_elbo(x, n_samples=4)
    assert elbo["negative_elbo"] == pytest.approx(
        elbo["reconstruction_loss"] + elbo["kl_loss"], rel=1e-6
    )
    # The Monte Carlo ELBO agrees with what evaluate() reports (beta = 1).
    evaluated = vae.evaluate(x, batch_size=512, verbose=0, return_dict=True)
    assert elbo["negative_elbo"] == pytest.approx(evaluated["loss"], rel=0.05)


def test_vae_generate_samples_from_prior(rng):
    vae = build_dense_vae((4, 4), 3, hidden_units=(8,))
    images = vae.generate(7, seed=0)
    assert images.shape == (7, 4, 4)
    assert np.all((images >= 0) & (images <= 1))
    np.testing.assert_array_equal(images, vae.generate(7, seed=0))
    assert vae.latent_dim == 3
    z_mean = vae.encode(rng.uniform(size=(5, 4, 4)).astype("float32"))
    assert z_mean.shape == (5, 3)


def test_vae_beta_is_settable_and_validated():
    vae = build_dense_vae(6, 2, hidden_units=(4,), beta=1.0)
    vae.beta = 0.25
    assert vae.beta == 0.25
    with pytest.raises(ValueError) as excinfo:
        vae.beta = -1.0
    assert str(excinfo.value) == (
        "Invalid value received for argument `beta`. Expected a finite float value >= 0.0. "
        "Received: beta=-1.0"
    )


def test_vae_weights_carry_beta_first_as_documented():
    source = build_dense_vae(6, 2, hidden_units=(4,), beta=4.0)
    target = build_dense_vae(6, 2, hidden_units=(4,), beta=0.5)
    weights = source.get_weights()
    assert weights[0].shape == () and float(weights[0]) == 4.0
    target.set_weights(weights)
    assert target.beta == 4.0
    target.beta = 0.5
    assert target.beta == 0.5
    np.testing.assert_array_equal(target.get_weights()[1], weights[1])


def test_vae_rejects_loss_in_compile():
    vae = build_dense_vae(6, 2, hidden_units=(4,))
    with pytest.raises(ValueError, match=r"computes its own loss .* Received: loss='mse'"):
        vae.compile(optimizer="adam", loss="mse")


def test_vae_rejects_invalid_reconstruction():
    with pytest.raises(ValueError) as excinfo:
        build_dense_vae(6, 2, reconstruction="l1")
    assert str(excinfo.value) == (
        "Invalid value received for argument `reconstruction`. Expected one of "
        "{'bce', 'mse'}. Received: reconstruction='l1'"
    )


@pytest.mark.parametrize("count", [1, 4])
def test_vae_rejects_encoder_with_wrong_output_count(count):
    inputs = keras.Input((6,))
    outputs = [keras.layers.Dense(2)(inputs) for _ in range(count)]
    encoder = keras.Model(inputs, outputs[0] if count == 1 else outputs)
    decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(6)])
    received = "1 tensor" if count == 1 else f"{count} tensors"
    with pytest.raises(ValueError) as excinfo:
        VariationalAutoencoder(encoder, decoder)
    assert str(excinfo.value) == (
        "The encoder of a `VariationalAutoencoder` must return two tensors "
        "[z_mean, z_log_var] (or three, [z_mean, z_log_var, z], whose z is "
        f"ignored). Received: {received}."
    )


def test_vae_rejects_subclassed_encoder_with_one_output_when_called(rng):
    """An encoder without `outputs` (a subclassed layer) is checked at the first call."""
    decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(6)])
    vae = VariationalAutoencoder(keras.layers.Dense(2), decoder)
    with pytest.raises(ValueError, match=r"z is ignored\). Received: 1 tensor\."):
        vae(rng.uniform(size=(2, 6)).astype("float32"))


def test_kl_warmup_anneals_beta_linearly(rng):
    x = binary_data(rng, n=32)
    vae = build_dense_vae(20, 2, hidden_units=(4,), beta=1.0)
    vae.compile(optimizer="adam")
    history = vae.fit(x, epochs=5, batch_size=32, verbose=0, callbacks=[KLWarmup(4)])
    np.testing.assert_allclose(history.history["beta"], [0.0, 0.25, 0.5, 0.75, 1.0])
    assert vae.beta == 1.0


def test_kl_warmup_changes_the_loss_actually_optimised(rng):
    """With beta = 0 in the first epoch, the logged loss equals the reconstruction alone."""
    x = binary_data(rng, n=32)
    vae = build_dense_vae(20, 2, hidden_units=(4,), beta=1.0)
    vae.compile(optimizer="adam")
    history = vae.fit(x, epochs=2, batch_size=32, verbose=0, callbacks=[KLWarmup(2)])
    logs = history.history
    assert logs["loss"][0] == pytest.approx(logs["reconstruction_loss"][0], rel=1e-6)
    assert logs["loss"][1] == pytest.approx(
        logs["reconstruction_loss"][1] + 0.5 * logs["kl_loss"][1], rel=1e-5
    )


def test_kl_warmup_rejects_model_without_beta(rng):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x = rng.uniform(size=(4, 2)).astype("float32")
    with pytest.raises(ValueError, match="needs a model with a `beta` weight"):
        model.fit(x, x, epochs=1, verbose=0, callbacks=[KLWarmup(2)])


# --- Saving a model that uses every custom object ---------------------------


def test_save_load_round_trip_with_every_custom_object(rng, tmp_path):
    inputs = keras.Input((16,))
    corrupted = MaskingNoise(0.25, seed=0)(inputs)
    tied = keras.layers.Dense(
        8, activation="sigmoid", name="tied_encoder", activity_regularizer=KLSparsity(0.1, 1.0)
    )
    hidden = ContractiveDense(6, lam=0.05, name="contractive")(tied(corrupted))
    z_mean = keras.layers.Dense(2, name="z_mean")(hidden)
    z_log_var = keras.layers.Dense(2, name="z_log_var")(hidden)
    encoder = keras.Model(inputs, [z_mean, z_log_var], name="encoder")
    codes = keras.Input((2,))
    expanded = keras.layers.Dense(8, activation="sigmoid")(codes)
    decoder_inputs = keras.layers.Dense(8, activation="sigmoid")(expanded)
    decoder_layer = DenseTranspose(tied, activation="sigmoid", name="tied_decoder")
    # The decoder reuses the encoder's kernel: it is built from the same layer.
    decoder = keras.Model(codes, decoder_layer(decoder_inputs), name="decoder")
    vae = VariationalAutoencoder(encoder, decoder, beta=0.5, log_var_range=(-60, 10), seed=3)
    vae.compile(optimizer="adam")
    x = (rng.uniform(size=(32, 16)) > 0.5).astype("float32")
    vae.fit(x, epochs=1, batch_size=16, verbose=0)

    path = tmp_path / "vae.keras"
    vae.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded, VariationalAutoencoder)
    assert reloaded.beta == 0.5 and reloaded.reconstruction == "bce"
    np.testing.assert_allclose(reloaded.encode(x), vae.encode(x), rtol=1e-6, atol=1e-6)
    z = rng.normal(size=(5, 2)).astype("float32")
    np.testing.assert_allclose(reloaded.decode(z), vae.decode(z), rtol=1e-6, atol=1e-6)
    assert reloaded.decoder.get_layer("tied_decoder").dense is reloaded.encoder.get_layer(
        "tied_encoder"
    )
    # The reloaded model keeps training.
    history = reloaded.fit(x, epochs=1, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"][0])

    autoencoder = build_dense_autoencoder(
        16, 4, activity_regularizer=KLSparsity(0.2), code_activation="sigmoid", noise_rate=0.1
    )
    autoencoder.compile(optimizer="adam", loss="mse")
    autoencoder.fit(x, x, epochs=1, verbose=0)
    autoencoder.save(tmp_path / "ae.keras")
    reloaded_ae = keras.saving.load_model(tmp_path / "ae.keras")
    assert isinstance(reloaded_ae, Autoencoder)
    np.testing.assert_allclose(
        reloaded_ae.predict(x, verbose=0), autoencoder.predict(x, verbose=0), rtol=1e-6, atol=1e-6
    )


def test_denoising_autoencoder_restores_masked_inputs_better_than_plain(rng):
    """With an overcomplete code, a plain autoencoder copies zeros through; one
    trained with MaskingNoise learns to fill them in."""
    x = binary_data(rng, n=1024, d=30)
    masked = x * (rng.uniform(size=x.shape) >= 0.3)
    errors = {}
    for rate in (0.0, 0.3):
        keras.utils.set_random_seed(0)
        autoencoder = build_dense_autoencoder(
            30, 64, code_activation="sigmoid", noise_rate=rate, seed=1
        )
        autoencoder.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
        autoencoder.fit(x, x, epochs=30, batch_size=64, verbose=0)
        errors[rate] = float(np.mean((autoencoder.predict(masked, verbose=0) - x) ** 2))
    assert errors[0.3] < 0.75 * errors[0.0], errors


# --- A keras.io-style VAE ------------------------------------------------------


class KerasIOSampling(keras.layers.Layer):
    """The keras.io example's own sampling layer, unchanged but for the seed."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = keras.ops.shape(z_mean)[0]
        dim = keras.ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + keras.ops.exp(0.5 * z_log_var) * epsilon


def keras_io_vae_parts():
    """Encoder and decoder of keras.io's "Variational AutoEncoder" (fchollet), as written there."""
    layers = keras.layers
    latent_dim = 2

    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = KerasIOSampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
    return encoder, decoder


def test_vae_takes_the_keras_io_encoder_and_decoder_unchanged():
    from keras_ae.datasets import load_mnist

    (x_train, _), _ = load_mnist(n_train=16, n_test=10)
    x = x_train[..., None]  # keras.io's images carry a channel axis
    keras.utils.set_random_seed(0)
    encoder, decoder = keras_io_vae_parts()
    vae = VariationalAutoencoder(encoder, decoder, seed=0)
    vae.compile(optimizer="adam")
    before = [to_numpy(w).copy() for w in encoder.trainable_weights]
    history = vae.fit(x, epochs=1, batch_size=16, verbose=0).history
    assert all(np.isfinite(history[k][0]) for k in ("loss", "reconstruction_loss", "kl_loss"))
    assert history["kl_loss"][0] > 0
    after = [to_numpy(w) for w in encoder.trainable_weights]
    assert all(not np.array_equal(b, a) for b, a in zip(before, after, strict=True))
    # The encoder's own z is ignored: the loss uses the model's Sampling layer,
    # so it is the same whatever the encoder's sampling layer draws.
    z_mean, z_log_var = vae.encode_distribution(x)
    assert z_mean.shape == z_log_var.shape == (16, 2)
    np.testing.assert_allclose(vae.encode(x), z_mean)
    assert vae.decode(z_mean).shape == (16, 28, 28, 1)


def test_vae_ignores_the_encoder_z_and_uses_its_own_sample(rng):
    """The loss of an encoder returning [z_mean, z_log_var, z] equals that of
    the same encoder returning [z_mean, z_log_var]: the third output, here a
    deliberately wrong z, plays no part."""
    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    z_mean = keras.layers.Dense(2)(hidden)
    z_log_var = keras.layers.Dense(2)(hidden)
    wrong_z = keras.layers.Lambda(lambda t: t * 0.0 + 100.0)(z_mean)
    decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(6, activation="sigmoid")])
    x = (rng.uniform(size=(8, 6)) > 0.5).astype("float32")
    losses = []
    for outputs in ([z_mean, z_log_var], [z_mean, z_log_var, wrong_z]):
        vae = VariationalAutoencoder(keras.Model(inputs, outputs), decoder, seed=4)
        vae.compile(optimizer="sgd")
        losses.append(vae.evaluate(x, verbose=0, return_dict=True))
    assert losses[0] == pytest.approx(losses[1], rel=1e-6)


# --- Autoencoder.reconstruct ---------------------------------------------------


@pytest.mark.parametrize("n, batch_size", [(10, 4), (8, 8), (3, 256)])
def test_reconstruct_equals_the_model_call_across_batches(rng, n, batch_size):
    autoencoder = build_dense_autoencoder((4, 5), 3, hidden_units=(8,), noise_rate=0.5, seed=0)
    x = rng.uniform(size=(n, 4, 5)).astype("float32")
    reconstructions = autoencoder.reconstruct(x, batch_size=batch_size)
    assert isinstance(reconstructions, np.ndarray) and reconstructions.shape == (n, 4, 5)
    # Inference: the masking noise is off, the values are those of the call.
    np.testing.assert_allclose(reconstructions, to_numpy(autoencoder(x)), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        reconstructions,
        to_numpy(autoencoder.decoder(autoencoder.encoder(x))),
        rtol=1e-6,
        atol=1e-7,
    )
    codes = autoencoder.encode(x, batch_size=batch_size)
    np.testing.assert_allclose(
        autoencoder.decode(codes, batch_size=batch_size), reconstructions, rtol=1e-6, atol=1e-7
    )


def test_reconstruct_logs_no_retracing_warning_on_fresh_models(rng, caplog, recwarn):
    x = rng.uniform(size=(20, 6)).astype("float32")
    with caplog.at_level("DEBUG"):
        for _ in range(6):
            autoencoder = build_dense_autoencoder(6, 2)
            autoencoder.reconstruct(x, batch_size=8)
            autoencoder.encode(x, batch_size=8)
            autoencoder.decode(np.zeros((3, 2), "float32"))
    messages = [r.getMessage() for r in caplog.records] + [str(w.message) for w in recwarn]
    assert not [m for m in messages if "retracing" in m], messages


def test_reconstruct_rejects_invalid_batch_size(rng):
    autoencoder = build_dense_autoencoder(6, 2)
    with pytest.raises(ValueError) as excinfo:
        autoencoder.reconstruct(np.zeros((2, 6), "float32"), batch_size=0)
    assert str(excinfo.value) == (
        "Invalid value received for argument `batch_size`. Expected a positive integer. "
        "Received: batch_size=0"
    )
