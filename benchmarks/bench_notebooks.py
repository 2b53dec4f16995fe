"""How long does each lecture take on each Keras backend? The course's default, checked.

Runs every lecture notebook (`course/NN_*.md`) top to bottom in a fresh
kernel, as a student does with "Restart Kernel and Run All Cells", once per
backend, and reports the wall time (kernel start included). The backends take
turns lecture by lecture, in an order that rotates from one lecture to the
next, so that a slow spell of the machine does not fall on one backend only.
The last line compares the backend with the smallest total against the
course's default (`DEFAULT_BACKEND` of `tools/workspace.py`, what `make lab`
starts).

    python benchmarks/bench_notebooks.py [--mode full|quick] [--backends jax torch]
        [--lectures 00 03]

Full mode is what a student runs (about 12 + 16 + 18 minutes for all three
backends on 2 cores); quick mode is what the tests run. Nothing is written:
the stored notebooks come from `make notebooks`.
"""

import argparse
import importlib.util
import os
import pathlib
from unittest import mock

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    """Runs the benchmark; returns the seconds per lecture and backend, and the totals."""
    build, workspace = _load_tool("build_notebooks"), _load_tool("workspace")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("full", "quick"), default="full")
    parser.add_argument(
        "--backends", nargs="+", choices=workspace.BACKENDS, default=list(workspace.BACKENDS)
    )
    parser.add_argument("--lectures", nargs="*", default=[], help="name prefixes, e.g. 00 03")
    args = parser.parse_args(argv)
    backends = list(dict.fromkeys(args.backends))
    default = workspace.DEFAULT_BACKEND
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("PYTHONHASHSEED", "0")

    seconds = {}
    for index, source in enumerate(build.lectures(args.lectures)):
        order = backends[index % len(backends) :] + backends[: index % len(backends)]
        seconds[source.stem] = {}
        for backend in order:
            # The kernel started inside inherits KERAS_BACKEND.
            with mock.patch.dict(os.environ, KERAS_BACKEND=backend):
                _, elapsed = build.run(source, quick=args.mode == "quick")
            seconds[source.stem][backend] = elapsed
            print(f"{source.stem} on {backend}: {elapsed:.1f} s", flush=True)

    totals = {b: sum(row[b] for row in seconds.values()) for b in backends}
    fastest = min(totals, key=totals.get)
    wins = {b: sum(min(row, key=row.get) == b for row in seconds.values()) for b in backends}
    print(f"\n{args.mode} mode, wall seconds per lecture (fresh kernel, kernel start included)\n")
    print("| lecture | " + " | ".join(backends) + " |")
    print("|---|" + "---:|" * len(backends))
    for name, row in seconds.items():
        print(f"| {name} | " + " | ".join(f"{row[b]:.1f}" for b in backends) + " |")
    print("| **all** | " + " | ".join(f"**{totals[b]:.0f}**" for b in backends) + " |")
    print(
        f"\nfastest in total: {fastest} ({totals[fastest]:.0f} s; fastest on "
        f"{wins[fastest]} of {len(seconds)} lectures); the course's default: {default}"
    )
    return {
        "mode": args.mode,
        "seconds": seconds,
        "totals": totals,
        "wins": wins,
        "fastest": fastest,
        "default": default,
    }


if __name__ == "__main__":
    main()
