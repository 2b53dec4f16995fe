"""Generates, checks and autogrades the nbgrader exercises in course/exercises/.

The instructor notebooks in `course/exercises/source/<assignment>/` are the
only thing edited by hand. Every nbgrader run happens in a temporary copy of
the course root, so no gradebook or working folder is left in the repository.

    python tools/exercises.py generate          # rewrite release/ from source/
    python tools/exercises.py check-release     # fail if release/ is stale
    python tools/exercises.py autograde-check   # grade solutions, release, wrong answers
    python tools/exercises.py autograde-check --backend jax   # the same, graded on JAX

`autograde-check` autogrades, for every assignment, (a) the instructor
notebook, which must get full marks, (b) the committed release, which must get
zero on every graded part, and (c) each deliberately wrong submission in
`course/exercises/ci_submissions/<assignment>/`, which must lose exactly the
parts it declares, for a total strictly between zero and full marks. It then
generates the feedback and checks that no hidden test reaches it. Scores are
read from the gradebook: nbgrader exits with 0 even when every test fails.
It runs in quick mode (KERAS_AE_QUICK=1) unless `--full` is given, on the
Keras backend named by `--backend` (default: TensorFlow), prints
the time of each assignment's solution notebook and, in quick mode, fails when
grading one takes over 60 CPU seconds.
"""

import argparse
import contextlib
import copy
import datetime
import html.parser
import json
import os
import pathlib
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[1]
COURSE = ROOT / "course" / "exercises"
SOURCE = COURSE / "source"
RELEASE = COURSE / "release"
CI_SUBMISSIONS = COURSE / "ci_submissions"
CONFIG_FILE = "nbgrader_config.py"

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
SOLUTION_STUDENT = "ci_solution"
RELEASE_STUDENT = "ci_release"
WRONG_PREFIX = "ci_wrong_"
QUICK_BUDGET_SECONDS = 60.0

BACKENDS = ("tensorflow", "jax", "torch")
DEFAULT_BACKEND = "tensorflow"

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


# ---------------------------------------------------------------- notebooks


def assignments():
    """Names of the assignments: the folders of `source/` that hold a notebook."""
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_names(assignment):
    return sorted(p.name for p in (SOURCE / assignment).glob("*.ipynb"))


def _read(path):
    return json.loads(pathlib.Path(path).read_text())


def _source(cell):
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _is_solution(cell):
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
    cells = [_source(cell) for cell in _read(notebook_path)["cells"]]
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


def _notebook_text(path):
    """Everything a student can read in a notebook: sources and outputs."""
    notebook = _read(path)
    parts = [json.dumps(notebook.get("metadata", {}))]
    for cell in notebook["cells"]:
        parts.append(_source(cell))
        parts += [json.dumps(output) for output in cell.get("outputs", [])]
    return "\n".join(parts)


# ---------------------------------------------------------------- nbgrader


def _copy_course(workdir, names):
    """A course root in `workdir` with the configuration and the given sources."""
    workdir = pathlib.Path(workdir)
    shutil.copy(COURSE / CONFIG_FILE, workdir / CONFIG_FILE)
    for name in names:
        shutil.copytree(SOURCE / name, workdir / "source" / name)
    return workdir


def _api(root):
    """An nbgrader API object for the course root `root`, with its configuration."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader runs the `alembic` command of its environment to open the
    # gradebook; find it even when that environment is not activated.
    bin_dir = str(pathlib.Path(sys.executable).parent)
    if bin_dir not in os.environ["PATH"].split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ["PATH"]
    # nbgrader 0.9 adds rows in a way SQLAlchemy 2 warns about; the rows are saved.
    warnings.filterwarnings("ignore", message=r".*not in session", module="nbgrader")
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    config.Exchange.root = str(pathlib.Path(root) / "exchange")
    config.NbGraderAPI.log_level = "WARN"
    return NbGraderAPI(config=config)


def _run(result, what):
    """Raises with nbgrader's log when one of its steps crashed."""
    if not result["success"]:
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('error', '')}\n{result['log']}")
    return result


