import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.regularizers import KLSparsity, kl_divergence_sparsity


def numpy_kl(rho, rho_hat):
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


@pytest.mark.parametrize("rho", [0.05, 0.15, 0.25, 0.5])
def test_kl_divergence_sparsity_matches_numpy(rho, rng):
    rho_hat = rng.uniform(0.01, 0.99, size=50)
    np.testing.assert_allclose(
        to_numpy(kl_divergence_sparsity(rho, rho_hat)),
        numpy_kl(rho, rho_hat),
        rtol=1e-4,
        atol=1e-6,
    )


@pytest.mark.parametrize("rho", [0.05, 0.15, 0.25])
def test_kl_divergence_sparsity_zero_only_at_target(rho):
    assert to_numpy(kl_divergence_sparsity(rho, np.array([rho]))) == pytest.approx(0.0, abs=1e-7)
    others = np.array([rho / 2, rho * 1.5, 0.9, 0.001])
    assert np.all(to_numpy(kl_divergence_sparsity(rho, others)) > 0)


def test_kl_divergence_sparsity_is_asymmetric():
    # For a small rho the same step costs about 3.6 times more towards 0.
    up, down = to_numpy(kl_divergence_sparsity(0.05, np.array([0.09, 0.01])))
    assert down > 3 * up


@pytest.mark.parametrize("dead_or_saturated", [0.0, 1.0])
def test_kl_divergence_sparsity_finite_for_dead_and_saturated_units(dead_or_saturated):
    value = to_numpy(kl_divergence_sparsity(0.05, np.array([dead_or_saturated])))
    assert np.all(np.isfinite(value)) and value[0] > 0


def test_kl_sparsity_gradient_matches_lecture_derivative(rng):
    """Finite differences of the penalty against beta*(-rho/rho_hat + (1-rho)/(1-rho_hat))."""
    rho, beta = 0.05, 3.0
    rho_hat = rng.uniform(0.02, 0.9, size=8)
    analytic = beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat))

    def penalty(values):
        return beta * np.sum(to_numpy(kl_divergence_sparsity(rho, values.astype("float64"))))

    # The JAX backend computes in float32: a step of 1e-3 keeps rounding small.
    step = 1e-3
    numeric = np.array(
        [
            (penalty(rho_hat + step * e) - penalty(rho_hat - step * e)) / (2 * step)
            for e in np.eye(len(rho_hat))
        ]
    )
    np.testing.assert_allclose(numeric, analytic, rtol=2e-3, atol=1e-2)


def test_kl_sparsity_penalty_uses_batch_mean_per_unit(rng):
    activations = rng.uniform(0, 1, size=(32, 6)).astype("float32")
    regularizer = KLSparsity(rho=0.1, beta=2.0)
    expected = 2.0 * np.sum(numpy_kl(0.1, activations.mean(axis=0)))
    np.testing.assert_allclose(to_numpy(regularizer.penalty(activations)), expected, rtol=1e-5)


@pytest.mark.parametrize("batch_size", [1, 16, 100])
def test_kl_sparsity_loss_in_model_is_lecture_penalty(batch_size, rng):
    """The loss a model adds is beta * sum_j KL, not divided by the batch size."""
    x = rng.normal(size=(batch_size, 5)).astype("float32")
    regularizer = KLSparsity(rho=0.05, beta=3.0)
    layer = keras.layers.Dense(
        4, activation="sigmoid", activity_regularizer=regularizer, name="code"
    )
    inputs = keras.Input((5,))
    model = keras.Model(inputs, layer(inputs))
    codes = to_numpy(model(x))
    expected = 3.0 * np.sum(numpy_kl(0.05, codes.mean(axis=0)))
    assert len(model.losses) == 1
    np.testing.assert_allclose(to_numpy(model.losses[0]), expected, rtol=1e-5)


def test_kl_sparsity_config_round_trip():
    regularizer = KLSparsity(rho=0.15, beta=0.5)
    restored = keras.regularizers.deserialize(keras.regularizers.serialize(regularizer))
    assert isinstance(restored, KLSparsity)
    assert (restored.rho, restored.beta) == (0.15, 0.5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"rho": 0.0},
            "Invalid value received for argument `rho`. Expected a float value "
            "in (0.0, 1.0). Received: rho=0.0",
        ),
        (
            {"rho": 1.5},
            "Invalid value received for argument `rho`. Expected a float value "
            "in (0.0, 1.0). Received: rho=1.5",
        ),
        (
            {"beta": -1},
            "Invalid value received for argument `beta`. Expected a finite float value "
            ">= 0.0. Received: beta=-1",
        ),
        (
            {"rho": "0.05"},
            "Invalid value received for argument `rho`. Expected a float value "
            "in (0.0, 1.0). Received: rho='0.05'",
        ),
    ],
)
def test_kl_sparsity_rejects_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        KLSparsity(**kwargs)
    assert str(excinfo.value) == message


def test_kl_sparsity_autoencoder_reaches_target_activation(rng):
    """A short training run pulls the mean hidden activation to within 0.02 of rho."""
    keras.utils.set_random_seed(0)
    x = (rng.uniform(size=(512, 36)) > 0.5).astype("float32")
    rho = 0.1
    inputs = keras.Input((36,))
    encoder = keras.layers.Dense(
        16, activation="sigmoid", activity_regularizer=KLSparsity(rho=rho, beta=3.0)
    )
    outputs = keras.layers.Dense(36, activation="sigmoid")(encoder(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    model.fit(x, x, epochs=30, batch_size=64, verbose=0)
    codes = to_numpy(encoder(x))
    assert abs(codes.mean() - rho) < 0.02, codes.mean(axis=0)
    assert np.all(np.abs(codes.mean(axis=0) - rho) < 0.05)
