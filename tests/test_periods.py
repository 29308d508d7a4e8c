"""Monthly, quarterly and semester realisation, to date, by each indicator's consolidation.

The bundled monthly examples (``examples/2023/*-bulanan.toml``) are an illustrative split of the
seeds' annual counts; the figures below are added up by hand from those files or from the
made-up files written here.
"""

from __future__ import annotations

import json
import pickle
import textwrap
from decimal import Decimal

import pytest

from kinerja_rules.cli import main
from kinerja_rules.diagnostics import KinerjaError
from kinerja_rules.engine import Engine
from kinerja_rules.periods import Period, month, parse_period, periods_of, quarter, semester
from kinerja_rules.results import Status

from .conftest import EXAMPLES, engine_with

D = Decimal


@pytest.fixture(scope="module")
def engine():
    return Engine.create(entry_points=False)


def _json(capsys, *args):
    assert main(["evaluate", *map(str, args), "--format", "json"]) == 0
    return json.loads(capsys.readouterr()[0])


def _indicator(found, indicator_id):
    return next(i for i in found["indicators"] if i["id"] == indicator_id)


def test_period_names():
    assert parse_period("2023-06") == (2023, month(6))
    assert parse_period("2023-Q2") == (2023, quarter(2)) and quarter(2).months == range(4, 7)
    assert parse_period("2023-S1") == (2023, semester(1))
    assert month(6).to_date_label() == "s.d. Juni" and quarter(3).label() == "TW III"
    with pytest.raises(ValueError, match="YEAR-MM"):
        parse_period("Juni 2023")


def test_the_periods_of_the_year_are_shared_objects():
    """month(6) is one object wherever it is made (data files, periods_of, the CLI), so the
    consolidation's dict look-ups find it by identity; an equal Period made otherwise, or
    unpickled (attrs does not pickle the kept hash), is still found."""
    assert month(6) is month(6) is periods_of("month")[5] is parse_period("2023-06")[1]
    assert quarter(2) is periods_of("quarter")[1] and semester(1) is periods_of("semester")[0]
    assert periods_of("year") == (Period(1, 12, "year"),)
    by_period = {month(6): "Juni", quarter(2): "TW II"}
    copy = pickle.loads(pickle.dumps(month(6)))
    assert copy is not month(6) and by_period[copy] == "Juni"
    assert by_period[Period(4, 6, "quarter")] == "TW II"
    assert month(13) == Period(13, 13, "month")  # outside the year: made as before, not shared
    with pytest.raises(KeyError):
        periods_of("week")


def test_december_to_date_is_the_seeds_year(capsys):
    bapas = _json(capsys, EXAMPLES / "2023" / "bapas-lahat-bulanan.toml", "--period", "2023-12")
    klien = _indicator(bapas, "klien_bekerja")
    # Bapas Tabel III.3: 629 / 1277 = 49,26%, 49,256… / 60 = 82,09%
    assert (klien["realisasi"], klien["capaian"]) == (49.26, 82.09)
    assert klien["derivation"]["inputs"] == {"A": 629, "B": 1277}
    lpka = _json(
        capsys, EXAMPLES / "2023" / "lpka-pangkalpinang-bulanan.toml", "--period", "2023-12"
    )
    # LPKA hak pengasuhan: 349 / 364 = 95,88… → 96% (whole percents)
    assert _indicator(lpka, "hak_pengasuhan")["realisasi"] == 96


def test_the_monthly_files_give_the_annual_report_for_the_year(capsys):
    for unit in ("bapas-lahat", "lpka-pangkalpinang"):
        annual = _json(capsys, EXAMPLES / "2023" / f"{unit}.toml")
        monthly = _json(capsys, EXAMPLES / "2023" / f"{unit}-bulanan.toml")
        for a, m in zip(annual["indicators"], monthly["indicators"]):
            assert (a["realisasi"], a["capaian"], a["status"], a["anggaran"]) == (
                m["realisasi"],
                m["capaian"],
                m["status"],
                m["anggaran"],
            ), a["id"]
        assert annual["sasaran"] == monthly["sasaran"] and annual["overall"] == monthly["overall"]


