"""nbgrader configuration of the keras-ae exercises.

This folder is the nbgrader course root: the instructor notebooks are in
`source/<assignment>/`, the student versions in `release/<assignment>/`.
Run nbgrader from this folder, or use `python tools/exercises.py` from the
repository root (see README.md).
"""

import os
import re

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions, GetGrades, NbGraderPreprocessor

c = get_config()  # noqa: F821 (provided by the traitlets config loader)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "keras-ae"

# Training cells run for tens of seconds in full mode; nbgrader's default
# limit is 30 s per cell.
c.Execute.timeout = 600


class ClearSolutionsWithHints(ClearSolutions):
    """Stubs that say which part is unanswered and what to write there.

    nbgrader replaces each solution region by `raise NotImplementedError()`,
    whose bare traceback tells a student nothing. This stub names the part
    (from the `# Check Part N` cell that follows the solution cell) and what
    is missing: the body of the function around the region, or the value of
    a placeholder `NAME = None` above it. The stub still raises, so an
    unanswered part fails its tests and scores 0.
    """

    def preprocess(self, nb, resources):
        self._parts, part = {}, None
        for index in reversed(range(len(nb.cells))):
            found = re.match(r"# Check (Part \d+)", nb.cells[index].source)
            part = found.group(1) if found else part
            self._parts[index] = part
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        self._part = self._parts.get(index) or "This part"
        return super().preprocess_cell(cell, resources, index)

    def _replace_solution_region(self, cell, language):
        if cell.cell_type != "code" or language != "python":
            return super()._replace_solution_region(cell, language)
        kept, function, placeholder, in_solution, replaced = [], None, None, False, False
        for line in cell.source.split("\n"):
            if self.begin_solution_delimeter in line:
                if in_solution:
                    raise RuntimeError("encountered nested begin solution statements")
                in_solution = replaced = True
                indent = re.match(r"\s*", line).group(0)
                if indent and function:
                    what = f"write the body of {function}"
                elif placeholder:
                    what = f"set {placeholder}"
                else:
                    what = "write your code"
                message = f"{self._part} is not answered yet: {what} here, in place of this line."
                kept += [
                    f"{indent}# YOUR CODE HERE",
                    f'{indent}raise NotImplementedError("{message}")',
                ]
            elif self.end_solution_delimeter in line:
                in_solution = False
            elif not in_solution:
                kept.append(line)
                defined = re.match(r"\s*def (\w+)\(", line)
                function = defined.group(1) if defined else function
                value = re.match(r"(\w+) = None\s*(?:#\s*(.*))?$", line)
                if value:
                    placeholder = value.group(1) + (
                        f", {value.group(2)}," if value.group(2) else ""
                    )
        if in_solution:
            raise RuntimeError("no end solution statement found")
        cell.source = "\n".join(kept)
        return replaced


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


c.GenerateAssignment.preprocessors = [
    ClearSolutionsWithHints if step is ClearSolutions else step
    for step in GenerateAssignment.preprocessors.default()
]
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
