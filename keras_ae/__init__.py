"""keras-ae: autoencoders from PCA to the VAE, as Keras 3 building blocks.

Modules:
    autodiff: `gradient`, a scalar function's gradient on any backend.
    layers: `MaskingNoise`, `Sampling`, `DenseTranspose`, `ContractiveDense`.
    regularizers: `KLSparsity` and `kl_divergence_sparsity`.
    losses: `HalfSquaredError`, the lectures' summed squared error.
    models: `Autoencoder`, `VariationalAutoencoder` and builders.
    training: greedy layer-wise pretraining and the `KLWarmup` callback.
    datasets: offline shapes, MNIST and digits loaders.
    evaluation: PCA baseline, reconstruction errors, probes, metrics.
    plotting: figures of filters, reconstructions, latent spaces.

`evaluation` and `plotting` are imported on first use (`keras_ae.plotting`
or `from keras_ae import plotting`), so that `import keras_ae` does not load
scikit-learn, SciPy's statistics or matplotlib for a model that needs none.
"""

import importlib

from keras_ae import autodiff, datasets, layers, losses, models, regularizers, training

# The one place the version is written; pyproject.toml reads it from here.
__version__ = "0.1.0"

_LAZY_SUBMODULES = ("evaluation", "plotting")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"keras_ae.{name}")
    raise AttributeError(f"module 'keras_ae' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_LAZY_SUBMODULES})


__all__ = [
    "autodiff",
    "datasets",
    "evaluation",
    "layers",
    "losses",
    "models",
    "plotting",
    "regularizers",
    "training",
    "__version__",
]
