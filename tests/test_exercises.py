"""The graded exercises: the release is current and keeps its secrets, grading works.

The checks call `tools/exercises.py`, which runs nbgrader in temporary copies of
`course/exercises/` (the repository is left untouched) and its grading kernels
in quick mode, all on JAX here, the course's backend (the instructor's solutions are graded
once more on a second backend in `test_exercises_on_a_second_backend.py`). The
grading kernels choose their own backend, so the module does not depend on the
Keras backend of the test run and runs once (`make test-library` selects it
with `-m backend_independent`).
"""

import ast
import importlib.util
import json
import os
import pathlib
import re
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("exercises", ROOT / "tools" / "exercises.py")
exercises = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(exercises)

pytestmark = [pytest.mark.backend_independent, pytest.mark.grading]

ASSIGNMENTS = exercises.assignments()
# Grading processes: two on a 2-core machine when the module runs on its own; `make test`
# runs it beside another check and asks for one (KERAS_AE_GRADING_JOBS, the Makefile's
# GRADING_JOBS).
GRADING_JOBS = int(os.environ.get("KERAS_AE_GRADING_JOBS", "2"))


def total(grades):
    return sum(score for score, _ in grades.values()), sum(points for _, points in grades.values())


@pytest.fixture(scope="module")
def graded():
    """Autograding of every assignment in quick mode, in GRADING_JOBS grading processes."""
    results = exercises.autograde_check(ASSIGNMENTS, quick=True, jobs=GRADING_JOBS)
    print("\n" + exercises.summary(results))
    return {result["assignment"]: result for result in results}


def test_course_has_twelve_assignments_each_with_a_release_and_a_wrong_submission():
    assert len(ASSIGNMENTS) >= 12
    released = sorted(p.name for p in exercises.RELEASE.iterdir() if p.is_dir())
    assert released == ASSIGNMENTS, "run `python tools/exercises.py generate`"
    for name in ASSIGNMENTS:
        assert len(exercises.wrong_submissions(name)) >= (2 if name >= "06" else 1), (
            f"{name} needs deliberately wrong submissions"
        )


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_is_up_to_date(graded, name):
    """The committed release is what nbgrader makes of the current source."""
    assert graded[name]["stale"] == [], "run `python tools/exercises.py generate`"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_answer_and_hidden_test_is_searched_for(name):
    for notebook in exercises.notebook_names(name):
        secrets = exercises.secret_lines(exercises.SOURCE / name / notebook)
        assert len(secrets["solution"]) >= 5 and len(secrets["hidden"]) >= 5, secrets


def test_release_reveals_no_answer_or_hidden_test():
    assert exercises.release_leaks() == []


def _plant_in_cell_source(path, line):
    notebook = json.loads(path.read_text())
    notebook["cells"][-1]["source"] += "\n" + line
    path.write_text(json.dumps(notebook))
    return path


