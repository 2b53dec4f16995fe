"""`keras_ae.autodiff.gradient` on the backend of the test run, against closed forms and
NumPy float64 finite differences."""

import numpy as np
import pytest
from keras import ops

from keras_ae.autodiff import gradient
from keras_ae.layers import Sampling


def test_gradient_of_a_sum_of_squares_is_twice_the_point():
    x = np.array([1.0, -2.0, 3.5], dtype="float32")
    grad = gradient(lambda v: ops.sum(v**2), x)
    assert isinstance(grad, np.ndarray) and grad.shape == x.shape
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-6)


def test_gradient_with_several_arguments_returns_one_array_each(rng):
    a = rng.normal(size=(4, 3)).astype("float32")
    b = rng.normal(size=(3, 2)).astype("float32")
    d_a, d_b = gradient(lambda p, q: ops.sum(ops.matmul(p, q)), a, b)
    # d/dA sum(A B) = 1 B^T, d/dB sum(A B) = A^T 1.
    np.testing.assert_allclose(d_a, np.ones((4, 2)) @ b.T, rtol=1e-5)
    np.testing.assert_allclose(d_b, a.T @ np.ones((4, 2)), rtol=1e-5)


def test_gradient_matches_float64_finite_differences(rng):
    weights = rng.normal(size=(5, 3))
    inputs = rng.normal(size=(7, 5))

    def loss_numpy(w):
        return np.mean(np.log1p(np.exp(inputs @ w)))

    def loss(w):
        return ops.mean(ops.softplus(ops.matmul(ops.convert_to_tensor(inputs, w.dtype), w)))

    grad = gradient(loss, weights.astype("float32"))
    h = 1e-6
    finite_differences = np.zeros_like(weights)
    for index in np.ndindex(weights.shape):
        step = np.zeros_like(weights)
        step[index] = h
        finite_differences[index] = (loss_numpy(weights + step) - loss_numpy(weights - step)) / (
            2 * h
        )
    np.testing.assert_allclose(grad, finite_differences, rtol=1e-4, atol=1e-6)


def test_gradient_of_an_argument_the_result_ignores_is_zero():
    x = np.array([1.0, 2.0], dtype="float32")
    unused = np.array([[3.0, 4.0, 5.0]], dtype="float32")
    d_x, d_unused = gradient(lambda a, b: ops.sum(a**3), x, unused)
    np.testing.assert_allclose(d_x, 3 * x**2, rtol=1e-6)
    np.testing.assert_array_equal(d_unused, np.zeros_like(unused))
    constant = ops.convert_to_tensor(np.ones(2, dtype="float32"))
    np.testing.assert_array_equal(gradient(lambda a: ops.sum(constant), x), np.zeros(2))


def test_gradient_flows_through_a_reparameterized_sample():
    """E||mu + sigma eps||^2 = sum(mu^2 + sigma^2): d/dmu = 2 mu, d/dlog sigma^2 = sigma^2."""
    mu = np.array([1.5, -0.5], dtype="float32")
    log_var = np.array([0.4, -1.0], dtype="float32")
    ones = ops.ones((50_000, 1))
    sampling = Sampling(seed=3)

    def mean_square(m, v):
        z = sampling([m * ones, v * ones])
        return ops.mean(ops.sum(ops.square(z), axis=1))

    d_mu, d_log_var = gradient(mean_square, mu, log_var)
    np.testing.assert_allclose(d_mu, 2 * mu, rtol=0.03)
    np.testing.assert_allclose(d_log_var, np.exp(log_var), rtol=0.03)


def test_gradient_accepts_python_lists_and_integers():
    np.testing.assert_allclose(gradient(lambda v: ops.sum(v * v), [1, 2]), [2.0, 4.0])


def test_gradient_rejects_a_non_scalar_result():
    with pytest.raises(
        ValueError,
        match=r"Invalid value received for argument `fn`\. Expected a function that returns a "
        r"scalar\. Received: a result of shape \(3,\)",
    ):
        gradient(lambda v: v * 2, np.ones(3, dtype="float32"))


def test_gradient_rejects_a_non_callable_and_no_arguments():
    with pytest.raises(
        ValueError,
        match=r"Invalid value received for argument `fn`\. Expected a callable\. Received: fn=3",
    ):
        gradient(3, np.ones(2))
    with pytest.raises(ValueError, match=r"Expected at least one array .* Received: args=\(\)"):
        gradient(lambda: 0.0)
