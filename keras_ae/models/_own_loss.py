"""Models that compute their own loss refuse one at `compile`."""

import keras

__all__ = ["OwnLossModel"]


class OwnLossModel:
    """Mixin: `compile` refuses `loss`, and restores the optimizer on load.

    A subclass sets `own_loss_message`, the sentence `compile(loss=...)`
    raises before the received value.
    """

    own_loss_message = ""

    def compile(self, optimizer="adam", loss=None, **kwargs):
        if loss is not None:
            raise ValueError(f"{self.own_loss_message} Received: loss={loss!r}")
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)
