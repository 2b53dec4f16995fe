"""Autoregressive models of binary data: MADE and a small PixelCNN.

Both factorise the joint distribution with the chain rule,
`p(x) = prod_i p(x_i | x_<i)` in a fixed ordering of the components, and
output the logit of every conditional in one pass, so that their training
loss is the exact negative log-likelihood.

The pieces live in their own modules: the shared model with its likelihood
and pixel-by-pixel sampling (`autoregressive_model`, with the compiled
sampling loop in `autoregressive_sampling`), MADE's masks and builder
(`autoregressive_made`) and the PixelCNN builder (`autoregressive_pixelcnn`).
This module gathers them under one name.
"""

from keras_ae.models.autoregressive_made import build_made, made_masks
from keras_ae.models.autoregressive_model import AutoregressiveModel
from keras_ae.models.autoregressive_pixelcnn import build_pixelcnn

__all__ = ["AutoregressiveModel", "build_made", "build_pixelcnn", "made_masks"]
