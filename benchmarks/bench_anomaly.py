"""One-class anomaly detection on MNIST: convolutional autoencoder vs PCA.

For each digit in turn, that digit is the normal class: a small convolutional
autoencoder (`keras_ae.models.build_conv_autoencoder`: Conv2D / Conv2DTranspose
layers, a dense code of `--code-size` units, trained with binary cross-entropy)
and a PCA with as many components (`keras_ae.evaluation.pca_reconstruction`)
are fitted on that digit's training images only. Every test image is then
scored by its mean squared reconstruction error
(`keras_ae.evaluation.reconstruction_errors`); images of the other nine digits
are the anomalies. Printed: the ROC AUC (`sklearn.metrics.roc_auc_score`) of
both scores per digit and their mean.

How the data differ from the published setting: published one-class MNIST
results (e.g. the convolutional autoencoder baselines, whose mean AUROC is
about 0.90) train on the full training set, about 6,000 images per digit, and
test on the 10,000 official test images. Offline we have the 5,000-image subset
(`keras_ae.datasets.load_mnist`): 400 training images per digit (15 times
fewer) and 1,000 test images, 100 per digit, so each AUROC rests on 100 normal
against 900 anomalous images. Architectures and training budgets also differ.

    python benchmarks/bench_anomaly.py [--digits 0 1 ... 9] [--epochs 30] [--code-size 32]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from keras_ae.datasets import load_mnist  # noqa: E402
from keras_ae.evaluation import pca_reconstruction, reconstruction_errors  # noqa: E402
from keras_ae.models import build_conv_autoencoder  # noqa: E402

PUBLISHED_MEAN_AUROC = 0.90  # the figure for full-data conv-AE baselines
PUBLISHED_IMAGES_PER_DIGIT = 6000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, nargs="+", default=list(range(10)))
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--code-size", type=int, default=32, help="also PCA's components")
    parser.add_argument("--n", type=int, default=None, help="training images (default all)")
    parser.add_argument("--n-test", type=int, default=None, help="test images (default all)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=args.n, n_test=args.n_test)
    rows = {}
    for digit in args.digits:
        normal = x_train[y_train == digit]
        is_anomaly = y_test != digit
        start = time.perf_counter()
        keras.utils.set_random_seed(args.seed)
        model = build_conv_autoencoder((28, 28), args.code_size)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
        model.fit(normal, normal, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
        ae_scores = reconstruction_errors(x_test, model.predict(x_test, verbose=0))
        seconds = time.perf_counter() - start
        n_components = min(args.code_size, len(normal))
        pca = pca_reconstruction(normal, x_test, n_components)
        pca_scores = reconstruction_errors(x_test, pca["reconstructions"])
        rows[digit] = {
            "n_normal_train": len(normal),
            "n_normal_test": int(np.sum(~is_anomaly)),
            "conv_ae_auroc": float(roc_auc_score(is_anomaly, ae_scores)),
            "pca_auroc": float(roc_auc_score(is_anomaly, pca_scores)),
            "conv_ae_seconds": seconds,
        }
    mean_ae = float(np.mean([r["conv_ae_auroc"] for r in rows.values()]))
    mean_pca = float(np.mean([r["pca_auroc"] for r in rows.values()]))
    per_digit = float(np.mean([r["n_normal_train"] for r in rows.values()]))

    print(
        f"backend {keras.backend.backend()}; conv AE code {args.code_size}, BCE, Adam 1e-3, "
        f"batch {args.batch_size}, {args.epochs} epochs, seed {args.seed}; PCA with "
        f"{args.code_size} components; score: per-image MSE\n"
    )
    print("| normal digit | training images | conv AE AUROC | PCA AUROC | conv AE time (s) |")
    print("|---:|---:|---:|---:|---:|")
    for digit, row in rows.items():
        print(
            f"| {digit} | {row['n_normal_train']} | {row['conv_ae_auroc']:.3f} "
            f"| {row['pca_auroc']:.3f} | {row['conv_ae_seconds']:.1f} |"
        )
    print(f"| mean | {per_digit:.0f} | {mean_ae:.3f} | {mean_pca:.3f} | |")
    print(
        f"\nData: {per_digit:.0f} training images per normal digit here, about "
        f"{PUBLISHED_IMAGES_PER_DIGIT:,} in the published full-MNIST setting "
        f"({PUBLISHED_IMAGES_PER_DIGIT / per_digit:.0f}x more); {len(x_test)} test images "
        f"({len(x_test) // 10} per digit) instead of 10,000. Published conv-AE baselines "
        f"average about {PUBLISHED_MEAN_AUROC:.2f} AUROC; mean here: conv AE {mean_ae:.3f}, "
        f"PCA {mean_pca:.3f}"
    )
    return {
        "rows": rows,
        "mean_conv_ae_auroc": mean_ae,
        "mean_pca_auroc": mean_pca,
        "published_mean_auroc": PUBLISHED_MEAN_AUROC,
        "training_images_per_digit": per_digit,
    }


if __name__ == "__main__":
    main()
