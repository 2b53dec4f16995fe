"""The lecture notebooks: pairs in sync, stored outputs clean, the course's shape.

Executing them is nbval's job (`make test-notebooks`); these checks read files.
"""

import json
import pathlib
import re
import subprocess

import jupytext
import pytest

pytestmark = pytest.mark.backend_independent

COURSE = pathlib.Path(__file__).resolve().parents[1] / "course"
SOURCES = sorted(COURSE.glob("[0-9][0-9]_*.md"))
NOTEBOOKS = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))
MAX_BYTES = 2_000_000
MAX_OUTPUT_LINES = 60


def cells(notebook):
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_every_lecture_is_a_pair():
    assert {p.stem for p in SOURCES} == {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_pair_in_sync(source):
    """The .md and the .ipynb hold the same cells; run `make notebooks` after editing."""
    markdown = jupytext.read(source)
    stored = jupytext.read(source.with_suffix(".ipynb"))
    assert cells(markdown) == cells(stored), (
        f"{source.name} and its .ipynb differ: run `make notebooks` to rebuild the pair."
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_are_complete_and_clean(path):
    assert path.stat().st_size < MAX_BYTES, f"{path.name} weighs over 2 MB"
    notebook = json.loads(path.read_text())
    code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code_cells, f"{path.name} has no code"
    counts = [c["execution_count"] for c in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), (
        f"{path.name} was not executed top to bottom in one run"
    )
    for index, cell in enumerate(code_cells):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"{path.name}: code cell {index} failed"
            if output["output_type"] == "stream":
                text = "".join(output["text"])
                assert output["name"] != "stderr" or "Traceback" not in text
                assert text.count("\n") <= MAX_OUTPUT_LINES, (
                    f"{path.name}: code cell {index} prints {text.count(chr(10))} lines"
                )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_lecture_has_the_course_shape(source):
    text = source.read_text()
    for heading in (
        "## What you will learn",
        "## What you need",
        "## Summary",
        "## Try it yourself",
        "## Learning checks",
    ):
        assert heading in text, f"{source.name} lacks the section '{heading}'"
    assert "KERAS_AE_QUICK" in text, f"{source.name} has no quick-mode switch"
    notebook = jupytext.read(source)
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert any("assert" in c for c in code[-3:]), (
        f"{source.name}: the last code cells must assert the lesson's claim"
    )


def test_make_test_runs_every_lecture_notebook_once_per_backend():
    """`make test-notebooks` orders the lectures longest first: none may fall out or run twice."""
    dry_run = subprocess.run(
        ["make", "-n", "test-notebooks", "NOTEBOOK_BACKENDS=jax torch"],
        cwd=COURSE.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = dry_run.split("KERAS_BACKEND=")[1:]
    assert [command.split()[0] for command in commands] == ["jax", "torch"]
    for command in commands:
        listed = re.findall(r"course/\S+\.ipynb", command.split("--nbval-lax", 1)[1])
        assert sorted(listed) == [f"course/{path.name}" for path in NOTEBOOKS]
