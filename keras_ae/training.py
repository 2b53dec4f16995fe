"""Training procedures: greedy layer-wise pretraining and KL warm-up."""

import keras
import numpy as np

from keras_ae._validation import (
    SEED_LIMIT,
    check_bool,
    check_int,
    check_positive_int,
    check_real,
    check_seed,
    check_shape,
    invalid_argument,
)
from keras_ae.layers import MaskingNoise
from keras_ae.models import Autoencoder

__all__ = ["KLWarmup", "build_classifier", "greedy_layerwise_pretraining"]


def _per_stage(name, value, n_stages):
    """Expands one value, or checks a list of one value per stage."""
    if isinstance(value, (list, tuple)):
        if len(value) != n_stages:
            raise invalid_argument(
                name, f"one value or a list of {n_stages} values, one per layer", value
            )
        return list(value)
    return [value] * n_stages


def _encode(layer, x, chunk=4096):
    """Applies a layer to an array in chunks and returns a NumPy array."""
    return np.concatenate(
        [keras.ops.convert_to_numpy(layer(x[i : i + chunk])) for i in range(0, len(x), chunk)]
    )


def greedy_layerwise_pretraining(
    x,
    hidden_units,
    *,
    activation="sigmoid",
    decoder_activation="sigmoid",
    activity_regularizers=None,
    noise_rates=0.0,
    loss="mse",
    optimizer="adam",
    epochs=10,
    batch_size=64,
    seed=None,
    verbose=0,
    return_stages=False,
):
    """Pretrains a stack of Dense layers, one shallow autoencoder at a time.

    Stage `k` trains the autoencoder `codes_{k-1} -> hidden_units[k] ->
    codes_{k-1}` on the codes of the layers trained before it (stage 1 on the
    inputs), then discards its decoder and keeps the encoder layer. The
    encoder layers are returned stacked, ready for supervised fine-tuning
    with a classifier head (see `build_classifier`). Each stage may have its
    own activity regularizer (e.g. a sparsity target `rho` per layer) and its
    own masking-noise rate (stacked denoising autoencoders).

    Args:
        x: array of inputs, shape `(n, ...)`; flattened to `(n, d)`.
        hidden_units: tuple of positive ints, the sizes of the stacked
            layers, e.g. `(100, 50)` for `900 -> 100 -> 50`.
        activation: activation of every encoder layer. Defaults to
            `"sigmoid"`.
        decoder_activation: activation of each stage's decoder. Defaults to
            `"sigmoid"` (inputs and sigmoid codes lie in [0, 1]).
        activity_regularizers: None, one regularizer for every layer, or a
            list with one per layer (None where a layer has none).
        noise_rates: float in [0, 1) or a list, one per layer. Masking-noise
            rate applied to each stage's input in training. Defaults to `0.0`.
        loss: reconstruction loss of every stage. Defaults to `"mse"`.
        optimizer: optimizer name or a callable returning a new optimizer
            for each stage. Defaults to `"adam"`.
        epochs: positive int or list, epochs per stage. Defaults to `10`.
        batch_size: positive int. Defaults to `64`.
        seed: int in [0, 2**31) or None. Seed of the masking noise (stage `k`
            uses `seed + k`). Defaults to `None`.
        verbose: verbosity passed to `fit`. Defaults to `0`.
        return_stages: bool. If `True`, also return the trained shallow
            autoencoder of every stage, decoders included, e.g. to look at
            each stage's reconstructions. Defaults to `False`.

    Returns:
        A tuple `(encoder, histories)`: `encoder` is a `keras.Sequential`
        taking inputs of the shape of `x` (flattened first if they have more
        than one axis) through the pretrained `Dense` layers and `histories` the
        list of the stages' `History.history` dicts. With `return_stages=True`,
        `(encoder, histories, stages)`, `stages` being the list of the stages'
        `Autoencoder` models (their encoder layers are the ones in `encoder`).

    Example:

    >>> import numpy as np
    >>> from keras_ae.training import greedy_layerwise_pretraining
    >>> x = np.random.default_rng(0).random((256, 900), dtype="float32")
    >>> encoder, histories = greedy_layerwise_pretraining(x, (100, 50), epochs=1)
    >>> encoder.output_shape
    (None, 50)

    References:
        Bengio, Lamblin, Popovici and Larochelle, "Greedy layer-wise training
        of deep networks", NeurIPS 2006.
    """
    x = np.asarray(x, dtype=keras.backend.floatx())
    if x.ndim < 2 or len(x) == 0:
        raise invalid_argument(
            "x",
            "an array of shape (n_samples, ...) with n_samples >= 1",
            received=f"x.shape={x.shape}",
        )
    example_shape = x.shape[1:]
    x = x.reshape(len(x), -1)
    hidden_units = check_shape("hidden_units", hidden_units)
    n_stages = len(hidden_units)
    regularizers = _per_stage("activity_regularizers", activity_regularizers, n_stages)
    noise_rates = [
        check_real("noise_rates", r, low=0.0, high=1.0, closed=(True, False))
        for r in _per_stage("noise_rates", noise_rates, n_stages)
    ]
    epochs = [check_positive_int("epochs", e) for e in _per_stage("epochs", epochs, n_stages)]
    batch_size = check_positive_int("batch_size", batch_size)
    seed = check_seed("seed", seed)
    return_stages = check_bool("return_stages", return_stages)

    codes = x
    trained_layers = []
    histories = []
    stages = []
    for stage, units in enumerate(hidden_units):
        input_dim = codes.shape[1]
        encoder_layer = keras.layers.Dense(
            units,
            activation=activation,
            activity_regularizer=regularizers[stage],
            name=f"pretrained_{stage}",
        )
        encoder = keras.Sequential(name=f"stage_{stage}_encoder")
        encoder.add(keras.Input((input_dim,)))
        if noise_rates[stage] > 0:
            stage_seed = None if seed is None else (seed + stage) % SEED_LIMIT
            encoder.add(MaskingNoise(noise_rates[stage], seed=stage_seed))
        encoder.add(encoder_layer)
        decoder = keras.Sequential(
            [keras.Input((units,)), keras.layers.Dense(input_dim, activation=decoder_activation)],
            name=f"stage_{stage}_decoder",
        )
        autoencoder = Autoencoder(encoder, decoder, name=f"stage_{stage}")
        stage_optimizer = optimizer() if callable(optimizer) else optimizer
        autoencoder.compile(optimizer=stage_optimizer, loss=loss)
        history = autoencoder.fit(
            codes,
            codes,
            epochs=epochs[stage],
            batch_size=batch_size,
            shuffle=True,
            verbose=verbose,
        )
        histories.append(history.history)
        stages.append(autoencoder)
        trained_layers.append(encoder_layer)
        codes = _encode(encoder_layer, codes)

    stacked = keras.Sequential(name="pretrained_encoder")
    stacked.add(keras.Input(example_shape))
    if len(example_shape) > 1:
        stacked.add(keras.layers.Flatten())
    for layer in trained_layers:
        stacked.add(layer)
    if return_stages:
        return stacked, histories, stages
    return stacked, histories


