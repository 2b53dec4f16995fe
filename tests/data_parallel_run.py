"""Trains the library's models with `keras.distribution.DataParallel` on JAX.

Run by `test_distributed.py` in a subprocess, because the number of
simulated CPU devices (`XLA_FLAGS=--xla_force_host_platform_device_count=4`)
must be set before JAX is imported. Each model is trained on one device
(no distribution: JAX's default device) and on four (`DataParallel` over all
of them, the global batch split into four shards), from the same seed. Prints
one JSON object on the last line of its output.

Usage: python data_parallel_run.py
"""

import json
import os

DEVICES = 4
os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={DEVICES}"

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_ae.losses import HalfSquaredError  # noqa: E402
from keras_ae.models import build_dense_autoencoder, build_dense_vae  # noqa: E402
from keras_ae.regularizers import KLSparsity  # noqa: E402

BATCH = 32  # the global batch: 32 / DEVICES examples on each device


def data():
    rng = np.random.default_rng(0)
    prototypes = rng.uniform(size=(4, 36)) > 0.5
    flips = rng.uniform(size=(128, 36)) < 0.05
    return (prototypes[rng.integers(0, 4, 128)] ^ flips).astype("float32")


def sparse_denoising_autoencoder(seed):
    keras.utils.set_random_seed(seed)
    model = build_dense_autoencoder(
        36,
        8,
        code_activation="sigmoid",
        activity_regularizer=KLSparsity(0.1, 3.0),
        noise_rate=0.2,
        seed=seed,
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=HalfSquaredError())
    return model


def vae(seed):
    keras.utils.set_random_seed(seed)
    model = build_dense_vae(36, 2, hidden_units=(16,), seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    return model


def train(build, x, seed, distributed):
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices()) if distributed else None
    )
    model = build(seed)
    history = model.fit(x, x, epochs=2, batch_size=BATCH, shuffle=False, verbose=0).history
    return {key: [float(v) for v in values] for key, values in history.items()}


def kl_penalty_of_a_batch(x):
    """The KL penalty a sigmoid layer adds for one global batch, via `evaluate`.

    The batch is sorted so that each device's shard has a different mean
    activation: the penalty of the global mean then differs from the mean of
    the shards' penalties.
    """
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
    keras.utils.set_random_seed(0)
    inputs = keras.Input((36,))
    dense = keras.layers.Dense(8, activation="sigmoid", activity_regularizer=KLSparsity(0.1, 3.0))
    model = keras.Model(inputs, dense(inputs))
    model.compile(loss=lambda y_true, y_pred: keras.ops.zeros_like(y_pred[:, 0]))
    batch = x[np.argsort(x.sum(axis=1))][:: len(x) // BATCH][:BATCH]
    penalty = model.evaluate(batch, np.zeros((BATCH, 8)), batch_size=BATCH, verbose=0)
    codes = keras.ops.convert_to_numpy(dense(batch)).astype("float64")
    return float(penalty), codes.tolist()


x = data()
result = {
    "devices": len(jax.devices()),
    "sparse_1": train(sparse_denoising_autoencoder, x, 1, distributed=False),
    "sparse_4": train(sparse_denoising_autoencoder, x, 1, distributed=True),
    "sparse_4_again": train(sparse_denoising_autoencoder, x, 1, distributed=True),
    "vae_1": train(vae, x, 1, distributed=False),
    "vae_4": train(vae, x, 1, distributed=True),
}
result["kl_penalty"], result["kl_codes"] = kl_penalty_of_a_batch(x)
print(json.dumps(result))
