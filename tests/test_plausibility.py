"""Plausibility checks: planted mistakes found and named, clean data and the seeds left alone,
thresholds as documented (figures computed by hand below), and the properties of the robust
z-score."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_rules import Engine
from kinerja_rules.diagnostics import Location, Severity
from kinerja_rules.periods import SLOTS
from kinerja_rules.plausibility.checks import review
from kinerja_rules.plausibility.history import History

from .conftest import ROOT

PLANTED = ROOT / "examples" / "kewajaran" / "bapas-lahat-2023-bulanan-ditanam.toml"
HISTORY = ROOT / "examples" / "kewajaran" / "bapas-lahat-2022-bulanan.toml"


@pytest.fixture(scope="module")
def engine():
    return Engine.create(entry_points=False)


def test_every_planted_mistake_is_found_at_its_line_naming_its_input(engine):
    data = engine.load_data(PLANTED)
    result = engine.review(data, [engine.load_data(HISTORY)], engine.evaluate(data))
    found = {(f.location.line, f.code): f for f in result.findings}
    lines = PLANTED.read_text(encoding="utf-8").splitlines()
    planted = {}
    for number, line in enumerate(lines, 1):
        label = re.search(r"DITANAM \(planted\) (KR9\d\d)", line)
        if label and not line.lstrip().startswith("#"):
            planted[number] = label.group(1)
    assert len(planted) >= 4
    copied = [n for n, code in planted.items() if code == "KR907"]
    # The copied month is one finding for the whole period, at its first indicator's line.
    assert (min(copied), "KR907") in found
    for number, code in planted.items():
        if code == "KR907":
            continue
        # An annual input is located at its entry's table header, the line above it.
        finding = found.get((number, code)) or found[(number - 1, code)]
        name = lines[number - 1].split("=")[0].strip()
        assert finding.input in lines[number - 1], (finding.input, lines[number - 1])
        assert finding.severity is Severity.WARNING, name
    digit = next(f for f in result.findings if f.value == 1150)
    assert (digit.indicator, digit.input) == ("klien_bekerja", "B")
    assert digit.period.key == "03"
    assert "also KR902" in digit.diagnostic().message  # March 2022 had 115 * 0.9-ish, not 1150
    assert len(result.findings) == len(planted) - len(copied) + 1  # nothing else


@pytest.mark.parametrize(
    "data, previous",
    [
        ("examples/2023/bapas-lahat.toml", ["examples/2022/bapas-lahat.toml"]),
        ("examples/2023/lpka-pangkalpinang.toml", ["examples/2022/lpka-pangkalpinang.toml"]),
        ("examples/2023/bapas-lahat-bulanan.toml", []),
        ("examples/2023/lpka-pangkalpinang-bulanan.toml", []),
        ("examples/2023/bapas-lahat-bulanan.xlsx", []),
        ("examples/kewajaran/bapas-lahat-2022-bulanan.toml", []),
    ],
)
def test_the_seed_examples_and_the_clean_history_give_no_finding(engine, data, previous):
    loaded = engine.load_data(ROOT / data)
    result = engine.review(
        loaded, [engine.load_data(ROOT / p) for p in previous], engine.evaluate(loaded)
    )
    assert result.findings == ()


# --- the rules on hand-made series -------------------------------------------------------


def _history(engine, months, *, previous=None, name="B", indicator="klien_bekerja", units=None):
    """A History of the bapas 2023 catalogue with one input's monthly values (rows: units)."""
    catalogue = engine.catalogue("bapas", 2023)
    rows = np.atleast_2d(np.array(months, dtype=float))
    current = np.full((len(rows), SLOTS), np.nan)
    current[:, 1 : 1 + rows.shape[1]] = rows
    earlier = {}
    for year, values in (previous or {}).items():
        column = np.full((len(rows), SLOTS), np.nan)
        column[:, 1 : 1 + len(values)] = values
        earlier[year] = {(indicator, name): column}
    units = units or [f"U{g}" for g in range(len(rows))]
    return History(
        catalogue,
        units,
        {(indicator, name): current},
        earlier,
        lambda g, i, slot, n: Location("x.toml", slot),
    )


