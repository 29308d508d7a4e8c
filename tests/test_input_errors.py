"""Bad catalogues and bad data end in located diagnostics (file, line, column, field, hint),
never a traceback and never a half-loaded result. Expected lines are found in the test's own text
(``line_of``), not taken from the code under test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kinerja_rules import Engine, KinerjaError

from .conftest import CATALOG, EXAMPLES

GOOD = textwrap.dedent(
    """\
    year = 2024
    unit_type = "uji"
    title = "Uji"

    [policy]
    decimals = 2
    rounding = "half_up"

    [[sasaran]]
    id = "S1"
    level = "kegiatan"
    name = "Sasaran uji"

    [[indicator]]
    id = "rasio"
    sasaran = "S1"
    level = "IKK"
    name = "Persentase uji"
    unit = "%"
    formula = "A / B * 100"
    target = 80
    [indicator.inputs]
    A = "bagian"
    B = "keseluruhan"
    """
)


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def load_catalogue_text(tmp_path: Path, text: str):
    (tmp_path / "uji.toml").write_text(text, encoding="utf-8")
    with pytest.raises(KinerjaError) as caught:
        Engine.create([tmp_path], entry_points=False, lazy=False)
    return caught.value.diagnostics


def test_the_good_catalogue_loads(tmp_path):
    (tmp_path / "uji.toml").write_text(GOOD, encoding="utf-8")
    assert Engine.create([tmp_path], entry_points=False).catalogue("uji", 2024).indicator("rasio")


@pytest.mark.parametrize(
    "old, new, code, field, message, hint",
    [
        (
            'formula = "A / B * 100"',
            'formulla = "A / B * 100"',
            "KR201",
            "indicator[0].formulla",
            "unknown key 'formulla'",
            "did you mean 'formula'?",
        ),
        (
            'formula = "A / B * 100"\n',
            "",
            "KR202",
            "indicator[0]",
            "missing required key 'formula'",
            "add formula =",
        ),
        (
            "target = 80",
            "target = true",
            "KR203",
            "indicator[0].target",
            "expected number or string or table, found boolean",
            None,
        ),
        (
            "target = 80",
            'target = "80 Unit"',
            "KR209",
            "indicator[0].target",
            "target is in 'Unit' but the indicator's unit is '%'",
            "write the target in %",
        ),
        (
            'rounding = "half_up"',
            'rounding = "halfup"',
            "KR204",
            "policy.rounding",
            "'halfup' is not one of",
            'did you mean "half_up"?',
        ),
        (
            'sasaran = "S1"',
            'sasaran = "S2"',
            "KR206",
            "indicator[0].sasaran",
            "sasaran 'S2' is not declared",
            "declared: S1",
        ),
        (
            'A = "bagian"',
            'realisasi = "bagian"',
            "KR204",
            "indicator[0].inputs.realisasi",
            "cannot be an input name",
            None,
        ),
        (
            'formula = "A / B * 100"',
            'formula = "A / C * 100"',
            "KR303",
            "indicator[0].formula",
            "'C' is not a declared input",
            "declare C under [indicator.inputs]",
        ),
        ("year = 2024", "year = 2024.5", "KR203", "year", "expected integer, found number", None),
    ],
)
def test_catalogue_mistakes_are_located(tmp_path, old, new, code, field, message, hint):
    text = GOOD.replace(old, new, 1)
    diagnostics = load_catalogue_text(tmp_path, text)
    matching = [d for d in diagnostics if d.code == code]
    assert matching, [d.format() for d in diagnostics]
    diagnostic = matching[0]
    assert diagnostic.location.file == str(tmp_path / "uji.toml")
    assert diagnostic.location.field == field
    assert message in diagnostic.message
    if hint:
        assert hint in diagnostic.hint
    if code != "KR202":  # a missing key is located at its table's header
        assert diagnostic.location.line == line_of(text, new.split(" = ")[0] + " =")
    else:
        assert diagnostic.location.line == line_of(text, "[[indicator]]")


def test_a_misspelt_key_is_one_mistake_and_one_diagnostic(tmp_path):
    text = GOOD.replace("formula =", "formulla =")
    [diagnostic] = load_catalogue_text(tmp_path, text)
    assert (diagnostic.code, diagnostic.hint) == ("KR201", "did you mean 'formula'?")


def test_toml_syntax_error_has_line_and_column(tmp_path):
    text = GOOD.replace('name = "Persentase uji"', 'name = "Persentase uji')
    [diagnostic] = load_catalogue_text(tmp_path, text)
    assert diagnostic.code == "KR101"
    assert diagnostic.location.line == line_of(text, 'name = "Persentase uji')
    assert diagnostic.location.col is not None


def test_duplicate_indicator_id(tmp_path):
    second = GOOD[GOOD.index("[[indicator]]") :]
    text = GOOD + "\n" + second
    diagnostics = load_catalogue_text(tmp_path, text)
    [diagnostic] = [d for d in diagnostics if d.code == "KR205"]
    assert diagnostic.location.field == "indicator[1].id"
    assert diagnostic.location.line == len(GOOD.splitlines()) + 1 + line_of(second, 'id = "rasio"')
    assert "first used at" in diagnostic.hint


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD.replace("target = 80", "target = [80]").replace('unit = "%"', "unit = 5")
    codes = sorted(d.code for d in load_catalogue_text(tmp_path, text))
    assert codes == ["KR203", "KR203"]


def test_split_catalogue_with_clashing_policy(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    other = GOOD.replace("decimals = 2", "decimals = 0").replace(
        'id = "rasio"', 'id = "rasio_lain"'
    )
    (tmp_path / "b.toml").write_text(other, encoding="utf-8")
    with pytest.raises(KinerjaError) as caught:
        Engine.create([tmp_path], entry_points=False, lazy=False)
    assert [d.code for d in caught.value.diagnostics] == ["KR207"]


@pytest.mark.parametrize(
    "content, code",
    [
        (b"\x00\xff\xfe binary junk", "KR102"),
        (b"", "KR202"),  # an empty file is valid TOML with every required key missing
        (b"year = [1, 2]\nunit_type = 'x'\ntitle = 'x'\nsasaran = []\nindicator = []\n", "KR203"),
        (b"indicator = 'not a table'\n", "KR203"),
    ],
)
def test_malformed_catalogue_files(tmp_path, content, code):
    (tmp_path / "junk.toml").write_bytes(content)
    with pytest.raises(KinerjaError) as caught:
        Engine.create([tmp_path], entry_points=False, lazy=False)
    assert code in {d.code for d in caught.value.diagnostics}
    assert all(d.location.file == str(tmp_path / "junk.toml") for d in caught.value.diagnostics)


def test_catalogue_directory_problems(tmp_path):
    with pytest.raises(KinerjaError, match="catalogue directory not found"):
        Engine.create([tmp_path / "missing"], entry_points=False)
    with pytest.raises(KinerjaError, match=r"no \.toml catalogue files"):
        Engine.create([tmp_path], entry_points=False)


# --- realisation data ----------------------------------------------------------------------------

BAPAS_DATA = (EXAMPLES / "2023" / "bapas-lahat.toml").read_text(encoding="utf-8")


def load_data_text(engine, tmp_path, text):
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KinerjaError) as caught:
        engine.load_data(path)
    return caught.value.diagnostics


@pytest.mark.parametrize(
    "old, new, code, fragment, line_fragment",
    [
        (
            "[indicators.klien_bekerja]",
            "[indicators.klien_kerja]",
            "KR401",
            "'klien_kerja' is not an indicator",
            "[indicators.klien_kerja]",
        ),
        (
            "A = 629\n",
            "",
            "KR402",
            "missing input A for klien_bekerja",
            "[indicators.klien_bekerja]",
        ),
        ("A = 629", "A = -1", "KR403", "A = -1 is negative", "A = -1"),
        ("A = 629", 'A = "629"', "KR404", "A must be a number, found string", 'A = "629"'),
        ("A = 629", "A = 62.9", "KR407", "A = 62.9 is not a whole number", "A = 62.9"),
        ("A = 629", "C = 629", "KR406", "'C' is not an input of klien_bekerja", "C = 629"),
        (
            "year = 2023",
            "year = 2031",
            "KR405",
            "no catalogue for unit type 'bapas' and year 2031",
            "unit_type",
        ),
        (
            "A = 629",
            "A = 629\nrealisasi = 49",
            "KR204",
            "either the inputs, or realisasi",
            "[indicators.klien_bekerja]",
        ),
        (
            'unit = "Bapas Kelas II Lahat"',
            'unit_name = "Bapas"',
            "KR201",
            "unknown key 'unit_name'",
            "unit_name",
        ),
    ],
)
def test_data_mistakes_are_located(engine, tmp_path, old, new, code, fragment, line_fragment):
    assert old in BAPAS_DATA
    text = BAPAS_DATA.replace(old, new, 1)
    diagnostics = load_data_text(engine, tmp_path, text)
    [diagnostic] = [d for d in diagnostics if d.code == code]
    assert fragment in diagnostic.message
    assert diagnostic.location.line == line_of(text, line_fragment)
    assert diagnostic.hint


def test_unknown_indicator_hint_suggests_the_closest_id(engine, tmp_path):
    text = BAPAS_DATA.replace("[indicators.klien_bekerja]", "[indicators.klien_bekerj]")
    [diagnostic] = load_data_text(engine, tmp_path, text)
    assert diagnostic.hint == "did you mean 'klien_bekerja'?"


def test_missing_indicator_in_data_is_not_applicable(engine, tmp_path):
    text = BAPAS_DATA.replace("[indicators.gedung_bangunan]\nN = 1\n", "")
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    result = engine.evaluate_file(path).indicator("gedung_bangunan")
    assert (result.realisasi, result.capaian, result.na_reason) == (
        None,
        None,
        "tidak ada data realisasi",
    )


def test_data_file_problems(engine, tmp_path):
    with pytest.raises(KinerjaError, match="file not found"):
        engine.load_data(tmp_path / "nope.toml")
    with pytest.raises(KinerjaError, match="is a directory"):
        engine.load_data(tmp_path)


def test_bundled_catalogues_are_clean():
    """Every bundled catalogue loads (this is also what CI would catch first)."""
    engine = Engine.create([CATALOG], entry_points=False)
    assert {(c.unit_type, c.year) for c in engine.catalogues} == {
        ("lpka", 2022),
        ("lpka", 2023),
        ("bapas", 2022),
        ("bapas", 2023),
        ("lpka", 2024),  # rolled from 2023 (kinerja-rules roll)
        ("bapas", 2024),
    }