def test_mid_year_sums_the_months_so_far(capsys):
    found = _json(capsys, EXAMPLES / "2023" / "bapas-lahat-bulanan.toml", "--period", "2023-06")
    klien = _indicator(found, "klien_bekerja")
    # January–June of the file: A = 44+50+56+51+50+57 = 308, B = 89+102+115+102+102+115 = 625
    assert klien["derivation"]["inputs"] == {"A": 308, "B": 625}
    assert klien["realisasi"] == 49.28  # 308 / 625 = 49,28%
    assert klien["period_realisasi"] == 49.57  # June alone: 57 / 115 = 49,565…
    assert found["period"] == "06"
    assert klien["derivation"]["origin"] == "jumlah Januari–Juni"


def test_a_stock_takes_the_last_month_not_the_sum(capsys):
    found = _json(capsys, EXAMPLES / "2023" / "bapas-lahat-bulanan.toml", "--period", "2023-03")
    # perangkat pengolah data: months 52, 52, 54 → 54 Unit (a sum would say 158)
    perangkat = _indicator(found, "perangkat_pengolah_data")
    assert perangkat["realisasi"] == 54 and perangkat["derivation"]["inputs"] == {"N": 54}


UJI = textwrap.dedent(
    """\
    year = 2024
    unit_type = "uji"
    title = "Uji"

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran uji"

    [[indicator]]
    id = "rasio"
    sasaran = "S1"
    level = "IKK"
    name = "Persentase uji"
    unit = "%"
    formula = "A / B * 100"
    target = 80
    period_targets = { Q1 = 20, Q2 = 40, S1 = 45 }
    inputs = { A = "bagian", B = "keseluruhan" }
    not_applicable = { when = "B == 0", reason = "tidak ada populasi" }

    [[indicator]]
    id = "rata"
    sasaran = "S1"
    level = "IKK"
    name = "Indeks uji"
    unit = "Indeks"
    formula = "N"
    target = 4
    consolidation = "mean"
    inputs = { N = "nilai" }

    [[indicator]]
    id = "puncak"
    sasaran = "S1"
    level = "IKK"
    name = "Puncak uji"
    unit = "Unit"
    formula = "N"
    target = 10
    consolidation = "max"
    missing_periods = "skip_if_all"
    inputs = { N = "nilai" }
    """
)


def _data(tmp_path, body):
    path = tmp_path / "data.toml"
    path.write_text('unit = "Uji"\nunit_type = "uji"\nyear = 2024\n' + body, encoding="utf-8")
    return path


def test_mean_max_missing_periods_and_period_targets(tmp_path):
    engine = engine_with(tmp_path, UJI)
    path = _data(
        tmp_path,
        textwrap.dedent(
            """\
            [indicators.rasio.periods]
            01 = { A = 5, B = 100 }
            02 = { A = 10, B = 100 }
            03 = { A = 15, B = 100 }
            05 = { A = 20, B = 100 }
            [indicators.rata.periods]
            Q1 = { N = 3 }
            Q2 = { N = 4 }
            [indicators.puncak.periods]
            01 = { N = 7 }
            03 = { N = 9 }
            04 = { N = 6 }
            """
        ),
    )
    data = engine.load_data(path)
    q1 = engine.evaluate(data, quarter(1))
    rasio = q1.indicator("rasio")
    # Q1: (5 + 10 + 15) / 300 = 10%, against the Rencana Aksi target for Q1, 20: 50%
    assert rasio.realisasi.exact == 10 and rasio.target.value == 20 and rasio.capaian.exact == 50
    # June: April is missing, and skip_if_any (the default) makes the figure to date unknown
    june = engine.evaluate(data, month(6)).indicator("rasio")
    assert june.status is Status.TIDAK_DAPAT_DIUKUR
    assert june.na_reason == "belum dilaporkan: April, Juni" and june.realisasi is None
    # mean of Q1 and Q2: (3 + 4) / 2 = 3,5 against 4 → 87,5%
    s1 = engine.evaluate(data, semester(1))
    assert s1.indicator("rata").realisasi.exact == D("3.5")
    assert s1.indicator("rata").capaian.exact == D("87.5")
    # max with skip_if_all: February missing is skipped; max(7, 9, 6) = 9 to April
    assert engine.evaluate(data, month(4)).indicator("puncak").realisasi.exact == 9
    # S1 has a target of its own (45), which the June figure to date would use too
    assert s1.indicator("rasio").target.value == 45


