import re
import warnings

import keras
import numpy as np
import pytest
import scipy.special
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from keras_ae import evaluation

pytestmark = pytest.mark.backend_independent


def _correlated_data(n=80, d=12, seed=0):
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(d, d)) * np.linspace(3.0, 0.1, d)[:, None]
    return rng.normal(size=(n, d)) @ mixing + rng.normal(size=d)


# pca_reconstruction


@pytest.mark.parametrize("n_components", [1, 3, 7])
@pytest.mark.parametrize("n, d", [(80, 12), (10, 30)])  # Both PCA solvers.
def test_pca_reconstruction_mse_is_discarded_variance(n, d, n_components):
    x = _correlated_data(n=n, d=d)
    singular_values = np.linalg.svd(x - x.mean(axis=0), compute_uv=False)
    eigenvalues = singular_values**2 / len(x)  # Biased covariance eigenvalues.

    result = evaluation.pca_reconstruction(x, x, n_components)

    expected_mse = eigenvalues[n_components:].sum() / x.shape[1]
    np.testing.assert_allclose(result["mse"], expected_mse, rtol=1e-10)
    np.testing.assert_allclose(
        result["explained_variance_ratio"],
        eigenvalues[:n_components].sum() / eigenvalues.sum(),
        rtol=1e-10,
    )
    assert result["pca"].n_components_ == n_components


def test_pca_reconstruction_matches_projection_on_test_data():
    x = _correlated_data(n=100)
    x_train, x_test = x[:70], x[70:]
    mean = x_train.mean(axis=0)
    basis = np.linalg.svd(x_train - mean, full_matrices=False)[2][:4].T  # (d, 4)
    expected = (x_test - mean) @ basis @ basis.T + mean

    result = evaluation.pca_reconstruction(x_train, x_test, 4)

    np.testing.assert_allclose(result["reconstructions"], expected, atol=1e-10)
    np.testing.assert_allclose(result["mse"], np.mean((x_test - expected) ** 2))


def test_pca_reconstruction_keeps_image_shape_and_flattens_features():
    images = _correlated_data(n=50, d=12).reshape(50, 3, 4)

    result = evaluation.pca_reconstruction(images[:40], images[40:], 5)
    flat = evaluation.pca_reconstruction(
        images[:40].reshape(40, 12), images[40:].reshape(10, 12), 5
    )

    assert result["reconstructions"].shape == (10, 3, 4)
    np.testing.assert_allclose(result["reconstructions"].reshape(10, 12), flat["reconstructions"])
    assert result["mse"] == pytest.approx(flat["mse"])


def test_pca_reconstruction_whiten_does_not_change_reconstructions():
    x = _correlated_data()
    plain = evaluation.pca_reconstruction(x[:60], x[60:], 3)
    whitened = evaluation.pca_reconstruction(x[:60], x[60:], 3, whiten=True)
    assert whitened["pca"].whiten and not plain["pca"].whiten
    np.testing.assert_allclose(whitened["reconstructions"], plain["reconstructions"], atol=1e-8)


def test_pca_reconstruction_all_components_is_exact():
    x = _correlated_data()
    result = evaluation.pca_reconstruction(x, x, x.shape[1])
    assert result["mse"] < 1e-20
    assert result["explained_variance_ratio"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "n_components, message",
    [
        (
            0,
            "Invalid value received for argument `n_components`. Expected a "
            "positive integer. Received: n_components=0",
        ),
        (
            2.0,
            "Invalid value received for argument `n_components`. Expected a "
            "positive integer. Received: n_components=2.0",
        ),
        (
            13,
            "Invalid value received for argument `n_components`. Expected a "
            "positive integer no larger than min(n_train, n_features)=12. "
            "Received: n_components=13",
        ),
    ],
)
def test_pca_reconstruction_rejects_invalid_n_components(n_components, message):
    x = _correlated_data(n=80, d=12)
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.pca_reconstruction(x, x, n_components)


