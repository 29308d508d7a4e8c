"""Bab III as a Document: the six parts per indicator, earlier years with their own catalogue,
the Renstra row, N/A with its reason — figures from the seeds' tables."""

from __future__ import annotations

import pytest

from kinerja_rules.budget.report import evaluate_budget_file
from kinerja_rules.engine import Engine
from kinerja_rules.reports.bab3 import PLACEHOLDER, Bab3Input, build_bab3, previous_reports
from kinerja_rules.reports.document import Heading, Paragraph, Table

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def engine():
    return Engine.create(entry_points=False)


def _bab3(engine, unit, budget=True):
    current = engine.evaluate_file(EXAMPLES / "2023" / f"{unit}.toml")
    previous = previous_reports(
        [engine.load_data(EXAMPLES / "2022" / f"{unit}.toml")],
        engine.catalogues,
        engine.not_applicable,
    )
    report = (
        evaluate_budget_file(EXAMPLES / "2023" / f"{unit}-anggaran.toml", engine.catalogues)
        if budget
        else None
    )
    return build_bab3(Bab3Input(current, previous, report), engine.not_applicable)


def _table(document, caption):
    return next(t for t in document.tables() if t.caption == caption)


def test_bapas_ikk1_compares_2022_and_the_renstra(engine):
    document = _bab3(engine, "bapas-lahat")
    # Bapas Tabel III.4: 2022 target 50%, realisasi 50%, capaian 100%; 2023 60%, 49,26%, 82,09%
    comparison = _table(document, "Tabel III.4 Perbandingan Capaian Kinerja SK I dan IKK 1")
    assert comparison.rows[0][1:] == ("50%", "50%", "100%", "60%", "49,26%", "82,09%")
    assert comparison.header[0][1:4] == ("Tahun 2022",) * 3
    # Tabel III.5: Renstra 2021 "-" (not yet an indicator), 2022 50%, 2023 60%, 2024 60%
    renstra = _table(document, "Tabel III.5 Target Jangka Menengah SK I dan IKK 1")
    assert renstra.header[0] == ("Uraian", "2021", "2022", "2023", "2024")
    assert renstra.rows[0] == ("Target Renstra", "-", "50%", "60%", "60%")
    # 49,256… against the 2024 target of 60: 82,09%
    assert any("target akhir Renstra (2024, 60%): 82,09%" in note for note in renstra.notes)


def test_every_indicator_has_its_six_parts(engine):
    document = _bab3(engine, "lpka-pangkalpinang")
    headings = [b for b in document.blocks if isinstance(b, Heading)]
    indicators = [h for h in headings if h.level == 3 and h.text.startswith("IKK")]
    assert len(indicators) == 20  # LPKA's twenty IKK of 2023
    parts = [h.text[:2] for h in headings if h.level == 4]
    assert parts == ["1.", "2.", "3.", "4.", "5.", "6."] * 20
    # no narrative in the data: every part 5 and 6 is a marked placeholder
    placeholders = [b for b in document.blocks if isinstance(b, Paragraph) and b.placeholder]
    assert len(placeholders) == 40 and all(PLACEHOLDER in p.text for p in placeholders)


def test_lpka_unmeasurable_indicators_keep_their_reason(engine):
    document = _bab3(engine, "lpka-pangkalpinang")
    overview = _table(
        document, "Tabel III.2 Capaian Sasaran Kinerja dan Indikator Kinerja Tahun 2023"
    )
    na = [row for row in overview.rows if row[6] == "tidak dapat diukur"]
    # mental disorder, disability, HIV/TB (all 0/0) and complaints (none received)
    assert len(na) == 4
    assert all(row[5] == "—" for row in na)  # never 0%
    # each with its reason under the table
    assert len(overview.notes) == 4
    assert all("tidak dapat diukur — tidak ada" in note for note in overview.notes)


def test_budget_chapter_and_efficiency(engine):
    document = _bab3(engine, "lpka-pangkalpinang")
    headings = [b.text for b in document.blocks if isinstance(b, Heading)]
    assert "B. Realisasi Anggaran" in headings and "C. Capaian Kinerja Anggaran" in headings
    efficiency = next(t for t in document.tables() if t.title.startswith("Efisiensi"))
    food = next(
        r for r in efficiency.rows if r[0].startswith("Persentase pemenuhan layanan makanan")
    )
    # LPKA Tabel II: layanan makanan pagu Rp 253.250.000, realised Rp 235.616.545 (93,04%);
    # capaian 100 / 80 = 125%: 125 − 93,0371… = +31,96 points, efficient
    assert food[1:] == (
        "125%",
        "Rp 253.250.000",
        "Rp 235.616.545",
        "93,04%",
        "+31,96%",
        "efisien",
    )


