"""Benchmark: the national workload through ``kinerja-rules batch`` on a local Dask cluster.

    python benchmarks/bench_distributed.py [--units 24000] [--months 12] [--parts 8] [--repeat 3]

Generates the workload of bench_national.py (``units`` units, half LPKA, half Bapas, the bundled
2023 catalogues, monthly counts for ``months`` months) as ``parts`` Parquet files, then runs
``batch --period monthly`` on it on a local cluster of 1 and then 2 worker processes (one thread
each; the cluster started before the clock starts; the best of ``repeat`` runs) and prints, for
each, the wall time, the indicator evaluations per second and the peak RSS of every worker (read
on the workers), and the speed-up of 2 workers over 1 — beside what this machine allows: how
much more columnar work two processes do at once than one. It checks that both runs wrote the
same rows and compares a random sample of data sets (unit × period) with the per-row engine,
every field.

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_national  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from kinerja_rules import Engine  # noqa: E402
from kinerja_rules.batch.cluster import local_cluster, run_distributed  # noqa: E402
from kinerja_rules.batch.dataset import read_result  # noqa: E402
from kinerja_rules.batch.run import EngineRecipe  # noqa: E402
from kinerja_rules.batch.verify import KEY, differences, reference  # noqa: E402


def _peak_rss_mb() -> float:
    """This process's peak resident set in MB (run on each worker by ``client.run``): VmHWM,
    where Linux has it, for ``ru_maxrss`` keeps the peak of the process the worker was forked
    from (the benchmark itself, with its generated table) across the exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: A fixed piece of columnar work (arithmetic, gathers, sorts on 1 M rows); prints its seconds.
_NUMPY_WORK = """
import sys, time, numpy as np
rng = np.random.default_rng(1)
a, b = rng.integers(0, 2000, 1 << 20), rng.integers(1, 2000, 1 << 20)
started = time.perf_counter()
for _ in range(int(sys.argv[1])):
    c = np.where(b > 0, a * 1_000_000 // b, 0)
    c = c[np.argsort(a, kind="stable")]
    c = np.round(c / 7.0, 2) + a.astype(np.float64)
print(time.perf_counter() - started)
"""


def _work(copies: int, rounds: int) -> float:
    """Seconds until ``copies`` processes doing the work at once are all done."""
    command = [sys.executable, "-c", _NUMPY_WORK, str(rounds)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(copies)]
    return max(float(run.communicate()[0]) for run in runs)


def machine_headroom(rounds: int = 12) -> float:
    """How much more of the work two processes do at once than one: what this machine allows
    the speed-up of 2 workers over 1 to be (at the moment: other load on it lowers it)."""
    one = min(_work(1, rounds), _work(1, rounds))
    return 2 * one / _work(2, rounds)


def write_parts(engine, units: int, months: int, parts: int, folder: Path) -> int:
    """The workload as ``parts`` Parquet files of about equal size (units cut where a file
    ends: their rows are in two files, as a real export may have them); the input rows."""
    table = bench_national.generate(engine, units, months)
    rows = table.num_rows
    for k in range(parts):
        start, stop = k * rows // parts, (k + 1) * rows // parts
        pq.write_table(table.slice(start, stop - start), folder / f"part-{k:03d}.parquet")
    return rows


