"""Smoke tests: every benchmark script still runs, on tiny sizes. They time nothing."""

import importlib.util
import pathlib

import pytest

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"


def load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_layer_overhead_runs_on_tiny_sizes(capsys):
    results = load("bench_layer_overhead").main(
        ["--epochs", "1", "--rounds", "1", "--n", "256", "--batch-size", "64"]
    )
    assert set(results["samples_per_second"]) == {
        "plain",
        "KLSparsity + MaskingNoise",
        "reference: Keras Dropout",
    }
    assert results["ratio"] > 0 and results["cpu_ratio"] > 0 and results["dropout_ratio"] > 0
    assert "throughput ratio" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCHMARKS.glob("bench_*.py")))
def test_every_benchmark_has_a_main(name):
    assert callable(load(name).main)
