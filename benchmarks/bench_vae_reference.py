"""keras_ae's VAE against a hand-written reference VAE: same ELBO, same speed?

Both sides are the same network, dense 784-400-20 with a relu hidden layer,
Bernoulli likelihood (binary cross-entropy summed over the pixels) and the
closed-form KL divergence to N(0, I), trained with Adam (learning rate 1e-3)
on batches of 128 MNIST images:

- `keras_ae.models.build_dense_vae`: a `VariationalAutoencoder`, whose loss is
  an override of `compute_loss` inside Keras's own `train_step`;
- the reference, written as the Keras documentation's VAE example writes it
  (keras.io/examples/generative/vae): a `Sampling` layer, an encoder that
  returns `[z_mean, z_log_var, z]`, and a `keras.Model` subclass with its own
  `train_step`, written for the running backend as Keras's guides
  "Customizing what happens in `fit()`" write it: `tf.GradientTape` on
  TensorFlow, `loss.backward()` on PyTorch, `jax.value_and_grad` of a
  stateless function on JAX. The script runs on every backend.

The reference starts from a copy of the keras_ae model's initial weights, its
sampling noise has the same seed, and the shuffling is reseeded identically
before every `fit`, so both see the same batches and noise. After the same
epochs, the test negative ELBO (nats per image, a Monte Carlo estimate with
the same draws for both) must agree within 1%. The two models are timed in
alternation over several rounds (the order swaps every round) and the median
of the per-round ratios of time per epoch, keras_ae / reference, is compared
with the target 1.05.

    python benchmarks/bench_vae_reference.py [--rounds 15] [--epochs 2] [--jit-compile auto]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers, ops  # noqa: E402

from keras_ae.datasets import load_mnist  # noqa: E402
from keras_ae.models import build_dense_vae  # noqa: E402

KERAS_AE, REFERENCE = "keras_ae VariationalAutoencoder", "reference (Keras example style)"
ELBO_TOLERANCE, TIME_TARGET = 0.01, 1.05


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def __init__(self, seed, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class ReferenceVAE(keras.Model):
    """The VAE of the Keras documentation example, with a Bernoulli likelihood.

    Its `train_step` is written for the running backend as Keras's guides
    "Customizing what happens in `fit()`" write it for that backend: under
    `tf.GradientTape` on TensorFlow, with `loss.backward()` on PyTorch, and as
    a stateless function of the model's variables under `jax.value_and_grad`
    on JAX.
    """

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, data, training=False):
        z_mean, z_log_var, z = self.encoder(data, training=training)
        return self.decoder(z, training=training), z_mean, z_log_var

    @staticmethod
    def losses_of(data, reconstruction, z_mean, z_log_var):
        reconstruction_loss = ops.mean(
            ops.sum(ops.binary_crossentropy(data, reconstruction), axis=(1, 2))
        )
        kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
        return reconstruction_loss + kl_loss, reconstruction_loss, kl_loss

    def _logs(self, *values):
        for tracker, value in zip(self.metrics, values, strict=True):
            tracker.update_state(value)
        return {metric.name: metric.result() for metric in self.metrics}

    def train_step(self, *args):
        backend = keras.backend.backend()
        if backend == "jax":
            return self._jax_train_step(*args)
        data = args[0]
        if backend == "torch":
            import torch

            self.zero_grad()
            losses = self.losses_of(data, *self(data, training=True))
            losses[0].backward()
            trainable_weights = list(self.trainable_weights)
            grads = [v.value.grad for v in trainable_weights]
            with torch.no_grad():
                self.optimizer.apply(grads, trainable_weights)
            return self._logs(*losses)
        import tensorflow as tf

        with tf.GradientTape() as tape:
            losses = self.losses_of(data, *self(data, training=True))
        grads = tape.gradient(losses[0], self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights, strict=True))
        return self._logs(*losses)

    def _jax_train_step(self, state, data):
        import jax

        trainable, non_trainable, optimizer_variables, metrics_variables = state

        def loss_fn(trainable, non_trainable):
            (reconstruction, z_mean, z_log_var), non_trainable = self.stateless_call(
                trainable, non_trainable, data, training=True
            )
            losses = self.losses_of(data, reconstruction, z_mean, z_log_var)
            return losses[0], (losses, non_trainable)

        (_, (losses, non_trainable)), grads = jax.value_and_grad(loss_fn, has_aux=True)(
            trainable, non_trainable
        )
        trainable, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable
        )
        new_metrics_variables, logs = [], {}
        offset = 0
        for tracker, value in zip(self.metrics, losses, strict=True):
            count = len(tracker.variables)
            tracker_variables = tracker.stateless_update_state(
                metrics_variables[offset : offset + count], value
            )
            logs[tracker.name] = tracker.stateless_result(tracker_variables)
            new_metrics_variables += tracker_variables
            offset += count
        return logs, (trainable, non_trainable, optimizer_variables, new_metrics_variables)


def build_reference(latent_dim, hidden_units, seed):
    encoder_inputs = keras.Input(shape=(28, 28))
    x = layers.Flatten()(encoder_inputs)
    x = layers.Dense(hidden_units, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling(seed)([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(hidden_units, activation="relu")(latent_inputs)
    x = layers.Dense(28 * 28, activation="sigmoid")(x)
    decoder_outputs = layers.Reshape((28, 28))(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
    return ReferenceVAE(encoder, decoder)


def negative_elbo(z_mean, z_log_var, decode, x, *, n_samples, seed):
    """Monte Carlo estimate of the mean negative ELBO in nats, written in NumPy.

    The same `seed` gives both models the same standard normal draws.
    """
    z_mean, z_log_var = np.float64(z_mean), np.float64(z_log_var)
    x = x.reshape(len(x), -1).astype(np.float64)
    kl = 0.5 * np.sum(np.square(z_mean) + np.exp(z_log_var) - 1.0 - z_log_var, axis=1)
    rng = np.random.default_rng(seed)
    reconstruction = np.zeros(len(x))
    for _ in range(n_samples):
        z = z_mean + np.exp(0.5 * z_log_var) * rng.standard_normal(z_mean.shape)
        p = np.clip(np.float64(decode(z.astype("float32"))).reshape(len(x), -1), 1e-7, 1 - 1e-7)
        reconstruction -= np.sum(x * np.log(p) + (1.0 - x) * np.log1p(-p), axis=1)
    return float(np.mean(reconstruction / n_samples + kl))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="alternating timed runs")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per timed run")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--latent-dim", type=int, default=20)
    parser.add_argument("--hidden-units", type=int, default=400)
    parser.add_argument("--n", type=int, default=None, help="training images (default all)")
    parser.add_argument("--n-test", type=int, default=None, help="test images (default all)")
    parser.add_argument("--elbo-samples", type=int, default=10, help="Monte Carlo draws")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--jit-compile",
        choices=("auto", "true", "false"),
        default="auto",
        help="Keras's jit_compile for both models (auto: XLA on JAX, none on TensorFlow's "
        "CPU and on PyTorch)",
    )
    args = parser.parse_args(argv)
    jit_compile = {"auto": "auto", "true": True, "false": False}[args.jit_compile]

    (x_train, _), (x_test, _) = load_mnist(n_train=args.n, n_test=args.n_test)
    keras.utils.set_random_seed(args.seed)
    vae = build_dense_vae(
        (28, 28), args.latent_dim, hidden_units=(args.hidden_units,), seed=args.seed
    )
    reference = build_reference(args.latent_dim, args.hidden_units, args.seed)
    vae.build((None, 28, 28))
    reference.encoder.set_weights(vae.encoder.get_weights())
    reference.decoder.set_weights(vae.decoder.get_weights())
    models = {KERAS_AE: vae, REFERENCE: reference}
    for model in models.values():
        model.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=jit_compile)

    def fit(model, epochs, data_seed):
        keras.utils.set_random_seed(data_seed)  # same shuffling for both models
        wall, cpu = time.perf_counter(), time.process_time()
        history = model.fit(x_train, epochs=epochs, batch_size=args.batch_size, verbose=0)
        elapsed = (time.perf_counter() - wall) / epochs, (time.process_time() - cpu) / epochs
        return elapsed, history

    # The first epoch traces and compiles the training step; it is not timed.
    for model in models.values():
        fit(model, 1, args.seed)
    seconds = {name: [] for name in models}
    final_loss = {}
    for round_index in range(args.rounds):
        order = list(models) if round_index % 2 == 0 else list(models)[::-1]
        for name in order:
            elapsed, history = fit(models[name], args.epochs, args.seed + 1 + round_index)
            seconds[name].append(elapsed)
            # keras_ae reports `loss`; the reference, like the example, `total_loss`.
            final_loss[name] = history.history.get("loss", history.history.get("total_loss"))[-1]
    epochs = 1 + args.rounds * args.epochs

    elbo = {
        KERAS_AE: negative_elbo(
            *vae.encode_distribution(x_test),
            vae.decode,
            x_test,
            n_samples=args.elbo_samples,
            seed=args.seed,
        ),
        REFERENCE: negative_elbo(
            *reference.encoder.predict(x_test, verbose=0)[:2],
            lambda z: reference.decoder.predict(z, verbose=0),
            x_test,
            n_samples=args.elbo_samples,
            seed=args.seed,
        ),
    }
    library_elbo = vae.negative_elbo(x_test, n_samples=args.elbo_samples, seed=args.seed)
    elbo_gap = abs(elbo[KERAS_AE] - elbo[REFERENCE]) / elbo[REFERENCE]

    def ratios(column):
        pairs = zip(seconds[KERAS_AE], seconds[REFERENCE], strict=True)
        return [a[column] / b[column] for a, b in pairs]

    wall_ratios, cpu_ratios = ratios(0), ratios(1)
    time_ratio, cpu_ratio = float(np.median(wall_ratios)), float(np.median(cpu_ratios))
    quartiles = np.percentile(wall_ratios, [25, 75])
    per_epoch = {name: float(np.median([s[0] for s in values])) for name, values in seconds.items()}
    cpu_per_epoch = {
        name: float(np.median([s[1] for s in values])) for name, values in seconds.items()
    }

    print(
        f"backend {keras.backend.backend()}, keras {keras.__version__}; dense 784-"
        f"{args.hidden_units}-{args.latent_dim}, {len(x_train)} training / {len(x_test)} "
        f"test images, batch {args.batch_size}, Adam 1e-3, {epochs} epochs (1 untimed, then "
        f"{args.rounds} rounds x {args.epochs}), jit_compile={args.jit_compile}\n"
    )
    print(
        "| model | test negative ELBO (nats) | training loss, last epoch | median s/epoch (wall) "
        "| min | max | median CPU-s/epoch |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in models:
        walls = [s[0] for s in seconds[name]]
        print(
            f"| {name} | {elbo[name]:.2f} | {final_loss[name]:.2f} | {per_epoch[name]:.3f} "
            f"| {min(walls):.3f} | {max(walls):.3f} | {cpu_per_epoch[name]:.3f} |"
        )
    print(
        f"\nnegative ELBO: relative difference {elbo_gap:.2%} (target <= {ELBO_TOLERANCE:.0%}); "
        f"VariationalAutoencoder.negative_elbo gives {library_elbo['negative_elbo']:.2f}"
    )
    print(
        f"median paired time-per-epoch ratio keras_ae / reference: wall {time_ratio:.3f}, "
        f"CPU time {cpu_ratio:.3f} (target <= {TIME_TARGET}); wall ratios of the "
        f"{args.rounds} rounds: quartiles {quartiles[0]:.3f} to {quartiles[1]:.3f}, "
        f"min {min(wall_ratios):.3f}, max {max(wall_ratios):.3f}"
    )
    return {
        "negative_elbo": elbo,
        "library_negative_elbo": library_elbo["negative_elbo"],
        "elbo_relative_difference": elbo_gap,
        "seconds_per_epoch": per_epoch,
        "cpu_seconds_per_epoch": cpu_per_epoch,
        "time_ratio": time_ratio,
        "cpu_time_ratio": cpu_ratio,
        "wall_ratios": wall_ratios,
        "epochs": epochs,
    }


if __name__ == "__main__":
    main()
