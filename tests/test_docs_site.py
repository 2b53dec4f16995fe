"""The built website (`make docs`), read as files and in a real browser.

`make test-docs` builds the site into build/site, then runs this file with
KERAS_AE_DOCS_TEST=1. The checks on the HTML files:

- the exercises' pages show the student versions: no solution code, no
  hidden test, no nbgrader solution or hidden-test marker;
- every public object of keras_ae has an entry in the API reference, with its
  arguments, an example and references where its docstring has them;
- API entries link the lectures that use them, lectures link the entries.

Then Debian's headless Chromium (as in tests/test_lab_browser.py) opens every
page from a local HTTP server and checks: no error in the JavaScript console,
every image loaded, the math rendered by MathJax (no `$...$` left in the
text), every internal link resolves (file and anchor), and the search page
finds `KLSparsity`. Screenshots of the entry page, a lecture and an API page
go to build/docs-screenshots/.
"""

import functools
import html
import http.server
import json
import os
import pathlib
import re
import shutil
import threading
import time
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
SCREENSHOTS = ROOT / "build" / "docs-screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
# Raw TeX left in the text of a page: $...$, $$...$$, \( ... \) or \[ ... \].
RAW_MATH = re.compile(r"\$[^$\s][^$]*\$|\\\(|\\\[")
SCREENSHOT_PAGES = {
    "entry": "index.html",
    "lecture": "course/03_sparse_autoencoders.html",
    "api": "api/regularizers.html",
}

pytestmark = [
    pytest.mark.backend_independent,
    pytest.mark.skipif(
        os.environ.get("KERAS_AE_DOCS_TEST") != "1",
        reason="the website checks run in `make test-docs` (KERAS_AE_DOCS_TEST=1), "
        "which builds the site first",
    ),
]


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").exists():
        pytest.fail("build the site first: make docs")
    return SITE


def _pages(site):
    """Every HTML page of the site, as paths relative to it (not the theme's files)."""
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not path.relative_to(site).as_posix().startswith(("_static/", "_sources/"))
    )


def _text(path):
    """The text of an HTML file, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def _release_and_source():
    for release in sorted((ROOT / "course/exercises/release").glob("*/*.ipynb")):
        source = (
            ROOT
            / "course/exercises/source"
            / release.relative_to(ROOT / "course/exercises/release")
        )
        yield release, source


def _hidden_lines(notebook):
    """The non-trivial lines of code between nbgrader's solution and hidden-test markers."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    lines = set()
    for cell in cells:
        source = "".join(cell["source"])
        for block in SOLUTION.findall(source) + HIDDEN.findall(source):
            lines |= {line.strip() for line in block.splitlines() if len(line.strip()) > 12}
    return lines


def test_exercise_pages_show_the_student_versions_only(site):
    pairs = list(_release_and_source())
    assignments = sorted(p.name for p in (ROOT / "course/exercises/source").iterdir() if p.is_dir())
    assert sorted(release.parent.name for release, _ in pairs) == assignments
    for release, source in pairs:
        page = site / release.relative_to(ROOT).with_suffix(".html")
        text = _text(page)
        assert "YOUR CODE HERE" in text, f"{page.name} is not the student version"
        for marker in MARKERS:
            assert marker not in text, f"{page.name} shows the marker {marker!r}"
        hidden = _hidden_lines(source)
        assert hidden, f"no solution or hidden test found in {source}"
        # Code the student version itself contains (a signature, a check's
        # `assert np.allclose(`) is not a secret: a leak is solution or hidden-test
        # code that the page shows and the student notebook does not.
        student = _text_of_notebook(release).replace("`", "")  # as Markdown renders it
        leaked = sorted(line for line in hidden if line in text and line not in student)
        assert not leaked, f"{page.name} shows solution or hidden-test code: {leaked[:5]}"
    assert not list(site.rglob("*/exercises/source/*")), "the instructors' notebooks are published"


def _text_of_notebook(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells)


def test_api_reference_documents_every_public_object(site):
    import keras_ae

    modules = [m for m in keras_ae.__all__ if m != "__version__"]
    for module_name in modules:
        module = getattr(keras_ae, module_name)
        page = (site / "api" / f"{module_name}.html").read_text(encoding="utf-8")
        for name in module.__all__:
            full = f"keras_ae.{module_name}.{name}"
            assert f'id="{full}"' in page, f"{full} has no entry in api/{module_name}.html"
            docstring = getattr(module, name).__doc__ if callable(getattr(module, name)) else ""
            entry = _entry(page, full)
            for section, rendered in (
                ("Args:", "Parameters"),
                ("Example:", "Example"),
                ("References:", "References"),
            ):
                if docstring and section in docstring:
                    assert rendered in entry, f"{full}'s {section} section is not rendered"


def _entry(page, full):
    """The HTML of one API entry: from its anchor to the next top-level entry."""
    start = page.index(f'id="{full}"')
    end = page.find('<dl class="py ', start + 1)
    nested = page.find("</dl>", start)
    return page[start : end if end != -1 and end > nested else len(page)]


