"""Stratified train/test splits shared by the MNIST and digits loaders."""

import math

import numpy as np

from keras_ae._validation import check_real

__all__ = ["check_test_size", "split", "stratified_split"]


def check_test_size(test_size):
    return check_real("test_size", test_size, low=0, high=1, closed=(False, False))


def stratified_split(y, n_first, rng):
    """Splits indices in two shuffled parts; the first has `n_first` indices.

    Each class gets its proportional share of `n_first`, rounded by largest
    remainder (ties to the smaller label), so balanced classes stay balanced.
    """
    classes, counts = np.unique(y, return_counts=True)
    quota = counts * (n_first / len(y))
    take = np.floor(quota).astype(np.int64)
    order = np.argsort(take - quota, kind="stable")
    take[order[: n_first - int(take.sum())]] += 1
    first = []
    for label, k in zip(classes, take, strict=True):
        first.append(rng.permutation(np.flatnonzero(y == label))[:k])
    first = np.concatenate(first)
    rest = np.setdiff1d(np.arange(len(y)), first)
    return rng.permutation(first), rng.permutation(rest)


def split(x, y, test_size, rng):
    n_test = math.ceil(test_size * len(y))
    test, train = stratified_split(y, n_test, rng)
    return (x[train], y[train]), (x[test], y[test])
