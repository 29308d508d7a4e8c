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


MADE_UP = """\
year = 2024
unit_type = "uji"
title = "Uji 2024"
[policy]
capaian_floor = 0
[[sasaran]]
id = "S1"
level = "kegiatan"
name = "Sasaran <uji> & lainnya"
[[indicator]]
id = "hunian"
sasaran = "S1"
level = "IKK"
name = "Persentase tingkat hunian"
unit = "%"
polarity = "lower"
formula = "P / K * 100"
target = "80-90%"
definition = "Perbandingan penghuni dengan kapasitas."
data_source = "SDP, akhir bulan"
[indicator.inputs]
P = "Jumlah penghuni"
K = "Kapasitas hunian"
[[indicator]]
id = "pelarian"
sasaran = "S1"
level = "IKK"
name = "Jumlah kejadian pelarian"
unit = "Kejadian"
polarity = "lower"
formula = "N"
target = 0
zero_target = { met = 100, missed = 0 }
[indicator.inputs]
N = "Jumlah kejadian pelarian"
"""


def _manual(tmp_path, capsys, fmt):
    path = tmp_path / "uji.toml"
    path.write_text(MADE_UP, encoding="utf-8")
    assert main(["manual", "--format", fmt, str(path)]) == 0
    return capsys.readouterr()[0]


def test_the_manual_states_range_floor_zero_target_definition_and_source(tmp_path, capsys):
    text = _manual(tmp_path, capsys, "markdown")
    hunian = text.split("### Persentase tingkat hunian")[1].split("###")[0]
    assert "Perbandingan penghuni dengan kapasitas." in hunian
    assert "| Rumus dalam kata | (Jumlah penghuni) / (Kapasitas hunian) × 100% |" in hunian
    assert "| Target 2024 | 80–90% |" in hunian
    assert "batas atas" in hunian and "di dalam rentang 100%" in hunian
    assert "| Capaian terendah | 0% |" in hunian  # the policy's floor
    assert "| Sumber data | SDP, akhir bulan |" in hunian
    assert "| Rumus capaian | (2 × target - realisasi) / target × 100%" in hunian
    pelarian = text.split("### Jumlah kejadian pelarian")[1]
    # Against a target of 0 only the declared rule applies: no (2T - R) / T, no floor.
    assert "| Rumus capaian | target 0: capaian 100% bila realisasi 0, 0% bila tidak |" in pelarian
    assert "Capaian terendah" not in pelarian and "2 × target" not in pelarian
    assert "| Rumus dalam kata | Jumlah kejadian pelarian |" in pelarian  # one input: no brackets


def test_the_html_manual_says_the_same_and_escapes_what_it_quotes(tmp_path, capsys):
    page = _manual(tmp_path, capsys, "html")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="id">' in page
    assert "Sasaran &lt;uji&gt; &amp; lainnya" in page and "<uji>" not in page
    assert "<tr><th>Target 2024</th><td>80–90%</td></tr>" in page
    assert "<tr><th>Sumber data</th><td>SDP, akhir bulan</td></tr>" in page
    assert page.count("<h3>") == 2


def test_the_manual_states_the_general_rules_once(capsys):
    lapas = CATALOG.parent / "examples" / "tutorial" / "katalog" / "2024" / "lapas.toml"
    assert main(["manual", str(lapas)]) == 0
    text = capsys.readouterr()[0]
    general = text.split("## Ketentuan umum")[1].split("## SK1")[0]
    # The file's bands: merah to 70 (exclusive), kuning 70 to 100 (exclusive), hijau from 100.
    assert (
        "merah: x < 70% (tidak tercapai); kuning: 70% ≤ x < 100% (tidak tercapai); "
        "hijau: 100% ≤ x (tercapai)"
    ) in general
    assert "| Nilai keseluruhan | rata-rata tertimbang capaian sasaran (bobot sasaran) |" in general
    # The policy floor is stated where it can act (lower is better), not on R / T indicators.
    makanan = text.split("### Persentase pemenuhan layanan makanan")[1].split("###")[0]
    hunian = text.split("### Persentase tingkat hunian")[1].split("###")[0]
    assert "Capaian terendah" not in makanan and "| Capaian terendah | 0% |" in hunian
    # Formula words in Indonesian; the sasaran's weight; the catalogue's source.
    assert "| Tidak dapat diukur bila | R = 0 atau U = 0 (survei belum dilaksanakan) |" in text
    assert "## SK2. Meningkatnya kualitas pembinaan" in text and "Narapidana (bobot 2)" in text
    assert "Sumber: Ilustratif: dibuat untuk tutorial" in text