def test_pca_reconstruction_rejects_feature_mismatch():
    message = (
        "Arguments `x_train` and `x_test` must have the same number of features. "
        "Received: x_train.shape=(10, 4), x_test.shape=(5, 3)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.pca_reconstruction(np.ones((10, 4)), np.ones((5, 3)), 2)


# reconstruction_errors


@pytest.mark.parametrize(
    "metric, formula",
    [
        ("mse", lambda x, p: np.mean((x - p) ** 2, axis=(1, 2))),
        ("l1", lambda x, p: np.mean(np.abs(x - p), axis=(1, 2))),
        (
            "bce",
            lambda x, p: -np.mean(x * np.log(p) + (1 - x) * np.log(1 - p), axis=(1, 2)),
        ),
    ],
)
def test_reconstruction_errors_match_formula(metric, formula):
    rng = np.random.default_rng(0)
    x = rng.random((6, 4, 5))
    x_hat = rng.uniform(0.05, 0.95, size=(6, 4, 5))

    errors = evaluation.reconstruction_errors(x, x_hat, metric=metric)

    assert errors.shape == (6,)
    np.testing.assert_allclose(errors, formula(x, x_hat), rtol=1e-12)


def test_reconstruction_errors_bce_clips_saturated_predictions():
    x = np.array([[1.0, 0.0]])
    x_hat = np.array([[0.0, 1.0]])  # Completely wrong, saturated.
    errors = evaluation.reconstruction_errors(x, x_hat, metric="bce")
    np.testing.assert_allclose(errors, [-np.log(1e-7)], rtol=1e-6)


def test_reconstruction_errors_accept_backend_tensors():
    rng = np.random.default_rng(1)
    x = rng.random((3, 8)).astype("float32")
    x_hat = rng.random((3, 8)).astype("float32")
    errors = evaluation.reconstruction_errors(
        keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(x_hat)
    )
    np.testing.assert_allclose(errors, np.mean((x - x_hat) ** 2, axis=1), rtol=1e-6)


def test_reconstruction_errors_rejects_shape_mismatch():
    message = (
        "Arguments `x` and `x_hat` must have the same shape. "
        "Received: x.shape=(4, 784), x_hat.shape=(4, 28, 28)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.reconstruction_errors(np.zeros((4, 784)), np.zeros((4, 28, 28)))


def test_reconstruction_errors_rejects_unknown_metric():
    message = (
        "Invalid value received for argument `metric`. Expected one of "
        "{'mse', 'bce', 'l1'}. Received: metric='mae'"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.reconstruction_errors(np.zeros((2, 3)), np.zeros((2, 3)), metric="mae")


# principal_angles


def test_principal_angles_of_same_subspace_are_zero():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(10, 3))
    b = a @ rng.normal(size=(3, 3))  # Another basis of the same subspace.
    np.testing.assert_allclose(evaluation.principal_angles(a, b), 0.0, atol=1e-5)


def test_principal_angles_of_orthogonal_subspaces_are_right_angles():
    identity = np.eye(6)
    angles = evaluation.principal_angles(identity[:, :2], identity[:, 2:5])
    np.testing.assert_allclose(angles, [90.0, 90.0])


def test_principal_angles_are_sorted_ascending_with_known_values():
    theta = np.deg2rad(30.0)
    a = np.eye(4)[:, :2]  # span(e1, e2)
    b = np.stack([[1.0, 0.0, 0.0, 0.0], [0.0, np.cos(theta), np.sin(theta), 0.0]], 1)

    degrees = evaluation.principal_angles(a, b)
    radians = evaluation.principal_angles(a, b, degrees=False)

    np.testing.assert_allclose(degrees, [0.0, 30.0], atol=1e-6)
    np.testing.assert_allclose(radians, [0.0, theta], atol=1e-8)


def test_principal_angles_count_is_smaller_dimension():
    rng = np.random.default_rng(0)
    angles = evaluation.principal_angles(rng.normal(size=(8, 2)), rng.normal(size=(8, 5)))
    assert angles.shape == (2,)
    assert np.all(np.diff(angles) >= 0)


def test_principal_angles_rejects_row_mismatch():
    message = (
        "Arguments `a` and `b` must have the same number of rows. "
        "Received: a.shape=(5, 2), b.shape=(4, 2)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.principal_angles(np.ones((5, 2)), np.ones((4, 2)))


def test_principal_angles_rejects_vectors():
    message = (
        "Invalid value received for argument `a`. Expected a non-empty 2-D array "
        "of shape (d, k). Received: a.shape=(5,)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.principal_angles(np.ones(5), np.ones((5, 2)))


def test_principal_angles_between_two_lines():
    # One column each: the angle between two lines through the origin.
    a = np.array([[1.0], [0.0]])
    b = np.array([[1.0], [1.0]])
    np.testing.assert_allclose(evaluation.principal_angles(a, b), [45.0])
    np.testing.assert_allclose(evaluation.principal_angles(a, b, degrees=False), [np.pi / 4])


# mean_activations


def test_mean_activations_averages_over_samples():
    codes = np.array([[0.0, 1.0, 0.2], [1.0, 1.0, 0.4]])
    np.testing.assert_allclose(evaluation.mean_activations(codes), [0.5, 1.0, 0.3])


def test_mean_activations_averages_feature_maps_per_channel():
    codes = np.random.default_rng(0).random((5, 3, 4, 2))
    np.testing.assert_allclose(evaluation.mean_activations(codes), codes.mean(axis=(0, 1, 2)))


def test_mean_activations_rejects_vectors():
    message = (
        "Invalid value received for argument `codes`. Expected a non-empty array "
        "with at least 2 dimensions. Received: codes.shape=(4,)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.mean_activations(np.ones(4))


# linear_probe


def _two_blobs(n=400, seed=0, separation=3.0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    features = rng.normal(size=(n, 6))
    features[:, 0] += separation * y
    return features, y


def test_linear_probe_separates_linearly_separable_classes():
    features, y = _two_blobs(separation=6.0)
    accuracy = evaluation.linear_probe(features[:300], y[:300], features[300:], y[300:])
    assert accuracy > 0.97


def test_linear_probe_is_at_chance_on_shuffled_labels():
    features, y = _two_blobs(n=1000, separation=6.0)
    y_shuffled = np.random.default_rng(1).permutation(y)
    accuracy = evaluation.linear_probe(
        features[:600], y_shuffled[:600], features[600:], y_shuffled[600:]
    )
    # 400 test samples: the standard deviation of chance accuracy is 0.025.
    assert 0.4 < accuracy < 0.6


def test_linear_probe_flattens_image_features():
    features, y = _two_blobs(separation=6.0)
    images = features.reshape(-1, 2, 3)
    assert evaluation.linear_probe(
        images[:300], y[:300], images[300:], y[300:]
    ) == evaluation.linear_probe(features[:300], y[:300], features[300:], y[300:])


def test_linear_probe_standardises_features_first():
    # The label is the sign of a feature a thousand times smaller than the noise
    # features: without standardisation, the L2 penalty keeps its weight near zero.
    rng = np.random.default_rng(0)
    signal = rng.normal(size=600)
    features = np.column_stack([1e-3 * signal, rng.normal(size=(600, 5))])
    y = (signal > 0).astype(int)
    accuracy = evaluation.linear_probe(features[:400], y[:400], features[400:], y[400:])
    assert accuracy > 0.9  # 0.95 measured; without standardisation 0.47


def test_linear_probe_regularisation_strength_is_passed_on():
    # With a tiny C the penalty wins: every weight is near zero and the probe
    # predicts the majority class of the training labels.
    features, y = _two_blobs(n=400, separation=6.0)
    y_train = y[:300].copy()
    y_train[:40] = 1
    accuracy = evaluation.linear_probe(features[:300], y_train, features[300:], y[300:], C=1e-8)
    majority = np.bincount(y_train).argmax()
    assert accuracy == pytest.approx(np.mean(y[300:] == majority))


def test_linear_probe_default_regularisation_is_c_one():
    # Random labels on as many features as samples: the fit, and so the test
    # accuracy, depends on C, so the default must be the documented C=1.0.
    rng = np.random.default_rng(3)
    features = rng.normal(size=(120, 40))
    y = rng.integers(0, 2, size=120)
    args = (features[:60], y[:60], features[60:], y[60:])
    by_c = {c: evaluation.linear_probe(*args, C=c) for c in (0.01, 1.0, 2.0)}
    assert len(set(by_c.values())) > 1
    assert evaluation.linear_probe(*args) == by_c[1.0]


def test_linear_probe_iteration_budget_is_passed_on():
    features, y = _two_blobs(n=400, separation=1.0)
    with pytest.warns(Warning, match="(?i)iter"):
        evaluation.linear_probe(features[:300], y[:300], features[300:], y[300:], max_iter=1)


def test_linear_probe_rejects_label_count_mismatch():
    message = (
        "Arguments `train_features` and `y_train` must have the same number of "
        "samples. Received: len(train_features)=10, len(y_train)=9"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.linear_probe(np.ones((10, 2)), np.ones(9), np.ones((3, 2)), np.ones(3))


def test_linear_probe_rejects_non_positive_c():
    message = (
        "Invalid value received for argument `C`. Expected a finite float value > 0. "
        "Received: C=0.0"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.linear_probe(np.ones((4, 2)), np.ones(4), np.ones((4, 2)), np.ones(4), C=0.0)


# precision_at_k


def test_precision_at_k_on_constructed_example():
    database = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]])
    database_labels = np.array([0, 0, 1, 1, 1, 0])
    queries = np.array([[0.1], [11.9]])
    query_labels = np.array([0, 0])
    # Query 0.1 retrieves items 0, 1, 2 (labels 0, 0, 1): 2/3.
    # Query 11.9 retrieves items 5, 4, 3 (labels 0, 1, 1): 1/3.
    precision = evaluation.precision_at_k(queries, query_labels, database, database_labels, k=3)
    assert precision == pytest.approx(0.5)


def test_precision_at_k_exclude_self_drops_the_query_even_with_duplicates():
    codes = np.array([[0.0], [0.0], [5.0], [6.0]])
    labels = np.array([0, 1, 1, 1])
    # Items 0 and 1 are duplicates with different labels: each retrieves the
    # other (precision 0); items 2 and 3 retrieve each other (precision 1).
    precision = evaluation.precision_at_k(codes, labels, codes, labels, k=1, exclude_self=True)
    assert precision == pytest.approx(0.5)


def test_precision_at_k_without_exclude_self_counts_the_query():
    codes = np.array([[0.0], [1.0], [5.0], [6.0]])
    labels = np.array([0, 1, 1, 0])
    with_self = evaluation.precision_at_k(codes, labels, codes, labels, k=1)
    without_self = evaluation.precision_at_k(codes, labels, codes, labels, k=1, exclude_self=True)
    assert with_self == 1.0
    assert without_self == 0.0


def test_precision_at_k_cosine_metric_ignores_norm():
    database = np.array([[1.0, 0.0], [100.0, 1.0], [0.0, 1.0]])
    database_labels = np.array([0, 0, 1])
    queries = np.array([[0.2, 0.0]])  # Closest in angle to items 0 and 1.
    euclidean = evaluation.precision_at_k(queries, np.array([0]), database, database_labels, k=2)
    cosine = evaluation.precision_at_k(
        queries, np.array([0]), database, database_labels, k=2, metric="cosine"
    )
    assert euclidean == 0.5
    assert cosine == 1.0


@pytest.mark.parametrize(
    "k, exclude_self, message",
    [
        (
            0,
            False,
            "Invalid value received for argument `k`. Expected a positive integer. Received: k=0",
        ),
        (
            5,
            False,
            "Invalid value received for argument `k`. Expected a positive integer no "
            "larger than the number of database items (4). Received: k=5",
        ),
        (
            4,
            True,
            "Invalid value received for argument `k`. Expected a positive integer "
            "smaller than the number of database items (4) when `exclude_self=True`. "
            "Received: k=4",
        ),
    ],
)
def test_precision_at_k_rejects_invalid_k(k, exclude_self, message):
    codes = np.arange(8.0).reshape(4, 2)
    labels = np.arange(4)
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.precision_at_k(codes, labels, codes, labels, k=k, exclude_self=exclude_self)


def test_precision_at_k_rejects_unknown_metric():
    codes = np.arange(8.0).reshape(4, 2)
    with pytest.raises(
        ValueError,
        match=re.escape("Invalid value received for argument `metric`. Expected one of {"),
    ) as info:
        evaluation.precision_at_k(codes, np.arange(4), codes, np.arange(4), k=1, metric="L2")
    assert str(info.value).endswith("Received: metric='L2'")


# anomaly_threshold and detection_report


def test_anomaly_threshold_is_the_quantile_of_normal_scores():
    scores = np.random.default_rng(0).gamma(2.0, size=1000)
    assert evaluation.anomaly_threshold(scores) == np.quantile(scores, 0.95)
    assert evaluation.anomaly_threshold(np.arange(101.0), quantile=0.9) == 90.0


@pytest.mark.parametrize("quantile", [0.0, 1.0, 1.5])
def test_anomaly_threshold_rejects_quantile_outside_open_interval(quantile):
    message = (
        "Invalid value received for argument `quantile`. Expected a float value "
        f"in (0, 1). Received: quantile={quantile}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.anomaly_threshold(np.arange(10.0), quantile=quantile)


def test_detection_report_on_hand_made_case():
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    is_anomaly = np.array([0, 0, 1, 1, 0, 1])
    # Flagged (> 0.3): samples 1, 2, 3, 5, so TP = 3, FP = 1, FN = 0, TN = 2.
    # AUC: of the 9 (anomaly, normal) pairs, 0.35 < 0.4 is the only one ranked wrong.
    report = evaluation.detection_report(scores, is_anomaly, threshold=0.3)

    expected = {
        "roc_auc": 8 / 9,
        "precision": 3 / 4,
        "recall": 1.0,
        "f1": 2 * 0.75 / 1.75,
        "threshold": 0.3,
        "accuracy": 5 / 6,
    }
    assert report.keys() == expected.keys()
    for key, value in expected.items():
        assert report[key] == pytest.approx(value), key
    flagged = scores > 0.3
    assert report["roc_auc"] == pytest.approx(roc_auc_score(is_anomaly, scores))
    assert report["precision"] == pytest.approx(precision_score(is_anomaly, flagged))
    assert report["recall"] == pytest.approx(recall_score(is_anomaly, flagged))
    assert report["f1"] == pytest.approx(f1_score(is_anomaly, flagged))


def test_detection_report_flags_strictly_greater_scores():
    report = evaluation.detection_report(
        np.array([1.0, 2.0, 3.0]), np.array([False, False, True]), threshold=2.0
    )
    assert report["precision"] == 1.0
    assert report["accuracy"] == 1.0


def test_detection_report_nothing_flagged_has_zero_precision():
    # Precision is 0/0 here: reported as 0, quietly (no UndefinedMetricWarning).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = evaluation.detection_report(np.array([1.0, 2.0]), np.array([0, 1]), 5.0)
    assert report["precision"] == 0.0
    assert report["recall"] == 0.0
    assert report["roc_auc"] == 1.0


def test_detection_report_rejects_a_single_class():
    message = (
        "Invalid value received for argument `is_anomaly`. Expected both normal (0) "
        "and anomalous (1) samples, since the ROC AUC is undefined otherwise. "
        "Received: 0 anomalies out of 3 samples"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.detection_report(np.arange(3.0), np.zeros(3), 1.0)


def test_detection_report_rejects_non_binary_labels():
    message = (
        "Invalid value received for argument `is_anomaly`. Expected bools or 0/1 "
        "values. Received: is_anomaly with the values [0 1 2]"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.detection_report(np.arange(3.0), np.array([0, 1, 2]), 1.0)


# gaussian_kl


def test_gaussian_kl_is_exactly_zero_for_the_prior():
    kl = evaluation.gaussian_kl(np.zeros((3, 4)), np.zeros((3, 4)))
    assert kl.dtype == np.float64
    np.testing.assert_array_equal(kl, np.zeros(3))


def test_gaussian_kl_matches_monte_carlo_estimate():
    rng = np.random.default_rng(0)
    z_mean = np.array([[0.5, -1.0, 0.0], [2.0, 0.3, -0.4]])
    z_log_var = np.array([[-0.5, 0.2, 0.0], [0.7, -1.2, 0.1]])
    n_draws = 200_000
    sigma = np.exp(0.5 * z_log_var)
    z = z_mean + sigma * rng.standard_normal((n_draws, *z_mean.shape))
    # KL = E_q[log q(z) - log p(z)]; the 2 pi terms cancel.
    log_q = -0.5 * (((z - z_mean) / sigma) ** 2 + z_log_var)
    log_p = -0.5 * z**2
    estimate = np.mean(np.sum(log_q - log_p, axis=-1), axis=0)

    kl = evaluation.gaussian_kl(z_mean, z_log_var)

    # Monte Carlo standard error here is below 0.01.
    np.testing.assert_allclose(kl, estimate, atol=0.03)
    np.testing.assert_allclose(
        kl, -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=-1)
    )


def test_gaussian_kl_sums_over_the_given_axis():
    rng = np.random.default_rng(0)
    z_mean, z_log_var = rng.normal(size=(2, 5, 3))
    np.testing.assert_allclose(
        evaluation.gaussian_kl(z_mean.T, z_log_var.T, axis=0),
        evaluation.gaussian_kl(z_mean, z_log_var),
    )


def test_gaussian_kl_is_float64_for_float32_backend_tensors():
    z_mean = keras.ops.convert_to_tensor(np.full((2, 2), 1e-4, dtype="float32"))
    z_log_var = keras.ops.convert_to_tensor(np.full((2, 2), 1e-4, dtype="float32"))
    kl = evaluation.gaussian_kl(z_mean, z_log_var)
    mu, log_var = np.float64(np.float32(1e-4)), np.float64(np.float32(1e-4))
    expected = 2 * 0.5 * (mu**2 + np.expm1(log_var) - log_var)
    assert kl.dtype == np.float64
    np.testing.assert_allclose(kl, expected, rtol=1e-6)


def test_gaussian_kl_of_a_single_code_vector():
    np.testing.assert_allclose(
        evaluation.gaussian_kl(np.array([1.0, 0.0]), np.zeros(2), axis=0), 0.5
    )
    np.testing.assert_allclose(
        evaluation.gaussian_kl(np.array([[1.0, 0.0]]), np.zeros((1, 2)), axis=-2), [0.5, 0.0]
    )


@pytest.mark.parametrize("axis", [2, -3, 1.5, None])
def test_gaussian_kl_rejects_an_axis_the_array_does_not_have(axis):
    message = (
        "Invalid value received for argument `axis`. Expected an axis of an array "
        f"with shape (2, 3). Received: axis={axis}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.gaussian_kl(np.zeros((2, 3)), np.zeros((2, 3)), axis=axis)


def test_gaussian_kl_rejects_shape_mismatch():
    message = (
        "Arguments `z_mean` and `z_log_var` must have the same shape. "
        "Received: z_mean.shape=(2, 3), z_log_var.shape=(2, 2)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.gaussian_kl(np.zeros((2, 3)), np.zeros((2, 2)))


# sigmoid_jacobian_norm


def test_sigmoid_jacobian_norm_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5))
    kernel = rng.normal(size=(5, 3))
    bias = rng.normal(size=3)
    eps = 1e-6

    def layer(inputs):
        return scipy.special.expit(inputs @ kernel + bias)

    expected = []
    for sample in x:
        columns = []
        for i in range(len(sample)):
            step = np.zeros_like(sample)
            step[i] = eps
            columns.append((layer(sample + step) - layer(sample - step)) / (2 * eps))
        jacobian = np.stack(columns, axis=1)  # (units, inputs)
        expected.append(np.sum(jacobian**2))

    norms = evaluation.sigmoid_jacobian_norm(x, kernel, bias)

    assert norms.shape == (4,)
    np.testing.assert_allclose(norms, expected, rtol=1e-6)


def test_sigmoid_jacobian_norm_accepts_keras_variables():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 2, 2))
    kernel = rng.normal(size=(4, 3)).astype("float32")
    bias = rng.normal(size=3).astype("float32")
    expected = evaluation.sigmoid_jacobian_norm(x.reshape(3, 4), kernel, bias)
    norms = evaluation.sigmoid_jacobian_norm(x, keras.Variable(kernel), keras.Variable(bias))
    np.testing.assert_allclose(norms, expected, rtol=1e-12)


def test_reconstruction_errors_accept_torch_tensors_requiring_grad():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).random((2, 3))
    x_hat = torch.zeros((2, 3), dtype=torch.float64, requires_grad=True)
    np.testing.assert_allclose(
        evaluation.reconstruction_errors(x, x_hat, metric="l1"), x.mean(axis=1)
    )


def test_sigmoid_jacobian_norm_rejects_kernel_mismatch():
    message = (
        "Invalid value received for argument `kernel`. Expected a 2-D array of "
        "shape (5, units) to match x with 5 features. Received: kernel.shape=(4, 3)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.sigmoid_jacobian_norm(np.zeros((2, 5)), np.zeros((4, 3)), np.zeros(3))


def test_sigmoid_jacobian_norm_rejects_bias_mismatch():
    message = (
        "Invalid value received for argument `bias`. Expected an array of shape "
        "(3,). Received: bias.shape=(2,)"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluation.sigmoid_jacobian_norm(np.zeros((2, 5)), np.zeros((5, 3)), np.zeros(2))
