"""audit: every figure the two seed reports print, checked against their own arithmetic.

The expected findings below are the errors each seed report contains, each with its own
recomputation by hand in the comments (independent of the code: the counts are the reports'
own, the targets the PK's). Every other transcribed figure is right and must give nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from kinerja_rules import Engine, KinerjaError
from kinerja_rules.audit import (
    CAUSES,
    audit_main,
    parse_printed,
    parse_status,
    render_audit,
    run_audit,
)
from kinerja_rules.diagnostics import CODES

from .conftest import EXAMPLES, ROOT

LPKA = EXAMPLES / "2023" / "lpka-pangkalpinang-cetak.toml"
BAPAS = EXAMPLES / "2023" / "bapas-lahat-cetak.toml"


@pytest.fixture(scope="module")
def engine():
    return Engine.create(entry_points=False)


@pytest.fixture(scope="module")
def bapas(engine):
    return run_audit(BAPAS, engine)


@pytest.fixture(scope="module")
def lpka(engine):
    return run_audit(LPKA, engine)


# --- Bapas Kelas II Lahat 2023 ------------------------------------------------------------------

# klien_anak_pendidikan: 59 / 151 = 0,390728… → realisasi 39,0728…% (printed 39,07%, right).
# Capaian = realisasi / target = 39,0728… / 35 = 1,116367… → 111,6367…% → 111,64% at 2 decimals.
# The report prints 111,63% = 39,07 / 35 = 111,6286 → 111,63: the rounded realisasi divided,
# while 82,09% (klien_bekerja: 629/1277 = 49,2561%; 49,2561 / 60 = 82,0934 → 82,09; from 49,26
# it would be 82,10) divides the exact one. Printed in 8 places.
BAPAS_111_63 = [
    ("figure[2].capaian", "KR702", "rounded_realisasi"),  # Ikhtisar, tabel
    ("figure[14].capaian", "KR702", "rounded_realisasi"),  # Ikhtisar, kalimat
    ("figure[19].capaian", "KR702", "rounded_realisasi"),  # Tabel III.2
    ("figure[44].capaian", "KR702", "rounded_realisasi"),  # Tabel III.9
    ("figure[45].capaian", "KR702", "rounded_realisasi"),  # III.9 rumus "39,07%/35% = 111,63%"
    ("figure[46].capaian", "KR702", "rounded_realisasi"),  # III.9 kalimat
    ("figure[48].capaian", "KR702", "rounded_realisasi"),  # III.10 kalimat
    ("figure[50].capaian", "KR702", "rounded_realisasi"),  # Tabel III.10
]
BAPAS_EXPECTED = [
    *BAPAS_111_63,
    # One cause, eight places: gathered at the first (KR709).
    ("figure[2].capaian", "KR709", "rounded_realisasi"),
    # Nilai Rata-rata: (82,0934 + 110,7766 + 111,6367 + 9 × 100) / 12 = 1204,5068 / 12 = 100,3756
    # → 100,38; even from the printed capaian (82,09 + 110,78 + 111,63 + 900) / 12 = 100,375 →
    # 100,38. The printed 100,39 follows from no known slip.
    ("figure[29].capaian", "KR705", "unexplained"),
    # Tabel III.37 and III.38 are Jumlah Gedung/Bangunan's tables, labelled "Jumlah Peralatan dan
    # Fasilitas Perkantoran" and "Jumlah Kendaraan Bermotor": the names of IKK 8 and IKK 6.
    ("figure[97].label", "KR707", "swapped"),
    ("figure[98].label", "KR707", "swapped"),
    # Bab III C: "capaian keluaran dengan bobot 99.41%; penyerapan anggaran dengan bobot 91.32%;
    # efisiensi dengan bobot 8,38%": the component values (CRO 99,41, penyerapan 91,32, E 8,38)
    # written as weights; PMK 22/2021 weighs them 43,5, 9,7 and 28,6.
    ("weights[1].printed.capaian_ro", "KR708", "other_column"),
    ("weights[1].printed.penyerapan", "KR708", "other_column"),
    ("weights[1].printed.nilai_efisiensi", "KR708", "other_column"),
    ("weights[1].printed.capaian_ro", "KR709", "other_column"),
]
# The budget file's findings (the `budget` command's), included with their causes:
# PK 3.227.338.000 vs the lines' 3.733.357.000 (the revised pagu); IKPA components
# (10×100 + 10×83,74 + 20×100 + 10×94 + 10×100 + 10×100 + 5×100 + 25×100) / 100 = 97,774 → 97,77,
# printed 98,00 and 97,80; belanja kontraktual 10 × 94 / 100 = 9,40 printed 94,40;
# 60% × 90,21 + 40% × 98,00 = 54,126 + 39,2 = 93,326 → 93,33, printed 93,81.
BAPAS_BUDGET = [
    ("pk_pagu", "KR605", None),
    ("scores.ikpa.reported", "KR608", "composite"),
    ("scores.ikpa.printed.total", "KR608", "composite"),
    ("scores.ikpa.printed.weighted.belanja_kontraktual", "KR608", "composite"),
    ("scores.capaian_kinerja_anggaran.reported", "KR608", "composite"),
]


# --- LPKA Kelas II Pangkalpinang 2023 -------------------------------------------------------------


def _zero_over_zero(first: int) -> list[tuple[str, str, str]]:
    """The ten figures of one 0/0 indicator, rows first..first+6 of its block: B = 0 (and D = 0)
    so A/B is 0/0 — it cannot be measured — yet the report prints 0% (2023 text, both columns of
    the comparison table, the Renstra paragraph's realisasi of 2022 and 2023) and judges it not
    achieved (the Renstra paragraph, the "Penyebab" paragraph)."""
    return [
        (f"figure[{first}].realisasi", "KR701", "zero_over_zero"),  # "0/0 × 100% = 0%"
        (f"figure[{first + 1}].realisasi", "KR701", "zero_over_zero"),  # 2022 realisasi 0%
        (f"figure[{first + 1}].capaian", "KR702", "zero_over_zero"),  # 2022 capaian 0%
        (f"figure[{first + 2}].realisasi", "KR701", "zero_over_zero"),  # 2023 realisasi 0%
        (f"figure[{first + 2}].capaian", "KR702", "zero_over_zero"),  # 2023 capaian 0%
        (f"figure[{first + 3}].status", "KR706", "zero_over_zero"),  # "tidak (dapat) tercapai"
        (f"figure[{first + 3}].realisasi", "KR701", "zero_over_zero"),  # "TA 2023 … 0 persen"
        (f"figure[{first + 4}].realisasi", "KR701", "zero_over_zero"),  # "TA 2022 … 0 persen"
        (f"figure[{first + 6}].status", "KR706", "zero_over_zero"),  # "tidak tercapainya"
    ]


LPKA_EXPECTED = [
    # Tabel II (rows 0–19).
    # gangguan mental (B = 0), disabilitas (B = 0), HIV-AIDS/TB (B = D = 0), pengaduan (B = 0):
    # 0/0 printed 0%.
    ("figure[2].realisasi", "KR701", "zero_over_zero"),
    ("figure[3].realisasi", "KR701", "zero_over_zero"),
    ("figure[4].realisasi", "KR701", "zero_over_zero"),
    ("figure[9].realisasi", "KR701", "zero_over_zero"),
    # hak pengasuhan 349 / 364 = 95,88% → 96% (the text says 96%); Tabel II prints 93%, which is
    # the next row's realisasi (pendidikan 339 / 364 = 93,13% → 93%).
    ("figure[7].realisasi", "KR701", "swapped"),
    # pendidikan 339 / 364 = 93,13% → 93% (the text says 93%); Tabel II prints 98%.
    ("figure[8].realisasi", "KR701", "text_table"),
    # kepatuhan (B − A) / B = (13 − 2) / 13 = 84,62% → 85%; Tabel II prints 0%, the text 15%:
    # neither 0 nor any slip of 84,62 gives 0.
    ("figure[11].realisasi", "KR701", "unexplained"),
    # SK 1 IKK 2 (rows 27–33): 2022 capaian 100 / 93 = 107,53% → 108%; printed 107% (cut).
    ("figure[28].capaian", "KR702", "truncated"),
    ("figure[28].capaian", "KR709", "truncated"),  # with kamtib and pemulihan 2022 below
    # SK 1 IKK 3–5 and SK 3 IKK 1: the four 0/0 indicators (blocks start at rows 34, 41, 48, 83).
    *_zero_over_zero(34),
    *_zero_over_zero(41),
    *_zero_over_zero(48),
    *_zero_over_zero(83),
    ("figure[2].realisasi", "KR709", "zero_over_zero"),  # 4 + 4 × 9 = 40 figures, one cause
    # SK 2 IKK 1: 20 / 20 = 100% against 80% → capaian 125%, achieved; "Penyebab": "Tidak
    # tercapainya indikator berikut".
    ("figure[61].status", "KR706", "unexplained"),
    # SK 2 IKK 3: "Realisasi di TA 2022 adalah 111 persen": the 2022 realisasi is 89%, 111% is its
    # capaian (89 / 80 = 111,25% → 111%).
    ("figure[73].realisasi", "KR701", "other_column"),
    ("figure[73].realisasi", "KR709", "other_column"),  # with the 1 Layanan / 100 persen below
    # SK 2 IKK 4: 2022 capaian 100 / 80 (PK 2022) = 125%; printed 142% = 100 / 70 = 142,86 cut:
    # the Renstra 2021 target (70%) instead of the PK's, and truncated.
    ("figure[77].capaian", "KR702", "target"),
    # "Realisasi di TA 2022 adalah 98 persen": the table above prints 100%, the data 100.
    ("figure[80].realisasi", "KR701", "text_table"),
    # SK 3 IKK 2: 2022 capaian 100 / 70 = 142,86% → 143%, printed 142% (cut); the Target Tabel
    # prints 85% for 2023 where the PK 2023 signs 80%.
    ("figure[91].capaian", "KR702", "truncated"),
    ("figure[95].renstra.2023", "KR704", "target"),
    # SK 3 IKK 3 kepatuhan dan disiplin: A = 2 repeaters of B = 13 offenders. Compliance is
    # (13 − 2) / 13 = 84,62% → 85%; the report prints 2 / 13 = 15,38% → 15%, the opposite. 2022:
    # compliance 67% (100 − 33), capaian 67 / 80 = 83,75% → 84%; printed 33% and 33 / 80 = 41,25%
    # → 41%. 2023 capaian: 84,62 / 85 = 99,55% → 100%; printed 17% = 15 / 85 = 17,65 cut (the
    # inverted, rounded realisasi, truncated).
    ("figure[97].realisasi", "KR701", "inverted"),  # "2/13 × 100% = 15%"
    ("figure[98].realisasi", "KR701", "inverted"),  # 2022: 33%
    ("figure[98].capaian", "KR702", "inverted"),  # 2022: 41%
    ("figure[99].realisasi", "KR701", "inverted"),  # 2023: 15%
    ("figure[99].capaian", "KR702", "inverted"),  # 2023: 17%
    ("figure[100].realisasi", "KR701", "inverted"),  # "TA 2023 adalah 15 persen"
    ("figure[101].realisasi", "KR701", "inverted"),  # "TA 2022 adalah 33 persen"
    ("figure[97].realisasi", "KR709", "inverted"),
    # "Target Kinerja … tahun 2023 adalah 80 persen": the PK signs 85% (80 is the Renstra 2022);
    # "target di tahun 2024 adalah 85 persen": the Renstra 2024 is 95% (85 is the Renstra 2023).
    ("figure[100].target", "KR703", "target"),
    ("figure[100].renstra.2024", "KR704", "target"),
    # SK 3 IKK 4: 2022 capaian 100 / 70 = 142,86% → 143%, printed 142% (cut).
    ("figure[105].capaian", "KR702", "truncated"),
    # SK 4: the 2022 capaian column prints "1 Layanan" (the realisasi) where 1 / 1 = 100% is
    # meant, five times; and "target di tahun 2023 belum tercapai" for 1 of 1 Layanan (100%).
    ("figure[112].capaian", "KR702", "other_column"),
    ("figure[114].status", "KR706", "unexplained"),
    ("figure[119].capaian", "KR702", "other_column"),
    ("figure[121].status", "KR706", "unexplained"),
    ("figure[126].capaian", "KR702", "other_column"),
    # kompetensi: the comparison table prints the 2023 realisasi "0 Layanan"; Tabel II and the data
    # say 1 Layanan. The Renstra paragraph: "tahun 2023 adalah 0 Layanan" (the PK signs 1).
    ("figure[127].realisasi", "KR701", "text_table"),
    ("figure[128].status", "KR706", "unexplained"),
    ("figure[128].target", "KR703", "target"),
    ("figure[133].capaian", "KR702", "other_column"),
    ("figure[135].status", "KR706", "unexplained"),
    ("figure[135].target", "KR703", "target"),  # dokumen anggaran: "0 Layanan" too
    ("figure[140].capaian", "KR702", "other_column"),
    ("figure[142].status", "KR706", "unexplained"),
    # perangkat (4 Unit) and peralatan (6 Unit): "realisasi di TA 2023 adalah 100 persen": the
    # capaian (4 / 4 = 100%), not the realisasi.
    ("figure[150].realisasi", "KR701", "other_column"),
    ("figure[157].realisasi", "KR701", "other_column"),
    # Bab III C: SMART DJA weights listed as CRO 43,5, penyerapan 28,6, efisiensi 18,2,
    # konsistensi 9,7; PMK 22/2021: CRO 43,5, efisiensi 28,6, konsistensi 18,2, penyerapan 9,7 —
    # the same four weights, three against the wrong component. IKPA's list is right.
    ("weights[0].printed.penyerapan", "KR708", "weights"),
    ("weights[0].printed.nilai_efisiensi", "KR708", "weights"),
    ("weights[0].printed.konsistensi", "KR708", "weights"),
    ("weights[0].printed.penyerapan", "KR709", "weights"),
]
# The budget file (Tabel III): the pagu of 5252.BDC.004.005 is 9.000 short (395.787.000 where
# 395.796.000 = 378.153.063 + 17.642.937 makes the sisa right), which shows in the PK comparison,
# both sisa of that output, the JUMLAH pagu and sisa and the jenis belanja total (KR606 names
# it); 6231.EBB.951.051: 3.762.900 / 3.800.000 = 99,02%, printed 99.83% — its parent's
# (28.001.970 / 28.050.000 = 99,83%).
LPKA_BUDGET = [
    ("pk_pagu", "KR605", None),
    ("row[0].sisa", "KR602", None),
    ("row[1].pagu", "KR606", None),
    ("row[1].sisa", "KR602", None),
    ("row[22].persen", "KR603", "parent_copied"),
    ("total.pagu", "KR604", None),
    ("total.sisa", "KR602", None),
    ("jenis_belanja.2023.total.pagu", "KR607", None),
]


def _found(result, source):
    return Counter(
        (f.diagnostic.location.field, f.diagnostic.code, f.cause)
        for f in result.findings
        if f.source == source
    )


def test_bapas_seed_findings_exactly(bapas):
    assert _found(bapas, "printed") == Counter(BAPAS_EXPECTED)
    assert _found(bapas, "budget") == Counter(BAPAS_BUDGET)


def test_lpka_seed_findings_exactly(lpka):
    assert _found(lpka, "printed") == Counter(LPKA_EXPECTED)
    assert _found(lpka, "budget") == Counter(LPKA_BUDGET)


def _row_lines(path) -> dict[str, int]:
    """``figure[N]``/``weights[N]`` → the line of the N-th one-line row of that array."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows: dict[str, int] = {}
    array = None
    count = 0
    for number, line in enumerate(lines, 1):
        if line.startswith(("figure = [", "weights = [")):
            array, count = line.split()[0], 0
        elif line.lstrip().startswith("{ ") and array is not None:
            rows[f"{array}[{count}]"] = number
            count += 1
    return rows


@pytest.mark.parametrize("path", [BAPAS, LPKA], ids=["bapas", "lpka"])
def test_findings_are_located_at_the_printed_cell(engine, path):
    result = run_audit(path, engine)
    rows = _row_lines(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    for finding in result.findings:
        location = finding.diagnostic.location
        if finding.source == "budget":
            assert location.file.endswith("-anggaran.toml") and location.line
            continue
        assert location.file == str(path)
        row = re.match(r"(figure|weights)\[\d+\]", location.field).group(0)
        assert location.line == rows[row], finding.diagnostic.format()
        # The column points at the printed value (or, for a label, at the label).
        key = location.field.split(".")[-1]
        text = lines[location.line - 1][location.col - 1 :]
        if finding.diagnostic.code != "KR709":
            printed = finding.printed
            assert text.startswith(f'"{printed}"') or text.startswith(printed), (key, text[:40])
            # The table is named in the message.
            assert finding.table and finding.table in finding.diagnostic.message


def test_messages_name_printed_computed_and_cause(bapas, lpka):
    first = next(f for f in bapas.findings if f.diagnostic.code == "KR702")
    assert first.printed == "111,63%" and first.computed == "111,64%"
    assert "printed 111,63%, but the counts give 111,64%" in first.diagnostic.message
    assert "39,07 / 35 × 100 = 111,63" in first.diagnostic.hint
    grouped = next(f for f in bapas.findings if f.diagnostic.code == "KR709")
    assert "one cause explains 8 printed figures" in grouped.diagnostic.message
    assert "printed 111,63% in 8 places" in grouped.diagnostic.message
    zero = next(
        f for f in lpka.findings if f.diagnostic.code == "KR709" and f.cause == "zero_over_zero"
    )
    assert "one cause explains 40 printed figures" in zero.diagnostic.message
    swapped = next(f for f in lpka.findings if f.cause == "swapped")
    assert "93% is the realisasi of pendidikan_formal_nonformal" in swapped.diagnostic.hint
    pendidikan = next(
        f for f in lpka.findings if f.diagnostic.location.field == "figure[77].capaian"
    )
    assert "the Renstra 2021 value, not the PK's 80" in pendidikan.diagnostic.hint
    assert "cut, not rounded" in pendidikan.diagnostic.hint
    kepatuhan = next(
        f for f in lpka.findings if f.diagnostic.location.field == "figure[99].capaian"
    )
    # 17% needs three slips: the inverted realisasi, rounded (15), and 15 / 85 = 17,65 cut.
    assert "15 / 85 × 100 = 17,65" in kepatuhan.diagnostic.hint
    parent = next(f for f in lpka.findings if f.cause == "parent_copied")
    assert "99.83% is the percentage of 6231.EBB.951" in parent.diagnostic.hint
    for finding in (*bapas.findings, *lpka.findings):
        assert finding.diagnostic.severity.value == "warning"
        assert finding.cause is None or finding.cause in CAUSES


def test_every_audit_code_is_documented():
    page = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    for code in (c for c in CODES if c.startswith("KR7")):
        assert f"### {code} — {CODES[code]}" in page
    for cause in CAUSES:
        assert f"| `{cause}` |" in page


# --- right figures give nothing -------------------------------------------------------------------


def _printed(tmp_path, rows: str, extra: str = "", name: str = "cetak.toml"):
    path = tmp_path / name
    path.write_text(
        'unit = "Bapas Kelas II Lahat"\nunit_type = "bapas"\nyear = 2023\n'
        f'data = "{(EXAMPLES / "2023" / "bapas-lahat.toml").as_posix()}"\n'
        f'previous = ["{(EXAMPLES / "2022" / "bapas-lahat.toml").as_posix()}"]\n'
        f"{extra}figure = [\n{rows}\n]\n",
        encoding="utf-8",
    )
    return path


def test_right_figures_give_no_finding(engine, tmp_path):
    path = _printed(
        tmp_path,
        # 629/1277 = 49,2561% → "49,26%", "49,3%", "49%"; 49,2561 / 60 = 82,0934 → "82,09%".
        '  { where = "T", indicator = "klien_bekerja", target = "60%", realisasi = "49,26%", '
        'capaian = "82,09%", status = "tidak tercapai" },\n'
        '  { where = "T", indicator = "klien_bekerja", realisasi = "49,3%", capaian = 82.1 },\n'
        '  { where = "T", indicator = "klien_bekerja", realisasi = "49 persen", capaian = 82 },\n'
        # 59/151 = 39,0728% / 35 = 111,6367% → "111,64%".
        '  { where = "T", indicator = "klien_anak_pendidikan", capaian = "111,64%" },\n'
        # 2022: 50 / 50 = 100%; an indicator new in 2023 prints "-" for 2022.
        '  { where = "T", indicator = "klien_bekerja", year = 2022, target = "50%", '
        'realisasi = "50%", capaian = "100%" },\n'
        '  { where = "T", indicator = "layanan_perkantoran", year = 2022, target = "-", '
        'realisasi = "-", capaian = "-" },\n'
        '  { where = "T", indicator = "perangkat_pengolah_data", target = "54 unit", '
        'realisasi = "54Unit", capaian = "(100%)" },\n'
        '  { where = "T", indicator = "klien_bekerja", renstra = { 2021 = "-", 2022 = "50%", '
        '2023 = "60%", 2024 = "60%" } },\n'
        # SK I: (82,0934 + 110,7766 + 111,6367) / 3 = 101,5022 → "101,5%"; overall 100,3756.
        '  { where = "T", sasaran = "SK1", indicators = 3, capaian = "101,5%", '
        'status = "Tercapai" },\n'
        '  { where = "T", overall = true, capaian = "100,38%" },\n'
        '  { where = "T", indicator = "gedung_bangunan", label = "Jumlah Gedung / Bangunan", '
        'capaian = "100%" },',
        extra='weights = [ { score = "smart", where = "W", printed = { capaian_ro = "43,5%", '
        'nilai_efisiensi = 28.6, konsistensi = "18,2", penyerapan = "9,7 %" } } ]\n',
    )
    result = run_audit(path, engine)
    assert result.findings == ()
    assert result.checked == 31  # 27 cells of the rows, 4 weights
    assert "0 finding(s)" in render_audit(result)


def test_correcting_the_misprint_removes_its_findings(engine, tmp_path):
    text = BAPAS.read_text(encoding="utf-8").replace("111,63%", "111,64%")
    text = text.replace('"bapas-lahat', f'"{(EXAMPLES / "2023").as_posix()}/bapas-lahat')
    text = text.replace('"../2022/', f'"{(EXAMPLES / "2022").as_posix()}/')
    path = tmp_path / "bapas-cetak.toml"
    path.write_text(text, encoding="utf-8")
    result = run_audit(path, engine)
    assert not [f for f in result.findings if f.cause == "rounded_realisasi"]
    assert len(result.findings) == len(BAPAS_EXPECTED) + len(BAPAS_BUDGET) - 9


@pytest.mark.parametrize(
    "printed, right",
    [
        # 629/1277 = 49,25606891…%: compared at the printed decimals, half up.
        ("49,26%", True),
        ("49,256%", True),
        ("49,2561%", True),
        ("49,25%", False),  # would be truncation
        ("49%", True),
        ("50%", False),
        ("49.26%", True),
        ("49,26 Layanan", False),  # not the indicator's unit
    ],
)
def test_compared_at_the_printed_precision(engine, tmp_path, printed, right):
    path = _printed(
        tmp_path, f'  {{ where = "T", indicator = "klien_bekerja", realisasi = "{printed}" }},'
    )
    assert (run_audit(path, engine).findings == ()) is right


def test_truncation_found_where_the_catalogue_rounds(engine, tmp_path):
    # 49,2561 cut at 2 decimals is 49,25; the catalogue rounds half up.
    path = _printed(
        tmp_path, '  { where = "T", indicator = "klien_bekerja", realisasi = "49,25%" },'
    )
    (finding,) = run_audit(path, engine).findings
    assert (finding.diagnostic.code, finding.cause) == ("KR701", "truncated")


def test_na_averaged_in_as_zero(engine, tmp_path):
    # LPKA SK 1 2023: makanan 125, kesehatan 100/94 = 106,383, three 0/0 indicators. Measured only:
    # (125 + 106,383) / 2 = 115,69 → 116%. With the three as 0: 231,383 / 5 = 46,28 → 46%.
    path = tmp_path / "lpka.toml"
    path.write_text(
        'unit = "LPKA Kelas II Pangkalpinang"\nunit_type = "lpka"\nyear = 2023\n'
        f'data = "{(EXAMPLES / "2023" / "lpka-pangkalpinang.toml").as_posix()}"\n'
        'figure = [\n  { where = "S", sasaran = "SK1", capaian = "46%" },\n'
        '  { where = "S", sasaran = "SK1", capaian = "116%" },\n]\n',
        encoding="utf-8",
    )
    (finding,) = run_audit(path, engine).findings
    assert (finding.diagnostic.code, finding.cause, finding.computed) == (
        "KR705",
        "na_as_zero",
        "116%",
    )
    assert "gangguan_mental_tertangani" in finding.diagnostic.hint


# --- bad input: located errors, never a traceback -------------------------------------------------

BAD = [
    # (rows, extra top-level text, code, line of the error)
    ('  { where = "T", indicator = "klien_kerja", capaian = "82,09%" },', "", "KR712", 7),
    ('  { where = "T", sasaran = "SK9", capaian = "100%" },', "", "KR712", 7),
    ('  { where = "T", indicator = "klien_bekerja", target = "8O%" },', "", "KR713", 7),
    ('  { where = "T", indicator = "klien_bekerja", status = "hebat" },', "", "KR713", 7),
    ('  { where = "T", indicator = "klien_bekerja", capaian = "1e999%" },', "", "KR713", 7),
    (
        '  { where = "T", indicator = "klien_bekerja", realisasi = "9999999999999%" },',
        "",
        "KR213",
        7,
    ),
    (
        '  { where = "T", indicator = "klien_bekerja", sasaran = "SK1", capaian = "1%" },',
        "",
        "KR714",
        7,
    ),
    ('  { where = "T", indicator = "klien_bekerja" },', "", "KR714", 7),
    ('  { where = "T", sasaran = "SK1", target = "60%" },', "", "KR714", 7),
    ('  { where = "T", overall = false, capaian = "1%" },', "", "KR714", 7),
    (
        '  { where = "T", indicator = "klien_bekerja", year = 2021, capaian = "1%" },',
        "",
        "KR710",
        7,
    ),
    ('  { where = "T", indicator = "klien_bekerja", capaian = nan },', "", "KR212", 7),
    ('  { where = "T", indicator = "klien_bekerja", realisasy = "1%" },', "", "KR201", 7),
    ('  { indicator = "klien_bekerja", capaian = "1%" },', "", "KR202", 7),
    ('  { where = "T", indicator = "klien_bekerja", capaian = true },', "", "KR203", 7),
    (
        '  { where = "T", indicator = "klien_bekerja", renstra = { 1999 = "1%" } },',
        "",
        "KR213",
        7,
    ),
    (
        '  { where = "T", indicator = "klien_bekerja", capaian = "1%" },',
        'weights = [ { score = "smrt", where = "W", printed = { a = "1%" } } ]\n',
        "KR712",
        6,
    ),
    (
        '  { where = "T", indicator = "klien_bekerja", capaian = "1%" },',
        'weights = [ { score = "smart", where = "W", printed = { cro = "1%" } } ]\n',
        "KR712",
        6,
    ),
]


@pytest.mark.parametrize("rows, extra, code, line", BAD)
def test_bad_printed_file_gives_a_located_error(engine, tmp_path, capsys, rows, extra, code, line):
    path = _printed(tmp_path, rows, extra)
    with pytest.raises(KinerjaError) as raised:
        run_audit(path, engine)
    diagnostic = raised.value.diagnostics[0]
    assert diagnostic.code == code, diagnostic.format()
    assert diagnostic.location.file == str(path) and diagnostic.location.line == line
    assert diagnostic.location.col and diagnostic.hint
    assert audit_main(path, "text", False, engine) == 1
    err = capsys.readouterr().err
    assert f"error {code}" in err and "Traceback" not in err


def test_linked_files_are_checked(engine, tmp_path):
    missing = tmp_path / "a.toml"
    missing.write_text(
        'unit = "Bapas Kelas II Lahat"\nunit_type = "bapas"\nyear = 2023\n'
        'data = "nowhere.toml"\nfigure = []\n',
        encoding="utf-8",
    )
    with pytest.raises(KinerjaError) as raised:
        run_audit(missing, engine)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "KR100" and diagnostic.location.line == 4
    assert "nowhere.toml: file not found" in diagnostic.message

    lpka_data = (EXAMPLES / "2022" / "lpka-pangkalpinang.toml").as_posix()
    other = _printed(tmp_path, "", f'budget = "{lpka_data}"\n')
    other.write_text(
        other.read_text(encoding="utf-8").replace(
            f'previous = ["{(EXAMPLES / "2022" / "bapas-lahat.toml").as_posix()}"]',
            f'previous = ["{lpka_data}"]',
        ),
        encoding="utf-8",
    )
    with pytest.raises(KinerjaError) as raised:
        run_audit(other, engine)
    codes = [(d.code, d.location.line) for d in raised.value.diagnostics]
    assert ("KR711", 5) in codes  # previous: another unit
    # budget: a data file, not a budget file (reported in that file, by the budget loader)
    assert any(d.code == "KR103" and d.location.file == lpka_data for d in raised.value.diagnostics)


def test_files_of_another_kind(engine, tmp_path):
    # A printed-figure file given to evaluate, and data given to audit: one KR103 each.
    with pytest.raises(KinerjaError) as raised:
        engine.load_data(BAPAS)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "KR103" and "kinerja-rules audit" in diagnostic.hint
    with pytest.raises(KinerjaError) as raised:
        run_audit(EXAMPLES / "2023" / "bapas-lahat.toml", engine)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "KR103" and "kinerja-rules evaluate" in diagnostic.hint


# --- output -----------------------------------------------------------------------------------


def test_json_output_is_strict_json(lpka):
    def no_constants(name):
        raise ValueError(name)

    data = json.loads(render_audit(lpka, "json"), parse_constant=no_constants)
    assert data["unit"] == "LPKA Kelas II Pangkalpinang" and data["years"] == [2022, 2023]
    assert data["checked"] == lpka.checked
    assert len(data["findings"]) == len(lpka.findings)
    first = data["findings"][0]
    assert {"file", "line", "col", "code", "cause", "table", "printed", "computed"} <= set(first)
    assert first["cause_title"] == CAUSES[first["cause"]][0]


def test_github_and_text_output(bapas):
    lines = render_audit(bapas, "github").splitlines()
    assert len(lines) == len(bapas.findings)
    assert all(line.startswith("::warning file=") and ",line=" in line for line in lines)
    assert "title=KR702" in lines[0] and "111,63%25" in lines[0]  # "%" escaped
    text = render_audit(bapas, "text")
    assert text.splitlines()[-1].startswith("Bapas Kelas II Lahat 2023: ")
    assert "16 finding(s), 5 from the budget file" in text


def test_audit_main_exit_status(engine, tmp_path, capsys):
    assert audit_main(BAPAS, "text", False, engine) == 0
    assert "KR702" in capsys.readouterr().out
    assert audit_main(BAPAS, "json", True, engine) == 1
    json.loads(capsys.readouterr().out)
    clean = _printed(
        tmp_path, '  { where = "T", indicator = "klien_bekerja", capaian = "82,09%" },'
    )
    assert audit_main(clean, "github", True, engine) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "text, value, decimals, unit",
    [
        ("82,09%", "82.09", 2, "%"),
        ("(99,98%)", "99.98", 2, "%"),
        ("100 persen", "100", 0, "%"),
        ("1 Layanan", "1", 0, "Layanan"),
        ("1Layanan", "1", 0, "Layanan"),
        ("54 unit", "54", 0, "unit"),
        ("-", None, 0, None),
    ],
)
def test_printed_figures_are_read_as_printed(text, value, decimals, unit):
    printed = parse_printed(text)
    assert (
        (str(printed.value) if printed.value is not None else None),
        printed.decimals,
        printed.unit,
    ) == (value, decimals, unit)


def test_status_words():
    assert parse_status("sudah tercapai & terlampaui") == "achieved"
    assert parse_status("Keberhasilan") == "achieved"
    assert parse_status("belum tercapai") == "not achieved"
    assert parse_status("tidak dapat tercapai") == "not achieved"
    assert parse_status("Tidak dapat diukur") == "not measurable"
    assert parse_status("hebat") is None


def test_lpka_2022_is_computed_half_up(lpka):
    # indicator_catalog/2022/lpka.toml rounds half up like every other catalogue: the 2022 column's
    # 107 / 142 / 142 are findings, not what the catalogue computes.
    report = lpka.reports[2022]
    assert report.catalogue.policy.rounding == "half_up"
    assert report.indicator("layanan_kesehatan_preventif").capaian.shown == 108
    truncated = [
        f for f in lpka.findings if f.cause == "truncated" and f.diagnostic.code == "KR702"
    ]
    assert [f.printed for f in truncated] == ["107%", "142%", "142%"]
