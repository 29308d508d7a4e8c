"""Benchmark: how long the command line takes to start, as a person running it waits.

    python benchmarks/bench_startup.py [--runs 15]

Times, each as the median wall time of ``--runs`` fresh processes (after one warm-up run):

* ``kinerja-rules --help``;
* ``kinerja-rules evaluate examples/2023/bapas-lahat.toml`` (one unit, the bundled catalogues);
* ``python -c "import kinerja_rules"``, and ``python -c pass`` (the interpreter alone).

Each is measured three times: as this environment runs Python (where
``PYTHONDONTWRITEBYTECODE=1`` is set, as on the project's machines, every run compiles the
package's source again); with compiled bytecode cached (in a temporary ``PYTHONPYCACHEPREFIX``,
so nothing is written in the repository); and "installed", as a user runs it: the package and
its dependencies installed by pip into a temporary directory (not an editable install, whose
import hook every process of a development environment loads), ``python -S`` without the
site's other packages, bytecode cached (``--no-installed`` skips it). Targets (issue 11):
``--help`` at most 100 ms and the evaluation at most 150 ms.
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


def install(target: Path) -> Path | None:
    """kinerja-rules and its dependencies installed by pip into ``target`` (None if pip cannot)."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(f"(no 'installed' column: pip install failed: {done.stderr.strip()[-300:]})")
        return None
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (median)")
    parser.add_argument(
        "--no-installed",
        dest="installed",
        action="store_false",
        help="skip the column of a pip-installed copy (it installs one into a temporary dir)",
    )
    args = parser.parse_args()
    base = {**os.environ, "PYTHONPATH": str(ROOT)}
    base.pop("PYTHONPYCACHEPREFIX", None)
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="kinerja-pycache-") as cache:
        cached = {**base, "PYTHONPYCACHEPREFIX": cache}
        cached.pop("PYTHONDONTWRITEBYTECODE", None)
        modes = {"as run here": (base, COMMANDS), "bytecode cached": (cached, COMMANDS)}
        installed = install(Path(cache) / "installed") if args.installed else None
        if installed is not None:
            # As a user runs it: installed by pip (not editable: no import hook of a development
            # install in every process), without the site's other packages, bytecode cached.
            env = {**cached, "PYTHONPATH": str(installed)}
            isolated = {
                name: [sys.executable, "-S", *command[1:]] for name, command in COMMANDS.items()
            }
            modes["installed"] = (env, isolated)
        for mode, (env, commands) in modes.items():
            figures[mode] = {
                name: round(median_ms(command, args.runs, env), 1)
                for name, command in commands.items()
            }
    dont_write = os.environ.get("PYTHONDONTWRITEBYTECODE", "")
    print(
        f"median of {args.runs} runs each, ms (Python {sys.version.split()[0]}; here "
        f"PYTHONDONTWRITEBYTECODE={dont_write!r})"
    )
    print(f"{'':32}" + "".join(f"{mode:>18}" for mode in figures))
    for name, label in LABELS.items():
        target = f"  (target {TARGETS_MS[name]} ms)" if name in TARGETS_MS else ""
        row = "".join(f"{figures[mode][name]:>18.1f}" for mode in figures)
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
