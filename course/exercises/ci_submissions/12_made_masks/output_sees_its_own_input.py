"""The output mask compares degrees with <= instead of <.

Output i then sees hidden units of its own degree, and through them input i itself: the
model is no longer autoregressive. It reports a better NLL than it has, and its
probabilities over all binary vectors no longer sum to 1.

Loses: masks_check, nll_check
"""
# ruff: noqa: F821 (np, input_degrees: defined by earlier notebook cells)


# %% masks
def made_masks(ordering, hidden_degrees):
    inputs = input_degrees(ordering)
    masks, below = [], inputs
    for degrees in hidden_degrees:
        degrees = np.asarray(degrees)
        masks.append((below[:, None] <= degrees[None, :]).astype("float32"))
        below = degrees
    masks.append((below[:, None] <= inputs[None, :]).astype("float32"))
    return masks
