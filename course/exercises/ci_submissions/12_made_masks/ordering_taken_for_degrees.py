"""The ordering taken for the degrees, and the property checked on input indices.

`ordering + 1` gives each input the degree of the input at its index in the ordering, not
its own position (the inverse permutation), so the masks follow another ordering; and the
check of Part 3 compares input indices instead of positions in the ordering. The model
built from these masks is still autoregressive, in another order, so its likelihood is
still exact.

Loses: degrees_check, dependencies_check, masks_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% degrees
def input_degrees(ordering):
    return np.asarray(ordering) + 1


# %% dependencies
def output_dependencies(f, X):
    X = np.asarray(X, "float32")
    base = np.asarray(f(X))
    dep = np.zeros((X.shape[1], X.shape[1]), dtype=bool)
    for j in range(X.shape[1]):
        flipped = X.copy()
        flipped[:, j] = 1 - flipped[:, j]
        dep[j] = (np.abs(np.asarray(f(flipped)) - base) > 1e-6).any(axis=0)
    return dep


def respects_ordering(dep, ordering):
    d = len(ordering)
    return bool(np.all(~np.asarray(dep) | (np.arange(d)[:, None] < np.arange(d)[None, :])))
