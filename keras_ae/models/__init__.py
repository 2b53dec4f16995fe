"""Autoencoder and variational autoencoder models, and builders for them."""

from keras_ae.models.autoencoder import Autoencoder
from keras_ae.models.builders import (
    build_conv_autoencoder,
    build_dense_autoencoder,
    build_dense_vae,
)
from keras_ae.models.vae import VariationalAutoencoder

__all__ = [
    "Autoencoder",
    "VariationalAutoencoder",
    "build_conv_autoencoder",
    "build_dense_autoencoder",
    "build_dense_vae",
]
