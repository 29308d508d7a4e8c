"""Reading realisation data from an ``.xlsx`` workbook in the layout ``template`` writes.

The workbook is opened twice in openpyxl's streaming (read-only) mode: once for the values a
spreadsheet program computed and saved (``data_only=True``), once for the formulas, to tell a
formula with no saved value (a workbook written by a program that does not compute, and never
opened in Excel or LibreOffice since) from an empty cell. Cells are read in step from both.
"""

from __future__ import annotations

import datetime
import io
import math
import warnings
import zipfile
from decimal import Decimal
from itertools import zip_longest
from typing import Any

import attrs

from ..diagnostics import Diagnostic, KinerjaError, Location
from ..periods import period_of_key
from ..sources import PathLike, _refuse
from ..tomlpos import Path
from .document import (
    MAX_COLUMNS,
    MAX_MEMBERS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_VALUES,
    MAX_XLSX_BYTES,
    SheetDocument,
    openpyxl_module,
    read_bounded,
)
from .layout import (
    ANNUAL,
    DATA_SHEET,
    HEADER_LABELS,
    INDICATOR,
    INPUT,
    KEY_ROW_SEARCH,
    TEXT_COLUMNS,
    TEXT_INPUTS,
)

WHAT = "an .xlsx workbook"


@attrs.frozen
class Formula:
    """A cell holding a formula but no saved value."""

    text: str


def read_workbook(path: PathLike) -> SheetDocument:
    """The data of the workbook at ``path``, located by sheet and cell; KR100 when it cannot be
    read as a workbook at all."""
    name = str(path)
    raw = read_bounded(path, MAX_XLSX_BYTES, WHAT)
    check_archive(raw, name)
    openpyxl = openpyxl_module(name)
    books = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it does not keep (extensions, slicers);
            # none of them bears on the figures.
            warnings.simplefilter("ignore")
            for data_only in (True, False):
                books.append(
                    openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only)
                )
            sheet = _data_sheet(books[0], name)
            reader = _SheetReader(name, sheet)
            return reader.read(books[0][sheet], books[1][sheet])
    except KinerjaError:
        raise
    except Exception as error:  # a damaged archive member, malformed XML: openpyxl's own errors
        raise _refuse(
            name,
            f"not a workbook that can be read ({type(error).__name__}: {error})"[:300],
            "open it in Excel or LibreOffice and save it again as .xlsx",
        ) from None
    finally:
        for book in books:
            book.close()


