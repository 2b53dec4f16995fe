"""Which unsupervised features make digits most linearly separable?

Learns features of the same size from the 4,000 MNIST training images without
their labels, four ways:

- PCA (the top `code_size` principal components);
- a plain autoencoder: one sigmoid code layer of `code_size` units, a sigmoid
  output layer, binary cross-entropy (`keras_ae.models.build_dense_autoencoder`);
- the same with a KL sparsity penalty on the code
  (`keras_ae.regularizers.KLSparsity(rho=0.05, beta=3)`);
- the same trained as a denoising autoencoder, 25% of the input pixels zeroed
  by `keras_ae.layers.MaskingNoise` during training.

The three autoencoders share the architecture, optimizer (Adam 1e-3), batch size
and number of epochs. Each feature set is then scored by the same linear probe,
`keras_ae.evaluation.linear_probe` (standardisation + scikit-learn's
LogisticRegression), trained on 1,000 labelled training images and tested on
the 1,000 test images; raw pixels are probed too, as a reference. Repeated
over several seeds (autoencoder initialisation, noise, and which 1,000 images
are labelled): mean +- standard deviation of the test accuracy. The stacked
denoising autoencoder literature (Vincent et al. 2008, 2010) predicts that
denoising beats the plain autoencoder; the script reports whether it does here.

    python benchmarks/bench_representations.py [--code-size 128] [--epochs 20] [--seeds 0 1 2]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

from keras_ae.datasets import load_mnist  # noqa: E402
from keras_ae.evaluation import linear_probe  # noqa: E402
from keras_ae.models import build_dense_autoencoder  # noqa: E402
from keras_ae.regularizers import KLSparsity  # noqa: E402

RAW, PCA_FEATURES, PLAIN, SPARSE, DENOISING = (
    "raw pixels (reference)",
    "PCA",
    "plain autoencoder",
    "KL-sparse autoencoder",
    "denoising autoencoder (25% masking)",
)


def autoencoder_codes(variant, x_train, x_test, args, seed):
    """Trains one autoencoder variant on `x_train`; returns the codes of both sets."""
    keras.utils.set_random_seed(seed)
    model = build_dense_autoencoder(
        (28, 28),
        args.code_size,
        code_activation="sigmoid",
        activity_regularizer=KLSparsity(rho=0.05, beta=3.0) if variant == SPARSE else None,
        noise_rate=0.25 if variant == DENOISING else 0.0,
        seed=seed,
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    model.fit(x_train, x_train, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
    return model.encode(x_train), model.encode(x_test)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--labels", type=int, default=1000, help="labelled training images")
    parser.add_argument("--n", type=int, default=None, help="training images (default all)")
    parser.add_argument("--n-test", type=int, default=None, help="test images (default all)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)

    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=args.n, n_test=args.n_test)
    flat_train = x_train.reshape(len(x_train), -1)
    pca = PCA(args.code_size, svd_solver="covariance_eigh").fit(flat_train)
    fixed = {
        RAW: (x_train, x_test),
        PCA_FEATURES: (pca.transform(flat_train), pca.transform(x_test.reshape(len(x_test), -1))),
    }
    accuracy = {name: [] for name in (RAW, PCA_FEATURES, PLAIN, SPARSE, DENOISING)}
    for seed in args.seeds:
        labelled = np.random.default_rng(seed).permutation(len(x_train))[: args.labels]
        features = dict(fixed)
        for variant in (PLAIN, SPARSE, DENOISING):
            features[variant] = autoencoder_codes(variant, x_train, x_test, args, seed)
        for name, (train_features, test_features) in features.items():
            accuracy[name].append(
                linear_probe(
                    train_features[labelled], y_train[labelled], test_features, y_test, seed=seed
                )
            )
    summary = {
        name: {"mean": float(np.mean(v)), "sd": float(np.std(v, ddof=1)) if len(v) > 1 else 0.0}
        for name, v in accuracy.items()
    }
    gains = np.subtract(accuracy[DENOISING], accuracy[PLAIN])
    wins = int(np.sum(gains > 0))

    print(
        f"backend {keras.backend.backend()}; features of size {args.code_size} learned on "
        f"{len(x_train)} unlabelled images ({args.epochs} epochs, batch {args.batch_size}); "
        f"probe trained on {args.labels} labels, tested on {len(x_test)} images; "
        f"seeds {args.seeds}\n"
    )
    print("| features | test accuracy, mean +- sd | per seed |")
    print("|---|---:|---|")
    for name, values in accuracy.items():
        print(
            f"| {name} | {summary[name]['mean']:.3f} +- {summary[name]['sd']:.3f} "
            f"| {', '.join(f'{v:.3f}' for v in values)} |"
        )
    verdict = "holds" if wins == len(gains) else "does not hold" if wins == 0 else "is mixed"
    print(
        f"\ndenoising - plain: {gains.mean():+.3f} (per seed "
        f"{', '.join(f'{g:+.3f}' for g in gains)}); denoising > plain in {wins} of "
        f"{len(gains)} seeds: the prediction {verdict} here"
    )
    return {
        "accuracy": accuracy,
        "summary": summary,
        "denoising_minus_plain": gains.tolist(),
        "denoising_wins": wins,
        "verdict": verdict,
    }


if __name__ == "__main__":
    main()