def _plant_in_output(path, line):
    notebook = json.loads(path.read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    code[0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": [line + "\n"]}]
    path.write_text(json.dumps(notebook))
    return path


def _plant_in_other_file(path, line):
    other = path.with_name("notes.txt")
    other.write_text(line + "\n")
    return other


@pytest.mark.parametrize("kind", ["solution", "hidden"])
@pytest.mark.parametrize("plant", [_plant_in_cell_source, _plant_in_output, _plant_in_other_file])
def test_leak_search_finds_a_secret_planted_in_a_release(tmp_path, kind, plant):
    release = tmp_path / "release"
    shutil.copytree(exercises.RELEASE, release)
    name = ASSIGNMENTS[-1]
    notebook_name = exercises.notebook_names(name)[0]
    secret = exercises.secret_lines(exercises.SOURCE / name / notebook_name)[kind][-1]
    planted = plant(release / name / notebook_name, secret)
    assert exercises.release_leaks(release) == [
        (planted.relative_to(tmp_path).as_posix(), kind, secret)
    ]


def test_leak_search_finds_a_solution_marker_left_in_a_release(tmp_path):
    release = tmp_path / "release"
    shutil.copytree(exercises.RELEASE, release)
    name = ASSIGNMENTS[0]
    notebook_name = exercises.notebook_names(name)[0]
    _plant_in_cell_source(release / name / notebook_name, "    ### END SOLUTION")
    assert exercises.release_leaks(release) == [
        (f"release/{name}/{notebook_name}", "marker", "### END SOLUTION")
    ]


def test_stale_release_check_reports_an_edited_and_an_extra_file(tmp_path):
    """The check of the committed release (`check-release`, `test_release_is_up_to_date`)
    on a copy of it with an edited notebook and a file that no source makes."""
    name = ASSIGNMENTS[0]
    notebook_name = exercises.notebook_names(name)[0]
    release = tmp_path / "release"
    shutil.copytree(exercises.RELEASE / name, release / name)
    path = release / name / notebook_name
    notebook = json.loads(path.read_text())
    notebook["cells"][0]["source"] += " "
    path.write_text(json.dumps(notebook, indent=1) + "\n")
    (release / name / "old_data.csv").write_text("1\n")
    assert exercises.stale_release(release, [name]) == [
        f"not made from a source: {name}/old_data.csv",
        f"out of date: {name}/{notebook_name}",
    ]


def _assertions_without_message(code):
    return [
        ast.unparse(node.test)
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Assert) and node.msg is None
    ]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_graded_part_has_an_answer_visible_and_hidden_tests_and_points(name):
    """What the issue asks of each part, read from the instructor notebook's cells."""
    begin, end = exercises.HIDDEN_MARKERS
    for notebook_name in exercises.notebook_names(name):
        notebook = json.loads((exercises.SOURCE / name / notebook_name).read_text())
        answers_since_last_part = 0
        parts = 0
        for cell in notebook["cells"]:
            meta = cell["metadata"]["nbgrader"]
            source = exercises.cell_source(cell)
            grade_id = meta["grade_id"]
            if meta.get("solution"):
                assert not meta["locked"], f"{grade_id}: a student must be able to edit it"
                assert all(marker in source for marker in exercises.SOLUTION_MARKERS), grade_id
                answers_since_last_part += 1
            elif meta.get("grade"):
                parts += 1
                assert meta["locked"] and meta["points"] > 0, f"{grade_id}: locked, with points"
                assert answers_since_last_part, f"{grade_id} grades no answer of its own"
                answers_since_last_part = 0
                assert source.count(begin) == 1 and source.count(end) == 1, grade_id
                visible, rest = source.split(begin)
                hidden = rest.split(end)[0]
                assert "assert " in visible or "AssertionError" in visible, (
                    f"{grade_id} has no visible test"
                )
                assert "assert " in hidden, f"{grade_id} has no hidden test"
                assert _assertions_without_message(source) == [], (
                    f"{grade_id}: every assertion needs a message for the student"
                )
            else:
                assert meta["locked"], f"{grade_id}: cells that are not answers are read-only"
        assert parts >= 3, f"{notebook_name} has {parts} graded parts"
        assert answers_since_last_part == 0, f"{notebook_name} ends with an ungraded answer"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_stubs_say_which_part_is_unanswered_and_what_to_write(name):
    cells = exercises.read_notebook(exercises.RELEASE / name / f"{name}.ipynb")["cells"]
    part, stubs = None, 0
    for cell in reversed(cells):
        source = exercises.cell_source(cell)
        found = re.match(r"# Check (Part \d+)", source)
        part = found.group(1) if found else part
        if not exercises.is_solution(cell):
            continue
        for stub in re.findall(r"raise NotImplementedError\((.*)\)", source):
            stubs += 1
            assert re.fullmatch(
                rf'"{part} is not answered yet: (write the body of \w+|set \w+.*) here, '
                r'in place of this line\."',
                stub,
            ), f"{name}, solution cell before the Check of {part}: {stub}"
    assert stubs >= 4, f"{name}: {stubs} stubs"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_points_shown_to_students_are_those_of_the_test_cells(name):
    (notebook_name,) = exercises.notebook_names(name)
    notebook = json.loads((exercises.SOURCE / name / notebook_name).read_text())
    points = [
        cell["metadata"]["nbgrader"]["points"]
        for cell in notebook["cells"]
        if cell["metadata"]["nbgrader"].get("grade")
    ]
    text = "\n".join(exercises.cell_source(cell) for cell in notebook["cells"])
    headings = re.findall(r"^## Part \d+ · .*\((\d+) points?\)$", text, re.M)
    intro_table = re.findall(r"^\| \d+ \| .* \| (\d+) \|$", text, re.M)
    assert [int(p) for p in headings] == points, "the '## Part' headings"
    assert [int(p) for p in intro_table] == points, "the table of parts in the introduction"
    readme = (exercises.COURSE / "README.md").read_text()
    row = re.search(rf"^\| `{name}` \|.*\| ([\d +]+) = (\d+) \|$", readme, re.M)
    assert row, f"course/exercises/README.md has no row for {name}"
    assert [int(p) for p in row.group(1).split("+")] == points
    assert int(row.group(2)) == sum(points)
    # Students find their graded practice from the course map of the welcome notebook.
    welcome = (exercises.ROOT / "course" / "00_welcome.md").read_text()
    assert f"`{name}` ({sum(points):g} points)" in welcome, f"00_welcome.md: {name} with its points"


def test_feedback_filter_hides_hidden_tests_in_sources_and_tracebacks():
    import nbformat
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(exercises.COURSE)).load_config()
    preprocessors = config.GenerateFeedback.preprocessors
    (hide,) = [p for p in preprocessors if p.__name__ == "HideHiddenTests"]
    cell = nbformat.v4.new_code_cell(
        "assert visible(1)\n### BEGIN HIDDEN TESTS\nassert secret(42), 'Hidden test: why'\n"
        "### END HIDDEN TESTS"
    )
    cell.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="AssertionError",
            evalue="Hidden test: why",
            traceback=["----> 3 assert secret(42), 'Hidden test: why'", "AssertionError: ..."],
        )
    ]
    cell, _ = hide().preprocess_cell(cell, {}, 0)
    assert cell.source == "assert visible(1)\n# (hidden tests are not shown)"
    assert cell.outputs[0].traceback == ["AssertionError: Hidden test: why"]


