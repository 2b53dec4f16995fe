"""Offline datasets: generated geometric shapes, MNIST and scikit-learn's digits.

Every loader returns NumPy arrays in the layout of `keras.datasets.*.load_data()`:
``((x_train, y_train), (x_test, y_test))`` with images as float32 in [0, 1] of
shape `(n, height, width)` and labels as int64. Nothing is downloaded unless
`load_mnist(source="full")` finds no local copy of MNIST and asks Keras for one.

Randomness comes only from `numpy.random.default_rng(seed)`, never from
`keras.random`, so the arrays do not depend on the Keras backend.
"""

from keras_ae.datasets.digits import load_digits
from keras_ae.datasets.mnist import MNIST_ENV_VAR, MNIST_URL, MNISTNotFoundError, load_mnist
from keras_ae.datasets.shapes import SHAPE_CLASSES, load_shapes, make_shapes

__all__ = [
    "MNIST_ENV_VAR",
    "MNIST_URL",
    "SHAPE_CLASSES",
    "MNISTNotFoundError",
    "load_digits",
    "load_mnist",
    "load_shapes",
    "make_shapes",
]
