"""The budget chapter: both seed units' figures recomputed, every printed figure the arithmetic
does not support found and located, composite scores from the score catalogue, and the
invariants of the arithmetic checked with hypothesis. Expected figures are the seeds' or hand
computations shown here."""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_rules import Engine
from kinerja_rules.budget.model import Amounts, BudgetData, Cell, Printed, ScoreInputs
from kinerja_rules.budget.report import evaluate_budget_file
from kinerja_rules.budget.scores import evaluate_scores
from kinerja_rules.budget.table import compute
from kinerja_rules.cli import main
from kinerja_rules.diagnostics import Location
from kinerja_rules.validation import validate

from .conftest import EXAMPLES

LPKA = EXAMPLES / "2023" / "lpka-pangkalpinang-anggaran.toml"
BAPAS = EXAMPLES / "2023" / "bapas-lahat-anggaran.toml"
D = Decimal


@pytest.fixture(scope="module")
def lpka(engine):
    return evaluate_budget_file(LPKA, engine.catalogues)


@pytest.fixture(scope="module")
def bapas(engine):
    return evaluate_budget_file(BAPAS, engine.catalogues)


def line_of(path, marker: str, after: str | None = None) -> int:
    """The line of ``marker`` (the first one after ``after``), found in the file by hand."""
    text = path.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(marker, start)) + 1


# --- LPKA Pangkalpinang 2023 --------------------------------------------------------------------


def test_lpka_totals(lpka):
    # Jenis belanja 2023: 3.355.101.000 + 1.689.679.000 + 24.250.000 = 5.069.030.000 pagu;
    # 3.325.609.449 + 1.671.908.239 + 24.239.070 = 5.021.756.758 realised; 99,0674…% -> 99,07%.
    jenis = lpka.tables.jenis_belanja_totals[2023]
    assert (jenis.pagu, jenis.realisasi, lpka.shown(jenis.persen)) == (
        5_069_030_000,
        5_021_756_758,
        D("99.07"),
    )
    # The realisation table's rows: same realisasi, but a pagu 9.000 short.
    total = lpka.tables.total
    assert (total.pagu, total.realisasi, lpka.shown(total.persen)) == (
        5_069_021_000,
        5_021_756_758,
        D("99.07"),
    )


def test_lpka_every_row_recomputed(lpka):
    rows = {line.key: line for line in lpka.tables.rows}
    # 3.800.000 - 3.762.900 = 37.100; 3.762.900 / 3.800.000 = 99,0236…%
    perangkat = rows["6231.EBB.951.051"]
    assert (perangkat.sisa, lpka.shown(perangkat.persen)) == (37_100, D("99.02"))
    # A parent is the sum of its sub-rows: 1.011.000 + 36.218.000; 1.010.400 + 36.218.000.
    keterampilan = rows["5252.BDC.010"]
    assert (keterampilan.pagu, keterampilan.realisasi, keterampilan.sisa) == (
        37_229_000,
        37_228_400,
        600,
    )
    assert all(line.sisa == line.pagu - line.realisasi for line in lpka.tables.rows)
    assert len(rows) == 34


def test_lpka_every_disagreement_found_and_located(lpka):
    got = sorted((d.code, d.location.line) for d in lpka.findings if d.code != "KR606")
    expected = sorted(
        [
            ("KR602", line_of(LPKA, "sisa = 17642937", 'code = "5252.BDC.004"')),
            ("KR602", line_of(LPKA, "sisa = 17642937", 'code = "5252.BDC.004.005"')),
            ("KR603", line_of(LPKA, 'persen = "99.83%"', 'code = "6231.EBB.951.051"')),
            ("KR604", line_of(LPKA, "pagu = 5069030000", "[total]")),
            ("KR602", line_of(LPKA, "sisa = 47273242", "[total]")),
            ("KR605", line_of(LPKA, "pk_pagu = 5069030000")),
            ("KR607", line_of(LPKA, "pagu = 5069030000", "[jenis_belanja.2023.total]")),
        ]
    )
    assert got == expected
    assert all(d.location.file == str(LPKA) for d in lpka.findings)


def test_lpka_one_cell_explains_six(lpka):
    [explanation] = [d for d in lpka.findings if d.code == "KR606"]
    assert explanation.location.line == line_of(
        LPKA, "pagu = 395787000", 'code = "5252.BDC.004.005"'
    )
    # 395.787.000 + 9.000: every money disagreement above is 9.000.
    assert (
        "the pagu of 5252.BDC.004.005 is Rp 395.787.000; with Rp 395.796.000" in explanation.message
    )
    assert "explains 6 disagreements" in explanation.message
    assert "pagu of 5252.BDC.004 (printed Rp 395.787.000)" in explanation.hint


