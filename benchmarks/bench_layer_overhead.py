"""What do KLSparsity and MaskingNoise cost? Throughput with and without them.

Trains the same dense autoencoder (784 -> 256 -> 64 -> 256 -> 784) on the MNIST
subset twice, side by side in one process: once plain, once with masking noise
on the input and a KL sparsity penalty on the code. The two are timed in
alternation over several rounds, so that a slow spell of the machine hits
both; the ratio of the median throughputs is printed.

    python benchmarks/bench_layer_overhead.py [--epochs 3] [--rounds 5]
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


def build(with_layers):
    keras.utils.set_random_seed(0)
    model = build_dense_autoencoder(
        (28, 28),
        64,
        hidden_units=(256,),
        code_activation="sigmoid",
        activity_regularizer=KLSparsity(rho=0.05, beta=3.0) if with_layers else None,
        noise_rate=0.25 if with_layers else 0.0,
        seed=0,
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def throughput(model, x, epochs, batch_size):
    start = time.perf_counter()
    model.fit(x, x, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=False)
    return epochs * len(x) / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per timed run")
    parser.add_argument("--rounds", type=int, default=5, help="alternating timed runs")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--n", type=int, default=None, help="training images (default all)")
    args = parser.parse_args(argv)

    (x, _), _ = load_mnist(n_train=args.n)
    models = {"plain": build(False), "KLSparsity + MaskingNoise": build(True)}
    for model in models.values():  # compile and warm up outside the timing
        model.fit(x[: args.batch_size * 2], x[: args.batch_size * 2], epochs=1,
                  batch_size=args.batch_size, verbose=0)
    samples = {name: [] for name in models}
    for _ in range(args.rounds):
        for name, model in models.items():
            samples[name].append(throughput(model, x, args.epochs, args.batch_size))
    medians = {name: float(np.median(values)) for name, values in samples.items()}
    ratio = medians["KLSparsity + MaskingNoise"] / medians["plain"]

    print(f"backend {keras.backend.backend()}, keras {keras.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}")
    print(f"{len(x)} images, batch {args.batch_size}, {args.epochs} epochs x "
          f"{args.rounds} rounds\n")
    print("| model | median samples/s | min | max |")
    print("|---|---:|---:|---:|")
    for name, values in samples.items():
        print(f"| {name} | {medians[name]:,.0f} | {min(values):,.0f} | {max(values):,.0f} |")
    print(f"\nthroughput ratio (with layers / plain): {ratio:.3f} (target >= 0.90)")
    return {"samples_per_second": medians, "ratio": ratio}


if __name__ == "__main__":
    main()
