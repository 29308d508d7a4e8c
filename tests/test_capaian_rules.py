"""Capaian rules as the regulations state them, declared per catalogue and per indicator.

PermenPANRB: higher is better ``R / T``; lower is better ("kondisi khusus") ``(2T − R) / T``; a
range target uses its upper bound when the realisation is above it and its lower bound when
below. The expected figures are the regulation's own examples, recomputed in each test.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from kinerja_rules import KinerjaError, Status
from kinerja_rules.render import explain, render

from .conftest import engine_with, evaluate_entries

HEADER = textwrap.dedent(
    """\
    year = 2024
    unit_type = "uji"
    title = "Uji capaian"
    {policy}

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran uji"
    """
)


def indicator(indicator_id: str, unit: str, target: str, extra: str = "") -> str:
    return textwrap.dedent(
        f"""
        [[indicator]]
        id = "{indicator_id}"
        sasaran = "S1"
        level = "IKK"
        name = "Indikator {indicator_id}"
        unit = "{unit}"
        formula = "N"
        target = {target}
        inputs = {{ N = {{ description = "nilai", kind = "number" }} }}
        """
    ) + textwrap.dedent(extra)


def evaluate(tmp_path, indicators: str, realisasi: dict[str, str], policy: str = ""):
    engine = engine_with(tmp_path, HEADER.format(policy=policy) + indicators)
    entries = {key: f"realisasi = {value}" for key, value in realisasi.items()}
    return evaluate_entries(tmp_path, engine, entries)


@pytest.mark.parametrize(
    "realisasi, capaian, branch",
    [
        ("92", "102.22", "above"),  # 92 / 90 × 100 = 102,222…  (the regulation prints 113%)
        ("70", "87.50", "below"),  # 70 / 80 × 100 = 87,5
        ("85", "100.00", "inside"),  # inside 80–90: the declared value, 100 by default
        ("90", "100.00", "inside"),  # the bounds belong to the range
    ],
)
def test_a_range_target_higher_is_better(tmp_path, realisasi, capaian, branch):
    report = evaluate(tmp_path, indicator("rentang", "%", '"80-90%"'), {"rentang": realisasi})
    result = report.indicator("rentang")
    assert result.capaian.shown == Decimal(capaian)
    assert result.derivation.capaian_branch == branch
    assert result.target.lower == 80 and result.target.upper == 90


@pytest.mark.parametrize(
    "realisasi, capaian",
    [
        ("6.5", "107.14"),  # below 7–8: T = 7, (2 × 7 − 6,5) / 7 × 100 = 7,5 / 7 × 100 = 107,142…
        ("9", "87.50"),  # above: T = 8, (2 × 8 − 9) / 8 × 100 = 7 / 8 × 100 = 87,5
    ],
)
def test_a_range_target_lower_is_better(tmp_path, realisasi, capaian):
    extra = 'polarity = "lower"\n'
    text = indicator("bulan", "bulan", "{ min = 7, max = 8 }", extra)
    result = evaluate(tmp_path, text, {"bulan": realisasi}).indicator("bulan")
    assert result.capaian.shown == Decimal(capaian)


def test_the_derivation_names_the_bound_taken(tmp_path):
    report = evaluate(tmp_path, indicator("rentang", "%", '"80-90%"'), {"rentang": "92"})
    text = explain(report.indicator("rentang"))
    assert "Target: 80–90%" in text
    assert "Capaian: realisasi / target × 100% = 92,00 / 90 × 100% = 102,22%" in text
    assert "(di atas rentang target 80–90: T = batas atas)" in text
    inside = evaluate(tmp_path, indicator("rentang", "%", '"80-90%"'), {"rentang": "85"})
    assert "Capaian: 100,00% (di dalam rentang target 80–90)" in explain(
        inside.indicator("rentang")
    )


def test_zero_escapes_against_a_zero_target_count_in_the_sasaran(tmp_path):
    policy = "[policy]\nzero_target = { met = 100, missed = 0 }"
    text = indicator("pelarian", "Kejadian", "0", 'polarity = "lower"\n') + indicator(
        "makanan", "%", "80"
    )
    report = evaluate(tmp_path, text, {"pelarian": "0", "makanan": "100"}, policy)
    escapes = report.indicator("pelarian")
    assert escapes.capaian.exact == Decimal(100) and escapes.status is Status.TERCAPAI
    assert escapes.derivation.capaian_branch == "zero_met"
    # Counted in its sasaran: (100 + 100 / 80 × 100) / 2 = (100 + 125) / 2 = 112,5
    assert report.sasaran[0].capaian.exact == Decimal("112.5")
    one_escape = evaluate(tmp_path, text, {"pelarian": "1", "makanan": "100"}, policy)
    assert one_escape.indicator("pelarian").capaian.exact == Decimal(0)


def test_a_zero_target_without_a_declared_rule_is_not_measurable(tmp_path):
    text = indicator("pelarian", "Kejadian", "0", 'polarity = "lower"\n')
    result = evaluate(tmp_path, text, {"pelarian": "0"}).indicator("pelarian")
    assert result.capaian is None and "pembagian dengan nol" in result.na_reason


def test_occupancy_with_a_floor(tmp_path):
    text = indicator("hunian", "%", "180", 'polarity = "lower"\n')
    # (2 × 180 − 400) / 180 × 100 = −40 / 180 × 100 = −22,22…
    plain = evaluate(tmp_path, text, {"hunian": "400"}).indicator("hunian")
    assert plain.capaian.shown == Decimal("-22.22")
    floored = evaluate(tmp_path, text, {"hunian": "400"}, "[policy]\ncapaian_floor = 0")
    result = floored.indicator("hunian")
    assert result.capaian.exact == Decimal(0) and result.derivation.floored
    assert "(dibatasi batas bawah capaian)" in explain(result)


def test_an_indicator_names_its_own_rule(tmp_path):
    extra = 'polarity = "lower"\ncapaian = "lower_ratio"\ncapaian_cap = 120\n'
    text = indicator("rasio", "%", "180", extra) + indicator(
        "bebas", "%", "50", 'capaian = "min(R / T * 100, 110)"\n'
    )
    report = evaluate(tmp_path, text, {"rasio": "200", "bebas": "80"})
    # T / R × 100 = 180 / 200 × 100 = 90
    assert report.indicator("rasio").capaian.exact == Decimal(90)
    # its cap: 180 / 120 × 100 = 150, capped at 120
    report = evaluate(tmp_path, text, {"rasio": "120", "bebas": "80"})
    assert report.indicator("rasio").capaian.exact == Decimal(120)
    # min(80 / 50 × 100, 110) = min(160, 110) = 110
    assert report.indicator("bebas").capaian.exact == Decimal(110)


def test_every_output_writes_a_range(tmp_path):
    import json

    report = evaluate(tmp_path, indicator("rentang", "%", '"80-90%"'), {"rentang": "92"})
    assert json.loads(render(report, "json"))["indicators"][0]["target"] == {"min": 80, "max": 90}
    assert ",80-90," in render(report, "csv")
    assert "80–90%" in render(report, "table")


@pytest.mark.parametrize(
    "target, code",
    [('"90-80%"', "KR204"), ("{ min = 90, max = 80 }", "KR204"), ("{ min = 80 }", "KR202")],
)
def test_a_bad_range_is_refused_located(tmp_path, target, code):
    with pytest.raises(KinerjaError) as caught:
        evaluate(tmp_path, indicator("rentang", "%", target), {"rentang": "85"})
    assert code in {d.code for d in caught.value.diagnostics}
    assert all(d.location.line for d in caught.value.diagnostics)
