"""Evaluation helpers shared by the lectures: baselines, errors and scores.

Every function takes NumPy arrays (or anything `np.asarray` accepts,
including Keras variables and backend tensors of the TensorFlow, JAX and
PyTorch backends) and returns NumPy arrays or Python floats, so the results
do not depend on the Keras backend that produced the codes.
"""

import keras
import numpy as np
import scipy.linalg
import scipy.special
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    precision_recall_fscore_support,
    roc_auc_score,
)
from sklearn.neighbors import VALID_METRICS, NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from keras_ae._validation import check_choice, check_positive_int, check_real

_RECONSTRUCTION_METRICS = ("mse", "bce", "l1")
_NEIGHBOR_METRICS = tuple(m for m in sorted(VALID_METRICS["brute"]) if m != "precomputed")
_BCE_EPSILON = 1e-7


def _as_numpy(x):
    """Converts arrays, lists, Keras variables and backend tensors to NumPy.

    `np.asarray` reads TensorFlow and JAX tensors directly; PyTorch tensors
    are detached and moved to the CPU first. (`keras.ops.convert_to_numpy`
    is not used: it only knows the active backend's tensors and, through
    `np.array`, triggers NumPy 2 copy-keyword deprecation warnings.)
    """
    if isinstance(x, keras.Variable):
        x = x.value
    if hasattr(x, "detach"):  # PyTorch tensor, possibly requiring grad.
        x = x.detach().cpu()
    return np.asarray(x)


def _as_samples(name, x, *, min_ndim=1):
    """Converts `x` to a NumPy array of at least `min_ndim` dims, samples first."""
    x = _as_numpy(x)
    if x.ndim < min_ndim or x.shape[0] == 0:
        expected = (
            "a non-empty array"
            if min_ndim <= 1
            else f"a non-empty array with at least {min_ndim} dimensions"
        )
        raise ValueError(
            f"Invalid value received for argument `{name}`. "
            f"Expected {expected}. Received: {name}.shape={x.shape}"
        )
    return x


def _flatten(x):
    """Reshapes `(n, ...)` to `(n, d)`."""
    return x.reshape(x.shape[0], -1)


def _check_same_length(name_a, a, name_b, b):
    if len(a) != len(b):
        raise ValueError(
            f"Arguments `{name_a}` and `{name_b}` must have the same number of "
            f"samples. Received: len({name_a})={len(a)}, len({name_b})={len(b)}"
        )


def pca_reconstruction(x_train, x_test, n_components, *, whiten=False):
    """Reconstructs `x_test` with a PCA fitted on `x_train`.

    This is the linear baseline every autoencoder is compared with: a linear
    autoencoder with `n_components` hidden units trained with the squared
    error spans the same subspace as the first `n_components` principal
    components (Baldi & Hornik, 1989). Inputs of any shape `(n, ...)` are
    flattened to `(n, d)` before fitting.

    Args:
        x_train: array of shape `(n_train, ...)`. Data the PCA is fitted on.
        x_test: array of shape `(n_test, ...)` with the same number of
            features as `x_train`. Data that is projected and reconstructed.
        n_components: int. Number of principal components kept, between 1
            and `min(n_train, d)`.
        whiten: bool. Whether the PCA scores are whitened. The
            reconstruction undoes the whitening, so it only matters for the
            returned `"pca"` object. Defaults to `False`.

    Returns:
        A dict with keys:
        - `"mse"`: float, mean over samples and features of the squared
          reconstruction error on `x_test`.
        - `"reconstructions"`: NumPy array with the shape of `x_test`.
        - `"pca"`: the fitted `sklearn.decomposition.PCA`.
        - `"explained_variance_ratio"`: float, fraction of the training
          variance kept by the `n_components` components.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(100, 8, 8))
    >>> result = pca_reconstruction(x[:80], x[80:], n_components=10)
    >>> result["reconstructions"].shape
    (20, 8, 8)
    >>> 0.0 < result["explained_variance_ratio"] < 1.0
    True
    """
    x_train = _as_samples("x_train", x_train)
    x_test = _as_samples("x_test", x_test)
    train_flat = _flatten(x_train).astype(np.float64)
    test_flat = _flatten(x_test).astype(np.float64)
    if train_flat.shape[1] != test_flat.shape[1]:
        raise ValueError(
            "Arguments `x_train` and `x_test` must have the same number of "
            f"features. Received: x_train.shape={x_train.shape}, "
            f"x_test.shape={x_test.shape}"
        )
    max_components = min(train_flat.shape)
    n_components = check_positive_int("n_components", n_components)
    if n_components > max_components:
        raise ValueError(
            "Invalid value received for argument `n_components`. Expected a "
            "positive integer no larger than min(n_train, n_features)="
            f"{max_components}. Received: n_components={n_components!r}"
        )
    # Both solvers are exact; the eigendecomposition of the d x d covariance
    # is much faster when samples outnumber features (MNIST: 3 s instead of 25 s).
    n_train, n_features = train_flat.shape
    solver = "covariance_eigh" if n_train >= n_features else "full"
    pca = PCA(n_components=n_components, whiten=whiten, svd_solver=solver)
    pca.fit(train_flat)
    reconstructions = pca.inverse_transform(pca.transform(test_flat))
    return {
        "mse": float(np.mean((test_flat - reconstructions) ** 2)),
        "reconstructions": reconstructions.reshape(x_test.shape),
        "pca": pca,
        "explained_variance_ratio": float(np.sum(pca.explained_variance_ratio_)),
    }