def _generate_release(workdir, names):
    api = _api(workdir)
    for name in names:
        _run(api.generate_assignment(name), f"generate_assignment {name}")
    return pathlib.Path(workdir) / "release"


def _files(folder):
    """The files under `folder`, without what git ignores there (checkpoints, caches)."""
    folder = pathlib.Path(folder)
    return [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not any(
            part.startswith(".") or part == "__pycache__" for part in p.relative_to(folder).parts
        )
    ]


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in _files(folder)}


def generate():
    """Rewrites `course/exercises/release/` from the instructor sources."""
    names = assignments()
    with tempfile.TemporaryDirectory() as tmp:
        generated = _generate_release(_copy_course(tmp, names), names)
        if RELEASE.exists():
            shutil.rmtree(RELEASE)
        shutil.copytree(generated, RELEASE)
    return names


def stale_release(release=RELEASE, names=None):
    """Differences between a release folder and a fresh one, as messages.

    `names` restricts the comparison to some assignments; by default every
    file of `release` is compared, so a folder left from a deleted assignment
    is reported too.
    """
    release = pathlib.Path(release)
    committed = _tree(release) if release.exists() else {}
    if names is None:
        names = assignments()
    else:
        committed = {p: data for p, data in committed.items() if p.split("/")[0] in names}
    with tempfile.TemporaryDirectory() as tmp:
        fresh = _tree(_generate_release(_copy_course(tmp, names), names))
    return _differences(fresh, committed)


def _differences(fresh, committed):
    """How a committed release tree differs from a freshly generated one, as messages."""
    messages = [f"missing from the release: {p}" for p in sorted(fresh.keys() - committed.keys())]
    messages += [f"not made from a source: {p}" for p in sorted(committed.keys() - fresh.keys())]
    messages += [
        f"out of date: {p}"
        for p in sorted(fresh.keys() & committed.keys())
        if fresh[p] != committed[p]
    ]
    return messages


def release_leaks(release=RELEASE):
    """Solution or hidden-test lines found anywhere in a release folder.

    Returns a list of `(file, kind, line)`, the file relative to the parent of
    `release`; every file of each assignment's release folder is searched,
    not only its notebooks.
    """
    release = pathlib.Path(release)
    leaks = []
    for name in assignments():
        secrets = {"solution": set(), "hidden": set()}
        for notebook in notebook_names(name):
            for kind, lines in secret_lines(SOURCE / name / notebook).items():
                secrets[kind].update(lines)
        for path in _files(release / name):
            text = _notebook_text(path) if path.suffix == ".ipynb" else path.read_text()
            relative = path.relative_to(release.parent).as_posix()
            for marker in (*SOLUTION_MARKERS, *HIDDEN_MARKERS):
                if marker in text:
                    leaks.append((relative, "marker", marker))
            for kind, lines in secrets.items():
                leaks += [(relative, kind, line) for line in sorted(lines) if line in text]
    return leaks


# ---------------------------------------------------------------- submissions


def solution_answers(notebook_path):
    """The instructor's answer to each solution cell, markers removed."""
    return {
        _grade_id(cell): "\n".join(
            line
            for line in _source(cell).splitlines()
            if not any(marker in line for marker in SOLUTION_MARKERS)
        )
        for cell in _read(notebook_path)["cells"]
        if _is_solution(cell)
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


def _fill_answers(release_notebook, answers):
    """A copy of the release notebook with the given answers in its solution cells."""
    notebook = copy.deepcopy(release_notebook)
    unknown = set(answers) - {_grade_id(cell) for cell in notebook["cells"] if _is_solution(cell)}
    if unknown:
        raise ValueError(f"no solution cell with grade id {sorted(unknown)}")
    for cell in notebook["cells"]:
        if _is_solution(cell) and _grade_id(cell) in answers:
            cell["source"] = answers[_grade_id(cell)]
    return notebook


def _submit(root, student, assignment, notebooks):
    folder = pathlib.Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True)
    for filename, notebook in notebooks.items():
        (folder / filename).write_text(json.dumps(notebook, indent=1) + "\n")
    # nbgrader drops a submission whose timestamp it cannot parse.
    now = datetime.datetime.now(datetime.timezone.utc)
    (folder / "timestamp.txt").write_text(now.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


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


# ---------------------------------------------------------------- feedback


class _TextExtractor(html.parser.HTMLParser):
    """The visible text of an HTML page (styles and scripts left out)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(page):
    """The text a reader sees in an HTML page, whitespace runs collapsed."""
    extractor = _TextExtractor()
    extractor.feed(page)
    return " ".join("".join(extractor.parts).split())


def feedback_leaks(page, hidden_lines):
    """Hidden-test lines that a student could read in a feedback page.

    Lines that are only a string literal are the messages of hidden
    assertions, written for students; they are allowed.
    """
    text = html_text(page)
    return [
        line
        for line in hidden_lines
        if not re.match(r"""^[rbfu]*["']""", line) and " ".join(line.split()) in text
    ]


