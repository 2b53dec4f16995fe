"""The student's workspace: a copy of the course that JupyterLab opens, outside git.

`make lab` serves `workspace/` (ignored by git), never `course/` itself: running
a lecture rewrites its outputs, and the *Validate* button saves the notebook,
so a student working in `course/` would change tracked files, clash with the
next `git pull` and lose their notes on it. The workspace holds

- the lecture notebooks, `NN_topic.ipynb` (their `.md` pairs are the source
  that reviewers read; they stay in `course/`), and
- the released exercises, `exercises/<assignment>/<assignment>.ipynb`.

A manifest (`.course-manifest.json`, hidden in JupyterLab) records the hash of
every file as it was copied, so a file the student changed is recognised and
never overwritten.

    python tools/workspace.py init     # create the workspace on first use
    python tools/workspace.py update   # bring in new and changed course files
    python tools/workspace.py lab      # init, then start JupyterLab on it

`update` copies a course file when the student's copy is missing or still the
one copied last time; it skips (and says so) every file the student changed.
`lab` starts JupyterLab with the project's Jupyter configuration
(`tools/jupyter/`), whatever the user's own: nbgrader shows students only its
*Validate* button, and JupyterLab does not ask to fetch news.
"""

import argparse
import hashlib
import json
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
RELEASE = COURSE / "exercises" / "release"
WORKSPACE = ROOT / "workspace"
# The Keras backends the course runs on; the lab's kernels use KERAS_BACKEND.
BACKENDS = ("tensorflow", "jax", "torch")
DEFAULT_BACKEND = "jax"  # the fastest on the course's notebooks (README)
JUPYTER_CONFIG = ROOT / "tools" / "jupyter"
MANIFEST = ".course-manifest.json"


def course_files():
    """What the workspace holds: `{path in the workspace: path in the repository}`."""
    files = {path.name: path for path in sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))}
    for path in sorted(RELEASE.glob("*/*.ipynb")):
        files[f"exercises/{path.parent.name}/{path.name}"] = path
    return files


def _digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def _read_manifest(workspace):
    path = pathlib.Path(workspace) / MANIFEST
    return json.loads(path.read_text()) if path.exists() else {}


def _write_manifest(workspace, manifest):
    path = pathlib.Path(workspace) / MANIFEST
    path.write_text(json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")


def update(workspace=WORKSPACE, files=None):
    """Copies new and changed course files into `workspace`, keeping the student's edits.

    A course file is copied when the workspace has no file of that name, or
    when the student's file is still exactly the copy recorded in the
    manifest. A file the student changed is left alone, even when the course
    changed it too.

    Returns:
        A dict with keys `"added"`, `"updated"`, `"kept"` (course file changed,
        student's copy left alone), each a sorted list of workspace paths.
    """
    workspace = pathlib.Path(workspace)
    files = course_files() if files is None else files
    manifest = _read_manifest(workspace)
    result = {"added": [], "updated": [], "kept": []}
    for name, source in sorted(files.items()):
        target, new, copied = workspace / name, _digest(source), manifest.get(name)
        if not target.exists():
            result["added"].append(name)
        elif _digest(target) == new:
            manifest[name] = new
            continue
        elif new == copied:  # the student changed it, the course did not
            continue
        elif _digest(target) == copied:
            result["updated"].append(name)
        else:
            result["kept"].append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        manifest[name] = new
    workspace.mkdir(parents=True, exist_ok=True)
    _write_manifest(workspace, manifest)
    return result


def init(workspace=WORKSPACE, files=None):
    """Creates the workspace on first use; returns None when it already exists.

    An existing workspace is left exactly as it is (`update` brings in course
    changes), so starting the lab again never touches a student's file.
    """
    workspace = pathlib.Path(workspace)
    if (workspace / MANIFEST).exists():
        return None
    return update(workspace, files)


def report(result, workspace=WORKSPACE):
    """The lines that tell a student what `update` did."""
    lines = [f"added   {name}" for name in result["added"]]
    lines += [f"updated {name}" for name in result["updated"]]
    lines += [
        f"skipped {name}: you changed it since it was copied, and the course has a new "
        f"version. Rename your file to keep it, then run `make update-course` again "
        "to get the new one."
        for name in result["kept"]
    ]
    if not lines:
        lines = [f"{workspace} is up to date with the course."]
    return lines


def lab_environment(workspace=WORKSPACE, environ=None):
    """The environment JupyterLab runs in: the project's Jupyter configuration.

    Its kernels use the Keras backend named by KERAS_BACKEND (JAX when it is
    unset); any other value than the three backends raises a ValueError.

    Settings changed in JupyterLab (theme, layout) are saved in the hidden
    folder `.jupyter/` of the workspace, not in the repository.
    """
    workspace = pathlib.Path(workspace).resolve()
    env = dict(os.environ if environ is None else environ)
    env["JUPYTER_CONFIG_DIR"] = str(JUPYTER_CONFIG)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(workspace / ".jupyter" / "user-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(workspace / ".jupyter" / "workspaces")
    backend = env.setdefault("KERAS_BACKEND", DEFAULT_BACKEND)
    if backend not in BACKENDS:
        allowed = ", ".join(repr(b) for b in BACKENDS)
        raise ValueError(
            f"KERAS_BACKEND must be one of {{{allowed}}}. Received: KERAS_BACKEND={backend!r} "
            "(choose the course's backend with `make lab COURSE_BACKEND=tensorflow`, for example)"
        )
    # nbgrader, python and pip of the course environment in JupyterLab's terminals.
    bin_dir = str(pathlib.Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


def lab_command(workspace=WORKSPACE, extra=()):
    """The command that starts JupyterLab on `workspace`."""
    command = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={workspace}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines run as root
    return command + list(extra)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("init", "update", "lab"))
    parser.add_argument("--workspace", type=pathlib.Path, default=WORKSPACE)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    workspace = args.workspace.resolve()
    if args.command == "update":
        print("\n".join(report(update(workspace), workspace)))
        return 0
    if args.command == "lab":
        try:
            environment = lab_environment(workspace)
        except ValueError as error:
            parser.exit(2, f"{parser.prog} lab: {error}\n")
    created = init(workspace)
    if created is not None:
        print(
            f"Created your workspace, {workspace}, "
            f"from the course: {len(created['added'])} notebooks."
        )
    else:
        print(f"Your workspace: {workspace} (`make update-course` brings in course changes).")
    if args.command == "lab":
        sys.stdout.flush()
        command = lab_command(workspace, extra)
        os.execve(command[0], command, environment)
    return 0


if __name__ == "__main__":
    sys.exit(main())
