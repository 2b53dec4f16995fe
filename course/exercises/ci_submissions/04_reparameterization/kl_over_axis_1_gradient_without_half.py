"""Sums the KL divergence over axis 1, and forgets the 1/2 of the log-variance gradient.

`gaussian_kl_closed_form` is right for the visible (n, d) arrays only (the
hidden tests use a 3-D and a 1-D array), and `reparameterization_gradients`
returns exp(0.5 * log_var) * eps for dz / d log_var. Sampling and the Monte
Carlo estimate are right.

Loses: closed_form_kl_check, gradients_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% closed_form_kl
def gaussian_kl_closed_form(z_mean, z_log_var):
    z_mean = np.asarray(z_mean, dtype=np.float64)
    z_log_var = np.asarray(z_log_var, dtype=np.float64)
    return 0.5 * np.sum(z_mean**2 + np.exp(z_log_var) - 1.0 - z_log_var, axis=1)


# %% gradients
def reparameterization_gradients(z_log_var, epsilon):
    z_log_var = np.asarray(z_log_var, dtype=np.float64)
    return np.ones_like(z_log_var), np.exp(0.5 * z_log_var) * np.asarray(epsilon)
