# keras-ae: one command to run the course, one to run every check.
#   make lab        launch the course in JupyterLab on your workspace, workspace/
#                   (creates .venv and the workspace on first use)
#   make update-course  bring new and changed lectures and exercises into workspace/
#   make test       lint, library tests on TensorFlow, JAX and PyTorch, notebooks (quick mode),
#                   the student's path in a real browser (test-lab)
#   make notebooks  re-run every lecture notebook in full mode and store its outputs

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BACKENDS ?= tensorflow jax torch

export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0
export PYTHONHASHSEED ?= 0

.PHONY: install lab update-course test lint test-library test-notebooks test-lab notebooks

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The lab serves workspace/, a copy of the course that git ignores, never course/:
# running a lecture rewrites it. tools/workspace.py says more.
lab: $(STAMP)
	KERAS_BACKEND=tensorflow $(BIN)/python tools/workspace.py lab

update-course: $(STAMP)
	$(BIN)/python tools/workspace.py update

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-library: $(STAMP)
	@for backend in $(BACKENDS); do \
		echo "== library tests on the $$backend backend"; \
		KERAS_BACKEND=$$backend $(BIN)/python -m pytest tests -q -p no:cacheprovider || exit 1; \
	done

test-notebooks: $(STAMP)
	@if ls course/*.ipynb >/dev/null 2>&1; then \
		echo "== lecture notebooks (quick mode, nbval)"; \
		KERAS_BACKEND=tensorflow KERAS_AE_QUICK=1 $(BIN)/python -m pytest --nbval-lax \
			-p no:cacheprovider -q course/*.ipynb; \
	else echo "== no lecture notebooks yet"; fi

# The student's path in headless Chromium (Debian's chromium and chromium-driver).
test-lab: $(STAMP)
	@echo "== the course in JupyterLab, in a real browser"
	env -u TF_CPP_MIN_LOG_LEVEL -u TF_ENABLE_ONEDNN_OPTS KERAS_BACKEND=tensorflow KERAS_AE_LAB_TEST=1 \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_lab_browser.py

test: lint test-library test-notebooks test-lab

notebooks: $(STAMP)
	KERAS_BACKEND=tensorflow $(BIN)/python tools/build_notebooks.py