def test_wrong_submission_files_parse():
    for name in ASSIGNMENTS:
        answers = exercises.solution_answers(exercises.SOURCE / name / f"{name}.ipynb")
        for path in exercises.wrong_submissions(name):
            wrong, loses = exercises.read_wrong_submission(path)
            assert set(wrong) <= set(answers), f"{path.name} replaces unknown cells"
            assert loses, f"{path.name} declares no lost part"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_gets_full_marks(graded, name):
    grades = graded[name]["scores"][exercises.SOLUTION_STUDENT]
    lost = sorted(cell for cell, (score, points) in grades.items() if score != points)
    assert lost == [], f"the instructor's solution loses {lost}"
    assert total(grades)[1] > 0
    assert graded[name]["backend"] == "jax", "graded on the course's backend"


def test_grading_kernels_get_their_backend_quick_mode_and_compiler_flags(monkeypatch):
    from grading.autograde import _kernel_environment  # tools/ is on the path: see above

    monkeypatch.setenv("XLA_FLAGS", "--a_flag_of_the_caller")
    monkeypatch.delenv("KERAS_AE_QUICK", raising=False)
    with _kernel_environment(True, "jax"):
        assert os.environ["KERAS_BACKEND"] == "jax"
        assert os.environ["KERAS_AE_QUICK"] == "1"
        assert os.environ["XLA_FLAGS"] == "--xla_backend_optimization_level=0"
        assert os.environ["OMP_NUM_THREADS"] == "1"
    with _kernel_environment(False, "tensorflow"):
        assert os.environ["KERAS_BACKEND"] == "tensorflow"
        assert "KERAS_AE_QUICK" not in os.environ
        assert os.environ["XLA_FLAGS"] == "--a_flag_of_the_caller"
    assert os.environ["XLA_FLAGS"] == "--a_flag_of_the_caller"
    assert "KERAS_AE_QUICK" not in os.environ


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_grades_within_the_quick_mode_budget(graded, name):
    """CPU seconds of grading the solution, kernel start included: the 60 s budget is for
    wall-clock time on an idle machine, where the one-thread kernel has a core to itself,
    and CPU time does not grow when other jobs share the machine."""
    cpu = graded[name]["cpu_seconds"][exercises.SOLUTION_STUDENT]
    assert cpu < exercises.QUICK_BUDGET_SECONDS, f"{cpu} CPU seconds in quick mode"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_release_gets_zero_on_every_part(graded, name):
    grades = graded[name]["scores"][exercises.RELEASE_STUDENT]
    passed = sorted(cell for cell, (score, _) in grades.items() if score != 0)
    assert passed == [], f"tests that pass on the stubs: {passed}"
    assert len(grades) >= 3, "every assignment has at least three graded parts"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_wrong_submissions_get_partial_marks_and_lose_what_they_declare(graded, name):
    result = graded[name]
    wrong = {s: g for s, g in result["scores"].items() if s.startswith(exercises.WRONG_PREFIX)}
    assert wrong, "no deliberately wrong submission was graded"
    for student, grades in wrong.items():
        score, maximum = total(grades)
        assert 0 < score < maximum, f"{student} scores {score} / {maximum}"
        lost = sorted(cell for cell, (s, _) in grades.items() if s == 0)
        assert lost == result["expected_losses"][student], student


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_feedback_shows_the_score_and_why_each_part_failed(graded, name):
    result = graded[name]
    for student, feedback in result["feedback"].items():
        score, maximum = total(result["scores"][student])
        shown = [(float(a), float(b)) for a, b in feedback["scores_shown"]]
        assert shown == [(score, maximum)], student
        lost = {cell for cell, (s, _) in result["scores"][student].items() if s == 0}
        assert lost <= set(feedback["failed"]), student
        hidden_messages = [cell for cell, ok in feedback["messages_shown"].items() if not ok]
        assert hidden_messages == [], f"{student}: no explanation shown for {hidden_messages}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_feedback_reveals_no_hidden_test(graded, name):
    result = graded[name]
    for student, leaks in result["feedback_leaks"].items():
        assert leaks == [], f"the feedback of {student} shows hidden tests"
    # The same check on nbgrader's unfiltered feedback finds the hidden tests.
    assert result["unfiltered_feedback_leaks"][exercises.RELEASE_STUDENT]


def test_grading_shared_among_processes_gives_the_same_results(graded):
    """Two grading processes (`--only` shares, merged) grade as one process does.

    On the cheapest assignment (NumPy only), its submissions split between two
    processes; `graded` ran in GRADING_JOBS processes (one in `make test`).
    """
    name = "07_rbm"
    shared = exercises.autograde_check([name], quick=True, jobs=2)[0]
    assert exercises.problems(shared) == []
    assert shared["scores"] == graded[name]["scores"]
    assert shared["expected_losses"] == graded[name]["expected_losses"]
    assert set(shared["unfiltered_feedback_leaks"]) == {exercises.RELEASE_STUDENT}
