"""``kinerja-rules batch --scheduler/--dask`` gives the single-process batch's rows, row for row.

One local Dask cluster (two worker processes, one thread each) for the module. The data: every
bundled unit type (lpka, bapas) and year, monthly and annual data, zero denominators, N/A rules,
not measured and missing indicators, rounding ties (A/8 at 0 places, A/800 at 2), bad rows, empty
cells filled down, value columns of different types in different files, and one unit whose rows
are in two files. The expected rows are those of :func:`run_batch` on one file of all the rows
(itself checked against the per-row engine in test_batch.py); the expected findings those of
:func:`run_batch` on the same files. Then: a worker killed while tasks run, a corrupt file,
Ctrl-C, the command line, and the message without dask installed.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
distributed = pytest.importorskip("distributed")

from kinerja_rules import Engine  # noqa: E402
from kinerja_rules import batch as kbatch  # noqa: E402
from kinerja_rules.batch.__main__ import run as batch_command  # noqa: E402
from kinerja_rules.batch.cluster import run_distributed  # noqa: E402
from kinerja_rules.batch.dataset import MANIFEST, read_result  # noqa: E402
from kinerja_rules.batch.distributed import Catalogues, evaluate_partition  # noqa: E402
from kinerja_rules.batch.run import EngineRecipe, evaluate_table, run_batch  # noqa: E402
from kinerja_rules.batch.verify import differences, rows_by_key  # noqa: E402

from .conftest import ROOT  # noqa: E402

COLUMNS = ("unit", "unit_type", "year", "indicator", "input", "period", "value")
PERIOD = ["year", "Q2", "2023-06"]
RECIPE = EngineRecipe((), entry_points=False)
FILES = 10
SPLIT = "LPKA 2023-03"  # its rows are in files 2 and 6
CONTINUES = "continue after other units' rows"


# --- the data -------------------------------------------------------------------------------


def _counts(rng, indicator, plain):
    names = [spec.name for spec in indicator.inputs]
    if len(names) == 1:
        most = int(indicator.target.value) if indicator.target else 3
        return {names[0]: rng.randint(0, most + 1)}
    out = {}
    for part, whole in zip(names[::2], names[1::2]):
        total = rng.choice([0, 0, 8, 32, 800, rng.randint(1, 2000)])
        out[whole] = total
        out[part] = rng.randrange(1, total + 1, 2) if total and rng.random() < 0.5 else 0
        if total and not out[part]:
            out[part] = rng.randint(0, total)
    return out


def _unit_rows(rng, engine, unit, unit_type, year, plain):
    """One data set's rows: counts per month (2023) or for the year; some indicators missing,
    not measured or given as a realisasi (not in ``plain`` files, whose values are integers)."""
    catalogue = engine.catalogue(unit_type, year)
    rows = []
    for indicator in catalogue.indicators:
        draw = rng.random()
        if draw < 0.08:
            continue
        if draw < 0.14 and not plain:
            rows.append((unit, unit_type, year, indicator.id, "not_measured", "", "tidak ada"))
            continue
        periods = [f"{m:02d}" for m in range(1, 13) if rng.random() > 0.2] if year == 2023 else [""]
        for period in periods or ["01"]:
            if rng.random() < 0.05 and not plain:
                realisasi = rng.choice(["12.5", "80", "100", "0"])
                rows.append((unit, unit_type, year, indicator.id, "realisasi", period, realisasi))
                continue
            for name, value in _counts(rng, indicator, plain).items():
                rows.append((unit, unit_type, year, indicator.id, name, period, value))
    return rows


BAD = [
    ("Bapas Rusak", "bapas", 2023, "klien_bekerja", "A", "", 629),
    ("Bapas Rusak", "bapas", 2023, "klien_bekerja", "B", "", 1277),
    ("Bapas Rusak", "bapas", 2023, "tidak_ada", "A", "", 1),
    ("Bapas Rusak", "bapas", 2023, "anak_putusan_pidana_penjara", "A", "", -3),
    ("Bapas Rusak", "bapas", 2023, "anak_putusan_pidana_penjara", "B", "", 151),
    ("Bapas Rusak", "bapas", 2023, "klien_anak_pendidikan", "A", "", "lima"),
    ("Bapas Rusak", "bapas", 2023, "klien_anak_pendidikan", "B", "", 151),
    ("Bapas Rusak", "bapas", 2023, "klien_bekerja", "A", "", 630),
    ("Bapas Rusak", "bapas", 2023, "perangkat_pengolah_data", "N", "13", 54),
    ("Lapas X", "lapas", 2023, "klien_bekerja", "A", "", 1),
]


def _files(engine):
    """The rows of each of FILES files (lists of 7-tuples)."""
    rng = random.Random(14)
    blocks = []
    for year in (2022, 2023, 2024):
        for unit_type in ("lpka", "bapas"):
            for k in range(12 if year == 2023 else 4):
                blocks.append((f"{unit_type.upper()} {year}-{k:02d}", unit_type, year))
    rng.shuffle(blocks)
    files = [[] for _ in range(FILES)]
    for n, (unit, unit_type, year) in enumerate(blocks):
        f = n % FILES
        files[f] += _unit_rows(rng, engine, unit, unit_type, year, plain=f in (0, 1))
    # one unit in two files: every other indicator's rows move to file 6
    files = [[r for r in rows if r[0] != SPLIT] for rows in files]
    rows = _unit_rows(rng, engine, SPLIT, "lpka", 2023, plain=False)
    ids = list(dict.fromkeys(r[3] for r in rows))
    files[2] += [r for r in rows if ids.index(r[3]) % 2 == 0]
    files[6] += [r for r in rows if ids.index(r[3]) % 2 == 1]
    files[3] += BAD
    return files


def _table(rows, year_type=None, blanks=False):
    columns = {c: [r[i] for r in rows] for i, c in enumerate(COLUMNS)}
    if all(isinstance(v, int) for v in columns["value"]):
        value = pa.array(columns["value"], pa.int64())
    else:
        value = pa.array([str(v) for v in columns["value"]], pa.string())
    if blanks:  # unit, unit_type, year only on a data set's first row: filled down
        for name in ("unit", "unit_type", "year"):
            column = columns[name]
            columns[name] = [
                v if i == 0 or (rows[i][0], rows[i][2]) != (rows[i - 1][0], rows[i - 1][2]) else ""
                for i, v in enumerate(column)
            ]
    year = [str(y) for y in columns["year"]]
    if year_type is not None:
        year = pa.array([int(y) for y in year], year_type)
    return pa.table(
        {
            "Unit": pa.array(columns["unit"]).dictionary_encode(),
            "unit_type": columns["unit_type"],
            "year": year,
            "indicator": pa.array(columns["indicator"]).dictionary_encode(),
            "input": columns["input"],
            "period": columns["period"],
            "value": value,
        }
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The files, one file of all their rows, and the single-process results."""
    engine = Engine.create(entry_points=False)
    folder = tmp_path_factory.mktemp("distributed")
    files = _files(engine)
    flat = folder / "data"
    flat.mkdir()
    paths = []
    for f, rows in enumerate(files):
        path = flat / f"part-{f:02d}.parquet"
        table = _table(rows, pa.int32() if f < 5 else None, blanks=f == 7)
        pq.write_table(table, path, row_group_size=500)
        paths.append(path)
    every = [row for rows in files for row in rows]
    combined = folder / "combined.parquet"
    pq.write_table(_table(every), combined)
    want = folder / "want.parquet"
    run_batch(engine, [combined], want, period=PERIOD)
    per_file = folder / "per-file.parquet"
    found: list = []
    # The cluster path runs no plausibility review (yet): compare the rows' own findings.
    run_batch(engine, paths, per_file, period=PERIOD, findings=found, plausibility=False)
    return {
        "engine": engine,
        "folder": folder,
        "flat": flat,
        "rows": every,
        "want": pq.read_table(want),
        "per_file": pq.read_table(per_file),
        "findings": found,
    }


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as made,
    ):
        yield made


