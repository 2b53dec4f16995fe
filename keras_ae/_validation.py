"""Argument checks shared by the library, with Keras-style error messages."""

import numbers


def _invalid(name, expected, value):
    return ValueError(
        f"Invalid value received for argument `{name}`. "
        f"Expected {expected}. Received: {name}={value!r}"
    )


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_real(name, value, *, low=None, high=None, closed=(True, True)):
    """Returns `float(value)` if it lies in the interval, else raises ValueError.

    `closed` says whether the low and the high ends are included.
    """
    ok = _is_real(value)
    if ok and low is not None:
        ok = value >= low if closed[0] else value > low
    if ok and high is not None:
        ok = value <= high if closed[1] else value < high
    if not ok:
        if low is not None and high is not None:
            brackets = ("[" if closed[0] else "(", "]" if closed[1] else ")")
            expected = f"a float value in {brackets[0]}{low}, {high}{brackets[1]}"
        elif low is not None:
            expected = f"a float value {'>=' if closed[0] else '>'} {low}"
        elif high is not None:
            expected = f"a float value {'<=' if closed[1] else '<'} {high}"
        else:
            expected = "a float value"
        raise _invalid(name, expected, value)
    return float(value)


def check_positive_int(name, value):
    """Returns `int(value)` if it is an integer >= 1, else raises ValueError."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise _invalid(name, "a positive integer", value)
    return int(value)


def check_choice(name, value, choices):
    """Returns `value` if it is one of `choices`, else raises ValueError."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise _invalid(name, f"one of {{{allowed}}}", value)
    return value


def check_seed(name, value):
    """Returns `value` if it is None or an integer, else raises ValueError."""
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise _invalid(name, "an integer or None", value)
    return value


def check_odd_positive_int(name, value):
    """Returns `int(value)` if it is an odd integer >= 1, else raises ValueError."""
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < 1
        or value % 2 == 0
    ):
        raise _invalid(name, "an odd positive integer", value)
    return int(value)


def check_binary_matrix(name, value):
    """Returns `value` as a float32 NumPy matrix if it is a 2-D array of 0s and 1s."""
    import numpy as np

    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 2 or array.size == 0 or not np.isin(array, (0, 1)).all():
        shown = value if array is None or array.size <= 16 else f"array of shape {array.shape}"
        raise _invalid(name, "a non-empty 2-D array of 0s and 1s", shown)
    return array.astype("float32")


def check_permutation(name, value, n):
    """Returns `value` as an int64 NumPy vector if it is a permutation of `range(n)`."""
    import numpy as np

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
        raise _invalid(name, f"a permutation of range({n})", shown)
    return array.astype("int64")
