"""Benchmark: a synthetic national workload through the engine, against hand-written Python.

    python benchmarks/bench_evaluate.py [--units 700] [--months 12] [--repeat 3]

Evaluates ``units x months`` realisation data sets (half LPKA, half Bapas, 2023 catalogues) with
random counts, and the same figures with a hand-written function that knows the formulas in
advance (plain Decimal arithmetic, no catalogue, no plugins, no derivations). Both run in this
process, on the same data; the ratio is what the declarative engine costs (issue 11's target:
at most 2x). The engine's figures are decided in ``evaluate``; its result objects are built when
read (``Report.indicators``), which this does not time.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kinerja_rules import Engine  # noqa: E402
from kinerja_rules.data import DataEntry, UnitData  # noqa: E402
from kinerja_rules.decimals import CONTEXT  # noqa: E402
from kinerja_rules.diagnostics import Location  # noqa: E402


def synthetic_workload(engine: Engine, units: int, months: int, seed: int = 2023) -> list[UnitData]:
    rng = random.Random(seed)
    catalogues = [engine.catalogue("lpka", 2023), engine.catalogue("bapas", 2023)]
    workload = []
    for unit in range(units):
        catalogue = catalogues[unit % 2]
        for month in range(1, months + 1):
            entries = {}
            for indicator in catalogue.indicators:
                names = [spec.name for spec in indicator.inputs]
                if len(names) == 1:
                    most = int(indicator.target.value) if indicator.target else 1
                    values = {names[0]: Decimal(rng.randint(0, most))}
                else:
                    values = {}
                    for part, whole in zip(names[::2], names[1::2]):
                        total = rng.choice([0, rng.randint(1, 2000)])  # some empty populations
                        values[whole] = Decimal(total)
                        values[part] = Decimal(rng.randint(0, total))
                entries[indicator.id] = DataEntry(
                    indicator.id, values, None, None, None, Location("bench")
                )
            workload.append(
                UnitData(f"unit-{unit}-{month:02}", catalogue.unit_type, 2023, entries, "bench")
            )
    return workload


def by_hand(catalogue, data: UnitData) -> list:
    """What an analyst would write for these two catalogues: formulas known in advance."""
    places = Decimal(1).scaleb(-catalogue.policy.decimals)
    results = []
    for indicator in catalogue.indicators:
        v = data.entries[indicator.id].inputs
        text = indicator.formula.text
        try:
            if text == "N":
                realisasi = v["N"]
            elif text == "A / B * 100":
                realisasi = CONTEXT.divide(v["A"], v["B"]) * 100
            elif text == "(B - A) / B * 100":
                realisasi = CONTEXT.divide(v["B"] - v["A"], v["B"]) * 100
            elif v["B"] > 0 and v["D"] > 0:  # LPKA HIV/TB: the mean of both ratios…
                both = CONTEXT.divide(v["A"], v["B"]) + CONTEXT.divide(v["C"], v["D"])
                realisasi = CONTEXT.divide(both, 2) * 100
            elif v["B"] > 0:  # …or the one ratio whose population exists
                realisasi = CONTEXT.divide(v["A"], v["B"]) * 100
            else:
                realisasi = CONTEXT.divide(v["C"], v["D"]) * 100
        except ArithmeticError:
            results.append(None)
            continue
        if (
            catalogue.unit_type == "lpka"
            and text != "N"
            and all(v[k] == 0 for k in ("B", "D") if k in v)
        ) or (catalogue.unit_type == "bapas" and text == "N" and not indicator.target.value):
            results.append(None)
            continue
        capaian = CONTEXT.divide(realisasi, indicator.target.value) * 100
        results.append(
            (realisasi.quantize(places, ROUND_HALF_UP), capaian.quantize(places, ROUND_HALF_UP))
        )
    measured = [r[1] for r in results if r]
    return [results, sum(measured) / len(measured) if measured else None]


def timed(function, workload) -> float:
    started = time.perf_counter()
    for data in workload:
        function(data)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=700)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()

    engine = Engine.create(entry_points=False)
    workload = synthetic_workload(engine, args.units, args.months)
    indicators = sum(len(d.entries) for d in workload)

    def run_engine(data):
        return engine.evaluate(data)

    def run_by_hand(data):
        return by_hand(engine.catalogue(data.unit_type, data.year), data)

    # Both paths must agree on every shown figure before their speed means anything.
    for data in workload[:: max(1, len(workload) // 200)]:
        report = run_engine(data)
        expected, _ = run_by_hand(data)
        got = [
            (r.realisasi.shown, r.capaian.shown) if r.capaian else None for r in report.indicators
        ]
        assert got == expected, (data.unit, got, expected)

    engine_seconds = min(timed(run_engine, workload) for _ in range(args.repeat))
    hand_seconds = min(timed(run_by_hand, workload) for _ in range(args.repeat))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"workload: {args.units} units x {args.months} months = {len(workload)} data sets, "
        f"{indicators} indicator evaluations (2023 LPKA + Bapas catalogues)"
    )
    print(
        f"engine:       {engine_seconds:8.3f} s  "
        f"{indicators / engine_seconds:12,.0f} indicators/s  "
        f"{len(workload) / engine_seconds:10,.0f} data sets/s"
    )
    print(f"hand-written: {hand_seconds:8.3f} s  {indicators / hand_seconds:12,.0f} indicators/s")
    print(f"ratio engine / hand-written time: {engine_seconds / hand_seconds:.1f}x")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
