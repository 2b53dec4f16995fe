"""The instructor's solutions score full marks on a second Keras backend too.

A file of its own, so that `make test` grades on the second backend
(`make test-exercises-second-backend`) beside the main grading of
`test_exercises.py` (`make test-exercises`) or beside another check.
"""

import pytest
from test_exercises import ASSIGNMENTS, GRADING_JOBS, exercises, total

pytestmark = [pytest.mark.backend_independent, pytest.mark.grading]

# The instructor's solutions are graded once more with kernels on this backend.
SECOND_BACKEND = "tensorflow"


@pytest.fixture(scope="module")
def graded_on_second_backend():
    """The instructor's solutions alone, autograded with kernels on `SECOND_BACKEND`."""
    results = exercises.autograde_check(
        ASSIGNMENTS, quick=True, jobs=GRADING_JOBS, backend=SECOND_BACKEND, solutions_only=True
    )
    print("\n" + exercises.summary(results))
    return {result["assignment"]: result for result in results}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_gets_full_marks_on_a_second_backend(graded_on_second_backend, name):
    result = graded_on_second_backend[name]
    assert result["backend"] == SECOND_BACKEND
    assert sorted(result["scores"]) == [exercises.SOLUTION_STUDENT], "the solution alone"
    grades = result["scores"][exercises.SOLUTION_STUDENT]
    lost = sorted(cell for cell, (score, points) in grades.items() if score != points)
    assert lost == [], f"on {SECOND_BACKEND}, the instructor's solution loses {lost}"
    assert total(grades)[1] > 0
    cpu = result["cpu_seconds"][exercises.SOLUTION_STUDENT]
    assert cpu < exercises.QUICK_BUDGET_SECONDS, f"{cpu} CPU seconds on {SECOND_BACKEND}"
