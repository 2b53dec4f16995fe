"""Runs every benchmark and regenerates benchmarks/RESULTS.md and the README's table.

Runs, in one process (`bench_backends` and `bench_peers` start subprocesses):
the eight comparisons and the dataset loader timings, each at its
full default size; prints each one's table and the time it took; then writes

- `benchmarks/RESULTS.md`: date, machine (CPU, cores, RAM, load average
  before, during and after), library versions, and each benchmark's command,
  table and one-line verdict against its target;
- the block between `<!-- benchmark-results:start -->` and
  `<!-- benchmark-results:end -->` in `README.md`: one headline row per
  comparison and a link to RESULTS.md.

Every number in both files comes from this run. Run it on an otherwise idle
machine if you can: the load average is recorded because other programs
slow the timings down.

    python benchmarks/run_all.py [--results PATH] [--readme PATH] [--tiny]

`--tiny` runs every benchmark on tiny sizes (seconds, meaningless numbers):
it checks the pipeline, and is what the smoke test uses with temporary paths.
"""

import argparse
import contextlib
import datetime
import importlib.metadata
import importlib.util
import io
import os
import pathlib
import platform
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
START_MARKER = "<!-- benchmark-results:start -->"
END_MARKER = "<!-- benchmark-results:end -->"


def _met(condition):
    return "met" if condition else "MISSED"


def _linear_vs_pca(r):
    rows = r["rows"]
    worst = max(rows, key=lambda k: rows[k]["test_ratio"])
    widest = max(rows, key=lambda k: rows[k]["max_angle_degrees"])
    measured = (
        f"test-MSE ratio AE/PCA at most {r['max_test_ratio']:.4f} (k = {worst}); largest "
        f"principal angle {rows[widest]['max_angle_degrees']:.2f} deg (k = {widest})"
    )
    return measured, f"ratio <= {r['target']}", _met(r["max_test_ratio"] <= r["target"])


def _layer_overhead(r):
    measured = (
        f"throughput ratio with/without: wall {r['ratio']:.3f}, CPU time {r['cpu_ratio']:.3f} "
        f"(Keras Dropout / plain: {r['dropout_ratio']:.3f})"
    )
    return measured, f"wall ratio >= {r['target']}", _met(r["ratio"] >= r["target"])


def _vae_reference(r):
    library, reference = r["negative_elbo"].values()  # keras_ae first
    measured = (
        f"test negative ELBO {library:.2f} vs {reference:.2f} nats (difference "
        f"{r['elbo_relative_difference']:.2%}); time per epoch keras_ae / reference: wall "
        f"{r['time_ratio']:.3f}, CPU time {r['cpu_time_ratio']:.3f}"
    )
    verdict = (
        f"ELBO {_met(r['elbo_relative_difference'] <= 0.01)}; "
        f"time {_met(r['time_ratio'] <= 1.05)} (wall)"
    )
    return measured, "ELBO within 1%; wall-time ratio <= 1.05", verdict


def _backends(r):
    parts = [
        f"{model}: {best['backend']}, jit_compile={best['jit_compile']} "
        f"({best['samples_per_second']:,.0f} samples/s)"
        for model, best in r["fastest"].items()
    ]
    failed = [row for row in r["rows"] if "error" in row]
    if failed:
        parts.append(f"{len(failed)} configuration(s) failed")
    return "fastest: " + "; ".join(parts), "state the fastest", "reported"


def _peers(r):
    parts, verdicts = [], []
    for model_name, m in r["models"].items():
        fastest = m["fastest_keras_ae"]
        fraction = m["roofline_fraction"][fastest]
        part = (
            f"{model_name}: {fastest} / {m['fastest_peer']} {m['ratio_to_fastest_peer']:.2f}, "
            f"{fraction:.2f} of the roofline ({m['sgemm_gflops']:.0f} GFLOP/s sgemm)"
        )
        verdict = (
            f"{model_name}: peer {_met(m['ratio_to_fastest_peer'] >= 0.95)}, "
            f"roofline {_met(fraction >= 0.7)}"
        )
        if m["torch_ratio"] is not None:
            part += f"; keras_ae (torch) / pure PyTorch {m['torch_ratio']:.2f}"
            verdict += f", PyTorch {_met(m['torch_ratio'] >= 0.8)}"
        parts.append(part)
        verdicts.append(verdict)
    target = (
        "fastest keras_ae >= 0.95x the fastest hand-written peer and >= 0.7 of the roofline; "
        "keras_ae (torch) >= 0.8x pure PyTorch"
    )
    return "; ".join(parts), target, "; ".join(verdicts)


def _representations(r):
    s = r["summary"]
    measured = ", ".join(
        f"{name.split(' (')[0]} {v['mean']:.3f} +- {v['sd']:.3f}" for name, v in s.items()
    )
    gains = r["denoising_minus_plain"]
    verdict = (
        f"denoising > plain {r['verdict']} ({r['denoising_wins']} of {len(gains)} seeds, "
        f"mean difference {sum(gains) / len(gains):+.3f})"
    )
    return "probe test accuracy: " + measured, "denoising > plain (literature)", verdict


