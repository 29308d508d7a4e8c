"""Every number is checked at the door: the reproducers of the number-domain issue, kept.

Each case edits one value of a bundled file (the edit is written in the test), runs the command a
user would run, and asserts: exit 1 with one located diagnostic naming the file, the line of the
edited value (found in the edited text itself), the field and a stable code — never a traceback,
never ``NaN``/``Infinity`` in any output.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from kinerja_rules.cli import main
from kinerja_rules.decimals import DOMAINS, INPUT, QUANTITY, RUPIAH, SCORE, round_shown
from kinerja_rules.json_schema import SCHEMAS

from .conftest import CATALOG, EXAMPLES, ROOT

BAPAS = EXAMPLES / "2023" / "bapas-lahat.toml"
LPKA = EXAMPLES / "2023" / "lpka-pangkalpinang.toml"
LPKA_BUDGET = EXAMPLES / "2023" / "lpka-pangkalpinang-anggaran.toml"
BAPAS_BUDGET = EXAMPLES / "2023" / "bapas-lahat-anggaran.toml"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    for text in (out, err):
        assert "NaN" not in text and "Infinity" not in text
    return code, out, err


def edited(tmp_path: Path, source: Path, old: str, new: str, name: str | None = None) -> Path:
    """``source`` with its first ``old`` replaced by ``new``, written under ``tmp_path``."""
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / (name or source.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def assert_refused(err: str, path: Path, needle: str, code: str, field: str) -> None:
    """One error, at the edited line, with its field and code, and a hint."""
    line = line_of(path, needle)
    pattern = rf"^{re.escape(str(path))}:{line}:\d+: error {code}: {re.escape(field)}: "
    assert re.search(pattern, err, flags=re.M), err
    assert "hint:" in err


# --- data files (evaluate, explain, every format) -------------------------------------------

DATA_CASES = [
    # (old, new, code, field): the values the issue names, and their neighbours.
    ("A = 629", "A = nan", "KR212", "indicators.klien_bekerja.A"),
    ("B = 1277", "B = inf", "KR212", "indicators.klien_bekerja.B"),
    ("B = 1277", "B = -inf", "KR212", "indicators.klien_bekerja.B"),
    ("A = 629", "A = 1" + "0" * 70, "KR213", "indicators.klien_bekerja.A"),
    ("A = 629", "A = 1e999999999", "KR213", "indicators.klien_bekerja.A"),
    ("A = 629", "A = 1e-999999999", "KR213", "indicators.klien_bekerja.A"),
    ("A = 629", "A = 1000000000001", "KR213", "indicators.klien_bekerja.A"),  # 10^12 + 1
    ("A = 629", "A = -629", "KR403", "indicators.klien_bekerja.A"),
]


@pytest.mark.parametrize("old, new, code, field", DATA_CASES, ids=[c[1][:20] for c in DATA_CASES])
@pytest.mark.parametrize("command", ["table", "json", "csv", "markdown", "explain"])
def test_data_numbers_are_refused_located(capsys, tmp_path, old, new, code, field, command):
    path = edited(tmp_path, BAPAS, old, new)
    args = (
        ["explain", "klien_bekerja", path]
        if command == "explain"
        else ["evaluate", path, "--format", command]
    )
    exit_code, out, err = run(capsys, *args)
    assert exit_code == 1 and out == ""
    assert_refused(err, path, new[:12], code, field)


def test_a_reported_realisasi_is_bounded_and_not_negative(capsys, tmp_path):
    text = BAPAS.read_text(encoding="utf-8")
    counts = "A = 629\nB = 1277"
    assert counts in text
    for value, code in (("-5", "KR204"), ("1e70", "KR213"), ("nan", "KR212")):
        path = tmp_path / f"r{code}.toml"
        path.write_text(text.replace(counts, f"realisasi = {value}", 1), encoding="utf-8")
        exit_code, out, err = run(capsys, "evaluate", path, "--format", "json")
        assert exit_code == 1
        assert_refused(
            err, path, f"realisasi = {value}", code, "indicators.klien_bekerja.realisasi"
        )


def test_an_integer_of_100000_digits_is_located(capsys, tmp_path):
    path = edited(tmp_path, BAPAS, "A = 629", "A = 1" + "0" * 100_000)
    exit_code, _, err = run(capsys, "evaluate", path)
    assert exit_code == 1
    line = line_of(path, "A = 1000")
    # Column 5: the first digit after "A = " on that line.
    assert err.startswith(f"{path}:{line}:5: error KR213: an integer of 100001 digits"), err


def test_realisasi_anggaran_is_bounded(capsys, tmp_path):
    text = LPKA.read_text(encoding="utf-8")
    match = re.search(r"realisasi_anggaran = (\d+)", text)
    assert match
    path = edited(tmp_path, LPKA, match.group(0), "realisasi_anggaran = 1" + "0" * 70)
    exit_code, _, err = run(capsys, "evaluate", path)
    assert exit_code == 1
    assert re.search(
        rf"^{re.escape(str(path))}:\d+:\d+: error KR213: .*realisasi_anggaran", err, re.M
    )


# --- catalogues (evaluate --catalog, validate) ----------------------------------------------

CATALOGUE_CASES = [
    ("target = 60", "target = inf", "KR212", "indicator[0].target"),
    ("target = 60", "target = -60", "KR204", "indicator[0].target"),
    ("target = 60", "target = 1e-999999999", "KR213", "indicator[0].target"),
    ("target = 60", 'target = "-60%"', "KR204", "indicator[0].target"),
    ("2022 = 50", "2022 = nan", "KR212", "indicator[0].renstra.2022"),
    ('formula = "A / B * 100"', 'formula = "1e308 * 10"', "KR213", "indicator[0].formula"),
    ("decimals = 2", "decimals = 100", "KR213", "policy.decimals"),
    ("decimals = 2", "decimals = -1", "KR204", "policy.decimals"),
    (
        'rounding = "half_up"',
        'rounding = "half_up"\ncapaian_cap = -5',
        "KR204",
        "policy.capaian_cap",
    ),
    (
        'rounding = "half_up"',
        'rounding = "half_up"\ncapaian_cap = nan',
        "KR212",
        "policy.capaian_cap",
    ),
]


@pytest.mark.parametrize(
    "old, new, code, field", CATALOGUE_CASES, ids=[c[1][:24] for c in CATALOGUE_CASES]
)
def test_catalogue_numbers_are_refused_located(capsys, tmp_path, old, new, code, field):
    path = edited(tmp_path, CATALOG / "2023" / "bapas.toml", old, new, name="2023/bapas.toml")
    exit_code, _, err = run(capsys, "evaluate", BAPAS, "--catalog", tmp_path)
    assert exit_code == 1
    assert_refused(err, path, new.splitlines()[-1], code, field)
    exit_code, out, _ = run(capsys, "validate", path, "--no-invariants", "--format", "json")
    assert exit_code == 1
    found = {(d["code"], d["field"]) for d in json.loads(out)}
    assert any(c == code and (f or "").startswith(field) for c, f in found), found


def test_a_huge_input_max_cannot_hang_validate(capsys, tmp_path):
    path = tmp_path / "2024" / "uji.toml"
    path.parent.mkdir()
    path.write_text(
        (CATALOG / "2023" / "bapas.toml")
        .read_text(encoding="utf-8")
        .replace(
            'A = { description = "Jumlah klien usia produktif yang memperoleh atau melanjutkan '
            'pekerjaan di luar lembaga", counts = "klien" }',
            'A = { description = "klien bekerja", counts = "klien", max = 1e999999999 }',
            1,
        ),
        encoding="utf-8",
    )
    assert "1e999999999" in path.read_text(encoding="utf-8")
    exit_code, out, _ = run(capsys, "validate", path, "--format", "json", "--max-examples", "20")
    assert exit_code == 1
    assert {d["code"] for d in json.loads(out)} >= {"KR213"}


# --- budget files and the score catalogue ---------------------------------------------------


def test_budget_numbers_are_refused_located(capsys, tmp_path):
    cases = [  # each edits the first row of Tabel III
        ('persen = "95.54%"', "persen = nan", "KR212", "row[0].persen"),
        ('persen = "95.54%"', 'persen = "1234567%"', "KR204", "row[0].persen"),  # 7 digits
        ("pagu = 395787000", "pagu = " + "9" * 25, "KR213", "row[0].pagu"),
        ("pagu = 395787000", "pagu = -5", "KR204", "row[0].pagu"),
        ("sisa = 17642937", "sisa = -" + "9" * 19, "KR213", "row[0].sisa"),
    ]
    for index, (old, new, code, field) in enumerate(cases):
        path = edited(tmp_path, LPKA_BUDGET, old, new, name=f"b{index}.toml")
        for fmt in ("table", "json", "csv"):
            exit_code, out, err = run(capsys, "budget", path, "--format", fmt)
            assert exit_code == 1 and out == "", new
            assert_refused(err, path, new, code, field)


def test_budget_score_values_are_bounded(capsys, tmp_path):
    text = BAPAS_BUDGET.read_text(encoding="utf-8")
    match = re.search(r"^reported = 90.21$", text, flags=re.M)  # SMART, as the system printed
    assert match
    for value, code in (("1e999999999", "KR213"), ("nan", "KR212"), ("-inf", "KR212")):
        path = tmp_path / f"s{code}{value}.toml"
        path.write_text(text.replace(match.group(0), f"reported = {value}", 1), encoding="utf-8")
        exit_code, out, err = run(capsys, "budget", path, "--format", "json")
        assert exit_code == 1 and out == ""
        line = line_of(path, f"reported = {value}")
        assert f"{path}:{line}:12: error {code}: " in err, err


def test_score_catalogue_weights_are_bounded(capsys, tmp_path):
    scores = CATALOG / "2023" / "anggaran.toml"
    match = re.search(r"^weight = [0-9.]+$", scores.read_text(encoding="utf-8"), flags=re.M)
    assert match
    path = edited(tmp_path, scores, match.group(0), "weight = nan", name="2023/anggaran.toml")
    exit_code, _, err = run(capsys, "budget", BAPAS_BUDGET, "--catalog", tmp_path)
    assert exit_code == 1
    line = line_of(path, "weight = nan")
    assert f"{path}:{line}:10: error KR212: " in err, err


# --- the domains themselves -----------------------------------------------------------------


def test_domains_fit_real_figures_with_room():
    # The state budget (APBN 2024: Rp 3.325,1 triliun) fits 300 times over.
    assert RUPIAH.check(3_325_100_000_000_000 * 300) is None
    # Indonesia's population as a count; the seeds' figures; a percentage with 6 decimals.
    assert INPUT.check(280_000_000) is None and INPUT.check(1277) is None
    assert QUANTITY.check(Decimal("49.256068")) is None
    assert SCORE.check(Decimal("-8.38")) is None  # SMART's efficiency may be negative
    # Trailing zeros are not decimal places: 2.5000000 is 2.5.
    assert QUANTITY.check(Decimal("2.5000000")) is None


def test_round_shown_never_fails_on_a_finite_value():
    # 10^50 needs 53 digits at 2 decimals; 10^80 needs more than the 60-digit context has.
    assert round_shown(Decimal(10) ** 80 + Decimal("0.005"), 2, "half_up") == Decimal(
        10
    ) ** 80 + Decimal("0.01")


def test_schema_export_states_the_bounds():
    catalogue = SCHEMAS["catalogue"]()
    target = catalogue["properties"]["indicator"]["items"]["properties"]["target"]
    assert (target["minimum"], target["maximum"]) == (0, 10**12)
    budget = SCHEMAS["budget"]()
    pagu = budget["properties"]["row"]["items"]["properties"]["pagu"]
    assert (pagu["minimum"], pagu["maximum"]) == (0, 10**18)


def test_the_domain_table_in_the_docs_is_the_code():
    page = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for domain in DOMAINS:
        assert f"| {domain.name} " in page or f"| {domain.name} (" in page, domain.name
