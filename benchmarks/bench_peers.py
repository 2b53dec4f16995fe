"""keras_ae against what its users would write instead: pure JAX, pure PyTorch, plain Keras.

Two models, each written four ways and trained the same way (Adam, learning
rate 1e-3, batches of 128 of the MNIST subset, no shuffling, float32):

- the dense VAE 784-400-20 of `bench_vae_reference.py` (relu hidden layers,
  Bernoulli likelihood: binary cross-entropy summed over the pixels, plus the
  closed-form KL divergence, averaged over the batch);
- the dense autoencoder 784-256-64-256-784 of `bench_layer_overhead.py`
  (relu hidden layers, sigmoid code and output, squared error).

The four ways:

- **keras_ae** on each Keras backend (`build_dense_vae`,
  `build_dense_autoencoder`), compiled with XLA on TensorFlow and JAX
  (`jit_compile=True`) and run eagerly on PyTorch (Keras's default there);
- **Keras** without keras_ae on each backend, with the same `jit_compile`:
  for the VAE, the Keras-example VAE of `bench_vae_reference.py`, whose
  `train_step` is written for the backend; for the autoencoder, a
  `keras.Sequential` model;
- **pure JAX**: the models as functions of a parameter tree, one `jax.jit`
  training step, Adam written out by hand (the update of `keras.optimizers.Adam`);
- **pure PyTorch**: `torch.nn.Module`s and `torch.optim.Adam`, the training
  loop of the pytorch/examples VAE (`loss.backward()`, `optimizer.step()`,
  `loss.item()` every batch), run eagerly.

Each way runs in its own process (one per implementation, holding both
models), started one after the other and warmed up with one untimed epoch per
model (which traces and compiles; its time is reported). Then, in every
round, each process in turn trains each model for `--epochs` epochs while
the others wait, the order rotating from round to round, so that a slow
spell of the machine hits every implementation alike. The table reports
medians over rounds of samples per second (wall time and the process's CPU
time), and the ratios are medians of per-round ratios.

The roofline: in every round the parent process also times, with NumPy
(and JAX, if installed; the faster counts), each matrix product of one
training step at its real shapes (forward, weight gradients, input
gradients), in float32. The batch size divided by their summed time is the
throughput a training loop would reach if it did nothing but those products
at the speed this machine multiplies matrices right now; each
implementation's fraction of it is reported (per round, then the median).

    python benchmarks/bench_peers.py [--rounds 5] [--epochs 2] [--n 4000]
        [--backends tensorflow jax torch] [--quick]

`--quick` runs 256 images, one round of one epoch, with keras_ae and Keras on
JAX and PyTorch only: it checks that every way runs, and is what the smoke
test uses. Its numbers mean nothing.
"""

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BACKENDS = ("tensorflow", "jax", "torch")
MODELS = ("VAE", "dense autoencoder")
PURE_JAX, PURE_TORCH = "pure JAX", "pure PyTorch"
LEARNING_RATE, BATCH_SIZE = 1e-3, 128
# (inputs, units, activation) of every dense layer; the VAE's two heads
# (z_mean and z_log_var) are one product of 400 x 40 for the roofline.
LAYERS = {
    "VAE": [(784, 400, "relu"), (400, 40, None), (20, 400, "relu"), (400, 784, "sigmoid")],
    "dense autoencoder": [
        (784, 256, "relu"),
        (256, 64, "sigmoid"),
        (64, 256, "relu"),
        (256, 784, "sigmoid"),
    ],
}
TARGETS = {"fastest peer": 0.95, "roofline": 0.7, "pure PyTorch": 0.8}


def keras_ae_name(backend):
    return f"keras_ae ({backend})"


def keras_name(backend):
    return f"Keras ({backend})"


def implementations(backends):
    """Display name -> (kind, KERAS_BACKEND) of every implementation."""
    found = {keras_ae_name(b): ("keras_ae", b) for b in backends}
    found.update({keras_name(b): ("keras", b) for b in backends})
    found[PURE_JAX] = ("jax", "jax")
    found[PURE_TORCH] = ("torch", "torch")
    return found


# ---------------------------------------------------------------- the workers