def reconstruction_errors(x, x_hat, *, metric="mse"):
    """Computes the reconstruction error of each sample.

    The error is averaged over all non-sample axes, so a batch of images
    `(n, h, w)` and its flattened version `(n, h * w)` give the same scores.
    These per-sample errors are the anomaly scores of an autoencoder.

    Args:
        x: array of shape `(n, ...)`. Inputs (targets).
        x_hat: array with the same shape as `x`. Reconstructions.
        metric: str. One of `"mse"` (mean squared error), `"l1"` (mean
            absolute error) or `"bce"` (mean binary cross-entropy
            `-(x log x_hat + (1 - x) log(1 - x_hat))`, with `x_hat` clipped to
            `[1e-7, 1 - 1e-7]` as Keras does; `x` should be in `[0, 1]` and
            `x_hat` be probabilities). Defaults to `"mse"`.

    Returns:
        A float64 NumPy array of shape `(n,)`.

    Example:

    >>> x = np.array([[0.0, 1.0], [1.0, 1.0]])
    >>> x_hat = np.array([[0.0, 0.5], [1.0, 1.0]])
    >>> reconstruction_errors(x, x_hat)
    array([0.125, 0.   ])
    """
    check_choice("metric", metric, _RECONSTRUCTION_METRICS)
    x = _as_samples("x", x).astype(np.float64)
    x_hat = _as_samples("x_hat", x_hat).astype(np.float64)
    if x.shape != x_hat.shape:
        raise ValueError(
            "Arguments `x` and `x_hat` must have the same shape. "
            f"Received: x.shape={x.shape}, x_hat.shape={x_hat.shape}"
        )
    x, x_hat = _flatten(x), _flatten(x_hat)
    if metric == "mse":
        return np.mean((x - x_hat) ** 2, axis=1)
    if metric == "l1":
        return np.mean(np.abs(x - x_hat), axis=1)
    p = np.clip(x_hat, _BCE_EPSILON, 1.0 - _BCE_EPSILON)
    return -np.mean(x * np.log(p) + (1.0 - x) * np.log1p(-p), axis=1)