def test_without_earlier_years_the_comparison_is_marked(engine):
    current = engine.evaluate_file(EXAMPLES / "2023" / "bapas-lahat.toml")
    document = build_bab3(Bab3Input(current), engine.not_applicable)
    assert not any(t.title.startswith("Perbandingan Capaian Kinerja") for t in document.tables())
    assert any(isinstance(b, Paragraph) and "--previous" in b.text for b in document.blocks)
    assert all(isinstance(t, Table) for t in document.tables())


def test_the_seed_bab3_in_a_real_browser(tmp_path, capsys):
    """kinerja-rules report for Bapas 2023 with 2022 and the budget, opened in Chromium: no
    console error, every table and chart built, the seeds' figures in the page's text."""
    import re
    import subprocess

    from kinerja_rules.cli import main

    from .test_report_render import CHROMIUM_FLAGS, CONSOLE_TROUBLE, _chromium

    page = tmp_path / "bapas-bab3.html"
    args = [
        "report",
        str(EXAMPLES / "2023" / "bapas-lahat.toml"),
        "--previous",
        str(EXAMPLES / "2022" / "bapas-lahat.toml"),
        "--budget",
        str(EXAMPLES / "2023" / "bapas-lahat-anggaran.toml"),
        "-o",
        str(page),
    ]
    assert main(args) == 0
    assert capsys.readouterr()[0].strip() == str(page)
    shot = tmp_path / "shot.png"
    flags = [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=90
    )
    subprocess.run(
        [*flags, "--window-size=1100,1600", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=90,
    )
    assert not CONSOLE_TROUBLE.search(dom.stderr), dom.stderr[-2000:]
    html = dom.stdout
    text = re.sub(r"<[^>]+>", " ", html)
    # Bapas Tabel III.4: 2022 50% / 50% / 100% beside 2023 60% / 49,26% / 82,09%
    for figure in ("49,26%", "82,09%", "110,78%", "111,64%", "100,38%"):
        assert figure in text, figure
    # every table of the chapter: 3 per IKK (12 IKK), 2 sasaran tables, efficiency, budget ones
    document = _bab3(Engine.create(entry_points=False), "bapas-lahat")
    assert html.count("<table") == len(document.tables()) > 12 * 3 + 2 + 1
    for table in document.tables():
        assert table.caption in text, table.caption
    assert html.count("<svg") >= 1 + 3  # indicators chart and a trend per % indicator
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_the_units_words_and_a_national_standard(tmp_path):
    from .conftest import engine_with

    engine = engine_with(
        tmp_path,
        """\
year = 2024
unit_type = "uji"
title = "Uji"
[[sasaran]]
id = "S1"
level = "kegiatan"
name = "Sasaran uji"
[[indicator]]
id = "imunisasi"
sasaran = "S1"
level = "IKK"
name = "Persentase uji"
unit = "%"
formula = "A / B * 100"
target = 80
national_standard = 95
national_standard_source = "SPM kesehatan"
inputs = { A = "bagian", B = "keseluruhan" }
not_applicable = { when = "B == 0", reason = "tidak ada populasi" }
""",
    )
    path = tmp_path / "data.toml"
    path.write_text(
        'unit = "Uji"\nunit_type = "uji"\nyear = 2024\n[indicators.imunisasi]\nA = 90\nB = 100\n'
        'causes = "Jadwal posyandu tetap."\n',
        encoding="utf-8",
    )
    document = build_bab3(Bab3Input(engine.evaluate_file(path)), engine.not_applicable)
    paragraphs = [b for b in document.blocks if isinstance(b, Paragraph)]
    assert any(p.text == "Jadwal posyandu tetap." and not p.placeholder for p in paragraphs)
    # programmes not written: a marked placeholder naming the key to write
    assert any(p.placeholder and 'programmes = "…"' in p.text for p in paragraphs)
    # 90% against the national standard of 95%: not yet met
    assert any(
        "Standar nasional (SPM kesehatan): 95%. Realisasi tahun ini 90% belum memenuhi" in p.text
        for p in paragraphs
    )


def test_previous_data_must_be_an_earlier_year_of_the_same_unit_type(tmp_path, capsys):
    from kinerja_rules.cli import main

    args = ["report", str(EXAMPLES / "2023" / "bapas-lahat.toml"), "-o", str(tmp_path / "b.md")]
    for previous in ("2023/bapas-lahat.toml", "2022/lpka-pangkalpinang.toml"):
        assert main([*args, "--previous", str(EXAMPLES / previous)]) == 1
        assert "KR416" in capsys.readouterr()[1]
    assert not (tmp_path / "b.md").exists()  # nothing written
