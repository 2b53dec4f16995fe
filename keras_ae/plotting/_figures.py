"""Helpers shared by the plotting modules: image arrays and figure plumbing."""

import math

import matplotlib.pyplot as plt

from keras_ae._arrays import as_numpy
from keras_ae._validation import invalid_argument, is_int

__all__ = ["check_image_shape", "finish", "hide_frame", "new_figure", "to_images"]


def check_image_shape(image_shape):
    valid = (
        isinstance(image_shape, tuple | list)
        and len(image_shape) in (2, 3)
        and all(is_int(size) and size > 0 for size in image_shape)
        and (len(image_shape) == 2 or image_shape[-1] in (1, 3, 4))
    )
    if not valid:
        raise invalid_argument(
            "image_shape",
            "a tuple (height, width) or (height, width, channels) of positive "
            "integers with 1, 3 or 4 channels",
            image_shape,
        )
    return tuple(int(size) for size in image_shape)


def to_images(name, images, image_shape):
    """Reshapes `images` to `(n, h, w)` or `(n, h, w, 3 or 4)`."""
    images = as_numpy(images)
    if images.ndim < 2 or images.shape[0] == 0:
        raise invalid_argument(
            name,
            "a non-empty array of shape (n, height, width) or (n, features)",
            received=f"{name}.shape={images.shape}",
        )
    n_features = math.prod(images.shape[1:])
    if image_shape is not None:
        image_shape = check_image_shape(image_shape)
        if math.prod(image_shape) != n_features:
            raise ValueError(
                f"Argument `image_shape` does not match the {n_features} features "
                f"of each image in `{name}`. Received: image_shape={image_shape}, "
                f"{name}.shape={images.shape}"
            )
    elif images.ndim == 2:
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ValueError(
                f"Cannot infer a square image shape from the {n_features} features "
                f"of `{name}`. Pass `image_shape`. "
                f"Received: {name}.shape={images.shape}"
            )
        image_shape = (side, side)
    elif images.ndim == 3 or (images.ndim == 4 and images.shape[-1] in (1, 3, 4)):
        image_shape = images.shape[1:]
    else:
        raise invalid_argument(
            name,
            "images of shape (n, height, width) or (n, height, width, channels) "
            "with 1, 3 or 4 channels",
            received=f"{name}.shape={images.shape}",
        )
    images = images.reshape((images.shape[0], *image_shape))
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    return images


def hide_frame(ax):
    """Removes ticks and spines but keeps the axis labels visible."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def new_figure(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax, True
    return ax.figure, ax, False


def finish(fig, created):
    if created:
        plt.close(fig)
    return fig
