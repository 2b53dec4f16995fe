"""Backpropagation that forgets the sparsity term of the hidden error signal, and features
taken before the sigmoid.

Without the term beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / m the gradient is
that of the cost without its penalty, which SciPy's check and the central differences
reveal. L-BFGS then minimises the cost with a gradient that is not its own and stops with
units far more active than rho. The pre-activations X @ W_I + b_I classify well enough for
the visible threshold, and only the hidden test, which asks for the activations themselves,
catches them.

Loses: features_check, numerical_gradient_check, sae_gradient_check, train_check
"""
# ruff: noqa: F821 (np, pack, unpack, sigmoid: defined by earlier notebook cells)


# %% sae_gradient
def sparse_autoencoder_gradient(theta, X, n_hidden, lam, rho, beta):
    W_I, b_I, W_O, b_O = unpack(theta, X.shape[1], n_hidden)
    m = X.shape[0]
    A = sigmoid(X @ W_I + b_I)
    X_hat = sigmoid(A @ W_O + b_O)
    delta_out = (X_hat - X) * X_hat * (1 - X_hat) / m
    delta_hidden = (delta_out @ W_O.T) * A * (1 - A)
    return pack(
        X.T @ delta_hidden + 2 * lam * W_I,
        delta_hidden.sum(axis=0),
        A.T @ delta_out + 2 * lam * W_O,
        delta_out.sum(axis=0),
    )


# %% features
def features(theta, X, n_hidden):
    W_I, b_I, _, _ = unpack(theta, X.shape[1], n_hidden)
    return X @ W_I + b_I
