"""Autograding of one assignment in a temporary course root, its checks and its summary."""

import contextlib
import os
import pathlib
import re
import resource
import shutil
import tempfile
import time

# The lab's default backend (tools/workspace.py, beside this package: tools/exercises.py
# puts tools/ on the path), so that exercises are graded on the backend students use.
from workspace import DEFAULT_BACKEND

from .feedback import failed_cells, feedback_leaks, html_text, unfiltered_feedback
from .notebooks import CI_SUBMISSIONS, RELEASE, SOURCE, notebook_names, read_notebook, secret_lines
from .release import copy_course, differences, nbgrader_api, run_step, tree
from .submissions import (
    RELEASE_STUDENT,
    SOLUTION_STUDENT,
    WRONG_PREFIX,
    build_submissions,
    students,
    submit,
    wrong_submissions,
)

QUICK_BUDGET_SECONDS = 60.0
BACKENDS = ("tensorflow", "jax", "torch")


# The grading kernels inherit these, and KERAS_BACKEND. One thread per kernel: two kernels then
# share the 2 cores of a CI machine without oversubscription, and a busy
# machine does not slow OpenBLAS down by an order of magnitude.
KERNEL_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
}
# Extra environment of the grading kernels on one backend. A quick-mode exercise compiles
# a few small models and trains each for seconds, so on JAX compiling dominates: XLA's LLVM
# optimisations off took every assignment's grading from 422 s (and 655 CPU s) on
# TensorFlow to 348 s (589 CPU s) on JAX, two grading processes, one after the other on a
# quiet 2-core machine; every submission grades the same.
BACKEND_KERNEL_ENV = {"jax": {"XLA_FLAGS": "--xla_backend_optimization_level=0"}}


