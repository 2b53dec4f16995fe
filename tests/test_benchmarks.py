"""Smoke tests: every benchmark script still runs, on tiny sizes. They time nothing.

`run_all.py --tiny` runs every script once on tiny sizes (the module fixture
below, writing to temporary paths); each script's test then checks the
results that its own `main` returned in that run, so that no script runs twice.
"""

import importlib.util
import math
import os
import pathlib
import re
import subprocess
import sys

import keras
import pytest

pytestmark = pytest.mark.backend_independent

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"
README = (
    "# title\n\n## Benchmarks\n\nbefore\n\n"
    "<!-- benchmark-results:start -->\nold table\n<!-- benchmark-results:end -->\n\nafter\n"
)


def load(name, directory=BENCHMARKS):
    spec = importlib.util.spec_from_file_location(name, directory / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_finite(values):
    return all(math.isfinite(v) for v in values)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """Runs `run_all.py --tiny` with temporary output paths."""
    directory = tmp_path_factory.mktemp("benchmarks")
    readme = directory / "README.md"
    readme.write_text(README)
    results = directory / "out" / "RESULTS.md"
    results.parent.mkdir()
    returned = load("run_all").main(["--tiny", "--results", str(results), "--readme", str(readme)])
    runs = {run["script"]: run for run in returned["runs"]}
    return {"runs": runs, "results": results.read_text(), "readme": readme.read_text()}


def test_run_all_writes_results_and_readme_block(tiny_run):
    text = tiny_run["results"]
    for heading in (
        "## Machine",
        "## Summary",
        "## 1. Linear autoencoder vs PCA",
        "## 2. Layer overhead",
        "## 3. keras_ae VAE vs a reference VAE",
        "## 4. Backends",
        "## 5. Representation quality",
        "## 6. One-class anomaly detection",
        "## 7. keras_ae against pure JAX, pure PyTorch and plain Keras",
        "## 8. The lectures on each backend",
        "## Dataset loaders",
    ):
        assert heading in text
    assert "Load average (1, 5, 15 min) before the run" in text
    assert f"| keras | {keras.__version__} |" in text
    assert "Tiny sizes" in text

    readme = tiny_run["readme"]
    assert readme.startswith("# title\n\n## Benchmarks\n\nbefore\n\n")
    assert readme.endswith("\n\nafter\n")
    assert "old table" not in readme
    assert "[out/RESULTS.md](out/RESULTS.md)" in readme
    assert readme.count("| 1. Linear autoencoder vs PCA |") == 1
    assert readme.count("| 6. One-class anomaly detection |") == 1
    assert "Dataset loaders" not in readme


def test_run_all_refuses_a_readme_without_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n")
    with pytest.raises(ValueError, match="The README has no results block"):
        load("run_all").main(
            ["--tiny", "--results", str(tmp_path / "R.md"), "--readme", str(readme)]
        )
    assert not (tmp_path / "R.md").exists()


def test_run_all_covers_every_benchmark():
    scripts = {entry[1] for entry in load("run_all").BENCHMARKS}
    assert scripts == {p.stem for p in BENCHMARKS.glob("bench_*.py")}


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCHMARKS.glob("bench_*.py")))
def test_every_benchmark_has_a_main(name):
    assert callable(load(name).main)


def test_bench_layer_overhead_runs_on_tiny_sizes(tiny_run):
    run = tiny_run["runs"]["bench_layer_overhead"]
    results = run["results"]
    assert set(results["samples_per_second"]) == {
        "plain",
        "KLSparsity + MaskingNoise",
        "reference: Keras Dropout",
    }
    assert results["ratio"] > 0 and results["cpu_ratio"] > 0 and results["dropout_ratio"] > 0
    assert "throughput ratio" in run["output"]
    # What a user gets without asking (XLA on JAX), and the "under 5%".
    assert results["jit_compile"] == "auto" and results["target"] == 0.95


