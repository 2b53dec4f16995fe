"""log(sigmoid(l)) computed as it reads, and dependencies looked for on the first row only.

The logarithm of a sigmoid that rounds to 0 or 1 is -inf or log(0) for logits of +-1000;
a dependency that shows only on another row of X is missed.

Loses: dependencies_check, nll_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% dependencies
def output_dependencies(f, X):
    X = np.asarray(X, "float32")[:1]
    base = np.asarray(f(X))
    dep = np.zeros((X.shape[1], X.shape[1]), dtype=bool)
    for j in range(X.shape[1]):
        flipped = X.copy()
        flipped[:, j] = 1 - flipped[:, j]
        dep[j] = (np.abs(np.asarray(f(flipped)) - base) > 1e-6).any(axis=0)
    return dep


def respects_ordering(dep, ordering):
    m = np.empty(len(ordering), dtype=int)
    m[np.asarray(ordering)] = np.arange(1, len(ordering) + 1)
    return bool(np.all(~np.asarray(dep) | (m[:, None] < m[None, :])))


# %% likelihood
def log_likelihood(logits, X):
    p = 1 / (1 + np.exp(-np.asarray(logits, "float64")))
    X = np.asarray(X, "float64")
    return np.sum(X * np.log(p) + (1 - X) * np.log(1 - p), axis=1)


def all_binary_vectors(d):
    return ((np.arange(2**d)[:, None] >> np.arange(d)[None, :]) & 1).astype("float32")
