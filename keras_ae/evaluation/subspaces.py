"""The linear baseline: PCA reconstructions and principal angles between subspaces."""

import numpy as np
import scipy.linalg
from sklearn.decomposition import PCA

from keras_ae._arrays import as_numpy, as_samples, flatten
from keras_ae._validation import check_bool, check_positive_int, invalid_argument

__all__ = ["pca_reconstruction", "principal_angles"]


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
    whiten = check_bool("whiten", whiten)
    x_train = as_samples("x_train", x_train)
    x_test = as_samples("x_test", x_test)
    train_flat = flatten(x_train).astype(np.float64)
    test_flat = flatten(x_test).astype(np.float64)
    if train_flat.shape[1] != test_flat.shape[1]:
        raise ValueError(
            "Arguments `x_train` and `x_test` must have the same number of "
            f"features. Received: x_train.shape={x_train.shape}, "
            f"x_test.shape={x_test.shape}"
        )
    max_components = min(train_flat.shape)
    n_components = check_positive_int("n_components", n_components)
    if n_components > max_components:
        raise invalid_argument(
            "n_components",
            f"a positive integer no larger than min(n_train, n_features)={max_components}",
            n_components,
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
    degrees = check_bool("degrees", degrees)
    a = as_numpy(a).astype(np.float64)
    b = as_numpy(b).astype(np.float64)
    for name, matrix in (("a", a), ("b", b)):
        if matrix.ndim != 2 or 0 in matrix.shape:
            raise invalid_argument(
                name,
                "a non-empty 2-D array of shape (d, k)",
                received=f"{name}.shape={matrix.shape}",
            )
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            "Arguments `a` and `b` must have the same number of rows. "
            f"Received: a.shape={a.shape}, b.shape={b.shape}"
        )
    angles = np.sort(scipy.linalg.subspace_angles(a, b))
    return np.degrees(angles) if degrees else angles
