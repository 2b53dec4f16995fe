"""Generates, checks and autogrades the nbgrader exercises in course/exercises/.

    python tools/exercises.py generate          # rewrite release/ from source/
    python tools/exercises.py check-release     # fail if release/ is stale
    python tools/exercises.py autograde-check   # grade solutions, release, wrong answers

`python -m tools.exercises ...` from the repository root does the same. The
code is the package `tools/grading/`, whose docstring says what each command
checks; this script puts the package on the path, runs its command line and
re-exports its functions for the tests.
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from grading import *  # noqa: E402, F403
from grading.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
