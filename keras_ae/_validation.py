"""Argument checks shared by the library, with Keras-style error messages.

Every check of a user's argument goes through this module, so that a rule
(say, what a valid `seed` is) is written once and holds everywhere. A check
returns the value in the plain Python type the library stores (`int`,
`float`, `bool`, a tuple of ints), or raises a ValueError worded as Keras
words its own:

    Invalid value received for argument `rate`. Expected a float value in
    [0, 1). Received: rate=1.5

Integers are recognised through `numbers.Integral`, so NumPy integers are
accepted everywhere and booleans nowhere.
"""

import math
import numbers

import numpy as np

__all__ = [
    "SEED_LIMIT",
    "check_bool",
    "check_choice",
    "check_int",
    "check_positive_int",
    "check_real",
    "check_same_length",
    "check_seed",
    "check_shape",
    "invalid_argument",
    "is_int",
    "is_real",
]

# Seeds are unsigned 32-bit integers: Keras's `SeedGenerator` stores them as
# uint32 on every backend (a negative seed overflows on JAX).
SEED_LIMIT = 2**31

_NO_VALUE = object()


def invalid_argument(name, expected, value=_NO_VALUE, *, received=None):
    """Returns the ValueError for an argument `name` that is not `expected`.

    The message ends with ``Received: name=value!r``, or with
    ``Received: <received>`` when `received` describes the value better (e.g.
    ``x.shape=(0, 3)`` for an array).
    """
    if received is None:
        if value is _NO_VALUE:
            raise TypeError("invalid_argument() needs `value` or `received`.")
        received = f"{name}={value!r}"
    return ValueError(
        f"Invalid value received for argument `{name}`. Expected {expected}. Received: {received}"
    )


def is_int(value):
    """Whether `value` is an integer (Python or NumPy), not a boolean."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value):
    """Whether `value` is a real number (Python or NumPy), not a boolean."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_real(name, value, *, low=None, high=None, closed=(True, True), finite=False):
    """Returns `float(value)` if it lies in the interval, else raises ValueError.

    `closed` says whether the low and the high ends are included; with
    `finite=True`, infinities and NaN are refused as well.
    """
    ok = is_real(value) and not (finite and not math.isfinite(value))
    if ok and low is not None:
        ok = value >= low if closed[0] else value > low
    if ok and high is not None:
        ok = value <= high if closed[1] else value < high
    if not ok:
        kind = "a finite float value" if finite else "a float value"
        if low is not None and high is not None:
            brackets = ("[" if closed[0] else "(", "]" if closed[1] else ")")
            expected = f"{kind} in {brackets[0]}{low}, {high}{brackets[1]}"
        elif low is not None:
            expected = f"{kind} {'>=' if closed[0] else '>'} {low}"
        elif high is not None:
            expected = f"{kind} {'<=' if closed[1] else '<'} {high}"
        else:
            expected = kind
        raise invalid_argument(name, expected, value)
    return float(value)


def check_int(name, value, *, low=None):
    """Returns `int(value)` if it is an integer >= `low`, else raises ValueError."""
    if not is_int(value) or (low is not None and value < low):
        raise invalid_argument(name, "an integer" if low is None else f"an integer >= {low}", value)
    return int(value)


def check_positive_int(name, value):
    """Returns `int(value)` if it is an integer >= 1, else raises ValueError."""
    if not is_int(value) or value < 1:
        raise invalid_argument(name, "a positive integer", value)
    return int(value)


def check_choice(name, value, choices):
    """Returns `value` if it is one of `choices`, else raises ValueError."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise invalid_argument(name, f"one of {{{allowed}}}", value)
    return value


def check_seed(name, value):
    """Returns `None` or `int(value)` for a seed in [0, 2**31), else raises ValueError.

    The one rule for every seed of the library, whether it feeds a
    `keras.random.SeedGenerator` or `numpy.random.default_rng`. The bound is
    the PyTorch backend's: its seed generator holds the seed as an int32.
    """
    if value is None:
        return None
    if not is_int(value) or not 0 <= value < SEED_LIMIT:
        raise invalid_argument(name, "an integer in [0, 2**31) or None", value)
    return int(value)


def check_bool(name, value):
    """Returns `bool(value)` for a Python or NumPy boolean, else raises ValueError."""
    if not isinstance(value, bool | np.bool_):
        raise invalid_argument(name, "a boolean", value)
    return bool(value)


def check_shape(name, value, *, allow_int=False, allow_empty=False):
    """Returns a tuple of positive ints, else raises ValueError.

    With `allow_int=True`, a single integer `n` stands for `(n,)`; with
    `allow_empty=True`, `()` is accepted.
    """
    shape = (value,) if allow_int and is_int(value) else value
    if (
        not isinstance(shape, tuple | list)
        or (not shape and not allow_empty)
        or not all(is_int(size) and size > 0 for size in shape)
    ):
        expected = (
            "a tuple of positive integers"
            if allow_empty
            else "a non-empty tuple of positive integers"
        )
        if allow_int:
            expected = "a positive integer or " + expected
        raise invalid_argument(name, expected, value)
    return tuple(int(size) for size in shape)


def check_same_length(name_a, a, name_b, b):
    """Raises ValueError unless `a` and `b` hold the same number of samples."""
    if len(a) != len(b):
        raise ValueError(
            f"Arguments `{name_a}` and `{name_b}` must have the same number of "
            f"samples. Received: len({name_a})={len(a)}, len({name_b})={len(b)}"
        )


def check_odd_positive_int(name, value):
    """Returns `int(value)` if it is an odd integer >= 1, else raises ValueError."""
    if not is_int(value) or value < 1 or value % 2 == 0:
        raise invalid_argument(name, "an odd positive integer", value)
    return int(value)


def check_binary_matrix(name, value):
    """Returns `value` as a float32 NumPy matrix if it is a 2-D array of 0s and 1s."""
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 2 or array.size == 0 or not np.isin(array, (0, 1)).all():
        shown = value if array is None or array.size <= 16 else f"array of shape {array.shape}"
        raise invalid_argument(name, "a non-empty 2-D array of 0s and 1s", shown)
    return array.astype("float32")


def check_permutation(name, value, n):
    """Returns `value` as an int64 NumPy vector if it is a permutation of `range(n)`."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = None
    ok = (
        array is not None
        and array.shape == (n,)
        and np.issubdtype(array.dtype, np.integer)
        and np.array_equal(np.sort(array), np.arange(n))
    )
    if not ok:
        shown = value if array is None or array.size <= 16 else f"array of shape {array.shape}"
        raise invalid_argument(name, f"a permutation of range({n})", shown)
    return array.astype("int64")


def check_callable(name, value):
    """Returns `value` if it can be called, else raises ValueError."""
    if not callable(value):
        raise invalid_argument(name, "a callable", value)
    return value


def check_scalar_shape(name, shape):
    """Raises ValueError unless `shape`, the shape of a function's result, is that of a scalar."""
    if tuple(shape) != ():
        raise invalid_argument(
            name, "a function that returns a scalar", received=f"a result of shape {tuple(shape)}"
        )
