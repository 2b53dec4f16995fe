"""Shared fixtures: the standard checks that every custom layer must pass,
Keras's own layer-test harness, and mixed-precision dtype policies."""

import os

# Quiet TensorFlow's C++ start-up logs; must happen before Keras imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402

MIXED_POLICIES = ("mixed_float16", "mixed_bfloat16")

# Property-based tests (hypothesis): a small, fixed set of examples per test, so
# that the suite stays fast and a failure reproduces on every machine. Ask for
# more with `HYPOTHESIS_PROFILE=thorough`.
settings.register_profile(
    "keras_ae",
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
    # The "explain" phase traces every line under coverage: slow, and the
    # failing example is printed without it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
settings.register_profile("thorough", parent=settings.get_profile("keras_ae"), max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "keras_ae"))


_NOT_GIVEN = object()  # default of a forwarder's parameter that the caller did not pass


def _forwarder(trampoline, signature):
    """A function with `signature`'s parameters that calls `trampoline` with them.

    A real parameter list, not only a `__signature__` attribute: Keras wraps
    `build` with `functools.wraps`, which copies the function's attributes onto
    an unbound wrapper, so a signature stored on the function would keep `self`.

    An argument that the caller leaves out is left out of the call too, so that
    the function the trampoline picks (the original or a mutant) applies its own
    default: a mutated default value is then observable. Such parameters get a
    private marker as their real default, and `__signature__` shows the
    original defaults to `inspect` (Keras reads them).
    """
    parameters, positional, keywords = [], [], []
    namespace = {"_trampoline": trampoline, "_NOT_GIVEN": _NOT_GIVEN}
    keyword_only_started, last_positional_only, marked = False, None, False
    for index, parameter in enumerate(signature.parameters.values()):
        name, kind = parameter.name, parameter.kind
        if kind is parameter.KEYWORD_ONLY and not keyword_only_started:
            parameters.append("*")
            keyword_only_started = True
        if kind is parameter.VAR_POSITIONAL:
            parameters.append(f"*{name}")
            positional.append(f"*{name}")
            keyword_only_started = True
            continue
        if kind is parameter.VAR_KEYWORD:
            parameters.append(f"**{name}")
            keywords.append(f"**{name}")
            continue
        text = name
        has_default = parameter.default is not parameter.empty
        passed_by_name = kind is not parameter.POSITIONAL_ONLY
        if has_default and passed_by_name:
            text += "=_NOT_GIVEN"
            marked = True
            keywords.append(f"**({{{name!r}: {name}}} if {name} is not _NOT_GIVEN else {{}})")
        else:
            if has_default:
                namespace[f"_default_{index}"] = parameter.default
                text += f"=_default_{index}"
            if kind is parameter.KEYWORD_ONLY:
                keywords.append(f"{name}={name}")
            else:
                positional.append(name)
        parameters.append(text)
        if kind is parameter.POSITIONAL_ONLY:
            last_positional_only = len(parameters)
    if last_positional_only is not None:
        parameters.insert(last_positional_only, "/")
    header = f"def forwarder({', '.join(parameters)}):"
    source = f"{header}\n    return _trampoline({', '.join(positional + keywords)})\n"
    exec(source, namespace)  # noqa: S102  (test tooling: a signature-exact forwarder)
    forwarder = namespace["forwarder"]
    if marked:
        forwarder.__signature__ = signature
    return forwarder


def _expose_mutated_signatures():
    """Under mutation testing (mutmut), gives each wrapped method its real parameters.

    mutmut replaces every method of the mutated modules by a `(*args, **kwargs)`
    trampoline; Keras reads a layer's `__init__`, `call` and `build` arguments
    with `inspect`, so each trampoline is put behind a function with the
    original's parameter list.
    """
    import functools
    import inspect
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("keras_ae"):
            continue
        for cls in vars(module).values():
            if not isinstance(cls, type) or cls.__module__ != name:
                continue
            for attribute_name, attribute in list(vars(cls).items()):
                wrapped = getattr(attribute, "__wrapped__", None)
                if callable(wrapped) and inspect.isfunction(attribute):
                    forwarder = _forwarder(attribute, inspect.signature(wrapped))
                    functools.update_wrapper(forwarder, wrapped, updated=())
                    del forwarder.__wrapped__
                    setattr(cls, attribute_name, forwarder)


