"""Argument contracts of keras_ae.evaluation: error messages name the
argument, labels and scores of any shape are flattened, defaults hold."""

import re
import warnings

import numpy as np
import pytest

from keras_ae import evaluation

pytestmark = pytest.mark.backend_independent


def _empty_message(name):
    # as_samples' Keras-style message for an empty array of shape (0, 2).
    return (
        re.escape(f"Invalid value received for argument `{name}`. ")
        + r".*"
        + re.escape(f"Received: {name}.shape=(0, 2)")
    )


def _length_message(name_a, name_b):
    return re.escape(f"Arguments `{name_a}` and `{name_b}` must have the same number of samples.")


# reconstruction_errors, sigmoid_jacobian_norm


def test_reconstruction_errors_empty_inputs_name_the_argument():
    empty, ok = np.zeros((0, 2)), np.ones((2, 2))
    with pytest.raises(ValueError, match=_empty_message("x")):
        evaluation.reconstruction_errors(empty, ok)
    with pytest.raises(ValueError, match=_empty_message("x_hat")):
        evaluation.reconstruction_errors(ok, empty)


def test_sigmoid_jacobian_norm_empty_x_names_the_argument():
    with pytest.raises(ValueError, match=_empty_message("x")):
        evaluation.sigmoid_jacobian_norm(np.zeros((0, 2)), np.ones((2, 1)), np.zeros(1))


def test_mean_activations_averages_feature_maps_per_channel():
    codes = np.arange(24.0).reshape(2, 3, 2, 2)
    # Channel c holds the values c, c + 2, ..., c + 22: mean 11 + c.
    np.testing.assert_array_equal(evaluation.mean_activations(codes), [11.0, 12.0])


# anomaly_threshold, detection_report


def test_anomaly_threshold_empty_scores_name_the_argument():
    with pytest.raises(ValueError, match=_empty_message("normal_scores")):
        evaluation.anomaly_threshold(np.zeros((0, 2)))


def test_anomaly_threshold_flattens_a_column_of_scores():
    # The 0.9 quantile of 0..100 is 90 whatever the layout of the scores.
    assert evaluation.anomaly_threshold(np.arange(101.0)[:, None], quantile=0.9) == 90.0


def test_detection_report_empty_scores_name_the_argument():
    with pytest.raises(ValueError, match=_empty_message("scores")):
        evaluation.detection_report(np.zeros((0, 2)), np.array([0, 1]), 0.5)


def test_detection_report_length_mismatch_names_both_arguments():
    with pytest.raises(ValueError, match=_length_message("scores", "is_anomaly")):
        evaluation.detection_report(np.array([0.1, 0.9, 0.2]), np.array([0, 1]), 0.5)


def test_detection_report_flattens_row_and_column_vectors():
    scores = np.array([0.1, 0.2, 0.3, 0.9, 0.8])
    is_anomaly = np.array([0, 0, 0, 1, 1])
    # Scores as a row (1, n), labels as a column (n, 1): the same 5 samples.
    report = evaluation.detection_report(scores[None, :], is_anomaly[:, None], 0.5)
    assert report == {
        "roc_auc": 1.0,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "threshold": 0.5,
        "accuracy": 1.0,
    }


# linear_probe


def _separable(n=40, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], n // 2)
    return rng.normal(size=(n, 3)) + 4.0 * y[:, None], y


def test_linear_probe_empty_features_name_the_argument():
    features, y = _separable()
    with pytest.raises(ValueError, match=_empty_message("train_features")):
        evaluation.linear_probe(np.zeros((0, 2)), y, features, y)
    with pytest.raises(ValueError, match=_empty_message("test_features")):
        evaluation.linear_probe(features, y, np.zeros((0, 2)), y)


def test_linear_probe_length_mismatch_names_both_test_arguments():
    features, y = _separable()
    with pytest.raises(ValueError, match=_length_message("test_features", "y_test")):
        evaluation.linear_probe(features, y, features, y[:-1])


def test_linear_probe_feature_mismatch_message():
    features, y = _separable()
    message = re.escape(
        "Arguments `train_features` and `test_features` must have the same number of "
        "features. Received: train_features.shape=(40, 3), test_features.shape=(40, 2)"
    )
    with pytest.raises(ValueError, match=f"^{message}$"):
        evaluation.linear_probe(features, y, features[:, :2], y)


def test_linear_probe_flattens_row_label_vectors_without_warnings():
    features, y = _separable()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # No column-vector DataConversionWarning either.
        row = evaluation.linear_probe(features, y[None, :], features, y[None, :])
        column = evaluation.linear_probe(features, y[:, None], features, y[:, None])
    # Classes 4 standard deviations apart: the probe separates them all.
    assert row == column == 1.0


# precision_at_k


