"""Autograding shared among several processes: nbgrader's API is not made for threads."""

import copy
import json
import pathlib
import subprocess
import sys
import tempfile

from .autograde import DEFAULT_BACKEND, check_assignment
from .notebooks import ROOT, assignments
from .submissions import RELEASE_STUDENT, SOLUTION_STUDENT, students

# The command line that each process runs with `--only`.
SCRIPT = ROOT / "tools" / "exercises.py"


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


def autograde_check(
    names=None, *, quick=True, jobs=2, keep=None, backend=DEFAULT_BACKEND, solutions_only=False
):
    """Runs `check_assignment` for the given assignments (default: all).

    `solutions_only` grades the instructor notebooks alone (to check them on
    another backend). With `jobs > 1` the submissions are shared among `jobs` Python processes,
    each running the command `autograde-check --only <assignment>/<student>...
    --jobs 1`, since nbgrader's API is not made for threads. Returns one
    result per assignment, in the order of `names`.
    """
    names = list(names or assignments())
    only = {SOLUTION_STUDENT} if solutions_only else None
    if jobs <= 1:
        return [
            check_assignment(name, only=only, quick=quick, keep=keep, backend=backend)
            for name in names
        ]
    # Contiguous shares of about equal cost (a release grades in about half the
    # time of a solution), so that at most `jobs - 1` assignments are split
    # between processes and set up twice.
    units = [
        (name, student)
        for name in names
        for student in students(name)
        if only is None or student in only
    ]
    costs = [0.5 if student == RELEASE_STUDENT else 1.0 for _, student in units]
    shares, done = [[] for _ in range(jobs)], 0.0
    for unit, cost in zip(units, costs, strict=True):
        shares[min(int(jobs * done / sum(costs)), jobs - 1)].append(unit)
        done += cost
    with tempfile.TemporaryDirectory() as tmp:
        workers = []
        for index, share in enumerate(s for s in shares if s):
            output = pathlib.Path(tmp) / f"worker{index}.json"
            command = [sys.executable, str(SCRIPT), "autograde-check", "--jobs", "1"]
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
