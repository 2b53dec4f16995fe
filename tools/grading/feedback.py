"""The feedback pages: what they show a student, and what they must not."""

import html.parser
import re

from .notebooks import grade_id, read_notebook


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


def failed_cells(autograded_path):
    """`{grade_id: error message}` of the test cells that raised, from an autograded notebook."""
    failed = {}
    for cell in read_notebook(autograded_path)["cells"]:
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                failed[grade_id(cell)] = f"{output['ename']}: {output['evalue']}"
    return failed


def unfiltered_feedback(autograded_path):
    """nbgrader's feedback page without the hidden-test filter, for the leak check's control."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(autograded_path, as_version=4)
    return HTMLExporter(template_name="classic").from_notebook_node(notebook)[0]
