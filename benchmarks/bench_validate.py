"""Benchmark: how long ``kinerja-rules validate`` takes, on the bundled catalogues and on 5 000.

    python benchmarks/bench_validate.py [--repeat 5] [--max-examples 100] [--files 5000]

Measures, in one process, on the bundled catalogues (2 unit types x 3 years):

* baseline: reading and parsing the same files with tomllib alone (the unavoidable part);
* validate without invariants (shape, meaning, formulas, warnings, plugin checks, examples);
* validate with invariants (hypothesis, fixed seed, ``--max-examples`` per invariant).

Then writes ``--files`` realistic catalogue files in a temporary directory (the bundled Bapas
2023 catalogue, about 7 KB and 12 indicators, for 250 unit types x 20 years, as
``<year>/<unit type>.toml``) and runs, each as its own ``kinerja-rules`` process:

* ``validate --no-invariants DIR``: wall time and the peak RSS of its processes;
* ``evaluate DATA --catalog DIR`` for one unit: wall time and peak RSS.

Targets: well under a second without invariants and a few seconds with them on the bundled
catalogues (issue 3); 5 000 files validated in at most 5 s (issue 11). The last line is the
figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kinerja_rules import Engine  # noqa: E402
from kinerja_rules.formula import clear_formula_cache  # noqa: E402
from kinerja_rules.validation import validate  # noqa: E402
from kinerja_rules.verification import InvariantRun  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_formula_cache()  # measure a cold start, as a CI run is
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def write_catalogues(directory: Path, count: int) -> Path:
    """``count`` catalogue files like the bundled Bapas 2023 one (comments dropped: about 7 KB,
    12 indicators) for many unit types and years; returns a data file for one of them."""
    source = (ROOT / "indicator_catalog" / "2023" / "bapas.toml").read_text(encoding="utf-8")
    source = "".join(line for line in source.splitlines(True) if not line.startswith("#"))
    years = range(2005, 2025)
    units = [f"satker{number:03}" for number in range(-(-count // len(years)))]
    written = 0
    for unit in units:
        for year in years:
            if written == count:
                break
            text = source.replace('unit_type = "bapas"', f'unit_type = "{unit}"', 1)
            shift = {"2021": year - 2, "2022": year - 1, "2023": year, "2024": year + 1}
            text = re.sub(r"\b202[1-4]\b", lambda m, shift=shift: str(shift[m.group(0)]), text)
            path = directory / str(year) / f"{unit}.toml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    data = (ROOT / "examples" / "2023" / "bapas-lahat.toml").read_text(encoding="utf-8")
    data = data.replace('unit_type = "bapas"', f'unit_type = "{units[0]}"', 1)
    data = data.replace("year = 2023", "year = 2010", 1)
    path = directory.parent / "data.toml"
    path.write_text(data, encoding="utf-8")
    return path


def run_measured(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB of the process and those it waited for, stdout)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    out = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode})")
    return elapsed, usage.ru_maxrss / 1024, out


def many_files(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as tmp:
        directory = Path(tmp) / "katalog"
        directory.mkdir()
        data = write_catalogues(directory, count)
        cli = [sys.executable, "-m", "kinerja_rules"]
        run_measured([*cli, "validate", "--no-invariants", str(directory)])  # warm the file cache
        seconds, peak, out = run_measured([*cli, "validate", "--no-invariants", str(directory)])
        summary = out.strip().splitlines()[-1]
        assert summary.startswith("0 error(s), 0 warning(s)"), summary
        evaluate = [*cli, "evaluate", str(data), "--catalog", str(directory)]
        evaluate_seconds, evaluate_peak, out = run_measured(evaluate)
        assert "Nilai rata-rata" in out
    print(f"{count} catalogue files (7 KB, 12 indicators each): {summary}")
    print(f"validate --no-invariants DIR: {seconds:8.2f} s  peak RSS {peak:5.0f} MB  (target 5 s)")
    print(
        f"evaluate DATA --catalog DIR:  {evaluate_seconds:8.2f} s  peak RSS {evaluate_peak:5.0f} MB"
    )
    return {
        "files": count,
        "validate_seconds": round(seconds, 3),
        "validate_peak_rss_mb": round(peak, 1),
        "evaluate_seconds": round(evaluate_seconds, 3),
        "evaluate_peak_rss_mb": round(evaluate_peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument(
        "--files", type=int, default=5000, help="catalogue files to generate (0: none)"
    )
    args = parser.parse_args()
    files = sorted((ROOT / "indicator_catalog").glob("*/*.toml"))

    def parse_only():
        for path in files:
            tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)

    def without_invariants():
        assert validate([*files], entry_points=False, invariants=None).errors == 0

    run = InvariantRun(max_examples=args.max_examples)

    def with_invariants():
        assert validate([*files], entry_points=False, invariants=run).errors == 0

    baseline = best(parse_only, args.repeat)
    plain = best(without_invariants, args.repeat)
    full = best(with_invariants, max(1, args.repeat // 2))
    engine = Engine.create(entry_points=False)
    indicators = [i for c in engine.catalogues for i in c.indicators]
    invariants = sum(len(i.invariants) for i in indicators)
    examples = sum(len(i.examples) for i in indicators)
    print(
        f"bundled catalogues: {len(files)} files, {len(indicators)} indicators, "
        f"{examples} examples, {invariants} invariants"
    )
    print(f"baseline (tomllib parse only):  {baseline * 1000:8.1f} ms")
    print(
        f"validate --no-invariants:       {plain * 1000:8.1f} ms  "
        f"({plain / baseline:5.1f}x baseline)"
    )
    print(
        f"validate (invariants, {args.max_examples} examples): {full * 1000:8.1f} ms  "
        f"({full / baseline:5.1f}x baseline)"
    )
    figures: dict[str, object] = {
        "bundled": {
            "files": len(files),
            "parse_ms": round(baseline * 1000, 1),
            "validate_no_invariants_ms": round(plain * 1000, 1),
            "validate_invariants_ms": round(full * 1000, 1),
        }
    }
    if args.files > 0:
        figures["many"] = many_files(args.files)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
