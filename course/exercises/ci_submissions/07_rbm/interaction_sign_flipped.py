"""The interaction term of the energy with the wrong sign: E = -b.v - c.h + v W h.

Every later part that enumerates states uses this energy, so the conditionals and the
free energy disagree with the table built from it; the conditionals, the CD-1 update and
the log-likelihood are right, and keep their points.

Loses: conditionals_check, energy_check, free_energy_check
"""
# ruff: noqa: F821 (np: defined by earlier notebook cells)


# %% energy
def energy(v, h, W, b, c):
    return -(v @ b) - (h @ c) + np.sum((v @ W) * h, axis=-1)
