"""nbgrader configuration of the keras-ae exercises.

This folder is the nbgrader course root: the instructor notebooks are in
`source/<assignment>/`, the student versions in `release/<assignment>/`.
Run nbgrader from this folder, or use `python tools/exercises.py` from the
repository root (see README.md).
"""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades, NbGraderPreprocessor

c = get_config()  # noqa: F821 (provided by the traitlets config loader)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "keras-ae"

# Training cells run for tens of seconds in full mode; nbgrader's default
# limit is 30 s per cell.
c.Execute.timeout = 600


class HideHiddenTests(NbGraderPreprocessor):
    """Keeps hidden tests out of the feedback that students receive.

    Autograding restores the hidden tests into every test cell, and nbgrader's
    feedback would show them: as cell source, and quoted again in the
    traceback of a failing assertion. This preprocessor replaces each hidden
    region by a one-line comment and reduces every error of such a cell to
    its exception name and message, which the tests write for students.
    """

    begin = "### BEGIN HIDDEN TESTS"
    end = "### END HIDDEN TESTS"

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or self.begin not in cell.source:
            return cell, resources
        kept, hidden = [], False
        for line in cell.source.splitlines():
            if self.begin in line:
                hidden = True
                kept.append(line[: line.index(self.begin)] + "# (hidden tests are not shown)")
            elif self.end in line:
                hidden = False
            elif not hidden:
                kept.append(line)
        cell.source = "\n".join(kept)
        for output in cell.outputs:
            if output.output_type == "error":
                output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