def test_api_entries_and_lectures_link_each_other(site):
    api = (site / "api" / "regularizers.html").read_text(encoding="utf-8")
    entry = _entry(api, "keras_ae.regularizers.KLSparsity")
    assert "Used in the lectures" in entry
    assert 'href="../course/03_sparse_autoencoders.html"' in entry
    lecture = (site / "course" / "03_sparse_autoencoders.html").read_text(encoding="utf-8")
    link = 'href="../api/regularizers.html#keras_ae.regularizers.KLSparsity"'
    listing = lecture[lecture.index('id="keras-ae-in-this-lecture"') :]
    assert link in listing, "lecture 03 does not list KLSparsity among the objects it uses"
    code_link = re.compile(r'class="keras-ae-code-link" ' + re.escape(link))
    assert code_link.search(lecture), "KLSparsity in lecture 03's code does not link its entry"


# The browser.


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("install Debian's chromium and chromium-driver (apt-get install)")
    profile = ROOT / "build" / "docs-chromium-profile"
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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(120)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# Waits for MathJax (when the page loads it) to finish typesetting.
WAIT_FOR_MATH = """
const done = arguments[arguments.length - 1];
if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
  MathJax.startup.promise.then(() => done(true), () => done(false));
} else { done(null); }
"""
# The page's text outside code, scripts and typeset math.
TEXT_OUTSIDE_CODE = """
const clone = document.body.cloneNode(true);
clone.querySelectorAll('pre, code, script, style, mjx-container, .highlight, textarea')
  .forEach((element) => element.remove());
return clone.textContent;
"""
BROKEN_IMAGES = """
return Array.from(document.images)
  .filter((image) => !image.complete || image.naturalWidth === 0)
  .map((image) => image.src);
"""


def _console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _ids(path, cache={}):  # noqa: B006 (a cache across calls)
    if path not in cache:
        cache[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))
    return cache[path]


def _unresolved(site, base, hrefs):
    """The internal links among `hrefs` whose file or anchor does not exist."""
    broken = []
    for href in hrefs:
        if not href.startswith(base):
            continue
        url = urllib.parse.urlsplit(href)
        target = site / urllib.parse.unquote(url.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(href)
        elif url.fragment and target.suffix == ".html":
            if urllib.parse.unquote(url.fragment) not in _ids(target):
                broken.append(href)
    return broken


def test_every_page_in_the_browser(site, server, browser):
    pages = _pages(site)
    assert len(pages) > 30, pages
    problems = []
    start = time.perf_counter()
    for page in pages:
        _console_errors(browser)  # drains what the previous page logged late
        browser.get(server + page)
        math = browser.execute_async_script(WAIT_FOR_MATH)
        if math is False:
            problems.append(f"{page}: MathJax failed")
        errors = _console_errors(browser)
        if errors:
            problems.append(f"{page}: console errors {errors}")
        broken = browser.execute_script(BROKEN_IMAGES)
        if broken:
            problems.append(f"{page}: images that did not load {broken}")
        raw = RAW_MATH.findall(browser.execute_script(TEXT_OUTSIDE_CODE))
        if raw:
            problems.append(f"{page}: math left as TeX {raw[:3]}")
        hrefs = browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href]')).map((a) => a.href);"
        )
        broken_links = _unresolved(site, server, hrefs)
        if broken_links:
            problems.append(f"{page}: links that do not resolve {broken_links[:5]}")
        for name, shot in SCREENSHOT_PAGES.items():
            if page == shot:
                browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    elapsed = time.perf_counter() - start
    print(f"{len(pages)} pages checked in the browser in {elapsed:.0f} s")
    assert not problems, "\n".join(problems)
    assert {p.name for p in SCREENSHOTS.glob("*.png")} >= {f"{n}.png" for n in SCREENSHOT_PAGES}


def test_search_finds_klsparsity(site, server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "index.html")
    # The search field of the page, as a reader uses it: click the search
    # button (it opens a search dialog), type, press Enter.
    button = WebDriverWait(browser, 30).until(
        lambda d: next(
            (
                b
                for b in d.find_elements(By.CSS_SELECTOR, ".search-button__button")
                if b.is_displayed()
            ),
            None,
        )
    )
    button.click()
    field = WebDriverWait(browser, 30).until(
        lambda d: next(
            (f for f in d.find_elements(By.CSS_SELECTOR, "input[name=q]") if f.is_displayed()),
            None,
        )
    )
    field.send_keys("KLSparsity", Keys.ENTER)
    WebDriverWait(browser, 60).until(lambda d: "search.html" in d.current_url)
    results = WebDriverWait(browser, 120, poll_frequency=0.5).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results ul.search li a")
    )
    hrefs = [a.get_attribute("href") for a in results]
    entry = "api/regularizers.html#keras_ae.regularizers.KLSparsity"
    assert any(href.endswith(entry) for href in hrefs), hrefs
    browser.save_screenshot(str(SCREENSHOTS / "search.png"))
    assert not _console_errors(browser)
