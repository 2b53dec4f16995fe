"""The slope of the sigmoid taken as h instead of h (1 - h), in the Jacobian and in the
penalty alike.

The closed forms agree with each other but not with the central differences nor with
ContractiveDense; the numerical Jacobian and the choice of lambda are right.

Loses: jacobian_check, numerical_jacobian_check, penalty_check
"""
# ruff: noqa: F821 (np, sigmoid: defined by earlier notebook cells)


# %% jacobian
def sigmoid_jacobian(x, W, b):
    h = sigmoid(x @ W + b)
    return h[:, None] * W.T


# %% penalty
def contractive_penalty(X, W, b):
    H = sigmoid(X @ W + b)
    return float(np.mean((H**2) @ np.sum(W**2, axis=0)))
