"""Smoke test of an installed keras-ae wheel, run from outside the checkout.

Usage: python smoke.py README.md  (run by `make test-wheel` in a fresh venv).
Checks that `keras_ae` is the installed copy, runs the README's Python
examples (with one epoch instead of thirty) and a `.keras` save/load round trip.
"""

import importlib.metadata
import pathlib
import re
import sys
import sysconfig
import tempfile

import keras
import numpy as np

import keras_ae

site_packages = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
location = pathlib.Path(keras_ae.__file__).resolve()
assert location.is_relative_to(site_packages), f"not the installed wheel: {location}"
assert importlib.metadata.version("keras-ae") == keras_ae.__version__

readme = pathlib.Path(sys.argv[1]).read_text()
for block in re.findall(r"```python\n(.*?)```", readme, re.S):
    exec(re.sub(r"epochs=\d+", "epochs=1", block), {})

from keras_ae import layers, models  # noqa: E402

model = models.build_dense_autoencoder((28, 28), 8, noise_rate=0.1, seed=0)
model.compile(optimizer="adam", loss="mse")
x = np.random.default_rng(0).random((32, 28, 28), dtype="float32")
model.fit(x, x, epochs=1, verbose=0)
with tempfile.TemporaryDirectory() as folder:
    path = pathlib.Path(folder) / "model.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
assert isinstance(reloaded.encoder.get_layer("masking_noise"), layers.MaskingNoise)
print(f"keras-ae {keras_ae.__version__} wheel OK on {keras.backend.backend()} from {location}")
