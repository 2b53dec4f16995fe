# keras-ae: one command to run the course, one to run every check.
#   make lab        launch the course in JupyterLab on your workspace, workspace/
#                   (creates .venv and the workspace on first use)
#   make update-course  bring new and changed lectures and exercises into workspace/
#   make test       lint, library tests on TensorFlow, JAX and PyTorch, doctests, the built
#                   wheel in a clean venv, notebooks (quick mode), the student's path in a
#                   real browser (test-lab)
#   make notebooks  re-run every lecture notebook in full mode and store its outputs
#   make docs       build the website into build/site (open build/site/index.html)
#   make test-docs  build the website and check every page in a real browser

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BACKENDS ?= tensorflow jax torch
# The lecture notebooks run in quick mode on every backend in `make test`, the course's
# default (JAX) first, each with one OpenMP thread (PyTorch's threads otherwise spin
# against each other on a busy 2-core machine).
NOTEBOOK_BACKENDS ?= jax tensorflow torch
# Processes (pytest-xdist's -n) for the library tests, one test file per process at a
# time; empty: a single process. Two on a 2-core machine: the exercise grading and the
# benchmark smoke run then overlap the other backend-independent tests.
PYTEST_WORKERS ?= 2
XDIST := $(if $(PYTEST_WORKERS),-n $(PYTEST_WORKERS) --dist loadfile)
# Each worker then uses one OpenMP thread: PyTorch's threads otherwise spin against the
# other worker's (its library pass took 118 s with two workers instead of 43 s with one).
XDIST_ENV := $(if $(PYTEST_WORKERS),OMP_NUM_THREADS=1)
# The JAX pass of the library tests compiles hundreds of small functions and runs each on
# a few arrays, so compiling dominates it: XLA's LLVM optimisations off (for these tests
# only; notebooks, doctests and the wheel compile as a user's code does) take it from
# about 188 s to 157 s on 2 cores. TensorFlow's XLA gained nothing from it.
LIBRARY_XLA_FLAGS_jax := --xla_backend_optimization_level=0
# $(call on_jax,VALUE): VALUE in a recipe's loop over $$backend when it is jax, else empty.
on_jax = $$(case $$backend in jax) echo "$(1)";; esac)

export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0
export PYTHONHASHSEED ?= 0

# The built wheel is installed with this backend only (the lightest to download).
WHEEL_BACKEND ?= jax
WHEEL_BACKEND_REQUIREMENT ?= jax[cpu]>=0.10
WHEEL_DIR ?= $(or $(TMPDIR),/tmp)/keras-ae-wheel-test

.PHONY: install lab update-course test lint test-library test-doctests test-wheel test-notebooks \
	test-lab notebooks mutation

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The Keras backend of the lab's kernels: JAX, the fastest on the course's notebooks
# (README, "Choosing the backend"); `make lab COURSE_BACKEND=tensorflow` (or torch).
COURSE_BACKEND ?= jax

# The lab serves workspace/, a copy of the course that git ignores, never course/:
# running a lecture rewrites it. tools/workspace.py says more.
lab: $(STAMP)
	KERAS_BACKEND=$(COURSE_BACKEND) $(BIN)/python tools/workspace.py lab

update-course: $(STAMP)
	$(BIN)/python tools/workspace.py update

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Test modules marked `backend_independent` (datasets, plotting, evaluation,
# packaging, benchmark smoke tests, exercise grading, notebook files) run once;
# the others (layers, regularizers, losses, models, training, autodiff) run on
# every backend of BACKENDS. The exercise tests grade the solutions on two backends.
# Coverage of keras_ae (lines and branches) is measured over every pass together
# (each backend's branches run only on that backend); the last pass reports what
# is not covered and fails under COVERAGE_FLOOR percent (measured over the three
# backends: 95.4% of lines and branches together, 97.1% of lines).
COVERAGE_FLOOR ?= 95
COVERAGE := --cov=keras_ae --cov-branch
test-library: $(STAMP)
	@rm -f .coverage
	@for backend in $(BACKENDS); do \
		echo "== library tests on the $$backend backend"; \
		KERAS_BACKEND=$$backend XLA_FLAGS="$(call on_jax,$(LIBRARY_XLA_FLAGS_jax))" $(XDIST_ENV) $(BIN)/python -m pytest tests \
			-q -p no:cacheprovider $(XDIST) -m "not backend_independent" $(COVERAGE) --cov-append \
			--cov-report= || exit 1; \
	done
	@echo "== backend-independent tests, once; coverage of keras_ae"
	KERAS_BACKEND=tensorflow $(XDIST_ENV) $(BIN)/python -m pytest tests -q -p no:cacheprovider \
		$(XDIST) -m backend_independent $(COVERAGE) --cov-append \
		--cov-report=term-missing:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)

