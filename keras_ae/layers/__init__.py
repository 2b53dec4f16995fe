"""Layers for autoencoders: corruption, sampling, tied, contractive and masked layers."""

from keras_ae.layers.contractive import ContractiveDense
from keras_ae.layers.masked import MaskedConv2D, MaskedDense
from keras_ae.layers.noise import MaskingNoise
from keras_ae.layers.sampling import Sampling
from keras_ae.layers.tied import DenseTranspose

__all__ = [
    "ContractiveDense",
    "DenseTranspose",
    "MaskedConv2D",
    "MaskedDense",
    "MaskingNoise",
    "Sampling",
]