def principal_angles(a, b, *, degrees=True):
    """Computes the principal angles between the column spaces of two matrices.

    Used to compare the subspace learned by a linear autoencoder (the
    columns of its decoder kernel transposed, or of its encoder kernel)
    with the principal subspace found by PCA: all angles near 0 mean the
    two span the same subspace even if the bases differ.

    Args:
        a: array of shape `(d, k1)`. Its columns span the first subspace.
        b: array of shape `(d, k2)`. Its columns span the second subspace.
        degrees: bool. Whether to return degrees instead of radians.
            Defaults to `True`.

    Returns:
        A NumPy array of `min(k1, k2)` angles sorted in ascending order
        (`scipy.linalg.subspace_angles` returns them descending).

    Example:

    >>> a = np.eye(3)[:, :2]
    >>> b = np.eye(3)[:, 1:]
    >>> np.round(principal_angles(a, b), 6)
    array([ 0., 90.])
    """
    a = _as_numpy(a).astype(np.float64)
    b = _as_numpy(b).astype(np.float64)
    for name, matrix in (("a", a), ("b", b)):
        if matrix.ndim != 2 or 0 in matrix.shape:
            raise ValueError(
                f"Invalid value received for argument `{name}`. Expected a "
                f"non-empty 2-D array of shape (d, k). Received: "
                f"{name}.shape={matrix.shape}"
            )
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            "Arguments `a` and `b` must have the same number of rows. "
            f"Received: a.shape={a.shape}, b.shape={b.shape}"
        )
    angles = np.sort(scipy.linalg.subspace_angles(a, b))
    return np.degrees(angles) if degrees else angles


def mean_activations(codes):
    """Computes the average activation `rho_hat_j` of each hidden unit.

    This is the quantity the KL sparsity penalty drives towards the target
    `rho` (Ng, CS294A lecture notes). For codes of rank greater than 2 (e.g.
    convolutional feature maps `(n, h, w, channels)`) the mean is taken over
    all axes but the last one, giving one value per channel.

    Args:
        codes: array of shape `(n, ..., units)`, at least 2-D.

    Returns:
        A float64 NumPy array of shape `(units,)`.

    Example:

    >>> mean_activations(np.array([[0.0, 1.0], [0.5, 1.0]]))
    array([0.25, 1.  ])
    """
    codes = _as_samples("codes", codes, min_ndim=2).astype(np.float64)
    return codes.reshape(-1, codes.shape[-1]).mean(axis=0)


def linear_probe(train_features, y_train, test_features, y_test, *, max_iter=1000, C=1.0, seed=0):
    """Measures how linearly separable the classes are in a feature space.

    Fits a `StandardScaler` followed by a `LogisticRegression` on the
    training features and returns its accuracy on the test features. Codes
    of an autoencoder are better features than raw pixels when this probe
    scores higher on them. Features of any shape `(n, ...)` are flattened.

    Args:
        train_features: array of shape `(n_train, ...)`.
        y_train: array of shape `(n_train,)`. Training labels.
        test_features: array of shape `(n_test, ...)`.
        y_test: array of shape `(n_test,)`. Test labels.
        max_iter: int. Maximum number of solver iterations. Defaults to
            `1000`.
        C: float. Inverse L2 regularisation strength. Defaults to `1.0`.
        seed: int. Random state of the solver. Defaults to `0`.

    Returns:
        The test accuracy, a float in `[0, 1]`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, size=200)
    >>> features = rng.normal(size=(200, 5)) + 3.0 * y[:, None]
    >>> linear_probe(features[:150], y[:150], features[150:], y[150:])
    1.0
    """
    check_positive_int("max_iter", max_iter)
    C = check_real("C", C, low=0, closed=(False, True))
    train_features = _flatten(_as_samples("train_features", train_features))
    test_features = _flatten(_as_samples("test_features", test_features))
    y_train = _as_numpy(y_train).reshape(-1)
    y_test = _as_numpy(y_test).reshape(-1)
    _check_same_length("train_features", train_features, "y_train", y_train)
    _check_same_length("test_features", test_features, "y_test", y_test)
    if train_features.shape[1] != test_features.shape[1]:
        raise ValueError(
            "Arguments `train_features` and `test_features` must have the same "
            f"number of features. Received: train_features.shape="
            f"{train_features.shape}, test_features.shape={test_features.shape}"
        )
    probe = make_pipeline(
        StandardScaler(),
        LogisticRegression(max_iter=max_iter, C=C, random_state=seed),
    )
    probe.fit(train_features, y_train)
    return float(accuracy_score(y_test, probe.predict(test_features)))