def _same_rows(got, want):
    assert got.num_rows == want.num_rows
    assert len(rows_by_key(got)) == got.num_rows  # none twice
    assert differences(got, want) == []


def _located(findings):
    return sorted(
        (d.location.file, d.location.line, d.location.col, d.location.field, d.code, d.message)
        for d in findings
    )


# --- the rows of the single-process batch ---------------------------------------------------


def test_cluster_gives_the_single_process_rows(data, client, tmp_path):
    out = tmp_path / "hasil"
    found: list = []
    summary = run_distributed(
        data["engine"],
        [data["flat"]],
        out,
        client=client,
        period=PERIOD,
        findings=found,
        engine_recipe=RECIPE,
        bucket_rows=2000,
    )
    got, want = read_result(out), data["want"]
    _same_rows(got, want)
    assert summary.rows == want.num_rows
    # the data covers what it should
    assert {"lpka", "bapas"} == set(want.column("unit_type").to_pylist())
    assert {2022, 2023, 2024} == set(want.column("year").to_pylist())
    codes = set(want.column("na_code").to_pylist())
    assert {"missing", "not_measured", "not_applicable"} <= codes
    assert {"indicator", "sasaran", "overall"} == set(want.column("record").to_pylist())
    # hive layout: year=…/unit_type=…/part-…; the manifest lists every part
    parts = sorted(str(p.relative_to(out)) for p in out.rglob("*.parquet"))
    assert parts and all(p.startswith("year=20") and "/unit_type=" in p for p in parts)
    assert sorted(json.loads((out / MANIFEST).read_text())["parts"]) == parts
    assert [p.name for p in tmp_path.iterdir()] == ["hasil"]  # no temporary left beside it
    # findings: located in their files as without a cluster (but the split unit is no finding)
    expected = [d for d in data["findings"] if CONTINUES not in d.message]
    assert len(expected) == len(data["findings"]) - 1
    assert _located(found) == _located(expected)
    assert {d.code for d in found} >= {"KR401", "KR403", "KR404", "KR204", "KR405", "KR412"}


