"""Benchmark: the plausibility review finds planted mistakes, leaves clean units alone, and costs
little next to the evaluation.

    python benchmarks/bench_plausibility.py [--units 5000] [--planted 0.01] [--seed 16]

Generates two years (2022, 2023) of monthly data for ``units`` units (half LPKA, half Bapas, the
bundled catalogues) as units report it, drawn independently of the checks' thresholds: each
unit's populations have their own size (a third empty, the rest log-normal around 150, a long
tail to thousands), follow a season (±10%) and a 5% yearly growth, and are Poisson counts around
that; numerators are binomial shares of them; documents and services are the unit's own count.
In ``planted`` of the units (one mistake each, in 2023) it plants one of four mistakes the
review must find: a digit added to a count (×10 plus a digit), a denominator that is last year's
annual total, a stock's annual figure summed from its months, and a month copied from 2022.

Then ``kinerja-rules batch`` runs in this process (``run_batch``) with and without the review:
found = planted units with a finding naming them; flagged = clean units with any finding.
Targets to compare with (issue 16, not asserted): at least 95% found, at most 1% of clean units
flagged, the review at most 1/5 of the evaluation's time. The last line is the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from kinerja_rules import Engine  # noqa: E402
from kinerja_rules.batch.run import run_batch  # noqa: E402
from kinerja_rules.consolidation import consolidation_of  # noqa: E402

KINDS = ("digit", "denominator", "stock", "copied")


def generate(engine, units: int, planted: float, seed: int):
    """Rows (unit, unit_type, year, indicator, input, period, value) and the planted units."""
    rng = np.random.default_rng(seed)
    rows: list[tuple] = []
    plants: dict[str, str] = {}
    chosen = rng.choice(units, max(1, round(units * planted)), replace=False)
    for u in range(units):
        unit_type = ("lpka", "bapas")[u % 2]
        name = f"UPT {u:05d}"
        values: dict[int, dict] = {}
        for year in (2022, 2023):
            catalogue = engine.catalogue(unit_type, year)
            growth = 1.05 ** (year - 2022)
            values[year] = {}
            for indicator in catalogue.indicators:
                names = [spec.name for spec in indicator.data_inputs]
                if not names:
                    continue
                seed_i = zlib.crc32(f"{name} {indicator.id}".encode())
                own = np.random.default_rng(seed_i)  # the unit's size: the same every year
                if len(names) == 1:
                    most = int(indicator.target.value) if indicator.target else 1
                    count = int(own.integers(0, max(most, 1), endpoint=True))
                    for m in range(1, 13):
                        values[year][(indicator.id, names[0], m)] = count
                    continue
                for part, whole in zip(names[::2], names[1::2]):
                    size = 0.0 if own.random() < 1 / 3 else float(own.lognormal(np.log(150), 1))
                    share = own.beta(2, 2)
                    for m in range(1, 13):
                        season = 1 + 0.1 * np.sin(2 * np.pi * m / 12)
                        total = int(rng.poisson(size * season * growth))
                        values[year][(indicator.id, whole, m)] = total
                        values[year][(indicator.id, part, m)] = int(rng.binomial(total, share))
        annual: dict = {}
        if u in set(chosen.tolist()):
            kind = KINDS[len(plants) % len(KINDS)]
            if _plant(engine, rng, unit_type, values, annual, kind):
                plants[name] = kind
        for year, by_key in values.items():
            for (indicator, input_name, m), value in by_key.items():
                rows.append((name, unit_type, year, indicator, input_name, f"{m:02d}", value))
        for (indicator, input_name), value in annual.items():
            rows.append((name, unit_type, 2023, indicator, input_name, "", value))
    return rows, plants


def _plant(engine, rng, unit_type, values, annual, kind) -> bool:
    this, last = values[2023], values[2022]
    month = int(rng.integers(1, 13))
    catalogue = engine.catalogue(unit_type, 2023)
    if kind == "copied":
        common = [k for k in this if k[2] == month and k in last]
        for key in common:
            this[key] = last[key]
        return sum(1 for k in common if this[k]) >= 3 and any(
            this[(i, n, m)] != last.get((i, n, m)) for (i, n, m) in this if m != month
        )
    if kind == "stock":
        stocks = [
            i
            for i in catalogue.indicators
            if consolidation_of(i, catalogue.policy) == "last" and i.data_inputs
        ]
        indicator = stocks[int(rng.integers(len(stocks)))]
        name = indicator.data_inputs[0].name
        months = [this[(indicator.id, name, m)] for m in range(1, 13)]
        if months[-1] == 0:
            return False
        annual[(indicator.id, name)] = sum(months)
        return True
    pairs = [(i, n, m) for (i, n, m) in this if m == month and this[(i, n, m)] >= 10]
    wholes = [k for k in pairs if k[1] in ("B", "D")]
    if kind == "denominator":
        wholes = [k for k in wholes if (k[0], k[1], month) in last]
        if not wholes:
            return False
        key = wholes[int(rng.integers(len(wholes)))]
        this[key] = sum(last.get((key[0], key[1], m), 0) for m in range(1, 13))
        return True
    if not pairs:
        return False
    key = pairs[int(rng.integers(len(pairs)))]
    this[key] = this[key] * 10 + int(rng.integers(0, 10))
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--planted", type=float, default=0.01, help="share of units planted")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()

    engine = Engine.create(entry_points=False)
    started = time.perf_counter()
    rows, plants = generate(engine, args.units, args.planted, args.seed)
    generated = time.perf_counter() - started
    columns = list(zip(*rows))
    table = pa.table(
        {
            "unit": pa.array(columns[0]),
            "unit_type": pa.array(columns[1]),
            "year": pa.array(columns[2], pa.int32()),
            "indicator": pa.array(columns[3]),
            "input": pa.array(columns[4]),
            "period": pa.array(columns[5]),
            "value": pa.array(columns[6], pa.int64()),
        }
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-plausibility-"))
    data = folder / "data.parquet"
    pq.write_table(table, data)

    plain: list = []
    started = time.perf_counter()
    run_batch(
        engine,
        [data],
        folder / "plain.parquet",
        period="monthly",
        findings=plain,
        plausibility=False,
    )
    without = time.perf_counter() - started
    found: list = []
    summary = run_batch(
        engine, [data], folder / "reviewed.parquet", period="monthly", findings=found
    )
    review_s = summary.plausibility_seconds
    named = {}
    for diagnostic in found:
        if diagnostic.code.startswith("KR9") and diagnostic.details:
            named.setdefault(diagnostic.details["unit"], []).append(diagnostic.code)
    hits = {unit: kind for unit, kind in plants.items() if unit in named}
    clean = args.units - len(plants)
    flagged = [unit for unit in named if unit not in plants]
    by_kind = {
        kind: f"{sum(1 for u in hits if plants[u] == kind)}/"
        f"{sum(1 for k in plants.values() if k == kind)}"
        for kind in KINDS
    }
    figures = {
        "units": args.units,
        "planted_units": len(plants),
        "found": len(hits),
        "found_share": round(len(hits) / max(len(plants), 1), 4),
        "found_by_kind": by_kind,
        "clean_units_flagged": len(flagged),
        "clean_flagged_share": round(len(flagged) / max(clean, 1), 4),
        "findings": sum(len(v) for v in named.values()),
        "batch_without_review_s": round(without, 2),
        "review_s": round(review_s, 2),
        "review_to_batch": round(review_s / without, 3),
        "generated_s": round(generated, 2),
    }
    print(f"planted mistakes found: {len(hits)} of {len(plants)} units ({by_kind})")
    print(f"clean units flagged: {len(flagged)} of {clean}")
    print(f"review {review_s:.2f} s, batch without it {without:.2f} s")
    print(json.dumps(figures))
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
