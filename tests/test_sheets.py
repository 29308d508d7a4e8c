"""Realisation data from spreadsheets: the ``template`` workbook and long CSV tables.

Every bundled catalogue is filled through a workbook and through CSV from the TOML data and must
evaluate to the very same JSON as the TOML; the cells named in the located errors are counted by
hand from the layout (title row 9, inputs under it; columns A id, B input, C Uraian, D Satuan,
then the periods, then Tahun).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

openpyxl = pytest.importorskip("openpyxl")

from kinerja_rules.cli import main  # noqa: E402
from kinerja_rules.diagnostics import KinerjaError  # noqa: E402
from kinerja_rules.engine import Engine  # noqa: E402
from kinerja_rules.render import render  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "sheets"
HEADER = ["unit", "unit_type", "year", "indicator", "input", "period", "value"]


@pytest.fixture(scope="module")
def engine():
    return Engine.create()


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def _json(engine: Engine, path: Path) -> dict:
    found = json.loads(render(engine.evaluate_file(path), "json"))
    found.pop("file", None)  # the data file's name is the one thing allowed to differ
    return found


def _template(tmp_path: Path, unit_type: str, year: int, *options: str) -> Path:
    out = tmp_path / f"{unit_type}-{year}.xlsx"
    assert main(["template", unit_type, str(year), *options, "-o", str(out)]) == 0
    return out


def _to_csv(data: dict, path: Path, delimiter: str = ",") -> Path:
    """The test's own writer of the long table: the file-level columns on the first row only."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow([*HEADER, "source"])
    head = [data["unit"], data["unit_type"], data["year"]]
    first = True
    for indicator, table in data["indicators"].items():
        for key, value in table.items():
            cells = [(key, "", value)] if key != "periods" else []
            for period, figures in table.get("periods", {}).items() if key == "periods" else ():
                cells += [(name, period, number) for name, number in figures.items()]
            for name, period, number in cells:
                start = head if first else ["", "", ""]
                writer.writerow(
                    [*start, indicator, name, period, number, data.get("source", "") * first]
                )
                first = False
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _relabelled(source: Path, year: int, tmp_path: Path) -> Path:
    """The 2023 data as if it were another year's (the 2024 catalogues keep the 2023 ids)."""
    text = source.read_text(encoding="utf-8").replace("year = 2023", f"year = {year}")
    out = tmp_path / f"{source.stem}-{year}.toml"
    out.write_text(text, encoding="utf-8")
    return out


# (data file, periods of the template): every bundled catalogue, annual and monthly data,
# templates with each kind of period column.
CASES = [
    ("2022/lpka-pangkalpinang.toml", "annual"),
    ("2022/bapas-lahat.toml", "quarterly"),
    ("2023/lpka-pangkalpinang.toml", "monthly"),
    ("2023/bapas-lahat.toml", "annual"),
    ("2023/lpka-pangkalpinang-bulanan.toml", None),
    ("2023/bapas-lahat-bulanan.toml", "monthly"),
    ("2024/lpka-pangkalpinang.toml", "quarterly"),
    ("2024/bapas-lahat.toml", None),
]


def _data_file(name: str, tmp_path: Path) -> Path:
    if name.startswith("2024/"):
        return _relabelled(EXAMPLES / "2023" / name.removeprefix("2024/"), 2024, tmp_path)
    return EXAMPLES / name


@pytest.mark.parametrize(("name", "periods"), CASES)
def test_a_template_filled_from_data_evaluates_as_the_data(engine, tmp_path, name, periods):
    data = _data_file(name, tmp_path)
    parsed = _toml(data)
    options = ["--from", str(data)] + (["--periods", periods] if periods else [])
    workbook = _template(tmp_path, parsed["unit_type"], parsed["year"], *options)
    assert _json(engine, workbook) == _json(engine, data)
    # notes and the Bab III narrative too, which the JSON does not show
    assert engine.load_data(workbook).entries == engine.load_data(data).entries


