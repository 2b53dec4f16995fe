"""nbgrader settings of the student's lab: what *Validate* and `nbgrader validate` use.

The instructor's settings, with the course root, are in course/exercises/.
"""

c = get_config()  # noqa: F821 (provided by the traitlets config loader)

# Training cells run for tens of seconds in full mode; nbgrader's default
# limit is 30 s per cell.
c.Execute.timeout = 600
