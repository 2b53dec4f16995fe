"""What is graded: the solution, the untouched release and the deliberately wrong answers."""

import copy
import datetime
import json
import pathlib
import re

from .notebooks import (
    CI_SUBMISSIONS,
    SOLUTION_MARKERS,
    SOURCE,
    cell_source,
    grade_id,
    is_solution,
    notebook_names,
    read_notebook,
)

SOLUTION_STUDENT = "ci_solution"
RELEASE_STUDENT = "ci_release"
WRONG_PREFIX = "ci_wrong_"


def solution_answers(notebook_path):
    """The instructor's answer to each solution cell, markers removed."""
    return {
        grade_id(cell): "\n".join(
            line
            for line in cell_source(cell).splitlines()
            if not any(marker in line for marker in SOLUTION_MARKERS)
        )
        for cell in read_notebook(notebook_path)["cells"]
        if is_solution(cell)
    }


def read_wrong_submission(path):
    """Parses a deliberately wrong submission.

    The file is Python: a docstring that says what is wrong and, on a line
    `Loses: <grade ids>`, which test cells must score zero; then one section
    per answer it replaces, opened by `# %% <grade id of the solution cell>`.
    Answers it does not give are the instructor's.
    """
    text = pathlib.Path(path).read_text()
    loses = re.search(r"^Loses: (.+)$", text, re.M)
    if loses is None:
        raise ValueError(f"{path} has no 'Loses:' line")
    sections = re.split(r"^# %% (\S+)[ \t]*\n", text, flags=re.M)
    answers = {sections[i]: sections[i + 1].strip("\n") for i in range(1, len(sections), 2)}
    if not answers:
        raise ValueError(f"{path} replaces no answer: add '# %% <grade id>' sections")
    expected = sorted(part.strip() for part in loses.group(1).split(","))
    return answers, expected


def wrong_submissions(assignment):
    return sorted((CI_SUBMISSIONS / assignment).glob("*.py"))


def students(assignment):
    """The ids under which `check_assignment` submits each notebook set of an assignment."""
    wrong = [WRONG_PREFIX + path.stem for path in wrong_submissions(assignment)]
    return [SOLUTION_STUDENT, RELEASE_STUDENT, *wrong]


def _fill_answers(release_notebook, answers):
    """A copy of the release notebook with the given answers in its solution cells."""
    notebook = copy.deepcopy(release_notebook)
    unknown = set(answers) - {grade_id(cell) for cell in notebook["cells"] if is_solution(cell)}
    if unknown:
        raise ValueError(f"no solution cell with grade id {sorted(unknown)}")
    for cell in notebook["cells"]:
        if is_solution(cell) and grade_id(cell) in answers:
            cell["source"] = answers[grade_id(cell)]
    return notebook


def build_submissions(assignment, released):
    """`{student: {notebook file: notebook}}` and the parts each wrong submission loses."""
    notebooks = notebook_names(assignment)
    submissions = {
        SOLUTION_STUDENT: {nb: read_notebook(SOURCE / assignment / nb) for nb in notebooks},
        RELEASE_STUDENT: released,
    }
    losses = {}
    for path in wrong_submissions(assignment):
        wrong, losses[WRONG_PREFIX + path.stem] = read_wrong_submission(path)
        submissions[WRONG_PREFIX + path.stem] = {
            nb: _fill_answers(released[nb], {**solution_answers(SOURCE / assignment / nb), **wrong})
            for nb in notebooks
        }
    return submissions, losses


def submit(root, student, assignment, notebooks):
    folder = pathlib.Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True)
    for filename, notebook in notebooks.items():
        (folder / filename).write_text(json.dumps(notebook, indent=1) + "\n")
    # nbgrader drops a submission whose timestamp it cannot parse.
    now = datetime.datetime.now(datetime.UTC)
    (folder / "timestamp.txt").write_text(now.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
