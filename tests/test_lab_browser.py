"""The student's path through the course, in JupyterLab, in a real browser.

Starts the lab as `make lab` does (`tools/workspace.py lab`) on a temporary
workspace, a free port and a token, in an environment without
TF_CPP_MIN_LOG_LEVEL (as a lab started any other way, e.g. the README's conda
route, would have), and drives Debian's headless Chromium with selenium:

1. the file browser lists each lecture once, as a notebook; no news prompt;
2. a lecture runs top to bottom with *Restart Kernel and Run All Cells* in
   quick mode, without an error, a stderr box or a TensorFlow log line, and
   the repository's tracked files are unchanged afterwards;
3. an exercise opens from the workspace, and *Validate* (and `nbgrader
   validate` in a shell) says which parts are unanswered;
4. no nbgrader menu that a student sees shows an error, and the instructor's
   tools are not offered;
5. the server log has no nbgrader warning or error.

A screenshot of each step goes to `build/lab-screenshots/`. `make test-lab`
runs this file (and `make test` runs `make test-lab`); the library test runs,
once per backend, skip it.
"""

import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "lab-screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
LECTURE = "01_linear_autoencoder_and_pca.ipynb"  # runs in about 30 s in quick mode
EXERCISE = "exercises/02_kl_sparsity/02_kl_sparsity.ipynb"
RUN_TIMEOUT = 240  # seconds for the lecture's Run All (about 30 s on an idle machine)
TENSORFLOW_LOG = re.compile(r"absl::InitializeLog|cpu_feature_guard|oneDNN|tensorflow/")
STDERR = '[data-mime-type="application/vnd.jupyter.stderr"]'  # stderr streams and errors

pytestmark = pytest.mark.skipif(
    os.environ.get("KERAS_AE_LAB_TEST") != "1",
    reason="the browser test runs once, in `make test-lab` (KERAS_AE_LAB_TEST=1), "
    "not in each backend's pass of the library tests",
)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _git_state():
    """What git says of the repository: status and the diff of tracked files."""
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    diff = subprocess.run(["git", "diff"], cwd=ROOT, capture_output=True, check=True).stdout
    return status, diff


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server started as `make lab` starts it, on a temporary workspace."""
    workspace = tmp_path_factory.mktemp("lab") / "workspace"
    port, token = _free_port(), os.urandom(12).hex()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "JUPYTER"))}
    env.update(KERAS_AE_QUICK="1", PYTHONPATH=str(ROOT))
    # KERAS_BACKEND: `make test-lab` passes the lab's (COURSE_BACKEND); unset, the lab's default
    log_path = workspace.parent / "server.log"
    git_before = _git_state()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "workspace.py"), "lab"]
            + [f"--workspace={workspace}", "--no-browser", f"--port={port}"]
            + [f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{log_path.read_text()}")
                time.sleep(0.5)
        yield {
            "url": url,
            "token": token,
            "workspace": workspace,
            "log": log_path,
            "env": env,
            "git_before": git_before,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("install Debian's chromium and chromium-driver (apt-get install)")
    profile = ROOT / "build" / "lab-chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver, condition, timeout=60, message=""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.5).until(condition, message)


def _shot(driver, name):
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def _css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def _open(driver, lab, path=""):
    # A fresh layout each time (`reset`): only the file browser and `path` are open.
    where = f"/tree/{path}" if path else ""
    driver.get(f"{lab['url']}/lab{where}?reset&token={lab['token']}")
    _wait(driver, lambda d: _css(d, ".jp-DirListing-item"), message="no file browser")


def _open_menu(driver, title):
    """Clicks `title` in the menu bar; returns the labels of the menu's items."""
    for entry in _css(driver, ".lm-MenuBar-item"):
        if entry.text.strip() == title:
            entry.click()
            break
    else:
        pytest.fail(f"no menu {title!r}")
    items = _wait(
        driver, lambda d: [i for i in _css(d, ".lm-Menu-item") if i.is_displayed()], timeout=10
    )
    return [item.text.strip() for item in items if item.text.strip()]


