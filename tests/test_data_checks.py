"""The catalogue's assume, max and invariants, checked against the data being evaluated.

A = 50 of B = 42 under ``assume = ["A <= B"]`` used to evaluate silently to 119%.
"""

from __future__ import annotations

import textwrap

from kinerja_rules import Engine
from kinerja_rules.cli import main

CATALOGUE = textwrap.dedent(
    """\
    year = 2024
    unit_type = "uji"
    title = "Uji data"

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran uji"

    [[indicator]]
    id = "rasio"
    sasaran = "S1"
    level = "IKK"
    name = "Persentase tahanan yang mendapat layanan"
    unit = "%"
    formula = "A / B * 100"
    target = 80
    assume = ["A <= B"]
    invariants = ["0 <= value <= 100"]
    [indicator.inputs]
    A = "tahanan yang mendapat layanan"
    B = { description = "tahanan", max = 5000 }
    """
)


def setup(tmp_path, entry: str):
    folder = tmp_path / "katalog"
    folder.mkdir(exist_ok=True)
    (folder / "uji.toml").write_text(CATALOGUE, encoding="utf-8")
    data = tmp_path / "data.toml"
    data.write_text(
        f'unit = "Uji"\nunit_type = "uji"\nyear = 2024\n[indicators.rasio]\n{entry}\n',
        encoding="utf-8",
    )
    return folder, data


def test_a_broken_assumption_is_a_located_warning_and_the_figure_is_still_computed(tmp_path):
    folder, data = setup(tmp_path, "A = 50\nB = 42")
    report = Engine.create([folder], entry_points=False).evaluate_file(data)
    # 50 / 42 × 100 = 119,047…: computed, and both promises the catalogue makes are flagged
    assert str(report.indicator("rasio").realisasi.shown) == "119.05"
    codes = [(d.code, d.location.line) for d in report.findings]
    assert codes == [("KR408", 4), ("KR410", 4)]  # [indicators.rasio] is line 4
    assert "assume 'A <= B' (A = 50, B = 42)" in report.findings[0].message
    assert "invariant '0 <= value <= 100' (value = 119.047" in report.findings[1].message


def test_an_input_above_its_max(tmp_path):
    folder, data = setup(tmp_path, "A = 6000\nB = 6001")
    report = Engine.create([folder], entry_points=False).evaluate_file(data)
    [finding] = report.findings
    assert finding.code == "KR409" and "B = 6001 is above the largest value" in finding.message


def test_a_reported_realisasi_is_held_to_the_invariants(tmp_path):
    folder, data = setup(tmp_path, "realisasi = 120")
    report = Engine.create([folder], entry_points=False).evaluate_file(data)
    assert [d.code for d in report.findings] == ["KR410"]


def test_evaluate_prints_the_warnings_and_strict_fails(tmp_path, capsys):
    folder, data = setup(tmp_path, "A = 50\nB = 42")
    assert main(["evaluate", str(data), "--catalog", str(folder)]) == 0
    _, err = capsys.readouterr()
    assert f"{data}:4:1: warning KR408: " in err
    assert main(["evaluate", str(data), "--catalog", str(folder), "--strict"]) == 1
    clean = setup(tmp_path, "A = 40\nB = 42")[1]
    assert main(["evaluate", str(clean), "--catalog", str(folder), "--strict"]) == 0
