# keras-ae: one command to run the course, one to run every check.
#   make lab        launch the course in JupyterLab (creates .venv on first use)
#   make test       lint, library tests on TensorFlow, JAX and PyTorch, notebooks (quick mode)
#   make notebooks  re-run every lecture notebook in full mode and store its outputs

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BACKENDS ?= tensorflow jax torch
# jupyter refuses to run as root without this flag (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0
export PYTHONHASHSEED ?= 0

.PHONY: install lab test lint test-library test-notebooks notebooks

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	KERAS_BACKEND=tensorflow $(BIN)/jupyter lab --notebook-dir=course $(ROOT_FLAG)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Test modules marked `backend_independent` (datasets, plotting, evaluation,
# packaging, benchmark smoke tests, exercise grading, notebook files) run once;
# the others (layers, regularizers, losses, models, training, autodiff) run on
# every backend of BACKENDS. The exercise tests grade the solutions on two backends.
test-library: $(STAMP)
	@for backend in $(BACKENDS); do \
		echo "== library tests on the $$backend backend"; \
		KERAS_BACKEND=$$backend $(BIN)/python -m pytest tests -q -p no:cacheprovider \
			-m "not backend_independent" || exit 1; \
	done
	@echo "== backend-independent tests, once"
	KERAS_BACKEND=tensorflow $(BIN)/python -m pytest tests -q -p no:cacheprovider \
		-m backend_independent

test-notebooks: $(STAMP)
	@if ls course/*.ipynb >/dev/null 2>&1; then \
		for backend in $(BACKENDS); do \
			echo "== lecture notebooks on the $$backend backend (quick mode, nbval)"; \
			KERAS_BACKEND=$$backend KERAS_AE_QUICK=1 $(BIN)/python -m pytest --nbval-lax \
				-p no:cacheprovider -q course/*.ipynb || exit 1; \
		done; \
	else echo "== no lecture notebooks yet"; fi

test: lint test-library test-notebooks

notebooks: $(STAMP)
	KERAS_BACKEND=tensorflow $(BIN)/python tools/build_notebooks.py