def _menu(driver, title, item):
    """Clicks `title` in the menu bar, then the item labelled `item`."""
    _open_menu(driver, title)
    _wait(driver, lambda d: _menu_item(d, item), timeout=10).click()


def _menu_item(driver, label):
    for entry in _css(driver, ".lm-Menu-item"):
        if entry.text.strip().startswith(label) and entry.is_displayed():
            return entry
    return None


def _toasts(driver):
    return " ".join(element.text for element in _css(driver, ".Toastify__toast"))


def _notebook_panel(driver):
    panels = [p for p in _css(driver, ".jp-NotebookPanel") if p.is_displayed()]
    return panels[0] if panels else None


def _kernel_idle(driver):
    from selenium.webdriver.common.by import By

    panel = _notebook_panel(driver)
    if panel is None:
        return False
    prompts = [p.text for p in panel.find_elements(By.CSS_SELECTOR, ".jp-CodeCell .jp-InputPrompt")]
    return prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)


def test_file_browser_lists_each_lecture_once(lab, browser):
    _open(browser, lab)
    time.sleep(3)  # JupyterLab would show its news prompt by now
    _shot(browser, "01_file_browser")
    names = [
        item.find_element("css selector", ".jp-DirListing-itemText").text
        for item in _css(browser, ".jp-DirListing-item")
    ]
    lectures = sorted(p.stem for p in (ROOT / "course").glob("[0-9][0-9]_*.md"))
    for lecture in lectures:
        entries = [name for name in names if name.startswith(lecture)]
        assert entries == [f"{lecture}.ipynb"], f"{lecture} is listed as {entries}"
    assert "exercises" in names, f"no exercises folder in the workspace: {names}"
    assert not [name for name in names if name.endswith(".md")], names
    assert "news" not in _toasts(browser).lower(), f"news prompt: {_toasts(browser)}"


def test_lecture_runs_top_to_bottom_without_error_or_stderr(lab, browser):
    _open(browser, lab, LECTURE)
    _wait(browser, lambda d: _notebook_panel(d), message="the lecture did not open")
    _wait(browser, lambda d: "Idle" in d.find_element("css selector", "body").text, timeout=60)
    _shot(browser, "02_lecture_opened")
    start = time.monotonic()
    _menu(browser, "Kernel", "Restart Kernel and Run All Cells")
    _wait(browser, lambda d: _css(d, ".jp-Dialog .jp-mod-accept"), timeout=10)[0].click()
    _wait(browser, lambda d: not _kernel_idle(d), timeout=60, message="Run All did not start")
    deadline = start + RUN_TIMEOUT
    while True:  # fail at the first error or stderr box, without waiting for the end
        boxes = _notebook_panel(browser).find_elements("css selector", STDERR)
        if boxes or _kernel_idle(browser) or time.monotonic() > deadline:
            break
        time.sleep(1)
    elapsed = time.monotonic() - start
    if boxes:
        browser.execute_script("arguments[0].scrollIntoView()", boxes[0])
    _shot(browser, "03_lecture_after_run_all")
    assert not boxes, f"stderr or error output in {LECTURE}: {boxes[0].text[:2000]}"
    assert _kernel_idle(browser), f"Run All did not finish in {RUN_TIMEOUT} s"
    print(f"{LECTURE}: Restart Kernel and Run All in {elapsed:.0f} s")
    # What the kernel writes to its own stderr (TensorFlow's C++ log) lands in the
    # server's log, or in a stderr box with some versions of ipykernel: neither.
    tensorflow_lines = [
        line for line in lab["log"].read_text().splitlines() if TENSORFLOW_LOG.search(line)
    ]
    assert not tensorflow_lines, "TensorFlow logs at start-up:\n" + "\n".join(tensorflow_lines)
    time.sleep(1)
    _menu(browser, "File", "Save Notebook")
    time.sleep(3)
    saved = json.loads((lab["workspace"] / LECTURE).read_text())
    for cell in saved["cells"]:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", output
            assert output.get("name") != "stderr", output


