"""The `VariationalAutoencoder` model: encoder, sampling, decoder and the ELBO."""

import keras
import numpy as np
from keras import ops

from keras_ae._dtypes import at_least_float32
from keras_ae._validation import check_choice, check_positive_int, check_real, check_seed
from keras_ae.layers import Sampling
from keras_ae.models._own_loss import OwnLossModel
from keras_ae.models.autoencoder import EncoderDecoderModel

__all__ = ["VariationalAutoencoder"]


def _check_output_count(count):
    if count not in (2, 3):
        received = "1 tensor" if count == 1 else f"{count} tensors"
        raise ValueError(
            "The encoder of a `VariationalAutoencoder` must return two tensors "
            "[z_mean, z_log_var] (or three, [z_mean, z_log_var, z], whose z is "
            f"ignored). Received: {received}."
        )


def _latent_statistics(encoder_outputs):
    """Returns `(z_mean, z_log_var)` of an encoder's outputs, ignoring a third `z`."""
    if not isinstance(encoder_outputs, (list, tuple)):
        _check_output_count(1)
    _check_output_count(len(encoder_outputs))
    return encoder_outputs[0], encoder_outputs[1]


@keras.saving.register_keras_serializable(package="keras_ae")
class VariationalAutoencoder(OwnLossModel, EncoderDecoderModel):
    """Variational autoencoder with a Gaussian latent code and prior N(0, I).

    The encoder maps `x` to the mean and log-variance of `q(z | x)`; a
    `keras_ae.layers.Sampling` layer draws `z` with the reparameterization
    trick; the decoder maps `z` back to the input space. Training minimises
    the negative evidence lower bound, per example

        loss = reconstruction_loss + beta * KL(q(z | x) || N(0, I)),

    with the closed-form KL `-0.5 * sum(1 + log_var - mean^2 - exp(log_var))`
    and a reconstruction loss summed over the input components: the binary
    cross-entropy (`"bce"`, a Bernoulli likelihood, for inputs in [0, 1] and a
    sigmoid decoder) or the squared error (`"mse"`, `||x - x^||^2`). Both terms
    are in nats per example, averaged over the batch. `fit()` and
    `evaluate()` report `loss`, `reconstruction_loss` and `kl_loss`. Losses
    added by the encoder or decoder layers (regularizers) are added to `loss`.

    Compile with an optimizer only, `vae.compile(optimizer="adam")`, and fit
    on the inputs alone, `vae.fit(x)`. `beta` is held in a variable, so it can
    be changed during training (see `keras_ae.training.KLWarmup`) without
    recompiling. Being a (non-trainable) weight, it is saved with the model
    and is the first entry of `get_weights()`: `set_weights()` from another
    VAE copies that VAE's `beta` too (set `vae.beta` again afterwards to keep
    your own).

    The encoder may also return `[z_mean, z_log_var, z]`, the encoders of the
    keras.io example and of *Deep Learning with Python*, which end with their
    own sampling layer; their `z` is ignored. The model always draws `z`
    itself, with its own `Sampling` layer, from the `z_mean` and `z_log_var`
    that enter the KL term, so that the reconstruction and the KL term of
    the ELBO refer to one and the same sample of `q(z | x)` and the model's
    `seed` and `log_var_range` apply to it. Any other number of outputs is
    refused, with the number received in the message.

    Under a mixed-precision policy the layers compute in float16 or
    bfloat16, while both loss terms are computed in float32 from the
    encoder's and decoder's outputs (cast first, as Keras's losses do), so
    that a saturated sigmoid output gives a finite binary cross-entropy.

    Args:
        encoder: a Keras model returning `[z_mean, z_log_var]` (or
            `[z_mean, z_log_var, z]`, see above).
        decoder: a Keras model mapping `z` to the reconstruction (with a
            sigmoid output for `reconstruction="bce"`).
        beta: float >= 0. Weight of the KL term. Defaults to `1.0`.
        reconstruction: str, `"bce"` or `"mse"`. Defaults to `"bce"`.
        log_var_range: optional `(low, high)` clipping range of `z_log_var`
            in the sampling layer. Defaults to `None`.
        seed: int or None. Seed of the sampling noise. Defaults to `None`.
        **kwargs: `keras.Model` keyword arguments, such as `name`.

    Example:

    >>> from keras_ae.models import build_dense_vae
    >>> vae = build_dense_vae(input_shape=(28, 28), latent_dim=2)
    >>> vae.compile(optimizer="adam")
    >>> # vae.fit(x_train, epochs=10, batch_size=128)
    >>> # images = vae.generate(16)

    References:
        Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
        Higgins et al., "beta-VAE: Learning basic visual concepts with a
        constrained variational framework", ICLR 2017.
    """

    own_loss_message = (
        "`VariationalAutoencoder` computes its own loss (reconstruction plus beta "
        "times KL); choose it with the `reconstruction` and `beta` arguments."
    )

    def __init__(
        self,
        encoder,
        decoder,
        *,
        beta=1.0,
        reconstruction="bce",
        log_var_range=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(encoder, decoder, **kwargs)
        if getattr(encoder, "outputs", None) is not None:
            _check_output_count(len(encoder.outputs))
        beta = check_real("beta", beta, low=0.0, finite=True)
        self.reconstruction = check_choice("reconstruction", reconstruction, ("bce", "mse"))
        self.seed = check_seed("seed", seed)
        self.sampling = Sampling(log_var_range=log_var_range, seed=seed, name="sampling")
        self.beta_variable = self.add_weight(
            name="beta",
            shape=(),
            initializer=keras.initializers.Constant(beta),
            trainable=False,
        )
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        # The latent statistics of the last forward pass, so that
        # `compute_loss` can use them without running the encoder again. Both
        # are used within the same traced step that produced them.
        self._last_forward = None

    @property
    def beta(self):
        """The current weight of the KL term, as a Python float."""
        return float(ops.convert_to_numpy(self.beta_variable))

    @beta.setter
    def beta(self, value):
        self.beta_variable.assign(check_real("beta", value, low=0.0, finite=True))

    @property
    def latent_dim(self):
        """Size of the latent code `z`."""
        return int(self.decoder.inputs[0].shape[-1])

    def call(self, inputs, training=None):
        z_mean, z_log_var = _latent_statistics(self.encoder(inputs, training=training))
        z = self.sampling([z_mean, z_log_var])
        reconstruction = self.decoder(z, training=training)
        self._last_forward = (reconstruction, z_mean, z_log_var)
        return reconstruction

    def kl_divergence(self, z_mean, z_log_var):
        """Closed-form `KL(N(z_mean, exp(z_log_var)) || N(0, I))` per example.

        Computed in float32 (or float64 for float64 inputs).
        """
        z_mean = at_least_float32(z_mean)
        z_log_var = ops.cast(at_least_float32(z_log_var), z_mean.dtype)
        return -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)

    def reconstruction_error(self, x, reconstruction):
        """Reconstruction loss per example, summed over input components.

        Computed in float32 (or float64 for a float64 `reconstruction`).
        """
        reconstruction = at_least_float32(reconstruction)
        x = ops.cast(x, reconstruction.dtype)
        if self.reconstruction == "bce":
            per_component = ops.binary_crossentropy(x, reconstruction)
        else:
            per_component = ops.square(x - reconstruction)
        axes = tuple(range(1, len(per_component.shape)))
        return ops.sum(per_component, axis=axes)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if isinstance(x, (list, tuple)):
            x = x[0]
        if self._last_forward is not None and self._last_forward[0] is y_pred:
            _, z_mean, z_log_var = self._last_forward
        else:
            z_mean, z_log_var = _latent_statistics(self.encoder(x, training=training))
        self._last_forward = None
        target = x if y is None else y
        reconstruction_loss = ops.mean(self.reconstruction_error(target, y_pred))
        kl_loss = ops.mean(self.kl_divergence(z_mean, z_log_var))
        total = reconstruction_loss + ops.cast(self.beta_variable, kl_loss.dtype) * kl_loss
        # Python's sum: `ops.sum` of a list of tensors fails under JAX tracing.
        extra = [ops.cast(ops.sum(loss), total.dtype) for loss in self.losses]
        if extra:
            total = total + sum(extra)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return total

    @property
    def metrics(self):
        return [*super().metrics, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def encode(self, x, *, batch_size=256):
        """Returns the posterior means `z_mean` of `x` as a NumPy array."""
        z_mean, _ = self.encode_distribution(x, batch_size=batch_size)
        return z_mean

    def encode_distribution(self, x, *, batch_size=256):
        """Returns `(z_mean, z_log_var)` of `q(z | x)` as NumPy arrays."""
        outputs = self._in_batches(self.encoder, x, batch_size)
        return _latent_statistics(outputs)

    def generate(self, n, *, seed=None, batch_size=256):
        """Decodes `n` codes drawn from the prior N(0, I); returns a NumPy array."""
        n = check_positive_int("n", n)
        rng = np.random.default_rng(check_seed("seed", seed))
        z = rng.standard_normal((n, self.latent_dim)).astype(keras.backend.floatx())
        return self.decode(z, batch_size=batch_size)

    def negative_elbo(self, x, *, n_samples=1, batch_size=256, seed=0):
        """Monte Carlo estimate of the mean negative ELBO of `x`, in nats.

        With `reconstruction="bce"` this is an upper bound on the negative
        log-likelihood `-log p(x)` under the Bernoulli decoder; `beta` is taken
        as 1 whatever its training value. Returns a dict with `negative_elbo`,
        `reconstruction_loss` and `kl_loss` (means over the examples).
        """
        n_samples = check_positive_int("n_samples", n_samples)
        z_mean, z_log_var = self.encode_distribution(x, batch_size=batch_size)
        kl = ops.convert_to_numpy(self.kl_divergence(z_mean, z_log_var))
        rng = np.random.default_rng(check_seed("seed", seed))
        reconstruction = np.zeros(len(z_mean))
        for _ in range(n_samples):
            eps = rng.standard_normal(z_mean.shape).astype(z_mean.dtype)
            z = z_mean + np.exp(0.5 * z_log_var) * eps
            x_hat = self.decode(z, batch_size=batch_size)
            for start in range(0, len(x_hat), batch_size):
                stop = start + batch_size
                error = self.reconstruction_error(x[start:stop], x_hat[start:stop])
                reconstruction[start:stop] += ops.convert_to_numpy(error)
        reconstruction /= n_samples
        return {
            "negative_elbo": float(np.mean(reconstruction + kl)),
            "reconstruction_loss": float(np.mean(reconstruction)),
            "kl_loss": float(np.mean(kl)),
        }

    def log_likelihood(self, x, *, n_samples=100, batch_size=256, seed=0):
        """Importance-weighted estimate of `log p(x)` per example, in nats.

        Draws `K = n_samples` codes `z_k ~ q(z | x)` and returns

            log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x),

        computed in float64 with a stable log-sum-exp (Burda et al. 2016).
        With `K = 1` its expectation is the ELBO; it never decreases in
        expectation as `K` grows and tends to `log p(x)`. For a given set of
        codes it is at least the average of their ELBO terms (Jensen). The
        likelihood `p(x | z)` is the decoder's: Bernoulli for
        `reconstruction="bce"` (probabilities clipped to
        `[epsilon, 1 - epsilon]` as in the loss), Gaussian with variance 1/2
        for `reconstruction="mse"` (whose negative log is the squared error
        plus `(d / 2) log(pi)`). `beta` plays no part.

        Args:
            x: array of examples, shaped like the model's inputs.
            n_samples: int >= 1. Number `K` of importance samples. Defaults
                to `100`.
            batch_size: int >= 1. Examples decoded per batch. Defaults to
                `256`.
            seed: int or None. Seed of the codes. Defaults to `0`.

        Returns:
            A float64 NumPy array of shape `(len(x),)`.

        References:
            Burda, Grosse and Salakhutdinov, "Importance Weighted
            Autoencoders", ICLR 2016.
        """
        n_samples = check_positive_int("n_samples", n_samples)
        batch_size = check_positive_int("batch_size", batch_size)
        seed = check_seed("seed", seed)
        x = np.asarray(x, dtype="float32")
        z_mean, z_log_var = self.encode_distribution(x, batch_size=batch_size)
        z_mean = z_mean.astype("float64")
        z_log_var = z_log_var.astype("float64")
        if self.sampling.log_var_range is not None:
            z_log_var = np.clip(z_log_var, *self.sampling.log_var_range)
        std = np.exp(0.5 * z_log_var)
        x_flat = x.reshape(len(x), -1).astype("float64")
        d = x_flat.shape[1]
        eps_clip = keras.config.epsilon()
        rng = np.random.default_rng(seed)
        log_w = np.empty((n_samples, len(x)))
        # Several of the K codes of every example are decoded in one call.
        chunk = max(1, 8192 // len(x))
        for start in range(0, n_samples, chunk):
            k = min(chunk, n_samples - start)
            eps = rng.standard_normal((k, *z_mean.shape))
            z = z_mean + std * eps
            # log p(z) - log q(z | x); the 2 pi terms cancel.
            log_prior_ratio = np.sum(-0.5 * z**2 + 0.5 * eps**2 + 0.5 * z_log_var, axis=-1)
            flat_z = z.reshape(-1, z.shape[-1]).astype(keras.backend.floatx())
            # Direct calls: `predict` would be retraced for every new chunk size.
            x_hat = np.concatenate(
                [
                    ops.convert_to_numpy(self.decoder(flat_z[i : i + batch_size], training=False))
                    for i in range(0, len(flat_z), batch_size)
                ]
            )
            x_hat = x_hat.astype("float64").reshape(k, len(x), d)
            if self.reconstruction == "bce":
                p = np.clip(x_hat, eps_clip, 1.0 - eps_clip)
                log_px_z = np.sum(x_flat * np.log(p) + (1 - x_flat) * np.log1p(-p), axis=-1)
            else:
                log_px_z = -np.sum((x_flat - x_hat) ** 2, axis=-1) - 0.5 * d * np.log(np.pi)
            log_w[start : start + k] = log_px_z + log_prior_ratio
        log_w = log_w.T
        top = log_w.max(axis=1, keepdims=True)
        return top[:, 0] + np.log(np.mean(np.exp(log_w - top), axis=1))

    def get_config(self):
        base_config = super().get_config()
        log_var_range = self.sampling.log_var_range
        return {
            **base_config,
            "beta": self.beta,
            "reconstruction": self.reconstruction,
            "log_var_range": None if log_var_range is None else list(log_var_range),
            "seed": self.seed,
        }