def test_lpka_ikpa(lpka):
    [ikpa, _] = lpka.scores
    # 10 + 9,064 + 20 + 10 + 10 + 9,471 + 5 + 25 = 98,535 -> 98,54 (the report: 98,54)
    assert ikpa.computed.shown == D("98.54") and ikpa.band == "Sangat Baik"
    assert {k: v.shown for k, v in ikpa.aspects.items()} == {
        "perencanaan": D("95.32"),  # (100 x 10 + 90,64 x 10) / 20
        "pelaksanaan": D("98.94"),  # (100 x 20 + 100 x 10 + 100 x 10 + 94,71 x 10) / 50
        "hasil": D("100.00"),
    }
    assert not [d for d in lpka.findings if d.code == "KR608"]


# --- Bapas Lahat 2023 ----------------------------------------------------------------------------


def test_bapas_per_sasaran(bapas):
    # Tabel III.39: 564.699.000 / 564.845.000 = 99,974%; 3.130.597.033 / 3.168.512.000 = 98,803%;
    # 3.695.296.033 / 3.733.357.000 = 98,981%.
    shown = [bapas.shown(line.persen) for line in bapas.tables.sasaran]
    assert shown == [D("99.97"), D("98.80")]
    assert bapas.shown(bapas.tables.sasaran_total.persen) == D("98.98")


def test_bapas_jenis_belanja_as_printed(bapas):
    printed = {2022: ["96.05", "87.77", "97.34"], 2023: ["99.05", "98.84", "99.67"]}
    for year, values in printed.items():
        assert [bapas.shown(line.persen) for line in bapas.tables.jenis_belanja[year]] == [
            D(v) for v in values
        ]
    assert bapas.shown(bapas.tables.jenis_belanja_totals[2022].persen) == D("92.38")
    assert not [d for d in bapas.findings if d.code in {"KR602", "KR603", "KR604"}]
    # 99,05 - 96,05 = 3,00; 98,84 - 87,77 = 11,07; 99,67 - 97,34 = 2,33 (from the shown figures)
    assert [(c.key, c.points) for c in bapas.changes][:3] == [
        ("pegawai", D("3.00")),
        ("barang", D("11.07")),
        ("modal", D("2.33")),
    ]


def test_bapas_scores(bapas):
    smart, ikpa, composite = bapas.scores
    # NE = 50 + 8,38 / 20 x 50 = 70,95; 0,435 x 99,41 + 0,286 x 70,95 + 0,182 x 97,9 + 0,097 x 91,32
    #    = 43,24335 + 20,2917 + 17,8178 + 8,85804 = 90,21089 -> 90,21
    assert smart.computed.exact == D("90.21089") and smart.computed.shown == D("90.21")
    assert {k: v.shown for k, v in ikpa.aspects.items()} == {
        "perencanaan": D("91.87"),  # (100 x 10 + 83,74 x 10) / 20
        "pelaksanaan": D("98.80"),  # (100 x 20 + 94 x 10 + 100 x 10 + 100 x 10) / 50
        "hasil": D("100.00"),
    }
    # 60% x 90,21 + 40% x 98,00 (the reported values) = 54,126 + 39,2 = 93,326 -> 93,33
    assert composite.computed.exact == D("93.326") and composite.computed.shown == D("93.33")
    flagged = [
        d for d in bapas.findings if d.code == "KR608" and "capaian_kinerja_anggaran" in d.message
    ]
    assert len(flagged) == 1 and "printed 93,81" in flagged[0].message
    assert flagged[0].location.line == line_of(BAPAS, "reported = 93.81")


