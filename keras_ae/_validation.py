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


def check_callable(name, value):
    """Returns `value` if it can be called, else raises ValueError."""
    if not callable(value):
        raise _invalid(name, "a callable", value)
    return value


def check_scalar_shape(name, shape):
    """Raises ValueError unless `shape`, the shape of a function's result, is that of a scalar."""
    if tuple(shape) != ():
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a function that returns "
            f"a scalar. Received: a result of shape {tuple(shape)}"
        )