def check_archive(raw: bytes, name: str) -> None:
    """Refuse what is not a zip archive, and an archive that would unpack to too much."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        hint = (
            "this is an old-style .xls workbook: save it as .xlsx"
            if raw.startswith(b"\xd0\xcf\x11\xe0")
            else "save it from Excel or LibreOffice as an Excel workbook (.xlsx)"
        )
        raise _refuse(name, "not an .xlsx workbook (not a zip archive)", hint) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _refuse(name, f"workbook archive has more than {MAX_MEMBERS} members")
        # zipfile never unpacks past a member's declared size, so the declared sizes bound it.
        unpacked = sum(member.file_size for member in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _refuse(
                name,
                f"workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB",
                "a data workbook of one unit and year is far smaller; remove pictures and "
                "unused sheets",
            )


def _data_sheet(book: Any, name: str) -> str:
    for title in book.sheetnames:
        if title.strip().casefold() == DATA_SHEET.casefold():
            return title
    raise _refuse(
        name,
        f"the workbook has no sheet '{DATA_SHEET}' (sheets: {', '.join(book.sheetnames)})"[:300],
        "write a data workbook with `kinerja-rules template UNIT_TYPE YEAR -o FILE.xlsx`",
    )


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LABELS = {}
for _key, _label in HEADER_LABELS.items():
    _LABELS[_label.casefold()] = _key
    _LABELS[_key] = _key


@attrs.define
class _Row:
    """One row: its number and, per column (1-based), the value read (None when empty)."""

    number: int
    cells: dict[int, Any]


class _SheetReader:
    def __init__(self, file: str, sheet: str) -> None:
        self.file = file
        self.sheet = sheet
        self.doc = SheetDocument(data={}, origin=f"{sheet}!A1")

    # -- places and problems -----------------------------------------------------------------

    def cell(self, row: int, column: int) -> str:
        return f"{self.sheet}!{column_letter(column)}{row}"

    def location(self, path: Path, value: bool = True) -> Location:
        return self.doc.location_of(self.file, path, value)

    def fail(self, code: str, message: str, row: int, column: int, hint: str | None) -> None:
        where = Location(f"{self.file}!{self.cell(row, column)}")
        self.doc.problems.append(Diagnostic(code, message, where, hint))

    def stop(self, message: str, row: int, column: int, hint: str | None = None) -> KinerjaError:
        where = Location(f"{self.file}!{self.cell(row, column)}")
        return KinerjaError([Diagnostic("KR100", message, where, hint)])

    # -- reading -----------------------------------------------------------------------------

    def rows(self, values_sheet: Any, formulas_sheet: Any):
        """Each non-empty row, its cells merged from the two readings, within the bounds."""
        bounds = {"min_row": 1, "max_row": MAX_ROWS + 1, "max_col": MAX_COLUMNS + 1}
        pairs = zip_longest(values_sheet.iter_rows(**bounds), formulas_sheet.iter_rows(**bounds))
        for number, (values, formulas) in enumerate(pairs, start=1):
            cells: dict[int, Any] = {}
            for index, value_cell in enumerate(values or (), start=1):
                formula_cell = formulas[index - 1] if formulas and index <= len(formulas) else None
                value = _value(value_cell, formula_cell)
                if value is not None:
                    cells[index] = value
            if not cells:
                continue
            if number > MAX_ROWS:
                raise self.stop(
                    f"the sheet has more than {MAX_ROWS} rows", number, min(cells), _LIMIT_HINT
                )
            if MAX_COLUMNS + 1 in cells:
                raise self.stop(
                    f"the sheet has more than {MAX_COLUMNS} columns",
                    number,
                    MAX_COLUMNS + 1,
                    _LIMIT_HINT,
                )
            yield _Row(number, cells)

    def read(self, values_sheet: Any, formulas_sheet: Any) -> SheetDocument:
        rows = self.rows(values_sheet, formulas_sheet)
        keys: dict[int, str] | None = None
        key_row = 0
        for row in rows:
            first = row.cells.get(1)
            if isinstance(first, str) and first.strip() == INDICATOR:
                keys, key_row = self.column_keys(row), row.number
                break
            if row.number >= KEY_ROW_SEARCH:
                break
            self.header(row)
        if keys is None:
            raise self.stop(
                f"no data table: the key row (first cell '{INDICATOR}') is not among the first "
                f"{KEY_ROW_SEARCH} rows of sheet '{self.sheet}'",
                1,
                1,
                "write a data workbook with `kinerja-rules template UNIT_TYPE YEAR -o FILE.xlsx` "
                "and copy the figures into it; do not delete its hidden key row",
            )
        table = _Table(self, keys, key_row)
        for row in rows:
            table.add(row)
        self.doc.data["indicators"] = table.finish()
        for key in ("unit", "unit_type", "year"):  # a required key missing: its empty cell
            if key not in self.doc.data and (key,) in self.doc.values:
                self.doc.origin = self.doc.values[(key,)]
                break
        return self.doc

    def header(self, row: _Row) -> None:
        label = row.cells.get(1)
        key = _LABELS.get(label.strip().casefold()) if isinstance(label, str) else None
        if key is None or (key,) in self.doc.keys:
            return
        self.doc.keys[(key,)] = self.cell(row.number, 1)
        self.doc.values[(key,)] = self.cell(row.number, 2)
        value = row.cells.get(2)
        if isinstance(value, Formula):
            self.formula_problem(value, row.number, 2, key)
            return
        if value is None:
            return
        if key == "year" and isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        self.doc.data[key] = value

    def column_keys(self, row: _Row) -> dict[int, str]:
        keys: dict[int, str] = {}
        seen: dict[str, int] = {}
        for column, value in sorted(row.cells.items()):
            if not isinstance(value, str) or not value.strip():
                continue
            key = value.strip()
            period = period_of_key(key)
            canonical = period.key if period is not None else key
            if canonical in seen:
                raise self.stop(
                    f"column key '{key}' is given twice (first in column "
                    f"{column_letter(seen[canonical])})",
                    row.number,
                    column,
                    "the hidden key row names each column once; write a new template",
                )
            seen[canonical] = column
            keys[column] = key
        for needed in (INDICATOR, INPUT):
            if needed not in seen:
                raise self.stop(
                    f"the key row has no '{needed}' column",
                    row.number,
                    1,
                    "write a new template with `kinerja-rules template`",
                )
        return keys

    def formula_problem(self, formula: Formula, row: int, column: int, what: str) -> None:
        self.fail(
            "KR414",
            f"formula cell without a computed value: ={formula.text}"[:200],
            row,
            column,
            f"{what}: open the workbook in Excel or LibreOffice and save it, so the result of "
            "the formula is stored, or type the figure itself",
        )


_LIMIT_HINT = "the data sheet of one unit and year has one row per input; remove the rest"


def _value(value_cell: Any, formula_cell: Any) -> Any:
    """A cell's value for the reader: None (empty), a str, a Decimal or int, a bool, a
    :class:`Formula` (no saved result), or ``_Error``/``_Other`` for what a number cannot be."""
    value = getattr(value_cell, "value", None)
    if value is None:
        formula = getattr(formula_cell, "value", None)
        if formula is None or getattr(value_cell, "data_type", None) == "str":
            return None  # empty, or a formula whose saved result is the empty text
        text = formula if isinstance(formula, str) else getattr(formula, "text", str(formula))
        return Formula(str(text).removeprefix("="))
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return _Other(str(value), "the cell holds an infinite or undefined number", "KR212")
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if getattr(value_cell, "data_type", None) == "e":
            return _Other(text, f"the cell's formula gives the error {text}")
        return text
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)):
        return _Other(str(value), "the cell holds a date or time: format it as a number")
    return _Other(str(value), "the cell holds no number")


@attrs.frozen
class _Other:
    """A value that is not a number or text, shown as text with what is wrong with it."""

    text: str
    why: str
    #: The code that says it better than build_data's "not a number" (KR212: not finite).
    code: str | None = None


class _Table:
    """The table under the key row: one title row per indicator, one row per input."""

    def __init__(self, reader: _SheetReader, keys: dict[int, str], key_row: int) -> None:
        self.reader = reader
        self.doc = reader.doc
        self.keys = keys
        by_key = {key: column for column, key in keys.items()}
        self.id_column = by_key[INDICATOR]
        self.input_column = by_key[INPUT]
        #: Text columns (reason, note, narrative): column → key.
        self.text_columns = {by_key[key]: key for key in TEXT_COLUMNS if key in by_key}
        #: Figure columns: column → period key as written, or None for the year.
        self.figures: dict[int, str | None] = {}
        for column, key in keys.items():
            if key == ANNUAL:
                self.figures[column] = None
            elif period_of_key(key) is not None:
                self.figures[column] = key
        self.doc.keys[("indicators",)] = reader.cell(max(key_row - 1, 1), self.id_column)
        self.tables: dict[str, dict] = {}
        self.rows_seen: dict[tuple[str, str], int] = {}
        self.texts: dict[str, dict[str, list[str]]] = {}
        self.values = 0

    def add(self, row: _Row) -> None:
        reader = self.reader
        keyed = [c for c in row.cells if c in self.figures or c in self.text_columns]
        self.values += len(keyed)
        if self.values > MAX_VALUES:
            raise reader.stop(
                f"the table has more than {MAX_VALUES} filled cells",
                row.number,
                keyed[-1],
                _LIMIT_HINT,
            )
        indicator = _text(row.cells.get(self.id_column))
        name = _text(row.cells.get(self.input_column))
        if not indicator:
            filled = [c for c in row.cells if c in self.figures or c in self.text_columns]
            if filled:
                reader.fail(
                    "KR204",
                    "a figure in a row without an indicator id",
                    row.number,
                    filled[0],
                    f"every row of the table names its indicator in column "
                    f"{column_letter(self.id_column)}",
                )
            return
        base = ("indicators", indicator)
        if indicator not in self.tables:
            self.tables[indicator] = {}
            self.texts[indicator] = {key: [] for key in TEXT_COLUMNS}
            self.doc.keys[base] = reader.cell(row.number, self.id_column)
            self.doc.keys[(*base, "periods")] = reader.cell(row.number, self.id_column)
            for column, key in self.figures.items():
                if key is not None:
                    self.doc.keys[(*base, "periods", key)] = reader.cell(row.number, column)
        for column, side in self.text_columns.items():
            if column in row.cells:
                self.text_cell(row, column, (*base, side), self.texts[indicator][side])
        if not name:
            filled = [c for c in row.cells if c in self.figures]
            if filled:
                reader.fail(
                    "KR204",
                    f"a figure in the title row of {indicator}, which takes no figure",
                    row.number,
                    filled[0],
                    "write each figure in the row of the input it counts (column "
                    f"{column_letter(self.input_column)} names it)",
                )
            return
        if (indicator, name) in self.rows_seen:
            reader.fail(
                "KR204",
                f"{name} of {indicator} has two rows (the first is row "
                f"{self.rows_seen[(indicator, name)]})",
                row.number,
                self.input_column,
                "keep one row per input and delete the other",
            )
            return
        self.rows_seen[(indicator, name)] = row.number
        table = self.tables[indicator]
        for column, period in self.figures.items():
            if column not in row.cells:
                continue
            if period is None:
                target, path = table, (*base, name)
            else:
                target = table.setdefault("periods", {}).setdefault(period, {})
                path = (*base, "periods", period, name)
            self.doc.keys.setdefault(path, reader.cell(row.number, self.input_column))
            self.doc.values[path] = reader.cell(row.number, column)
            if name in TEXT_INPUTS and period is None:
                self.text_cell(row, column, path, self.texts[indicator][name])
            elif name in TEXT_INPUTS:
                reasons: list[str] = []
                self.text_cell(row, column, path, reasons)
                if reasons:
                    target[name] = reasons[0]
            else:
                target[name] = self.number(row.cells[column], path)

    def number(self, value: Any, path: Path) -> Any:
        """The value for ``build_data``: numbers as they are; anything else as text, with what the
        reader knows about it put into the diagnostic ``build_data`` gives there."""
        where = self.reader.location(path)
        if isinstance(value, Formula):
            problem = Diagnostic(
                "KR414",
                f"formula cell without a computed value: ={value.text}"[:200],
                where,
                "open the workbook in Excel or LibreOffice and save it, so the result of the "
                "formula is stored, or type the figure itself",
            )
            self.doc.problems.append(problem)
            self.doc.adjust[where] = lambda _found, problem=problem: problem
            return f"={value.text}"
        if isinstance(value, _Other):
            self.doc.adjust[where] = lambda found, other=value: _with_hint(found, other)
            return value.text
        if isinstance(value, str):
            why = (
                "the cell holds text, not a number: type the figure itself (digits only, no "
                "apostrophe, spaces or thousand separators)"
            )
            self.doc.adjust[where] = lambda found, why=why: _with_hint(found, _Other(value, why))
        return value

    def text_cell(self, row: _Row, column: int, path: Path, into: list[str]) -> None:
        value = row.cells[column]
        if isinstance(value, Formula):
            self.reader.formula_problem(value, row.number, column, "a text")
            return
        if isinstance(value, _Other):
            text = value.text
        elif isinstance(value, Decimal):
            text = format(value, "f")
        else:
            text = str(value).strip()
        if text and text not in into:
            if not into:
                self.doc.values[path] = self.reader.cell(row.number, column)
            into.append(text)

    def finish(self) -> dict:
        out: dict[str, dict] = {}
        for indicator, table in self.tables.items():
            for side, texts in self.texts[indicator].items():
                if texts:
                    table[side] = "; ".join(texts)
            if table:
                if "periods" in table:  # the periods after the annual figures, as in TOML
                    table["periods"] = table.pop("periods")
                out[indicator] = table
        return out


def _text(value: Any) -> str:
    if value is None or isinstance(value, (Formula, _Other)):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _with_hint(found: Diagnostic, other: _Other) -> Diagnostic:
    hint = f"{other.why}; {found.hint}" if found.hint else other.why
    if other.code == "KR212":
        message = f"the cell holds {other.text}, not a finite number"
        return attrs.evolve(found, code="KR212", message=message, hint=hint)
    return attrs.evolve(found, hint=hint)