def _keras_trainers(kind, x):
    import keras

    backend = keras.backend.backend()
    jit_compile = backend != "torch"
    trainers = {}
    for model_name in MODELS:
        keras.utils.set_random_seed(0)
        if kind == "keras_ae":
            from keras_ae.models import build_dense_autoencoder, build_dense_vae

            if model_name == "VAE":
                model = build_dense_vae((28, 28), 20, hidden_units=(400,), seed=0)
            else:
                model = build_dense_autoencoder(
                    (28, 28), 64, hidden_units=(256,), code_activation="sigmoid"
                )
        elif model_name == "VAE":
            sys.path.insert(0, HERE)
            from bench_vae_reference import build_reference

            model = build_reference(20, 400, seed=0)
        else:
            model = keras.Sequential(
                [
                    keras.Input((28, 28)),
                    keras.layers.Flatten(),
                    keras.layers.Dense(256, activation="relu"),
                    keras.layers.Dense(64, activation="sigmoid"),
                    keras.layers.Dense(256, activation="relu"),
                    keras.layers.Dense(784, activation="sigmoid"),
                    keras.layers.Reshape((28, 28)),
                ]
            )
        loss = None if model_name == "VAE" else "mse"
        model.compile(
            optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=loss, jit_compile=jit_compile
        )
        targets = None if model_name == "VAE" else x

        def train(epochs, model=model, targets=targets):
            history = model.fit(
                x, targets, epochs=epochs, batch_size=BATCH_SIZE, shuffle=False, verbose=0
            )
            logs = history.history
            return logs["loss" if "loss" in logs else "total_loss"][-1]

        trainers[model_name] = train
    return trainers


def _glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32")


def _initial_parameters(model_name):
    """Glorot-uniform kernels and zero biases, as Keras's Dense initialises them."""
    rng = np.random.default_rng(0)
    sizes = [(784, 400), (400, 20), (400, 20), (20, 400), (400, 784)]
    if model_name != "VAE":
        sizes = [(784, 256), (256, 64), (64, 256), (256, 784)]
    return [(_glorot(rng, i, o), np.zeros(o, "float32")) for i, o in sizes]


def _jax_trainers(x):
    import jax
    import jax.numpy as jnp

    def dense(layer, h):
        kernel, bias = layer
        return h @ kernel + bias

    def bce(x, p):
        p = jnp.clip(p, 1e-7, 1 - 1e-7)  # as keras.ops.binary_crossentropy
        return -(x * jnp.log(p) + (1 - x) * jnp.log1p(-p))

    def vae_loss(params, x, key):
        h = jax.nn.relu(dense(params[0], x))
        z_mean, z_log_var = dense(params[1], h), dense(params[2], h)
        z = z_mean + jnp.exp(0.5 * z_log_var) * jax.random.normal(key, z_mean.shape)
        p = jax.nn.sigmoid(dense(params[4], jax.nn.relu(dense(params[3], z))))
        kl = -0.5 * jnp.sum(1 + z_log_var - z_mean**2 - jnp.exp(z_log_var), axis=1)
        return jnp.mean(jnp.sum(bce(x, p), axis=1) + kl)

    def autoencoder_loss(params, x, key):
        h = jax.nn.relu(dense(params[0], x))
        h = jax.nn.relu(dense(params[2], jax.nn.sigmoid(dense(params[1], h))))
        return jnp.mean((x - jax.nn.sigmoid(dense(params[3], h))) ** 2)

    def make_step(loss_fn):
        beta_1, beta_2, epsilon = 0.9, 0.999, 1e-7  # keras.optimizers.Adam's defaults

        @jax.jit
        def step(state, x):
            params, m, v, t, key = state
            key, subkey = jax.random.split(key)
            loss, grads = jax.value_and_grad(loss_fn)(params, x, subkey)
            t = t + 1
            m = jax.tree.map(lambda m, g: beta_1 * m + (1 - beta_1) * g, m, grads)
            v = jax.tree.map(lambda v, g: beta_2 * v + (1 - beta_2) * g * g, v, grads)
            alpha = LEARNING_RATE * jnp.sqrt(1 - beta_2**t) / (1 - beta_1**t)
            params = jax.tree.map(
                lambda p, m, v: p - alpha * m / (jnp.sqrt(v) + epsilon), params, m, v
            )
            return (params, m, v, t, key), loss

        return step

    flat = x.reshape(len(x), -1)
    batches = [jnp.asarray(flat[i : i + BATCH_SIZE]) for i in range(0, len(x), BATCH_SIZE)]
    trainers = {}
    for model_name, loss_fn in (("VAE", vae_loss), ("dense autoencoder", autoencoder_loss)):
        params = jax.tree.map(jnp.asarray, _initial_parameters(model_name))
        zeros = jax.tree.map(jnp.zeros_like, params)
        state = [(params, zeros, zeros, jnp.zeros((), "float32"), jax.random.key(0))]
        step = make_step(loss_fn)

        def train(epochs, state=state, step=step):
            for _ in range(epochs):
                for batch in batches:
                    state[0], loss = step(state[0], batch)
            return float(loss)  # waits for the last step

        trainers[model_name] = train
    return trainers


