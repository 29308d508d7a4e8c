"""Catalogues that upgrade themselves: a catalogue in format 1 (the 2023 format, no
``format_version``) loads with a located deprecation warning and means what the 2023 engine
computed; ``kinerja-rules upgrade`` rewrites it in format 2 keeping every comment and all of its
layout, and the result validates and evaluates to identical figures. The format-1 files are the
first committed catalogues, copied into ``tests/fixtures/format1/`` (no git history needed)."""

from __future__ import annotations

import codecs
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_rules import Engine
from kinerja_rules import upgrade as upgrade_module
from kinerja_rules.catalogue import (
    FIELDS_BY_FORMAT,
    FORMAT_VERSION,
    check_catalogue_bytes,
    check_catalogue_file,
)
from kinerja_rules.cli import main
from kinerja_rules.diagnostics import KinerjaError
from kinerja_rules.engine import collect_functions, create_plugin_manager
from kinerja_rules.render import explain
from kinerja_rules.upgrade import Step, UpgradeError, upgrade_bytes
from kinerja_rules.validation import validate

from .conftest import CATALOG, EXAMPLES, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FORMAT1 = ROOT / "tests" / "fixtures" / "format1"
FILES = sorted(FORMAT1.glob("*/*.toml"))
DATA = {
    (year, unit): EXAMPLES / str(year) / f"{unit}.toml"
    for year in (2022, 2023)
    for unit in ("lpka-pangkalpinang", "bapas-lahat")
}
FUNCTIONS = collect_functions(create_plugin_manager(entry_points=False))

#: What the 2023 engine (the first commit, with these very catalogues) printed as capaian for the
#: seed data: each indicator in catalogue order (None: tidak dapat diukur), the sasaran, overall.
ENGINE_2023 = {
    (2023, "lpka-pangkalpinang"): (
        [125, 106, None, None, None, 125, 100, 107, 103, None, 125, 100, 125]
        + [100, 100, 100, 100, 100, 100, 100],
        [116, 109, 117, 100],
        107,
    ),
    (2023, "bapas-lahat"): (
        ["82.09", "110.78", "111.64"] + ["100.00"] * 9,
        ["101.50", "100.00"],
        "100.38",
    ),
    # The 2022 LPKA catalogue of then truncates (rounding = "down"): 100/93 → 107, 100/70 → 142.
    (2022, "lpka-pangkalpinang"): (
        [133, 107, None, None, None, 133, 100, 111, 125, None, 142, 83, 142, 100, 100, 100, 100]
        + [100],
        [120, 117, 123, 100],
        112,
    ),
    (2022, "bapas-lahat"): (["100.00"] * 7, ["100.00", "100.00"], "100.00"),
}


def figures(report):
    """Everything a reader sees of a report: each indicator's realisasi, capaian, status and
    reason, each sasaran's capaian and status, the overall figure (exact and shown)."""
    return (
        [
            (r.indicator.id, r.realisasi, r.capaian, r.status, r.category, r.na_reason)
            for r in report.indicators
        ],
        [(s.sasaran.id, s.capaian, s.status, s.measured) for s in report.sasaran],
        report.overall,
    )


def shown(figure):
    return figure.shown if figure is not None else None


def year_line(text: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith("year ="))


_STRING_INPUT = re.compile(r"""^(\s*[A-Za-z][A-Za-z0-9_]*\s*=\s*)("[^"]*"|'[^']*')(.*)$""")


def assert_only_the_format_changed(original: str, upgraded: str) -> None:
    """The upgraded text is the original line for line, but for ``format_version = 2`` added
    above ``year`` and string inputs written as tables (their comments after them): so every
    comment, blank line, key and value of the original is where it was."""
    before, after = original.split("\n"), upgraded.split("\n")
    inserted = year_line(original) - 1
    assert after[inserted] == "format_version = 2"
    del after[inserted]
    assert len(after) == len(before)
    for old, new in zip(before, after):
        if old == new:
            continue
        match = _STRING_INPUT.match(old)
        assert match is not None, (old, new)
        key, string, rest = match.groups()
        assert new == f"{key}{{ description = {string} }}{rest}", (old, new)


def comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.split("\n") if "#" in line]


