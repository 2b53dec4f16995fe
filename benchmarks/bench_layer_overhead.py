"""What do KLSparsity and MaskingNoise cost? Throughput with and without them.

Trains the same dense autoencoder (784 -> 256 -> 64 -> 256 -> 784) on the MNIST
subset side by side in one process: plain, with masking noise on the input and
a KL sparsity penalty on the code, and, as a reference for what a random layer
costs in Keras itself, with `keras.layers.Dropout` on the input instead. The
models are timed in alternation over several rounds, so that a slow spell of
the machine hits all of them; the ratio of the median throughputs is printed,
in samples per second of wall time and per second of the process's CPU time
(the second is less disturbed by other programs running on the machine).

    python benchmarks/bench_layer_overhead.py [--epochs 3] [--rounds 9]
        [--jit-compile auto|true|false]

`--jit-compile` is passed to `Model.compile`; the default, `auto`, is what a
user gets without asking: XLA on JAX, a graph on TensorFlow, eager PyTorch.
The target is an overhead under 5%: a wall-time ratio of at least 0.95.
"""

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_ae.datasets import load_mnist  # noqa: E402
from keras_ae.models import build_dense_autoencoder  # noqa: E402
from keras_ae.regularizers import KLSparsity  # noqa: E402

PLAIN, WITH_LAYERS, DROPOUT = "plain", "KLSparsity + MaskingNoise", "reference: Keras Dropout"
TARGET = 0.95  # wall-time throughput ratio with / without the layers: under 5% overhead
JIT_COMPILE = {"auto": "auto", "true": True, "false": False}


def build(variant, jit_compile):
    keras.utils.set_random_seed(0)
    model = build_dense_autoencoder(
        (28, 28),
        64,
        hidden_units=(256,),
        code_activation="sigmoid",
        activity_regularizer=KLSparsity(rho=0.05, beta=3.0) if variant == WITH_LAYERS else None,
        noise_rate=0.25 if variant == WITH_LAYERS else 0.0,
        seed=0,
    )
    if variant == DROPOUT:
        inputs = keras.Input((28, 28))
        dropped = keras.layers.Dropout(0.25, seed=0)(inputs)
        model = keras.Model(inputs, model(dropped))
    model.compile(optimizer="adam", loss="mse", jit_compile=jit_compile)
    return model


def throughput(model, x, epochs, batch_size):
    """Samples per second of wall time and per second of CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(x, x, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=False)
    samples = epochs * len(x)
    return samples / (time.perf_counter() - wall), samples / (time.process_time() - cpu)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per timed run")
    parser.add_argument("--rounds", type=int, default=9, help="alternating timed runs")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--n", type=int, default=None, help="training images (default all)")
    parser.add_argument(
        "--jit-compile",
        choices=tuple(JIT_COMPILE),
        default="auto",
        help="Model.compile's jit_compile (default: auto, Keras's own default)",
    )
    args = parser.parse_args(argv)
    jit_compile = JIT_COMPILE[args.jit_compile]

    (x, _), _ = load_mnist(n_train=args.n)
    models = {variant: build(variant, jit_compile) for variant in (PLAIN, WITH_LAYERS, DROPOUT)}
    for model in models.values():  # compile (every batch shape) outside the timing
        model.fit(x, x, epochs=1, batch_size=args.batch_size, verbose=0, shuffle=False)
    runs = {name: [] for name in models}
    for _ in range(args.rounds):
        for name, model in models.items():
            runs[name].append(throughput(model, x, args.epochs, args.batch_size))
    wall = {name: float(np.median([r[0] for r in values])) for name, values in runs.items()}
    cpu = {name: float(np.median([r[1] for r in values])) for name, values in runs.items()}

    # Ratios within each round (the runs of one round are seconds apart, so a
    # slow spell of the machine affects both sides), then the median over rounds.
    def paired(variant, column):
        return float(
            np.median(
                [r[column] / p[column] for r, p in zip(runs[variant], runs[PLAIN], strict=True)]
            )
        )

    ratio, cpu_ratio = paired(WITH_LAYERS, 0), paired(WITH_LAYERS, 1)
    dropout_ratio = paired(DROPOUT, 0)

    print(
        f"backend {keras.backend.backend()}, keras {keras.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}"
    )
    print(
        f"{len(x)} images, batch {args.batch_size}, {args.epochs} epochs x "
        f"{args.rounds} rounds, jit_compile={args.jit_compile}\n"
    )
    print("| model | median samples/s (wall) | min | max | median samples/CPU-s |")
    print("|---|---:|---:|---:|---:|")
    for name, values in runs.items():
        walls = [r[0] for r in values]
        print(
            f"| {name} | {wall[name]:,.0f} | {min(walls):,.0f} | {max(walls):,.0f} "
            f"| {cpu[name]:,.0f} |"
        )
    print(
        f"\nmedian paired throughput ratio (with layers / plain): wall {ratio:.3f}, CPU time "
        f"{cpu_ratio:.3f} (target >= {TARGET}); Keras Dropout / plain: wall "
        f"{dropout_ratio:.3f}"
    )
    return {
        "samples_per_second": wall,
        "samples_per_cpu_second": cpu,
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "dropout_ratio": dropout_ratio,
        "jit_compile": args.jit_compile,
        "target": TARGET,
    }


if __name__ == "__main__":
    main()