def test_precision_at_k_empty_codes_name_the_argument():
    codes, labels = np.arange(4.0)[:, None], np.arange(4)
    with pytest.raises(ValueError, match=_empty_message("query_codes")):
        evaluation.precision_at_k(np.zeros((0, 2)), labels, codes, labels, k=1)
    with pytest.raises(ValueError, match=_empty_message("database_codes")):
        evaluation.precision_at_k(codes, labels, np.zeros((0, 2)), labels, k=1)


@pytest.mark.parametrize("exclude_self", [False, True])
def test_precision_at_k_length_mismatches_name_both_arguments(exclude_self):
    codes, labels = np.arange(4.0)[:, None], np.arange(4)
    kwargs = {"k": 1, "exclude_self": exclude_self}
    with pytest.raises(ValueError, match=_length_message("query_codes", "query_labels")):
        evaluation.precision_at_k(codes, labels[:3], codes, labels, **kwargs)
    with pytest.raises(ValueError, match=_length_message("database_codes", "database_labels")):
        evaluation.precision_at_k(codes, labels, codes, labels[:3], **kwargs)


def test_precision_at_k_exclude_self_needs_as_many_queries_as_database_items():
    codes, labels = np.arange(4.0)[:, None], np.arange(4)
    with pytest.raises(ValueError, match=_length_message("query_codes", "database_codes")):
        evaluation.precision_at_k(codes[:3], labels[:3], codes, labels, k=1, exclude_self=True)


def test_precision_at_k_feature_mismatch_message():
    codes, labels = np.zeros((4, 3)), np.arange(4)
    message = re.escape(
        "Arguments `query_codes` and `database_codes` must have the same number of "
        "features. Received: query_codes.shape=(4, 2), database_codes.shape=(4, 3)"
    )
    with pytest.raises(ValueError, match=f"^{message}$"):
        evaluation.precision_at_k(codes[:, :2], labels, codes, labels, k=1)


def test_precision_at_k_default_k_is_10():
    # 10 database items, 4 of them with the query's label: retrieving all 10
    # gives 0.4; k=11 would be rejected.
    database = np.arange(10.0)[:, None]
    database_labels = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    assert evaluation.precision_at_k(np.zeros((1, 1)), [1], database, database_labels) == 0.4


def test_precision_at_k_accepts_k_equal_to_the_database_size():
    database = np.arange(3.0)[:, None]
    assert evaluation.precision_at_k(np.zeros((1, 1)), [0], database, [0, 0, 1], k=3) == 2 / 3


def test_precision_at_k_flattens_row_label_vectors():
    queries = np.array([[0.0], [5.0]])
    database = np.array([[0.1], [0.2], [5.1], [9.0]])
    # Query 0 (label 0) retrieves items 0, 1 (labels 0, 1); query 1 (label 1)
    # retrieves items 2, 3 (labels 1, 0): 2 hits out of 4.
    precision = evaluation.precision_at_k(
        queries, np.array([[0, 1]]), database, np.array([[0, 1, 1, 0]]), k=2
    )
    assert precision == 0.5


def test_precision_at_k_exclude_self_with_more_duplicates_than_k():
    # Five identical codes: the search may return k + 1 copies without the
    # query itself; one is dropped so that k items remain, all with label 0.
    codes = np.array([[0.0]] * 5 + [[9.0]] * 5)
    labels = np.repeat([0, 1], 5)
    for k in (1, 2, 3):
        assert (
            evaluation.precision_at_k(codes, labels, codes, labels, k=k, exclude_self=True) == 1.0
        )


# pca_reconstruction, principal_angles


def test_pca_reconstruction_empty_inputs_name_the_argument():
    ok = np.ones((3, 2))
    with pytest.raises(ValueError, match=_empty_message("x_train")):
        evaluation.pca_reconstruction(np.zeros((0, 2)), ok, 1)
    with pytest.raises(ValueError, match=_empty_message("x_test")):
        evaluation.pca_reconstruction(ok, np.zeros((0, 2)), 1)


def test_pca_reconstruction_is_exact_with_many_features():
    # 20 samples of 600 features: the projection on the top 3 right singular
    # vectors of the centred data, exactly (no randomized approximation).
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 600))
    train, test = x[:20], x[20:]
    mean = train.mean(axis=0)
    v = np.linalg.svd(train - mean, full_matrices=False)[2][:3]
    expected = (test - mean) @ v.T @ v + mean
    result = evaluation.pca_reconstruction(train, test, n_components=3)
    np.testing.assert_allclose(result["reconstructions"], expected, rtol=0, atol=1e-10)


def test_principal_angles_invalid_b_names_the_argument():
    message = (
        re.escape("Invalid value received for argument `b`. ")
        + ".*"
        + re.escape("Received: b.shape=(3,)")
    )
    with pytest.raises(ValueError, match=message):
        evaluation.principal_angles(np.eye(3)[:, :2], np.ones(3))