def _cpu_seconds():
    """CPU time of this process and of its finished children (the grading kernels)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


@contextlib.contextmanager
def _kernel_environment(quick, backend):
    saved = dict(os.environ)
    os.environ.update(KERNEL_ENV)
    os.environ.update(BACKEND_KERNEL_ENV.get(backend, {}))
    os.environ["KERAS_BACKEND"] = backend
    if quick:
        os.environ["KERAS_AE_QUICK"] = "1"
    else:
        os.environ.pop("KERAS_AE_QUICK", None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def check_assignment(assignment, *, only=None, quick=True, keep=None, backend=DEFAULT_BACKEND):
    """Autogrades the solution, the release and the wrong submissions of one assignment.

    Everything runs in a temporary course root; `only` restricts the run to
    some of the `students(assignment)`, `keep` names a folder to copy the
    course root to for inspection; the grading kernels run on the Keras
    `backend`. Returns a JSON-serialisable dict, keyed by
    student where it describes a submission: the scores per test cell
    (`"scores": {student: {grade_id: [score, max]}}`), the parts each wrong
    submission declares it loses, the wall and CPU seconds of each autograding
    run, what each feedback page shows, the hidden-test lines found in it (and,
    for the release, without the filter of `nbgrader_config.py`), how the committed
    release differs from the one nbgrader generates (`"stale"`, messages).
    """
    from nbgrader.api import Gradebook

    notebooks = notebook_names(assignment)
    hidden = sorted(
        {line for nb in notebooks for line in secret_lines(SOURCE / assignment / nb)["hidden"]}
    )
    result = {
        "assignment": assignment,
        "quick": quick,
        "backend": backend,
        "stale": [],
        "scores": {},
        "expected_losses": {},
        "seconds": {},
        "cpu_seconds": {},
        "feedback": {},
        "feedback_leaks": {},
        "unfiltered_feedback_leaks": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_course(tmp, [assignment])
        api = nbgrader_api(root)
        run_step(api.generate_assignment(assignment), f"generate_assignment {assignment}")
        fresh = tree(root / "release" / assignment)
        committed = tree(RELEASE / assignment) if (RELEASE / assignment).exists() else {}
        result["stale"] = differences(
            {f"{assignment}/{p}": data for p, data in fresh.items()},
            {f"{assignment}/{p}": data for p, data in committed.items()},
        )
        released = {
            nb: read_notebook((RELEASE if nb in committed else root / "release") / assignment / nb)
            for nb in notebooks
        }
        submissions, losses = build_submissions(assignment, released)
        graded = [student for student in submissions if only is None or student in only]
        for student in graded:
            submit(root, student, assignment, submissions[student])
            if student in losses:
                result["expected_losses"][student] = losses[student]
        with _kernel_environment(quick, backend):
            for student in graded:
                start, cpu_start = time.perf_counter(), _cpu_seconds()
                run_step(api.autograde(assignment, student), f"autograde {assignment} {student}")
                result["seconds"][student] = round(time.perf_counter() - start, 1)
                result["cpu_seconds"][student] = round(_cpu_seconds() - cpu_start, 1)
        run_step(api.generate_feedback(assignment), f"generate_feedback {assignment}")

        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            for student in graded:
                submission = gradebook.find_submission(assignment, student)
                result["scores"][student] = {
                    grade.name: [grade.score, grade.max_score]
                    for notebook in submission.notebooks
                    for grade in notebook.grades
                }
        for student in graded:
            pages, failed = [], {}
            for nb in notebooks:
                page = root / "feedback" / student / assignment / f"{pathlib.Path(nb).stem}.html"
                pages.append(page.read_text())
                failed.update(failed_cells(root / "autograded" / student / assignment / nb))
            text = html_text("\n".join(pages))
            result["feedback"][student] = {
                "scores_shown": re.findall(r"\(Score: ([\d.]+) / ([\d.]+)\)", text)[:1],
                "failed": failed,
                "messages_shown": {
                    gid: " ".join(message.split()) in text for gid, message in failed.items()
                },
            }
            result["feedback_leaks"][student] = feedback_leaks("\n".join(pages), hidden)
        if RELEASE_STUDENT in graded:
            # The control of the leak check: without nbgrader_config.py's filter, the
            # release's feedback (every test fails) shows the hidden tests. Once per
            # assignment: each page takes about a second to export.
            result["unfiltered_feedback_leaks"][RELEASE_STUDENT] = [
                leak
                for nb in notebooks
                for leak in feedback_leaks(
                    unfiltered_feedback(root / "autograded" / RELEASE_STUDENT / assignment / nb),
                    hidden,
                )
            ]
        if keep is not None:
            shutil.copytree(root, pathlib.Path(keep) / assignment, dirs_exist_ok=True)
    return result


def problems(result, *, solutions_only=False):
    """What is wrong with one assignment's autograding, as messages (empty if all is well).

    With `solutions_only`, for a run that graded the instructor notebook alone,
    only its score and its time are checked.
    """
    if solutions_only:
        result = {**result, "stale": [], "feedback_leaks": {}}
        result["scores"] = {SOLUTION_STUDENT: result["scores"][SOLUTION_STUDENT]}
    name, found = result["assignment"], []
    if result["stale"]:
        found.append(f"{name}: the committed release is stale: {result['stale']}")
    for student, grades in result["scores"].items():
        total, maximum = total_points(grades)
        lost = sorted(gid for gid, (score, _) in grades.items() if score == 0)
        if student == SOLUTION_STUDENT and total != maximum:
            found.append(f"{name}: the solution scores {total} / {maximum}, loses {lost}")
        elif student == RELEASE_STUDENT and total != 0:
            passed = sorted(gid for gid, (score, _) in grades.items() if score)
            found.append(f"{name}: the release scores {total}; tests pass on stubs: {passed}")
        elif student.startswith(WRONG_PREFIX):
            if not 0 < total < maximum:
                found.append(f"{name}: {student} scores {total} / {maximum}, not partial marks")
            if lost != result["expected_losses"][student]:
                found.append(
                    f"{name}: {student} loses {lost}, declares {result['expected_losses'][student]}"
                )
        shown = result["feedback"][student]
        if [(float(a), float(b)) for a, b in shown["scores_shown"]] != [(total, maximum)]:
            found.append(f"{name}: the feedback of {student} does not show {total} / {maximum}")
        unreadable = sorted(gid for gid, ok in shown["messages_shown"].items() if not ok)
        if unreadable:
            found.append(f"{name}: the feedback of {student} hides the messages of {unreadable}")
    for student, leaks in result["feedback_leaks"].items():
        if leaks:
            found.append(f"{name}: the feedback of {student} shows hidden tests: {leaks[:3]}")
    if not solutions_only and not any(result["unfiltered_feedback_leaks"].values()):
        found.append(f"{name}: the leak check finds nothing even in unfiltered feedback")
    if not solutions_only and not wrong_submissions(name):
        found.append(f"{name}: no deliberately wrong submission in {CI_SUBMISSIONS.name}/{name}")
    # The budget is for wall-clock time on an idle machine, where the grading
    # kernel (one thread) has a core to itself. CPU time approximates it and,
    # unlike wall time, does not grow when other jobs share the machine.
    cpu = result["cpu_seconds"].get(SOLUTION_STUDENT)
    if result["quick"] and cpu is not None and cpu > QUICK_BUDGET_SECONDS:
        found.append(
            f"{name}: grading the solution in quick mode takes {cpu} CPU seconds, "
            f"over the budget of {QUICK_BUDGET_SECONDS:g}"
        )
    expected = [SOLUTION_STUDENT] if solutions_only else students(name)
    missing = sorted(set(expected) - set(result["scores"]))
    if missing:
        found.append(f"{name}: not graded: {missing}")
    return found


def total_points(grades):
    return sum(s for s, _ in grades.values()), sum(m for _, m in grades.values())


def summary(results):
    """A table of the scores and of the solution's autograding time, one row per assignment.

    The time covers the whole autograding of the instructor notebook, kernel
    start included: wall-clock seconds, and CPU seconds, which do not depend
    on what else the machine is running (the load average, printed last,
    tells how far the wall-clock seconds are inflated).
    """
    width = max([len("assignment"), *(len(result["assignment"]) for result in results)])
    rows = [
        f"{'assignment':<{width}} {'solution':>8} {'release':>8}  {'wrong submissions':<18} "
        "solution run: wall s, CPU s"
    ]
    for result in results:
        scores = result["scores"]
        totals = {student: "{:g}/{:g}".format(*total_points(g)) for student, g in scores.items()}
        wrong = ", ".join(totals[s] for s in sorted(scores) if s.startswith(WRONG_PREFIX))
        seconds = result["seconds"][SOLUTION_STUDENT]
        slow = result["quick"] and seconds > QUICK_BUDGET_SECONDS
        rows.append(
            f"{result['assignment']:<{width}} {totals[SOLUTION_STUDENT]:>8} "
            f"{totals.get(RELEASE_STUDENT, '-'):>8}  {wrong:<18} {seconds:>6.1f} "
            f"{result['cpu_seconds'][SOLUTION_STUDENT]:>6.1f}"
            + (" (wall time over the 60 s budget)" if slow else "")
        )
    backends = sorted({result.get("backend", DEFAULT_BACKEND) for result in results})
    rows.append(f"grading kernels on the Keras backend: {', '.join(backends)}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    rows.append(f"load average of the machine at the end (1, 5, 15 min): {load}")
    return "\n".join(rows)