def test_bench_linear_vs_pca_runs_on_tiny_sizes(tiny_run):
    run = tiny_run["runs"]["bench_linear_vs_pca"]
    results = run["results"]
    assert set(results["rows"]) == {3}
    for row in results["rows"].values():
        assert all_finite(row.values())
        # Eckart-Young: no rank-k linear map beats PCA on its own training data.
        assert row["train_ratio"] >= 1.0 - 1e-4
        assert 0.0 <= row["max_angle_degrees"] <= 90.0
    assert results["max_test_ratio"] == max(r["test_ratio"] for r in results["rows"].values())
    assert "| k | PCA test MSE |" in run["output"]


def test_bench_vae_reference_runs_on_tiny_sizes(tiny_run):
    module = load("bench_vae_reference")
    run = tiny_run["runs"]["bench_vae_reference"]
    results = run["results"]
    assert set(results["negative_elbo"]) == {module.KERAS_AE, module.REFERENCE}
    assert all_finite(results["negative_elbo"].values())
    assert all(v > 0 for v in results["negative_elbo"].values())
    # Same initial weights, batches and noise: the two trainings are the same
    # computation, so the ELBOs agree closely.
    assert results["elbo_relative_difference"] < 0.01
    # The NumPy estimate and the library's method use the same normal draws.
    assert results["library_negative_elbo"] == pytest.approx(
        results["negative_elbo"][module.KERAS_AE], rel=1e-4
    )
    assert results["time_ratio"] > 0 and results["cpu_time_ratio"] > 0
    assert results["epochs"] == 3
    assert "paired time-per-epoch ratio" in run["output"]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_bench_vae_reference_trains_the_reference_on_other_backends(backend):
    # The reference's train_step is written per backend; the module fixture
    # runs the TensorFlow one, these the JAX and PyTorch ones. Both models
    # train on the same batches from the same weights, so a step that does not
    # update the reference's weights, or updates them wrongly, parts the ELBOs.
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "bench_vae_reference.py"),
            *"--rounds 2 --epochs 1 --n 256 --n-test 200 --elbo-samples 2".split(),
        ],
        env={**os.environ, "KERAS_BACKEND": backend},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert f"backend {backend}," in completed.stdout
    difference = re.search(r"relative difference ([0-9.]+)%", completed.stdout)
    assert float(difference.group(1)) < 1.0, completed.stdout


def test_bench_backends_measures_the_current_backend_in_process(tiny_run):
    run = tiny_run["runs"]["bench_backends"]
    results = run["results"]
    backend = keras.backend.backend()
    assert [(r["backend"], r["model"], r["jit_compile"]) for r in results["rows"]] == [
        (backend, "dense autoencoder", False),
        (backend, "VAE", False),
    ]
    for row in results["rows"]:
        assert "error" not in row, row
        assert row["samples_per_second"] > 0 and math.isfinite(row["samples_per_cpu_second"])
    assert set(results["fastest"]) == {"dense autoencoder", "VAE"}
    assert "fastest for the VAE" in run["output"]


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="launches a TensorFlow subprocess; once per test session is enough",
)
def test_bench_backends_gathers_a_subprocess_result(capsys):
    results = load("bench_backends").main(
        [
            "--backends",
            "tensorflow",
            "--jit-compile",
            "false",
            "--epochs",
            "1",
            "--rounds",
            "1",
            "--n",
            "128",
        ]
    )
    assert [(r["backend"], r["model"]) for r in results["rows"]] == [
        ("tensorflow", "dense autoencoder"),
        ("tensorflow", "VAE"),
    ]
    assert all(r["samples_per_second"] > 0 for r in results["rows"])
    assert "| tensorflow | VAE | False |" in capsys.readouterr().out


def test_bench_backends_reports_a_failing_backend(monkeypatch):
    module = load("bench_backends")
    monkeypatch.setattr(
        module.subprocess,
        "run",
        lambda *args, **kwargs: module.subprocess.CompletedProcess(
            args, 1, stdout="", stderr="Traceback\nImportError: no module named jax\n"
        ),
    )
    results = module.main(["--backends", "jax"])
    assert results["rows"] == [
        {"backend": "jax", "error": "exit code 1: ImportError: no module named jax"}
    ]
    assert results["fastest"] == {}


