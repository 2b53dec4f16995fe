"""Links between the lectures and the API reference, found by reading the lectures.

Before any page is read, every lecture notebook (`course/NN_*.ipynb`) is
scanned for the public `keras_ae` objects it uses: names imported from a
`keras_ae` module in its code cells, attribute chains such as
`keras_ae.models.Autoencoder` or `layers.MaskingNoise` (after `from keras_ae
import layers`), and full dotted names in its text. From that scan:

- each API entry ends with the lectures that use the object;
- each lecture ends with a list of the objects it uses, linked to their entries;
- in every page but the API reference, names of those objects in code cells
  and inline code (`KLSparsity`, `keras_ae.layers.Sampling`) link to their
  entries; the code of the guides and of the exercises is scanned the same way.
"""

import ast
import html
import importlib
import json
import pathlib
import re

from docutils import nodes
from sphinx import addnodes

API_MODULES = (
    "layers",
    "regularizers",
    "losses",
    "models",
    "training",
    "autodiff",
    "datasets",
    "evaluation",
    "plotting",
)
LECTURE_GLOB = "course/[0-9][0-9]_*.ipynb"
EXERCISE_GLOB = "course/exercises/release/*/*.ipynb"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
DOTTED = re.compile(r"\bkeras_ae\.(\w+)\.(\w+)\b")
SECTION_TITLE = "keras_ae in this lecture"
MODULE_NAMES = {f"keras_ae.{name}" for name in API_MODULES}


def public_objects():
    """{full name: API page docname} for every name in a public module's `__all__`."""
    objects = {}
    for module_name in API_MODULES:
        module = importlib.import_module(f"keras_ae.{module_name}")
        for name in module.__all__:
            objects[f"keras_ae.{module_name}.{name}"] = f"api/{module_name}"
    return objects


