"""Evaluation helpers shared by the lectures: baselines, errors and scores.

Every function takes NumPy arrays (or anything `np.asarray` accepts,
including Keras variables and backend tensors of the TensorFlow, JAX and
PyTorch backends) and returns NumPy arrays or Python floats, so the results
do not depend on the Keras backend that produced the codes.
"""

from keras_ae.evaluation.anomaly import anomaly_threshold, detection_report
from keras_ae.evaluation.errors import (
    gaussian_kl,
    mean_activations,
    reconstruction_errors,
    sigmoid_jacobian_norm,
)
from keras_ae.evaluation.probes import linear_probe, precision_at_k
from keras_ae.evaluation.subspaces import pca_reconstruction, principal_angles

__all__ = [
    "anomaly_threshold",
    "detection_report",
    "gaussian_kl",
    "linear_probe",
    "mean_activations",
    "pca_reconstruction",
    "precision_at_k",
    "principal_angles",
    "reconstruction_errors",
    "sigmoid_jacobian_norm",
]
