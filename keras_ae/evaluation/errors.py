"""Per-sample quantities of a trained model: reconstruction errors, mean
activations, the VAE's KL term and the contractive penalty.
"""

import numpy as np
import scipy.special

from keras_ae._arrays import as_numpy, as_samples, flatten
from keras_ae._validation import check_choice, invalid_argument, is_int

__all__ = [
    "gaussian_kl",
    "mean_activations",
    "reconstruction_errors",
    "sigmoid_jacobian_norm",
]


_RECONSTRUCTION_METRICS = ("mse", "bce", "l1")


_BCE_EPSILON = 1e-7


def reconstruction_errors(x, x_hat, *, metric="mse"):
    """Computes the reconstruction error of each sample.

    The error is averaged over all non-sample axes, so a batch of images
    `(n, h, w)` and its flattened version `(n, h * w)` give the same scores.
    These per-sample errors are the anomaly scores of an autoencoder.

    Args:
        x: array of shape `(n, ...)`. Inputs (targets).
        x_hat: array with the same shape as `x`. Reconstructions.
        metric: str. One of `"mse"` (mean squared error), `"l1"` (mean
            absolute error) or `"bce"` (mean binary cross-entropy
            `-(x log x_hat + (1 - x) log(1 - x_hat))`, with `x_hat` clipped to
            `[1e-7, 1 - 1e-7]` as Keras does; `x` should be in `[0, 1]` and
            `x_hat` be probabilities). Defaults to `"mse"`.

    Returns:
        A float64 NumPy array of shape `(n,)`.

    Example:

    >>> x = np.array([[0.0, 1.0], [1.0, 1.0]])
    >>> x_hat = np.array([[0.0, 0.5], [1.0, 1.0]])
    >>> reconstruction_errors(x, x_hat)
    array([0.125, 0.   ])
    """
    check_choice("metric", metric, _RECONSTRUCTION_METRICS)
    x = as_samples("x", x).astype(np.float64)
    x_hat = as_samples("x_hat", x_hat).astype(np.float64)
    if x.shape != x_hat.shape:
        raise ValueError(
            "Arguments `x` and `x_hat` must have the same shape. "
            f"Received: x.shape={x.shape}, x_hat.shape={x_hat.shape}"
        )
    x, x_hat = flatten(x), flatten(x_hat)
    if metric == "mse":
        return np.mean((x - x_hat) ** 2, axis=1)
    if metric == "l1":
        return np.mean(np.abs(x - x_hat), axis=1)
    p = np.clip(x_hat, _BCE_EPSILON, 1.0 - _BCE_EPSILON)
    return -np.mean(x * np.log(p) + (1.0 - x) * np.log1p(-p), axis=1)


def mean_activations(codes):
    """Computes the average activation `rho_hat_j` of each hidden unit.

    This is the quantity the KL sparsity penalty drives towards the target
    `rho` (Ng, CS294A lecture notes). For codes of rank greater than 2 (e.g.
    convolutional feature maps `(n, h, w, channels)`) the mean is taken over
    all axes but the last one, giving one value per channel.

    Args:
        codes: array of shape `(n, ..., units)`, at least 2-D.

    Returns:
        A float64 NumPy array of shape `(units,)`.

    Example:

    >>> mean_activations(np.array([[0.0, 1.0], [0.5, 1.0]]))
    array([0.25, 1.  ])
    """
    codes = as_samples("codes", codes, min_ndim=2).astype(np.float64)
    return codes.reshape(-1, codes.shape[-1]).mean(axis=0)


def gaussian_kl(z_mean, z_log_var, *, axis=-1):
    """Computes KL(N(mu, diag(sigma^2)) || N(0, I)) in closed form.

    This is the regularisation term of the VAE loss (Kingma & Welling,
    2013): `-0.5 * sum(1 + log_var - mu^2 - exp(log_var))`, summed over the
    latent `axis`. It is computed in float64 and is exactly 0 when
    `mu = 0` and `log_var = 0`.

    Args:
        z_mean: array, e.g. of shape `(n, latent_dim)`. Means `mu`.
        z_log_var: array with the same shape as `z_mean`. Log-variances
            `log sigma^2`.
        axis: int. Latent axis that is summed over. Defaults to `-1`.

    Returns:
        A float64 NumPy array with `axis` removed, e.g. of shape `(n,)`.

    Example:

    >>> gaussian_kl(np.array([[0.0, 0.0], [1.0, 0.0]]), np.zeros((2, 2)))
    array([0. , 0.5])
    """
    z_mean = as_numpy(z_mean).astype(np.float64)
    z_log_var = as_numpy(z_log_var).astype(np.float64)
    if z_mean.shape != z_log_var.shape:
        raise ValueError(
            "Arguments `z_mean` and `z_log_var` must have the same shape. "
            f"Received: z_mean.shape={z_mean.shape}, z_log_var.shape={z_log_var.shape}"
        )
    if z_mean.ndim == 0 or not (is_int(axis) and -z_mean.ndim <= axis < z_mean.ndim):
        raise invalid_argument("axis", f"an axis of an array with shape {z_mean.shape}", axis)
    # Same value as -0.5 * sum(1 + log_var - mu^2 - exp(log_var)), written so
    # that mu = 0, log_var = 0 gives 0.0 rather than -0.0.
    terms = np.square(z_mean) + np.exp(z_log_var) - 1.0 - z_log_var
    return 0.5 * np.sum(terms, axis=axis)


def sigmoid_jacobian_norm(x, kernel, bias):
    """Computes the squared Frobenius norm of the Jacobian of a sigmoid layer.

    For `h = sigmoid(x @ kernel + bias)`, `dh_j / dx_i = h_j (1 - h_j) W_ij`,
    so `||J(x)||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ij^2`. This is the
    penalty of the contractive autoencoder (Rifai et al., 2011), evaluated
    here per sample for analysis.

    Args:
        x: array of shape `(n, ...)`, flattened to `(n, d)`.
        kernel: array of shape `(d, units)`, e.g. a `Dense` layer's kernel.
        bias: array of shape `(units,)`.

    Returns:
        A float64 NumPy array of shape `(n,)`.

    Example:

    >>> sigmoid_jacobian_norm(np.zeros((1, 2)), np.ones((2, 1)), np.zeros(1))
    array([0.125])
    """
    x = flatten(as_samples("x", x)).astype(np.float64)
    kernel = as_numpy(kernel).astype(np.float64)
    bias = as_numpy(bias).astype(np.float64)
    if kernel.ndim != 2 or kernel.shape[0] != x.shape[1]:
        raise invalid_argument(
            "kernel",
            f"a 2-D array of shape ({x.shape[1]}, units) to match x with {x.shape[1]} features",
            received=f"kernel.shape={kernel.shape}",
        )
    if bias.shape != (kernel.shape[1],):
        raise invalid_argument(
            "bias",
            f"an array of shape ({kernel.shape[1]},)",
            received=f"bias.shape={bias.shape}",
        )
    h = scipy.special.expit(x @ kernel + bias)
    return np.square(h * (1.0 - h)) @ np.sum(np.square(kernel), axis=0)
