"""nbgrader in a temporary course root: the student release, made and checked."""

import functools
import os
import pathlib
import shutil
import sys
import tempfile
import warnings

from .notebooks import (
    CONFIG_FILE,
    COURSE,
    HIDDEN_MARKERS,
    RELEASE,
    SOLUTION_MARKERS,
    SOURCE,
    assignments,
    notebook_names,
    notebook_text,
    secret_lines,
)


def copy_course(workdir, names):
    """A course root in `workdir` with the configuration and the given sources."""
    workdir = pathlib.Path(workdir)
    shutil.copy(COURSE / CONFIG_FILE, workdir / CONFIG_FILE)
    for name in names:
        shutil.copytree(SOURCE / name, workdir / "source" / name)
    return workdir


def nbgrader_api(root):
    """An nbgrader API object for the course root `root`, with its configuration."""
    import nbgrader.api
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader runs the `alembic` command of its environment to open a new
    # gradebook; find it even when that environment is not activated.
    bin_dir = str(pathlib.Path(sys.executable).parent)
    if bin_dir not in os.environ["PATH"].split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ["PATH"]
    # `alembic heads` (about 3 CPU seconds) answers the same for every gradebook of
    # this nbgrader: ask once per process, not once per course root.
    if not hasattr(nbgrader.api.get_alembic_version, "cache_info"):
        nbgrader.api.get_alembic_version = functools.cache(nbgrader.api.get_alembic_version)
    # nbgrader 0.9 adds rows in a way SQLAlchemy 2 warns about; the rows are saved.
    warnings.filterwarnings("ignore", message=r".*not in session", module="nbgrader")
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    config.Exchange.root = str(pathlib.Path(root) / "exchange")
    config.NbGraderAPI.log_level = "WARN"
    return NbGraderAPI(config=config)


def run_step(result, what):
    """Raises with nbgrader's log when one of its steps crashed."""
    if not result["success"]:
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('error', '')}\n{result['log']}")
    return result


def generate_release(workdir, names):
    api = nbgrader_api(workdir)
    for name in names:
        run_step(api.generate_assignment(name), f"generate_assignment {name}")
    return pathlib.Path(workdir) / "release"


def files(folder):
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


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files(folder)}


def generate():
    """Rewrites `course/exercises/release/` from the instructor sources."""
    names = assignments()
    with tempfile.TemporaryDirectory() as tmp:
        generated = generate_release(copy_course(tmp, names), names)
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
    committed = tree(release) if release.exists() else {}
    if names is None:
        names = assignments()
    else:
        committed = {p: data for p, data in committed.items() if p.split("/")[0] in names}
    with tempfile.TemporaryDirectory() as tmp:
        fresh = tree(generate_release(copy_course(tmp, names), names))
    return differences(fresh, committed)


def differences(fresh, committed):
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
        for path in files(release / name):
            text = notebook_text(path) if path.suffix == ".ipynb" else path.read_text()
            relative = path.relative_to(release.parent).as_posix()
            for marker in (*SOLUTION_MARKERS, *HIDDEN_MARKERS):
                if marker in text:
                    leaks.append((relative, "marker", marker))
            for kind, lines in secrets.items():
                leaks += [(relative, kind, line) for line in sorted(lines) if line in text]
    return leaks
