"""The transposed convolution with the kernel flipped, as some texts describe it, and the skip
connection taken to add no channels.

Conv2DTranspose reuses the kernel array as it is: C.T paints the kernel unflipped, so the
flipped version differs from it. The concatenation stacks the channels of the encoder output on
those of the upsampled map: 2f, not f, and the decoder's first convolution has more weights.
The output sizes and the convolution matrix are right.

Loses: transpose_check, unet_check
"""
# ruff: noqa: F821 (np, conv_matrix: defined by earlier notebook cells)


# %% conv_transpose
def conv_transpose(kernel, y, image_shape, stride=1, padding="valid"):
    C = conv_matrix(np.asarray(kernel)[::-1, ::-1], image_shape, stride, padding)
    return (C.T @ np.ravel(y)).reshape(image_shape)


# %% unet_level_shapes
def unet_level_shapes(input_shape, filters, pool=2, skip=True):
    height, width, _ = input_shape
    if height % pool or width % pool:
        raise ValueError(f"the input's height and width must be multiples of pool={pool}")
    return {
        "encoder": (height, width, filters),
        "pooled": (height // pool, width // pool, filters),
        "upsampled": (height, width, filters),
        "concatenated": (height, width, filters),
        "decoder": (height, width, filters),
        "decoder_params": 2 * (9 * filters * filters + filters),
    }
