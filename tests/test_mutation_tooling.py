"""The mutation-testing harness itself: a mutant must be observable through it.

Under mutmut every method of a mutated module is a `(*args, **kwargs)`
trampoline that picks the original or the mutant. conftest.py puts each
trampoline behind a forwarder with the method's real parameters, because
Keras inspects `__init__` and `call`. If the forwarder filled in the
original's defaults, a mutant that only changes a default value could never be
seen by any test (this happened: every such mutant "survived").
"""

import inspect

import pytest
from conftest import _forwarder

pytestmark = pytest.mark.backend_independent


def original(self, units, rate=0.25, *, seed=None, **kwargs):
    return None


def mutant(self, units, rate=0.5, *, seed=None, **kwargs):
    return None


def trampoline(*args, **kwargs):
    # What mutmut's trampoline does when the mutant is active: call it.
    return mutant(*args, **kwargs), args, kwargs


def test_forwarder_leaves_out_the_arguments_the_caller_left_out():
    forwarder = _forwarder(trampoline, inspect.signature(original))
    _, args, kwargs = forwarder("self", 3)
    assert args == ("self", 3)
    assert kwargs == {}


def test_forwarder_passes_on_every_argument_given():
    forwarder = _forwarder(trampoline, inspect.signature(original))
    _, args, kwargs = forwarder("self", 3, 0.1, seed=7, name="layer")
    assert args == ("self", 3)
    assert kwargs == {"rate": 0.1, "seed": 7, "name": "layer"}


def test_forwarder_shows_the_original_parameters_to_inspect():
    forwarder = _forwarder(trampoline, inspect.signature(original))
    assert inspect.signature(forwarder) == inspect.signature(original)
    spec = inspect.getfullargspec(forwarder)
    assert spec.args == ["self", "units", "rate"] and spec.kwonlyargs == ["seed"]


def test_forwarder_without_defaults_has_the_plain_parameter_list():
    def build(self, input_shape):
        return None

    forwarder = _forwarder(lambda *a, **k: (a, k), inspect.signature(build))
    assert not hasattr(forwarder, "__signature__")
    assert forwarder("self", (2, 3)) == (("self", (2, 3)), {})