def _anomaly(r):
    measured = (
        f"mean AUROC over {len(r['rows'])} digits: conv AE {r['mean_conv_ae_auroc']:.3f}, "
        f"PCA {r['mean_pca_auroc']:.3f} ({r['training_images_per_digit']:.0f} training "
        "images per digit)"
    )
    target = f"published conv AE ~{r['published_mean_auroc']:.2f} (full data)"
    difference = r["mean_conv_ae_auroc"] - r["published_mean_auroc"]
    return measured, target, f"conv AE {difference:+.3f} from the published figure"


def _notebooks(r):
    totals = ", ".join(f"{b} {t:,.0f} s" for b, t in r["totals"].items())
    fastest = r["fastest"]
    measured = (
        f"all {len(r['seconds'])} lectures in {r['mode']} mode: {totals} (fastest on "
        f"{r['wins'][fastest]} of {len(r['seconds'])} lectures: {fastest})"
    )
    target = "the course's default backend is the fastest in total"
    verdict = f"{_met(fastest == r['default'])} (default {r['default']})"
    return measured, target, verdict


def _datasets(r):
    measured = "; ".join(f"`{row['call']}` {row['median_s']:.3f} s" for row in r.values())
    return "median " + measured, "(timing only)", "reported"


# (section title, script, tiny arguments, summary function). Full runs use each
# script's defaults.
BENCHMARKS = [
    (
        "1. Linear autoencoder vs PCA",
        "bench_linear_vs_pca",
        "--ks 3 --epochs 2 --n 200 --n-test 200".split(),
        _linear_vs_pca,
    ),
    (
        "2. Layer overhead: KLSparsity + MaskingNoise",
        "bench_layer_overhead",
        "--epochs 1 --rounds 1 --n 128 --batch-size 128".split(),
        _layer_overhead,
    ),
    (
        "3. keras_ae VAE vs a reference VAE",
        "bench_vae_reference",
        "--rounds 2 --epochs 1 --n 256 --n-test 200 --elbo-samples 2".split(),
        _vae_reference,
    ),
    (
        "4. Backends",
        "bench_backends",
        "--in-process --jit-compile false --epochs 1 --rounds 1 --n 128".split(),
        _backends,
    ),
    (
        "5. Representation quality: linear probe on 1,000 labels",
        "bench_representations",
        "--code-size 8 --epochs 1 --n 200 --n-test 200 --labels 100 --seeds 0".split(),
        _representations,
    ),
    (
        "6. One-class anomaly detection",
        "bench_anomaly",
        "--digits 7 --epochs 1 --n 300 --n-test 200 --code-size 4".split(),
        _anomaly,
    ),
    (
        "7. keras_ae against pure JAX, pure PyTorch and plain Keras",
        "bench_peers",
        ["--quick"],
        _peers,
    ),
    (
        "8. The lectures on each backend",
        "bench_notebooks",
        "--mode quick --lectures 00 --backends jax".split(),
        _notebooks,
    ),
    ("Dataset loaders", "bench_datasets", "--n 100 --repeats 1".split(), _datasets),
]


def load(name):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LoadSampler(threading.Thread):
    """Samples the 1-minute load average every `interval` seconds."""

    def __init__(self, interval=15.0):
        super().__init__(daemon=True)
        self.interval, self.samples = interval, []
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop_event.wait(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join()


def _cpu_model():
    with contextlib.suppress(OSError):
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _ram_gib():
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in pathlib.Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 2**20
    return None


def _version(*distributions):
    for name in distributions:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            return importlib.metadata.version(name)
    return "not installed"


def versions():
    return {
        "Python": platform.python_version(),
        "keras": keras.__version__,
        "keras-ae": _version("keras-ae"),
        "TensorFlow": _version("tensorflow", "tensorflow-cpu"),
        "JAX": _version("jax"),
        "PyTorch": _version("torch"),
        "scikit-learn": _version("scikit-learn"),
        "NumPy": _version("numpy"),
    }


def _loads(values):
    return " / ".join(f"{v:.2f}" for v in values)


def results_markdown(runs, machine, started, tiny):
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `python benchmarks/run_all.py{' --tiny' if tiny else ''}` on "
        f"{started:%Y-%m-%d %H:%M} UTC; every number in this file comes from that run "
        "(regenerate it rather than editing it).",
    ]
    if tiny:
        lines += ["", "**Tiny sizes (`--tiny`): a check of the pipeline, not measurements.**"]
    lines += [
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu']}, {machine['cores']} logical cores; RAM "
        f"{machine['ram']}; {machine['system']}",
        f"- Load average (1, 5, 15 min) before the run: {_loads(machine['load_before'])}; "
        f"after: {_loads(machine['load_after'])}; 1-min load sampled during the run: mean "
        f"{machine['load_mean']:.2f}, max {machine['load_max']:.2f}. A load above the "
        f"number of cores means other programs were competing for the CPU: wall times are "
        f"then longer and noisier than on an idle machine.",
        f"- Keras backend of the run: {machine['backend']} (`bench_backends` measures all "
        f"three); environment: {machine['env']}",
        f"- Total time: {machine['total_seconds'] / 60:.1f} min",
        "",
        "| package | version |",
        "|---|---|",
        *(f"| {name} | {version} |" for name, version in machine["versions"].items()),
        "",
        "## Summary",
        "",
        "| comparison | measured | target | verdict |",
        "|---|---|---|---|",
        *(
            f"| {run['title']} | {run['measured']} | {run['target']} | {run['verdict']} |"
            for run in runs
        ),
    ]
    for run in runs:
        lines += [
            "",
            f"## {run['title']}",
            "",
            f"`python benchmarks/{run['script']}.py{run['arguments']}` ({run['seconds']:.0f} s)",
            "",
            f"**Verdict:** {run['verdict']} (target: {run['target']}).",
            "",
            run["output"].strip(),
        ]
    return "\n".join(lines) + "\n"


