"""Jupyter server settings of the student's lab (`make lab`, tools/workspace.py).

`tools/workspace.py lab` points JUPYTER_CONFIG_DIR here, so these settings
apply to the course's lab only, never to the user's other Jupyter servers.
"""

import os

c = get_config()  # noqa: F821 (provided by the traitlets config loader)

# nbgrader's exchange tools (Assignment List, Course List) need a shared
# exchange folder and the formgrader an instructor's course root: a student's
# lab has neither, so they stay off. Validation stays on. The matching lab
# extensions (menus, Create Assignment) are disabled in labconfig/page_config.json.
c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.validate_assignment": True,
}

# Default settings of JupyterLab (lab-settings/overrides.json): no news feed,
# no update check, both of which would ask a website.
c.LabApp.app_settings_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab-settings")
