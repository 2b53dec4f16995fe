"""Same padding with the odd zero put before the image instead of after it.

When the total padding of an axis is odd, Keras puts the extra zero after the image (at the
bottom or the right); putting it before shifts every output by one pixel on that axis. The
output sizes and the U-Net's shapes are right; the transposed convolution, built on the
matrix, inherits the shift.

Loses: conv_matrix_check, transpose_check
"""
# ruff: noqa: F821 (np, conv_output_size: defined by earlier notebook cells)


# %% conv_matrix
def conv_matrix(kernel, image_shape, stride=1, padding="valid"):
    (kh, kw), (h, w) = np.shape(kernel), image_shape
    oh, ow = conv_output_size(h, kh, stride, padding), conv_output_size(w, kw, stride, padding)
    ph, pw = 0, 0
    if padding == "same":
        ph = -(-max((oh - 1) * stride + kh - h, 0) // 2)
        pw = -(-max((ow - 1) * stride + kw - w, 0) // 2)
    C = np.zeros((oh * ow, h * w))
    for r in range(oh):
        for c in range(ow):
            for i in range(kh):
                for j in range(kw):
                    row, col = r * stride + i - ph, c * stride + j - pw
                    if 0 <= row < h and 0 <= col < w:
                        C[r * ow + c, row * w + col] = kernel[i, j]
    return C
