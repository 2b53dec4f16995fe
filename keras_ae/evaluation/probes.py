"""How useful codes are: a linear probe and the precision of a code-based search."""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.neighbors import VALID_METRICS, NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from keras_ae._arrays import as_numpy, as_samples, flatten
from keras_ae._validation import (
    check_bool,
    check_choice,
    check_positive_int,
    check_real,
    check_same_length,
    check_seed,
    invalid_argument,
)

__all__ = ["linear_probe", "precision_at_k"]


_NEIGHBOR_METRICS = tuple(m for m in sorted(VALID_METRICS["brute"]) if m != "precomputed")


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
        seed: int in [0, 2**31) or `None`. Random state of the solver.
            Defaults to `0`.

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
    C = check_real("C", C, low=0, closed=(False, True), finite=True)
    seed = check_seed("seed", seed)
    train_features = flatten(as_samples("train_features", train_features))
    test_features = flatten(as_samples("test_features", test_features))
    y_train = as_numpy(y_train).reshape(-1)
    y_test = as_numpy(y_test).reshape(-1)
    check_same_length("train_features", train_features, "y_train", y_train)
    check_same_length("test_features", test_features, "y_test", y_test)
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
    exclude_self = check_bool("exclude_self", exclude_self)
    query_codes = flatten(as_samples("query_codes", query_codes))
    database_codes = flatten(as_samples("database_codes", database_codes))
    query_labels = as_numpy(query_labels).reshape(-1)
    database_labels = as_numpy(database_labels).reshape(-1)
    check_same_length("query_codes", query_codes, "query_labels", query_labels)
    check_same_length("database_codes", database_codes, "database_labels", database_labels)
    if query_codes.shape[1] != database_codes.shape[1]:
        raise ValueError(
            "Arguments `query_codes` and `database_codes` must have the same "
            f"number of features. Received: query_codes.shape={query_codes.shape}, "
            f"database_codes.shape={database_codes.shape}"
        )
    n_database = len(database_codes)
    k = check_positive_int("k", k)
    if exclude_self:
        check_same_length("query_codes", query_codes, "database_codes", database_codes)
        if k >= n_database:
            raise invalid_argument(
                "k",
                "a positive integer smaller than the number of database items "
                f"({n_database}) when `exclude_self=True`",
                k,
            )
    elif k > n_database:
        raise invalid_argument(
            "k",
            f"a positive integer no larger than the number of database items ({n_database})",
            k,
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