MIXED = """\
unit = "Bapas Uji"
unit_type = "bapas"
year = 2023
source = "uji"

[indicators.klien_bekerja]
note = "catatan"
causes = "pelatihan kerja"
[indicators.klien_bekerja.periods]
01 = { A = 3, B = 4 }
02 = { not_measured = "tidak ada klien" }
03 = { realisasi = 12.5 }

[indicators.layanan_perkantoran]
realisasi = 1
programmes = "program layanan"

[indicators.dokumen_bmn]
not_measured = "belum ada dokumen"
"""


@pytest.mark.parametrize("periods", ["monthly", None])
def test_every_kind_of_entry_survives_the_workbook(engine, tmp_path, periods):
    data = tmp_path / "campur.toml"
    data.write_text(MIXED, encoding="utf-8")
    options = ["--from", str(data)] + (["--periods", periods] if periods else [])
    workbook = _template(tmp_path, "bapas", 2023, *options)
    expected = engine.load_data(data)
    assert engine.load_data(workbook).entries == expected.entries
    sheet = openpyxl.load_workbook(workbook)["Data"]
    # klien_bekerja: title row 9, A 10, B 11, then its realisasi row 12 and not_measured row 13;
    # January is E, February F, March G
    rows = [(sheet[f"B{r}"].value, sheet[f"E{r}"].value, sheet[f"F{r}"].value) for r in (12, 13)]
    assert rows == [("realisasi", None, None), ("not_measured", None, "tidak ada klien")]
    assert sheet["G12"].value == 12.5
    table = _to_csv(_toml(data), tmp_path / "campur.csv")
    assert engine.load_data(table).entries == expected.entries


@pytest.mark.parametrize(("name", "periods"), CASES)
def test_csv_evaluates_as_the_data_and_fills_a_template(engine, tmp_path, name, periods):
    data = _data_file(name, tmp_path)
    parsed = _toml(data)
    table = _to_csv(parsed, tmp_path / "data.csv")
    expected = _json(engine, data)
    assert _json(engine, table) == expected
    assert engine.load_data(table).source == parsed.get("source")
    workbook = _template(tmp_path, parsed["unit_type"], parsed["year"], "--from", str(table))
    assert _json(engine, workbook) == expected


def test_csv_with_semicolons_as_excel_writes_it_in_indonesian(engine, tmp_path):
    data = EXAMPLES / "2023" / "bapas-lahat.toml"
    table = _to_csv(_toml(data), tmp_path / "data.csv", delimiter=";")
    table.write_bytes(b"\xef\xbb\xbf" + table.read_bytes())  # Excel's "CSV UTF-8" has a BOM
    assert _json(engine, table) == _json(engine, data)


# -- the workbook a unit's operator gets ---------------------------------------------------------


@pytest.fixture(scope="module")
def bapas_book(tmp_path_factory):
    """bapas 2023 filled with the Lahat figures, monthly columns: klien_bekerja's title row is
    row 9, A row 10 (629 in Q10, the Tahun column after E..P = Januari..Desember), B row 11."""
    folder = tmp_path_factory.mktemp("book")
    source = EXAMPLES / "2023" / "bapas-lahat.toml"
    return _template(folder, "bapas", 2023, "--from", str(source), "--periods", "monthly")


def _edited(book: Path, tmp_path: Path, edit) -> Path:
    workbook = openpyxl.load_workbook(book)
    edit(workbook["Data"])
    out = tmp_path / "edited.xlsx"
    workbook.save(out)
    return out


def _errors(engine: Engine, path: Path) -> list:
    with pytest.raises(KinerjaError) as caught:
        engine.load_data(path)
    return list(caught.value.diagnostics)