def build_classifier(encoder, n_classes, *, input_shape=None, name="classifier"):
    """Puts a softmax layer on top of an encoder, for supervised fine-tuning.

    Args:
        encoder: a Keras model mapping inputs to features, e.g. the stacked
            encoder returned by `greedy_layerwise_pretraining`. Its weights
            are shared with the classifier, so fine-tuning changes them.
        n_classes: int >= 2. Number of classes.
        input_shape: optional tuple. Shape of one example if it differs from
            the encoder's input (the input is then flattened first).
        name: str. Model name. Defaults to `"classifier"`.

    Returns:
        An uncompiled `keras.Sequential` classifier; compile it with
        `loss="sparse_categorical_crossentropy"`.
    """
    n_classes = check_int("n_classes", n_classes, low=2)
    model = keras.Sequential(name=name)
    if input_shape is not None:
        model.add(keras.Input(tuple(input_shape)))
        model.add(keras.layers.Flatten())
    else:
        model.add(keras.Input(encoder.input_shape[1:]))
    model.add(encoder)
    model.add(keras.layers.Dense(n_classes, activation="softmax", name="softmax"))
    return model


@keras.saving.register_keras_serializable(package="keras_ae")
class KLWarmup(keras.callbacks.Callback):
    """Anneals the KL weight `beta` of a VAE linearly from `start` to `target`.

    At the start of epoch `e` (counting from 0) the model's `beta` is set to
    `start + (target - start) * min(1, e / warmup_epochs)`, so with `start=0`
    training begins with the reconstruction term alone (a noisy autoencoder:
    the code is still sampled) and the prior's pull grows gradually. This keeps
    the KL term from collapsing the posterior onto the prior early in
    training. The current value is added to the logs as `beta`.

    Args:
        warmup_epochs: positive int. Epochs until `beta` reaches `target`.
        start: float >= 0. Value at epoch 0. Defaults to `0.0`.
        target: float >= 0 or None. Final value; `None` takes the model's
            `beta` when training starts. Defaults to `None`.

    Example:

    >>> from keras_ae.training import KLWarmup
    >>> warmup = KLWarmup(warmup_epochs=10)
    >>> # vae.fit(x, epochs=30, callbacks=[warmup])

    References:
        Bowman et al., "Generating sentences from a continuous space",
        CoNLL 2016.
    """

    def __init__(self, warmup_epochs, *, start=0.0, target=None):
        super().__init__()
        self.warmup_epochs = check_positive_int("warmup_epochs", warmup_epochs)
        self.start = check_real("start", start, low=0.0, finite=True)
        self.target = None if target is None else check_real("target", target, low=0.0, finite=True)
        self._target = self.target

    def on_train_begin(self, logs=None):
        if not hasattr(self.model, "beta_variable"):
            raise ValueError(
                "`KLWarmup` needs a model with a `beta` weight, such as "
                f"`keras_ae.models.VariationalAutoencoder`. Received: {self.model!r}"
            )
        self._target = self.model.beta if self.target is None else self.target

    def on_epoch_begin(self, epoch, logs=None):
        fraction = min(1.0, epoch / self.warmup_epochs)
        self.model.beta = self.start + (self._target - self.start) * fraction

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["beta"] = self.model.beta

    def get_config(self):
        return {
            "warmup_epochs": self.warmup_epochs,
            "start": self.start,
            "target": self.target,
        }
