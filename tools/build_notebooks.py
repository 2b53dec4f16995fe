"""Runs the lecture notebooks and stores their outputs in the paired .ipynb files.

Each `course/NN_topic.md` (MyST) is the source; it is executed top to bottom in
a fresh kernel, in full mode (what a student runs) unless `--quick` is given,
and written to `course/NN_topic.ipynb` with its outputs. The wall time of each
notebook is printed as a table. With `--quick` nothing is written: it only
times the quick mode that the tests use. With `--no-write` it times full mode
without writing (for comparing backends: set KERAS_BACKEND).

    python tools/build_notebooks.py                  # every lecture, full mode
    python tools/build_notebooks.py 03_sparse        # the lectures whose name starts so
    python tools/build_notebooks.py --quick          # time quick mode only
    KERAS_BACKEND=jax python tools/build_notebooks.py --no-write   # time full mode on JAX
"""

import argparse
import os
import pathlib
import sys
import time

import jupytext
import nbclient

COURSE = pathlib.Path(__file__).resolve().parents[1] / "course"
TIMEOUT = 1200


def lectures(prefixes):
    sources = sorted(COURSE.glob("[0-9][0-9]_*.md"))
    if prefixes:
        sources = [s for s in sources if any(s.stem.startswith(p) for p in prefixes)]
    if not sources:
        sys.exit(f"No lecture in {COURSE} matches {prefixes}.")
    return sources


def run(source, *, quick):
    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    env_quick = os.environ.pop("KERAS_AE_QUICK", None)
    if quick:
        os.environ["KERAS_AE_QUICK"] = "1"
    try:
        client = nbclient.NotebookClient(
            notebook,
            timeout=TIMEOUT,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(COURSE)}},
        )
        start = time.perf_counter()
        client.execute()
        elapsed = time.perf_counter() - start
    finally:
        os.environ.pop("KERAS_AE_QUICK", None)
        if env_quick is not None:
            os.environ["KERAS_AE_QUICK"] = env_quick
    return notebook, elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="lecture name prefixes, e.g. 01 03_sparse")
    parser.add_argument("--quick", action="store_true", help="time quick mode, write nothing")
    parser.add_argument("--no-write", action="store_true", help="time full mode, write nothing")
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    # Keep TensorFlow's C++ start-up log out of the stored outputs.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("PYTHONHASHSEED", "0")

    rows = []
    for source in lectures(args.prefixes):
        notebook, elapsed = run(source, quick=args.quick)
        if not (args.quick or args.no_write):
            jupytext.write(notebook, source.with_suffix(".ipynb"), fmt="ipynb")
            # Re-save the source so that the pair's metadata agrees.
            jupytext.write(notebook, source, fmt="md:myst")
        stored = source.with_suffix(".ipynb")
        size = stored.stat().st_size / 1e6 if stored.exists() else float("nan")
        rows.append((source.stem, elapsed, size))
        print(f"{source.stem}: {elapsed:.1f} s", flush=True)

    mode = "quick" if args.quick else "full"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nbackend {os.environ['KERAS_BACKEND']}, load average (1, 5, 15 min): {load}")
    print(f"\n| notebook | {mode} mode (s) | .ipynb size (MB) |\n|---|---:|---:|")
    for name, elapsed, size in rows:
        print(f"| {name} | {elapsed:.1f} | {size:.2f} |")


if __name__ == "__main__":
    main()
