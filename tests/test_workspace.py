"""The student's workspace (tools/workspace.py): what it copies, and what it never overwrites."""

import importlib.util
import json
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("workspace", ROOT / "tools" / "workspace.py")
workspace = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(workspace)


@pytest.fixture
def course(tmp_path):
    """A small course: two lectures and an exercise, as `{workspace path: source}`."""
    source = tmp_path / "course"
    source.mkdir()
    files = {}
    for name, text in [
        ("00_welcome.ipynb", "welcome v1"),
        ("01_pca.ipynb", "pca v1"),
        ("exercises/01_pca/01_pca.ipynb", "exercise v1"),
    ]:
        path = source / name.replace("/", "_")
        path.write_text(text)
        files[name] = path
    return files


def test_course_files_are_the_lecture_notebooks_and_the_released_exercises():
    files = workspace.course_files()
    lectures = sorted(p.stem for p in (ROOT / "course").glob("[0-9][0-9]_*.md"))
    assert [name for name in files if "/" not in name] == [f"{s}.ipynb" for s in lectures]
    exercises = sorted((ROOT / "course" / "exercises" / "release").glob("*/*.ipynb"))
    assignments = [p for p in (ROOT / "course" / "exercises" / "source").iterdir() if p.is_dir()]
    assert len(exercises) == len(assignments) >= 8
    for path in exercises:
        assert files[f"exercises/{path.parent.name}/{path.name}"] == path
    assert not [name for name in files if not name.endswith(".ipynb")]


def test_workspace_init_copies_the_course_and_records_its_hashes(tmp_path, course):
    target = tmp_path / "workspace"
    result = workspace.init(target, course)
    assert result["added"] == sorted(course)
    for name, source in course.items():
        assert (target / name).read_text() == source.read_text()
    manifest = json.loads((target / workspace.MANIFEST).read_text())
    assert manifest == {name: workspace._digest(source) for name, source in course.items()}


def test_workspace_init_again_never_overwrites_a_student_edit(tmp_path, course):
    target = tmp_path / "workspace"
    workspace.init(target, course)
    (target / "01_pca.ipynb").write_text("my notes")
    course["01_pca.ipynb"].write_text("pca v2")
    assert workspace.init(target, course) is None
    assert (target / "01_pca.ipynb").read_text() == "my notes"


def test_workspace_update_brings_in_course_changes_and_keeps_student_edits(tmp_path, course):
    target = tmp_path / "workspace"
    workspace.init(target, course)
    (target / "01_pca.ipynb").write_text("my answers")  # changed by the student and the course
    (target / "exercises/01_pca/01_pca.ipynb").write_text("my exercise")  # by the student only
    course["00_welcome.ipynb"].write_text("welcome v2")  # by the course only
    course["01_pca.ipynb"].write_text("pca v2")
    new_lecture = course["00_welcome.ipynb"].with_name("02_new.ipynb")
    new_lecture.write_text("new lecture")
    course["02_new.ipynb"] = new_lecture

    result = workspace.update(target, course)

    assert result == {
        "added": ["02_new.ipynb"],
        "updated": ["00_welcome.ipynb"],
        "kept": ["01_pca.ipynb"],
    }
    assert (target / "00_welcome.ipynb").read_text() == "welcome v2"
    assert (target / "01_pca.ipynb").read_text() == "my answers"
    assert (target / "exercises/01_pca/01_pca.ipynb").read_text() == "my exercise"
    assert (target / "02_new.ipynb").read_text() == "new lecture"
    lines = workspace.report(result, target)
    assert lines[:2] == ["added   02_new.ipynb", "updated 00_welcome.ipynb"]
    assert lines[2].startswith("skipped 01_pca.ipynb: you changed it")
    # The skipped file stays skipped, and an update with nothing new says so.
    assert workspace.update(target, course)["kept"] == ["01_pca.ipynb"]
    (target / "01_pca.ipynb").rename(target / "01_pca_mine.ipynb")
    assert workspace.update(target, course)["added"] == ["01_pca.ipynb"]
    assert workspace.report(workspace.update(target, course), target) == [
        f"{target} is up to date with the course."
    ]


