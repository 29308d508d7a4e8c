"""``kinerja-rules diff`` of the bundled 2023 catalogues against the 2024 ones rolled from them.

The expected changes are the seeds' Renstra tables: Bapas 2024 = 2023 for every indicator, so
only the year and title change; LPKA's Renstra 2024 column raises twelve targets.
"""

from __future__ import annotations

import json

from kinerja_rules.cli import main

from .conftest import CATALOG, EXAMPLES


def run(capsys, *args: str):
    code = main(["diff", *map(str, args), "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 0
    return json.loads(out)


def test_bapas_2023_to_2024_changes_only_the_year(capsys):
    found = run(capsys, CATALOG / "2023" / "bapas.toml", CATALOG / "2024" / "bapas.toml")
    assert (found["added"], found["removed"]) == ([], [])
    assert {(c["indicator_id"], c["field"]) for c in found["changed"]} == {
        ("(catalogue)", "year"),
        ("(catalogue)", "title"),
        ("(catalogue)", "source"),  # roll says it rolled the file
    }


def test_policy_sasaran_and_band_changes_are_listed(capsys, tmp_path):
    lapas = EXAMPLES / "tutorial" / "katalog" / "2024" / "lapas.toml"
    text = lapas.read_text(encoding="utf-8")
    sk2_weight = 'weight = 2\n\n[[sasaran]]\nid = "SK3"'
    changed = (
        text.replace("decimals = 2\n", "decimals = 1\n", 1)
        .replace(sk2_weight, sk2_weight.replace("2", "3", 1), 1)
        .replace("to = 70\n", "to = 60\n", 1)
    )
    assert changed.count("decimals = 1") == 1 and "to = 60" in changed
    new = tmp_path / "lapas.toml"
    new.write_text(changed, encoding="utf-8")
    found = run(capsys, lapas, new)
    changes = {(c["indicator_id"], c["field"]): (c["old"], c["new"]) for c in found["changed"]}
    assert changes[("(policy)", "decimals")] == ("2", "1")
    assert changes[("sasaran SK2", "weight")] == ("2", "3")
    assert changes[("(catalogue)", "band")][1].startswith("merah: x < 60%")


def test_lpka_2023_to_2024_targets_and_their_effect(capsys):
    found = run(
        capsys,
        CATALOG / "2023" / "lpka.toml",
        CATALOG / "2024" / "lpka.toml",
        "--data",
        EXAMPLES / "2023" / "lpka-pangkalpinang.toml",
    )
    targets = {
        c["indicator_id"]: (c["old"], c["new"]) for c in found["changed"] if c["field"] == "target"
    }
    # The LPKA seed's Renstra table, 2023 → 2024 (e.g. layanan makanan 80% → 85%).
    assert targets["layanan_makanan"] == ("80", "85")
    assert targets["hak_pengasuhan"] == ("90", "100")
    assert len(targets) == 12
    effects = {e["what"]: (e["old"], e["new"]) for e in found["effects"]}
    # 363 / 363 = 100%: against 80 → 125, against 85 → 100 / 85 × 100 = 117,6… → 118
    assert effects["indicator layanan_makanan"] == ("125", "118")
    # 349 / 364 = 95,879…%: against 90 → 106,5… → 107; against 100 → 95,9 → 96
    assert effects["indicator hak_pengasuhan"] == ("107", "96")
    assert "overall" in effects
