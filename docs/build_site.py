"""Builds the keras-ae website into build/site (`make docs`), offline.

Sphinx reads its pages from one folder, so the pages are first gathered into
`build/docs-src/`: this folder's pages (index, guides, API reference), the
lecture notebooks `course/NN_*.ipynb` with their stored outputs, the student
versions of the exercises (`course/exercises/release/`, never `source/`), the
dataset cards and the benchmark results. Then Sphinx builds the HTML with the
configuration in `docs/conf.py`; a warning fails the build.

    python docs/build_site.py            # build/site/index.html
    python docs/build_site.py --out DIR
"""

import argparse
import pathlib
import shutil
import sys
import time

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
STAGE = ROOT / "build" / "docs-src"

# (pattern under the repository, folder of the site): the files that become pages.
PAGES = [
    ("docs/*.md", "."),
    ("docs/guides/*.md", "guides"),
    ("docs/api/*", "api"),
    ("course/[0-9][0-9]_*.ipynb", "course"),
    ("course/exercises/release/*/*.ipynb", None),  # keeps its own folder
    ("datasets/*.md", "datasets"),
    ("benchmarks/RESULTS.md", "benchmarks"),
]


def stage(destination=STAGE):
    """Copies every page of the site into `destination`; returns how many."""
    shutil.rmtree(destination, ignore_errors=True)
    count = 0
    for pattern, folder in PAGES:
        for path in sorted(ROOT.glob(pattern)):
            relative = path.relative_to(ROOT)
            target = destination / (relative if folder is None else pathlib.Path(folder))
            if folder is not None:
                target = target / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "site"), help="output folder")
    args = parser.parse_args(argv)

    from sphinx.cmd.build import build_main

    start = time.perf_counter()
    pages = stage()
    status = build_main(
        ["-b", "html", "-E", "-q", "-W", "--keep-going", "-c", str(DOCS), str(STAGE), args.out]
    )
    if status == 0:
        print(f"built {pages} source pages into {args.out} in {time.perf_counter() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
