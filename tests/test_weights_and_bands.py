"""Weights, the one roll-up and capaian bands, declared in a catalogue with no code.

Every expected figure is computed by hand in the test from the figures it writes.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from kinerja_rules import Engine, KinerjaError, Status

from .conftest import engine_with
from .conftest import evaluate_entries as evaluate

HEADER = textwrap.dedent(
    """\
    year = 2024
    unit_type = "uji"
    title = "Uji bobot"
    {policy}

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran satu"
    weight = 3

    [[sasaran]]
    id = "S2"
    level = "kegiatan"
    name = "Sasaran dua"
    weight = 1
    {bands}
    """
)

INDICATOR = textwrap.dedent(
    """
    [[indicator]]
    id = "{id}"
    sasaran = "{sasaran}"
    level = "IKK"
    name = "Persentase {id}"
    unit = "%"
    formula = "A / B * 100"
    target = 100
    weight = {weight}
    inputs = {{ A = "bagian", B = "keseluruhan" }}
    """
)


def engine_for(tmp_path, policy: str = "", bands: str = "", indicators=None) -> Engine:
    indicators = indicators or [("satu", "S1", 2), ("dua", "S1", 1), ("tiga", "S2", 1)]
    text = HEADER.format(policy=policy, bands=bands) + "".join(
        INDICATOR.format(id=i, sasaran=s, weight=w) for i, s, w in indicators
    )
    return engine_with(tmp_path, text)


def test_a_weighted_sasaran_and_its_renormalisation(tmp_path):
    engine = engine_for(tmp_path)
    # satu: 90 / 100 = 90% of a 100% target, capaian 90; dua: 120 / 100, capaian 120.
    report = evaluate(tmp_path, engine, {"satu": "A = 90\nB = 100", "dua": "A = 120\nB = 100"})
    s1 = report.sasaran[0]
    # (2 × 90 + 1 × 120) / (2 + 1) = 300 / 3 = 100
    assert s1.capaian.exact == Decimal(100)
    assert s1.status is Status.TERCAPAI
    # dua not measured: the weights re-normalise over satu alone, 2 × 90 / 2 = 90
    report = evaluate(
        tmp_path, engine, {"satu": "A = 90\nB = 100", "dua": 'not_measured = "tidak ada data"'}
    )
    assert report.sasaran[0].capaian.exact == Decimal(90)
    assert (report.sasaran[0].measured, report.sasaran[0].total) == (1, 2)


def test_legacy_zero_counts_an_unmeasured_indicator_with_its_weight(tmp_path):
    engine = engine_for(tmp_path, policy='[policy]\nnot_applicable = "zero"')
    report = evaluate(
        tmp_path, engine, {"satu": "A = 90\nB = 100", "dua": 'not_measured = "tidak ada data"'}
    )
    # (2 × 90 + 1 × 0) / 3 = 60
    assert report.sasaran[0].capaian.exact == Decimal(60)


def test_overall_over_indicators_or_over_sasaran(tmp_path):
    indicators = [("satu", "S1", 2), ("dua", "S1", 1), ("tiga", "S2", 2)]
    entries = {"satu": "A = 90\nB = 100", "dua": "A = 120\nB = 100", "tiga": "A = 20\nB = 100"}
    report = evaluate(tmp_path, engine_for(tmp_path, indicators=indicators), entries)
    # Over indicators, with their weights: (2 × 90 + 1 × 120 + 2 × 20) / 5 = 340 / 5 = 68
    assert report.overall.exact == Decimal(68)
    sasaran = engine_for(tmp_path, policy='[policy]\noverall = "sasaran"', indicators=indicators)
    report = evaluate(tmp_path, sasaran, entries)
    # Over sasaran: S1 = (180 + 120) / 3 = 100, S2 = 20; sasaran weights 3 and 1:
    # (3 × 100 + 1 × 20) / 4 = 320 / 4 = 80
    assert [s.capaian.exact for s in report.sasaran] == [Decimal(100), Decimal(20)]
    assert report.overall.exact == Decimal(80)


COLOURS = textwrap.dedent(
    """
    [[band]]
    name = "merah"
    to = 70
    achieved = false

    [[band]]
    name = "kuning"
    from = 70
    to = 90
    to_inclusive = true
    achieved = false

    [[band]]
    name = "hijau"
    from = 90
    from_inclusive = false
    achieved = true
    """
)


@pytest.mark.parametrize(
    "a, category, status",
    [
        ("69.99", "merah", Status.TIDAK_TERCAPAI),  # below 70, exclusive
        ("70.00", "kuning", Status.TIDAK_TERCAPAI),  # 70 belongs to kuning
        ("90.00", "kuning", Status.TIDAK_TERCAPAI),  # 90 too (to_inclusive)
        ("90.01", "hijau", Status.TERCAPAI),  # above 90: hijau, declared achieved
    ],
)
def test_capaian_bands_are_the_status(tmp_path, a, category, status):
    engine = engine_for(tmp_path, bands=COLOURS, indicators=[("satu", "S1", 1)])
    # A of 10 000 against a target of 100%: realisasi = A / 100 %, and so is capaian.
    count = a.replace(".", "")
    result = evaluate(tmp_path, engine, {"satu": f"A = {count}\nB = 10000"}).indicator("satu")
    assert result.capaian.exact == Decimal(a)
    assert (result.category, result.status) == (category, status)


def test_status_on_the_shown_capaian(tmp_path):
    # 9 996 of 10 000 against a 100% target: capaian 99,96% exact, shown 100 at 0 decimals —
    # tidak tercapai on the exact figure, tercapai when the policy judges the shown one.
    indicators = [("satu", "S1", 1)]
    exact = engine_for(tmp_path, policy="[policy]\ndecimals = 0", indicators=indicators)
    entry = {"satu": "A = 9996\nB = 10000"}
    result = evaluate(tmp_path, exact, entry).indicator("satu")
    assert result.capaian.shown == Decimal(100) and result.status is Status.TIDAK_TERCAPAI
    shown = engine_for(
        tmp_path, policy='[policy]\ndecimals = 0\nstatus_from = "shown"', indicators=indicators
    )
    result = evaluate(tmp_path, shown, entry).indicator("satu")
    assert result.status is Status.TERCAPAI and result.category == "tercapai"


def test_overlapping_bands_are_refused_located(tmp_path):
    bands = '\n[[band]]\nname = "a"\nto = 80\n\n[[band]]\nname = "b"\nfrom = 70\n'
    with pytest.raises(KinerjaError) as caught:
        engine_for(tmp_path, bands=bands)
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == "KR611" and "'a' and 'b' overlap" in diagnostic.message
    assert diagnostic.location.line is not None


def test_every_output_shows_the_band(tmp_path):
    import csv
    import io
    import json

    from kinerja_rules.render import render

    engine = engine_for(tmp_path, bands=COLOURS, indicators=[("satu", "S1", 1)])
    report = evaluate(tmp_path, engine, {"satu": "A = 95\nB = 100"})  # capaian 95: hijau
    assert json.loads(render(report, "json"))["indicators"][0]["category"] == "hijau"
    [row] = [r for r in csv.DictReader(io.StringIO(render(report, "csv"))) if r["id"] == "satu"]
    assert row["category"] == "hijau" and row["status"] == "tercapai"
    assert "hijau" in render(report, "table") and "hijau" in render(report, "markdown", "en")
