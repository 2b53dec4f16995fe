"""One rule per kind of argument, the same in every module of the library."""

import re
from pathlib import Path

import keras
import numpy as np
import pytest

from keras_ae import datasets, evaluation, layers, models, plotting, training
from keras_ae._validation import (
    check_bool,
    check_choice,
    check_int,
    check_positive_int,
    check_real,
    check_seed,
    check_shape,
    invalid_argument,
)

PACKAGE = Path(__file__).resolve().parents[1] / "keras_ae"
SEED_MESSAGE = (
    "Invalid value received for argument `seed`. Expected an integer in [0, 2**31) or None."
)


def test_invalid_argument_has_the_keras_format():
    error = invalid_argument("rate", "a float value in [0, 1)", 1.5)
    assert str(error) == (
        "Invalid value received for argument `rate`. Expected a float value in [0, 1). "
        "Received: rate=1.5"
    )
    error = invalid_argument("x", "a non-empty array", received="x.shape=(0,)")
    assert str(error).endswith("Expected a non-empty array. Received: x.shape=(0,)")


def test_the_message_is_written_only_in_the_validation_module():
    writers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "Invalid value received" in path.read_text()
    ]
    assert writers == ["_validation.py"]


@pytest.mark.parametrize("value", [0, 7, 2**31 - 1, np.int64(5), np.uint32(9), None])
def test_check_seed_accepts_none_and_unsigned_32_bit_integers(value):
    checked = check_seed("seed", value)
    assert checked == value
    assert checked is None or type(checked) is int


@pytest.mark.parametrize("value", [-1, 2**31, 1.5, "a", True, np.float64(3.0), [1]])
def test_check_seed_refuses_everything_else_with_a_value_error(value):
    with pytest.raises(ValueError) as excinfo:
        check_seed("seed", value)
    assert str(excinfo.value) == f"{SEED_MESSAGE} Received: seed={value!r}"


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3)])
def test_integer_checks_accept_numpy_integers(value):
    assert check_positive_int("n", value) == 3
    assert check_int("n", value, low=0) == 3
    assert check_shape("shape", (value, value)) == (3, 3)
    assert type(check_shape("shape", value, allow_int=True)[0]) is int


@pytest.mark.parametrize("value", [True, False, 2.0, "3", None])
def test_integer_checks_refuse_booleans_floats_and_strings(value):
    with pytest.raises(ValueError, match=r"Expected a positive integer\. Received: n="):
        check_positive_int("n", value)
    with pytest.raises(ValueError, match=r"Expected an integer >= 0\. Received: n="):
        check_int("n", value, low=0)


def test_check_real_refuses_booleans_and_optionally_infinities():
    with pytest.raises(ValueError, match=r"Expected a float value\. Received: x=True"):
        check_real("x", True)
    assert check_real("x", np.float32(0.5)) == 0.5
    assert check_real("x", float("inf")) == float("inf")
    with pytest.raises(ValueError, match=r"Expected a finite float value\. Received: x=inf"):
        check_real("x", float("inf"), finite=True)


def test_check_bool_accepts_numpy_booleans_only():
    assert check_bool("flag", np.bool_(True)) is True
    with pytest.raises(ValueError, match=r"Expected a boolean\. Received: flag=1"):
        check_bool("flag", 1)


def test_check_choice_names_the_choices():
    assert check_choice("c", "b", ("a", "b")) == "b"
    with pytest.raises(ValueError, match=r"Expected one of \{'a', 'b'\}\. Received: c=\['a'\]"):
        check_choice("c", ["a"], ("a", "b"))


def test_check_shape_reports_the_value_as_given():
    with pytest.raises(ValueError) as excinfo:
        check_shape("input_shape", 0, allow_int=True)
    assert str(excinfo.value) == (
        "Invalid value received for argument `input_shape`. Expected a positive integer or "
        "a non-empty tuple of positive integers. Received: input_shape=0"
    )


# --- The reported cases, through the public API -------------------------------------


