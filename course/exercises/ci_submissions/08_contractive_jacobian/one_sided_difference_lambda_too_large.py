"""A one-sided difference in the numerical Jacobian, and lambda = 0.3.

The forward difference is off by about eps times the second derivative, over the 1e-8
the check allows; lambda = 0.3 contracts the code so much that the reconstruction is barely
better than the mean image.

Loses: lam_check, numerical_jacobian_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% numerical_jacobian
def numerical_jacobian(f, x, eps=1e-5):
    x = np.asarray(x, dtype=np.float64)
    columns = []
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        columns.append((f(x + step) - f(x)) / eps)
    return np.stack(columns, axis=1)


# %% lam_choice
LAM = 0.3
