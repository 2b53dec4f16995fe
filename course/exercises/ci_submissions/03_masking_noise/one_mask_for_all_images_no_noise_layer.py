"""Masks every image at the same pixels, counts background zeros, trains without noise.

`mask` draws one mask per pixel position and broadcasts it over the images
(it passes the visible checks, not the hidden test of independence),
`estimate_q` counts the zeros of all components instead of the non-zero
ones only, and `train_denoising_autoencoder` trains a plain autoencoder,
which learns to copy the holes. The model of Part 3 is right.

Loses: denoising_check, masking_check, q_estimate_check
"""
# ruff: noqa: F821 (np, keras, UNITS, build_dense_autoencoder: defined by earlier cells)


# %% masking
def mask(x, q, rng):
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"Expected a probability q in [0, 1]. Received: q={q}")
    x = np.asarray(x)
    keep = rng.random(x.shape[1:]) >= q
    return np.where(keep, x, np.zeros_like(x))


# %% q_estimate
def estimate_q(x, x_tilde):
    return float(np.mean(np.asarray(x_tilde) == 0))


# %% denoiser_training
def train_denoising_autoencoder(x_train, q, epochs):
    model = build_dense_autoencoder((28, 28), UNITS)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="binary_crossentropy")
    model.fit(x_train, x_train, epochs=epochs, batch_size=64, verbose=0)
    return model