def test_the_layout_of_the_template(bapas_book):
    workbook = openpyxl.load_workbook(bapas_book)
    assert workbook.sheetnames == ["Petunjuk", "Data"]
    guide = " ".join(str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row)
    assert "belum dilaporkan" in guide and "bukan 0" in guide and "Keterangan" in guide
    sheet = workbook["Data"]
    assert [sheet[f"A{row}"].value for row in range(2, 6)] == [
        "Unit kerja",
        "Jenis satker",
        "Tahun",
        "Sumber",
    ]
    assert (sheet["B2"].value, sheet["B3"].value, sheet["B4"].value) == (
        "Bapas Kelas II Lahat",
        "bapas",
        2023,
    )
    labels = [sheet.cell(row=7, column=c).value for c in range(1, 18)]
    assert labels[:5] == ["Kode indikator", "Input", "Uraian", "Satuan", "Januari"]
    assert labels[15:17] == ["Desember", "Tahun"]
    keys = [sheet.cell(row=8, column=c).value for c in range(1, 18)]
    assert keys[4:17] == [
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "09",
        "10",
        "11",
        "12",
        "Y",
    ]
    assert sheet.row_dimensions[8].hidden
    assert (sheet["A9"].value, sheet["B9"].value) == ("klien_bekerja", None)
    figures = (sheet["B10"].value, sheet["Q10"].value, sheet["B11"].value, sheet["Q11"].value)
    assert figures == ("A", 629, "B", 1277)
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet["A10"].protection.locked and sheet["B10"].protection.locked
    assert not sheet["E10"].protection.locked and not sheet["Q10"].protection.locked
    assert sheet["Q9"].protection.locked  # the title row takes no figure
    assert not sheet["R9"].protection.locked  # … but its reason when not measured
    assert sheet.freeze_panes == "E9"
    [rule] = [v for v in sheet.data_validations.dataValidation if "E10" in str(v.sqref)]
    assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert str(rule.sqref) == "E10:Q10"


