"""Documented defaults and contracts of the core layers, losses and regularizers.

The values the docstrings promise when an argument is left out, and the
edge cases of the inputs (a batch of scalars, the wrong number of tensors).
"""

import numpy as np
import pytest
from keras import ops

from keras_ae.layers import MaskingNoise, Sampling
from keras_ae.losses import HalfSquaredError, half_squared_error
from keras_ae.regularizers import KLSparsity

to_numpy = ops.convert_to_numpy


def test_masking_noise_masks_a_quarter_of_the_components_by_default():
    layer = MaskingNoise(seed=0)
    assert layer.rate == 0.25
    corrupted = to_numpy(layer(np.ones((1, 20_000), "float32"), training=True))
    assert abs(float(np.mean(corrupted == 0)) - 0.25) <= 5 * np.sqrt(0.25 * 0.75 / 20_000)


def test_kl_sparsity_targets_rho_0_05_with_weight_3_by_default():
    regularizer = KLSparsity()
    assert (regularizer.rho, regularizer.beta) == (0.05, 3.0)
    assert regularizer.get_config() == {"rho": 0.05, "beta": 3.0}


def test_half_squared_error_of_a_batch_of_scalars_is_half_each_squared_difference():
    y_true = np.float32([0.0, 1.0, -2.0])
    y_pred = np.float32([1.0, 1.0, 1.0])
    np.testing.assert_allclose(to_numpy(half_squared_error(y_true, y_pred)), [0.5, 0.0, 4.5])


def test_half_squared_error_loss_is_named_and_averages_over_the_batch():
    loss = HalfSquaredError()
    assert loss.name == "half_squared_error"
    y_true = np.zeros((2, 3), "float32")
    y_pred = np.float32([[1, 1, 1], [2, 0, 0]])
    assert float(to_numpy(loss(y_true, y_pred))) == pytest.approx((1.5 + 2.0) / 2)
    summed = HalfSquaredError(reduction="sum")
    assert float(to_numpy(summed(y_true, y_pred))) == pytest.approx(3.5)


@pytest.mark.parametrize("count", [1, 3])
def test_sampling_takes_exactly_two_tensors(count):
    tensors = [np.zeros((2, 2), "float32")] * count
    with pytest.raises(ValueError, match=r"expects a list of two tensors \[z_mean, z_log_var\]"):
        Sampling(seed=0)(tensors)
