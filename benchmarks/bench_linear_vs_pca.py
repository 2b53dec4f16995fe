"""Does a linear autoencoder reach PCA? Test error and subspace, k = 2, 16, 32.

Trains a linear autoencoder (`keras_ae.models.build_dense_autoencoder` with
linear code and output, squared error) and fits scikit-learn's PCA (through
`keras_ae.evaluation.pca_reconstruction`) on the same MNIST subset, for each
bottleneck size k. Both see the same training images, centred by their mean
(PCA centres anyway; the centring spares the autoencoder's biases the job of
learning the mean image). By the Eckart-Young theorem no rank-k linear map has
a lower training error than PCA, so the training ratio is >= 1.00; on the test
images the ratio may dip a hair below 1. Printed per k: test MSE of each, their
ratio (target <= 1.01), the training ratio, the largest principal angle between
the decoder's column space and the top-k principal components, and the wall
time of each side (PCA: fit and reconstruction; autoencoder: training).

The training recipe is that of lecture 01: Adam with a cosine-decayed learning
rate, batches of 500 images, weights from Keras's ordinary random initialisation.

    python benchmarks/bench_linear_vs_pca.py [--ks 2 16 32] [--epochs 60] [--n 4000]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from keras_ae.datasets import load_mnist  # noqa: E402
from keras_ae.evaluation import pca_reconstruction, principal_angles  # noqa: E402
from keras_ae.models import build_dense_autoencoder  # noqa: E402

TARGET_RATIO = 1.01


def mse(a, b):
    return float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))


def train_linear_autoencoder(x, k, *, epochs, batch_size, learning_rate, seed):
    """Trains a linear autoencoder on `x`; returns it and the training wall time."""
    keras.utils.set_random_seed(seed)
    model = build_dense_autoencoder(
        x.shape[1:], k, code_activation="linear", output_activation="linear"
    )
    steps = epochs * int(np.ceil(len(x) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=0.01)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse")
    start = time.perf_counter()
    model.fit(x, x, epochs=epochs, batch_size=batch_size, verbose=0)
    return model, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ks", type=int, nargs="+", default=[2, 16, 32], help="bottlenecks")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--learning-rate", type=float, default=0.02, help="initial Adam rate")
    parser.add_argument("--n", type=int, default=None, help="training images (default all)")
    parser.add_argument("--n-test", type=int, default=None, help="test images (default all)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    (x_train, _), (x_test, _) = load_mnist(n_train=args.n, n_test=args.n_test)
    mean_image = x_train.mean(axis=0)
    x_train, x_test = x_train - mean_image, x_test - mean_image

    rows = {}
    for k in args.ks:
        start = time.perf_counter()
        pca = pca_reconstruction(x_train, x_test, k)
        pca_seconds = time.perf_counter() - start
        pca_model = pca["pca"]
        pca_train_mse = mse(
            x_train.reshape(len(x_train), -1),
            pca_model.inverse_transform(pca_model.transform(x_train.reshape(len(x_train), -1))),
        )
        model, ae_seconds = train_linear_autoencoder(
            x_train,
            k,
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            seed=args.seed,
        )
        ae_test_mse = mse(model.predict(x_test, batch_size=1000, verbose=0), x_test)
        ae_train_mse = mse(model.predict(x_train, batch_size=1000, verbose=0), x_train)
        decoder_columns = keras.ops.convert_to_numpy(
            model.decoder.get_layer("decoder_output").kernel
        ).T
        rows[k] = {
            "pca_test_mse": pca["mse"],
            "ae_test_mse": ae_test_mse,
            "test_ratio": ae_test_mse / pca["mse"],
            "train_ratio": ae_train_mse / pca_train_mse,
            "max_angle_degrees": float(
                principal_angles(decoder_columns, pca_model.components_.T).max()
            ),
            "pca_seconds": pca_seconds,
            "ae_seconds": ae_seconds,
        }

    print(
        f"backend {keras.backend.backend()}; {len(x_train)} training / {len(x_test)} test "
        f"images, centred; autoencoder: Adam, cosine decay from {args.learning_rate}, "
        f"batch {args.batch_size}, {args.epochs} epochs, seed {args.seed}\n"
    )
    print(
        "| k | PCA test MSE | AE test MSE | test ratio AE/PCA | train ratio | "
        "largest principal angle (deg) | PCA time (s) | AE time (s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k, row in rows.items():
        print(
            f"| {k} | {row['pca_test_mse']:.6f} | {row['ae_test_mse']:.6f} "
            f"| {row['test_ratio']:.4f} | {row['train_ratio']:.4f} "
            f"| {row['max_angle_degrees']:.2f} | {row['pca_seconds']:.2f} "
            f"| {row['ae_seconds']:.1f} |"
        )
    max_ratio = max(row["test_ratio"] for row in rows.values())
    print(f"\nlargest test-MSE ratio {max_ratio:.4f} (target <= {TARGET_RATIO}; floor 1.00)")
    return {"rows": rows, "max_test_ratio": max_ratio, "target": TARGET_RATIO}


if __name__ == "__main__":
    main()
