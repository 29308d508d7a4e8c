"""Benchmark: how long ``kinerja-rules validate`` takes on the bundled catalogues.

    python benchmarks/bench_validate.py [--repeat 5] [--max-examples 100]

Measures, in one process, on the bundled catalogues (4 files, 2 unit types x 2 years):

* baseline: reading and parsing the same files with tomllib alone (the unavoidable part);
* validate without invariants (shape, meaning, formulas, warnings, plugin checks, examples);
* validate with invariants (hypothesis, fixed seed, ``--max-examples`` per invariant).

Targets (issue 3): well under a second without invariants, a few seconds with them.
"""

from __future__ import annotations

import argparse
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--max-examples", type=int, default=100)
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


if __name__ == "__main__":
    main()
