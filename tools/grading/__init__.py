"""Generates, checks and autogrades the nbgrader exercises in course/exercises/.

The instructor notebooks in `course/exercises/source/<assignment>/` are the
only thing edited by hand. Every nbgrader run happens in a temporary copy of
the course root, so no gradebook or working folder is left in the repository.

    python tools/exercises.py generate          # rewrite release/ from source/
    python tools/exercises.py check-release     # fail if release/ is stale
    python tools/exercises.py autograde-check   # grade solutions, release, wrong answers
    python tools/exercises.py autograde-check --backend torch # the same, graded on PyTorch

`autograde-check` autogrades, for every assignment, (a) the instructor
notebook, which must get full marks, (b) the committed release, which must get
zero on every graded part, and (c) each deliberately wrong submission in
`course/exercises/ci_submissions/<assignment>/`, which must lose exactly the
parts it declares, for a total strictly between zero and full marks. It then
generates the feedback and checks that no hidden test reaches it. Scores are
read from the gradebook: nbgrader exits with 0 even when every test fails.
It runs in quick mode (KERAS_AE_QUICK=1) unless `--full` is given, on the
Keras backend named by `--backend` (default: JAX, the course's), prints
the time of each assignment's solution notebook and, in quick mode, fails when
grading one takes over 60 CPU seconds.

The package follows the pipeline: `notebooks` (the files and their cells),
`release` (nbgrader's student version, made and checked), `submissions` (what
is graded), `autograde` (grading one assignment and checking the scores),
`feedback` (what the pages show), `parallel` (grading shared among processes)
and `cli` (the command line).
"""

from .autograde import (
    BACKENDS,
    DEFAULT_BACKEND,
    QUICK_BUDGET_SECONDS,
    check_assignment,
    problems,
    summary,
    total_points,
)
from .feedback import feedback_leaks, html_text
from .notebooks import (
    CI_SUBMISSIONS,
    COURSE,
    HIDDEN_MARKERS,
    RELEASE,
    ROOT,
    SOLUTION_MARKERS,
    SOURCE,
    assignments,
    cell_source,
    grade_id,
    is_solution,
    notebook_names,
    read_notebook,
    secret_lines,
)
from .parallel import autograde_check
from .release import generate, release_leaks, stale_release
from .submissions import (
    RELEASE_STUDENT,
    SOLUTION_STUDENT,
    WRONG_PREFIX,
    read_wrong_submission,
    solution_answers,
    students,
    wrong_submissions,
)

__all__ = [
    "BACKENDS",
    "CI_SUBMISSIONS",
    "COURSE",
    "DEFAULT_BACKEND",
    "HIDDEN_MARKERS",
    "QUICK_BUDGET_SECONDS",
    "RELEASE",
    "RELEASE_STUDENT",
    "ROOT",
    "SOLUTION_MARKERS",
    "SOLUTION_STUDENT",
    "SOURCE",
    "WRONG_PREFIX",
    "assignments",
    "autograde_check",
    "cell_source",
    "check_assignment",
    "feedback_leaks",
    "generate",
    "grade_id",
    "html_text",
    "is_solution",
    "notebook_names",
    "problems",
    "read_notebook",
    "read_wrong_submission",
    "release_leaks",
    "secret_lines",
    "solution_answers",
    "stale_release",
    "students",
    "summary",
    "total_points",
    "wrong_submissions",
]
