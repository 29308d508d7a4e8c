"""``kinerja-rules manual``: the definisi operasional written from the catalogue the engine runs."""

from __future__ import annotations

from kinerja_rules.cli import main

from .conftest import CATALOG


def test_the_bapas_manual_says_what_the_engine_computes(capsys):
    assert main(["manual", str(CATALOG / "2023" / "bapas.toml")]) == 0
    text, _ = capsys.readouterr()
    # Bapas Tabel III.2 and the Renstra table: klien bekerja, A / B × 100%, target 60%,
    # Renstra 2022 50%, 2024 60%; N/A without a productive-age client.
    section = text.split("### Persentase klien usia produktif")[1].split("###")[0]
    assert "| Rumus realisasi | A / B × 100% |" in section
    assert "| Rumus capaian | realisasi / target × 100% |" in section
    assert "| Target 2023 | 60% |" in section
    assert "| Target Renstra 2022 | 50% |" in section and "| Target Renstra 2024 | 60% |" in section
    assert "- **B**: Jumlah klien usia produktif" in section
    assert text.count("### ") == 12  # the twelve IKK of 2023
