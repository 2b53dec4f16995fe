"""Activity regularizers for sparse autoencoders."""

import keras
from keras import ops

from keras_ae._dtypes import at_least_float32
from keras_ae._validation import check_real

__all__ = ["KLSparsity", "kl_divergence_sparsity"]

# Mean activations are clipped to [_EPSILON, 1 - _EPSILON] before the logs, so a
# dead unit (rho_hat = 0) or a saturated one (rho_hat = 1) gives a large but
# finite penalty and a finite gradient. The clip is applied in float32 or wider
# (`at_least_float32`): in float16, `1 - 1e-7` would round to 1.0.
_EPSILON = 1e-7


def kl_divergence_sparsity(rho, rho_hat):
    """Elementwise KL divergence between two Bernoulli distributions.

    `KL(rho || rho_hat) = rho * log(rho / rho_hat)
    + (1 - rho) * log((1 - rho) / (1 - rho_hat))`, the sparsity penalty of one
    hidden unit whose mean activation is `rho_hat` when the target activation
    is `rho`. It is zero exactly when `rho_hat == rho`, positive otherwise, and
    asymmetric: for a small `rho` it rises steeply as `rho_hat` falls towards
    0 and more gently, though without bound, as `rho_hat` grows towards 1.
    `rho_hat` is clipped to `[1e-7, 1 - 1e-7]`
    so that dead or saturated units give finite values. Under a
    mixed-precision policy the computation runs in float32 (a float16 or
    bfloat16 `rho_hat` is cast first, as Keras's losses do), since float16
    rounds `1 - 1e-7` to 1.0; float64 stays float64.

    Args:
        rho: float in (0, 1). The target mean activation.
        rho_hat: tensor or array of mean activations, values in [0, 1].

    Returns:
        A tensor with the shape of `rho_hat`: the penalty of each unit, in
        float32 (float64 for a float64 `rho_hat`).

    Example:

    >>> import numpy as np
    >>> from keras import ops
    >>> values = kl_divergence_sparsity(0.05, np.array([0.05, 0.5]))
    >>> [round(float(v), 4) for v in ops.convert_to_numpy(values)]
    [0.0, 0.4946]

    References:
        Andrew Ng, "Sparse autoencoder", CS294A lecture notes, 2011.
    """
    rho = check_real("rho", rho, low=0.0, high=1.0, closed=(False, False))
    rho_hat = at_least_float32(rho_hat)
    rho_hat = ops.clip(rho_hat, _EPSILON, 1.0 - _EPSILON)
    return rho * ops.log(rho / rho_hat) + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - rho_hat))


@keras.saving.register_keras_serializable(package="keras_ae")
class KLSparsity(keras.regularizers.Regularizer):
    """KL-divergence sparsity penalty on a layer's mean activations.

    For hidden activations `h` of shape `(batch, ..., units)` the penalty is
    `beta * sum_j KL(rho || rho_hat_j)`, where `rho_hat_j` is the mean
    activation of unit `j` over the batch (and over any spatial axes). Use it
    as the `activity_regularizer` of a layer whose activations lie in
    `[0, 1]`, typically a sigmoid layer.

    Keras divides every activity regularizer's value by the batch size when
    it records the loss (`Layer.__call__`). The KL penalty is already a
    statistic of the whole batch, so this regularizer returns the penalty
    multiplied by the batch size: the loss that the layer adds to
    `model.losses` is exactly `beta * sum_j KL(rho || rho_hat_j)` whatever the
    batch size. Use `penalty(h)` for the plain value.

    Under a mixed-precision policy (`keras.config.set_dtype_policy(
    "mixed_float16")` or `"mixed_bfloat16"`) the layer's activations arrive
    in float16 or bfloat16; the mean activations, the logs and the penalty
    are computed in float32, so the loss is finite even when a unit is dead
    or saturated and adds up with the model's other float32 losses.

    The penalty is added to the reconstruction loss as it is, so `beta` only
    means what the literature means by it if the reconstruction loss has the
    same scale: the summed squared error per example,
    `keras_ae.losses.HalfSquaredError`. Keras's `"mse"` averages over the
    features instead, which makes the same `beta` weigh as much as
    `beta * n_features / 2` would against the summed error.

    Args:
        rho: float in (0, 1). Target mean activation of every hidden unit.
            Defaults to `0.05`.
        beta: float >= 0. Weight of the penalty in the loss. Defaults to `3.0`.

    Example:

    >>> import keras
    >>> from keras_ae.regularizers import KLSparsity
    >>> encoder = keras.layers.Dense(
    ...     100, activation="sigmoid",
    ...     activity_regularizer=KLSparsity(rho=0.05, beta=3.0))

    References:
        Andrew Ng, "Sparse autoencoder", CS294A lecture notes, 2011.
    """

    def __init__(self, rho=0.05, beta=3.0):
        self.rho = check_real("rho", rho, low=0.0, high=1.0, closed=(False, False))
        self.beta = check_real("beta", beta, low=0.0, finite=True)

    def penalty(self, activations):
        """Returns `beta * sum_j KL(rho || rho_hat_j)` for a batch of activations.

        The mean is taken in float32 (or float64 for float64 activations),
        and so is the returned penalty.
        """
        activations = at_least_float32(activations)
        axes = tuple(range(len(activations.shape) - 1))
        rho_hat = ops.mean(activations, axis=axes)
        return self.beta * ops.sum(kl_divergence_sparsity(self.rho, rho_hat))

    def __call__(self, activations):
        activations = at_least_float32(activations)
        penalty = self.penalty(activations)
        batch_size = ops.cast(ops.shape(activations)[0], penalty.dtype)
        return penalty * batch_size

    def get_config(self):
        return {"rho": self.rho, "beta": self.beta}
