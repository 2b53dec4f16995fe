"""The exercise notebooks: where they are, their cells, and the secrets they hold."""

import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
COURSE = ROOT / "course" / "exercises"
SOURCE = COURSE / "source"
RELEASE = COURSE / "release"
CI_SUBMISSIONS = COURSE / "ci_submissions"
CONFIG_FILE = "nbgrader_config.py"
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def assignments():
    """Names of the assignments: the folders of `source/` that hold a notebook."""
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_names(assignment):
    return sorted(p.name for p in (SOURCE / assignment).glob("*.ipynb"))


def read_notebook(path):
    return json.loads(pathlib.Path(path).read_text())


def cell_source(cell):
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_solution(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("solution", False)


def _split_regions(text, markers):
    """Splits `text` into the lines inside `markers` regions and the lines outside."""
    begin, end = markers
    inside, outside, in_region = [], [], False
    for line in text.splitlines():
        if begin in line:
            in_region = True
        elif end in line:
            in_region = False
        elif in_region:
            inside.append(line)
        else:
            outside.append(line)
    return inside, outside


def secret_lines(notebook_path):
    """The solution and hidden-test lines of an instructor notebook.

    Returns a dict with keys `"solution"` and `"hidden"`, each a sorted list of
    stripped lines that are worth searching for: blank lines, comments, lines
    without a letter and lines that also appear outside every secret region
    (in the public text of the same notebook) are left out, since finding
    them elsewhere proves nothing.
    """
    cells = [cell_source(cell) for cell in read_notebook(notebook_path)["cells"]]
    public, regions = [], {"solution": [], "hidden": []}
    for text in cells:
        solution, rest = _split_regions(text, SOLUTION_MARKERS)
        hidden, rest = _split_regions("\n".join(rest), HIDDEN_MARKERS)
        regions["solution"] += solution
        regions["hidden"] += hidden
        public += rest
    public_text = "\n".join(public)
    result = {}
    for kind, lines in regions.items():
        result[kind] = sorted(
            {
                line.strip()
                for line in lines
                if re.search("[A-Za-z]", line)
                and not line.strip().startswith("#")
                and line.strip() not in public_text
            }
        )
    return result


def notebook_text(path):
    """Everything a student can read in a notebook: sources and outputs."""
    notebook = read_notebook(path)
    parts = [json.dumps(notebook.get("metadata", {}))]
    for cell in notebook["cells"]:
        parts.append(cell_source(cell))
        parts += [json.dumps(output) for output in cell.get("outputs", [])]
    return "\n".join(parts)
