"""Composite indicators: an input taken from another indicator's result, declared in TOML.

Expected figures are computed by hand in each test.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from kinerja_rules import Engine, KinerjaError, Status
from kinerja_rules.render import explain

from .conftest import engine_with
from .conftest import evaluate_entries as evaluate

HEADER = textwrap.dedent(
    """\
    year = 2024
    unit_type = "uji"
    title = "Uji komposit"

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran uji"
    """
)


def ratio(indicator_id: str, target: int) -> str:
    return textwrap.dedent(
        f"""
        [[indicator]]
        id = "{indicator_id}"
        sasaran = "S1"
        level = "IKK"
        name = "Persentase {indicator_id}"
        unit = "%"
        formula = "A / B * 100"
        target = {target}
        inputs = {{ A = "bagian", B = "keseluruhan" }}
        """
    )


COMPOSITE = textwrap.dedent(
    """
    [[indicator]]
    id = "gabungan"
    sasaran = "S1"
    level = "IKK"
    name = "Indeks gabungan layanan"
    unit = "%"
    formula = "(K + M) / 2"
    target = 100
    [indicator.inputs]
    K = { from = "kesehatan.capaian" }
    M = { from = "makanan.capaian", description = "capaian layanan makanan" }
    """
)


def engine_for(tmp_path, text: str) -> Engine:
    return engine_with(tmp_path, HEADER + text)


def test_a_composite_evaluates_after_the_indicators_it_uses(tmp_path):
    # The composite is written first: evaluation order follows the references, not the file.
    engine = engine_for(tmp_path, COMPOSITE + ratio("kesehatan", 80) + ratio("makanan", 90))
    report = evaluate(
        tmp_path, engine, {"kesehatan": "A = 72\nB = 100", "makanan": "A = 90\nB = 100"}
    )
    # kesehatan: 72% of 80 → capaian 90; makanan: 90% of 90 → 100; gabungan = (90 + 100) / 2 = 95
    # against a target of 100 → capaian 95.
    result = report.indicator("gabungan")
    assert result.realisasi.exact == Decimal(95) and result.capaian.exact == Decimal(95)
    assert result.derivation.inputs == {"K": Decimal(90), "M": Decimal(100)}
    text = explain(result)
    assert "K = 90: capaian kesehatan" in text and "M = 100: capaian layanan makanan" in text
    assert "(K + M) / 2 = (90 + 100) / 2 = 95,00%" in text


def test_an_unmeasurable_source_makes_the_composite_unmeasurable_with_the_reason(tmp_path):
    engine = engine_for(tmp_path, COMPOSITE + ratio("kesehatan", 80) + ratio("makanan", 90))
    report = evaluate(
        tmp_path,
        engine,
        {"kesehatan": 'not_measured = "tidak ada data"', "makanan": "A = 90\nB = 100"},
    )
    result = report.indicator("gabungan")
    assert result.status is Status.TIDAK_DAPAT_DIUKUR
    assert result.na_reason == "K (capaian kesehatan) tidak dapat diukur: tidak ada data"


def test_the_data_cannot_give_a_derived_input(tmp_path):
    engine = engine_for(tmp_path, COMPOSITE + ratio("kesehatan", 80) + ratio("makanan", 90))
    with pytest.raises(KinerjaError) as caught:
        evaluate(
            tmp_path,
            engine,
            {"kesehatan": "A = 1\nB = 1", "makanan": "A = 1\nB = 1", "gabungan": "K = 5"},
        )
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == "KR406" and "is the capaian of kesehatan" in diagnostic.message


def test_an_unknown_source_is_refused_located(tmp_path):
    with pytest.raises(KinerjaError) as caught:
        engine_for(tmp_path, COMPOSITE + ratio("kesehatan", 80))
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == "KR217"
    assert "'makanan', which is not an indicator of this catalogue" in diagnostic.message
    assert diagnostic.location.field == "indicator[0].inputs.M"


def test_a_cycle_is_refused_with_the_whole_circle_at_its_line(tmp_path):
    text = textwrap.dedent(
        """
        [[indicator]]
        id = "a"
        sasaran = "S1"
        level = "IKK"
        name = "A"
        unit = "%"
        formula = "X"
        target = 100
        inputs = { X = { from = "b.capaian" } }

        [[indicator]]
        id = "b"
        sasaran = "S1"
        level = "IKK"
        name = "B"
        unit = "%"
        formula = "Y"
        target = 100
        inputs = { Y = { from = "c.realisasi" } }

        [[indicator]]
        id = "c"
        sasaran = "S1"
        level = "IKK"
        name = "C"
        unit = "%"
        formula = "Z"
        target = 100
        inputs = { Z = { from = "a.capaian" } }
        """
    )
    with pytest.raises(KinerjaError) as caught:
        engine_for(tmp_path, text)
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == "KR218"
    assert "a → b → c → a" in diagnostic.message
    line = (HEADER + text).splitlines().index('inputs = { X = { from = "b.capaian" } }') + 1
    assert diagnostic.location.line == line
