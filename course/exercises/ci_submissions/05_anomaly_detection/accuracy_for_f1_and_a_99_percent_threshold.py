"""Computes the accuracy instead of F1, and thresholds at the 99th percentile.

`f1_at_threshold` returns the fraction of correct decisions, so
`choose_threshold`, itself right, maximises the accuracy; and
`train_and_choose_threshold` flags the top 1 % of the normal validation
scores instead of choosing the threshold with the best F1. The scores are
right.

Loses: detector_check, f1_check, threshold_check
"""
# ruff: noqa: F821 (np, reconstruction_scores: defined by earlier notebook cells)


# %% f1
def f1_at_threshold(scores, is_anomaly, threshold):
    flagged = np.asarray(scores) > threshold
    return float(np.mean(flagged == np.asarray(is_anomaly).astype(bool)))


# %% detector
def train_and_choose_threshold(model, x_fit, x_val, y_val, epochs):
    model.fit(x_fit, x_fit, epochs=epochs, batch_size=64, verbose=0)
    normal_scores = reconstruction_scores(model, x_val[y_val == 0])
    return float(np.quantile(normal_scores, 0.99))
