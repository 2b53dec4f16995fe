"""Centres the test images with their own mean, and trains for a single epoch.

`pca_reconstruction_error` subtracts the mean of the test images instead of
that of the training images, and `train_linear_autoencoder` ignores its
`epochs` argument. The linear model itself is right.

Loses: pca_error_check, ratio_check
"""
# ruff: noqa: F821 (np, build_linear_autoencoder: defined by earlier notebook cells)


# %% pca_error
def pca_reconstruction_error(x_train, x_test, k):
    train = np.reshape(x_train, (len(x_train), -1)).astype(np.float64)
    test = np.reshape(x_test, (len(x_test), -1)).astype(np.float64)
    _, _, vt = np.linalg.svd(train - train.mean(axis=0), full_matrices=False)
    basis = vt[:k].T
    test_mean = test.mean(axis=0)
    reconstructions = test_mean + (test - test_mean) @ basis @ basis.T
    return float(np.mean((test - reconstructions) ** 2))


# %% linear_training
def train_linear_autoencoder(x_train, k, epochs):
    model = build_linear_autoencoder(x_train.shape[1:], k)
    model.fit(x_train, x_train, epochs=1, batch_size=64, verbose=0)
    return model


def error_ratio(model, x_train, x_test, k):
    model_error = float(np.mean((model.predict(x_test, verbose=0) - x_test) ** 2))
    return model_error / pca_reconstruction_error(x_train, x_test, k)