def pytest_configure(config):
    # Under `mutmut run`, or when one mutant's tests are rerun by hand with
    # MUTANT_UNDER_TEST set (from mutants/; README, "Tests").
    if "mutmut" in __import__("sys").modules or os.environ.get("MUTANT_UNDER_TEST"):
        import keras_ae.evaluation  # noqa: F401  (lazily imported otherwise)
        import keras_ae.layers  # noqa: F401
        import keras_ae.models  # noqa: F401

        _expose_mutated_signatures()
    config.addinivalue_line(
        "markers",
        "backend_independent: the module's results do not depend on KERAS_BACKEND; "
        "`make test-library` runs it once (`-m backend_independent`) instead of on every backend",
    )
    config.addinivalue_line(
        "markers",
        "grading: autogrades the exercises with nbgrader; `make test-exercises` and "
        "`make test-exercises-second-backend` run these modules, each a check of its own",
    )


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def layer_checks(tmp_path):
    """The project's checks every layer needs, as one function.

    `layer_checks(make_layer, input_data, expected_output_shape=...)`:
    `make_layer` builds a fresh layer; `input_data` is a NumPy array or a list
    of arrays. Checks: config round trip, symbolic output shape, eager call,
    one `fit` step, and a `.keras` save/load with identical outputs. Returns
    the layer.
    """

    def check(make_layer, input_data, *, expected_output_shape):
        layer = make_layer()
        config = layer.get_config()
        clone = layer.__class__.from_config(config)
        assert clone.get_config() == config

        inputs_list = input_data if isinstance(input_data, list) else [input_data]
        symbolic = [keras.Input(shape=a.shape[1:], batch_size=None) for a in inputs_list]
        call_arg = symbolic if isinstance(input_data, list) else symbolic[0]
        symbolic_out = layer(call_arg)
        assert tuple(symbolic_out.shape[1:]) == tuple(expected_output_shape)

        eager_out = keras.ops.convert_to_numpy(layer(input_data))
        assert eager_out.shape[1:] == tuple(expected_output_shape)
        assert np.all(np.isfinite(eager_out))

        head = keras.layers.Dense(1)
        model = keras.Model(symbolic, head(keras.layers.Flatten()(symbolic_out)))
        model.compile(optimizer="sgd", loss="mse")
        targets = np.zeros((len(inputs_list[0]), 1), dtype="float32")
        history = model.fit(input_data, targets, epochs=1, batch_size=len(targets), verbose=0)
        assert np.isfinite(history.history["loss"][0])

        path = tmp_path / "model.keras"
        model.save(path)
        reloaded = keras.saving.load_model(path)
        np.testing.assert_allclose(
            model.predict(input_data, verbose=0),
            reloaded.predict(input_data, verbose=0),
            rtol=1e-6,
            atol=1e-6,
        )
        return layer

    return check


@pytest.fixture
def keras_layer_test():
    """Keras's own layer-test harness, `keras.src.testing.TestCase.run_layer_test`.

    The checks Keras's `*_test.py` files run on every built-in layer: weight,
    seed-generator and loss counts, serialization, symbolic and eager calls,
    a compiled training step and (except on PyTorch without a GPU) the
    output dtypes under `mixed_float16`. A private Keras module: imported by
    the tests only, never by the library.
    """
    from keras.src.testing import TestCase

    case = TestCase(methodName="run_layer_test")
    case.setUp()
    yield case.run_layer_test
    case.doCleanups()


@pytest.fixture(params=MIXED_POLICIES)
def mixed_policy(request):
    """Sets a global mixed-precision dtype policy for one test, then restores it."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(request.param)
    yield request.param
    keras.config.set_dtype_policy(previous)