def _torch_trainers(x):
    import torch
    from torch import nn
    from torch.nn import functional

    torch.manual_seed(0)

    class VAE(nn.Module):  # pytorch/examples, vae/main.py, with the 784-400-20 sizes
        def __init__(self):
            super().__init__()
            self.fc1, self.fc21, self.fc22 = (
                nn.Linear(784, 400),
                nn.Linear(400, 20),
                nn.Linear(400, 20),
            )
            self.fc3, self.fc4 = nn.Linear(20, 400), nn.Linear(400, 784)

        def forward(self, x):
            h = functional.relu(self.fc1(x))
            mu, logvar = self.fc21(h), self.fc22(h)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            return torch.sigmoid(self.fc4(functional.relu(self.fc3(z)))), mu, logvar

    def vae_loss(model, x):
        recon, mu, logvar = model(x)
        bce = functional.binary_cross_entropy(recon, x, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return (bce + kld) / len(x)

    autoencoder = nn.Sequential(
        nn.Linear(784, 256),
        nn.ReLU(),
        nn.Linear(256, 64),
        nn.Sigmoid(),
        nn.Linear(64, 256),
        nn.ReLU(),
        nn.Linear(256, 784),
        nn.Sigmoid(),
    )

    def autoencoder_loss(model, x):
        return functional.mse_loss(model(x), x)

    flat = torch.from_numpy(x.reshape(len(x), -1))
    batches = list(torch.split(flat, BATCH_SIZE))
    trainers = {}
    for model_name, model, loss_fn in (
        ("VAE", VAE(), vae_loss),
        ("dense autoencoder", autoencoder, autoencoder_loss),
    ):
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)

        def train(epochs, model=model, loss_fn=loss_fn, optimizer=optimizer):
            model.train()
            for _ in range(epochs):
                for batch in batches:
                    optimizer.zero_grad()
                    loss = loss_fn(model, batch)
                    loss.backward()
                    last = loss.item()
                    optimizer.step()
            return last

        trainers[model_name] = train
    return trainers


def worker(kind, n):
    """Serves `run MODEL EPOCHS` lines on stdin with one JSON line each on stdout."""
    from keras_ae.datasets import load_mnist

    (x, _), _ = load_mnist(n_train=n)
    if kind == "jax":
        trainers = _jax_trainers(x)
    elif kind == "torch":
        trainers = _torch_trainers(x)
    else:
        trainers = _keras_trainers(kind, x)
    for line in sys.stdin:
        _, model_name, epochs = line.split()  # "run dense_autoencoder 2"
        model_name = model_name.replace("_", " ")
        wall, cpu = time.perf_counter(), time.process_time()
        loss = trainers[model_name](int(epochs))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        samples = int(epochs) * len(x)
        reply = {"wall": samples / wall, "cpu": samples / cpu, "seconds": wall, "loss": loss}
        print(json.dumps(reply), flush=True)


# ------------------------------------------------------------ the parent side


