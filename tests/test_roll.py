"""``kinerja-rules roll``: next year's catalogue from this year's, checked against the seeds'
Renstra tables (Bapas Tabel III.5 and the like: 2024 = 60, 55, 35 for the three IKK)."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from kinerja_rules.cli import main
from kinerja_rules.validation import validate

from .conftest import CATALOG


def roll(capsys, tmp_path, unit_type: str):
    out = tmp_path / "2024" / f"{unit_type}.toml"
    out.parent.mkdir(exist_ok=True)
    code = main(
        ["roll", str(CATALOG / "2023" / f"{unit_type}.toml"), "--to", "2024", "-o", str(out)]
    )
    _, err = capsys.readouterr()
    assert code == 0
    return out, err


def test_bapas_rolls_to_the_renstra_2024_targets_and_validates(capsys, tmp_path):
    out, err = roll(capsys, tmp_path, "bapas")
    rolled = tomllib.loads(out.read_text(encoding="utf-8"))
    assert rolled["year"] == 2024 and "2024" in rolled["title"]
    assert "kinerja-rules roll" in rolled["source"]
    targets = {i["id"]: i["target"] for i in rolled["indicator"]}
    # The seed's Renstra column for 2024: IKK1 60, IKK2 55, IKK3 35.
    assert [targets["klien_bekerja"], targets["anak_putusan_pidana_penjara"],
            targets["klien_anak_pendidikan"]] == [60, 55, 35]  # fmt: skip
    assert "0 without a Renstra 2024 value" in err
    result = validate([out], entry_points=False, invariants=None)
    assert result.errors == 0, [d.format() for d in result.diagnostics]


def test_lpka_lists_the_unit_counts_without_a_renstra_2024_value(capsys, tmp_path):
    out, err = roll(capsys, tmp_path, "lpka")
    assert "'perangkat_pengolah_data' has no Renstra 2024 value" in err
    assert "'peralatan_fasilitas' has no Renstra 2024 value" in err
    assert "2 without a Renstra 2024 value" in err
    text = out.read_text(encoding="utf-8")
    assert text.count("roll: no Renstra 2024 value; the 2023 target is kept") == 2
    # An example's capaian follows the new target: layanan makanan 100% against the Renstra
    # 2024 target of 85: 100 / 85 × 100 = 117,6… → 118 at LPKA's whole percents.
    rolled = tomllib.loads(text)
    food = next(i for i in rolled["indicator"] if i["id"] == "layanan_makanan")
    assert food["target"] == 85
    assert any(e.get("capaian") == 118 for e in food["examples"])
    result = validate([out], entry_points=False, invariants=None)
    assert result.errors == 0, [d.format() for d in result.diagnostics]


def test_a_commented_target_and_range_targets_roll_into_a_file_that_validates(capsys, tmp_path):
    """The tutorial's Lapas file: targets with trailing comments, Renstra ranges, a zero target.

    (tomlkit moves a replaced value's comment onto the new one; taken from the Renstra table,
    that once put the comment inside ``renstra = { … }`` and broke the file.)
    """
    source = CATALOG.parent / "examples" / "tutorial" / "katalog" / "2024" / "lapas.toml"
    out = tmp_path / "2025" / "lapas.toml"
    out.parent.mkdir()
    assert main(["roll", str(source), "--to", "2025", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    rolled = tomllib.loads(text)
    indicators = {i["id"]: i for i in rolled["indicator"]}
    assert indicators["pembinaan_kepribadian"]["target"] == "85-95%"
    assert indicators["kejadian_pelarian"]["target"] == 0
    assert indicators["kejadian_pelarian"]["renstra"] == {"2024": 0, "2025": 0}
    assert "target = 0                        # with zero_target" in text  # its comment kept
    # 6,5 days against the 2025 range 8–12, lower is better: (2 × 8 − 6,5) / 8 = 118,75%.
    waktu = indicators["waktu_usulan_integrasi"]["examples"][0]
    assert waktu["capaian"] == 118.75
    result = validate([out], entry_points=False, invariants=None)
    assert result.errors == 0, [d.format() for d in result.diagnostics]


def test_roll_refuses_to_hand_back_a_file_that_does_not_load(tmp_path, monkeypatch):
    import pytest
    import tomlkit

    from kinerja_rules import roll as roll_module
    from kinerja_rules.diagnostics import KinerjaError
    from kinerja_rules.engine import Engine

    engine = Engine.create(entry_points=False)
    catalogue = engine.catalogues.get("bapas", 2023)
    # Stand in for any future slip of the rewriting: the text it produces does not parse.
    monkeypatch.setattr(tomlkit, "dumps", lambda doc: "year = 2024\n[[indicator]\n")
    with pytest.raises(KinerjaError, match="please report it as a bug"):
        roll_module.roll(
            CATALOG / "2023" / "bapas.toml", catalogue, 2024, engine.not_applicable,
            engine.functions,
        )  # fmt: skip
