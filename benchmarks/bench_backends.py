"""Which Keras backend trains keras_ae models fastest on this machine?

Measures training throughput (samples per second of wall time, and per second
of the process's CPU time) of two models on the MNIST subset:

- the dense autoencoder 784 -> 256 -> 64 -> 256 -> 784 of
  `bench_layer_overhead.py` (sigmoid code, squared error);
- the dense VAE 784 -> 400 -> 20 of `bench_vae_reference.py`
  (`keras_ae.models.build_dense_vae`),

each compiled with `jit_compile=False` and `jit_compile=True` (XLA on
TensorFlow and JAX; `torch.compile` on PyTorch, which Keras supports too),
on TensorFlow, JAX and PyTorch. Keras fixes its backend when it is first
imported, so the script launches one subprocess per backend (with the
`KERAS_BACKEND` environment variable) and gathers their results as JSON. The
four configurations of one backend are timed in alternation over several
rounds, after one untimed epoch each that traces and compiles; the time of
that first epoch is reported too, since compiling can take much longer than
training. Each PyTorch subprocess gets an empty inductor cache
(`TORCHINDUCTOR_CACHE_DIR`), so its compile time is that of a first run. The
default 2,048 training images are 16 full batches: no smaller last batch to
trace or compile a second time.

    python benchmarks/bench_backends.py [--backends tensorflow jax torch] [--n 2048] [--rounds 3]

`--in-process` measures only the backend of the current process, without a
subprocess (used by the smoke test).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

BACKENDS = ("tensorflow", "jax", "torch")
MODELS = ("dense autoencoder", "VAE")
RESULT_PREFIX = "BENCH_BACKENDS_JSON "


def _setting(value):
    if value.lower() not in ("false", "true"):
        raise argparse.ArgumentTypeError(f"expected false or true, got {value!r}")
    return value.lower() == "true"


def build(model_name, jit_compile):
    import keras

    from keras_ae.models import build_dense_autoencoder, build_dense_vae

    keras.utils.set_random_seed(0)
    if model_name == "VAE":
        model = build_dense_vae((28, 28), 20, hidden_units=(400,), seed=0)
        model.compile(optimizer="adam", jit_compile=jit_compile)
    else:
        model = build_dense_autoencoder(
            (28, 28), 64, hidden_units=(256,), code_activation="sigmoid"
        )
        model.compile(optimizer="adam", loss="mse", jit_compile=jit_compile)
    return model


def fit(model, x, epochs, batch_size):
    """Trains `model` (a VAE on `x` alone); returns samples/s of wall and CPU time."""
    from keras_ae.models import VariationalAutoencoder

    targets = None if isinstance(model, VariationalAutoencoder) else x
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(x, targets, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=False)
    samples = epochs * len(x)
    return samples / (time.perf_counter() - wall), samples / (time.process_time() - cpu)


def measure_current_backend(args):
    """Throughput of every model and jit setting on the backend of this process."""
    import keras

    from keras_ae.datasets import load_mnist

    (x, _), _ = load_mnist(n_train=args.n)
    models, results = {}, {}
    for model_name in MODELS:
        for jit_compile in args.jit_compile:
            key = f"{model_name}, jit_compile={jit_compile}"
            results[key] = {"model": model_name, "jit_compile": jit_compile}
            start = time.perf_counter()
            try:
                model = build(model_name, jit_compile)
                fit(model, x, 1, args.batch_size)  # traces and compiles, untimed
            except Exception as error:  # a backend may not support a setting: report it
                results[key]["error"] = f"{type(error).__name__}: {error}".splitlines()[0][:200]
                continue
            results[key]["first_epoch_seconds"] = time.perf_counter() - start
            models[key] = model
    runs = {key: [] for key in models}
    for _ in range(args.rounds):
        for key, model in models.items():
            runs[key].append(fit(model, x, args.epochs, args.batch_size))
    for key, values in runs.items():
        results[key]["samples_per_second"] = float(np.median([v[0] for v in values]))
        results[key]["samples_per_cpu_second"] = float(np.median([v[1] for v in values]))
    return {
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "n_train": len(x),
        "results": results,
    }


def run_backend(backend, args):
    """Runs this script with `--worker` under `backend`; returns its parsed JSON."""
    command = [sys.executable, os.path.abspath(__file__), "--worker"]
    command += ["--epochs", str(args.epochs), "--rounds", str(args.rounds)]
    command += ["--batch-size", str(args.batch_size), "--jit-compile"]
    command += [str(setting).lower() for setting in args.jit_compile]
    command += ["--n", str(args.n)]
    with tempfile.TemporaryDirectory() as inductor_cache:
        env = {**os.environ, "KERAS_BACKEND": backend, "TORCHINDUCTOR_CACHE_DIR": inductor_cache}
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    tail = (completed.stderr.strip().splitlines() or ["no output"])[-1]
    return {"backend": backend, "error": f"exit code {completed.returncode}: {tail}"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--epochs", type=int, default=1, help="epochs per timed run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timed runs")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--n", type=int, default=2048, help="training images")
    parser.add_argument(
        "--jit-compile",
        nargs="+",
        type=_setting,
        default=[False, True],
        help="settings to measure: false, true or both (default)",
    )
    parser.add_argument("--in-process", action="store_true", help="current backend only")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(RESULT_PREFIX + json.dumps(measure_current_backend(args)))
        return None
    if args.in_process:
        per_backend = [measure_current_backend(args)]
    else:
        per_backend = [run_backend(backend, args) for backend in args.backends]

    rows = []
    for entry in per_backend:
        if "error" in entry:
            rows.append({"backend": entry["backend"], "error": entry["error"]})
            continue
        for result in entry["results"].values():
            rows.append({"backend": entry["backend"], **result})
    fastest = {}
    for model_name in MODELS:
        measured = [r for r in rows if r.get("model") == model_name and "samples_per_second" in r]
        if measured:
            best = max(measured, key=lambda r: r["samples_per_second"])
            fastest[model_name] = {
                "backend": best["backend"],
                "jit_compile": best["jit_compile"],
                "samples_per_second": best["samples_per_second"],
            }

    n_train = next((entry["n_train"] for entry in per_backend if "n_train" in entry), None)
    print(
        f"{n_train} MNIST images, batch {args.batch_size}, {args.epochs} epochs x "
        f"{args.rounds} rounds per configuration, {os.cpu_count()} CPUs\n"
    )
    print(
        "| backend | model | jit_compile | median samples/s (wall) | median samples/CPU-s "
        "| first epoch incl. compile (s) |"
    )
    print("|---|---|---|---:|---:|---:|")
    for row in rows:
        if "samples_per_second" in row:
            print(
                f"| {row['backend']} | {row['model']} | {row['jit_compile']} "
                f"| {row['samples_per_second']:,.0f} | {row['samples_per_cpu_second']:,.0f} "
                f"| {row['first_epoch_seconds']:.1f} |"
            )
        else:
            print(
                f"| {row['backend']} | {row.get('model', 'all')} | {row.get('jit_compile', '')} "
                f"| failed: {row['error']} | | |"
            )
    print()
    for model_name, best in fastest.items():
        print(
            f"fastest for the {model_name}: {best['backend']} with "
            f"jit_compile={best['jit_compile']}, {best['samples_per_second']:,.0f} samples/s"
        )
    return {"rows": rows, "fastest": fastest}


if __name__ == "__main__":
    main()
