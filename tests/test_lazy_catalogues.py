"""Catalogues loaded lazily, the fast TOML reader, and a command line that imports what it uses.

* ``Engine.create`` indexes catalogue files by (unit type, year) from their first lines and
  loads a catalogue the first time it is asked for: a data file's evaluation parses only its own
  catalogue's files, and a broken catalogue of another unit type does not stop it; ``validate``
  still reports everything.
* Loading lazily gives exactly what loading everything gives: the same catalogues (merged,
  replaced, extended), origins, replacements and score catalogues.
* The fast TOML reader gives the data and positions tomllib and the scanner give, or declines.
* ``import kinerja_rules`` and ``--help`` import no command's modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from kinerja_rules import Engine, KinerjaError, registry
from kinerja_rules.cli import main
from kinerja_rules.tomlpos import _FastReader, _scan, parse_toml, tomllib, top_level
from kinerja_rules.validation import validate

from .conftest import CATALOG, EXAMPLES, ROOT

BAPAS_2023 = (CATALOG / "2023" / "bapas.toml").read_text(encoding="utf-8")
BAPAS_DATA = (EXAMPLES / "2023" / "bapas-lahat.toml").read_text(encoding="utf-8")
FILES = 40
NEEDED = "satker07"
BROKEN = "satker_rusak"


def catalogue_for(unit_type: str) -> str:
    return BAPAS_2023.replace('unit_type = "bapas"', f'unit_type = "{unit_type}"', 1)


def data_for(unit_type: str) -> str:
    return BAPAS_DATA.replace('unit_type = "bapas"', f'unit_type = "{unit_type}"', 1)


@pytest.fixture
def many(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(directory, the needed file, the broken file): FILES catalogues for as many unit types
    of 2023, one of them broken (a hostile formula, far below its first lines), and data for
    another."""
    directory = tmp_path / "katalog"
    (directory / "2023").mkdir(parents=True)
    for number in range(FILES):
        unit_type = f"satker{number:02}"
        (directory / "2023" / f"{unit_type}.toml").write_text(catalogue_for(unit_type), "utf-8")
    broken = directory / "2023" / f"{BROKEN}.toml"
    hostile = "formula = \"__import__('os')\""
    text = catalogue_for(BROKEN).replace('formula = "A / B * 100"', hostile)
    broken.write_text(text, encoding="utf-8")
    (tmp_path / "data.toml").write_text(data_for(NEEDED), encoding="utf-8")
    return directory, directory / "2023" / f"{NEEDED}.toml", broken


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files read and parsed whole (the first lines an index reads are not counted)."""
    parsed: list[str] = []
    original = registry.read_document

    def counting(path, *args, **kwargs):
        parsed.append(str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(registry, "read_document", counting)
    return parsed


def under(directory: Path, files: list[str]) -> list[str]:
    return [file for file in files if file.startswith(str(directory))]


# --- lazy loading -----------------------------------------------------------------------------


def test_evaluate_parses_only_the_catalogue_the_data_needs(many, parses):
    directory, needed, broken = many
    engine = Engine.create([directory], entry_points=False)
    assert under(directory, parses) == []  # indexing reads first lines only
    report = engine.evaluate_file(directory.parent / "data.toml")
    assert report.catalogue.unit_type == NEEDED
    assert report.indicator("klien_bekerja").capaian.shown == Decimal("82.09")
    assert under(directory, parses) == [str(needed)]
    engine.evaluate_file(directory.parent / "data.toml")  # loaded once, then remembered
    assert under(directory, parses) == [str(needed)]


def test_the_command_line_evaluates_past_a_broken_catalogue_of_another_unit_type(
    many, parses, capsys
):
    directory, needed, broken = many
    code = main(["evaluate", str(directory.parent / "data.toml"), "--catalog", str(directory)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "82,09%" in out
    assert under(directory, parses) == [str(needed)]


def test_a_broken_catalogue_stops_what_uses_it_and_validate_reports_it(many, capsys):
    directory, _, broken = many
    data = directory.parent / "rusak.toml"
    data.write_text(data_for(BROKEN), encoding="utf-8")
    engine = Engine.create([directory], entry_points=False)
    with pytest.raises(KinerjaError) as caught:
        engine.evaluate_file(data)
    assert {d.location.file for d in caught.value.diagnostics} == {str(broken)}
    assert caught.value.diagnostics and all(d.is_error for d in caught.value.diagnostics)
    with pytest.raises(KinerjaError):  # the errors are remembered, not forgotten
        engine.catalogue(BROKEN, 2023)
    with pytest.raises(KinerjaError):  # listing every catalogue loads the broken one too
        list(engine.catalogues)

    result = validate([], [directory], invariants=None, entry_points=False)
    assert {d.location.file for d in result.diagnostics if d.is_error} == {str(broken)}
    assert result.catalogues == 6 + FILES  # the bundled six and every good one
    assert result.files == 7 + FILES + 1
    code = main(["validate", "--no-invariants", "--catalog", str(directory)])
    out, _ = capsys.readouterr()
    assert code == 1 and f"{broken}:" in out and "error KR304" in out

    with pytest.raises(KinerjaError) as eager:  # the old way: everything checked at once
        Engine.create([directory], entry_points=False, lazy=False)
    assert eager.value.diagnostics == caught.value.diagnostics


def test_a_file_for_no_unit_type_and_year_is_refused_at_once(many):
    directory, _, _ = many
    (directory / "junk.toml").write_text('title = "no unit type, no year"\n', encoding="utf-8")
    with pytest.raises(KinerjaError) as caught:
        Engine.create([directory], entry_points=False)
    assert {d.location.file for d in caught.value.diagnostics} == {str(directory / "junk.toml")}
    assert "KR202" in {d.code for d in caught.value.diagnostics}


def test_a_file_whose_first_lines_do_not_tell_is_parsed_whole(tmp_path, parses):
    directory = tmp_path / "katalog"
    directory.mkdir()
    long_comment = "".join(f"# {'x' * 70}\n" for _ in range(80))  # past what is read first
    path = directory / "bapas.toml"
    path.write_text(long_comment + catalogue_for("panjang"), encoding="utf-8")
    engine = Engine.create([directory], entry_points=False)
    assert under(directory, parses) == [str(path)]  # parsed when indexed...
    assert engine.catalogue("panjang", 2023).files == (str(path),)
    assert under(directory, parses) == [str(path)]  # ...and the parse kept for loading


def lazy_and_eager(*directories: Path) -> tuple[Engine, Engine]:
    lazy = Engine.create(list(directories), entry_points=False)
    eager = Engine.create(list(directories), entry_points=False, lazy=False)
    return lazy, eager


def assert_same(lazy: Engine, eager: Engine) -> None:
    keys = sorted(eager.catalogues.catalogues)
    for key in keys:  # each looked up on its own first, as an evaluation would
        assert lazy.catalogues.get(*key) == eager.catalogues.get(*key), key
        assert lazy.catalogues.origins[key] == eager.catalogues.origins[key], key
        assert lazy.catalogues.replaced.get(key) == eager.catalogues.replaced.get(key), key
    assert [c.key for c in lazy.catalogues] == [c.key for c in eager.catalogues]
    assert dict(lazy.catalogues.replaced) == dict(eager.catalogues.replaced)
    assert dict(lazy.catalogues.origins) == dict(eager.catalogues.origins)
    assert dict(lazy.catalogues.scores) == dict(eager.catalogues.scores)


def test_replacing_merging_and_extending_are_unchanged(tmp_path):
    first = tmp_path / "pertama"
    (first / "2023").mkdir(parents=True)
    # replaces the installed bapas 2023
    copy = BAPAS_2023.replace('title = "', 'title = "Salinan: ', 1)
    (first / "2023" / "bapas.toml").write_text(copy, encoding="utf-8")
    # a new unit type split over two files of one directory (merged)
    whole = catalogue_for("rupbasan")
    (first / "2023" / "rupbasan-a.toml").write_text(whole, encoding="utf-8")
    head, *indicators = whole.split("\n[[indicator]]")
    added = indicators[0].replace('id = "klien_bekerja"', 'id = "klien_bekerja_lain"', 1)
    (first / "2023" / "rupbasan-b.toml").write_text(
        head + "\n[[indicator]]" + added, encoding="utf-8"
    )
    # an extension of the installed bapas 2024, in a second directory
    second = tmp_path / "kedua"
    (second / "2024").mkdir(parents=True)
    extension = ROOT / "examples" / "tutorial" / "katalog" / "2024" / "bapas-litmas.toml"
    (second / "2024" / "bapas-litmas.toml").write_bytes(extension.read_bytes())
    # and one more replacement of what the first directory brought
    (second / "2023").mkdir()
    (second / "2023" / "bapas.toml").write_text(
        BAPAS_2023.replace('title = "', 'title = "Salinan kedua: ', 1), encoding="utf-8"
    )
    lazy, eager = lazy_and_eager(first, second)
    assert_same(lazy, eager)
    bapas = lazy.catalogue("bapas", 2023)
    assert bapas.title.startswith("Salinan kedua: ")
    assert lazy.catalogues.replaced[("bapas", 2023)] == ("plugin bapas", f"--catalog {first}")
    extended = lazy.catalogue("bapas", 2024)
    assert extended.indicator("litmas_tepat_waktu") is not None
    assert lazy.catalogues.origins[("bapas", 2024)] == f"plugin bapas + --catalog {second}"
    assert len(lazy.catalogue("rupbasan", 2023).files) == 2


def test_an_extension_with_nothing_to_extend_stops_only_its_own_unit_type(tmp_path):
    directory = tmp_path / "katalog"
    directory.mkdir()
    text = (ROOT / "examples" / "tutorial" / "katalog" / "2024" / "bapas-litmas.toml").read_text(
        encoding="utf-8"
    )
    (directory / "sendiri.toml").write_text(
        text.replace('unit_type = "bapas"', 'unit_type = "tanpa_induk"'), encoding="utf-8"
    )
    engine = Engine.create([directory], entry_points=False)
    assert engine.evaluate_file(EXAMPLES / "2023" / "bapas-lahat.toml").indicators
    with pytest.raises(KinerjaError) as caught:
        engine.catalogue("tanpa_induk", 2024)
    assert [d.code for d in caught.value.diagnostics] == ["KR221"]


def test_score_catalogues_are_loaded_when_asked_for(tmp_path, parses):
    engine = Engine.create(entry_points=False)

    def score_parses() -> int:
        return sum(1 for path in parses if path.endswith(os.path.join("2023", "anggaran.toml")))

    # No unit type in its first lines: parsed whole when indexed (read from the file system;
    # a packaged resource is read from memory), and the parse kept for loading it.
    indexed = score_parses()
    assert indexed <= 1 and len(parses) == indexed
    assert engine.catalogues.scores[2023].score("ikpa") is not None
    assert score_parses() == indexed


def test_plugins_lists_every_catalogue(many, capsys):
    directory, _, broken = many
    broken.unlink()
    code = main(["plugins", "--catalog", str(directory)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"  {NEEDED} 2023: 12 indicators, from --catalog {directory}" in out
    assert out.count(" 2023: 12 indicators, from --catalog ") == FILES
    assert "scores 2023: smart, ikpa, capaian_kinerja_anggaran" in out


def test_validate_in_processes_finds_what_one_process_finds(many):
    directory, _, _ = many
    one = validate([directory], invariants=None, entry_points=False, jobs=1)
    two = validate([directory], invariants=None, entry_points=False, jobs=2)
    assert one == two
    assert one.errors and one.files == FILES + 1 and one.catalogues == FILES


# --- the first lines of a file ---------------------------------------------------------------


@pytest.mark.parametrize(
    "head, complete, expected",
    [
        (b'year = 2024\nunit_type = "x"\n[policy]\n', True, {"year": 2024, "unit_type": "x"}),
        (b'\xef\xbb\xbfyear = 2024\n[[indicator]]\nid = "a"\n', True, {"year": 2024}),
        (b'year = 2024\nunit_type = "x"\ntitle = "cut he', False, {"year": 2024, "unit_type": "x"}),
        (b'note = """\n[x]\n"""\nyear = 2024\n', True, None),  # a table line inside a string
        (b"renstra_period = [\n  [2020, 2024]]\nyear = 2024\n", True, None),  # or an array
        (b"year = 2024\nyear = 2025\n", True, None),  # not TOML
        (b"year = 2024", False, None),  # no whole line
        (b'year = "\xff"\n', True, None),
    ],
)
def test_top_level_keys_from_the_first_lines(head, complete, expected):
    assert top_level(head, complete) == expected


# --- the fast TOML reader ------------------------------------------------------------------


def strictly_equal(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(strictly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, Decimal):
        return str(a) == str(b)
    return a == b


def slow(text: str):
    keys, values = _scan(text)
    return tomllib.loads(text, parse_float=Decimal), keys, values


TOML_FILES = sorted(
    path
    for folder in ("indicator_catalog", "examples", "tests")
    for path in (ROOT / folder).rglob("*.toml")
)


@pytest.mark.parametrize("path", TOML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_fast_reader_reads_every_file_of_the_project_as_tomllib_and_the_scanner(path):
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    fast = _FastReader(text).read()
    assert fast is not None, "a plain file the fast reader should know"
    data, keys, values = slow(text)
    assert strictly_equal(fast[0], data)
    assert list(fast[1].items()) == list(keys.items())
    assert list(fast[2].items()) == list(values.items())


ACCEPTED = [
    "a = 1\nb = -0\nc = 0.50\nd = -12.25\ne = true\nf = false\n",
    's = "x \\" \\\\ \\n \\t"\nl = \'C:\\\\path\'\n',
    "a = [1, [2, 3], {x = 1}, 'y',]\nb = [\n  1, # one\n  2,\n]\nc = []\nd = {}\n",
    "[a.b]\nx = 1\n[a]\ny = 2\n[[a.c]]\nz = 3\n[[a.c]]\n[a.c.d]\nw = 4\n",
    "x = 1 # c\r\n[t] # c\r\ny = 'z'\r\n",
    "# only a comment",
    "",
]
DECLINED = [
    "a.b = 1\n",  # dotted keys
    '"a" = 1\n',  # quoted keys
    'a = """x"""\n',
    "a = '''x'''\n",
    "a = 1979-05-27\n",
    "a = 1e5\n",
    "a = 0x10\n",
    "a = 1_000\n",
    "a = +1\n",
    "a = inf\n",
    'a = "\\u0041"\n',
    "a = { b = 1, }\n",  # invalid: a trailing comma in an inline table
    "a = 1\na = 2\n",  # invalid: a key twice
    "[a]\n[a]\n",  # invalid: a table twice
    "a = {x = 1}\n[a]\n",  # invalid: an inline table reopened
    "a = [1]\n[[a]]\n",  # invalid: a static array appended to
    "[[a]]\n[a]\n",
    "[a.b]\n[a]\nb = 1\n",
    "a = 1 b = 2\n",
    'a = "x\x01"\n',
    "a = 1\r",
    "\ufeffa = 1\n",
    "[ a ]\n",
    "a = " + "[" * 40 + "]" * 40 + "\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_the_fast_reader_agrees_with_tomllib_and_the_scanner(text):
    fast = _FastReader(text).read()
    assert fast is not None
    data, keys, values = slow(text)
    assert strictly_equal(fast[0], data)
    assert list(fast[1].items()) == list(keys.items())
    assert list(fast[2].items()) == list(values.items())
    assert parse_toml(text).data == data


@pytest.mark.parametrize("text", DECLINED)
def test_the_fast_reader_leaves_the_rest_to_tomllib(text):
    assert _FastReader(text).read() is None
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError:
        return
    assert strictly_equal(parse_toml(text).data, data)


# --- imports ----------------------------------------------------------------------------------

HEAVY = ("tomlkit", "openpyxl", "matplotlib", "docx", "hypothesis", "jsonschema")


def imported_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def top_packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_import_kinerja_rules_imports_no_command_and_no_optional_library():
    modules = imported_after("import kinerja_rules")
    assert not top_packages(modules) & set(HEAVY)
    assert {m for m in modules if m.startswith("kinerja_rules.")} == set()
    modules = imported_after("from kinerja_rules import Engine, Report, Status")
    assert not top_packages(modules) & set(HEAVY)


def test_help_and_evaluate_import_only_what_they_use():
    helped = imported_after(
        """
        import contextlib, io
        from kinerja_rules.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                main(["--help"])
            except SystemExit:
                pass
        """
    )
    assert {m for m in helped if m.startswith("kinerja_rules.")} <= {
        "kinerja_rules.cli",
        "kinerja_rules.formatting",
    }
    evaluated = imported_after(
        """
        import contextlib, io
        from kinerja_rules.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["evaluate", "examples/2023/bapas-lahat.toml"]) == 0
        """
    )
    assert not top_packages(evaluated) & {*HEAVY, "tomllib"}
    for module in ("roll", "diff", "manual", "audit", "budget", "reports", "validation"):
        assert f"kinerja_rules.{module}" not in evaluated


def test_the_parser_choices_are_the_modules_own():
    from kinerja_rules import cli, json_schema, manual, render, validation, verification

    assert cli.FORMATS == render.FORMATS
    assert cli.MANUAL_FORMATS == manual.FORMATS
    assert cli.VALIDATE_FORMATS == validation.FORMATS
    assert list(cli.SCHEMA_KINDS) == sorted(json_schema.SCHEMAS)
    assert cli.DEFAULT_EXAMPLE_BUDGET == verification.DEFAULT_EXAMPLE_BUDGET


def test_help_is_unchanged():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "kinerja_rules", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0 and not done.stderr
    assert done.stdout.startswith("usage: kinerja-rules [-h] [--version] COMMAND ...")
    for command in (
        "evaluate",
        "explain",
        "report",
        "audit",
        "plugins",
        "budget",
        "roll",
        "diff",
        "manual",
        "template",
        "schema",
        "validate",
    ):
        assert f"\n    {command} " in done.stdout, command
    validate_help = subprocess.run(
        [sys.executable, "-m", "kinerja_rules", "validate", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    ).stdout
    assert "(default: 1500)" in validate_help and "{text,json,github}" in validate_help
    schema_help = subprocess.run(
        [sys.executable, "-m", "kinerja_rules", "schema", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    ).stdout
    assert "{budget,catalogue,data,scores}" in schema_help