def test_workspace_update_skips_a_file_the_student_made_before_the_course_did(tmp_path, course):
    target = tmp_path / "workspace"
    target.mkdir()
    (target / "01_pca.ipynb").write_text("mine")
    result = workspace.update(target, course)
    assert result["kept"] == ["01_pca.ipynb"]
    assert (target / "01_pca.ipynb").read_text() == "mine"


def test_workspace_main_update_prints_what_it_skipped(tmp_path, course, monkeypatch, capsys):
    target = tmp_path / "workspace"
    monkeypatch.setattr(workspace, "course_files", lambda: course)
    assert workspace.main(["init", "--workspace", str(target)]) == 0
    (target / "01_pca.ipynb").write_text("mine")
    course["01_pca.ipynb"].write_text("pca v2")
    capsys.readouterr()
    assert workspace.main(["update", "--workspace", str(target)]) == 0
    assert "skipped 01_pca.ipynb: you changed it" in capsys.readouterr().out


def test_lab_uses_the_project_jupyter_settings_not_the_users(tmp_path):
    env = workspace.lab_environment(tmp_path, {"PATH": "/usr/bin", "JUPYTER_CONFIG_DIR": "/home"})
    assert env["JUPYTER_CONFIG_DIR"] == str(ROOT / "tools" / "jupyter")
    assert env["JUPYTERLAB_SETTINGS_DIR"].startswith(str(tmp_path.resolve()))
    assert env["JUPYTERLAB_WORKSPACES_DIR"].startswith(str(tmp_path.resolve()))
    command = workspace.lab_command(tmp_path, ["--no-browser"])
    assert f"--notebook-dir={tmp_path}" in command and command[-1] == "--no-browser"


def test_lab_settings_show_students_only_validate_and_no_news():
    config = ROOT / "tools" / "jupyter"
    disabled = json.loads((config / "labconfig" / "page_config.json").read_text())
    assert set(disabled["disabledExtensions"]) == {
        f"@jupyter/nbgrader:{name}"
        for name in ("assignment-list", "course-list", "create-assignment", "formgrader", "menu")
    }
    server = (config / "jupyter_server_config.py").read_text()
    assert '"nbgrader.server_extensions.validate_assignment": True' in server
    for name in ("formgrader", "assignment_list", "course_list"):
        assert f'"nbgrader.server_extensions.{name}": False' in server
    overrides = json.loads((config / "lab-settings" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_lab_runs_on_the_backend_the_student_chooses():
    make = subprocess.run(
        ["make", "-n", "lab", "COURSE_BACKEND=jax"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "KERAS_BACKEND=jax " in make.stdout
    default = subprocess.run(
        ["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert f"KERAS_BACKEND={workspace.DEFAULT_BACKEND} " in default.stdout, (
        "`make lab` and tools/workspace.py should agree on the course's default backend"
    )
    env = workspace.lab_environment(
        ROOT / "workspace", {"PATH": "/usr/bin", "KERAS_BACKEND": "torch"}
    )
    assert env["KERAS_BACKEND"] == "torch"
    assert workspace.lab_environment(ROOT / "workspace", {"PATH": "/usr/bin"})["KERAS_BACKEND"] == (
        workspace.DEFAULT_BACKEND
    )


def test_lab_refuses_a_misspelt_backend_before_creating_the_workspace(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("KERAS_BACKEND", "tensorflw")
    with pytest.raises(SystemExit) as exit_info:
        workspace.main(["lab", "--workspace", str(tmp_path / "ws")])
    assert exit_info.value.code == 2
    message = capsys.readouterr().err
    assert "KERAS_BACKEND must be one of {'tensorflow', 'jax', 'torch'}" in message
    assert "Received: KERAS_BACKEND='tensorflw'" in message
    assert not (tmp_path / "ws").exists()