def test_bapas_ikpa_printed_figures_checked(bapas):
    messages = [d.message for d in bapas.findings if d.code == "KR608"]
    # 10 x 100 + 10 x 83,74 + 20 x 100 + 10 x 94 + 10 x 100 + 10 x 100 + 5 x 100 + 25 x 100 = 9777,4
    assert any("ikpa is printed 98,00, but its components give 97,77" in m for m in messages)
    assert any("total (before re-normalisation) is printed 97,80" in m for m in messages)
    assert any(
        "belanja_kontraktual (weight × value / 100) is printed 94,40, but its components give 9,40"
        in m
        for m in messages
    )


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_budget_json_and_strict(capsys):
    assert main(["budget", str(BAPAS), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [s["computed"] for s in report["scores"]] == [90.21, 97.77, 93.33]
    assert report["scores"][2]["reported"] == 93.81
    assert [c["points"] for c in report["changes"]][:3] == [3.0, 11.07, 2.33]
    assert {f["code"] for f in report["findings"]} == {"KR605", "KR608"}
    assert main(["budget", str(BAPAS), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "Capaian Kinerja Anggaran: dihitung 93,33; dilaporkan 93,81" in out
    assert "+11,07" in out


def test_cli_budget_bad_input(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        BAPAS.read_text(encoding="utf-8").replace("pagu = 564845000", "pagu = -5"), encoding="utf-8"
    )
    assert main(["budget", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:{line_of(bad, 'pagu = -5')}:8: error KR204" in err


# --- score catalogues ----------------------------------------------------------------------

SCORES = """\
year = 2031
title = "Uji"
[[score]]
id = "a"
name = "A"
[[score.component]]
id = "x"
weight = 50
[[score.component]]
id = "b"
score = "{ref}"
weight = 50
[[score]]
id = "b"
name = "B"
[[score.component]]
id = "a"
score = "a"
weight = 100
"""


@pytest.mark.parametrize(
    "ref, code, fragment", [("b", "KR610", "a → b → a"), ("bb", "KR609", "'bb' is not declared")]
)
def test_score_catalogue_errors(tmp_path, ref, code, fragment):
    path = tmp_path / "anggaran.toml"
    path.write_text(SCORES.replace("{ref}", ref), encoding="utf-8")
    result = validate([path], entry_points=False, invariants=None)
    [diagnostic] = [d for d in result.diagnostics if d.code == code]
    assert fragment in diagnostic.message and result.exit_code() == 1


def test_bands_overlap_and_inclusiveness(tmp_path, engine):
    ikpa = engine.catalogues.scores[2023].score("ikpa")
    category = {
        value: next(b.name for b in ikpa.bands if b.contains(D(value)))
        for value in ("95", "94.99", "89", "88.99", "70", "69.99", "100")
    }
    assert category == {
        "95": "Sangat Baik",
        "94.99": "Baik",
        "89": "Baik",
        "88.99": "Cukup",
        "70": "Cukup",
        "69.99": "Kurang",
        "100": "Sangat Baik",
    }
    text = (
        SCORES.replace("{ref}", "x2").replace('score = "x2"\n', "")
        + '[[score.band]]\nname = "Baik"\nfrom = 89\nto = 95\nto_inclusive = true\n'
        + '[[score.band]]\nname = "Sangat Baik"\nfrom = 95\n'
    )
    path = tmp_path / "anggaran.toml"
    path.write_text(text, encoding="utf-8")
    result = validate([path], entry_points=False, invariants=None)
    assert any(
        d.code == "KR611" and "'Baik' and 'Sangat Baik'" in d.message for d in result.diagnostics
    )


# --- properties ----------------------------------------------------------------------------

MONEY = st.integers(min_value=0, max_value=10**12)


@st.composite
def budget_trees(draw):
    """A random realisation table: top rows, some with sub-rows, leaves with pagu >= realisasi."""
    rows = []
    for top in range(draw(st.integers(1, 4))):
        code = f"5252.BDC.{top:03}"
        leaves = draw(st.integers(0, 3))
        amounts = []
        for sub in range(leaves):
            pagu = draw(MONEY)
            spent = draw(st.integers(0, pagu))
            amounts.append((f"{code}.{sub:03}", pagu, spent))
        if not amounts:
            pagu = draw(MONEY)
            amounts = [(code, pagu, draw(st.integers(0, pagu)))]
        else:
            rows.append((code, sum(a[1] for a in amounts), sum(a[2] for a in amounts)))
        rows.extend(amounts)
    return rows


def budget_of(rows) -> BudgetData:
    where = Location("uji.toml")
    return BudgetData(
        "uji",
        "lpka",
        2023,
        "uji.toml",
        tuple(
            Amounts(code, code, Cell(pagu, where), Cell(spent, where), None, None, where)
            for code, pagu, spent in rows
        ),
        Printed(),
        None,
        {},
        {},
        (),
        Printed(),
        {},
    )


@given(rows=budget_trees())
def test_sisa_plus_realisasi_is_pagu_for_every_row(rows):
    tables = compute(budget_of(rows))
    lines = {line.key: line for line in tables.rows}
    for line in (*tables.rows, tables.total):
        assert line.sisa + line.realisasi == line.pagu
    for code, line in lines.items():
        children = [c for c in lines if c.startswith(code + ".")]
        if children:  # a parent's sisa is its sub-rows' sisa added up
            assert line.sisa == sum(lines[c].sisa for c in children)
    assert not tables.disagreements  # the generated parents carry the right sums


@given(rows=budget_trees(), pagu=MONEY, data=st.data())
def test_adding_a_child_changes_parent_and_total_by_its_amount(rows, pagu, data):
    parents = [code for code, *_ in rows if any(other.startswith(code + ".") for other, *_ in rows)]
    if not parents:
        return
    parent = data.draw(st.sampled_from(parents))
    spent = data.draw(st.integers(0, pagu))
    before = compute(budget_of(rows))
    after = compute(budget_of([*rows, (f"{parent}.999", pagu, spent)]))
    old = {line.key: line for line in before.rows}
    new = {line.key: line for line in after.rows}
    assert new[parent].pagu - old[parent].pagu == pagu
    assert new[parent].realisasi - old[parent].realisasi == spent
    assert after.total.pagu - before.total.pagu == pagu
    assert after.total.realisasi - before.total.realisasi == spent
    assert all(new[k] == old[k] for k in old if k != parent and not parent.startswith(k + "."))


VALUES = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def ikpa_inputs(values, not_applicable=frozenset()):
    where = Location("uji.toml")
    return {
        "ikpa": ScoreInputs(
            "ikpa",
            {k: (v, where) for k, v in values.items()},
            frozenset(not_applicable),
            None,
            None,
            {},
            {},
            where,
        )
    }


@functools.lru_cache(maxsize=1)
def scores_2023():
    """The bundled 2023 score catalogue (not a fixture: hypothesis would print it on failure)."""
    return Engine.create(entry_points=False).catalogues.scores[2023]


def ikpa_of(results):
    return next(r for r in results if r.score.id == "ikpa")


@given(data=st.data())
def test_renormalised_ikpa_stays_within_0_100(data):
    catalogue = scores_2023()
    ids = [c.id for c in catalogue.score("ikpa").components]
    values = {i: data.draw(VALUES) for i in ids}
    excluded = data.draw(st.sets(st.sampled_from(ids), max_size=len(ids) - 1))
    results, _ = evaluate_scores(catalogue, ikpa_inputs(values, excluded))
    assert 0 <= ikpa_of(results).computed.exact <= 100


@given(data=st.data())
def test_ikpa_with_every_component_is_the_plain_weighted_sum(data):
    catalogue = scores_2023()
    weights = {
        "revisi_dipa": 10,
        "deviasi_halaman_iii": 10,
        "penyerapan_anggaran": 20,
        "belanja_kontraktual": 10,
        "penyelesaian_tagihan": 10,
        "pengelolaan_up_tup": 10,
        "dispensasi_spm": 5,
        "capaian_output": 25,
    }
    values = {i: data.draw(VALUES) for i in weights}
    results, _ = evaluate_scores(catalogue, ikpa_inputs(values))
    ikpa = ikpa_of(results)
    assert (
        Fraction(ikpa.computed.exact)
        == sum(Fraction(weights[i]) * Fraction(v) for i, v in values.items()) / 100
    )
    assert ikpa.conversion == 1


def test_ikpa_renormalises_over_the_components_that_apply():
    values = {
        "revisi_dipa": D(100),
        "deviasi_halaman_iii": D(80),
        "penyerapan_anggaran": D(100),
        "belanja_kontraktual": D(0),
        "penyelesaian_tagihan": D(100),
        "pengelolaan_up_tup": D(100),
        "dispensasi_spm": D(100),
        "capaian_output": D(100),
    }
    results, _ = evaluate_scores(scores_2023(), ikpa_inputs(values, {"belanja_kontraktual"}))
    ikpa = ikpa_of(results)
    # Without Belanja Kontraktual (weight 10) the weights add up to 90:
    # (10 x 100 + 10 x 80 + 20 x 100 + 10 x 100 + 10 x 100 + 5 x 100 + 25 x 100) / 90 = 8800 / 90
    assert Fraction(ikpa.computed.exact).limit_denominator(1000) == Fraction(8800, 90)
    assert ikpa.computed.shown == D("97.78") and ikpa.conversion == D("0.9")
    # The pelaksanaan aspect without it: (20 x 100 + 10 x 100 + 10 x 100) / 40 = 100
    assert ikpa.aspects["pelaksanaan"].shown == D("100.00")


def test_cli_budget_table_shows_the_printed_total_beside_the_rows_sum(capsys):
    assert main(["budget", str(LPKA)]) == 0
    out = capsys.readouterr().out
    computed = next(row for row in out.splitlines() if row.startswith("│ JUMLAH  "))
    printed = next(row for row in out.splitlines() if row.startswith("│ JUMLAH (dicetak)"))
    assert "5.069.021.000" in computed and "99,07%" in computed
    assert "5.069.030.000" in printed and "5.021.756.758" in printed and "99.07 %" in printed
    assert "Realisasi per Jenis Belanja" in out and "-0,86" in out  # 99,12 - 99,98


def test_cli_budget_misspelt_score_key(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    text = BAPAS.read_text(encoding="utf-8").replace(
        "[scores.ikpa.printed]", "[scores.ikpa.printd]"
    )
    bad.write_text(text, encoding="utf-8")
    assert main(["budget", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:{line_of(bad, '[scores.ikpa.printd]')}:1: error KR201" in err
    assert "did you mean 'printed'?" in err
