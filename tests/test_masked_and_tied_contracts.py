"""Contracts of MaskedDense, MaskedConv2D, pixelcnn_mask and DenseTranspose:
weight names, initializers, configs, shapes, dtypes and error messages."""

import re

import keras
import numpy as np
import pytest
from keras.ops import convert_to_numpy as to_numpy

from keras_ae.layers import DenseTranspose, MaskedConv2D, MaskedDense
from keras_ae.layers.masked import pixelcnn_mask


def _conv_same(x, kernel):
    # Stride-1 "same" cross-correlation, channels last, odd square kernel.
    k = kernel.shape[0]
    p = k // 2
    padded = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    n, h, w, _ = x.shape
    out = np.zeros((n, h, w, kernel.shape[-1]), dtype=np.float64)
    for r in range(h):
        for c in range(w):
            patch = padded[:, r : r + k, c : c + k, :]
            out[:, r, c, :] = np.einsum("nijc,ijcf->nf", patch, kernel)
    return out


# --- MaskedDense ------------------------------------------------------------------------


def test_masked_dense_weights_are_named_kernel_kernel_mask_and_bias():
    layer = MaskedDense(2, np.ones((3, 2)), name="md")
    layer.build((None, 3))
    assert layer.kernel.name == "kernel" and layer.kernel.path == "md/kernel"
    assert layer.bias.name == "bias" and layer.bias.path == "md/bias"
    assert layer.kernel_mask.name == "kernel_mask"


def test_masked_dense_mask_weight_is_flagged_not_trainable():
    layer = MaskedDense(2, np.ones((3, 2)))
    layer.build((None, 3))
    assert layer.kernel_mask.trainable is False
    assert layer.kernel.trainable is True


def test_masked_dense_uses_its_initializers():
    mask = np.array([[1, 0], [1, 1], [0, 1]])
    layer = MaskedDense(2, mask, kernel_initializer="ones", bias_initializer="ones")
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    out = to_numpy(layer(x))
    np.testing.assert_array_equal(to_numpy(layer.kernel), np.ones((3, 2)))
    np.testing.assert_array_equal(to_numpy(layer.bias), np.ones(2))
    # ones kernel masked: unit 0 sums x0 + x1 = 3, unit 1 sums x1 + x2 = 5; plus bias 1
    np.testing.assert_allclose(out, [[4.0, 6.0]])


def test_masked_dense_default_initializers_are_glorot_uniform_and_zeros():
    config = MaskedDense(2, np.ones((3, 2))).get_config()
    assert config["kernel_initializer"] == keras.initializers.serialize(
        keras.initializers.GlorotUniform()
    )
    assert config["bias_initializer"] == keras.initializers.serialize(keras.initializers.Zeros())


def test_masked_dense_config_keeps_given_initializers():
    config = MaskedDense(
        2, np.ones((3, 2)), kernel_initializer="ones", bias_initializer="ones"
    ).get_config()
    ones = keras.initializers.serialize(keras.initializers.Ones())
    assert config["kernel_initializer"] == ones and config["bias_initializer"] == ones


def test_masked_dense_without_bias_is_a_masked_matmul(rng):
    mask = np.array([[1, 0], [0, 1], [1, 1]])
    layer = MaskedDense(2, mask, use_bias=False)
    x = rng.normal(size=(4, 3)).astype("float32")
    out = to_numpy(layer(x))
    assert layer.bias is None and len(layer.weights) == 2
    np.testing.assert_allclose(out, x @ (to_numpy(layer.kernel) * mask), rtol=1e-5, atol=1e-6)


def test_masked_dense_applies_to_the_last_axis_of_3d_inputs(rng):
    mask = np.array([[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 0, 1]])
    layer = MaskedDense(4, mask)
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    out = to_numpy(layer(x))
    assert out.shape == (2, 5, 4)
    expected = x @ (to_numpy(layer.kernel) * mask) + to_numpy(layer.bias)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, 5, 3)) == (None, 5, 4)
    assert layer.compute_output_shape((7, 2, 5, 3)) == (7, 2, 5, 4)


def test_masked_dense_wrong_input_dim_names_mask_rows_and_shape():
    layer = MaskedDense(2, np.ones((3, 2)))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "`MaskedDense` expects inputs with last dimension 3 (the rows of its mask). "
            "Received: input_shape=(2, 4)"
        ),
    ):
        layer.build((2, 4))