def precision_at_k(
    query_codes,
    query_labels,
    database_codes,
    database_labels,
    k=10,
    *,
    metric="euclidean",
    exclude_self=False,
):
    """Computes the mean precision at `k` of a code-based image search.

    For each query, the `k` nearest database items in code space (exact
    search with `sklearn.neighbors.NearestNeighbors`) are retrieved; the
    precision of the query is the fraction of them sharing its label. The
    result is the mean over queries.

    Args:
        query_codes: array of shape `(n_queries, ...)`.
        query_labels: array of shape `(n_queries,)`.
        database_codes: array of shape `(n_database, ...)` with the same
            number of features as `query_codes`.
        database_labels: array of shape `(n_database,)`.
        k: int. Number of retrieved items per query. Must be at most
            `n_database`, and smaller than `n_database` when `exclude_self`
            is `True`. Defaults to `10`.
        metric: str. Distance used by `NearestNeighbors` (e.g.
            `"euclidean"`, `"cosine"`, `"manhattan"`). Defaults to
            `"euclidean"`.
        exclude_self: bool. Set to `True` when the queries are the database
            itself (same items, same order): query `i` then does not
            retrieve database item `i`. Defaults to `False`.

    Returns:
        The mean precision at `k`, a float in `[0, 1]`.

    Example:

    >>> codes = np.array([[0.0], [0.1], [5.0], [5.1]])
    >>> labels = np.array([0, 0, 1, 1])
    >>> precision_at_k(codes, labels, codes, labels, k=1, exclude_self=True)
    1.0
    """
    check_choice("metric", metric, _NEIGHBOR_METRICS)
    query_codes = _flatten(_as_samples("query_codes", query_codes))
    database_codes = _flatten(_as_samples("database_codes", database_codes))
    query_labels = _as_numpy(query_labels).reshape(-1)
    database_labels = _as_numpy(database_labels).reshape(-1)
    _check_same_length("query_codes", query_codes, "query_labels", query_labels)
    _check_same_length("database_codes", database_codes, "database_labels", database_labels)
    if query_codes.shape[1] != database_codes.shape[1]:
        raise ValueError(
            "Arguments `query_codes` and `database_codes` must have the same "
            f"number of features. Received: query_codes.shape={query_codes.shape}, "
            f"database_codes.shape={database_codes.shape}"
        )
    n_database = len(database_codes)
    k = check_positive_int("k", k)
    if exclude_self:
        _check_same_length("query_codes", query_codes, "database_codes", database_codes)
        if k >= n_database:
            raise ValueError(
                "Invalid value received for argument `k`. Expected a positive "
                f"integer smaller than the number of database items ({n_database}) "
                f"when `exclude_self=True`. Received: k={k!r}"
            )
    elif k > n_database:
        raise ValueError(
            "Invalid value received for argument `k`. Expected a positive "
            f"integer no larger than the number of database items ({n_database}). "
            f"Received: k={k!r}"
        )
    n_neighbors = k + 1 if exclude_self else k
    search = NearestNeighbors(n_neighbors=n_neighbors, metric=metric, algorithm="brute")
    search.fit(database_codes)
    neighbors = search.kneighbors(query_codes, return_distance=False)
    if exclude_self:
        # Drop the query itself; it is not always first when codes repeat.
        keep = neighbors != np.arange(len(neighbors))[:, None]
        keep[keep.all(axis=1), -1] = False
        neighbors = neighbors[keep].reshape(len(neighbors), k)
    hits = database_labels[neighbors] == query_labels[:, None]
    return float(hits.mean())


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
    normal_scores = _as_samples("normal_scores", normal_scores).reshape(-1)
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
    scores = _as_samples("scores", scores).reshape(-1).astype(np.float64)
    is_anomaly = _as_numpy(is_anomaly).reshape(-1)
    _check_same_length("scores", scores, "is_anomaly", is_anomaly)
    if not np.isin(is_anomaly, (0, 1)).all():
        raise ValueError(
            "Invalid value received for argument `is_anomaly`. Expected bools "
            f"or 0/1 values. Received values: {np.unique(is_anomaly)}"
        )
    is_anomaly = is_anomaly.astype(bool)
    if is_anomaly.all() or not is_anomaly.any():
        raise ValueError(
            "Invalid value received for argument `is_anomaly`. Expected both "
            "normal (0) and anomalous (1) samples, since the ROC AUC is "
            f"undefined otherwise. Received: {int(is_anomaly.sum())} anomalies "
            f"out of {len(is_anomaly)} samples"
        )
    threshold = check_real("threshold", threshold)
    if not np.isfinite(threshold):
        raise ValueError(
            "Invalid value received for argument `threshold`. Expected a finite "
            f"float value. Received: threshold={threshold!r}"
        )
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


