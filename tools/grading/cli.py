"""The command line: `python tools/exercises.py generate | check-release | autograde-check`."""

import argparse
import json
import pathlib

from . import __doc__ as DESCRIPTION
from .autograde import BACKENDS, DEFAULT_BACKEND, check_assignment, problems, summary
from .notebooks import assignments
from .parallel import autograde_check
from .release import generate, release_leaks, stale_release
from .submissions import RELEASE_STUDENT, SOLUTION_STUDENT, WRONG_PREFIX


def main(argv=None):
    parser = argparse.ArgumentParser(description=DESCRIPTION.splitlines()[0])
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
    check.add_argument(
        "--solutions-only",
        action="store_true",
        help="grade the instructor notebooks alone (to check them on another backend)",
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
        names,
        quick=not args.full,
        jobs=args.jobs,
        keep=args.keep,
        backend=args.backend,
        solutions_only=args.solutions_only,
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    found = [
        message
        for result in results
        for message in problems(result, solutions_only=args.solutions_only)
    ]
    print(summary(results))
    print("\n".join(found) or "every assignment grades as expected")
    return 1 if found else 0