def test_validation_of_a_decimal_input_with_a_maximum(tmp_path):
    folder = tmp_path / "katalog"
    folder.mkdir()
    (folder / "uji.toml").write_text(
        """\
year = 2024
unit_type = "uji"
title = "Uji 2024"

[[sasaran]]
id = "S1"
level = "kegiatan"
name = "Sasaran uji"

[[indicator]]
id = "indeks_kepuasan"
sasaran = "S1"
level = "IKK"
name = "Indeks kepuasan masyarakat"
unit = "indeks"
formula = "A"
target = 3
[indicator.inputs]
A = { description = "Nilai indeks kepuasan", kind = "number", max = 4 }
""",
        encoding="utf-8",
    )
    out = tmp_path / "uji.xlsx"
    args = ["template", "uji", "2024", "--periods", "annual", "--catalog", str(folder)]
    assert main([*args, "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["Data"]
    # annual: columns A..D, then Tahun in E; the indicator's title row 9, its input A row 10
    assert (sheet["E8"].value, sheet["B10"].value) == ("Y", "A")
    [rule] = sheet.data_validations.dataValidation
    assert (rule.type, rule.operator, rule.formula1, rule.formula2) == (
        "decimal",
        "between",
        "0",
        "4",
    )
    assert str(rule.sqref) == "E10"
    sheet["E10"] = 3.25
    sheet.parent.save(out)
    engine = Engine.create([folder])
    [error] = _errors(engine, out)  # the unit's name is left to fill in: B2
    assert (error.code, str(error.location)) == ("KR202", f"{out}!Data!B2")
    sheet["B2"] = "Satker Uji"
    sheet.parent.save(out)
    engine = Engine.create([folder])
    data = engine.load_data(out)
    assert data.entries["indeks_kepuasan"].inputs == {"A": Decimal("3.25")}


def test_an_empty_template_is_every_indicator_without_data(engine, tmp_path):
    book = _template(tmp_path, "lpka", 2024, "--unit", "LPKA Uji")
    data = engine.load_data(book)
    assert (data.unit, data.unit_type, data.year, dict(data.entries)) == (
        "LPKA Uji",
        "lpka",
        2024,
        {},
    )


def test_negative_count_is_located_at_its_cell(engine, bapas_book, tmp_path):
    book = _edited(bapas_book, tmp_path, lambda s: s.__setitem__("Q10", -5))
    [error] = _errors(engine, book)
    assert error.code == "KR403"
    assert str(error.location) == f"{book}!Data!Q10"
    assert error.format().startswith(f"{book}!Data!Q10: error KR403: indicators.klien_bekerja.A: ")


def test_text_in_a_count_cell_is_located_at_its_cell(engine, bapas_book, tmp_path):
    book = _edited(bapas_book, tmp_path, lambda s: s.__setitem__("Q11", "1.277 orang"))
    [error] = _errors(engine, book)
    assert (error.code, str(error.location)) == ("KR404", f"{book}!Data!Q11")
    assert "'1.277 orang'" in error.message and "text" in error.hint


def test_a_monthly_figure_is_located_at_its_month(engine, bapas_book, tmp_path):
    # June is the 6th month column: E + 5 = J; B of klien_bekerja is row 11
    def edit(sheet):
        sheet["J10"] = 12
        sheet["J11"] = 2.5

    book = _edited(bapas_book, tmp_path, edit)
    [error] = _errors(engine, book)
    assert (error.code, str(error.location)) == ("KR407", f"{book}!Data!J11")
    assert error.location.field == "indicators.klien_bekerja.periods.06.B"


def test_a_deleted_input_row_is_a_missing_input_at_the_indicator(engine, bapas_book, tmp_path):
    book = _edited(bapas_book, tmp_path, lambda s: s.delete_rows(11))
    [error] = _errors(engine, book)
    assert error.code == "KR402" and "missing input B for klien_bekerja" in error.message
    assert str(error.location) == f"{book}!Data!A9"  # klien_bekerja's title row


def test_a_formula_without_a_computed_value_is_located(engine, bapas_book, tmp_path):
    book = _edited(bapas_book, tmp_path, lambda s: s.__setitem__("Q10", "=600+29"))
    [error] = _errors(engine, book)
    assert (error.code, str(error.location)) == ("KR414", f"{book}!Data!Q10")
    assert "=600+29" in error.message and "LibreOffice" in error.hint


def _patch_cell(book: Path, cell: str, change) -> None:
    """Rewrite one cell's XML in the Data sheet (sheet2.xml) of the archive."""
    with zipfile.ZipFile(book) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    name = "xl/worksheets/sheet2.xml"
    text = members[name].decode("utf-8")
    start = text.index(f'<c r="{cell}"')
    end = text.index("</c>", start)
    changed = change(text[start:end])
    assert changed != text[start:end]
    members[name] = (text[:start] + changed + text[end:]).encode("utf-8")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)


def _with_cached_values(book: Path, values: dict[str, str]) -> None:
    """Store results for formula cells, as Excel and LibreOffice do on saving (openpyxl writes
    formulas with an empty ``<v />`` or ``<v></v>``)."""
    for cell, value in values.items():
        _patch_cell(book, cell, lambda xml, v=value: re.sub(r"<v\s*/>|<v></v>", f"<v>{v}</v>", xml))


def test_a_workbook_saved_by_libreoffice_reads_its_formulas_results(engine):
    # tests/fixtures/sheets/bapas-2023-libreoffice.xlsx: the bapas 2023 template filled from
    # the Lahat data, Q10 and Q11 replaced by formulas and E10 by one giving "", then converted
    # with `libreoffice --headless --convert-to xlsx`, which computed and stored the results.
    book = FIXTURES / "bapas-2023-libreoffice.xlsx"
    sheet = openpyxl.load_workbook(book)["Data"]
    assert (sheet["Q10"].value, sheet["Q11"].value) == ("=600+29", "=SUM(E11:P11)+1277")
    assert sheet["E10"].value == '=IF(1>2,5,"")'
    assert _json(engine, book) == _json(engine, EXAMPLES / "2023" / "bapas-lahat.toml")


def test_an_infinite_number_is_not_finite(engine, bapas_book, tmp_path):
    book = _edited(bapas_book, tmp_path, lambda s: s.__setitem__("Q10", 7))
    _patch_cell(book, "Q10", lambda cell: cell.replace("<v>7</v>", "<v>1E999</v>"))
    [error] = _errors(engine, book)
    assert (error.code, str(error.location)) == ("KR212", f"{book}!Data!Q10")
    assert "infinite" in error.hint


def test_formula_cells_with_computed_values_read_those_values(engine, bapas_book, tmp_path):
    def edit(sheet):
        sheet["Q10"] = "=600+29"
        sheet["Q11"] = "=1000+277"

    book = _edited(bapas_book, tmp_path, edit)
    _with_cached_values(book, {"Q10": "629", "Q11": "1277"})
    assert _json(engine, book) == _json(engine, EXAMPLES / "2023" / "bapas-lahat.toml")


def test_a_formula_giving_an_empty_text_is_an_empty_cell(engine, bapas_book, tmp_path):
    # LibreOffice stores ="" as <c t="str"><f>…</f><v></v></c>: nothing reported, not KR414
    def edit(sheet):
        sheet["E10"] = '=IF(1>2,5,"")'

    book = _edited(bapas_book, tmp_path, edit)
    _patch_cell(
        book,
        "E10",
        lambda xml: re.sub(r"<v\s*/>", "<v></v>", xml).replace('<c r="E10"', '<c r="E10" t="str"'),
    )
    assert "klien_bekerja" in engine.load_data(book).entries


def test_the_reason_an_indicator_is_not_measured_goes_in_keterangan(engine, bapas_book, tmp_path):
    def edit(sheet):
        sheet["Q10"] = None
        sheet["Q11"] = None
        sheet["R9"] = "tidak ada klien usia produktif"  # Keterangan of the title row

    book = _edited(bapas_book, tmp_path, edit)
    entry = engine.load_data(book).entries["klien_bekerja"]
    assert entry.not_measured == "tidak ada klien usia produktif"


def test_a_figure_left_empty_is_not_given(engine, bapas_book, tmp_path):
    book = _edited(bapas_book, tmp_path, lambda s: s.__setitem__("Q11", None))
    [error] = _errors(engine, book)
    assert (error.code, str(error.location)) == ("KR402", f"{book}!Data!A9")
    assert "missing input B" in error.message


# -- CSV ------------------------------------------------------------------------------------------


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


CSV_HEAD = "unit,unit_type,year,indicator,input,period,value\n"


def test_csv_errors_are_located_by_line_and_column(engine, tmp_path):
    path = _csv(
        tmp_path,
        CSV_HEAD
        + "Bapas Uji,bapas,2023,klien_bekerja,A,,-3\n"  # line 2: value starts at column 39
        + ',,,klien_bekerja,B,,"12,5"\n'  # line 3: the quoted value starts at column 21
        + "Bapas Lain,,,dokumen_bmn,N,06,1\n",  # line 4: another unit
    )
    errors = {d.code: d for d in _errors(engine, path)}
    assert set(errors) == {"KR403", "KR404", "KR204"}
    assert str(errors["KR403"].location) == f"{path}:2:39"
    assert errors["KR403"].location.field == "indicators.klien_bekerja.A"
    assert str(errors["KR404"].location) == f"{path}:3:21"
    assert "'.' as the decimal point" in errors["KR404"].hint
    assert str(errors["KR204"].location) == f"{path}:4:1"
    assert "differs from 'Bapas Uji'" in errors["KR204"].message


def test_csv_periods_reasons_and_realisasi(engine, tmp_path):
    path = _csv(
        tmp_path,
        CSV_HEAD
        + "Bapas Uji,bapas,2023,klien_bekerja,A,01,3\n"
        + ",,,klien_bekerja,B,01,4\n"
        + ",,,klien_bekerja,not_measured,02,tidak ada klien\n"
        + ",,,layanan_perkantoran,realisasi,,1\n"
        + ',,,dokumen_bmn,not_measured,,"belum ada, menunggu"\n'
        + ",,,dokumen_bmn,note,,catatan\n",
    )
    data = engine.load_data(path)
    klien = data.entries["klien_bekerja"]
    assert [(p.key, e.inputs, e.not_measured) for p, e in klien.periods.items()] == [
        ("01", {"A": 3, "B": 4}, None),
        ("02", {}, "tidak ada klien"),
    ]
    assert data.entries["layanan_perkantoran"].realisasi == 1
    bmn = data.entries["dokumen_bmn"]
    assert (bmn.not_measured, bmn.note) == ("belum ada, menunggu", "catatan")


def test_csv_header_mistakes(engine, tmp_path):
    path = _csv(tmp_path, "unit,unit_type,year,indikator,input,period,value\n")
    [unknown, missing] = _errors(engine, path)
    assert (unknown.code, str(unknown.location)) == ("KR201", f"{path}:1:21")
    assert "did you mean 'indicator'?" in unknown.hint
    assert (missing.code, "indicator" in missing.message) == ("KR202", True)


# -- refused files, bounds, the optional dependency ------------------------------------------------


def test_files_that_are_not_workbooks(engine, tmp_path):
    old = tmp_path / "lama.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    [error] = _errors(engine, old)
    assert error.code == "KR100" and ".xlsx" in error.hint
    fake = tmp_path / "palsu.xlsx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    [error] = _errors(engine, fake)
    assert error.code == "KR100" and "old-style .xls" in error.hint
    other = tmp_path / "lain.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    workbook.save(other)
    [error] = _errors(engine, other)
    assert "no sheet 'Data'" in error.message


def test_size_limits(engine, tmp_path, bapas_book):
    big = tmp_path / "besar.xlsx"
    with open(big, "wb") as handle:
        handle.truncate(8 * 1024 * 1024 + 1)
    [error] = _errors(engine, big)
    assert (error.code, error.message) == ("KR100", "file is larger than 8 MiB")
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/a.xml", bytes(65 * 1024 * 1024))
    [error] = _errors(engine, bomb)
    assert error.message == "workbook unpacks to more than 64 MiB"
    rows = _edited(bapas_book, tmp_path, lambda s: s.__setitem__("A20001", "x"))
    [error] = _errors(engine, rows)
    assert (error.message, str(error.location)) == (
        "the sheet has more than 20000 rows",
        f"{rows}!Data!A20001",
    )
    columns = _edited(bapas_book, tmp_path, lambda s: s.cell(row=10, column=101, value=1))
    [error] = _errors(engine, columns)
    assert str(error.location) == f"{columns}!Data!CW10"  # column 101 = 3 × 26 + 23: C, W


def test_filled_cells_are_bounded(engine, bapas_book, monkeypatch):
    # the Lahat figures fill Tahun (Q) of rows 10, 11, 13, 14, 16, 17 (three A/B indicators, each
    # under its title row), then 19, 21, 23, 25, 27, … (one N under each title row): the 11th
    # filled cell is Q27
    monkeypatch.setattr("kinerja_rules.sheets.xlsx.MAX_VALUES", 10)
    [error] = _errors(engine, bapas_book)
    assert (error.message, str(error.location)) == (
        "the table has more than 10 filled cells",
        f"{bapas_book}!Data!Q27",
    )


def test_without_openpyxl_the_message_names_the_extra(
    engine, bapas_book, tmp_path, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl raises ImportError
    [error] = _errors(engine, bapas_book)
    assert error.code == "KR100"
    assert error.hint == 'install the xlsx extra: pip install "kinerja-rules[xlsx]"'
    assert main(["template", "bapas", "2023", "-o", str(tmp_path / "t.xlsx")]) == 1
    assert 'pip install "kinerja-rules[xlsx]"' in capsys.readouterr().err
    assert not (tmp_path / "t.xlsx").exists()


def test_template_usage_errors(tmp_path, capsys):
    out = str(tmp_path / "t.xlsx")
    assert main(["template", "rutan", "2023", "-o", out]) == 1
    assert "no catalogue for unit type 'rutan' and year 2023" in capsys.readouterr().err
    source = str(EXAMPLES / "2023" / "bapas-lahat.toml")
    assert main(["template", "bapas", "2024", "--from", source, "-o", out]) == 1
    assert "is data for bapas 2023, not bapas 2024" in capsys.readouterr().err
    monthly = str(EXAMPLES / "2023" / "bapas-lahat-bulanan.toml")
    assert (
        main(["template", "bapas", "2023", "--from", monthly, "--periods", "quarterly", "-o", out])
        == 1
    )
    err = capsys.readouterr().err
    assert "error KR413" in err and "--periods monthly" in err
    assert not Path(out).exists()