def _code_uses(source, objects):
    """Full names of public objects used by one code cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics or shell escapes: the dotted names only
        return {f"keras_ae.{m}.{n}" for m, n in DOTTED.findall(source)} & objects.keys()
    aliases = {}  # local name -> "keras_ae" or "keras_ae.<module>"
    uses = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("keras_ae"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in objects:
                    uses.add(full)
                else:
                    aliases[alias.asname or alias.name] = full
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("keras_ae"):
                    aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else "keras_ae"
                    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts = []
            inner = node
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in aliases:
                dotted = ".".join([aliases[inner.id], *reversed(parts)])
                # the longest prefix that is a public object
                pieces = dotted.split(".")
                for end in range(len(pieces), 2, -1):
                    candidate = ".".join(pieces[:end])
                    if candidate in objects:
                        uses.add(candidate)
                        break
    return uses


def scan_notebook(path, objects):
    """The public keras_ae objects that one notebook uses (code and text)."""
    notebook = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    uses = set()
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            uses |= _code_uses(source, objects)
        uses |= {f"keras_ae.{m}.{n}" for m, n in DOTTED.findall(source)} & objects.keys()
    return uses


def scan_markdown(path, objects):
    """The public keras_ae objects that the ```python blocks of a page use."""
    text = pathlib.Path(path).read_text(encoding="utf-8")
    uses = set()
    for block in PYTHON_BLOCK.findall(text):
        uses |= _code_uses(block, objects)
    return uses


def scan_lectures(srcdir, objects):
    """{lecture docname: set of full names} for every lecture notebook."""
    srcdir = pathlib.Path(srcdir)
    return {
        path.relative_to(srcdir).with_suffix("").as_posix(): scan_notebook(path, objects)
        for path in sorted(srcdir.glob(LECTURE_GLOB))
    }


def scan_pages(srcdir, objects):
    """{docname: set of full names} for the Markdown pages' code (guides, index)."""
    srcdir = pathlib.Path(srcdir)
    return {
        path.relative_to(srcdir).with_suffix("").as_posix(): scan_markdown(path, objects)
        for path in sorted(srcdir.rglob("*.md"))
    }


def _builder_inited(app):
    objects = public_objects()
    uses = scan_lectures(app.srcdir, objects)
    used_by = {}
    for docname, names in uses.items():
        for name in names:
            used_by.setdefault(name, []).append(docname)
    short = {}
    for full in objects:
        short.setdefault(full.rsplit(".", 1)[1], []).append(full)
    app.keras_ae_objects = objects
    app.keras_ae_uses = uses
    # Names in the code of the other pages (guides, the entry page) link too.
    exercises = {
        path.relative_to(app.srcdir).with_suffix("").as_posix(): scan_notebook(path, objects)
        for path in sorted(pathlib.Path(app.srcdir).glob(EXERCISE_GLOB))
    }
    app.keras_ae_code_uses = {**scan_pages(app.srcdir, objects), **exercises, **uses}
    app.keras_ae_used_by = used_by
    # Bare names link only where they are unambiguous and look like an API
    # name (a capital or an underscore: `KLSparsity`, `load_mnist`, not `gradient`).
    app.keras_ae_short = {
        name: fulls[0]
        for name, fulls in short.items()
        if len(fulls) == 1 and (name != name.lower() or "_" in name)
    }


def _autodoc_docstring(app, what, name, obj, options, lines):
    lectures = app.keras_ae_used_by.get(name)
    if not lectures or what not in ("class", "function", "data"):
        return
    links = ", ".join(f":doc:`/{docname}`" for docname in lectures)
    lines.extend(["", f"**Used in the lectures:** {links}", ""])


def _xref(full, text):
    ref = addnodes.pending_xref(
        "", refdomain="py", reftype="obj", reftarget=full, refexplicit=True, refwarn=False
    )
    ref += nodes.literal(text, text, classes=["xref", "py", "py-obj"])
    return ref


def _resolve_literal(app, text):
    match = re.fullmatch(r"([\w.]+?)(\(.*\))?", text.strip())
    if not match:
        return None
    name = match.group(1)
    for candidate in (name, f"keras_ae.{name}"):
        if candidate in app.keras_ae_objects or candidate in MODULE_NAMES:
            return candidate
    return app.keras_ae_short.get(name)


def _doctree_read(app, doctree):
    docname = app.env.docname
    if docname.startswith("api/"):
        return
    for literal in list(doctree.findall(nodes.literal)):
        if isinstance(literal.parent, (nodes.reference, addnodes.pending_xref)):
            continue
        full = _resolve_literal(app, literal.astext())
        if full:
            literal.replace_self(_xref(full, literal.astext()))
    names = sorted(app.keras_ae_uses.get(docname, ()))
    if not names:
        return
    section = nodes.section(ids=["keras-ae-in-this-lecture"], names=[SECTION_TITLE])
    section += nodes.title(SECTION_TITLE, SECTION_TITLE)
    section += nodes.paragraph(
        "", "The library's objects this lecture uses, linked to their API reference:"
    )
    items = nodes.bullet_list()
    for full in names:
        paragraph = nodes.paragraph()
        paragraph += _xref(full, full)
        items += nodes.list_item("", paragraph)
    section += items
    sections = [child for child in doctree.children if isinstance(child, nodes.section)]
    (sections[-1] if sections else doctree).append(section)


def _link_code_names(app, pagename, templatename, context, doctree):
    """Links names of used keras_ae objects inside highlighted code cells."""
    if "body" not in context or pagename.startswith("api/"):
        return
    targets = {}
    for full in app.keras_ae_code_uses.get(pagename, ()):
        page = app.keras_ae_objects[full]
        uri = app.builder.get_relative_uri(pagename, page)
        targets[full.rsplit(".", 1)[1]] = f"{uri}#{full}"
    if not targets:
        return
    pattern = re.compile(r'<span class="n">(' + "|".join(map(re.escape, targets)) + r")</span>")
    context["body"] = pattern.sub(
        lambda m: (
            f'<a class="keras-ae-code-link" href="{html.escape(targets[m.group(1)])}">'
            f'<span class="n">{m.group(1)}</span></a>'
        ),
        context["body"],
    )


def setup(app):
    app.connect("builder-inited", _builder_inited)
    app.connect("autodoc-process-docstring", _autodoc_docstring)
    app.connect("doctree-read", _doctree_read)
    app.connect("html-page-context", _link_code_names)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