class Worker:
    def __init__(self, name, kind, backend, n):
        self.name = name
        env = {**os.environ, "KERAS_BACKEND": backend}
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", kind, "--n", str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )

    def run(self, model_name, epochs):
        self.process.stdin.write(f"run {model_name.replace(' ', '_')} {epochs}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            raise RuntimeError(f"{self.name} stopped (exit code {code}); see its stderr above")
        return json.loads(line)

    def close(self):
        self.process.stdin.close()  # the worker's loop ends
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _products(model_name, batch_size):
    """(m, k, n) of every matrix product of one training step of `model_name`."""
    shapes = []
    for index, (inputs, units, _) in enumerate(LAYERS[model_name]):
        shapes.append((batch_size, inputs, units))  # forward
        shapes.append((inputs, batch_size, units))  # kernel gradient
        if index > 0:
            shapes.append((batch_size, units, inputs))  # gradient of the layer's input
    return shapes


def flops_per_sample(model_name):
    return sum(2 * m * k * n for m, k, n in _products(model_name, BATCH_SIZE)) / BATCH_SIZE


def _time_numpy(m, k, n, repeats):
    rng = np.random.default_rng(0)
    a, b = rng.random((m, k), "float32"), rng.random((k, n), "float32")
    out = np.empty((m, n), "float32")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        times.append(time.perf_counter() - start)
    return min(times)


def _time_jax(m, k, n, repeats):
    import jax
    import jax.numpy as jnp

    a, b = jnp.ones((m, k), "float32"), jnp.ones((k, n), "float32")
    product = jax.jit(jnp.matmul)
    product(a, b).block_until_ready()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        product(a, b).block_until_ready()
        times.append(time.perf_counter() - start)
    return min(times)


def roofline(model_name, repeats):
    """Samples/s of a step made only of its matrix products, and their GFLOP/s."""
    timers = [_time_numpy]
    try:
        import jax  # noqa: F401

        timers.append(_time_jax)
    except ImportError:
        pass
    seconds = sum(
        min(timer(m, k, n, repeats) for timer in timers)
        for m, k, n in _products(model_name, BATCH_SIZE)
    )
    return BATCH_SIZE / seconds, flops_per_sample(model_name) * BATCH_SIZE / seconds / 1e9


def _median(values):
    return float(np.median(values))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timed rounds")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per timed run")
    parser.add_argument("--n", type=int, default=4000, help="training images")
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks every way runs")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.n)
    if args.quick:
        args.rounds, args.epochs, args.n = 1, 1, 256
        args.backends = [b for b in args.backends if b != "tensorflow"]

    ways = implementations(args.backends)
    workers, first_epoch = {}, {}
    try:
        for name, (kind, backend) in ways.items():
            # One at a time: starting (imports, tracing, compiling) is timed too.
            workers[name] = Worker(name, kind, backend, args.n)
            first_epoch[name] = {m: workers[name].run(m, 1)["seconds"] for m in MODELS}
        runs = {(m, name): [] for m in MODELS for name in ways}
        roofs = {m: [] for m in MODELS}
        names = list(ways)
        for round_index in range(args.rounds):
            shift = round_index % len(names)
            for name in names[shift:] + names[:shift]:
                for model_name in MODELS:
                    runs[model_name, name].append(workers[name].run(model_name, args.epochs))
            for model_name in MODELS:
                roofs[model_name].append(roofline(model_name, repeats=20))
    finally:
        for w in workers.values():
            w.close()

    results = {"models": {}, "n": args.n, "rounds": args.rounds, "epochs": args.epochs}
    print(
        f"{args.n} MNIST images, batch {BATCH_SIZE}, Adam {LEARNING_RATE:g}, {args.epochs} "
        f"epochs x {args.rounds} rounds per implementation, interleaved; {os.cpu_count()} CPUs; "
        f"load average at the end {os.getloadavg()[0]:.2f}"
    )
    for model_name in MODELS:
        roof = _median([r[0] for r in roofs[model_name]])
        gflops = _median([r[1] for r in roofs[model_name]])
        wall = {name: _median([r["wall"] for r in runs[model_name, name]]) for name in ways}

        def paired(a, b, model_name=model_name):
            pairs = zip(runs[model_name, a], runs[model_name, b], strict=True)
            return _median([x["wall"] / y["wall"] for x, y in pairs])

        fraction = {
            name: _median(
                [
                    r["wall"] / f[0]
                    for r, f in zip(runs[model_name, name], roofs[model_name], strict=True)
                ]
            )
            for name in ways
        }
        library = [keras_ae_name(b) for b in args.backends]
        fastest = max(library, key=wall.get)
        peer = max((PURE_JAX, PURE_TORCH), key=wall.get)
        ratios = {
            f"{fastest} / {peer} (fastest peer)": paired(fastest, peer),
            f"{keras_ae_name('torch')} / {PURE_TORCH}": paired(keras_ae_name("torch"), PURE_TORCH)
            if "torch" in args.backends
            else None,
            **{
                f"{keras_ae_name(b)} / {keras_name(b)}": paired(keras_ae_name(b), keras_name(b))
                for b in args.backends
            },
        }
        print(
            f"\n### {model_name}\n\nroofline: the step's matrix products at the measured sgemm "
            f"speed, {gflops:.0f} GFLOP/s, give {roof:,.0f} samples/s "
            f"({flops_per_sample(model_name) / 1e6:.2f} MFLOP per sample)\n"
        )
        print(
            "| implementation | median samples/s (wall) | min | max | median samples/CPU-s "
            "| fraction of roofline | first epoch incl. compile (s) | last loss |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name in ways:
            walls = [r["wall"] for r in runs[model_name, name]]
            cpu = _median([r["cpu"] for r in runs[model_name, name]])
            print(
                f"| {name} | {wall[name]:,.0f} | {min(walls):,.0f} | {max(walls):,.0f} "
                f"| {cpu:,.0f} | {fraction[name]:.2f} | {first_epoch[name][model_name]:.1f} "
                f"| {runs[model_name, name][-1]['loss']:.4g} |"
            )
        print("\nmedian paired ratios of wall-time throughput:")
        for label, value in ratios.items():
            if value is not None:
                print(f"- {label}: {value:.3f}")
        results["models"][model_name] = {
            "samples_per_second": wall,
            "roofline_samples_per_second": roof,
            "sgemm_gflops": gflops,
            "roofline_fraction": fraction,
            "fastest_keras_ae": fastest,
            "fastest_peer": peer,
            "ratio_to_fastest_peer": paired(fastest, peer),
            "torch_ratio": paired(keras_ae_name("torch"), PURE_TORCH)
            if "torch" in args.backends
            else None,
            "ratios": {k: v for k, v in ratios.items() if v is not None},
            "last_loss": {name: runs[model_name, name][-1]["loss"] for name in ways},
        }
    return results


if __name__ == "__main__":
    main()
