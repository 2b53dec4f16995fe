"""Layers for autoencoders: corruption, sampling, tied and contractive layers."""

from keras_ae.layers.contractive import ContractiveDense
from keras_ae.layers.noise import MaskingNoise
from keras_ae.layers.sampling import Sampling
from keras_ae.layers.tied import DenseTranspose

__all__ = ["ContractiveDense", "DenseTranspose", "MaskingNoise", "Sampling"]
