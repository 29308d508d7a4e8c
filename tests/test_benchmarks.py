"""The benchmarks still run (tiny workloads): their agreement checks are real assertions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize(
    "script, args, expect",
    [
        (
            "bench_evaluate.py",
            ["--units", "6", "--months", "1", "--repeat", "1"],
            "ratio engine / hand-written",
        ),
        ("bench_validate.py", ["--repeat", "1", "--max-examples", "5"], "validate --no-invariants"),
        (
            "bench_plausibility.py",
            ["--units", "400", "--planted", "0.05"],
            "planted mistakes found",
        ),
        (
            "bench_distributed.py",
            ["--units", "40", "--months", "2", "--sample", "10", "--repeat", "1"],
            "speed-up of 2 workers over 1",
        ),
    ],
)
def test_benchmark_runs(script, args, expect):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert expect in result.stdout
