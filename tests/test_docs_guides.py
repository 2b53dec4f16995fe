"""The website's guides (docs/guides/*.md): every Python block runs.

The blocks of a page run in order, in one namespace, in a temporary working
folder, as a reader who pastes them one after the other into a session
would run them; a block that raises fails the test, with the page and the
block's first line in the message. Runs once, on the TensorFlow backend (the
library's code is the same on every backend and is tested there).
"""

import pathlib
import re

import matplotlib
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
GUIDES = sorted((ROOT / "docs" / "guides").glob("*.md"))
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)

pytestmark = pytest.mark.backend_independent


def python_blocks(text):
    """The source of each fenced ```python block of a Markdown page."""
    return PYTHON_BLOCK.findall(text)


def test_python_blocks_are_found():
    text = "x\n```python\na = 1\n```\n```bash\nls\n```\n```python\nb = a\n```\n"
    assert python_blocks(text) == ["a = 1\n", "b = a\n"]


def test_every_guide_has_code():
    assert len(GUIDES) >= 4
    for page in GUIDES:
        if page.name != "index.md":
            assert python_blocks(page.read_text(encoding="utf-8")), f"{page.name} has no code"


@pytest.mark.parametrize("page", [p for p in GUIDES if p.name != "index.md"], ids=lambda p: p.stem)
def test_guide_code_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    matplotlib.use("Agg")
    namespace = {"__name__": f"guide_{page.stem}"}
    for index, block in enumerate(python_blocks(page.read_text(encoding="utf-8"))):
        code = compile(block, f"{page.name}, block {index + 1}", "exec")
        try:
            exec(code, namespace)
        except Exception as error:
            first = block.strip().splitlines()[0]
            raise AssertionError(
                f"{page.name}: block {index + 1} ({first!r}) raised {error!r}"
            ) from error
