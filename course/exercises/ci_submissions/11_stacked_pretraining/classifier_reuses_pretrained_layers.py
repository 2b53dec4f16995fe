"""The pretrained layers themselves in the classifier, and a sparsity weight too small.

The classifier reuses layer1 and layer2: layer1 is still frozen from Part 2, both still add
their sparsity penalty, and fine-tuning changes them in place. With BETA = 0.05 the layers
end far from their sparsity targets. The comparison itself still runs.

Loses: classifier_check, sparsity_check
"""
# ruff: noqa: F821 (keras, LEARNING_RATE: defined by earlier notebook cells)

# %% beta_choice
BETA = 0.05


# %% classifier
def build_classifier(layers, n_classes, pretrained):
    if pretrained:
        hidden = list(layers)
    else:
        hidden = [keras.layers.Dense(layer.units, activation="sigmoid") for layer in layers]
    model = keras.Sequential(
        [
            keras.Input((layers[0].kernel.shape[0],)),
            *hidden,
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
