"""``kinerja-rules validate``: one located diagnostic per mistake, in text, JSON and GitHub
formats; the bundled catalogues are clean; examples and invariants are proved; malformed input
never gives a traceback."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest

from kinerja_rules.cli import main

from .conftest import CATALOG, LITMAS_INDICATOR

HEADER = textwrap.dedent(
    """\
    format_version = 2
    year = 2024
    unit_type = "{unit_type}"
    title = "Uji"

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran uji"
    """
)


def indicator(indicator_id: str, **overrides: str) -> str:
    """An [[indicator]] block; an override of None drops the key, other values replace it."""
    keys = {
        "id": f'"{indicator_id}"',
        "sasaran": '"S1"',
        "level": '"IKK"',
        "name": '"Persentase uji"',
        "unit": '"%"',
        "polarity": '"higher"',
        "formula": '"A / B * 100"',
        "target": "80",
    }
    keys.update(overrides)
    lines = ["[[indicator]]"] + [f"{k} = {v}" for k, v in keys.items() if v is not None]
    lines += [
        "[indicator.not_applicable]",
        'when = "B == 0"',
        'reason = "tidak ada populasi"',
        "[indicator.inputs]",
        'A = { description = "bagian" }',
        'B = { description = "keseluruhan" }',
    ]
    return "\n".join(lines) + "\n\n"


# Each entry: (file, marker that finds the line, code, severity). One mistake each.
ERRORS_FILE = HEADER.format(unit_type="uji") + "".join(
    [
        indicator("misspelt", formulla='"A / B * 100"', formula=None),  # KR201
        indicator("no_unit", unit=None),  # KR202
        indicator("wrong_type", target="true"),  # KR203
        indicator("dup"),
        indicator("dup"),  # KR205 (the second)
        indicator("lost", sasaran='"S9"'),  # KR206
        indicator("syntax", formula='"A / (B * 100"'),  # KR301
        indicator("undeclared", formula='"A / C * 100"'),  # KR303
        indicator("attribute", formula='"A.real / B"'),  # KR302
        indicator("subscript", formula='"A[0] / B"'),  # KR302
        indicator("string", formula="\"'x' / B\""),  # KR302
        indicator("comprehension", formula='"max([a for a in B])"'),  # KR302
        indicator("lambda_", formula='"(lambda: A)() / B"'),  # KR302
        indicator("unregistered", formula='"sqrt(A) / B"'),  # KR304
        indicator("no_target", target=None),  # KR208
        indicator("target_unit", target='"80 Unit"'),  # KR209
    ]
)

WARNINGS_FILE = (
    HEADER.format(unit_type="uji_warn")
    + "".join(
        [
            indicator("unused", formula='"A / 100"'),  # KR307 (B never used)
            indicator("menurun", name='"Persentase menurunnya residivis"', polarity=None),  # KR210
            indicator("renstra", renstra="{ 2024 = 85 }"),  # KR211
        ]
    )
    + textwrap.dedent(  # KR308: a ratio whose population can be 0, with no N/A rule
        """\
    [[indicator]]
    id = "zero"
    sasaran = "S1"
    level = "IKK"
    name = "Persentase uji"
    unit = "%"
    polarity = "higher"
    formula = "A / B * 100"
    target = 80
    [indicator.inputs]
    A = { description = "bagian" }
    B = { description = "keseluruhan" }
    """
    )
)

SPLIT_FILE = HEADER.format(unit_type="uji") + indicator("dup_across")

EXPECTED = [
    ("errors.toml", "formulla =", "KR201"),
    ("errors.toml", '[[indicator]]\nid = "no_unit"', "KR202"),
    ("errors.toml", "target = true", "KR203"),
    ("errors.toml", 'id = "dup"', "KR205"),
    ("errors.toml", 'sasaran = "S9"', "KR206"),
    ("errors.toml", '"A / (B * 100"', "KR301"),
    ("errors.toml", '"A / C * 100"', "KR303"),
    ("errors.toml", '"A.real / B"', "KR302"),
    ("errors.toml", '"A[0] / B"', "KR302"),
    ("errors.toml", "\"'x' / B\"", "KR302"),
    ("errors.toml", '"max([a for a in B])"', "KR302"),
    ("errors.toml", '"(lambda: A)() / B"', "KR302"),
    ("errors.toml", '"sqrt(A) / B"', "KR304"),
    ("errors.toml", '[[indicator]]\nid = "no_target"', "KR208"),
    ("errors.toml", 'target = "80 Unit"', "KR209"),
    ("split.toml", 'id = "dup_across"', "KR205"),
    ("warnings.toml", 'B = { description = "keseluruhan" }', "KR307"),
    ("warnings.toml", '"Persentase menurunnya residivis"', "KR210"),
    ("warnings.toml", "renstra = { 2024 = 85 }", "KR211"),
    (
        "warnings.toml",
        'id = "zero"\nsasaran = "S1"\nlevel = "IKK"\nname = "Persentase uji"\nunit = "%"\n'
        'polarity = "higher"\nformula = "A / B * 100"',
        "KR308",
    ),
    ("syntax.toml", 'note = "unterminated', "KR101"),
]


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    """The 1-based line of the last line of ``marker`` (the first, for an indicator header)."""
    start = -1
    for _ in range(occurrence):
        start = text.index(marker, start + 1)
    line = text.count("\n", 0, start) + 1
    if marker.startswith("[[indicator]]\n"):
        return line  # located at the indicator's header
    return line + marker.count("\n")


@pytest.fixture
def mistakes(tmp_path) -> Path:
    folder = tmp_path / "catalogs"
    folder.mkdir()
    (folder / "errors.toml").write_text(ERRORS_FILE, encoding="utf-8")
    (folder / "warnings.toml").write_text(WARNINGS_FILE, encoding="utf-8")
    # Two files of one unit type and year are merged: the id they share clashes.
    (folder / "split.toml").write_text(SPLIT_FILE, encoding="utf-8")
    (folder / "split2.toml").write_text(SPLIT_FILE, encoding="utf-8")
    (folder / "syntax.toml").write_text(
        HEADER.format(unit_type="x") + 'note = "unterminated\n', encoding="utf-8"
    )
    return folder


def run(capsys, *args):
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def expected_locations(folder: Path) -> list[tuple[str, int, str]]:
    found = []
    for file, marker, code in EXPECTED:
        text = (folder / file).read_text(encoding="utf-8")
        occurrence = 2 if code == "KR205" and file == "errors.toml" else 1
        if file == "split.toml":  # the clash is reported at the later file of the two
            file, text = "split2.toml", (folder / "split2.toml").read_text(encoding="utf-8")
        found.append((str(folder / file), line_of(text, marker, occurrence), code))
    return sorted(found)


def test_every_mistake_gives_one_located_diagnostic_json(capsys, mistakes):
    code, out, _ = run(capsys, str(mistakes), "--format", "json")
    assert code == 1
    diagnostics = json.loads(out)
    got = sorted((d["file"], d["line"], d["code"]) for d in diagnostics)
    assert got == expected_locations(mistakes)
    assert all(d["col"] and d["hint"] for d in diagnostics if d["code"] != "KR101")
    severities = {d["code"]: d["severity"] for d in diagnostics}
    assert {c for c, s in severities.items() if s == "warning"} == {
        "KR210",
        "KR211",
        "KR307",
        "KR308",
    }


def test_every_mistake_in_text_format(capsys, mistakes):
    code, out, _ = run(capsys, str(mistakes))
    assert code == 1
    for file, line, diagnostic_code in expected_locations(mistakes):
        assert any(
            row.startswith(f"{file}:{line}:") and f" {diagnostic_code}: " in row
            for row in out.splitlines()
        ), (file, line, diagnostic_code)
    assert out.count("\n    hint: ") == len(EXPECTED)
    warnings = sum(1 for _, _, c in EXPECTED if c in {"KR210", "KR211", "KR307", "KR308"})
    assert out.splitlines()[-1].startswith(
        f"{len(EXPECTED) - warnings} error(s), {warnings} warning(s) in 5 file(s)"
    )


def test_every_mistake_in_github_format(capsys, mistakes):
    code, out, _ = run(capsys, str(mistakes), "--format", "github")
    assert code == 1
    rows = out.splitlines()
    assert len(rows) == len(EXPECTED)
    for file, line, diagnostic_code in expected_locations(mistakes):
        severity = "warning" if diagnostic_code in {"KR210", "KR211", "KR307", "KR308"} else "error"
        prefix = f"::{severity} file={file},line={line},"
        assert any(r.startswith(prefix) and f"title={diagnostic_code}::" in r for r in rows), prefix


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_bundled_catalogues_validate_cleanly(capsys, fmt):
    code, out, _ = run(capsys, "--format", fmt, "--max-examples", "25")
    assert code == 0
    if fmt == "json":
        diagnostics = json.loads(out)
        # The one known warning: the LPKA 2023 Renstra says 85% for gangguan kamtib, the PK 80%.
        assert [(d["code"], d["severity"]) for d in diagnostics] == [("KR211", "warning")]
    code, _, _ = run(capsys, str(CATALOG), "--format", fmt, "--no-invariants")
    assert code == 0


def test_strict_fails_on_warnings(capsys):
    code, _, _ = run(capsys, str(CATALOG), "--strict", "--no-invariants")
    assert code == 1


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["validate", "--format", "xml"])
    assert caught.value.code == 2


# --- the maintainer's workflow -------------------------------------------------------------------

# The same indicator with what a maintainer states about it: an invariant, its domain, an N/A
# rule and a worked example (171 / 180 = 95%; 95 / 90 = 105,56%).
NEW_2024 = (
    LITMAS_INDICATOR.replace(
        "target = 90\n",
        'target = 90\ninvariants = ["0 <= value <= 100"]\nassume = ["A <= B"]\n'
        '[indicator.not_applicable]\nwhen = "B == 0"\nreason = "tidak ada permintaan Litmas"\n',
    )
    + "[[indicator.examples]]\ninputs = { A = 171, B = 180 }\nrealisasi = 95\ncapaian = 105.56\n"
)


def test_maintainer_adds_a_2024_indicator_then_breaks_it(capsys, tmp_path):
    text = (CATALOG / "2023" / "bapas.toml").read_text(encoding="utf-8")
    text = text.replace("year = 2023", "year = 2024").replace("target = 60\n", "target = 60\n", 1)
    path = tmp_path / "2024" / "bapas.toml"
    path.parent.mkdir()
    # 2024 targets: the Renstra column; 2023 examples keep their 2023 targets where equal.
    path.write_text(text + NEW_2024, encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--no-invariants")
    # The copied 2023 indicators whose 2024 Renstra target differs warn (none do) — and pass.
    assert code == 0, out
    code, out, _ = run(capsys, str(path))
    assert code == 0, out

    broken = path.read_text(encoding="utf-8").replace(
        'formula = "A / B * 100"\ntarget = 90', 'formula = "(A + 1) / B * 100"\ntarget = 90'
    )
    path.write_text(broken, encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--format", "json")
    assert code == 1
    diagnostics = json.loads(out)
    invariant = next(d for d in diagnostics if d["code"] == "KR502")
    assert invariant["file"] == str(path)
    anchor = broken.index('id = "litmas_tepat_waktu"')
    assert invariant["line"] == broken.count("\n", 0, broken.index("invariants =", anchor)) + 1
    # (A + 1) / B > 100% first when A = B: the smallest such counterexample is A = 1, B = 1.
    assert "fails for { A = 1, B = 1 }" in invariant["message"]
    assert "value = 200" in invariant["message"]
    assert "seed 0" in invariant["message"]
    example = next(d for d in diagnostics if d["code"] == "KR501")
    assert "realisasi is 95.56, the catalogue states 95" in example["message"]  # 172/180


def test_invariant_runs_are_deterministic(capsys, tmp_path):
    text = (CATALOG / "2023" / "bapas.toml").read_text(encoding="utf-8")
    (tmp_path / "bapas.toml").write_text(
        text.replace('"A / B * 100"', '"A / B * 150"', 1), encoding="utf-8"
    )
    first = run(capsys, str(tmp_path), "--seed", "7", "--max-examples", "30")
    second = run(capsys, str(tmp_path), "--seed", "7", "--max-examples", "30")
    assert first == second and first[0] == 1
    assert "seed 7" in first[1]


def test_lpka_kepatuhan_example_proves_full_compliance():
    from kinerja_rules import Engine

    indicator = (
        Engine.create(entry_points=False).catalogue("lpka", 2023).indicator("kepatuhan_disiplin")
    )
    zero_repeaters = [e for e in indicator.examples if e.inputs["A"] == 0]
    assert zero_repeaters and zero_repeaters[0].realisasi == 100


# --- malformed input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("junk.toml", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "KR102"),
        ("empty.toml", b"", "KR202"),
        (
            "array.toml",
            b'year = 2024\nunit_type = "x"\ntitle = "x"\npolicy = [1, 2]\n'
            b"sasaran = []\nindicator = []\n",
            "KR203",
        ),
        (
            "huge.toml",
            (
                HEADER.format(unit_type="x")
                + indicator("big", formula='"' + "A + " * 50_000 + 'B"')  # 200 KB formula
            ).encode(),
            "KR305",
        ),
        (
            "deep.toml",
            (
                HEADER.format(unit_type="x")
                + indicator("deep", formula='"' + "(" * 60_000 + "A" + ")" * 60_000 + '"')
            ).encode(),
            "KR305",
        ),
    ],
)
def test_malformed_catalogues(capsys, tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    started = time.perf_counter()
    exit_code, out, err = run(capsys, str(path), "--format", "json")
    elapsed = time.perf_counter() - started
    assert exit_code == 1 and err == ""
    diagnostics = json.loads(out)
    assert code in {d["code"] for d in diagnostics}
    assert all(d["file"] == str(path) for d in diagnostics)
    assert elapsed < 30  # "within seconds"; generous for a loaded CI machine


def test_a_directory_of_5000_files(capsys, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    one = HEADER.format(unit_type="uji") + indicator("sama")
    for number in range(5000):
        (folder / f"{number:04}.toml").write_text(one, encoding="utf-8")
    started = time.perf_counter()
    code, out, _ = run(capsys, str(folder), "--format", "json", "--no-invariants")
    elapsed = time.perf_counter() - started
    assert code == 1
    diagnostics = json.loads(out)
    assert {d["code"] for d in diagnostics} == {"KR205"}  # the same id in 4 999 later files
    assert len(diagnostics) == 4999
    assert elapsed < 60


def test_missing_path(capsys, tmp_path):
    code, out, _ = run(capsys, str(tmp_path / "nope.toml"))
    assert code == 1 and "KR100" in out


def test_pre_commit_hook_runs_validate():
    hooks = (CATALOG.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: kinerja-rules validate" in hooks


def test_warnings_for_the_commonest_catalogue_slips(capsys, tmp_path):
    text = HEADER.format(unit_type="uji") + textwrap.dedent(
        """\
        [[sasaran]]
        id = "S2"
        level = "kegiatan"
        name = "Sasaran tanpa indikator"

        """
    )
    text += indicator("target_800", target="800")  # KR214: 800 typed for 80
    text += indicator("pelarian", name='"Jumlah kejadian pelarian"', polarity=None)  # KR210
    text += indicator("hunian", polarity='"lower"')  # KR215: no floor
    path = tmp_path / "uji.toml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--no-invariants", "--format", "json")
    assert code == 1  # KR214 is an error (units of measure); the others are warnings
    found = {(d["code"], d["field"]) for d in json.loads(out)}
    assert ("KR214", "indicator[0].target") in found
    assert [d["code"] for d in json.loads(out) if d["severity"] == "error"] == ["KR214"]
    assert ("KR210", "indicator[1].name") in found
    assert ("KR215", "indicator[2].polarity") in found
    assert ("KR216", "sasaran[1]") in found
    # With a floor in the policy the negative-capaian warning goes away.
    floored = text.replace('title = "Uji"\n', 'title = "Uji"\n\n[policy]\ncapaian_floor = 0\n', 1)
    assert floored != text
    path.write_text(floored, encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--no-invariants", "--format", "json")
    assert "KR215" not in {d["code"] for d in json.loads(out)}
    # An occupancy rate above 100 that is meant: above_100 = true silences KR214.
    meant = floored.replace("target = 800\n", "target = 800\nabove_100 = true\n", 1)
    assert meant != floored
    path.write_text(meant, encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--no-invariants", "--format", "json")
    assert "KR214" not in {d["code"] for d in json.loads(out)}


def test_a_catalogue_whose_year_contradicts_its_directory(capsys, tmp_path):
    folder = tmp_path / "2025"
    folder.mkdir()
    # The 2024 Bapas catalogue copied into 2025/ without its year updated.
    (folder / "bapas.toml").write_text(
        (CATALOG / "2024" / "bapas.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, out, _ = run(capsys, str(folder), "--no-invariants", "--format", "json")
    assert code == 0
    [found] = [d for d in json.loads(out) if d["code"] == "KR219"]
    assert found["field"] == "year" and "directory 2025 but says year = 2024" in found["message"]


def test_a_misspelt_key_in_the_only_indicator_is_one_diagnostic(capsys, tmp_path):
    # The indicator does not load, so its sasaran has none: that is not a second problem.
    text = HEADER.format(unit_type="uji") + indicator("uji").replace("formula =", "fomula =")
    path = tmp_path / "uji.toml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, str(path), "--no-invariants", "--format", "json")
    assert code == 1
    assert [d["code"] for d in json.loads(out)] == ["KR201"]


def test_no_floor_warning_for_a_zero_target_with_its_rule(capsys, tmp_path):
    # Target 0 with zero_target declared: (2T - R) / T is never used, so no negative capaian.
    block = textwrap.dedent(
        """\
        [[indicator]]
        id = "pelarian"
        sasaran = "S1"
        level = "IKK"
        name = "Jumlah kejadian pelarian"
        unit = "Kejadian"
        polarity = "lower"
        formula = "N"
        target = 0
        {rule}
        inputs = {{ N = {{ description = "Jumlah kejadian pelarian" }} }}
        """
    )
    path = tmp_path / "uji.toml"
    for rule, warned in (("", True), ("zero_target = { met = 100, missed = 0 }", False)):
        path.write_text(HEADER.format(unit_type="uji") + block.format(rule=rule), "utf-8")
        code, out, _ = run(capsys, str(path), "--no-invariants", "--format", "json")
        assert code == 0
        assert ("KR215" in {d["code"] for d in json.loads(out)}) is warned, out