def run_on(workers: int, engine, data: Path, out: Path, repeat: int) -> dict:
    """``repeat`` runs on one local cluster of ``workers`` processes, made as ``--dask`` makes
    it; the best wall time (this is a shared 2-core machine: other load only adds time)."""
    from distributed import Client

    started = time.perf_counter()
    with local_cluster(workers) as cluster, Client(cluster) as client:
        client.wait_for_workers(workers)
        ready = time.perf_counter() - started
        walls = []
        for _ in range(repeat):
            started = time.perf_counter()
            summary = run_distributed(
                engine,
                [data],
                out,
                client=client,
                period="monthly",
                engine_recipe=EngineRecipe((), entry_points=False),
            )
            walls.append(time.perf_counter() - started)
        peaks = sorted(client.run(_peak_rss_mb).values())
    wall = min(walls)
    return {
        "wall_s": round(wall, 2),
        "wall_s_each_run": [round(w, 2) for w in walls],
        "cluster_start_s": round(ready, 2),
        "evaluations_per_s": round(summary.evaluations / wall),
        "peak_rss_mb_per_worker": [round(p) for p in peaks],
        "output_rows": summary.rows,
        "evaluations": summary.evaluations,
        "redone_per_row": summary.redone,
        "findings": summary.findings,
    }


def _sorted(table):
    """The rows in key order, text columns decoded (two runs' tables compare with equals)."""
    keys = pa.table({k: pc.cast(table.column(k), pa.string()) for k in KEY})
    order = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in KEY])
    plain = pa.table(
        [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns],
        names=table.column_names,
    )
    return plain.take(order)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=24000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--parts", type=int, default=8, help="Parquet files of the input")
    parser.add_argument("--sample", type=int, default=2000, help="data sets checked per row")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cluster (best counts)")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated files here")
    args = parser.parse_args()

    engine = Engine.create(entry_points=False)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench-distributed-"))
    data = folder / "national"
    data.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    input_rows = write_parts(engine, args.units, args.months, args.parts, data)
    generated = time.perf_counter() - started

    rounds = max(1, min(12, args.units // 2000))  # a tiny run (the smoke test) measures little
    headroom = [machine_headroom(rounds)]
    runs = {}
    for workers in (1, 2):
        out = folder / f"result-{workers}"
        runs[workers] = run_on(workers, engine, data, out, args.repeat)
        figures = runs[workers]
        print(
            f"{workers} worker(s): {figures['wall_s']} s, {figures['evaluations_per_s']} "
            f"evaluations/s, peak RSS per worker {figures['peak_rss_mb_per_worker']} MB"
        )
    one, two = read_result(folder / "result-1"), read_result(folder / "result-2")
    identical = one.num_rows == two.num_rows and _sorted(one).equals(_sorted(two))

    # exactness on a random sample of data sets (unit x period) against the per-row engine
    rng = random.Random(7)
    names = [
        f"UPT {i:05d}" for i in rng.sample(range(args.units), max(1, args.sample // args.months))
    ]
    table = pq.read_table(data)
    table = table.filter(pc.is_in(table["unit"].cast(pa.string()), pa.array(names)))
    expected = reference(
        engine, [bench_national.unit_data(engine, table, n) for n in names], "monthly"
    )
    mine = two.filter(pc.is_in(two["unit"].cast(pa.string()), pa.array(names)))
    mismatches = differences(mine, expected)
    for line in mismatches[:5]:
        print(line, file=sys.stderr)

    speedup = runs[1]["wall_s"] / runs[2]["wall_s"]
    headroom.append(machine_headroom(rounds))
    print(
        f"speed-up of 2 workers over 1: {speedup:.2f} (this machine, before and after: 2 "
        f"processes do {headroom[0]:.2f} and {headroom[1]:.2f} times the columnar work of 1)"
    )
    result = {
        "units": args.units,
        "months": args.months,
        "partitions": args.parts,
        "input_rows": input_rows,
        "output_rows": runs[2]["output_rows"],
        "evaluations": runs[2]["evaluations"],
        "generated_s": round(generated, 2),
        "workers_1": runs[1],
        "workers_2": runs[2],
        "speedup_2_over_1": round(speedup, 2),
        "machine_2_process_throughput_before_after": [round(h, 2) for h in headroom],
        "identical_1_and_2": identical,
        "checked_data_sets": len(names) * args.months,
        "mismatching": len(mismatches),
    }
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result))
    if not identical or mismatches:
        raise SystemExit("the runs disagree: see above")


if __name__ == "__main__":
    main()