def test_masked_dense_from_config_names_invalid_input_dim_and_units():
    config = MaskedDense(2, np.ones((3, 2))).get_config()
    with pytest.raises(ValueError, match=r"argument `input_dim`\..*Received: input_dim=0"):
        MaskedDense.from_config({**config, "input_dim": 0})
    with pytest.raises(ValueError, match=r"argument `units`\..*Received: units=0"):
        MaskedDense.from_config({**config, "units": 0})


def test_masked_dense_float64_keeps_float64(rng):
    # JAX has float64 off by default: follow the dtype the backend gives.
    mask = np.array([[1, 0], [1, 1], [0, 1]])
    layer = MaskedDense(2, mask, dtype="float64", kernel_initializer="ones")
    x = rng.normal(size=(2, 3))
    out = layer(x)
    want = keras.backend.standardize_dtype(keras.ops.convert_to_tensor(x, "float64").dtype)
    assert layer.kernel_mask.dtype == layer.kernel.dtype
    assert to_numpy(layer.kernel_mask).dtype == to_numpy(layer.kernel).dtype
    assert keras.backend.standardize_dtype(out.dtype) == want
    np.testing.assert_allclose(to_numpy(out), x @ mask, rtol=1e-6)


# --- pixelcnn_mask ----------------------------------------------------------------------


def test_pixelcnn_mask_is_float32():
    assert pixelcnn_mask(3, "A").dtype == np.float32
    assert pixelcnn_mask(1, "B").dtype == np.float32


def test_pixelcnn_mask_names_invalid_arguments():
    with pytest.raises(ValueError, match=r"argument `kernel_size`\..*Received: kernel_size=4"):
        pixelcnn_mask(4, "A")
    with pytest.raises(ValueError, match=r"argument `mask_type`\..*Received: mask_type='C'"):
        pixelcnn_mask(3, "C")


# --- MaskedConv2D -----------------------------------------------------------------------


def test_masked_conv2d_weights_are_named_kernel_and_bias():
    layer = MaskedConv2D(2, 3, name="mc")
    layer.build((None, 4, 4, 1))
    assert layer.kernel.name == "kernel" and layer.kernel.path == "mc/kernel"
    assert layer.bias.name == "bias" and layer.bias.path == "mc/bias"
    assert tuple(layer.bias.shape) == (2,)
    assert tuple(layer.kernel.shape) == (3, 3, 1, 2)


def test_masked_conv2d_uses_initializers_and_activation(rng):
    layer = MaskedConv2D(
        2, 3, mask_type="B", activation="relu", kernel_initializer="ones", bias_initializer="ones"
    )
    x = rng.normal(size=(1, 4, 4, 1)).astype("float32")
    out = to_numpy(layer(x))
    np.testing.assert_array_equal(to_numpy(layer.kernel), np.ones((3, 3, 1, 2)))
    np.testing.assert_array_equal(to_numpy(layer.bias), np.ones(2))
    kernel = np.broadcast_to(pixelcnn_mask(3, "B")[:, :, None, None], (3, 3, 1, 2))
    expected = np.maximum(_conv_same(x, kernel) + 1.0, 0.0)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_masked_conv2d_config_keeps_initializers():
    config = MaskedConv2D(2, 3).get_config()
    assert config["kernel_initializer"] == keras.initializers.serialize(
        keras.initializers.GlorotUniform()
    )
    assert config["bias_initializer"] == keras.initializers.serialize(keras.initializers.Zeros())
    config = MaskedConv2D(2, 3, kernel_initializer="ones", bias_initializer="ones").get_config()
    ones = keras.initializers.serialize(keras.initializers.Ones())
    assert config["kernel_initializer"] == ones and config["bias_initializer"] == ones


def test_masked_conv2d_is_channels_last_whatever_the_global_data_format(rng):
    layer = MaskedConv2D(2, 3, mask_type="A", kernel_initializer="ones", use_bias=False)
    x = rng.normal(size=(1, 4, 5, 3)).astype("float32")
    previous = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        out = to_numpy(layer(x))
    finally:
        keras.config.set_image_data_format(previous)
    kernel = np.broadcast_to(pixelcnn_mask(3, "A")[:, :, None, None], (3, 3, 3, 2))
    np.testing.assert_allclose(out, _conv_same(x, kernel), rtol=1e-5, atol=1e-5)