def test_a_unit_in_two_files_is_one_data_set(data, client, tmp_path):
    """The per-file single-process run refuses the second file's rows of the split unit; on a
    cluster they join the first's, so its sasaran and overall figures are those of one file."""
    out = tmp_path / "hasil"
    run_distributed(
        data["engine"], [data["flat"]], out, client=client, period=PERIOD, engine_recipe=RECIPE
    )
    got = rows_by_key(read_result(out))
    alone = rows_by_key(data["per_file"])
    want = rows_by_key(data["want"])
    mine = [k for k in want if k[0] == SPLIT]
    assert all(got[k] == want[k] for k in mine)
    rollups = [k for k in mine if k[3] in ("sasaran", "overall")]
    assert any(alone[k]["capaian"] != want[k]["capaian"] for k in rollups)


def test_hive_tree_columns_from_directory_names(data, client, tmp_path):
    good = [r for r in data["rows"] if r[0] not in ("Bapas Rusak", "Lapas X")]
    tree = tmp_path / "tree"
    by_partition: dict = {}
    for row in good:
        by_partition.setdefault((row[2], row[1]), []).append(row)
    for (year, unit_type), rows in by_partition.items():
        folder = tree / f"year={year}" / f"unit_type={unit_type}"
        folder.mkdir(parents=True)
        half = len(rows) // 2 + 7  # cuts a unit in two files
        for k, part in enumerate((rows[:half], rows[half:])):
            table = _table(part).drop_columns(["year", "unit_type"])
            pq.write_table(table, folder / f"part-{k}.parquet")
    (tree / "_SUCCESS").write_text("")
    engine = data["engine"]
    one = tmp_path / "one.parquet"
    ordered = [r for rows in by_partition.values() for r in rows]
    pq.write_table(_table(ordered), tmp_path / "all.parquet")
    run_batch(engine, [tmp_path / "all.parquet"], one, period=PERIOD)
    out = tmp_path / "hasil"
    found: list = []
    run_distributed(
        engine, [tree], out, client=client, period=PERIOD, findings=found, engine_recipe=RECIPE
    )
    assert found == []
    _same_rows(read_result(out), pq.read_table(one))


# --- faults ---------------------------------------------------------------------------------


class _Hook:
    """A progress bar that does something at the n-th finished task."""

    def __init__(self, at, action):
        self.total = self.done = 0
        self.at, self.action = at, action

    def advance(self, count):
        self.done += count
        if self.done == self.at:
            self.action()

    def close(self):
        pass


def test_a_worker_killed_while_tasks_run(data, client, tmp_path):
    """Forty small files, as many buckets: a worker is killed with SIGKILL while it processes
    a bucket; Dask runs its tasks again (and recomputes the files' rows it held) and the rows
    are those of the single-process run, none missing, none twice."""
    small = tmp_path / "small"
    small.mkdir()
    rows = data["rows"]
    step = len(rows) // 40 + 1
    for k in range(40):
        pq.write_table(_table(rows[k * step : (k + 1) * step]), small / f"part-{k:02d}.parquet")
    killed = []

    def kill():
        pids = client.run(os.getpid)
        busy = {w: tasks for w, tasks in client.processing().items() if tasks}
        worker = max(busy or pids, key=lambda w: len(busy.get(w, ())))
        killed.append(pids[worker])
        os.kill(pids[worker], signal.SIGKILL)

    out = tmp_path / "hasil"
    run_distributed(
        data["engine"],
        [small],
        out,
        client=client,
        period=PERIOD,
        engine_recipe=RECIPE,
        bucket_rows=250,
        progress=_Hook(40 + 3, kill),
    )
    assert killed and killed[0] not in client.run(os.getpid).values()
    _same_rows(read_result(out), data["want"])
    client.wait_for_workers(2, timeout=60)


