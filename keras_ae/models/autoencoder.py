"""The `Autoencoder` model: an encoder and a decoder, trained to reproduce the input."""

import keras
import numpy as np
from keras import ops

from keras_ae._validation import check_positive_int, invalid_argument
from keras_ae.layers import DenseTranspose

__all__ = ["Autoencoder"]


class EncoderDecoderModel(keras.Model):
    """Shared plumbing: holds an encoder and a decoder, serializes both."""

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        for name, part in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(part, keras.layers.Layer):
                raise invalid_argument(name, "a Keras model or layer", part)
        self.encoder = encoder
        self.decoder = decoder
        # With both parts built (functional models always are), the model owns
        # all its weights already: mark it built so that `summary()`,
        # `count_params()` and weight loading work before the first call.
        if encoder.built and decoder.built:
            self.built = True

    def decode(self, codes, *, batch_size=256):
        """Maps codes to outputs with the decoder, returns a NumPy array."""
        return self._in_batches(self.decoder, codes, batch_size)

    @staticmethod
    def _in_batches(function, x, batch_size):
        """Calls `function(batch, training=False)` on `x` batch by batch.

        A plain call, not `predict`: `predict` traces a function per model,
        and calling it on many fresh models makes TensorFlow warn about
        retracing. Returns a NumPy array, or a list of them if `function`
        returns several tensors.
        """
        batch_size = check_positive_int("batch_size", batch_size)
        if not isinstance(x, np.ndarray):
            x = ops.convert_to_numpy(x)
        batches = []
        for start in range(0, len(x), batch_size):
            outputs = function(x[start : start + batch_size], training=False)
            if isinstance(outputs, (list, tuple)):
                batches.append([ops.convert_to_numpy(o) for o in outputs])
            else:
                batches.append(ops.convert_to_numpy(outputs))
        if batches and isinstance(batches[0], list):
            return [np.concatenate(parts) for parts in zip(*batches, strict=True)]
        return np.concatenate(batches)

    def get_config(self):
        base_config = super().get_config()
        return {
            **base_config,
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        _restore_ties(config["encoder"], config["decoder"])
        return cls(**config)


def _walk_layers(layer):
    yield layer
    for sublayer in getattr(layer, "layers", ()):
        yield from _walk_layers(sublayer)


def _restore_ties(encoder, decoder):
    """Re-ties reloaded `DenseTranspose` layers to the encoder's Dense layers.

    Keras restores a layer shared by two separately serialized models as two
    copies; the tie is found again by the encoder layer's name.
    """
    encoder_layers = {layer.name: layer for layer in _walk_layers(encoder)}
    for layer in _walk_layers(decoder):
        if isinstance(layer, DenseTranspose):
            original = encoder_layers.get(layer.dense.name)
            if original is not None and original is not layer.dense:
                layer.tie_to(original)


@keras.saving.register_keras_serializable(package="keras_ae")
class Autoencoder(EncoderDecoderModel):
    """An encoder followed by a decoder, trained to reproduce its input.

    `Autoencoder(encoder, decoder)(x) == decoder(encoder(x))`. Compile it with
    a reconstruction loss and fit it with the input as its own target,
    `fit(x, x)`; for a denoising autoencoder put a corruption layer such as
    `keras_ae.layers.MaskingNoise` at the start of the encoder (it is active
    only in training, so `encode` sees clean data).

    Args:
        encoder: a Keras model or layer mapping inputs to codes.
        decoder: a Keras model or layer mapping codes to reconstructions.
        **kwargs: `keras.Model` keyword arguments, such as `name`.

    Example:

    >>> import keras
    >>> from keras_ae.models import Autoencoder
    >>> encoder = keras.Sequential(
    ...     [keras.Input((784,)), keras.layers.Dense(32, activation="relu")])
    >>> decoder = keras.Sequential(
    ...     [keras.Input((32,)), keras.layers.Dense(784, activation="sigmoid")])
    >>> autoencoder = Autoencoder(encoder, decoder)
    >>> autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    """

    def call(self, inputs, training=None):
        return self.decoder(self.encoder(inputs, training=training), training=training)

    def encode(self, x, *, batch_size=256):
        """Maps inputs to codes with the encoder, returns a NumPy array."""
        return self._in_batches(self.encoder, x, batch_size)

    def reconstruct(self, x, *, batch_size=256):
        """Returns `decoder(encoder(x))` at inference, as a NumPy array.

        Runs the encoder and the decoder on `batch_size` examples at a time,
        so memory stays bounded for large `x`; the values are those of
        `model(x)` (corruption layers such as `MaskingNoise` are inactive).
        Unlike `predict`, it traces no function, so calling it on many
        freshly built models logs no retracing warning.

        Args:
            x: array of inputs, of shape `(n, ...)`.
            batch_size: positive int. Examples per batch. Defaults to `256`.

        Returns:
            A NumPy array of shape `(n, ...)`: the reconstructions.

        Example:

        >>> import numpy as np
        >>> from keras_ae.models import build_dense_autoencoder
        >>> autoencoder = build_dense_autoencoder(784, 32)
        >>> x = np.random.default_rng(0).uniform(size=(10, 784))
        >>> autoencoder.reconstruct(x, batch_size=4).shape
        (10, 784)
        """

        def forward(batch, training=False):
            return self.decoder(self.encoder(batch, training=training), training=training)

        return self._in_batches(forward, x, batch_size)