def test_masked_conv2d_accepts_unknown_height_and_width(rng):
    inputs = keras.Input(shape=(None, None, 1))
    layer = MaskedConv2D(2, 3)
    outputs = layer(inputs)
    assert tuple(outputs.shape) == (None, None, None, 2)
    model = keras.Model(inputs, outputs)
    x = rng.normal(size=(1, 4, 6, 1)).astype("float32")
    assert model.predict(x, verbose=0).shape == (1, 4, 6, 2)


@pytest.mark.parametrize("shape", [(2, 4, 4), (2, 4, 4, None), (2, 4, 4, 1, 1)])
def test_masked_conv2d_rejects_inputs_that_are_not_4d_with_known_channels(shape):
    message = (
        "`MaskedConv2D` expects inputs of shape (batch, height, width, channels). "
        f"Received: input_shape={shape}"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        MaskedConv2D(2, 3).build(shape)


# --- DenseTranspose ---------------------------------------------------------------------


def _built_dense(units, input_dim, name=None):
    dense = keras.layers.Dense(units, name=name)
    dense.build((None, input_dim))
    return dense


def test_dense_transpose_rejects_a_non_dense_layer_naming_it():
    with pytest.raises(ValueError) as info:
        DenseTranspose("encoder")
    assert str(info.value) == (
        "Invalid value received for argument `dense`. Expected a `keras.layers.Dense` or "
        "`keras_ae.layers.ContractiveDense` layer. Received: dense='encoder'"
    )


def test_dense_transpose_tie_to_refuses_non_dense_and_other_shapes():
    expected = (
        "Invalid value received for argument `dense`. Expected a `keras.layers.Dense` or "
        "`keras_ae.layers.ContractiveDense` layer with a kernel of the same shape. "
        "Received: dense={}"
    )
    layer = DenseTranspose(_built_dense(4, 3))
    with pytest.raises(ValueError) as info:
        layer.tie_to("encoder")
    assert str(info.value) == expected.format("'encoder'")
    other = _built_dense(5, 3)
    with pytest.raises(ValueError) as info:
        layer.tie_to(other)
    assert str(info.value) == expected.format(repr(other))
    # Same shape: accepted, and the layer now uses the new kernel.
    same = _built_dense(4, 3)
    layer.tie_to(same)
    assert layer.dense is same


def test_dense_transpose_needs_a_built_dense_layer():
    dense = keras.layers.Dense(4, name="enc")
    message = (
        "The tied layer 'enc' must be built (called on an input) before the "
        "`DenseTranspose` layer that uses its kernel."
    )
    with pytest.raises(ValueError) as info:
        DenseTranspose(dense).build((None, 4))
    assert str(info.value) == message


def test_dense_transpose_rejects_inputs_with_wrong_last_dimension():
    dense = _built_dense(4, 3, name="enc")
    message = (
        "`DenseTranspose` expects inputs with last dimension 4 (the units of 'enc'). "
        "Received: input_shape={}"
    )
    with pytest.raises(ValueError) as info:
        DenseTranspose(dense).build((None, 5))
    assert str(info.value) == message.format("(None, 5)")
    with pytest.raises(ValueError) as info:
        DenseTranspose(dense).build((2, None, 5))
    assert str(info.value) == message.format("(2, None, 5)")


def test_dense_transpose_applies_to_the_last_axis_of_3d_inputs(rng):
    dense = _built_dense(4, 3)
    layer = DenseTranspose(dense, bias_initializer="ones")
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    out = to_numpy(layer(x))
    np.testing.assert_allclose(out, x @ to_numpy(dense.kernel).T + 1.0, rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, 3, 4)) == (None, 3, 3)
    assert layer.compute_output_shape((6, 2, 3, 4)) == (6, 2, 3, 3)


def test_dense_transpose_config_keeps_bias_initializer():
    dense = _built_dense(4, 3)
    assert DenseTranspose(dense).get_config()["bias_initializer"] == (
        keras.initializers.serialize(keras.initializers.Zeros())
    )
    assert DenseTranspose(dense, bias_initializer="ones").get_config()["bias_initializer"] == (
        keras.initializers.serialize(keras.initializers.Ones())
    )
