# keras-ae: one command to run the course, one to run every check.
#   make lab        launch the course in JupyterLab on your workspace, workspace/
#                   (creates .venv and the workspace on first use)
#   make update-course  bring new and changed lectures and exercises into workspace/
#   make test       lint, then two at a time, each in one process: library tests on
#                   TensorFlow, JAX and PyTorch, notebooks (quick mode) on each, the grading
#                   of the exercises, the student's path in a real browser (test-lab),
#                   doctests, the built wheel in a clean venv, the website
#   make notebooks  re-run every lecture notebook in full mode and store its outputs
#   make docs       build the website into build/site (open build/site/index.html)
#   make test-docs  build the website and check every page in a real browser

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ALL_BACKENDS := tensorflow jax torch
BACKENDS ?= $(ALL_BACKENDS)
# The lecture notebooks run in quick mode on every backend in `make test`, the course's
# default (JAX) first, each with one OpenMP thread (PyTorch's threads otherwise spin
# against each other on a busy 2-core machine).
NOTEBOOK_BACKENDS ?= jax tensorflow torch
# Processes (pytest-xdist's -n) for a library pass run on its own, one test file per
# process at a time; empty: a single process. `make test` runs each check in a single
# process, two checks at a time (see CHECKS).
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

export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0
export PYTHONHASHSEED ?= 0

# The built wheel is installed with this backend only (the lightest to download).
WHEEL_BACKEND ?= jax
WHEEL_BACKEND_REQUIREMENT ?= jax[cpu]>=0.10
WHEEL_DIR ?= $(or $(TMPDIR),/tmp)/keras-ae-wheel-test

.PHONY: install lab update-course test lint test-library test-doctests test-wheel test-notebooks \
	test-lab notebooks mutation test-backend-independent test-exercises \
	test-exercises-second-backend coverage \
	$(ALL_BACKENDS:%=test-library-%) $(ALL_BACKENDS:%=test-notebooks-%)

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
# packaging, benchmark smoke tests, notebook files) run once
# (test-backend-independent); the others (layers, regularizers, losses, models,
# training, autodiff) run on every backend of BACKENDS (test-library-BACKEND). The two
# modules that grade the exercises (marked `grading` as well) are checks of their own:
# test-exercises grades every submission on JAX, test-exercises-second-backend the
# solutions once more on TensorFlow. Each library pass measures the line and
# branch coverage of keras_ae into a data file of its own (.coverage.PASS), so that
# passes can run side by side; `coverage` joins them (each backend's branches run only
# on that backend), reports what is not covered and fails under COVERAGE_FLOOR percent
# (measured over the three backends: 95.4% of lines and branches together, 97.1% of
# lines).
COVERAGE_FLOOR ?= 95
COVERAGE := --cov=keras_ae --cov-branch --cov-report=
LIBRARY_PASSES := $(BACKENDS:%=library-%) backend-independent

$(ALL_BACKENDS:%=test-library-%): test-library-%: $(STAMP)
	@echo "== library tests on the $* backend"
	KERAS_BACKEND=$* XLA_FLAGS="$(LIBRARY_XLA_FLAGS_$*)" COVERAGE_FILE=.coverage.library-$* \
		$(XDIST_ENV) $(BIN)/python -m pytest tests -q -p no:cacheprovider $(XDIST) \
		-m "not backend_independent" $(COVERAGE)

test-backend-independent: $(STAMP)
	@echo "== backend-independent tests, once"
	KERAS_BACKEND=tensorflow COVERAGE_FILE=.coverage.backend-independent $(XDIST_ENV) \
		$(BIN)/python -m pytest tests -q -p no:cacheprovider $(XDIST) \
		-m "backend_independent and not grading" $(COVERAGE)

# Grading processes of the exercise tests (nbgrader starts a kernel per submission in each).
GRADING_JOBS ?= 2
test-exercises: $(STAMP)
	@echo "== the exercises, graded on JAX: solutions, releases, wrong submissions"
	KERAS_BACKEND=jax KERAS_AE_GRADING_JOBS=$(GRADING_JOBS) $(BIN)/python -m pytest -q \
		-p no:cacheprovider tests/test_exercises.py

test-exercises-second-backend: $(STAMP)
	@echo "== the exercises' solutions, graded on a second backend"
	KERAS_BACKEND=jax KERAS_AE_GRADING_JOBS=$(GRADING_JOBS) $(BIN)/python -m pytest -q \
		-p no:cacheprovider tests/test_exercises_on_a_second_backend.py