def test_a_digit_added_to_a_constant_denominator(engine):
    # Eleven months of 100 and one of 1000: median 100, MAD 0, so the spread is the mean
    # absolute deviation x 1.2533 = (900 / 12) x 1.2533 = 93.9975; allowed = max(3.5 x 93.9975,
    # 0.5 x 100, 5 x sqrt(100) + 5^2 / 3) = 328.99125: 1000 is 900 off, flagged.
    result = review(_history(engine, [100] * 11 + [1000]))
    (finding,) = result.findings
    assert (finding.code, finding.period.key, finding.value) == ("KR901", "12", 1000)
    assert finding.expected == pytest.approx((0.0, 100 + 3.5 * 1.2533 * 75))
    assert result.checked == 12 and result.short == 0


def test_a_constant_series_and_a_steady_trend_give_no_finding(engine):
    assert review(_history(engine, [363] * 12)).findings == ()
    assert review(_history(engine, [100 + 10 * m for m in range(12)])).findings == ()
    assert review(_history(engine, [100 * 1.05**m for m in range(12)])).findings == ()


def test_too_little_history_is_said_not_judged(engine):
    result = review(_history(engine, [100, 100, 100, 100, 5000]))  # 4 other points < 6
    assert result.findings == ()
    assert (result.checked, result.short) == (0, 5)
    assert "not enough history" in result.summary()


def test_small_counts_move_by_chance(engine):
    # Mostly zeros (rare events): a 2 after 0s and 1s is no finding; 10 is (more than three
    # times the largest other value, 1).
    rare = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]
    assert review(_history(engine, [*rare, 2])).findings == ()
    assert [f.value for f in review(_history(engine, [*rare, 10])).findings] == [10]
    # Median 8: a count is reported only beyond count_noise x sqrt(8) + count_noise^2 / 3 =
    # 5 x 2.8284 + 8.3333 = 22.48 from it, so 30 is no finding and 31 is.
    small = [8, 7, 9, 8, 8, 7, 9, 8, 8, 7, 9]
    assert review(_history(engine, [*small, 30])).findings == ()
    assert [f.value for f in review(_history(engine, [*small, 31])).findings] == [31]


def test_change_from_the_same_period_of_previous_years(engine):
    # June of 2020-2022: 100, 120, 140, mean 120; 2023: 300 is 150% off (> 50%) and more than
    # the count noise 5 x sqrt(120 x (1 + 1/3)) + 25/3 = 71.6 away.
    previous = {2022: [140] * 6, 2021: [120] * 6, 2020: [100] * 6}
    result = review(_history(engine, [140, 140, 140, 140, 140, 300], previous=previous))
    june = [f for f in result.findings if f.period.key == "06"]
    assert june[0].code == "KR901" and "KR902" in june[0].also
    assert review(_history(engine, [140] * 6, previous=previous)).findings == ()


def test_peers_flag_the_unit_far_from_the_others(engine):
    catalogue = engine.catalogue("bapas", 2023)
    values = np.full((30, SLOTS), np.nan)
    values[:, 0] = [90 + (g % 5) for g in range(30)]
    values[7, 0] = 4.0
    history = History(catalogue, [f"U{g}" for g in range(30)], {}, {}, lambda *a: Location("x"))
    history.values = {"klien_bekerja": values}
    (finding,) = review(history, peers=True).findings
    assert (finding.code, finding.unit, finding.severity) == ("KR909", "U7", Severity.INFO)
    assert review(history).findings == ()  # peers only when asked (batch)


# --- properties --------------------------------------------------------------------------

series = st.lists(
    st.one_of(st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False)), min_size=7, max_size=11
)


@given(series)
@settings(deadline=None)
def test_adding_a_value_equal_to_the_median_creates_no_finding_for_it(values):
    engine = _ENGINE
    median = float(np.median(values))
    result = review(_history(engine, [*values, median]))
    added = len(values) + 1
    assert all(f.period.key != f"{added:02d}" for f in result.findings)


@given(series, st.sampled_from([2.0, 0.5, 3.0, 10.0, 1e3, 1e-3, 0.125]))
@settings(deadline=None)
def test_scaling_a_series_changes_no_z_score_finding(values, factor):
    # A measured (not counted) input: the z-score and the materiality both scale with it.
    engine = _ENGINE
    scaled = [v * factor for v in values]
    plain = _z_findings(engine, values)
    assert _z_findings(engine, scaled) == plain