# One OpenMP thread: PyTorch's small models run several times faster on a busy
# 2-core machine without threads that spin waiting for each other; TensorFlow's own
# thread pools likewise (one thread each: 08 and 04 side by side in 67-70 s instead of
# 74-75 s). With one thread per kernel, two notebooks run side by side (NOTEBOOK_WORKERS,
# pytest-xdist; each notebook's cells stay in order on one worker).
NOTEBOOK_ENV := OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
# On JAX, quick mode spends much of its time compiling: XLA's LLVM optimisations at level 1
# (of 3) took 08 and 07 side by side from 88 s to 70 s and the whole JAX pass from about
# 250 s to 220 s, every check passing (level 0 ran slower: 122 s; TensorFlow's XLA gained
# nothing). Full mode (`make notebooks`, `make lab`) keeps XLA's defaults.
NOTEBOOK_XLA_FLAGS_jax := --xla_backend_optimization_level=1
NOTEBOOK_WORKERS ?= 2
# The longest lectures in quick mode first (then any lecture not listed), in this order
# (--no-loadscope-reorder), so that the two workers finish at about the same time.
LONGEST_FIRST := 08 04 07 11 09 05 02 03 01 10 06 00
ORDERED_NOTEBOOKS := $(foreach n,$(LONGEST_FIRST),$(wildcard course/$(n)_*.ipynb))
NOTEBOOKS := $(ORDERED_NOTEBOOKS) $(filter-out $(ORDERED_NOTEBOOKS),$(wildcard course/*.ipynb))
test-notebooks: $(STAMP)
	@if ls course/*.ipynb >/dev/null 2>&1; then \
		for backend in $(NOTEBOOK_BACKENDS); do \
			echo "== lecture notebooks on the $$backend backend (quick mode, nbval)"; \
			KERAS_BACKEND=$$backend KERAS_AE_QUICK=1 \
				XLA_FLAGS="$(call on_jax,$(NOTEBOOK_XLA_FLAGS_jax))" $(NOTEBOOK_ENV) \
				$(BIN)/python -m pytest --nbval-lax \
				-p no:cacheprovider -q -n $(NOTEBOOK_WORKERS) --dist loadfile --no-loadscope-reorder \
				$(NOTEBOOKS) || exit 1; \
		done; \
	else echo "== no lecture notebooks yet"; fi

# The student's path in headless Chromium (Debian's chromium and chromium-driver).
test-lab: $(STAMP)
	@echo "== the course in JupyterLab, in a real browser"
	env -u TF_CPP_MIN_LOG_LEVEL -u TF_ENABLE_ONEDNN_OPTS KERAS_BACKEND=$(COURSE_BACKEND) KERAS_AE_LAB_TEST=1 \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_lab_browser.py


# The `Example:` sections of the library's docstrings, once (not per backend).
test-doctests: $(STAMP)
	@echo "== doctests of keras_ae"
	KERAS_BACKEND=jax $(BIN)/python -m pytest --doctest-modules keras_ae -q -p no:cacheprovider

# Build the wheel, install it (not the checkout) in a fresh virtual environment
# with dependencies from PyPI, and run a smoke test from outside the repository.
# The throwaway environment skips compiling every installed module to bytecode
# (--no-compile): the smoke test imports a small part of them, once.
test-wheel: $(STAMP)
	@echo "== the built wheel in a clean virtual environment ($(WHEEL_BACKEND))"
	rm -rf $(WHEEL_DIR) && mkdir -p $(WHEEL_DIR)
	$(BIN)/python -m pip wheel --quiet --no-deps . -w $(WHEEL_DIR)/dist
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/python -m pip install --quiet --disable-pip-version-check --no-compile \
		$(WHEEL_DIR)/dist/keras_ae-*.whl "mlxtend>=0.23" "$(WHEEL_BACKEND_REQUIREMENT)"
	$(WHEEL_DIR)/venv/bin/python -m pip show --quiet keras-ae
	cp tests/wheel/smoke.py README.md $(WHEEL_DIR)/
	cd $(WHEEL_DIR) && env -u PYTHONPATH KERAS_BACKEND=$(WHEEL_BACKEND) venv/bin/python smoke.py README.md
	rm -rf $(WHEEL_DIR)

# Mutation testing of the numerical core with mutmut, with the test files listed in
# pyproject.toml's [tool.mutmut]; writes tests/mutation/REPORT.md.
# `make mutation MUTANTS="keras_ae.layers.noise*"` runs one module's mutants.
# mutmut forks a test process per mutant from one that has imported the backend:
# PyTorch with one OpenMP thread forks safely, JAX's and TensorFlow's thread pools
# can deadlock in the child (seen as long runs of timeouts on JAX).
MUTANTS ?=
MUTATION_BACKEND ?= torch
mutation: $(STAMP)
	KERAS_BACKEND=$(MUTATION_BACKEND) OMP_NUM_THREADS=1 nice $(BIN)/mutmut run $(MUTANTS)
	KERAS_BACKEND=$(MUTATION_BACKEND) $(BIN)/python tests/mutation/report.py > tests/mutation/REPORT.md
	@cat tests/mutation/REPORT.md

# The lab in a browser mostly waits (for the server, the browser, its kernel), so the
# shorter checks run in two lanes side by side: the lab then the doctests, the wheel then
# the website (about 115 and 100 s); make prints each target's output in one piece when
# it ends (--output-sync).
test: lint test-library test-notebooks
	$(MAKE) --no-print-directory -j2 --output-sync=target test-lane-lab test-lane-wheel

.PHONY: test-lane-lab test-lane-wheel
test-lane-lab:
	$(MAKE) --no-print-directory test-lab
	$(MAKE) --no-print-directory test-doctests
test-lane-wheel:
	$(MAKE) --no-print-directory test-wheel
	$(MAKE) --no-print-directory test-docs

# The website, offline, from the stored notebook outputs (docs/build_site.py says more).
.PHONY: docs test-docs
docs: $(STAMP)
	KERAS_BACKEND=jax $(BIN)/python docs/build_site.py

# Every page of the built site in headless Chromium (Debian's chromium and chromium-driver);
# screenshots in build/docs-screenshots/.
test-docs: docs
	@echo "== the website, in a real browser"
	KERAS_BACKEND=jax KERAS_AE_DOCS_TEST=1 $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/test_docs_site.py

notebooks: $(STAMP)
	KERAS_BACKEND=tensorflow $(BIN)/python tools/build_notebooks.py
