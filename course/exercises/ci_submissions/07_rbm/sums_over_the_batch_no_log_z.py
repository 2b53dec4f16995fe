"""A CD-1 update that sums the statistics over the batch instead of averaging them, and a
log-likelihood without log Z.

The summed update is a learning rate B times too large, which the visible check with a
batch of three catches; the log-likelihood of unnormalised probabilities is not -6 log 2
for the RBM whose parameters are all 0.

Loses: cd1_check, likelihood_check
"""
# ruff: noqa: F821 (np, hidden_probabilities, visible_probabilities, free_energy: earlier cells)


# %% cd1
def cd1_update(v0, W, b, c, learning_rate, u_hidden, u_visible):
    ph0 = hidden_probabilities(v0, W, c)
    h0 = (u_hidden < ph0).astype(np.float64)
    v1 = (u_visible < visible_probabilities(h0, W, b)).astype(np.float64)
    ph1 = hidden_probabilities(v1, W, c)
    return (
        W + learning_rate * (v0.T @ ph0 - v1.T @ ph1),
        b + learning_rate * (v0 - v1).sum(axis=0),
        c + learning_rate * (ph0 - ph1).sum(axis=0),
    )


# %% likelihood
def log_likelihood(V, W, b, c):
    return float(np.mean(-free_energy(V, W, b, c)))