def gaussian_kl(z_mean, z_log_var, *, axis=-1):
    """Computes KL(N(mu, diag(sigma^2)) || N(0, I)) in closed form.

    This is the regularisation term of the VAE loss (Kingma & Welling,
    2013): `-0.5 * sum(1 + log_var - mu^2 - exp(log_var))`, summed over the
    latent `axis`. It is computed in float64 and is exactly 0 when
    `mu = 0` and `log_var = 0`.

    Args:
        z_mean: array, e.g. of shape `(n, latent_dim)`. Means `mu`.
        z_log_var: array with the same shape as `z_mean`. Log-variances
            `log sigma^2`.
        axis: int. Latent axis that is summed over. Defaults to `-1`.

    Returns:
        A float64 NumPy array with `axis` removed, e.g. of shape `(n,)`.

    Example:

    >>> gaussian_kl(np.array([[0.0, 0.0], [1.0, 0.0]]), np.zeros((2, 2)))
    array([0. , 0.5])
    """
    z_mean = _as_numpy(z_mean).astype(np.float64)
    z_log_var = _as_numpy(z_log_var).astype(np.float64)
    if z_mean.shape != z_log_var.shape:
        raise ValueError(
            "Arguments `z_mean` and `z_log_var` must have the same shape. "
            f"Received: z_mean.shape={z_mean.shape}, z_log_var.shape={z_log_var.shape}"
        )
    if z_mean.ndim == 0 or not -z_mean.ndim <= axis < z_mean.ndim:
        raise ValueError(
            "Invalid value received for argument `axis`. Expected an axis of an "
            f"array with shape {z_mean.shape}. Received: axis={axis!r}"
        )
    # Same value as -0.5 * sum(1 + log_var - mu^2 - exp(log_var)), written so
    # that mu = 0, log_var = 0 gives 0.0 rather than -0.0.
    terms = np.square(z_mean) + np.exp(z_log_var) - 1.0 - z_log_var
    return 0.5 * np.sum(terms, axis=axis)


def sigmoid_jacobian_norm(x, kernel, bias):
    """Computes the squared Frobenius norm of the Jacobian of a sigmoid layer.

    For `h = sigmoid(x @ kernel + bias)`, `dh_j / dx_i = h_j (1 - h_j) W_ij`,
    so `||J(x)||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ij^2`. This is the
    penalty of the contractive autoencoder (Rifai et al., 2011), evaluated
    here per sample for analysis.

    Args:
        x: array of shape `(n, ...)`, flattened to `(n, d)`.
        kernel: array of shape `(d, units)`, e.g. a `Dense` layer's kernel.
        bias: array of shape `(units,)`.

    Returns:
        A float64 NumPy array of shape `(n,)`.

    Example:

    >>> sigmoid_jacobian_norm(np.zeros((1, 2)), np.ones((2, 1)), np.zeros(1))
    array([0.125])
    """
    x = _flatten(_as_samples("x", x)).astype(np.float64)
    kernel = _as_numpy(kernel).astype(np.float64)
    bias = _as_numpy(bias).astype(np.float64)
    if kernel.ndim != 2 or kernel.shape[0] != x.shape[1]:
        raise ValueError(
            "Invalid value received for argument `kernel`. Expected a 2-D array "
            f"of shape ({x.shape[1]}, units) to match x with {x.shape[1]} "
            f"features. Received: kernel.shape={kernel.shape}"
        )
    if bias.shape != (kernel.shape[1],):
        raise ValueError(
            "Invalid value received for argument `bias`. Expected an array of "
            f"shape ({kernel.shape[1]},). Received: bias.shape={bias.shape}"
        )
    h = scipy.special.expit(x @ kernel + bias)
    return np.square(h * (1.0 - h)) @ np.sum(np.square(kernel), axis=0)
