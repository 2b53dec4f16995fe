"""The loss chosen from the sign of the data alone.

Non-negative data are not necessarily probabilities: raw intensities in [0, 255] call for
the squared error and a linear output, which a sigmoid cannot reach. Everything else is right.

Loses: loss_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% choose_loss
def choose_loss(X):
    if np.min(X) >= 0:
        return ("bce", "sigmoid")
    return ("mse", "linear")
