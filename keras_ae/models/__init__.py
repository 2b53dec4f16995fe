"""Autoencoder, variational autoencoder and autoregressive models, and builders for them."""

from keras_ae.models.autoencoder import Autoencoder
from keras_ae.models.autoregressive import AutoregressiveModel, build_made, build_pixelcnn
from keras_ae.models.builders import (
    build_conv_autoencoder,
    build_dense_autoencoder,
    build_dense_vae,
)
from keras_ae.models.vae import VariationalAutoencoder

__all__ = [
    "Autoencoder",
    "AutoregressiveModel",
    "VariationalAutoencoder",
    "build_conv_autoencoder",
    "build_dense_autoencoder",
    "build_dense_vae",
    "build_made",
    "build_pixelcnn",
]