def test_bench_representations_runs_on_tiny_sizes(tiny_run):
    run = tiny_run["runs"]["bench_representations"]
    results = run["results"]
    assert set(results["summary"]) == {
        "raw pixels (reference)",
        "PCA",
        "plain autoencoder",
        "KL-sparse autoencoder",
        "denoising autoencoder (25% masking)",
    }
    for accuracies in results["accuracy"].values():
        assert len(accuracies) == 1 and all(0.0 <= a <= 1.0 for a in accuracies)
    assert len(results["denoising_minus_plain"]) == 1
    assert results["verdict"] in {"holds", "does not hold", "is mixed"}
    assert "denoising - plain" in run["output"]


def test_bench_anomaly_runs_on_tiny_sizes(tiny_run):
    run = tiny_run["runs"]["bench_anomaly"]
    results = run["results"]
    assert set(results["rows"]) == {7}
    for row in results["rows"].values():
        assert row["n_normal_train"] == 30  # the subset is stratified: 10% of each digit
        assert 0.0 <= row["conv_ae_auroc"] <= 1.0 and 0.0 <= row["pca_auroc"] <= 1.0
    assert math.isfinite(results["mean_conv_ae_auroc"])
    assert "published full-MNIST setting" in run["output"]


def test_bench_datasets_runs_on_tiny_sizes(tiny_run):
    results = tiny_run["runs"]["bench_datasets"]["results"]
    assert set(results) == {"make_shapes_outline", "make_shapes_filled", "load_mnist_subset"}
    assert all(0 < row["best_s"] <= row["median_s"] for row in results.values())


def test_bench_peers_runs_every_implementation_on_quick_sizes(tiny_run):
    module = load("bench_peers")
    run = tiny_run["runs"]["bench_peers"]
    results = run["results"]
    names = set(module.implementations(["jax", "torch"]))
    assert names == {
        "keras_ae (jax)",
        "keras_ae (torch)",
        "Keras (jax)",
        "Keras (torch)",
        "pure JAX",
        "pure PyTorch",
    }
    assert set(results["models"]) == set(module.MODELS)
    for model in results["models"].values():
        assert set(model["samples_per_second"]) == names
        assert all(v > 0 for v in model["samples_per_second"].values())
        assert model["roofline_samples_per_second"] > 0 and model["sgemm_gflops"] > 0
        assert all(v > 0 for v in model["roofline_fraction"].values())
        assert model["torch_ratio"] > 0 and model["ratio_to_fastest_peer"] > 0
        # The same model and loss written four ways: after the same few steps
        # from different initial weights, the losses are alike (a loss summed
        # instead of averaged over the batch, or a missing sigmoid, is not).
        losses = model["last_loss"]
        reference = losses["keras_ae (jax)"]
        assert all(abs(v - reference) < 0.25 * reference for v in losses.values()), losses
    assert "fraction of roofline" in run["output"]


def test_bench_notebooks_times_the_lecture_on_the_backend_asked_for(tiny_run):
    run = tiny_run["runs"]["bench_notebooks"]
    results = run["results"]
    assert results["mode"] == "quick"
    assert list(results["seconds"]) == ["00_welcome"]
    assert set(results["seconds"]["00_welcome"]) == {"jax"}
    # A lecture runs in a fresh kernel: seconds, not the milliseconds of a no-op.
    assert results["seconds"]["00_welcome"]["jax"] > 1
    assert results["fastest"] == "jax"
    assert results["default"] == load("workspace", BENCHMARKS.parent / "tools").DEFAULT_BACKEND
    assert "| 00_welcome |" in run["output"]


def test_bench_notebooks_refuses_an_unknown_backend(capsys):
    with pytest.raises(SystemExit):
        load("bench_notebooks").main(["--backends", "tensorflw"])
    assert "invalid choice: 'tensorflw'" in capsys.readouterr().err


def test_bench_peers_counts_the_flops_of_a_training_step():
    module = load("bench_peers")
    # Dense 784-400-(20+20)-400-784: forward, kernel gradients and the input
    # gradients of every layer but the first, two FLOPs per multiply-add.
    forward = 784 * 400 + 400 * 40 + 20 * 400 + 400 * 784
    assert module.flops_per_sample("VAE") == 2 * (3 * forward - 784 * 400)
    forward = 784 * 256 + 256 * 64 + 64 * 256 + 256 * 784
    assert module.flops_per_sample("dense autoencoder") == 2 * (3 * forward - 784 * 256)
