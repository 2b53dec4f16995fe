"""Swaps the arguments of the KL divergence, uses a one-sided difference, and beta = 3 / 784.

`kl_sparsity` computes KL(rho_hat || rho) instead of KL(rho || rho_hat),
`central_difference` is a forward difference, and BETA is the lectures' 3
divided by the 784 pixels that Keras averages the loss over: too weak a
penalty, which leaves the mean activation near 0.2 instead of 0.1, in quick
and full mode alike. The derivative and the model are right.

Loses: finite_difference_check, kl_penalty_check, sparsity_target_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% kl_penalty
def kl_sparsity(rho, rho_hat):
    rho_hat = np.asarray(rho_hat, dtype=np.float64)
    return rho_hat * np.log(rho_hat / rho) + (1 - rho_hat) * np.log((1 - rho_hat) / (1 - rho))


# %% finite_difference
def central_difference(f, x, eps=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x + eps) - f(x)) / eps


# %% beta_choice
BETA = 3 / 784
