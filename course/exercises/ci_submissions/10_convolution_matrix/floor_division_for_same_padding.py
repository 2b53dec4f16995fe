"""Same padding counted as n // stride positions.

With same padding the kernel fits at ceil(n / stride) positions: floor division loses the last
one on odd sizes, so the output sizes, the convolution matrices built on them and their
transposes are wrong there. The U-Net's shapes are right.

Loses: conv_matrix_check, output_size_check, transpose_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% conv_output_size
def conv_output_size(n, k, stride=1, padding="valid"):
    if padding == "valid":
        return (n - k) // stride + 1
    if padding == "same":
        return n // stride
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