def _failed_cells(autograded_path):
    """`{grade_id: error message}` of the test cells that raised, from an autograded notebook."""
    failed = {}
    for cell in _read(autograded_path)["cells"]:
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                failed[_grade_id(cell)] = f"{output['ename']}: {output['evalue']}"
    return failed


def _unfiltered_feedback(autograded_path):
    """nbgrader's feedback page without the hidden-test filter, for the leak check's control."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(autograded_path, as_version=4)
    return HTMLExporter(template_name="classic").from_notebook_node(notebook)[0]


# ---------------------------------------------------------------- autograding


def students(assignment):
    """The ids under which `check_assignment` submits each notebook set of an assignment."""
    wrong = [WRONG_PREFIX + path.stem for path in wrong_submissions(assignment)]
    return [SOLUTION_STUDENT, RELEASE_STUDENT, *wrong]


def _submissions(assignment, released):
    """`{student: {notebook file: notebook}}` and the parts each wrong submission loses."""
    notebooks = notebook_names(assignment)
    submissions = {
        SOLUTION_STUDENT: {nb: _read(SOURCE / assignment / nb) for nb in notebooks},
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


def check_assignment(assignment, *, only=None, quick=True, keep=None, backend=DEFAULT_BACKEND):
    """Autogrades the solution, the release and the wrong submissions of one assignment.

    Everything runs in a temporary course root; `only` restricts the run to
    some of the `students(assignment)`, `keep` names a folder to copy the
    course root to for inspection; the grading kernels run on the Keras
    `backend`. Returns a JSON-serialisable dict, keyed by
    student where it describes a submission: the scores per test cell
    (`"scores": {student: {grade_id: [score, max]}}`), the parts each wrong
    submission declares it loses, the wall and CPU seconds of each autograding
    run, what each feedback page shows, the hidden-test lines found in it with
    and without the filter of `nbgrader_config.py`, and how the committed
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
        root = _copy_course(tmp, [assignment])
        api = _api(root)
        _run(api.generate_assignment(assignment), f"generate_assignment {assignment}")
        fresh = _tree(root / "release" / assignment)
        committed = _tree(RELEASE / assignment) if (RELEASE / assignment).exists() else {}
        result["stale"] = _differences(
            {f"{assignment}/{p}": data for p, data in fresh.items()},
            {f"{assignment}/{p}": data for p, data in committed.items()},
        )
        released = {
            nb: _read((RELEASE if nb in committed else root / "release") / assignment / nb)
            for nb in notebooks
        }
        submissions, losses = _submissions(assignment, released)
        graded = [student for student in submissions if only is None or student in only]
        for student in graded:
            _submit(root, student, assignment, submissions[student])
            if student in losses:
                result["expected_losses"][student] = losses[student]
        with _kernel_environment(quick, backend):
            for student in graded:
                start, cpu_start = time.perf_counter(), _cpu_seconds()
                _run(api.autograde(assignment, student), f"autograde {assignment} {student}")
                result["seconds"][student] = round(time.perf_counter() - start, 1)
                result["cpu_seconds"][student] = round(_cpu_seconds() - cpu_start, 1)
        _run(api.generate_feedback(assignment), f"generate_feedback {assignment}")

        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            for student in graded:
                submission = gradebook.find_submission(assignment, student)
                result["scores"][student] = {
                    grade.name: [grade.score, grade.max_score]
                    for notebook in submission.notebooks
                    for grade in notebook.grades
                }
        for student in graded:
            pages, failed, unfiltered = [], {}, []
            for nb in notebooks:
                page = root / "feedback" / student / assignment / f"{pathlib.Path(nb).stem}.html"
                pages.append(page.read_text())
                autograded = root / "autograded" / student / assignment / nb
                failed.update(_failed_cells(autograded))
                unfiltered += feedback_leaks(_unfiltered_feedback(autograded), hidden)
            text = html_text("\n".join(pages))
            result["feedback"][student] = {
                "scores_shown": re.findall(r"\(Score: ([\d.]+) / ([\d.]+)\)", text)[:1],
                "failed": failed,
                "messages_shown": {
                    gid: " ".join(message.split()) in text for gid, message in failed.items()
                },
            }
            result["feedback_leaks"][student] = feedback_leaks("\n".join(pages), hidden)
            result["unfiltered_feedback_leaks"][student] = unfiltered
        if keep is not None:
            shutil.copytree(root, pathlib.Path(keep) / assignment, dirs_exist_ok=True)
    return result


