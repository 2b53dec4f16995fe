"""The project's set-up files agree with each other."""

import pathlib
import re

import pytest
import tomllib

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


def test_version_agrees():
    assert keras_ae.__version__ == pyproject()["project"]["version"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert re.search(r"^\s*make test\b", ci, re.M)
