"""The command line, run the way analysts and CI run it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kinerja_rules.cli import main

from .conftest import CATALOG, EXAMPLES, LITMAS_INDICATOR, ROOT

BAPAS = str(EXAMPLES / "2023" / "bapas-lahat.toml")
LPKA = str(EXAMPLES / "2023" / "lpka-pangkalpinang.toml")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_evaluate_json_bapas_acceptance(capsys):
    code, out, _ = run(capsys, "evaluate", BAPAS, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert (report["unit"], report["year"]) == ("Bapas Kelas II Lahat", 2023)
    assert [i["capaian"] for i in report["indicators"]] == [82.09, 110.78, 111.64] + [100] * 9
    assert [(s["id"], s["capaian"]) for s in report["sasaran"]] == [("SK1", 101.5), ("SK2", 100)]
    assert report["overall"] == 100.38
    first = report["indicators"][0]
    assert set(first) >= {
        "id",
        "sasaran",
        "target",
        "realisasi",
        "capaian",
        "status",
        "na_reason",
        "derivation",
    }
    assert first["derivation"]["text"][0] == (
        "Realisasi: A / B × 100% = 629 klien / 1277 klien × 100% = 49,26%"
    )
    assert first["derivation"]["inputs"] == {"A": 629, "B": 1277}
    assert first["derivation"]["realisasi_substituted"] == "629 klien / 1277 klien × 100%"
    assert first["derivation"]["realisasi_exact"].startswith("49.256068911511")
    assert first["derivation"]["capaian_substituted"] == "49,256068… / 60 × 100%"


def test_evaluate_json_lpka_na_and_kepatuhan(capsys):
    code, out, _ = run(capsys, "evaluate", LPKA, "--format", "json")
    report = json.loads(out)
    by_id = {i["id"]: i for i in report["indicators"]}
    assert by_id["gangguan_mental_tertangani"]["realisasi"] is None
    assert by_id["gangguan_mental_tertangani"]["capaian"] is None
    assert by_id["gangguan_mental_tertangani"]["na_reason"] == "tidak ada populasi (B = 0)"
    assert (by_id["kepatuhan_disiplin"]["realisasi"], by_id["kepatuhan_disiplin"]["capaian"]) == (
        85,
        100,
    )
    assert by_id["hak_pengasuhan"]["capaian"] == 107  # whole percents for LPKA


def test_evaluate_table_is_indonesian_and_has_both_tables(capsys):
    code, out, _ = run(capsys, "evaluate", BAPAS)
    assert code == 0
    assert "Capaian Kinerja Bapas Kelas II Lahat Tahun 2023" in out
    for figure in ("49,26%", "82,09%", "110,78%", "111,64%", "54 Unit", "101,50%", "100,38%"):
        assert figure in out
    assert "Capaian Sasaran" in out and "tidak tercapai" in out


def test_evaluate_markdown_and_english(capsys):
    code, out, _ = run(capsys, "evaluate", BAPAS, "--format", "markdown", "--lang", "en")
    assert code == 0
    assert out.startswith("## Performance of Bapas Kelas II Lahat, 2023")
    assert "| 82.09%" in out and "not achieved" in out


def test_evaluate_csv(capsys):
    code, out, _ = run(capsys, "evaluate", LPKA, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    indicators = [r for r in rows if r["record"] == "indicator"]
    assert len(indicators) == 20
    food = next(r for r in indicators if r["id"] == "layanan_makanan")
    assert (food["target"], food["realisasi"], food["capaian"], food["status"]) == (
        "80",
        "100",
        "125",
        "tercapai",
    )
    assert [r["capaian"] for r in rows if r["record"] == "sasaran"] == ["116", "109", "117", "100"]


def test_explain(capsys):
    code, out, _ = run(capsys, "explain", "klien_bekerja", BAPAS)
    assert code == 0
    assert "Realisasi: A / B × 100% = 629 klien / 1277 klien × 100% = 49,26%" in out
    assert "Capaian: realisasi / target × 100% = 49,256068… / 60 × 100% = 82,09%" in out
    assert "A = 629: Jumlah klien usia produktif yang memperoleh" in out


def test_explain_unknown_indicator(capsys):
    code, _, err = run(capsys, "explain", "tidak_ada", BAPAS)
    assert code == 1 and "klien_bekerja" in err


def test_plugins_lists_catalogues(capsys):
    code, out, _ = run(capsys, "plugins")
    assert code == 0
    assert "lpka 2023: 20 indicators, from plugin lpka" in out
    assert "bapas 2022: 7 indicators, from plugin bapas" in out


def test_bad_data_exits_1_with_located_message(capsys, tmp_path):
    data = tmp_path / "bad.toml"
    text = Path(BAPAS).read_text(encoding="utf-8").replace("A = 629", "A = -629")
    data.write_text(text, encoding="utf-8")
    line = text.splitlines().index("A = -629") + 1  # the value starts in column 5
    code, out, err = run(capsys, "evaluate", str(data))
    assert code == 1 and out == ""
    assert f"{data}:{line}:5: error KR403: indicators.klien_bekerja.A: A = -629 is negative" in err
    assert "hint:" in err


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["evaluate", BAPAS, "--format", "xml"])
    assert caught.value.code == 2


def test_python_dash_m_works():
    result = subprocess.run(
        [sys.executable, "-m", "kinerja_rules", "evaluate", BAPAS, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["overall"] == 100.38


# --- catalogues added without code changes -------------------------------------------------------


def test_copied_catalogue_with_an_added_indicator(capsys, tmp_path):
    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    text = (CATALOG / "2023" / "bapas.toml").read_text(encoding="utf-8")
    (catalogs / "bapas.toml").write_text(text + LITMAS_INDICATOR, encoding="utf-8")
    data = tmp_path / "bapas.toml"
    data.write_text(
        Path(BAPAS).read_text(encoding="utf-8")
        + "\n[indicators.litmas_tepat_waktu]\nA = 171\nB = 180\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "evaluate", str(data), "--catalog", str(catalogs), "--format", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    new = next(i for i in report["indicators"] if i["id"] == "litmas_tepat_waktu")
    assert (new["realisasi"], new["capaian"]) == (95.0, 105.56)  # 171/180 = 95%; 95/90 = 105,555…
    sk1 = next(s for s in report["sasaran"] if s["id"] == "SK1")
    assert sk1["measured"] == 4
    code, out, _ = run(capsys, "plugins", "--catalog", str(catalogs))
    assert f"bapas 2023: 13 indicators, from --catalog {catalogs}; replaces plugin bapas" in out


def test_made_up_unit_type_for_2024_needs_only_toml(capsys, tmp_path):
    catalogs = tmp_path / "catalogs" / "2024"
    catalogs.mkdir(parents=True)
    (catalogs / "rupbasan.toml").write_text(
        textwrap.dedent(
            """\
        year = 2024
        unit_type = "rupbasan"
        title = "Rupbasan 2024"
        [policy]
        decimals = 1
        [[sasaran]]
        id = "S1"
        level = "kegiatan"
        name = "Meningkatnya pengelolaan basan dan baran"
        [[indicator]]
        id = "basan_terkelola"
        sasaran = "S1"
        level = "IKK"
        name = "Persentase basan yang terkelola sesuai standar"
        unit = "%"
        formula = "A / B * 100"
        target = 75
        renstra = { 2024 = 75 }
        [indicator.inputs]
        A = "Jumlah basan terkelola sesuai standar"
        B = "Jumlah basan"
        [[indicator]]
        id = "basan_rusak"
        sasaran = "S1"
        level = "IKK"
        name = "Persentase penurunan basan yang rusak"
        unit = "%"
        polarity = "lower"
        formula = "A / B * 100"
        target = 10
        [indicator.inputs]
        A = "Jumlah basan yang rusak"
        B = "Jumlah basan"
        """
        ),
        encoding="utf-8",
    )
    data = tmp_path / "rupbasan.toml"
    data.write_text(
        textwrap.dedent(
            """\
        unit = "Rupbasan Uji"
        unit_type = "rupbasan"
        year = 2024
        [indicators.basan_terkelola]
        A = 60
        B = 80
        [indicators.basan_rusak]
        A = 4
        B = 80
        """
        ),
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "evaluate", str(data), "--catalog", str(tmp_path / "catalogs"), "--format", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    # 60/80 = 75% of a 75% target = 100%; 4/80 = 5% damaged against a 10% ceiling, lower is
    # better: (2 x 10 - 5) / 10 = 150%. Mean 125%.
    assert [(i["realisasi"], i["capaian"]) for i in report["indicators"]] == [
        (75.0, 100.0),
        (5.0, 150.0),
    ]
    assert report["overall"] == 125.0


@pytest.mark.parametrize(
    "command, given, key, run_instead",
    [
        ("evaluate", "examples/2023/bapas-lahat-anggaran.toml", "jenis_belanja", "budget"),
        ("budget", "examples/2023/bapas-lahat.toml", "indicators", "evaluate"),
        ("validate", "examples/2023/lpka-pangkalpinang.toml", "indicators", "evaluate"),
        ("validate", "examples/2023/lpka-pangkalpinang-anggaran.toml", "row", "budget"),
        ("evaluate", "indicator_catalog/2023/bapas.toml", "indicator", "validate"),
        ("budget", "indicator_catalog/2023/anggaran.toml", "score", "validate"),
    ],
)
def test_a_file_of_the_wrong_kind_gets_one_message_naming_its_command(
    capsys, command, given, key, run_instead
):
    path = ROOT / given
    code, out, err = run(capsys, command, str(path))
    assert code == 1
    text = out + err
    assert text.count("error ") == 1, text  # one message, not a list of unknown keys
    assert f"error KR103: {key}: this file is " in text
    assert f"hint: run: kinerja-rules {run_instead} {path}" in text


@pytest.mark.parametrize("key", ["year", "unit_type", "title"])
def test_a_misspelt_top_level_catalogue_key_is_one_located_error(capsys, tmp_path, key):
    # Found by the fuzz test: the misspelling was reported once (KR201, not also a missing
    # KR202), and loading then looked the key up anyway (KeyError).
    text = (CATALOG / "2023" / "lpka.toml").read_text(encoding="utf-8")
    assert f"\n{key} = " in text
    path = tmp_path / "2023" / "lpka.toml"
    path.parent.mkdir()
    path.write_text(text.replace(f"\n{key} = ", f"\n{key}x = ", 1), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(path), "--no-invariants", "--format", "json")
    assert code == 1
    assert [(d["code"], d["field"]) for d in json.loads(out)] == [("KR201", f"{key}x")]
    code, _, err = run(capsys, "evaluate", LPKA, "--catalog", str(tmp_path))
    assert code == 1 and f"error KR201: {key}x: unknown key '{key}x'" in err
