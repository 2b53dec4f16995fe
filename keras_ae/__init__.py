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
"""

from keras_ae import (
    autodiff,
    datasets,
    evaluation,
    layers,
    losses,
    models,
    plotting,
    regularizers,
    training,
)

__version__ = "0.1.0"

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
