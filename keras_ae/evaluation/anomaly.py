"""Anomaly detection from scores: a threshold and a detection report."""

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

from keras_ae._arrays import as_numpy, as_samples
from keras_ae._validation import check_real, check_same_length, invalid_argument

__all__ = ["anomaly_threshold", "detection_report"]


def anomaly_threshold(normal_scores, *, quantile=0.95):
    """Chooses an anomaly threshold from the scores of normal data.

    The threshold is the `quantile` of the scores (e.g. reconstruction
    errors) of data known to be normal, so about `1 - quantile` of normal
    samples are flagged as false alarms.

    Args:
        normal_scores: array of shape `(n,)`. Scores of normal samples.
        quantile: float in `(0, 1)`. Defaults to `0.95`.

    Returns:
        The threshold, a float.

    Example:

    >>> anomaly_threshold(np.arange(101.0), quantile=0.9)
    90.0
    """
    quantile = check_real("quantile", quantile, low=0, high=1, closed=(False, False))
    normal_scores = as_samples("normal_scores", normal_scores).reshape(-1)
    return float(np.quantile(normal_scores.astype(np.float64), quantile))


def detection_report(scores, is_anomaly, threshold):
    """Summarises how well scores separate anomalies from normal samples.

    A sample is flagged as anomalous when its score is strictly greater than
    `threshold`. The ROC AUC does not depend on the threshold: it is the
    probability that a random anomaly scores higher than a random normal
    sample.

    Args:
        scores: array of shape `(n,)`. Anomaly scores (higher means more
            anomalous), e.g. reconstruction errors.
        is_anomaly: array of shape `(n,)` of bools or 0/1. Ground truth;
            must contain both classes.
        threshold: float. Decision threshold, e.g. from
            `anomaly_threshold`.

    Returns:
        A dict of floats with keys `"roc_auc"`, `"precision"`, `"recall"`,
        `"f1"` and `"accuracy"` (for the anomalous class as positive class;
        precision is 0 when nothing is flagged), and `"threshold"`.

    Example:

    >>> scores = np.array([0.1, 0.2, 0.3, 0.9, 0.8])
    >>> is_anomaly = np.array([0, 0, 0, 1, 1])
    >>> detection_report(scores, is_anomaly, threshold=0.5)["f1"]
    1.0
    """
    scores = as_samples("scores", scores).reshape(-1).astype(np.float64)
    is_anomaly = as_numpy(is_anomaly).reshape(-1)
    check_same_length("scores", scores, "is_anomaly", is_anomaly)
    if not np.isin(is_anomaly, (0, 1)).all():
        raise invalid_argument(
            "is_anomaly",
            "bools or 0/1 values",
            received=f"is_anomaly with the values {np.unique(is_anomaly)}",
        )
    is_anomaly = is_anomaly.astype(bool)
    if is_anomaly.all() or not is_anomaly.any():
        raise invalid_argument(
            "is_anomaly",
            "both normal (0) and anomalous (1) samples, since the ROC AUC is undefined otherwise",
            received=f"{int(is_anomaly.sum())} anomalies out of {len(is_anomaly)} samples",
        )
    threshold = check_real("threshold", threshold, finite=True)
    flagged = scores > threshold
    precision, recall, f1, _ = precision_recall_fscore_support(
        is_anomaly, flagged, average="binary", zero_division=0
    )
    return {
        "roc_auc": float(roc_auc_score(is_anomaly, scores)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "threshold": float(threshold),
        "accuracy": float(accuracy_score(is_anomaly, flagged)),
    }