def run(capsys, *args: str):
    code = main(["upgrade", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def upgraded(tmp_path_factory) -> Path:
    """The four format-1 fixtures upgraded with the command, in the same layout."""
    folder = tmp_path_factory.mktemp("upgraded")
    for path in FILES:
        target = folder / path.parent.name / path.name
        target.parent.mkdir(exist_ok=True)
        assert main(["upgrade", str(path), "-o", str(target)]) == 0
    return folder


# --- format 1 loads, warned, with its old meaning -------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_format_1_loads_with_a_located_deprecation_warning(path):
    result = check_catalogue_file(path, FUNCTIONS)
    assert result.catalogue is not None
    assert not [d for d in result.diagnostics if d.is_error]
    [warning] = [d for d in result.diagnostics if d.code == "KR223"]
    assert not warning.is_error
    text = path.read_text(encoding="utf-8")
    location = warning.location
    assert (location.file, location.line, location.col) == (str(path), year_line(text), 1)
    assert location.field == "format_version"
    assert "format 1 (2023); the current format is 2" in warning.message
    assert f"kinerja-rules upgrade {path}" in warning.hint


def test_validate_reports_the_warning_in_every_format(capsys):
    path = FORMAT1 / "2023" / "lpka.toml"
    line = year_line(path.read_text(encoding="utf-8"))
    for fmt, expected in (
        ("text", f"{path}:{line}:1: warning KR223: format_version: this catalogue is in format 1"),
        ("json", '"code": "KR223"'),
        ("github", f"::warning file={path},line={line},col=1,title=KR223::"),
    ):
        code = main(["validate", str(path), "--no-invariants", "--format", fmt])
        out, _ = capsys.readouterr()
        assert code == 0 and expected in out, out
    assert main(["validate", str(path), "--no-invariants", "--strict"]) == 1
    capsys.readouterr()


def test_format_1_means_what_the_2023_engine_computed():
    engine = Engine.create([FORMAT1], entry_points=False)
    for key, (indicators, sasaran, overall) in ENGINE_2023.items():
        report = engine.evaluate_file(DATA[key])
        unit_type = key[1].split("-")[0]
        assert report.catalogue.files == (str(FORMAT1 / str(key[0]) / f"{unit_type}.toml"),)
        as_decimal = [Decimal(str(v)) if v is not None else None for v in indicators]
        assert [shown(r.capaian) for r in report.indicators] == as_decimal, key
        assert [shown(s.capaian) for s in report.sasaran] == [Decimal(str(v)) for v in sasaran]
        assert report.overall.shown == Decimal(str(overall)), key


# --- upgrade ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_upgrade_keeps_every_comment_and_writes_inputs_as_tables(capsys, tmp_path, path):
    out = tmp_path / "out.toml"
    code, stdout, err = run(capsys, str(path), "-o", str(out))
    assert code == 0 and stdout == ""
    original, upgraded = path.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    inputs = sum(len(i["inputs"]) for i in tomllib.loads(original)["indicator"])
    assert f"format 1 (2023) → format 2: format_version = 2 written; {inputs} input(s)" in err
    assert_only_the_format_changed(original, upgraded)
    assert comments(upgraded) == comments(original) and len(comments(original)) >= 5
    before, after = tomllib.loads(original), tomllib.loads(upgraded)
    assert after.pop("format_version") == 2
    for old, new in zip(before["indicator"], after["indicator"]):
        assert new.pop("inputs") == {k: {"description": v} for k, v in old.pop("inputs").items()}
    assert before == after  # nothing else changed


def test_the_upgraded_catalogues_validate_and_evaluate_identically(upgraded):
    old = validate([FORMAT1], entry_points=False, invariants=None)
    new = validate([upgraded], entry_points=False, invariants=None)
    assert old.errors == new.errors == 0 and old.catalogues == new.catalogues == 4
    assert {d.code for d in new.diagnostics} == {d.code for d in old.diagnostics} - {"KR223"}
    assert new.warnings == old.warnings - 4  # the same warnings, but for the format's
    before = Engine.create([FORMAT1], entry_points=False)
    after = Engine.create([upgraded], entry_points=False)
    for path in DATA.values():
        old_report, new_report = before.evaluate_file(path), after.evaluate_file(path)
        assert new_report.catalogue.files[0].startswith(str(upgraded))
        assert figures(new_report) == figures(old_report), path
        old_words = [explain(r) for r in old_report.indicators]  # explain says the same
        assert [explain(r) for r in new_report.indicators] == old_words


def test_upgrading_twice_is_upgrading_once(capsys, upgraded):
    path = upgraded / "2023" / "lpka.toml"
    before = path.read_bytes()
    stamp = path.stat().st_mtime_ns
    code, _, err = run(capsys, str(path))
    assert code == 0
    assert f"{path} is in format 2, the current one: nothing to upgrade" in err
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp  # untouched
    once = upgrade_bytes((FORMAT1 / "2023" / "lpka.toml").read_bytes(), "lpka.toml", FUNCTIONS)
    twice = upgrade_bytes(once.data, "lpka.toml", FUNCTIONS)
    assert twice.data == once.data and not twice.needed and twice.changes == ()


def test_in_place_keeping_permissions(capsys, tmp_path):
    path = tmp_path / "bapas.toml"
    shutil.copyfile(FORMAT1 / "2023" / "bapas.toml", path)
    path.chmod(0o640)
    code, _, _ = run(capsys, str(path))
    assert code == 0
    assert_only_the_format_changed(
        (FORMAT1 / "2023" / "bapas.toml").read_text(encoding="utf-8"),
        path.read_text(encoding="utf-8"),
    )
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["bapas.toml"]  # no temporary left


def test_check_tells_ci_and_writes_nothing(capsys, tmp_path, upgraded):
    old = tmp_path / "lpka.toml"
    shutil.copyfile(FORMAT1 / "2023" / "lpka.toml", old)
    before = old.read_bytes()
    code, _, err = run(capsys, "--check", str(old))
    assert code == 1 and old.read_bytes() == before
    assert f"{old}: format 1 (2023); the current format is 2: run kinerja-rules upgrade" in err
    current = [str(p) for p in sorted(upgraded.glob("*/*.toml"))]
    assert run(capsys, "--check", *current)[0] == 0
    assert run(capsys, "--check", *current, str(old))[0] == 1
    installed = [str(p) for p in sorted(CATALOG.glob("*/*.toml")) if p.name != "anggaran.toml"]
    assert run(capsys, "--check", *installed)[0] == 0  # the bundled catalogues are current
    with pytest.raises(SystemExit) as usage:
        main(["upgrade", "--check", str(old), "-o", str(tmp_path / "x.toml")])
    assert usage.value.code == 2
    assert run(capsys, str(old), str(old), "-o", str(tmp_path / "x.toml"))[0] == 2
    assert old.read_bytes() == before and not (tmp_path / "x.toml").exists()


def test_line_endings_and_byte_order_mark_are_kept(tmp_path):
    text = (FORMAT1 / "2023" / "bapas.toml").read_text(encoding="utf-8")
    raw = codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8")
    result = upgrade_bytes(raw, "bapas.toml", FUNCTIONS)
    assert result.data.startswith(codecs.BOM_UTF8)
    body = result.data[3:].decode("utf-8")
    assert "\n" not in body.replace("\r\n", "")
    assert_only_the_format_changed(text, body.replace("\r\n", "\n"))


def test_a_format_version_1_is_replaced_where_it_stands():
    text = (FORMAT1 / "2023" / "bapas.toml").read_text(encoding="utf-8")
    line = year_line(text)
    text = text.replace("year = 2023", "format_version = 1  # the 2023 format\nyear = 2023", 1)
    result = check_catalogue_bytes(text.encode(), "bapas.toml", FUNCTIONS)
    [warning] = [d for d in result.diagnostics if d.code == "KR223"]
    assert (warning.location.line, warning.location.col) == (line, 18)  # at the value
    upgraded = upgrade_bytes(text.encode(), "bapas.toml", FUNCTIONS).data.decode()
    assert "format_version = 2  # the 2023 format\nyear = 2023" in upgraded
    assert upgraded.count("format_version") == 1


# --- what is refused ----------------------------------------------------------------------------

HEAD = 'format_version = {version}\nyear = 2023\nunit_type = "uji"\ntitle = "Uji"\n'
BODY = (
    '[[sasaran]]\nid = "S1"\nlevel = "kegiatan"\nname = "Sasaran"\n\n'
    '[[indicator]]\nid = "rasio"\nsasaran = "S1"\nlevel = "IKK"\nname = "Persentase uji"\n'
    'unit = "%"\nformula = "A / B * 100"\ntarget = 80\n'
    '[indicator.not_applicable]\nwhen = "B == 0"\nreason = "tidak ada populasi"\n'
    "[indicator.inputs]\n"
    'A = { description = "bagian" }\nB = "keseluruhan"   # format 1 only\n'
)


@pytest.mark.parametrize(
    "name, content, code, where",
    [
        ("syntax.toml", 'year = 2023\ntitle = "Uji\n', "KR101", ":2:"),
        ("future.toml", HEAD.format(version=3) + "[[indicator]]\nbaru = 1\n", "KR224", ":1:18:"),
        ("text.toml", HEAD.format(version='"x"') + BODY, "KR203", ":1:18:"),
        ("zero.toml", HEAD.format(version=0) + BODY, "KR213", ":1:18:"),
        ("broken.toml", HEAD.split("\n", 1)[1] + BODY.replace("formula", "fomula"), "KR201", ""),
        ("data.toml", (EXAMPLES / "2023" / "bapas-lahat.toml").read_text("utf-8"), "KR103", ""),
        ("anggaran.toml", (CATALOG / "2023" / "anggaran.toml").read_text("utf-8"), "KR103", ""),
        ("empty.toml", "# nothing\n", "KR103", ":1:1:"),
    ],
)
def test_bad_files_are_refused_located_and_never_modified(
    capsys, tmp_path, name, content, code, where
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, str(path))
    assert status == 1
    assert re.search(rf"^{re.escape(str(path) + where)}\S*:? error {code}", err, re.M), err
    assert f"kinerja-rules upgrade: {path} was not changed" in err
    assert path.read_text(encoding="utf-8") == content
    assert run(capsys, "--check", str(path))[0] == 1
    out = tmp_path / "out.toml"
    assert run(capsys, str(path), "-o", str(out))[0] == 1 and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_missing_file_and_an_unwritable_output(capsys, tmp_path):
    status, _, err = run(capsys, str(tmp_path / "nowhere.toml"))
    assert status == 1 and "error KR100" in err
    out = tmp_path / "no-such-dir" / "out.toml"
    status, _, err = run(capsys, str(FORMAT1 / "2023" / "bapas.toml"), "-o", str(out))
    assert status == 1 and f"cannot write {out}" in err and not out.parent.exists()


def test_a_newer_format_is_one_error_not_a_screenful():
    text = HEAD.format(version=3) + "[[indicator]]\nbaru = 1\ntak_dikenal = true\n"
    result = check_catalogue_bytes(text.encode(), "baru.toml", FUNCTIONS)
    [error] = result.diagnostics
    assert (
        error.code == "KR224" and "format 3, newer than this kinerja-rules reads" in error.message
    )
    assert (error.location.line, error.location.col) == (1, 18)
    assert "pip install --upgrade kinerja-rules" in error.hint


def test_a_string_input_is_an_error_in_format_2():
    text = HEAD.format(version=2) + BODY
    result = check_catalogue_bytes(text.encode(), "u.toml", FUNCTIONS)
    [error] = [d for d in result.diagnostics if d.is_error]
    assert (error.code, error.location.field) == ("KR203", "indicator[0].inputs.B")
    assert error.location.line == HEAD.count("\n") + BODY.count("\n")
    assert "expected table, found string" in error.message
    assert 'A = { description = "…"' in error.hint and "format 1" in error.hint
    assert result.catalogue is None
    # The same file without format_version is format 1: it loads, warned.
    text = HEAD.split("\n", 1)[1] + BODY
    result = check_catalogue_bytes(text.encode(), "u.toml", FUNCTIONS)
    assert result.catalogue is not None and [d.code for d in result.diagnostics] == ["KR223"]


def test_an_upgrade_that_would_change_the_meaning_writes_nothing(capsys, tmp_path, monkeypatch):
    real = upgrade_module.STEPS[0].apply

    def reckless(document):
        document["indicator"][0]["formula"] = "A / B * 10"  # a slip a future step might make
        return real(document)

    monkeypatch.setattr(upgrade_module, "STEPS", (Step(1, reckless),))
    path = tmp_path / "bapas.toml"
    shutil.copyfile(FORMAT1 / "2023" / "bapas.toml", path)
    with pytest.raises(UpgradeError):
        upgrade_bytes(path.read_bytes(), str(path), FUNCTIONS)
    status, _, err = run(capsys, str(path))
    assert status == 1 and "would not mean what the original means" in err
    assert path.read_bytes() == (FORMAT1 / "2023" / "bapas.toml").read_bytes()


def test_a_step_that_breaks_the_file_writes_nothing(monkeypatch, tmp_path):
    def breaking(document):
        del document["indicator"][0]["target"]
        return []

    monkeypatch.setattr(upgrade_module, "STEPS", (Step(1, breaking),))
    with pytest.raises(KinerjaError, match="kinerja-rules upgrade made this file"):
        upgrade_bytes((FORMAT1 / "2023" / "bapas.toml").read_bytes(), "bapas.toml", FUNCTIONS)


def test_every_input_shape_of_format_1_is_converted():
    text = HEAD.split("\n", 1)[1] + (
        '[[sasaran]]\nid = "S1"\nlevel = "kegiatan"\nname = "S"\n'
        '[[indicator]]\nid = "a"\nsasaran = "S1"\nlevel = "IKK"\nname = "a"\nunit = "%"\n'
        'formula = "A / B * 100"\ntarget = 80\n'
        'inputs = { A = \'literal\', B = "esc\\"aped" }  # inline\n'
        '[[indicator]]\nid = "b"\nsasaran = "S1"\nlevel = "IKK"\nname = "b"\nunit = "%"\n'
        'formula = "A / B * 100"\ntarget = 80\n'
        'inputs.A = "dotted"  # dotted\ninputs.B = { description = "already", kind = "count" }\n'
        '[[indicator]]\nid = "c"\nsasaran = "S1"\nlevel = "IKK"\nname = "c"\nunit = "Unit"\n'
        'formula = "N"\ntarget = 1\n[indicator.inputs]\nN = """\nmulti\nline"""\n'
    )
    result = upgrade_bytes(text.encode(), "shapes.toml", FUNCTIONS)
    upgraded = result.data.decode()
    inline = 'inputs = { A = { description = \'literal\' }, B = { description = "esc\\"aped" } }'
    assert inline + "  # inline" in upgraded
    assert 'inputs.A = { description = "dotted" }  # dotted' in upgraded
    assert 'N = { description = """\nmulti\nline""" }' in upgraded
    assert "4 input(s) written as tables" in result.changes
    inputs = [i["inputs"] for i in tomllib.loads(upgraded)["indicator"]]
    assert inputs[0] == {"A": {"description": "literal"}, "B": {"description": 'esc"aped'}}
    assert inputs[2] == {"N": {"description": "multi\nline"}}


# --- a property: comments anywhere survive ------------------------------------------------------

_LINES = (FORMAT1 / "2023" / "bapas.toml").read_text(encoding="utf-8").split("\n")
_COMMENT_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff"),
    max_size=30,
)


@given(
    data=st.data(),
    full=st.lists(st.tuples(st.integers(0, len(_LINES)), _COMMENT_TEXT), max_size=6),
)
def test_comments_anywhere_survive_the_upgrade(data, full):
    lines = list(_LINES)
    plain = [
        n for n, line in enumerate(lines) if line and "#" not in line and not line[0].isspace()
    ]
    trailing = data.draw(st.lists(st.tuples(st.sampled_from(plain), _COMMENT_TEXT), max_size=6))
    for index, comment in trailing:
        lines[index] += f"  #{comment}"
    for index, comment in sorted(full, reverse=True):
        lines.insert(index, f"#{comment}")
    original = "\n".join(lines)
    upgraded = upgrade_bytes(original.encode("utf-8"), "bapas.toml", FUNCTIONS).data.decode()
    assert comments(upgraded) == comments(original)
    assert_only_the_format_changed(original, upgraded)


def test_a_step_for_every_format_and_the_fields_of_each():
    assert [step.source for step in upgrade_module.STEPS] == list(range(1, FORMAT_VERSION))
    assert sorted(FIELDS_BY_FORMAT) == list(range(1, FORMAT_VERSION + 1))


def test_the_fixtures_are_the_first_catalogues_unchanged():
    """The fixtures are verbatim below their three-line header (a guard against edits)."""
    for path in FILES:
        lines = path.read_text(encoding="utf-8").split("\n")
        assert lines[0].startswith("# Test fixture (tests/test_upgrade.py)")
        assert "format_version" not in "\n".join(lines)
        assert any(re.match(r'^[A-Z] = "', line) for line in lines)  # string inputs
    assert len(FILES) == 4
