"""What the spreadsheet readers share: the located document they build, their size bounds, a
bounded read of a regular file, and the optional openpyxl import.

The readers (:mod:`.xlsx`, :mod:`.csv_data`) and the template writer import from here; the package
itself only chooses a reader by the file's suffix, so nothing imports back up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Union

import attrs

from .. import schema
from ..data import UnitData, build_data
from ..diagnostics import Diagnostic, KinerjaError, Location
from ..registry import CatalogueSet
from ..sources import PathLike, _refuse, read_regular
from ..tomlpos import Path

#: Largest workbook read (bytes, as stored: xlsx is a zip archive). A filled monthly template of
#: the largest bundled catalogue is about 20 KiB; 8 MiB leaves room for logos and styling.
MAX_XLSX_BYTES = 8 * 1024 * 1024
#: Largest total size the members of a workbook may unpack to (a zip bomb is refused unread).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: Most members a workbook archive may have.
MAX_MEMBERS = 2000
#: Largest CSV file read. One value per row: 60 indicators × 3 inputs × 12 months is about
#: 2 200 rows, 130 KiB; the cap is MAX_ROWS rows of 100 bytes.
MAX_CSV_BYTES = 2 * 1024 * 1024
#: Most rows and columns of a table read (a data sheet, a CSV file).
MAX_ROWS = 20_000
MAX_COLUMNS = 100
#: Most filled figure and text cells a workbook's table may have: as many values as the
#: largest CSV file has rows, so a workbook can cost no more than a CSV file (each value
#: can give one diagnostic). A filled monthly workbook of 60 indicators has about 4 000.
MAX_VALUES = MAX_ROWS

#: File name endings read as spreadsheets; everything else is TOML.
XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
#: Spreadsheet formats that are not read, with what to do instead.
UNREAD_SUFFIXES = {
    ".xls": "save it as an Excel workbook (.xlsx)",
    ".ods": "save it as an Excel workbook (.xlsx)",
    ".tsv": "save it as CSV with comma separators",
}

INSTALL_HINT = 'install the xlsx extra: pip install "kinerja-rules[xlsx]"'

#: Where a key or value is: a cell (``"Data!C7"``) in a workbook, (line, col) in a CSV file.
Where = Union[str, tuple[int, int]]


@attrs.define
class SheetDocument:
    """A data file read from a spreadsheet, in the shape :func:`build_data` checks.

    ``data`` is exactly what the TOML file would parse to. ``keys`` and ``values`` say where each
    path was written; a path with no place of its own (a missing input) is located at its
    nearest ancestor's (the indicator's first row). ``adjust`` rewrites the diagnostic
    :func:`build_data` gives at a location into one that says what the reader knows better (a
    formula with no computed value, a number written with a comma).
    """

    data: dict
    keys: dict[Path, Where] = attrs.field(factory=dict)
    values: dict[Path, Where] = attrs.field(factory=dict)
    #: Where the document itself is (an error about the whole table).
    origin: Where = (1, 1)
    #: Problems the reader found itself.
    problems: list[Diagnostic] = attrs.field(factory=list)
    adjust: dict[Location, Callable[[Diagnostic], Diagnostic]] = attrs.field(factory=dict)
    text: str = ""

    def where(self, path: Path, value: bool) -> Where:
        if value and path in self.values:
            return self.values[path]
        for end in range(len(path), 0, -1):
            part = path[:end]
            if part in self.keys:
                return self.keys[part]
            if part in self.values:
                return self.values[part]
        return self.origin

    def location_of(self, file: str, path: Path, value: bool = False) -> Location:
        field = schema.field_name(path) or None
        place = self.where(path, value)
        if isinstance(place, str):
            return Location(f"{file}!{place}", field=field)
        line, col = place
        return Location(file, line, col, field)


def build(doc: SheetDocument, file: str, catalogues: CatalogueSet) -> UnitData:
    """:func:`build_data` on a spreadsheet's document, with the reader's own problems merged in:
    each at its place, replacing what :func:`build_data` said there."""
    try:
        data = build_data(doc, file, catalogues)
    except KinerjaError as error:
        raise KinerjaError(_merged(doc, list(error.diagnostics))) from None
    if doc.problems:
        raise KinerjaError(list(doc.problems))
    return data


def _merged(doc: SheetDocument, found: list[Diagnostic]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    done: set[Location] = set()
    for diagnostic in found:
        change = doc.adjust.get(diagnostic.location)
        if change is None:
            out.append(diagnostic)
        elif diagnostic.location not in done:
            done.add(diagnostic.location)
            out.append(change(diagnostic))
    placed = {d.location for d in out}
    out.extend(p for p in doc.problems if p.location not in placed)
    return out


def read_bounded(path: PathLike, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a located KR100."""
    name = str(path)
    raw = read_regular(path, name, limit + 1, what)
    if len(raw) > limit:
        raise _refuse(
            name,
            f"file is larger than {_size(limit)}",
            f"{what} of one unit and year is far smaller; remove pictures and unused sheets, "
            "or split the file",
        )
    return raw


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count >= 1024 * 1024 else f"{count // 1024} KiB"


def openpyxl_module(file: str) -> Any:
    """The openpyxl module, or a KR100 on ``file`` naming the extra that installs it."""
    try:
        import openpyxl
    except ImportError:
        raise _refuse(
            file,
            "reading and writing .xlsx workbooks needs openpyxl, which is not installed",
            INSTALL_HINT,
        ) from None
    return openpyxl