def _z_findings(engine, values):
    catalogue = engine.catalogue("bapas", 2023)
    history = _history(engine, values, name="B")
    indicator = next(i for i in catalogue.indicators if i.id == "klien_bekerja")
    measured = [
        spec if spec.name != "B" else type(spec)(**{**_fields(spec), "kind": "number"})
        for spec in indicator.inputs
    ]
    import attrs

    changed = attrs.evolve(indicator, inputs=tuple(measured))
    history.catalogue = attrs.evolve(
        catalogue,
        indicators=tuple(changed if i.id == changed.id else i for i in catalogue.indicators),
    )
    return {(f.code, f.period.key) for f in review(history).findings}


def _fields(spec):
    import attrs

    return {f.name: getattr(spec, f.name) for f in attrs.fields(type(spec))}


_ENGINE = Engine.create(entry_points=False)


@given(
    st.lists(
        st.one_of(
            st.integers(0, 10**12),
            st.just(0),
            st.floats(0, 1e12, allow_nan=False),
        ),
        min_size=1,
        max_size=12,
    ),
    st.lists(st.integers(0, 10**12), max_size=12),
)
@settings(deadline=None, max_examples=60)
def test_the_checks_never_raise_and_every_finding_is_located_strict_json(values, last_year):
    history = _history(_ENGINE, values, previous={2022: last_year} if last_year else None)
    result = review(history, peers=True)
    for finding in result.findings:
        diagnostic = finding.diagnostic()
        assert diagnostic.location.file and diagnostic.code.startswith("KR9")
        json.dumps(finding.to_dict(), allow_nan=False)
        assert all(
            v is None or math.isfinite(v)
            for v in (finding.to_dict()["expected_min"], finding.to_dict()["expected_max"])
        )


# --- the catalogue's declarations and the command line -------------------------------------

CATALOGUE = """
format_version = 2
year = 2023
unit_type = "contoh"
title = "Contoh"
[policy.plausibility]
severity = "warning"
[[sasaran]]
id = "S1"
level = "kegiatan"
name = "Sasaran"
[[indicator]]
id = "penghuni"
sasaran = "S1"
level = "IKK"
name = "Persentase penghuni terlayani"
unit = "%"
formula = "A / P * 100"
target = 90
consolidation = "last"
not_applicable = { when = "P == 0", reason = "tidak ada penghuni" }
[indicator.inputs]
A = { description = "penghuni terlayani", counts = "orang" }
P = { description = "penghuni", counts = "orang" }
M = { description = "penghuni masuk", counts = "orang" }
K = { description = "penghuni keluar", counts = "orang" }
[indicator.plausibility]
range = { P = { max = 600 }, value = { max = 100 } }
flows = { P = ["M", "K"] }
within_year = { A = 0.3 }
"""


def _data(months):
    rows = "\n".join(
        f"{m:02d} = {{ A = {a}, P = {p}, M = {i}, K = {o} }}"
        for m, (a, p, i, o) in enumerate(months, 1)
    )
    return (
        'unit = "Rutan X"\nunit_type = "contoh"\nyear = 2023\n'
        f"[indicators.penghuni.periods]\n{rows}\n"
    )


def test_declared_ranges_flows_and_within_year(tmp_path):
    (tmp_path / "katalog").mkdir()
    (tmp_path / "katalog" / "contoh.toml").write_text(CATALOGUE, encoding="utf-8")
    engine = Engine.create(catalog_dirs=[tmp_path / "katalog"], entry_points=False)
    months = [(300, 300, 10, 10), (300, 300, 10, 10), (300, 420, 10, 10), (400, 700, 300, 20)]
    path = tmp_path / "data.toml"
    path.write_text(_data(months), encoding="utf-8")
    data = engine.load_data(path)
    found = {(f.code, f.period.key, f.input) for f in engine.review(data).findings}
    # March: P 300 -> 420 while M + K = 20 moved it (KR905). April: P = 700 above the declared
    # 600 (KR903; also 700 - 420 = 280 <= M + K = 320, so no KR905); A 300 -> 400 is 33% > 30%.
    assert ("KR905", "03", "P") in found
    assert ("KR903", "04", "P") in found
    assert ("KR906", "04", "A") in found
    assert len(found) == 3


