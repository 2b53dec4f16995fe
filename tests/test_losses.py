import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.losses import HalfSquaredError, half_squared_error
from keras_ae.regularizers import KLSparsity


@pytest.mark.parametrize("shape", [(5, 7), (5, 4, 3), (5, 2, 3, 2)])
def test_half_squared_error_sums_over_every_axis_but_the_batch(shape, rng):
    y_true = rng.random(shape).astype("float32")
    y_pred = rng.random(shape).astype("float32")
    expected = 0.5 * ((y_pred - y_true) ** 2).reshape(shape[0], -1).sum(axis=1)
    np.testing.assert_allclose(to_numpy(half_squared_error(y_true, y_pred)), expected, rtol=1e-5)


def test_loss_class_averages_over_the_batch(rng):
    y_true = rng.random((8, 28, 28)).astype("float32")
    y_pred = rng.random((8, 28, 28)).astype("float32")
    expected = 0.5 * ((y_pred - y_true) ** 2).sum(axis=(1, 2)).mean()
    np.testing.assert_allclose(
        float(to_numpy(HalfSquaredError()(y_true, y_pred))), expected, rtol=1e-5
    )
    # 1/2 x the number of features x Keras's mean squared error
    mse = float(
        to_numpy(keras.losses.MeanSquaredError()(y_true.reshape(8, -1), y_pred.reshape(8, -1)))
    )
    np.testing.assert_allclose(expected, 0.5 * 784 * mse, rtol=1e-5)


def test_model_trains_and_round_trips_with_the_loss_and_sparsity(rng, tmp_path):
    x = rng.random((64, 16)).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((16,)),
            keras.layers.Dense(8, activation="sigmoid", activity_regularizer=KLSparsity(0.1, 3.0)),
            keras.layers.Dense(16, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss=HalfSquaredError())
    history = model.fit(x, x, epochs=2, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    path = tmp_path / "model.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored.loss, HalfSquaredError)
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6
    )


def test_half_squared_error_computes_in_the_precision_of_its_predictions():
    # A difference of 1e-12 is below float32's resolution at 1.0 (about 6e-8):
    # in float64 the error is 0.5e-24, rounded to float32 it is 0. JAX keeps
    # float64 only with jax_enable_x64, so the expected value follows the
    # dtype the backend gives the predictions.
    y_true = np.float64([[1.0 + 1e-12, 2.0]])
    y_pred = np.float64([[1.0, 2.0]])
    precision = to_numpy(keras.ops.convert_to_tensor(y_pred)).dtype
    error = to_numpy(half_squared_error(y_true, y_pred))
    assert error.dtype == precision
    expected = 0.5e-24 if precision == np.float64 else 0.0
    np.testing.assert_allclose(error, [expected], rtol=1e-3, atol=0)


def test_loss_class_passes_its_dtype_to_keras():
    assert HalfSquaredError(dtype="float64").dtype == "float64"
    assert HalfSquaredError().dtype == keras.config.floatx()