coverage: $(STAMP)
	@echo "== coverage of keras_ae over $(LIBRARY_PASSES)"
	$(BIN)/python -m coverage combine $(LIBRARY_PASSES:%=.coverage.%)
	$(BIN)/python -m coverage report --show-missing --skip-covered --fail-under=$(COVERAGE_FLOOR)

test-library: $(BACKENDS:%=test-library-%) test-backend-independent test-exercises \
		test-exercises-second-backend
	@$(MAKE) --no-print-directory coverage

# One OpenMP thread: PyTorch's small models run several times faster on a busy
# 2-core machine without threads that spin waiting for each other; TensorFlow's own
# thread pools likewise (one thread each: 08 and 04 side by side in 67-70 s instead of
# 74-75 s). With one thread per kernel, two notebooks can run side by side when the pass
# runs on its own (NOTEBOOK_WORKERS, pytest-xdist; each notebook's cells stay in order on
# one worker; empty: one notebook after the other, as in `make test`).
# One thread per process; `make test` gives it to every check.
ONE_THREAD := OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
NOTEBOOK_ENV := $(ONE_THREAD)
# On JAX, quick mode spends much of its time compiling: XLA's LLVM optimisations at level 1
# (of 3) took 08 and 07 side by side from 88 s to 70 s and the whole JAX pass from about
# 250 s to 220 s, every check passing (level 0 ran slower: 122 s; TensorFlow's XLA gained
# nothing). Full mode (`make notebooks`, `make lab`) keeps XLA's defaults.
NOTEBOOK_XLA_FLAGS_jax := --xla_backend_optimization_level=1
NOTEBOOK_WORKERS ?= 2
NOTEBOOK_XDIST := $(if $(NOTEBOOK_WORKERS),-n $(NOTEBOOK_WORKERS) --dist loadfile --no-loadscope-reorder)
# The longest lectures in quick mode first (then any lecture not listed), in this order
# (--no-loadscope-reorder), so that the two workers finish at about the same time.
LONGEST_FIRST := 08 04 07 11 09 05 02 03 01 10 06 00
ORDERED_NOTEBOOKS := $(foreach n,$(LONGEST_FIRST),$(wildcard course/$(n)_*.ipynb))
NOTEBOOKS := $(ORDERED_NOTEBOOKS) $(filter-out $(ORDERED_NOTEBOOKS),$(wildcard course/*.ipynb))
$(ALL_BACKENDS:%=test-notebooks-%): test-notebooks-%: $(STAMP)
	@echo "== lecture notebooks on the $* backend (quick mode, nbval)"
	KERAS_BACKEND=$* KERAS_AE_QUICK=1 XLA_FLAGS="$(NOTEBOOK_XLA_FLAGS_$*)" $(NOTEBOOK_ENV) \
		$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider -q $(NOTEBOOK_XDIST) $(NOTEBOOKS)

test-notebooks: $(NOTEBOOK_BACKENDS:%=test-notebooks-%)

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

# After lint, every check runs as a job of its own, two jobs at a time (make -j2), the
# longest first, so that the two cores stay busy until the end; make prints each job's
# output in one piece when the job ends (--output-sync). Each job is a single process
# with one thread (no pytest-xdist workers, one grading process, one OpenMP and one
# TensorFlow thread): two jobs of two processes each on 2 cores cost about 15% more CPU
# time for the same work (the notebooks on JAX and PyTorch side by side: 930 CPU s with
# two workers each, 787 with one). Then the coverage of the library passes together.
SLOWEST_FIRST := test-exercises test-notebooks-tensorflow test-notebooks-jax \
	test-notebooks-torch test-backend-independent test-library-jax \
	test-exercises-second-backend test-library-tensorflow test-lab test-library-torch \
	test-wheel test-docs test-doctests
CHECKS := $(filter test-backend-independent test-exercises test-exercises-second-backend \
	$(NOTEBOOK_BACKENDS:%=test-notebooks-%) $(BACKENDS:%=test-library-%) test-lab test-wheel \
	test-docs test-doctests,$(SLOWEST_FIRST))
ONE_PROCESS := PYTEST_WORKERS= NOTEBOOK_WORKERS= GRADING_JOBS=1
test: lint
	@rm -f .coverage .coverage.*
	$(ONE_THREAD) $(MAKE) --no-print-directory -j2 --output-sync=target $(ONE_PROCESS) $(CHECKS)
	@$(MAKE) --no-print-directory coverage

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
