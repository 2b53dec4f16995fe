"""Numerical identities of the core, on random inputs drawn by hypothesis.

Each identity is one the lectures state: the KL sparsity penalty is never
negative and vanishes only at the target; the Gaussian KL term is never
negative; masking noise never changes a value it keeps; tied weights are a
Dense layer with the transposed kernel, in value and in gradient; the
reparameterised sample has the moments of N(z_mean, exp(z_log_var)). They
run on the backend of `KERAS_BACKEND` (`make test` runs them on all three).
"""

import functools

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from keras import ops

from keras_ae import evaluation
from keras_ae.autodiff import gradient
from keras_ae.layers import MaskingNoise, Sampling
from keras_ae.layers.tied import DenseTranspose
from keras_ae.losses import HalfSquaredError, half_squared_error
from keras_ae.models import build_dense_vae
from keras_ae.regularizers import KLSparsity, kl_divergence_sparsity

to_numpy = ops.convert_to_numpy

unit_floats = st.floats(0.0, 1.0, width=32)
targets = st.floats(0.001, 0.999)


def numpy_kl(rho, rho_hat):
    # The library clips float32 activations in float32: 1 - 1e-7 rounds to 1 - 2**-23.
    bounds = np.float32(1e-7), np.float32(1 - 1e-7)
    rho_hat = np.clip(np.asarray(rho_hat, dtype="float32"), *bounds).astype("float64")
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


def numpy_gaussian_kl(z_mean, z_log_var):
    return -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=-1)


@given(rho=targets, rho_hat=arrays("float32", 8, elements=unit_floats))
def test_kl_sparsity_is_never_negative_and_vanishes_only_at_the_target(rho, rho_hat):
    values = to_numpy(kl_divergence_sparsity(rho, rho_hat)).astype("float64")
    np.testing.assert_allclose(values, numpy_kl(rho, rho_hat), rtol=1e-4, atol=1e-6)
    assert np.all(values >= -1e-6)
    far = np.abs(rho_hat.astype("float64") - rho) >= 0.01
    assert np.all(values[far] > 0)
    at_target = to_numpy(kl_divergence_sparsity(rho, np.float32([rho])))
    assert abs(float(at_target[0])) <= 1e-6


@given(
    rho=targets,
    beta=st.floats(0.0, 10.0),
    activations=arrays(
        "float32", st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=unit_floats
    ),
)
def test_kl_sparsity_penalises_the_mean_activation_of_each_unit(rho, beta, activations):
    regularizer = KLSparsity(rho=rho, beta=beta)
    expected = beta * np.sum(numpy_kl(rho, activations.astype("float64").mean(axis=0)))
    penalty = float(to_numpy(regularizer.penalty(activations)))
    np.testing.assert_allclose(penalty, expected, rtol=1e-4, atol=1e-5)
    # Keras divides an activity regularizer's value by the batch size.
    scaled = float(to_numpy(regularizer(activations)))
    np.testing.assert_allclose(scaled, expected * len(activations), rtol=1e-4, atol=1e-4)


@functools.cache
def _vae():
    return build_dense_vae(3, 4, hidden_units=(2,), seed=0)


# Rows of [z_mean (4 values), z_log_var (4 values)].
statistics = arrays("float32", st.tuples(st.integers(1, 4), st.just(8)), elements=st.floats(-4, 4))


@given(statistics=statistics)
def test_the_gaussian_kl_term_is_never_negative(statistics):
    z_mean, z_log_var = statistics[:, :4], statistics[:, 4:]
    expected = numpy_gaussian_kl(z_mean.astype("float64"), z_log_var.astype("float64"))
    model_kl = to_numpy(_vae().kl_divergence(z_mean, z_log_var)).astype("float64")
    tolerance = 1e-5 * (1 + np.abs(expected))
    np.testing.assert_allclose(model_kl, expected, rtol=1e-5, atol=1e-4)
    assert np.all(model_kl >= -tolerance)
    numpy_kl_values = evaluation.gaussian_kl(z_mean, z_log_var)
    np.testing.assert_allclose(numpy_kl_values, expected, rtol=1e-5, atol=1e-4)
    assert np.all(numpy_kl_values >= -tolerance)
    # Zero exactly at the prior.
    zeros = np.zeros_like(z_mean)
    assert np.all(to_numpy(_vae().kl_divergence(zeros, zeros)) == 0)


@given(
    x=arrays("float32", st.tuples(st.integers(1, 8), st.integers(1, 8)), elements=st.floats(-5, 5)),
    rate=st.floats(0.0, 0.95),
    seed=st.integers(0, 2**31 - 1),
)
def test_masking_noise_keeps_or_zeroes_each_value_and_never_rescales(x, rate, seed):
    layer = MaskingNoise(rate, seed=seed)
    corrupted = to_numpy(layer(x, training=True))
    assert corrupted.shape == x.shape
    assert np.all((corrupted == x) | (corrupted == 0))
    np.testing.assert_array_equal(to_numpy(layer(x, training=False)), x)


