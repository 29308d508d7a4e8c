"""Benchmark: how long the command line takes to start, as a person running it waits.

    python benchmarks/bench_startup.py [--runs 15]

Times, each as the median wall time of ``--runs`` fresh processes (after one warm-up run):

* ``kinerja-rules --help``;
* ``kinerja-rules evaluate examples/2023/bapas-lahat.toml`` (one unit, the bundled catalogues);
* ``python -c "import kinerja_rules"``, and ``python -c pass`` (the interpreter alone).

Each is measured twice: as this environment runs Python (where ``PYTHONDONTWRITEBYTECODE=1``
is set, as on the project's machines, every run compiles the package's source again), and with
compiled bytecode cached, as an installed package normally runs (in a temporary
``PYTHONPYCACHEPREFIX``, so nothing is written in the repository). Targets (issue 11): ``--help``
at most 100 ms and the evaluation at most 150 ms.
The last line is the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "kinerja_rules"]
LABELS = {
    "help": "kinerja-rules --help",
    "evaluate": "kinerja-rules evaluate (1 unit)",
    "import": "import kinerja_rules",
    "python": "python -c pass",
}
COMMANDS = {
    "help": [*CLI, "--help"],
    "evaluate": [*CLI, "evaluate", "examples/2023/bapas-lahat.toml"],
    "import": [sys.executable, "-c", "import kinerja_rules"],
    "python": [sys.executable, "-c", "pass"],
}
TARGETS_MS = {"help": 100, "evaluate": 150}


def median_ms(command: list[str], runs: int, env: dict[str, str]) -> float:
    def once() -> float:
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started

    once()  # warm-up: the file cache (and, where it is kept, the bytecode cache)
    return statistics.median(once() for _ in range(runs)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (median)")
    args = parser.parse_args()
    base = {**os.environ, "PYTHONPATH": str(ROOT)}
    base.pop("PYTHONPYCACHEPREFIX", None)
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="kinerja-pycache-") as cache:
        cached = {**base, "PYTHONPYCACHEPREFIX": cache}
        cached.pop("PYTHONDONTWRITEBYTECODE", None)
        modes = {"as run here": base, "bytecode cached": cached}
        for mode, env in modes.items():
            figures[mode] = {
                name: round(median_ms(command, args.runs, env), 1)
                for name, command in COMMANDS.items()
            }
    dont_write = os.environ.get("PYTHONDONTWRITEBYTECODE", "")
    print(
        f"median of {args.runs} runs each, ms (Python {sys.version.split()[0]}; here "
        f"PYTHONDONTWRITEBYTECODE={dont_write!r})"
    )
    print(f"{'':32}" + "".join(f"{mode:>20}" for mode in figures))
    for name, label in LABELS.items():
        target = f"  (target {TARGETS_MS[name]} ms)" if name in TARGETS_MS else ""
        row = "".join(f"{figures[mode][name]:>20.1f}" for mode in figures)
        print(f"{label:32}{row}{target}")
    print(
        json.dumps(
            {
                "runs": args.runs,
                "ms": figures,
                "targets_ms": TARGETS_MS,
                "PYTHONDONTWRITEBYTECODE": dont_write,
            }
        )
    )


if __name__ == "__main__":
    main()
