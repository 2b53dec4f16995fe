"""The scan that links the website's lectures and API entries (docs/_ext/keras_ae_links.py)."""

import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

import keras_ae_links  # noqa: E402

pytestmark = pytest.mark.backend_independent


@pytest.fixture(scope="module")
def objects():
    return keras_ae_links.public_objects()


def test_public_objects_cover_every_public_module(objects):
    assert objects["keras_ae.regularizers.KLSparsity"] == "api/regularizers"
    assert objects["keras_ae.plotting.plot_filters"] == "api/plotting"
    assert not any(name.split(".")[-1].startswith("_") for name in objects)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("from keras_ae.regularizers import KLSparsity as K\nK()", {"regularizers.KLSparsity"}),
        ("from keras_ae import layers\nlayers.MaskingNoise(0.1)", {"layers.MaskingNoise"}),
        ("import keras_ae\nkeras_ae.models.Autoencoder.encode", {"models.Autoencoder"}),
        ("import keras_ae.losses as L\nL.HalfSquaredError()", {"losses.HalfSquaredError"}),
        ("%matplotlib inline\nkeras_ae.layers.Sampling()", {"layers.Sampling"}),
        ("from keras_ae.layers import tied\ntied._Tie", set()),  # not public
        ("import keras\nkeras.layers.Dense(3)", set()),
    ],
)
def test_code_uses(objects, code, expected):
    assert keras_ae_links._code_uses(code, objects) == {f"keras_ae.{e}" for e in expected}


def test_lectures_are_scanned(objects):
    uses = keras_ae_links.scan_lectures(ROOT, objects)
    assert len(uses) == len(list((ROOT / "course").glob("[0-9][0-9]_*.ipynb")))
    assert "keras_ae.regularizers.KLSparsity" in uses["course/03_sparse_autoencoders"]
    assert "keras_ae.layers.Sampling" in uses["course/09_variational_autoencoders"]