def test_a_corrupt_file_is_a_finding_and_the_rest_completes(data, client, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    rows = [r for r in data["rows"] if r[0] not in ("Bapas Rusak", "Lapas X")]
    units = list(dict.fromkeys(r[0] for r in rows))
    first, second = set(units[: len(units) // 2]), set(units[len(units) // 2 :])
    pq.write_table(_table([r for r in rows if r[0] in first]), folder / "a.parquet")
    pq.write_table(_table([r for r in rows if r[0] in second]), folder / "c.parquet")
    broken = folder / "b.parquet"
    broken.write_bytes(b"PAR1" + os.urandom(2000) + b"PAR1")
    truncated = folder / "d.parquet"
    truncated.write_bytes((folder / "a.parquet").read_bytes()[:-100])
    found: list = []
    out = tmp_path / "hasil"
    run_distributed(
        data["engine"],
        [folder],
        out,
        client=client,
        period=PERIOD,
        findings=found,
        engine_recipe=RECIPE,
    )
    assert sorted((d.code, d.location.file) for d in found) == [
        ("KR100", str(broken)),
        ("KR100", str(truncated)),
    ]
    one = tmp_path / "one.parquet"
    run_batch(data["engine"], [folder / "a.parquet", folder / "c.parquet"], one, period=PERIOD)
    _same_rows(read_result(out), pq.read_table(one))


def test_ctrl_c_cancels_and_leaves_nothing(data, client, tmp_path):
    out = tmp_path / "hasil"

    def interrupt():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_distributed(
            data["engine"],
            [data["flat"]],
            out,
            client=client,
            period=PERIOD,
            engine_recipe=RECIPE,
            progress=_Hook(2, interrupt),
        )
    assert list(tmp_path.iterdir()) == []

    def ours(dask_scheduler):
        return [str(k) for k in dask_scheduler.tasks if str(k).startswith("kinerja-")]

    deadline = time.monotonic() + 10
    while client.run_on_scheduler(ours) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.run_on_scheduler(ours) == []


# --- the partition function and the command line --------------------------------------------


def test_partition_function_is_the_batch_of_its_rows(data):
    catalogues = Catalogues.build(data["engine"], PERIOD, RECIPE)
    table = _table(data["rows"][:3000])
    batch = table.to_batches(max_chunksize=10**9)[0]
    found: list = []
    got = evaluate_partition(batch, catalogues, found, file="<table>")
    expected_findings: list = []
    want = evaluate_table(data["engine"], table, PERIOD, findings=expected_findings)
    assert got.equals(want)
    assert evaluate_partition(table, catalogues).equals(got)  # pure
    assert _located(found) == _located(expected_findings)
    import pickle

    assert len(pickle.dumps(catalogues)) < 200_000


def test_command_line_on_a_scheduler(data, client, tmp_path, capsys):
    address = client.scheduler.address
    out, report = tmp_path / "hasil", tmp_path / "temuan.csv"
    arguments = [str(data["flat"]), "--period", ",".join(PERIOD), "--scheduler", address]
    status = batch_command([*arguments, "-o", str(out), "--findings", str(report)])
    assert status == 1  # rows were refused; every good row is in the result
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"wrote {out}" in err
    listed = list(csv.DictReader(report.open(encoding="utf-8")))
    assert set(listed[0]) >= {"file", "row", "col", "column", "severity", "code", "message", "hint"}
    assert len(listed) == len(data["findings"]) - 1
    assert read_result(out).num_rows == data["want"].num_rows
    # again into the same directory: the old result is replaced whole
    assert batch_command([*arguments, "-o", str(out)]) == 1
    assert read_result(out).num_rows == data["want"].num_rows
    # a directory that is no result is never replaced; --jobs is for --dask
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    assert batch_command([*arguments, "-o", str(other)]) == 2
    assert batch_command([*arguments, "--jobs", "2", "-o", str(tmp_path / "x")]) == 2
    assert batch_command([str(data["flat"]), "--scheduler", "nowhere", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds no kinerja-rules result" in err and "--jobs is for --dask" in err
    assert "'nowhere' is not an address" in err
    assert (other / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hasil", "other", "temuan.csv"]


def test_command_line_local_cluster(data, tmp_path, capsys):
    one = data["folder"] / "data" / "part-00.parquet"
    out = tmp_path / "hasil"
    assert batch_command([str(one), "--dask", "--jobs", "1", "-o", str(out)]) == 0
    want = tmp_path / "want.parquet"
    run_batch(Engine.create(), [one], want)
    _same_rows(read_result(out), pq.read_table(want))
    assert "Traceback" not in capsys.readouterr().err


def test_without_dask_the_message_names_the_extra(monkeypatch, tmp_path, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else real(name, *a),
    )
    with pytest.raises(kbatch.MissingDependency, match=r'pip install "kinerja-rules\[dask\]"'):
        kbatch.require_dask()
    status = batch_command(["x.parquet", "--dask", "-o", str(tmp_path / "out")])
    assert status == 1
    err = capsys.readouterr().err
    assert 'pip install "kinerja-rules[dask]"' in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_importing_the_batch_package_imports_no_dask():
    code = (
        "import sys, kinerja_rules.batch, kinerja_rules.batch.distributed, kinerja_rules.cli; "
        "kinerja_rules.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