def test_repository_is_unchanged_by_the_run(lab, browser):
    assert _git_state() == lab["git_before"], (
        "running a lecture changed the repository: "
        + subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout
    )


def test_exercise_validate_names_the_unanswered_parts(lab, browser):
    _open(browser, lab, EXERCISE)
    _wait(  # the address follows the current document
        browser,
        lambda d: _notebook_panel(d) and d.current_url.split("?")[0].endswith(EXERCISE),
        message=f"{EXERCISE} is not the open notebook",
    )
    button = _wait(
        browser,
        lambda d: (
            _notebook_panel(d).find_elements("css selector", ".validate-button")
            if _notebook_panel(d)
            else []
        ),
        message="no Validate button",
    )[0]
    _wait(browser, lambda d: "Idle" in d.find_element("css selector", "body").text, timeout=60)
    _shot(browser, "04_exercise_opened")
    browser.execute_script(
        "(arguments[0].querySelector('jp-button, button') || arguments[0]).click()", button
    )
    dialog = _wait(  # validating runs the whole notebook
        browser,
        lambda d: _css(d, ".jp-Dialog .validation-failed, .jp-Dialog .validation-success"),
        timeout=180,
        message="Validate gave no result",
    )[0]
    text = dialog.text
    browser.execute_script(
        "for (const pre of arguments[0].querySelectorAll('pre')) {"
        "  if (pre.textContent.includes('not answered yet')) {"
        "    pre.scrollIntoView(); pre.scrollLeft = pre.scrollWidth; break; } }",
        dialog,
    )
    _shot(browser, "05_exercise_validated")
    assert "validation-failed" in dialog.get_attribute("class"), text
    for part in range(1, 6):
        assert f"Part {part} is not answered yet" in text or f"Part {part} has no" in text, (
            f"Validate does not name unanswered Part {part}:\n{text}"
        )
    assert "NameError" not in text, text
    _css(browser, ".jp-Dialog .jp-mod-accept, .jp-Dialog button")[-1].click()

    shell = subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "nbgrader"), "validate", EXERCISE],
        cwd=lab["workspace"],
        env={**lab["env"], "JUPYTER_CONFIG_DIR": str(ROOT / "tools" / "jupyter")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Part 1 is not answered yet" in shell.stdout, shell.stdout + shell.stderr
    assert "No nbgrader_config.py" not in shell.stdout + shell.stderr


def test_nbgrader_menus_show_no_error_and_no_instructor_tool(lab, browser):
    _open(browser, lab)
    menus = [entry.text.strip() for entry in _css(browser, ".lm-MenuBar-item")]
    for title in menus:
        if title != "Nbgrader":
            continue
        labels = [label.split("\n")[0] for label in _open_menu(browser, "Nbgrader")]
        for label in labels:
            _open(browser, lab)
            _menu(browser, "Nbgrader", label)
            time.sleep(3)
            _shot(browser, f"06_nbgrader_{label.replace(' ', '_')}")
            page = browser.find_element("css selector", "body").text
            assert "error" not in page.lower() and "does not exist" not in page, (
                f"Nbgrader > {label} shows an error:\n{page[:2000]}"
            )
        assert not {"Formgrader", "Create Assignment"} & {label.split(" (")[0] for label in labels}
    _open(browser, lab)
    page = browser.find_element("css selector", "body").text
    _shot(browser, "07_menu_bar")
    assert "Formgrader" not in page and "Create Assignment" not in page
    assert "news" not in _toasts(browser).lower(), f"news prompt: {_toasts(browser)}"


def test_server_log_has_no_nbgrader_warning(lab, browser):
    log = lab["log"].read_text()
    for line in log.splitlines():
        assert "nbgrader_config.py file found" not in line, line
        assert "is not a subdirectory" not in line, line
        assert not line.startswith(("[E ", "[W ")) or "nbgrader" not in line.lower(), line
