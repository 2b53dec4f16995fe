"""scikit-learn's bundled 8x8 handwritten digits, split for training and testing."""

import numpy as np

from keras_ae._validation import check_seed
from keras_ae.datasets._splits import check_test_size, split

__all__ = ["load_digits"]


def load_digits(*, test_size=0.2, seed=0):
    """Loads scikit-learn's bundled 8x8 handwritten digits, split in two.

    The 1,797 images of the UCI "Optical Recognition of Handwritten Digits"
    test set ship with scikit-learn, so this works offline. Pixel counts 0..16
    are divided by 16; the split is stratified by digit after shuffling with
    `seed`.

    Args:
        test_size: float in (0, 1). Fraction held out for testing (rounded
            up). Defaults to `0.2`.
        seed: int >= 0 or `None`. Seed of the shuffling and split. Defaults to
            `0`.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` float32 of shape
        `(n, 8, 8)` in [0, 1], `y` int64 digits in 0..9.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_digits()
    >>> x_train.shape, x_test.shape
    ((1437, 8, 8), (360, 8, 8))

    References:
        Alpaydin & Kaynak (1998). Optical Recognition of Handwritten Digits.
        UCI Machine Learning Repository.
        https://archive.ics.uci.edu/ml/datasets/Optical+Recognition+of+Handwritten+Digits
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    test_size = check_test_size(test_size)
    seed = check_seed("seed", seed)
    bunch = sklearn_load_digits()
    x = bunch.images.astype(np.float32) / np.float32(16.0)
    (x_train, y_train), (x_test, y_test) = split(
        x, bunch.target.astype(np.int64), test_size, np.random.default_rng(seed)
    )
    return (x_train, y_train), (x_test, y_test)
