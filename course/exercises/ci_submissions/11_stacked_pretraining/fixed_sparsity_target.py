"""The sparsity target of every stage fixed at 0.05, whatever rho says.

The penalty the model adds is not the one of its own rho, and after pretraining the layers
sit near 0.05 instead of their targets 0.1 and 0.2; the other answers are right.

Loses: sparsity_check, stage_check
"""
# ruff: noqa: F821 (keras, KLSparsity, HalfSquaredError, LEARNING_RATE: defined by earlier notebook cells)


# %% stage
def build_stage(input_dim, units, rho, beta):
    encoder_layer = keras.layers.Dense(
        units, activation="sigmoid", activity_regularizer=KLSparsity(0.05, beta)
    )
    autoencoder = keras.Sequential(
        [
            keras.Input((input_dim,)),
            encoder_layer,
            keras.layers.Dense(input_dim, activation="sigmoid"),
        ]
    )
    autoencoder.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=HalfSquaredError())
    return autoencoder, encoder_layer
