"""Benchmark: the national workload through ``kinerja-rules batch``, end to end.

    python benchmarks/bench_national.py [--units 24000] [--months 12] [--jobs N] [--sample 2000]

Generates a long Parquet table of ``units`` units (half LPKA, half Bapas, the bundled 2023
catalogues) with monthly counts for ``months`` months as units report them: each unit has a
population of its own size (half of them empty, the others up to 2 000) that varies about 10%
from month to month, a share of it counted in the numerator, and its own count of documents
and services; then

* runs ``kinerja-rules batch DATA.parquet --period monthly -o RESULT.parquet`` in a subprocess
  (end-to-end wall time; peak resident memory of it and its worker processes together, sampled
  from /proc);
* times the evaluation alone in this process (the chunks batch reads already in memory,
  pivot included);
* times a hand-written function (bench_evaluate.by_hand) on a sample of data sets, for the ratio;
* checks the batch result against the per-row engine on a random sample of data sets
  (unit × period), every field of every row.

The end-to-end run includes the plausibility review (its time is on batch's summary line);
``plausibility_to_evaluation`` is that time over the evaluation's. The last line is one JSON
object with the figures. Targets to compare with (not asserted): evaluation <= 3 s for 8.6 M
evaluations, end to end <= 10 s, peak RSS <= 1.5 GB, plausibility review <= 1/5 of evaluation.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from kinerja_rules import Engine  # noqa: E402
from kinerja_rules.batch.run import (  # noqa: E402
    CHUNK_ROWS,
    _plans,
    evaluate_chunks,
    parse_periods,
    read_inputs,
)
from kinerja_rules.batch.verify import differences, reference  # noqa: E402
from kinerja_rules.data import DataEntry, UnitData  # noqa: E402
from kinerja_rules.diagnostics import Location  # noqa: E402
from kinerja_rules.parallel import configured_jobs  # noqa: E402
from kinerja_rules.periods import month  # noqa: E402


def generate(engine, units: int, months: int, seed: int = 2023):
    """Columns of the long table, generated straight into numpy (as a reader delivers them)."""
    rng = np.random.default_rng(seed)
    catalogues = [engine.catalogue("lpka", 2023), engine.catalogue("bapas", 2023)]
    parts = []
    for c, catalogue in enumerate(catalogues):
        ids = np.arange(c, units, 2)
        n = len(ids)
        for indicator in catalogue.indicators:
            names = [spec.name for spec in indicator.inputs]
            columns = {}
            if len(names) == 1:  # a count of documents or services: the unit's, each month
                most = int(indicator.target.value) if indicator.target else 1
                per_unit = rng.integers(0, most, (n, 1), endpoint=True)
                columns[names[0]] = np.repeat(per_unit, months, axis=1)
            else:  # a population of the unit's size, varying about 10% from month to month
                for part, whole in zip(names[::2], names[1::2]):
                    size = np.where(
                        rng.random((n, 1)) < 0.5, 0, rng.integers(1, 2000, (n, 1), endpoint=True)
                    )
                    total = np.rint(size * rng.normal(1, 0.1, (n, months))).clip(0).astype(int)
                    columns[whole] = total
                    share = rng.random((n, 1))
                    columns[part] = rng.binomial(total, np.broadcast_to(share, total.shape))
            for name in names:
                parts.append((c, ids, indicator.id, name, columns[name]))
    # one row per unit, indicator, input and month; rows of a unit together
    unit_col, type_col, ind_col, inp_col, per_col, val_col = [], [], [], [], [], []
    for c, ids, ind, name, values in parts:
        n = len(ids)
        unit_col.append(np.repeat(ids, months))
        type_col.append(np.full(n * months, c))
        ind_col.append(np.full(n * months, ind, dtype=object))
        inp_col.append(np.full(n * months, name, dtype=object))
        per_col.append(np.tile(np.arange(1, months + 1), n))
        val_col.append(values.reshape(-1))
    unit = np.concatenate(unit_col)
    order = np.argsort(unit, kind="stable")
    unit = unit[order]
    names = np.array([f"UPT {i:05d}" for i in range(units)], dtype=object)
    table = pa.table(
        {
            "unit": pa.DictionaryArray.from_arrays(
                pa.array(unit.astype(np.int32)), pa.array(names)
            ),
            "unit_type": pa.DictionaryArray.from_arrays(
                pa.array(np.concatenate(type_col)[order].astype(np.int32)),
                pa.array(["lpka", "bapas"]),
            ),
            "year": pa.array(np.full(len(unit), 2023, dtype=np.int32)),
            "indicator": pa.array(np.concatenate(ind_col)[order]).dictionary_encode(),
            "input": pa.array(np.concatenate(inp_col)[order]).dictionary_encode(),
            "period": pa.array(
                np.char.zfill(np.concatenate(per_col)[order].astype(str), 2)
            ).dictionary_encode(),
            "value": pa.array(np.concatenate(val_col)[order].astype(np.int64)),
        }
    )
    return table


def unit_data(engine, table, unit: str) -> UnitData:
    """One unit's data as the per-row engine's UnitData, built straight from the rows."""
    rows = table.filter(pa.compute.equal(table["unit"].cast(pa.string()), unit)).to_pylist()
    unit_type = rows[0]["unit_type"]
    entries: dict = {}
    for row in rows:
        per = entries.setdefault(row["indicator"], {}).setdefault(int(row["period"]), {})
        per[row["input"]] = Decimal(row["value"])
    location = Location("bench")
    out = {}
    for ind, periods in entries.items():
        parts = {
            month(m): DataEntry(ind, values, None, None, None, location)
            for m, values in sorted(periods.items())
        }
        out[ind] = DataEntry(ind, {}, None, None, None, location, periods=parts, annual=False)
    return UnitData(unit, unit_type, 2023, out, "bench")


def _tree_rss_kib(root: int) -> int:
    """Resident memory (KiB) of process ``root`` and every process under it, from /proc."""
    children: dict[int, list[int]] = {}
    resident: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm") as handle:
                pages = int(handle.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        children.setdefault(parent, []).append(int(entry))
        resident[int(entry)] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += resident.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_measured(command: list[str]) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run ``command``: (its result, wall seconds, peak KiB of it and its workers together,
    sampled every 20 ms — the memory the run needs of the machine, not of one process)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.02)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    return subprocess.CompletedProcess(command, process.returncode, out, err), wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=24000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=configured_jobs() or 1)
    parser.add_argument("--sample", type=int, default=2000, help="data sets checked per row")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated files here")
    parser.add_argument("--generate", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()

    engine = Engine.create(entry_points=False)
    if args.generate:  # in a child process, so the batch child is not forked from a big parent
        pq.write_table(
            generate(engine, args.units, args.months), args.generate, row_group_size=1 << 20
        )
        return
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench-national-"))
    folder.mkdir(parents=True, exist_ok=True)
    data_file = folder / "national.parquet"
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--generate",
            str(data_file),
            "--units",
            str(args.units),
            "--months",
            str(args.months),
        ],
        check=True,
    )
    generated = time.perf_counter() - started
    result_file = folder / "result.parquet"

    # end to end, in a child process
    command = [
        sys.executable,
        "-m",
        "kinerja_rules.batch",
        str(data_file),
        "--period",
        "monthly",
        "--jobs",
        str(args.jobs),
        "-o",
        str(result_file),
    ]
    done, wall, peak = run_measured(command)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        raise SystemExit(f"batch failed with status {done.returncode}")
    summary_line = done.stderr.strip().splitlines()[-1]
    print(summary_line)
    review = re.search(r"plausibility review ([0-9.]+) s", summary_line)
    review_s = float(review.group(1)) if review else None
    table = pq.read_table(data_file)

    # the evaluation alone, in this process (from the table in memory)
    plans = _plans(engine, parse_periods("monthly"))
    # read as batch reads it: prepared chunks of whole data sets, all read before the timing
    parts = list(read_inputs(engine, [data_file], CHUNK_ROWS, []))
    next(evaluate_chunks(plans, parts[:1], engine))  # warm: first-use costs not timed
    started = time.perf_counter()
    evaluated = redone = 0
    for result in evaluate_chunks(plans, parts, engine):
        evaluated += result.evaluated
        redone += result.redone
    evaluation = time.perf_counter() - started

    # exactness on a random sample of data sets (unit x period)
    rng = random.Random(7)
    result = pq.read_table(result_file)
    units = rng.sample(range(args.units), max(1, args.sample // args.months))
    names = [f"UPT {i:05d}" for i in units]
    datas = [unit_data(engine, table, name) for name in names]
    started = time.perf_counter()
    expected = reference(engine, datas, "monthly")
    per_row = time.perf_counter() - started
    mask = pa.compute.is_in(result["unit"].cast(pa.string()), pa.array(names))
    mismatches = differences(result.filter(mask), expected)
    checked = len(datas) * args.months

    # hand-written function on a sample, for the ratio (monthly data sets as bench_evaluate)
    import bench_evaluate

    hand_sets = bench_evaluate.synthetic_workload(engine, 200, args.months)
    started = time.perf_counter()
    for data in hand_sets:
        bench_evaluate.by_hand(engine.catalogue(data.unit_type, data.year), data)
    hand = time.perf_counter() - started
    hand_evaluations = sum(len(d.entries) for d in hand_sets)
    hand_rate = hand_evaluations / hand

    figures = {
        "units": args.units,
        "months": args.months,
        "input_rows": table.num_rows,
        "output_rows": result.num_rows,
        "evaluations": evaluated,
        "generated_s": round(generated, 2),
        "evaluation_s": round(evaluation, 2),
        "evaluations_per_s": round(evaluated / evaluation),
        "evaluation_s_for_8_6M": round(8.64e6 / (evaluated / evaluation), 2),
        "end_to_end_s": round(wall, 2),
        "plausibility_review_s": review_s,
        "plausibility_to_evaluation": round(review_s / evaluation, 3) if review_s else None,
        "peak_rss_mb": round(peak / 1024),
        "jobs": args.jobs,
        "redone_per_row": redone,
        "hand_written_per_s": round(hand_rate),
        "ratio_batch_to_hand_time": round(hand_rate / (evaluated / evaluation), 3),
        "per_row_engine_s_for_sample": round(per_row, 2),
        "checked_data_sets": checked,
        "mismatching": len(mismatches),
    }
    for line in mismatches[:5]:
        print(line, file=sys.stderr)
    if not args.keep:
        for file in (data_file, result_file):
            file.unlink(missing_ok=True)
        os.rmdir(folder)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