@pytest.mark.parametrize("make", [layers.MaskingNoise, lambda **kw: layers.Sampling(**kw)])
@pytest.mark.parametrize("seed", [-1, 2**31, "a", 1.5])
def test_layers_refuse_bad_seeds_at_construction(make, seed):
    args = (0.1,) if make is layers.MaskingNoise else ()
    with pytest.raises(ValueError) as excinfo:
        make(*args, seed=seed)
    assert str(excinfo.value) == f"{SEED_MESSAGE} Received: seed={seed!r}"


def test_masking_noise_keeps_a_numpy_seed_as_a_python_int():
    layer = layers.MaskingNoise(0.1, seed=np.int64(7))
    assert layer.get_config()["seed"] == 7
    assert type(layer.get_config()["seed"]) is int


@pytest.mark.parametrize(
    "call",
    [
        lambda seed: datasets.make_shapes(4, seed=seed),
        lambda seed: datasets.load_shapes(4, 4, seed=seed),
        lambda seed: datasets.load_digits(seed=seed),
        lambda seed: models.build_dense_autoencoder(8, 2, noise_rate=0.1, seed=seed),
        lambda seed: models.build_dense_autoencoder(8, 2, noise_stddev=0.1, seed=seed),
        lambda seed: models.build_conv_autoencoder(
            (8, 8), 2, filters=(2,), noise_stddev=0.1, seed=seed
        ),
        lambda seed: models.build_dense_vae(8, 2, seed=seed),
        lambda seed: evaluation.linear_probe(
            np.eye(4), [0, 1, 0, 1], np.eye(4), [0, 1, 0, 1], seed=seed
        ),
        lambda seed: plotting.plot_latent_space(np.eye(4), seed=seed),
        lambda seed: training.greedy_layerwise_pretraining(np.eye(4), (2,), epochs=1, seed=seed),
    ],
)
@pytest.mark.parametrize("seed", [-1, 1.5, "a"])
def test_every_seed_follows_one_rule(call, seed):
    with pytest.raises(ValueError) as excinfo:
        call(seed)
    assert str(excinfo.value) == f"{SEED_MESSAGE} Received: seed={seed!r}"


def test_seed_with_gaussian_noise_is_reported_as_given():
    with pytest.raises(ValueError, match=re.escape("Received: seed=1.5")):
        models.build_dense_autoencoder(8, 2, noise_stddev=0.1, seed=1.5)


def test_largest_seed_with_both_noises_builds():
    model = models.build_dense_autoencoder(8, 2, noise_rate=0.1, noise_stddev=0.1, seed=2**31 - 1)
    assert model.encoder.get_layer("gaussian_noise").seed == 0


def test_builders_accept_numpy_integer_sizes():
    model = models.build_dense_autoencoder(np.int64(8), np.int64(2), hidden_units=(np.int32(4),))
    assert model.encoder.output_shape == (None, 2)
    assert models.build_dense_vae(np.int64(8), np.int64(2)).encoder.input_shape == (None, 8)
    conv = models.build_conv_autoencoder((np.int64(8), np.int64(8)), np.int64(2), filters=(2,))
    assert conv.encoder.output_shape == (None, 2)


def test_numpy_integers_are_accepted_wherever_an_integer_is():
    x, _ = datasets.make_shapes(np.int64(4), image_size=np.int64(16), seed=np.int64(0))
    assert x.shape == (4, 16, 16)
    classifier = training.build_classifier(
        keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)]), np.int64(2)
    )
    assert classifier.output_shape == (None, 2)
    assert plotting.filter_mosaic(
        np.ones((3, 2, 2)), n_cols=np.int64(2), gap=np.int64(0)
    ).shape == (
        4,
        4,
    )


def test_every_public_module_declares_all():
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if any(part.startswith("_") and part != "__init__" for part in parts):
            continue
        assert "__all__ = [" in path.read_text(), path


def test_no_private_name_is_imported_across_modules():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for match in re.finditer(
            r"^from keras_ae[\w.]* import (\([^)]*\)|.*)$", path.read_text(), re.M
        ):
            names = re.findall(r"\b\w+\b", match.group(1))
            offenders += [f"{path.name}: {name}" for name in names if name.startswith("_")]
    assert offenders == []