def problems(result):
    """What is wrong with one assignment's autograding, as messages (empty if all is well)."""
    name, found = result["assignment"], []
    if result["stale"]:
        found.append(f"{name}: the committed release is stale: {result['stale']}")
    for student, grades in result["scores"].items():
        total, maximum = _total(grades)
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
    if not any(result["unfiltered_feedback_leaks"].values()):
        found.append(f"{name}: the leak check finds nothing even in unfiltered feedback")
    if not wrong_submissions(name):
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
    missing = sorted(set(students(name)) - set(result["scores"]))
    if missing:
        found.append(f"{name}: not graded: {missing}")
    return found


def _merge(results):
    """Joins the results of runs on disjoint sets of students of the same assignments."""
    merged = {}
    for result in results:
        if result["assignment"] not in merged:
            merged[result["assignment"]] = copy.deepcopy(result)
            continue
        into = merged[result["assignment"]]
        into["stale"] = sorted(set(into["stale"]) | set(result["stale"]))
        for key, value in result.items():
            if isinstance(value, dict):
                into[key].update(value)
    return merged


def autograde_check(names=None, *, quick=True, jobs=2, keep=None, backend=DEFAULT_BACKEND):
    """Runs `check_assignment` for the given assignments (default: all).

    With `jobs > 1` the submissions are shared among `jobs` Python processes,
    each running the command `autograde-check --only <assignment>/<student>...
    --jobs 1`, since nbgrader's API is not made for threads. Returns one
    result per assignment, in the order of `names`.
    """
    names = list(names or assignments())
    if jobs <= 1:
        return [check_assignment(name, quick=quick, keep=keep, backend=backend) for name in names]
    # Contiguous shares of about equal cost (a release grades in about half the
    # time of a solution), so that at most `jobs - 1` assignments are split
    # between processes and set up twice.
    units = [(name, student) for name in names for student in students(name)]
    costs = [0.5 if student == RELEASE_STUDENT else 1.0 for _, student in units]
    shares, done = [[] for _ in range(jobs)], 0.0
    for unit, cost in zip(units, costs, strict=True):
        shares[min(int(jobs * done / sum(costs)), jobs - 1)].append(unit)
        done += cost
    with tempfile.TemporaryDirectory() as tmp:
        workers = []
        for index, share in enumerate(s for s in shares if s):
            output = pathlib.Path(tmp) / f"worker{index}.json"
            command = [sys.executable, __file__, "autograde-check", "--jobs", "1"]
            command += ["--backend", backend]
            command += ["--json", str(output), "--only", *(f"{a}/{s}" for a, s in share)]
            if not quick:
                command.append("--full")
            if keep is not None:
                command += ["--keep", str(pathlib.Path(keep) / f"worker{index}")]
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            workers.append((share, output, process))
        results = []
        for share, output, process in workers:
            log = process.communicate()[0]
            if not output.exists():
                raise RuntimeError(f"autograde-check of {share} crashed:\n{log}")
            results += json.loads(output.read_text())
    merged = _merge(results)
    return [merged[name] for name in names]


