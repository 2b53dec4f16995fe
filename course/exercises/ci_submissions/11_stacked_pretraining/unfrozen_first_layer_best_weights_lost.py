"""The first layer left trainable in the second stage, and early stopping that keeps the
weights of the last epoch.

Training the second stage moves layer1 away from what stage 1 learned, far enough that
layer1 misses its sparsity target; the classifiers stop in time but end PATIENCE epochs
past their best validation loss.

Loses: convergence_check, second_stage_check, sparsity_check
"""
# ruff: noqa: F821 (keras, KLSparsity, HalfSquaredError and the settings: defined by earlier notebook cells)


# %% second_stage
def build_second_stage(layer1, units, rho, beta):
    layer2 = keras.layers.Dense(
        units, activation="sigmoid", activity_regularizer=KLSparsity(rho, beta)
    )
    model = keras.Sequential(
        [
            keras.Input((layer1.kernel.shape[0],)),
            layer1,
            layer2,
            keras.layers.Dense(layer1.units, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=HalfSquaredError())
    return model, layer2


# %% convergence
def fit_to_convergence(model, X, y, max_epochs):
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE)
    return model.fit(
        X,
        y,
        validation_split=VALIDATION_FRACTION,
        batch_size=BATCH_SIZE,
        epochs=max_epochs,
        callbacks=[stop],
        verbose=0,
    )
