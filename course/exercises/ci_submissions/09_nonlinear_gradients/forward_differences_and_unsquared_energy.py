"""A one-sided difference in the numerical gradient, and the energy of the span counted with
singular values instead of their squares.

The forward difference is off by about eps times the second derivative, which a large eps
shows; summing the singular values themselves keeps too many of them for a given energy. The
gradients of Part 1 and the choice of the loss are right.

Loses: numerical_gradient_check, span_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% numerical_gradient
def numerical_gradient(loss, x, a, eps=1e-6):
    a = np.array(a, dtype=np.float64)
    gradient = np.zeros_like(a)
    for k in np.ndindex(a.shape):
        step = np.zeros_like(a)
        step[k] = eps
        gradient[k] = (loss(x, a + step) - loss(x, a)) / eps
    return gradient


# %% span_basis
def span_basis(X, energy=0.99):
    _, singular_values, vt = np.linalg.svd(np.asarray(X, dtype=np.float64), full_matrices=False)
    held = np.cumsum(singular_values) / np.sum(singular_values)
    return vt[: int(np.searchsorted(held, energy - 1e-12) + 1)].T