def _total(grades):
    return sum(s for s, _ in grades.values()), sum(m for _, m in grades.values())


def summary(results):
    """A table of the scores and of the solution's autograding time, one row per assignment.

    The time covers the whole autograding of the instructor notebook, kernel
    start included: wall-clock seconds, and CPU seconds, which do not depend
    on what else the machine is running (the load average, printed last,
    tells how far the wall-clock seconds are inflated).
    """
    rows = [
        f"{'assignment':<27} {'solution':>8} {'release':>8}  {'wrong submissions':<18} "
        "solution run: wall s, CPU s"
    ]
    for result in results:
        scores = result["scores"]
        totals = {student: "{:g}/{:g}".format(*_total(g)) for student, g in scores.items()}
        wrong = ", ".join(totals[s] for s in sorted(scores) if s.startswith(WRONG_PREFIX))
        seconds = result["seconds"][SOLUTION_STUDENT]
        slow = result["quick"] and seconds > QUICK_BUDGET_SECONDS
        rows.append(
            f"{result['assignment']:<27} {totals[SOLUTION_STUDENT]:>8} "
            f"{totals.get(RELEASE_STUDENT, '-'):>8}  {wrong:<18} {seconds:>6.1f} "
            f"{result['cpu_seconds'][SOLUTION_STUDENT]:>6.1f}"
            + (" (wall time over the 60 s budget)" if slow else "")
        )
    backends = sorted({result.get("backend", DEFAULT_BACKEND) for result in results})
    rows.append(f"grading kernels on the Keras backend: {', '.join(backends)}")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    rows.append(f"load average of the machine at the end (1, 5, 15 min): {load}")
    return "\n".join(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate", help="rewrite release/ from source/")
    commands.add_parser("check-release", help="fail if release/ is stale or leaks")
    check = commands.add_parser("autograde-check", help="autograde and check every assignment")
    check.add_argument("assignments", nargs="*", help="default: all")
    check.add_argument("--full", action="store_true", help="full mode instead of quick mode")
    check.add_argument("--jobs", type=int, default=2, help="grading processes run in parallel")
    check.add_argument(
        "--backend",
        choices=BACKENDS,
        default=DEFAULT_BACKEND,
        help="Keras backend of the grading kernels (default: %(default)s)",
    )
    check.add_argument("--json", type=pathlib.Path, help="also write the results here")
    check.add_argument("--keep", type=pathlib.Path, help="copy the graded course roots here")
    check.add_argument(
        "--only",
        nargs="+",
        metavar="ASSIGNMENT/STUDENT",
        default=[],
        help=f"grade only these submissions; students are {SOLUTION_STUDENT}, "
        f"{RELEASE_STUDENT} and {WRONG_PREFIX}<file name> (used by parallel runs)",
    )
    args = parser.parse_args(argv)

    if args.command == "generate":
        for name in generate():
            print(f"release/{name}: generated")
        return 0
    if args.command == "check-release":
        messages = stale_release()
        if messages:
            messages.append("run `python tools/exercises.py generate` and commit release/")
        messages += [
            f"{path}: {kind} text in the release: {line}" for path, kind, line in release_leaks()
        ]
        print("\n".join(messages) or "release/ is up to date and reveals no answer or hidden test")
        return 1 if messages else 0
    only = {}
    for item in args.only:
        name, _, student = item.partition("/")
        only.setdefault(name, set()).add(student)
    names = args.assignments or sorted(only) or assignments()
    unknown = sorted(set(names) - set(assignments()))
    if unknown:
        parser.error(f"unknown assignments {unknown}; known: {assignments()}")
    if only:  # one share of a parallel run: the parent process checks the results
        results = [
            check_assignment(
                name,
                only=only.get(name, set()),
                quick=not args.full,
                keep=args.keep,
                backend=args.backend,
            )
            for name in names
        ]
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
        return 0
    results = autograde_check(
        names, quick=not args.full, jobs=args.jobs, keep=args.keep, backend=args.backend
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    found = [message for result in results for message in problems(result)]
    print(summary(results))
    print("\n".join(found) or "every assignment grades as expected")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
