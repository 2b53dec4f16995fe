"""UFLDL's weight decay (lam / 2) * ||W||^2 in place of the lecture's lam * ||W||^2, with a
gradient that matches it, and a one-sided difference in the gradient check.

Cost and gradient agree with each other, so SciPy's check and the student's own central
differences pass: only the hidden tests, which compare with the lecture's cost, catch the
halved decay. The one-sided difference fails the check against backpropagation.

Loses: numerical_gradient_check, sae_cost_check, sae_gradient_check
"""
# ruff: noqa: F821 (np, pack, unpack, sigmoid: defined by earlier notebook cells)


# %% sae_cost
def sparse_autoencoder_cost(theta, X, n_hidden, lam, rho, beta):
    W_I, b_I, W_O, b_O = unpack(theta, X.shape[1], n_hidden)
    A = sigmoid(X @ W_I + b_I)
    X_hat = sigmoid(A @ W_O + b_O)
    rho_hat = A.mean(axis=0)
    reconstruction = 0.5 * np.sum((X_hat - X) ** 2) / X.shape[0]
    decay = lam / 2 * (np.sum(W_I**2) + np.sum(W_O**2))
    kl = rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
    return float(reconstruction + decay + beta * np.sum(kl))


# %% sae_gradient
def sparse_autoencoder_gradient(theta, X, n_hidden, lam, rho, beta):
    W_I, b_I, W_O, b_O = unpack(theta, X.shape[1], n_hidden)
    m = X.shape[0]
    A = sigmoid(X @ W_I + b_I)
    X_hat = sigmoid(A @ W_O + b_O)
    rho_hat = A.mean(axis=0)
    delta_out = (X_hat - X) * X_hat * (1 - X_hat) / m
    sparsity = beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / m
    delta_hidden = (delta_out @ W_O.T + sparsity) * A * (1 - A)
    return pack(
        X.T @ delta_hidden + lam * W_I,
        delta_hidden.sum(axis=0),
        A.T @ delta_out + lam * W_O,
        delta_out.sum(axis=0),
    )


# %% numerical_gradient
def numerical_gradient(f, theta, eps=1e-4):
    theta = np.asarray(theta, dtype=np.float64)
    gradient = np.zeros_like(theta)
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = eps
        gradient[k] = (f(theta + step) - f(theta)) / eps
    return gradient
