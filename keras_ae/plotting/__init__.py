"""Figures shared by the lectures: architectures, image grids, filters, latent spaces.

Every function builds its figure with matplotlib's object API and returns the
`matplotlib.figure.Figure`; none calls `plt.show()`. Figures created here are
detached from pyplot (`plt.close(fig)`) before they are returned, so a
notebook displays a figure exactly once, when it is the value of a cell (or
through `IPython.display.display(fig)`), and figures do not pile up in
pyplot's registry. In a script, save them with `fig.savefig(...)`.
"""

from keras_ae.plotting.architecture import plot_architecture, plot_belief_network
from keras_ae.plotting.curves import plot_errors_histogram, plot_history
from keras_ae.plotting.images import (
    filter_mosaic,
    plot_filters,
    plot_image_grid,
    plot_reconstructions,
)
from keras_ae.plotting.latent import plot_latent_space, plot_manifold

__all__ = [
    "filter_mosaic",
    "plot_architecture",
    "plot_belief_network",
    "plot_errors_histogram",
    "plot_filters",
    "plot_history",
    "plot_image_grid",
    "plot_latent_space",
    "plot_manifold",
    "plot_reconstructions",
]
