"""The tutorial's illustrative Lapas catalogue and Bapas Litmas extension (``examples/tutorial``):
written in TOML only, they validate cleanly and give the hand-computed figures below."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja_rules.engine import Engine
from kinerja_rules.results import Status
from kinerja_rules.validation import validate
from kinerja_rules.verification import InvariantRun

from .conftest import EXAMPLES

TUTORIAL = EXAMPLES / "tutorial"
D = Decimal


@pytest.fixture(scope="module")
def engine():
    return Engine.create([TUTORIAL / "katalog"], entry_points=False)


def _report(engine, name):
    return engine.evaluate_file(TUTORIAL / "data" / "2024" / f"{name}.toml")


def _sasaran(report, sasaran_id):
    return next(s for s in report.sasaran if s.sasaran.id == sasaran_id)


def _capaian(report, indicator_id):
    return report.indicator(indicator_id).capaian.exact


def test_the_tutorial_catalogues_validate_without_a_warning():
    result = validate(
        [TUTORIAL / "katalog"], entry_points=False, invariants=InvariantRun(max_examples=25)
    )
    assert result.diagnostics == (), [d.format() for d in result.diagnostics]
    assert result.catalogues == 2  # lapas 2024, and bapas 2024 with its extension


def test_lapas_a_range_above_floor_zero_escapes_and_zero_denominator(engine):
    report = _report(engine, "lapas-contoh-a")
    assert not report.findings
    # 1840 / 2000 = 92%, above 80–90: 92 / 90 × 100
    assert _capaian(report, "pembinaan_kepribadian") == pytest.approx(D(92) / D(90) * 100)
    # 5200 / 400 = 13 days, inside 10–14: 100 (range_inside)
    assert _capaian(report, "waktu_usulan_integrasi") == 100
    # 2000 / 500 = 400% against 180: (360 − 400) / 180 < 0, floored at 0
    hunian = report.indicator("tingkat_hunian")
    assert hunian.realisasi.exact == 400 and hunian.capaian.exact == 0
    assert hunian.category == "merah"
    # 0 escapes against a target of 0: zero_target.met = 100, counted in SK3
    assert _capaian(report, "kejadian_pelarian") == 100
    assert report.indicator("penyakit_menular_tertangani").status is Status.TIDAK_DAPAT_DIUKUR
    # SK1 over the two measured: makanan 1085/1098 / 95, kesehatan 1710/2000 / 90
    makanan = D(1085) / D(1098) * 100 / 95 * 100
    kesehatan = D(1710) / D(2000) * 100 / 90 * 100
    assert _sasaran(report, "SK1").capaian.exact == pytest.approx((makanan + kesehatan) / 2)
    assert _sasaran(report, "SK1").capaian.shown == D("99.51")
    # The composite: mean of the capaian of pembinaan (102,22…), rehabilitasi (68/80 = 85% of 85
    # → 100) and pelatihan (300/2000 = 15% of 20 → 75).
    pembinaan = D(92) / D(90) * 100
    indeks = (pembinaan + 100 + 75) / 3
    assert report.indicator("indeks_pembinaan").realisasi.exact == pytest.approx(indeks)
    # SK2, weights 1,1,2,1,1,1 (pelatihan counts twice): pembinaan, rehab, pelatihan, integrasi
    # 380/400 = 95% of 95 → 100, waktu 100, indeks.
    sk2 = (pembinaan + 100 + 2 * 75 + 100 + 100 + indeks) / 7
    assert _sasaran(report, "SK2").capaian.exact == pytest.approx(sk2)
    assert _sasaran(report, "SK2").capaian.shown == D("92.09")


def test_lapas_b_range_below_lower_range_beaten_and_one_escape(engine):
    report = _report(engine, "lapas-contoh-b")
    # 350 / 500 = 70%, below 80–90: 70 / 80 × 100 = 87,5
    assert _capaian(report, "pembinaan_kepribadian") == D("87.5")
    # 13 / 2 = 6,5 days, below 10–14, lower is better: (2 × 10 − 6,5) / 10 × 100 = 135
    assert _capaian(report, "waktu_usulan_integrasi") == 135
    # one escape against a target of 0: zero_target.missed = 0
    assert _capaian(report, "kejadian_pelarian") == 0
    # 750 / 500 = 150% against 180: (360 − 150) / 180 × 100 = 116,67
    assert report.indicator("tingkat_hunian").capaian.shown == D("116.67")
    kamtib = report.indicator("gangguan_kamtib_dicegah")
    assert kamtib.status is Status.TIDAK_DAPAT_DIUKUR
    # SK3 over the three measured: hunian, pelarian 0, penggeledahan 24/24 = 100
    sk3 = (D(210) / D(180) * 100 + 0 + 100) / 3
    assert _sasaran(report, "SK3").capaian.exact == pytest.approx(sk3)


def test_bapas_with_the_litmas_extension(engine):
    report = _report(engine, "bapas-contoh")
    assert report.catalogue.policy.decimals == 2  # the installed Bapas policy
    # 170 / 200 = 85%, inside 80–90: 100
    assert _capaian(report, "litmas_tepat_waktu") == 100
    # 12 / 400 = 3% against 5%, lower is better: (10 − 3) / 5 × 100 = 140
    assert _capaian(report, "klien_melanggar_syarat") == 140
    # SK1: klien bekerja 640/1250 = 51,2% of 60, Anak 80/150 of 55, klien Anak N/A, litmas,
    # melanggar.
    bekerja = D(640) / D(1250) * 100 / 60 * 100
    anak = D(80) / D(150) * 100 / 55 * 100
    sk1 = (bekerja + anak + 100 + 140) / 4
    assert _sasaran(report, "SK1").capaian.exact == pytest.approx(sk1)
    ids = [r.indicator.id for r in report.indicators]
    assert ids.index("klien_melanggar_syarat") < ids.index("dokumen_rencana_kerja")


def test_explain_shows_the_floored_figure_the_band_and_cut_composite_inputs(capsys):
    from kinerja_rules.cli import main

    data = str(TUTORIAL / "data" / "2024" / "lapas-contoh-a.toml")
    catalog = ["--catalog", str(TUTORIAL / "katalog")]
    assert main(["explain", "tingkat_hunian", data, *catalog]) == 0
    text = capsys.readouterr()[0]
    # (2 × 180 − 400) / 180 × 100 = −22,2222…, replaced by the floor 0
    assert "= -22,2222…% → 0,00% (dibatasi batas bawah capaian)" in text
    assert "Status: merah (tidak tercapai)" in text
    assert main(["explain", "indeks_pembinaan", data, *catalog]) == 0
    text = capsys.readouterr()[0]
    # K is pembinaan's exact capaian 92 / 90 × 100 = 102,2222…, cut at 2 + 4 places
    assert "  K = 102,222222…: capaian pembinaan_kepribadian" in text
    assert "(102,222222… + 100 + 75) / 3 = 92,41 Indeks" in text


def test_next_years_roll_and_its_effect_on_this_years_data(capsys, tmp_path):
    """The tutorial's last step: roll to 2025, then diff with --data for a catalogue that is
    not installed (the data is checked against the two catalogues compared)."""
    import json

    from kinerja_rules.cli import main

    source = TUTORIAL / "katalog" / "2024" / "lapas.toml"
    rolled = tmp_path / "2025" / "lapas.toml"
    rolled.parent.mkdir()
    assert main(["roll", str(source), "--to", "2025", "-o", str(rolled)]) == 0
    capsys.readouterr()
    data = TUTORIAL / "data" / "2024" / "lapas-contoh-a.toml"
    args = ["diff", str(source), str(rolled), "--data", str(data), "--format", "json"]
    assert main(args) == 0
    found = json.loads(capsys.readouterr()[0])
    effects = {e["what"]: (e["old"], e["new"]) for e in found["effects"]}
    # 92% was above 80–90 (92 / 90 = 102,22%) and is inside 85–95 in 2025: 100%.
    assert effects["indicator pembinaan_kepribadian"] == ("102.22", "100.00")
    # 13 days was inside 10–14 and is above 8–12 in 2025: (2 × 12 − 13) / 12 = 91,67%.
    assert effects["indicator waktu_usulan_integrasi"] == ("100.00", "91.67")