@given(rate=st.floats(0.05, 0.95), seed=st.integers(0, 2**31 - 1))
def test_masking_noise_zeroes_a_fraction_rate_of_the_components(rate, seed):
    n = 20_000
    corrupted = to_numpy(MaskingNoise(rate, seed=seed)(np.ones((1, n), "float32"), training=True))
    fraction = float(np.mean(corrupted == 0))
    # Five standard deviations of a binomial proportion.
    assert abs(fraction - rate) <= 5 * np.sqrt(rate * (1 - rate) / n)


@given(
    inputs=st.integers(1, 5),
    units=st.integers(1, 5),
    batch=st.integers(1, 4),
    activation=st.sampled_from([None, "sigmoid", "tanh"]),
    use_bias=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_dense_transpose_equals_a_dense_layer_with_the_transposed_kernel(
    inputs, units, batch, activation, use_bias, seed
):
    rng = np.random.default_rng(seed)
    encoder = keras.layers.Dense(units)
    encoder.build((None, inputs))
    kernel = rng.normal(size=(inputs, units)).astype("float32")
    encoder.kernel.assign(kernel)
    tied = DenseTranspose(encoder, activation=activation, use_bias=use_bias)
    tied.build((None, units))
    reference = keras.layers.Dense(inputs, activation=activation, use_bias=use_bias)
    reference.build((None, units))
    if use_bias:
        bias = rng.normal(size=inputs).astype("float32")
        tied.bias.assign(bias)
        reference.set_weights([kernel.T, bias])
    else:
        reference.set_weights([kernel.T])
    codes = rng.normal(size=(batch, units)).astype("float32")
    np.testing.assert_allclose(
        to_numpy(tied(codes)), to_numpy(reference(codes)), rtol=1e-5, atol=1e-6
    )
    assert tuple(tied.compute_output_shape((batch, units))) == (batch, inputs)

    # A backend tensor: a NumPy array on the left of a PyTorch tensor that requires grad
    # would be converted with `.numpy()`, which PyTorch refuses.
    weights = ops.convert_to_tensor(rng.normal(size=(batch, inputs)).astype("float32"))

    def tied_objective(h):
        return ops.sum(tied(h) * weights)

    def reference_objective(h):
        return ops.sum(reference(h) * weights)

    np.testing.assert_allclose(
        gradient(tied_objective, codes), gradient(reference_objective, codes), rtol=1e-4, atol=1e-5
    )

    # The gradient with respect to the shared kernel is the transpose of the reference's.
    def tied_loss(w):
        with keras.StatelessScope(state_mapping=[(encoder.kernel, w)]):
            return ops.sum(tied(codes) * weights)

    def reference_loss(w_t):
        with keras.StatelessScope(state_mapping=[(reference.kernel, w_t)]):
            return ops.sum(reference(codes) * weights)

    np.testing.assert_allclose(
        gradient(tied_loss, kernel), gradient(reference_loss, kernel.T).T, rtol=1e-4, atol=1e-5
    )


@given(
    z_mean=st.floats(-3, 3),
    z_log_var=st.floats(-3, 3),
    clip=st.sampled_from([None, (-1.0, 1.0), (-2.0, 0.5)]),
    seed=st.integers(0, 2**31 - 1),
)
def test_sampling_has_the_moments_of_the_posterior(z_mean, z_log_var, clip, seed):
    n = 4000
    means = np.full((n, 1), z_mean, "float32")
    log_vars = np.full((n, 1), z_log_var, "float32")
    z = to_numpy(Sampling(log_var_range=clip, seed=seed)([means, log_vars]))[:, 0].astype("float64")
    variance = np.exp(z_log_var if clip is None else np.clip(z_log_var, *clip))
    std = np.sqrt(variance)
    # Five standard errors of the sample mean and of the sample variance.
    assert abs(z.mean() - z_mean) <= 5 * std / np.sqrt(n)
    assert abs(z.var() / variance - 1) <= 5 * np.sqrt(2 / n)


@given(
    y=arrays(
        "float32",
        st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)),
        elements=st.floats(-3, 3),
    ),
    shift=st.floats(-2, 2),
)
def test_the_half_squared_error_is_half_the_summed_squared_error_per_example(y, shift):
    y_pred = y + np.float32(shift)
    expected = 0.5 * np.sum((y_pred.astype("float64") - y) ** 2, axis=(1, 2))
    per_example = to_numpy(half_squared_error(y, y_pred))
    np.testing.assert_allclose(per_example, expected, rtol=1e-5, atol=1e-5)
    batch_mean = float(to_numpy(HalfSquaredError()(y, y_pred)))
    np.testing.assert_allclose(batch_mean, expected.mean(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("rho", [0.05, 0.5])
def test_kl_sparsity_rises_away_from_the_target_on_both_sides(rho):
    rho_hat = np.float32([rho / 4, rho / 2, rho, (1 + rho) / 2, 1 - (1 - rho) / 4])
    values = to_numpy(kl_divergence_sparsity(rho, rho_hat))
    assert values[0] > values[1] > values[2]
    assert values[4] > values[3] > values[2]
