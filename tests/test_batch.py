"""The columnar batch path (kinerja_rules.batch) gives the per-row engine's figures, row for row.

* a hypothesis property over made-up catalogues (ranges, zero targets, floor and cap, bands,
  weights, lower is better, shown-realisasi capaian, every rounding mode, periods with sum, last
  and mean, missing periods, period targets) and data aimed at rounding boundaries (x.xx5),
  ties, zero denominators and huge and tiny counts: every field of every row equals
  :func:`kinerja_rules.evaluation.evaluate` on the same data;
* the bundled examples through ``run_batch`` equal ``kinerja-rules evaluate --format json``;
* bad rows are located findings and good rows are still evaluated; --jobs 2 = --jobs 1.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from kinerja_rules import Engine  # noqa: E402
from kinerja_rules import batch as kbatch  # noqa: E402
from kinerja_rules.batch.run import EngineRecipe, run_batch  # noqa: E402
from kinerja_rules.batch.verify import differences, reference  # noqa: E402
from kinerja_rules.cli import main as cli_main  # noqa: E402
from kinerja_rules.periods import month, period_of_key  # noqa: E402
from kinerja_rules.plugins import bapas, lpka  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402
from .made_up import CATALOGUE_B, CATALOGUES, MONTHS, data_sets, unit_data  # noqa: E402

COLUMNS = ("unit", "unit_type", "year", "indicator", "input", "period", "value")

PERIODS = ["year", "03", "Q2", "S1", "2024-09", "12"]


_ENGINES: dict = {}


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch") / "katalog"
    folder.mkdir()
    for name, text in CATALOGUES.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    _ENGINES["made_up"] = Engine.create([folder], entry_points=False)
    return _ENGINES["made_up"]


def long_table(units, year=2024):
    rows = {c: [] for c in COLUMNS}
    for unit, unit_type, found in units:
        for indicator, parts in found.items():
            for period, values in parts.items():
                for name, value in values.items():
                    for column, cell in zip(
                        COLUMNS, (unit, unit_type, str(year), indicator, name, period, str(value))
                    ):
                        rows[column].append(cell)
    return pa.table(rows)


def test_batch_equals_the_per_row_engine(made_up):
    _property()


@given(st.data())
def _property(data):
    made_up = _ENGINES["made_up"]
    units = data.draw(data_sets(made_up))
    findings = []
    got = kbatch.evaluate_table(made_up, long_table(units), PERIODS, findings=findings)
    assert findings == []
    expected = reference(made_up, unit_data(units), PERIODS)
    assert differences(got, expected) == []


def test_columnar_path_decides_ties_itself(made_up):
    """Exact ties (12.5 at 0 places, 78.125 at 2) are decided by the columnar path, not per row."""
    from kinerja_rules.batch.run import _plans, _prepare, evaluate_chunk, parse_periods

    units = [
        ("u1", "ujib", {"rasio": {"": {"A": 1, "B": 8}}, "kali": {"": {"A": 5, "B": 40}}}),
        ("u2", "uji", {"rasio": {"": {"A": 25, "B": 32}}, "pertiga": {"": {"A": 3}}}),
    ]
    plans = _plans(made_up, parse_periods(None))
    result = evaluate_chunk(plans, _prepare(long_table(units), "t"), "t")
    assert all(not part[2].redo.any() for part in result.parts)
    got = kbatch.evaluate_table(made_up, long_table(units))
    assert differences(got, reference(made_up, unit_data(units))) == []
    rows = {(r["unit"], r["id"]): r for r in got.to_pylist()}
    assert rows[("u1", "rasio")]["realisasi"] == 12  # 12.5 half_even -> 12
    assert rows[("u2", "rasio")]["realisasi"] == 78.13  # 78.125 half_up


# --- the bundled examples -----------------------------------------------------------------------

DATA_FILES = [
    "2023/bapas-lahat.toml",
    "2023/lpka-pangkalpinang.toml",
    "2022/bapas-lahat.toml",
    "2022/lpka-pangkalpinang.toml",
    "2023/bapas-lahat-bulanan.toml",
    "2023/lpka-pangkalpinang-bulanan.toml",
]


def _evaluate_json(capsys, path, *options):
    assert cli_main(["evaluate", str(path), "--format", "json", *options]) == 0
    return json.loads(capsys.readouterr().out)


def _same_as_json(rows, report, period_label):
    mine = [r for r in rows if r["unit"] == report["unit"] and r["period"] == period_label]
    indicators = {r["id"]: r for r in mine if r["record"] == "indicator"}
    assert len(indicators) == len(report["indicators"])
    for item in report["indicators"]:
        row = indicators[item["id"]]
        assert row["realisasi"] == item["realisasi"], item["id"]
        assert row["capaian"] == item["capaian"], item["id"]
        assert row["status"] == item["status"], item["id"]
        assert row["category"] == item["category"], item["id"]
        assert row["na_reason"] == item["na_reason"], item["id"]
        assert (row["na_code"] is None) == (item["capaian"] is not None)
    sasaran = {r["id"]: r for r in mine if r["record"] == "sasaran"}
    for item in report["sasaran"]:
        row = sasaran[item["id"]]
        for key in ("capaian", "status", "category", "measured", "total"):
            assert row[key] == item[key], (item["id"], key)
    overall = [r for r in mine if r["record"] == "overall"]
    assert overall[0]["capaian"] == report["overall"]


def test_bundled_examples_equal_evaluate_json(tmp_path, capsys):
    engine = Engine.create(entry_points=False)
    folder = tmp_path / "data"
    folder.mkdir()
    for name in DATA_FILES:
        shutil.copy(EXAMPLES / name, folder / name.replace("/", "-"))
    out = tmp_path / "hasil.parquet"
    found = []
    run_batch(engine, [folder], out, findings=found)
    assert found == []
    rows = pq.read_table(out).to_pylist()
    for name in DATA_FILES[:4]:
        report = _evaluate_json(capsys, EXAMPLES / name)
        _same_as_json([r for r in rows if r["year"] == report["year"]], report, str(report["year"]))
    # monthly data, to date of June, through a long CSV file
    out = tmp_path / "juni.csv"
    csv_in = tmp_path / "bulanan.csv"
    _write_long_csv(engine, [EXAMPLES / n for n in DATA_FILES[4:]], csv_in)
    run_batch(engine, [csv_in], out, period="2023-06")
    rows = [_typed(r) for r in csv.DictReader(out.open(encoding="utf-8"))]
    for name in DATA_FILES[4:]:
        report = _evaluate_json(capsys, EXAMPLES / name, "--period", "2023-06")
        _same_as_json(rows, report, "2023-06")


def _typed(row):
    out = dict(row)
    for key in ("realisasi", "capaian"):
        out[key] = float(row[key]) if row[key] != "" else None
        if out[key] is not None and out[key] == int(out[key]):
            out[key] = int(out[key])
    for key in ("measured", "total", "year"):
        out[key] = int(row[key]) if row[key] != "" else None
    for key in ("category", "na_reason", "na_code", "status", "id", "sasaran"):
        out[key] = row[key] if row[key] != "" else None
    return out


def _write_long_csv(engine, files, path):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for file in files:
            data = engine.load_data(file)
            for entry in data.entries.values():
                parts = ([("", entry)] if entry.annual else []) + [
                    (p.key, e) for p, e in entry.periods.items()
                ]
                for key, part in parts:
                    if part.not_measured is not None:
                        items = [("not_measured", part.not_measured)]
                    elif part.realisasi is not None:
                        items = [("realisasi", format(part.realisasi, "f"))]
                    else:
                        items = [(n, format(v, "f")) for n, v in part.inputs.items()]
                    for name, value in items:
                        writer.writerow(
                            [
                                data.unit,
                                data.unit_type,
                                data.year,
                                entry.indicator_id,
                                name,
                                key,
                                value,
                            ]
                        )


# --- bad rows -------------------------------------------------------------------------------------

BAD = """\
unit,unit_type,year,indicator,input,period,value
Bapas A,bapas,2023,klien_bekerja,A,,629
Bapas A,bapas,2023,klien_bekerja,B,,1277
Bapas A,bapas,2023,tidak_ada,A,,1
Bapas A,bapas,2023,anak_putusan_pidana_penjara,A,,-3
Bapas A,bapas,2023,anak_putusan_pidana_penjara,B,,151
Bapas A,bapas,2023,klien_anak_pendidikan,A,,lima
Bapas A,bapas,2023,klien_anak_pendidikan,B,,151
Bapas A,bapas,2023,layanan_perkantoran,N,,1.5
Bapas A,bapas,2023,klien_bekerja,Z,,3
Bapas A,bapas,2023,klien_bekerja,A,,630
Bapas A,bapas,2023,perangkat_pengolah_data,N,13,54
Lapas X,lapas,2023,klien_bekerja,A,,1
Bapas B,bapas,2031,klien_bekerja,A,,1
Bapas C,bapas,2023,klien_bekerja,A,,10
Bapas C,bapas,2023,klien_bekerja,B,,20
"""


def test_bad_rows_are_located_findings_and_good_rows_evaluated(tmp_path, capsys):
    engine = Engine.create(entry_points=False)
    source = tmp_path / "data.csv"
    source.write_text(BAD, encoding="utf-8")
    out = tmp_path / "hasil.parquet"
    found = []
    run_batch(engine, [source], out, findings=found)
    codes = {(d.code, d.location.line, d.location.field) for d in found}
    assert codes == {
        ("KR401", 4, "indicator"),
        ("KR403", 5, "value"),
        ("KR404", 7, "value"),
        ("KR407", 9, "value"),
        ("KR406", 10, "input"),
        ("KR204", 11, "input"),
        ("KR412", 12, "period"),
        ("KR405", 13, "unit_type"),
        ("KR405", 14, "unit_type"),
    }, [d.format() for d in found]
    assert all(d.location.file == str(source) for d in found)
    assert all(d.location.col == 1 + COLUMNS.index(d.location.field) for d in found)
    rows = {(r["unit"], r["id"]): r for r in pq.read_table(out).to_pylist()}
    assert rows[("Bapas A", "klien_bekerja")]["realisasi"] == 49.26  # the first A is kept
    assert (
        rows[("Bapas A", "anak_putusan_pidana_penjara")]["na_reason"] == "tidak ada data realisasi"
    )
    assert rows[("Bapas C", "klien_bekerja")]["realisasi"] == 50
    assert {u for u, _ in rows} == {"Bapas A", "Bapas C"}
    # the command line: exit 1, findings as CSV and JSON lines, no traceback
    from kinerja_rules.batch.__main__ import run

    for suffix in ("csv", "jsonl"):
        report = tmp_path / f"temuan.{suffix}"
        status = run([str(source), "-o", str(tmp_path / "r.csv"), "--findings", str(report)])
        assert status == 1
        text = report.read_text(encoding="utf-8")
        if suffix == "csv":
            listed = list(csv.DictReader(text.splitlines()))
        else:
            listed = [json.loads(line) for line in text.splitlines()]
        assert {(r["code"], int(r["row"])) for r in listed} == {(c, r) for c, r, _ in codes}
    err = capsys.readouterr().err
    assert "Traceback" not in err and "wrote" in err


def test_nothing_half_written(tmp_path):
    engine = Engine.create(entry_points=False)
    source = tmp_path / "data.csv"
    source.write_text(BAD, encoding="utf-8")
    out = tmp_path / "hasil.parquet"

    class Stop:
        total = 0

        def advance(self, count):
            raise KeyboardInterrupt

        def close(self):
            pass

    with pytest.raises(KeyboardInterrupt):
        run_batch(engine, [source], out, progress=Stop())
    assert list(tmp_path.iterdir()) == [source]


def test_unit_type_and_year_given_once_fill_down_across_chunks(tmp_path, made_up):
    """A one-unit-per-block CSV names unit, unit_type and year on a unit's first row only (some
    cells blank, some spaces): every row below takes them, across chunk boundaries too."""
    units = [
        (f"u{n}", "ujib", {"rasio": {"": {"A": n + 1, "B": 8}}, "kali": {"": {"A": 5, "B": 40}}})
        for n in range(4)
    ]
    full = long_table(units).to_pylist()
    lines = [",".join(COLUMNS)]
    previous = None
    for row in full:
        cells = [str(row[c]) for c in COLUMNS]
        if row["unit"] == previous:
            cells[0], cells[1], cells[2] = "", " ", ""
        previous = row["unit"]
        lines.append(",".join(cells))
    sparse = tmp_path / "sparse.csv"
    sparse.write_text("\n".join(lines) + "\n", encoding="utf-8")
    filled = tmp_path / "filled.parquet"
    pq.write_table(long_table(units), filled)
    one, two = tmp_path / "one.parquet", tmp_path / "two.parquet"
    run_batch(made_up, [sparse], one, jobs=1, chunk_rows=3)
    run_batch(made_up, [filled], two, jobs=1)
    assert pq.read_table(one).to_pylist() == pq.read_table(two).to_pylist()
    assert len({r["unit"] for r in pq.read_table(one).to_pylist()}) == 4


def test_jobs_two_gives_the_rows_of_jobs_one(tmp_path, made_up):
    import random

    rng = random.Random(5)
    units = []
    for number in range(60):
        found = {
            "rasio": {m: {"A": rng.randint(0, 50), "B": rng.randint(0, 60)} for m in MONTHS[:9]},
            "kali": {"": {"A": rng.randint(0, 9), "B": rng.choice([0, 8, 40])}},
            "selisih": {"": {"A": rng.randint(0, 20), "B": rng.randint(0, 20)}},
        }
        units.append((f"u{number:03d}", "ujib", found))
    source = tmp_path / "data.parquet"
    pq.write_table(long_table(units), source)
    catalog = tmp_path / "katalog"
    catalog.mkdir()
    (catalog / "ujib.toml").write_text(CATALOGUE_B, encoding="utf-8")
    engine = Engine.create([catalog], entry_points=False)
    one, two = tmp_path / "one.parquet", tmp_path / "two.parquet"
    run_batch(engine, [source], one, period="quarterly", jobs=1, chunk_rows=300)
    recipe = EngineRecipe((str(catalog),), entry_points=False)
    run_batch(
        engine, [source], two, period="quarterly", jobs=2, chunk_rows=300, engine_recipe=recipe
    )
    assert pq.read_table(one).to_pylist() == pq.read_table(two).to_pylist()
    expected = reference(engine, unit_data(units), "quarterly")
    assert differences(pq.read_table(one), expected) == []


@given(
    st.lists(st.floats(width=64), min_size=1, max_size=20),
    st.floats(allow_nan=False, allow_infinity=False),
)
def test_a_comparison_may_move_the_constant_instead_of_the_column(column, constant):
    """compare_const moves the constant by one float instead of every row's bound (floats are
    discrete): the same verdicts, for infinities, NaN and signed zeros too."""
    from kinerja_rules.batch.interval import dn, up

    d, c = np.array(column), np.float64(constant)
    with np.errstate(invalid="ignore", over="ignore"):
        assert ((dn(d) > c) == (d > up(c))).all()
        assert ((up(d) < c) == (d < dn(c))).all()
        assert ((dn(d) >= c) == (d > c)).all()
        assert ((up(d) <= c) == (d < c)).all()


def test_jobs_default_to_the_setting(monkeypatch):
    from kinerja_rules.parallel import configured_jobs, usable_cores

    monkeypatch.delenv("KINERJA_RULES_JOBS", raising=False)
    assert configured_jobs(None) is None  # the command decides (batch: one; validate: cores)
    assert usable_cores() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("KINERJA_RULES_JOBS", "3")
    assert configured_jobs(None) == 3
    assert configured_jobs(1) == 1  # --jobs wins over the setting


def test_one_chunk_is_evaluated_without_starting_workers(tmp_path, made_up, monkeypatch):
    """Workers cost a start-up each: a table of one chunk is evaluated here, whatever --jobs."""
    import concurrent.futures

    def refuse(*args, **kwargs):
        raise AssertionError("a process pool was started for one chunk")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    units = [("u1", "ujib", {"rasio": {"": {"A": 1, "B": 8}}})]
    source = tmp_path / "data.parquet"
    pq.write_table(long_table(units), source)
    out = tmp_path / "out.parquet"
    run_batch(made_up, [source], out, jobs=2)
    assert differences(pq.read_table(out), reference(made_up, unit_data(units))) == []


# --- plugins' batch forms and the extra -------------------------------------------------------


@settings(max_examples=30)
@given(st.lists(st.sampled_from([0, 0, 1, 5]), min_size=4, max_size=4))
def test_batch_forms_agree_with_the_plugin_hooks(values):
    engine = Engine.create(entry_points=False)
    from kinerja_rules.formula import BOOLEAN, compile_formula

    for catalogue in engine.catalogues:
        for indicator in catalogue.indicators:
            inputs = {s.name: Decimal(v) for s, v in zip(indicator.inputs, values)}
            for plugin in (lpka, bapas):
                hook, form = plugin.kinerja_not_applicable, plugin.kinerja_not_applicable_batch
                expected = hook(catalogue, indicator, inputs)
                rule = form(catalogue, indicator)
                if rule is None:
                    assert expected is None
                    continue
                holds = rule.when is None or compile_formula(
                    rule.when, set(inputs), engine.functions, BOOLEAN
                ).evaluate(inputs)
                assert (rule.reason if holds else None) == expected


def test_missing_extra_names_it(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    with pytest.raises(kbatch.MissingDependency, match=r"kinerja-rules\[batch\]"):
        kbatch.require()


def test_a_plugin_without_batch_form_sends_its_catalogues_per_row(tmp_path):
    class Plugin:
        from kinerja_rules import hookimpl

        @hookimpl
        def kinerja_not_applicable(self, catalogue, indicator, inputs):
            return "selalu" if indicator.id == "klien_bekerja" else None

    engine = Engine.create(entry_points=False, plugins=[Plugin()])
    units = [("Bapas A", "bapas", {"klien_bekerja": {"": {"A": 1, "B": 2}}})]
    table = long_table(units, 2023)
    got = {r["id"]: r for r in kbatch.evaluate_table(engine, table).to_pylist()}
    assert got["klien_bekerja"]["na_reason"] == "selalu"
    assert (
        differences(kbatch.evaluate_table(engine, table), reference(engine, unit_data(units, 2023)))
        == []
    )


def test_periods_accept_the_documented_forms():
    from kinerja_rules.batch.run import parse_periods

    assert parse_periods(None) == ((None, None),)
    assert parse_periods(["2023-06", "Q2", "year"]) == (
        (2023, month(6)),
        (None, period_of_key("Q2")),
        (None, None),
    )
    assert len(parse_periods("monthly")) == 12
    with pytest.raises(ValueError):
        parse_periods("2023-13")
