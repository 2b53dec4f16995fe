"""Times the offline dataset loaders of `keras_ae.datasets`.

Times `make_shapes` for both styles and `load_mnist(source="subset")` and
prints a Markdown table of the best and median wall-clock times.

Usage:

    python benchmarks/bench_datasets.py [--n 10000] [--repeats 5]

From Python, `main(["--n", "100", "--repeats", "1"])` runs it quickly and
returns the results as a dict.
"""

import argparse
import functools
import os
import platform
import statistics
import time

import numpy as np

from keras_ae.datasets import load_mnist, make_shapes


def _time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return {"best_s": min(times), "median_s": statistics.median(times)}


def _markdown(results, args):
    lines = [
        f"Best and median of {args.repeats} runs; Python {platform.python_version()}, "
        f"NumPy {np.__version__}, {os.cpu_count()} CPUs.",
        "",
        "| call | best (s) | median (s) |",
        "|---|---:|---:|",
    ]
    for row in results.values():
        lines.append(f"| `{row['call']}` | {row['best_s']:.3f} | {row['median_s']:.3f} |")
    return "\n".join(lines)


def main(argv=None):
    """Runs the benchmark and returns `{name: {"call", "best_s", "median_s"}}`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="images per make_shapes call")
    parser.add_argument("--repeats", type=int, default=5, help="runs per call")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeats < 1:
        parser.error("--n and --repeats must be positive integers")

    calls = {
        "make_shapes_outline": (
            f'make_shapes({args.n}, style="outline")',
            functools.partial(make_shapes, args.n, style="outline"),
        ),
        "make_shapes_filled": (
            f'make_shapes({args.n}, style="filled")',
            functools.partial(make_shapes, args.n, style="filled"),
        ),
        "load_mnist_subset": (
            'load_mnist(source="subset")',
            functools.partial(load_mnist, source="subset"),
        ),
    }
    results = {
        name: {"call": call, **_time(function, args.repeats)}
        for name, (call, function) in calls.items()
    }
    print(_markdown(results, args))
    return results


if __name__ == "__main__":
    main()
