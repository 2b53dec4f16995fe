"""The project's set-up files agree with each other."""

import os
import pathlib
import re
import subprocess
import sys
import tomllib

import pytest

import keras_ae

pytestmark = pytest.mark.backend_independent

ROOT = pathlib.Path(__file__).resolve().parents[1]


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def environment_pip_requirements():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    requirements = []
    for line in lines[start + 1 :]:
        match = re.match(r"^\s{6}- (.+)$", line)
        if not match:
            break
        requirements.append(match.group(1).strip())
    return requirements


def test_environment_yml_installs_what_pyproject_declares():
    project = pyproject()["project"]
    declared = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared.update(r for r in extra if not r.startswith("keras-ae["))
    in_environment = set(environment_pip_requirements())
    assert "-e ." in in_environment
    assert in_environment - {"-e ."} == declared


def test_environment_yml_python_matches_requires_python():
    text = (ROOT / "environment.yml").read_text()
    version = re.search(r"- python=(\d+)\.(\d+)", text).groups()
    minimum = re.search(r">=(\d+)\.(\d+)", pyproject()["project"]["requires-python"]).groups()
    assert tuple(map(int, version)) >= tuple(map(int, minimum))


def test_version_is_written_once_in_the_package():
    config = pyproject()
    assert "version" not in config["project"]
    assert "version" in config["project"]["dynamic"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "keras_ae.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", keras_ae.__version__)


def test_license_file_is_the_declared_license():
    config = pyproject()["project"]
    assert config["license"] == "Apache-2.0"
    assert config["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text
    assert len(text.splitlines()) == 202


def test_requires_python_matches_the_ruff_target():
    config = pyproject()
    minimum = re.fullmatch(r">=3\.(\d+)", config["project"]["requires-python"]).group(1)
    assert config["tool"]["ruff"]["target-version"] == f"py3{minimum}"
    assert sys.version_info >= (3, int(minimum))


def run_python(code):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def test_import_keras_ae_loads_neither_plotting_nor_evaluation():
    # Keras 3 itself imports matplotlib.pyplot and parts of scikit-learn when
    # they are installed, so what is checked is what `import keras_ae` adds.
    added = run_python(
        "import sys, keras; before = set(sys.modules); import keras_ae; "
        "print(*sorted(set(sys.modules) - before))"
    )
    assert "keras_ae.models" in added
    heavy = ("matplotlib", "sklearn", "scipy", "keras_ae.plotting", "keras_ae.evaluation")
    assert [name for name in added if name.startswith(heavy)] == []


def test_import_keras_ae_works_without_matplotlib_and_scikit_learn():
    out = run_python(
        "import sys; sys.modules['matplotlib'] = sys.modules['sklearn'] = None\n"
        "import keras_ae\n"
        "print(keras_ae.models.Autoencoder.__name__)\n"
        "try:\n    keras_ae.plotting\nexcept ImportError:\n    print('lazy')"
    )
    assert out == ["Autoencoder", "lazy"]


def test_lazy_submodules_load_on_first_use():
    out = run_python(
        "import keras_ae; from keras_ae import evaluation; "
        "print(keras_ae.plotting.plot_filters.__module__, evaluation.gaussian_kl.__module__, "
        "'plotting' in dir(keras_ae))"
    )
    assert out == ["keras_ae.plotting.images", "keras_ae.evaluation.errors", "True"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert re.search(r"^\s*make test\b", ci, re.M)


def test_make_test_runs_every_check_once_then_the_coverage_of_every_library_pass():
    """`make test` runs its checks two at a time, each in one process: none may fall out of
    the list or run twice, and the coverage joins the data of every library pass, no other."""
    dry_run = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    parallel = next(line for line in dry_run.splitlines() if " -j2 " in line)
    before, after = (part.split() for part in parallel.split("--output-sync=target", 1))
    settings = before + [word for word in after if "=" in word]
    checks = [word for word in after if "=" not in word]
    backends = ("tensorflow", "jax", "torch")
    expected = {f"test-{kind}-{b}" for kind in ("library", "notebooks") for b in backends}
    expected |= {"test-backend-independent", "test-exercises", "test-exercises-second-backend"}
    expected |= {"test-lab", "test-wheel", "test-docs", "test-doctests"}
    assert sorted(checks) == sorted(expected)
    assert checks[0] == "test-exercises", "the longest check starts first"
    # One process and one thread per check: no pytest-xdist workers, one grading process.
    assert {"PYTEST_WORKERS=", "NOTEBOOK_WORKERS=", "GRADING_JOBS=1"} <= set(settings)
    assert {"OMP_NUM_THREADS=1", "TF_NUM_INTRAOP_THREADS=1"} <= set(settings)
    assert not re.search(r" -n \d", dry_run) and "KERAS_AE_GRADING_JOBS=1 " in dry_run
    combine = next(line for line in dry_run.splitlines() if "coverage combine" in line)
    passes = sorted(re.findall(r"\.coverage\.(\S+)", combine))
    assert passes == sorted([f"library-{b}" for b in backends] + ["backend-independent"])
    assert dry_run.index(" -j2 ") < dry_run.index("coverage combine")
