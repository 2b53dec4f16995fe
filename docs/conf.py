"""Sphinx configuration of the keras-ae website (`make docs`).

The site is built from the repository's own files, offline: the lecture
notebooks render from their stored outputs (no cell runs), the exercises from
their student versions (`course/exercises/release/`), the API reference from
the docstrings. `docs/build_site.py` gathers them (`make docs`) with this folder's pages into
`build/docs-src/`, which Sphinx reads with `-c docs`.
"""

import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(ROOT))
# Importing keras_ae imports Keras: JAX starts fastest, and the docstrings do
# not depend on the backend.
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras_ae  # noqa: E402

project = "keras-ae"
author = "the keras-ae authors"
copyright = "the keras-ae authors, Apache-2.0"
release = version = keras_ae.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx-mathjax-offline",  # MathJax served from the site itself, not from a CDN
    "keras_ae_links",
]

root_doc = "index"
include_patterns = [
    "index.md",
    "distributed.md",
    "guides/*.md",
    "api/*.rst",
    "api/index.md",
    "exercises.md",
    "course/[0-9][0-9]_*.ipynb",
    "course/exercises/release/*/*.ipynb",
    "datasets/*.md",
    "benchmarks/RESULTS.md",
]
# The instructors' notebooks (solutions, hidden tests) are never staged; never read them either.
exclude_patterns = ["course/exercises/source/**", "course/exercises/ci_submissions/**"]
suppress_warnings = ["myst.header"]

# Notebooks render from their stored outputs: nothing is executed.
nb_execution_mode = "off"
# No widget manager from a CDN: the lectures have no widgets.
nb_ipywidgets_js = {}
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

# Google-style docstrings (Args, Call arguments, Returns, Example, References).
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_custom_sections = [("Call arguments", "params_style")]
autodoc_member_order = "bysource"
autodoc_typehints = "none"
# Keras's own docstrings (of `compile`, `fit`, ...) are Markdown, not reStructuredText.
autodoc_inherit_docstrings = False
# `single backticks` in docstrings are code, linked when they name an object.
default_role = "py:obj"

html_theme = "sphinx_book_theme"
html_title = "keras-ae"
html_static_path = ["_static"]
html_css_files = ["keras_ae.css"]
html_favicon = "_static/favicon.svg"
# The theme's own text would otherwise open every search result's summary.
html_show_search_summary = False
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
# pydata-sphinx-theme logs a console error on a first visit unless the mode is set.
html_context = {"default_mode": "light"}
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
}