def test_an_unknown_input_in_the_plausibility_table_is_located(tmp_path):
    bad = CATALOGUE.replace("within_year = { A = 0.3 }", "within_year = { Q = 0.3 }")
    (tmp_path / "bad.toml").write_text(bad, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kinerja_rules", "validate", str(tmp_path / "bad.toml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert re.search(r"bad\.toml:\d+:\d+: error KR204: .*within_year.*'Q'", done.stdout), (
        done.stdout
    )


def test_evaluate_shows_findings_and_strict_fails_on_warnings():
    command = [sys.executable, "-m", "kinerja_rules", "evaluate", str(PLANTED)]
    previous = ["--previous", str(HISTORY)]
    done = subprocess.run([*command, *previous], capture_output=True, text=True)
    assert done.returncode == 0
    assert "warning KR901" in done.stderr and "B = 1150" in done.stderr
    assert "plausibility: 4 finding(s)" in done.stderr
    strict = subprocess.run([*command, *previous, "--strict"], capture_output=True, text=True)
    assert strict.returncode == 1
    as_json = subprocess.run([*command, *previous, "--format", "json"], capture_output=True)
    listed = json.loads(as_json.stdout)["findings"]
    digit = next(f for f in listed if f["code"] == "KR901" and f["details"]["value"] == 1150)
    assert (digit["line"], digit["details"]["period"], digit["details"]["input"]) == (19, "03", "B")
    clean = ROOT / "examples" / "2023" / "bapas-lahat-bulanan.toml"
    fine = subprocess.run(
        [sys.executable, "-m", "kinerja_rules", "evaluate", str(clean), "--strict"],
        capture_output=True,
        text=True,
    )
    assert fine.returncode == 0 and "KR9" not in fine.stderr


def test_the_report_annex_lists_each_planted_finding(engine):
    from kinerja_rules.reports.bab3 import Bab3Input, build_bab3
    from kinerja_rules.reports.document import Heading, Table

    data, history = engine.load_data(PLANTED), engine.load_data(HISTORY)
    current = engine.evaluate(data)
    review = engine.review(data, [history], current)
    bab3 = build_bab3(
        Bab3Input(current, (engine.evaluate(history),), None, review), engine.not_applicable
    )
    headings = [b.text for b in bab3.blocks if isinstance(b, Heading)]
    assert headings[-1] == "Lampiran: Catatan Pemeriksaan Kewajaran Data"
    annex = [b for b in bab3.blocks if isinstance(b, Table)][-1]
    assert len(annex.rows) == 4
    # In the order of the year: the stock summed (the year) first, then March, May, August.
    periods = [row[1] for row in annex.rows]
    assert periods == ["Tahun 2023", "Maret 2023", "Mei 2023", "Agustus 2023"]
    assert annex.rows[1][3:5] == ("B", "1.150")
    seed = engine.load_data(ROOT / "examples" / "2023" / "bapas-lahat.toml")
    plain = engine.evaluate(seed)
    quiet = build_bab3(
        Bab3Input(plain, (), None, engine.review(seed, (), plain)), engine.not_applicable
    )
    assert "Lampiran: Catatan Pemeriksaan Kewajaran Data" not in [
        b.text for b in quiet.blocks if isinstance(b, Heading)
    ]


def test_batch_reports_the_same_findings_one_row_each(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for source in (PLANTED, HISTORY):
        (folder / source.name).write_bytes(source.read_bytes())
    findings = tmp_path / "findings.jsonl"

    def batch(*options: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "kinerja_rules", "batch", str(folder), "--period"]
        return subprocess.run([*command, "monthly", *options], capture_output=True, text=True)

    done = batch("-o", str(tmp_path / "out.csv"), "--findings", str(findings))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in findings.read_text(encoding="utf-8").splitlines()]
    codes = sorted(r["code"] for r in rows if r["code"].startswith("KR9"))
    assert codes == ["KR901", "KR901", "KR907", "KR908"]
    digit = next(r for r in rows if "B = 1150" in r["message"])
    assert (digit["column"], digit["unit"], digit["period"]) == ("B", "Bapas Kelas II Lahat", "03")
    assert (digit["indicator"], digit["input"], digit["value"]) == ("klien_bekerja", "B", 1150)
    assert digit["expected_min"] < 115 < digit["expected_max"] < 1150
    strict = batch("-o", str(tmp_path / "out2.csv"), "--strict")
    assert strict.returncode == 1