def readme_block(runs, machine, started, results_path, readme_path, tiny):
    link = os.path.relpath(results_path, readme_path.parent)
    lines = [
        START_MARKER,
        f"Headline figures from `python benchmarks/run_all.py{' --tiny' if tiny else ''}` "
        f"on {started:%Y-%m-%d} ({machine['cpu']}, {machine['cores']} cores, mean load "
        f"{machine['load_mean']:.1f} during the run; {machine['backend']} backend unless "
        f"stated). Full tables, versions and machine details: [{link}]({link}).",
        "",
        "| comparison | measured | target | verdict |",
        "|---|---|---|---|",
        *(
            f"| {run['title']} | {run['measured']} | {run['target']} | {run['verdict']} |"
            for run in runs
            if run["script"] != "bench_datasets"
        ),
        END_MARKER,
    ]
    return "\n".join(lines)


def replace_block(text, block):
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        raise ValueError(
            f"The README has no results block: add the lines {START_MARKER} and "
            f"{END_MARKER} (in this order) where the table should go."
        )
    return text[:start] + block + text[end + len(END_MARKER) :]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=pathlib.Path, default=HERE / "RESULTS.md")
    parser.add_argument("--readme", type=pathlib.Path, default=HERE.parent / "README.md")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes: checks the pipeline")
    args = parser.parse_args(argv)
    readme_text = args.readme.read_text()
    replace_block(readme_text, "")  # fail now, not after the run, if the markers are missing

    started = datetime.datetime.now(datetime.UTC)
    load_before = os.getloadavg()
    sampler = LoadSampler()
    sampler.start()
    total_start = time.perf_counter()
    runs = []
    for title, script, tiny_arguments, summarise in BENCHMARKS:
        arguments = tiny_arguments if args.tiny else []
        module = load(script)
        print(f"\n== {title}: benchmarks/{script}.py {' '.join(arguments)}", flush=True)
        start = time.perf_counter()
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            results = module.main(arguments)
        output = buffer.getvalue()
        measured, target, verdict = summarise(results)
        seconds = time.perf_counter() - start
        print(output, end="")
        print(f"-- {script}: {seconds:.0f} s; {verdict}", flush=True)
        runs.append(
            {
                "title": title,
                "script": script,
                "arguments": "".join(f" {a}" for a in arguments),
                "output": output,
                "seconds": seconds,
                "measured": measured,
                "target": target,
                "verdict": verdict,
                "results": results,
            }
        )
    total_seconds = time.perf_counter() - total_start
    sampler.stop()
    ram = _ram_gib()
    machine = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram": "unknown" if ram is None else f"{ram:.1f} GiB",
        "system": f"{platform.system()} {platform.release()}",
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "load_mean": sum(sampler.samples) / len(sampler.samples),
        "load_max": max(sampler.samples),
        "backend": keras.backend.backend(),
        "env": ", ".join(
            f"{name}={os.environ.get(name, '(unset)')}"
            for name in ("TF_ENABLE_ONEDNN_OPTS", "OMP_NUM_THREADS", "PYTHONHASHSEED")
        ),
        "versions": versions(),
        "total_seconds": total_seconds,
    }
    args.results.write_text(results_markdown(runs, machine, started, args.tiny))
    block = readme_block(runs, machine, started, args.results, args.readme, args.tiny)
    args.readme.write_text(replace_block(readme_text, block))
    print(
        f"\nTotal {total_seconds / 60:.1f} min; load average before {_loads(load_before)}, "
        f"after {_loads(machine['load_after'])}. Wrote {args.results} and the results "
        f"block of {args.readme}."
    )
    return {"runs": runs, "machine": machine}


if __name__ == "__main__":
    main()