def test_annual_figure_and_periods_must_agree(tmp_path):
    engine = engine_with(tmp_path, UJI)
    months = "".join(f"{m:02d} = {{ A = 1, B = 10 }}\n" for m in range(1, 13))
    path = _data(
        tmp_path, f"[indicators.rasio]\nA = 13\nB = 120\n[indicators.rasio.periods]\n{months}"
    )
    report = engine.evaluate(engine.load_data(path))
    [finding] = [f for f in report.findings if f.code == "KR411"]
    # twelve months of A = 1 make 12, not the 13 the annual figure says; B = 120 agrees
    assert "A = 13, periods give 12" in finding.message and "B =" not in finding.message
    assert finding.location.line == 4  # [indicators.rasio]
    # the annual figure is the one evaluated: 13 / 120 = 10,83%
    assert report.indicator("rasio").realisasi.shown == D("10.83")


@pytest.mark.parametrize(
    ("periods", "code", "line"),
    [
        ("13 = { A = 1, B = 2 }\n", "KR412", 5),
        ("01 = { A = 1, B = 2 }\nQ1 = { A = 1, B = 2 }\n", "KR413", 6),
        ("1 = { A = 1, B = 2 }\n01 = { A = 1, B = 2 }\n", "KR413", 6),
        ("01 = { A = -1, B = 2 }\n", "KR403", 5),
        ("01 = { A = 1 }\n", "KR402", 5),
    ],
)
def test_bad_periods_are_located(tmp_path, periods, code, line):
    engine = engine_with(tmp_path, UJI)
    path = _data(tmp_path, f"[indicators.rasio.periods]\n{periods}")
    with pytest.raises(KinerjaError) as raised:
        engine.load_data(path)
    [diagnostic] = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.location.line) == (code, line), diagnostic.format()


def test_a_period_of_another_year_is_refused(capsys):
    args = ["evaluate", str(EXAMPLES / "2023" / "bapas-lahat-bulanan.toml"), "--period", "2024-06"]
    assert main(args) == 1
    assert "KR415" in capsys.readouterr()[1]


def test_by_period_columns_are_each_to_date(capsys):
    path = EXAMPLES / "2023" / "bapas-lahat-bulanan.toml"
    assert main(["evaluate", str(path), "--by-period", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr()[0])
    assert found["periods"] == ["Q1", "Q2", "Q3", "Y"]
    figures = _indicator(found, "klien_bekerja")["figures"]
    # s.d. TW I: (44+50+56) / (89+102+115) = 150 / 306 = 49,02%; the year: 629 / 1277 = 49,26%
    assert figures["Q1"]["realisasi"] == 49.02 and figures["Y"]["realisasi"] == 49.26
    assert figures["Q2"]["realisasi"] == 49.28  # 308 / 625, as test_mid_year_sums…


def test_a_months_counts_keep_the_catalogues_promises(tmp_path, engine):
    path = tmp_path / "bapas.toml"
    path.write_text(
        'unit = "Bapas Uji"\nunit_type = "bapas"\nyear = 2023\n\n'
        "[indicators.klien_bekerja.periods]\n01 = { A = 50, B = 100 }\n02 = { A = 55, B = 42 }\n",
        encoding="utf-8",
    )
    report = engine.evaluate(engine.load_data(path), month(2))
    # February: A = 55 of B = 42 breaks assume A <= B; January does not
    [finding] = report.findings
    assert finding.code == "KR408" and finding.location.line == 7
    assert "A = 55, B = 42" in finding.message


@pytest.mark.parametrize("unit", ["bapas-lahat", "lpka-pangkalpinang"])
@pytest.mark.parametrize("period", [None, "2023-06"])
def test_the_bundled_monthly_workbooks_hold_the_same_figures(capsys, unit, period):
    """examples/2023/*-bulanan.xlsx is the TOML file filled into the data-entry workbook
    (kinerja-rules template … --from): evaluating either gives the same figures."""
    args = ["--period", period] if period else []
    results = []
    for suffix in ("toml", "xlsx"):
        found = _json(capsys, EXAMPLES / "2023" / f"{unit}-bulanan.{suffix}", *args)
        results.append((found["indicators"], found["sasaran"], found["overall"]))
    assert results[0] == results[1]
