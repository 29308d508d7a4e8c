"""Reading realisation data from a long CSV table: one value per row.

::

    unit,unit_type,year,indicator,input,period,value
    Bapas Kelas II Lahat,bapas,2023,klien_bekerja,A,,629
    Bapas Kelas II Lahat,bapas,2023,klien_bekerja,B,,1277
    Bapas Kelas II Lahat,bapas,2023,klien_bekerja,A,06,310
    Bapas Kelas II Lahat,bapas,2023,layanan_perkantoran,realisasi,,1
    Bapas Kelas II Lahat,bapas,2023,gangguan_mental,not_measured,,tidak ada populasi

``period`` empty is the year; ``input`` is an input's name, ``realisasi``,
``realisasi_anggaran``, ``not_measured`` (the value is the reason), or a text about the
indicator: ``note``, ``causes``, ``programmes``. One unit and year
per file: later rows may leave unit, unit_type and year empty, but not give others. An optional
``source`` column gives where the figures come from. Numbers are written with digits and a ``.``
as the decimal point (``12.5``); ``12,5``, ``1.234,5`` and ``1e5`` are refused, located. A file
whose header is separated by ``;`` (Excel's CSV in the Indonesian locale) is read with ``;``.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs

from ..diagnostics import Diagnostic, KinerjaError, Location, closest
from ..sources import PathLike
from .document import MAX_COLUMNS, MAX_CSV_BYTES, MAX_ROWS, SheetDocument, read_bounded
from .layout import NOT_MEASURED, TEXT_INPUTS

COLUMNS = ("unit", "unit_type", "year", "indicator", "input", "period", "value")
OPTIONAL_COLUMNS = ("source",)
#: Top-level keys every row may repeat (the first row that gives one sets it).
_FILE_KEYS = ("unit", "unit_type", "year", "source")

_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?(?:\d+\.\d*|\.\d+)")
NUMBER_HINT = (
    "write numbers with digits and '.' as the decimal point, e.g. 1277 or 12.5 — not 12,5, "
    "1.277, 1,277 or 1e5"
)


def read_csv(path: PathLike) -> SheetDocument:
    name = str(path)
    text = _decode(read_bounded(path, MAX_CSV_BYTES, "a CSV file"), name)
    return _CsvReader(name, text).read()


def _decode(raw: bytes, name: str) -> str:
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        start = raw.rfind(b"\n", 0, error.start) + 1
        col = len(raw[start : error.start].decode("utf-8", "replace")) + 1
        bad = raw[error.start : error.end].hex(" ")
        raise KinerjaError(
            [
                Diagnostic(
                    "KR102",
                    f"invalid UTF-8 (byte {bad})",
                    Location(name, line, col),
                    "save the file as CSV UTF-8 (Excel: Save As > CSV UTF-8)",
                )
            ]
        ) from None


@attrs.frozen
class _Record:
    fields: list[str]
    #: (line, col) where each field starts.
    starts: list[tuple[int, int]]
    line: int


def _records(text: str, name: str) -> Iterator[_Record]:
    lines = text.splitlines(keepends=True)
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(iter(lines), delimiter=delimiter, strict=True)
    done = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise KinerjaError(
                [
                    Diagnostic(
                        "KR100",
                        f"CSV cannot be read: {error}",
                        Location(name, done + 1, 1),
                        "check the quotes on this line: a quoted value ends with a quote "
                        "followed by the separator",
                    )
                ]
            ) from None
        start, done = done + 1, reader.line_num
        if not fields or not any(field.strip() for field in fields):
            continue
        raw = "".join(lines[start - 1 : done])
        yield _Record(fields, _field_starts(raw, start, delimiter, len(fields)), start)


def _field_starts(raw: str, line: int, delimiter: str, count: int) -> list[tuple[int, int]]:
    """Where each field of one record begins, in (line, col), following the CSV quoting."""
    starts = [(line, 1)]
    col = 1
    quoted = False
    at_start = True
    index = 0
    while index < len(raw):
        char = raw[index]
        step = 1
        if quoted:
            if char == '"':
                if raw[index + 1 : index + 2] == '"':
                    step = 2  # a doubled quote inside a quoted field
                else:
                    quoted = False
        elif char == '"' and at_start:
            quoted = True
        elif char == delimiter:
            starts.append((line, col + 1))
            col += 1
            index += 1
            at_start = True
            continue
        at_start = False
        if char == "\n":
            line, col = line + 1, 1
        else:
            col += step
        index += step
    return (starts + [starts[-1]] * count)[:count]


class _CsvReader:
    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.doc = SheetDocument(data={}, origin=(1, 1))
        self.seen: dict[tuple, int] = {}
        self.header_line = 1

    def fail(self, code: str, message: str, where: tuple[int, int], hint: str | None) -> None:
        line, col = where
        self.doc.problems.append(Diagnostic(code, message, Location(self.file, line, col), hint))

    def read(self) -> SheetDocument:
        records = _records(self.text, self.file)
        header = next(records, None)
        if header is None:
            raise KinerjaError(
                [
                    Diagnostic(
                        "KR100",
                        "the CSV file is empty",
                        Location(self.file, 1, 1),
                        "the first line is the header: " + ",".join(COLUMNS),
                    )
                ]
            )
        columns = self.header(header)
        indicators: dict[str, dict] = {}
        self.doc.data["indicators"] = indicators
        for count, record in enumerate(records, start=1):
            if count > MAX_ROWS:
                raise KinerjaError(
                    [
                        Diagnostic(
                            "KR100",
                            f"the CSV file has more than {MAX_ROWS} rows",
                            Location(self.file, record.line, 1),
                            "one unit and year has one row per input and period; split the file",
                        )
                    ]
                )
            self.row(record, columns, indicators)
        return self.doc

    def header(self, record: _Record) -> dict[str, int]:
        self.header_line = record.line
        columns: dict[str, int] = {}
        problems = []
        if len(record.fields) > MAX_COLUMNS:
            raise KinerjaError(
                [
                    Diagnostic(
                        "KR100",
                        f"the header has more than {MAX_COLUMNS} columns",
                        Location(self.file, *record.starts[MAX_COLUMNS]),
                        "the header is: " + ",".join(COLUMNS),
                    )
                ]
            )
        for index, field in enumerate(record.fields):
            name = field.strip().lower()
            where = Location(self.file, *record.starts[index])
            if name in columns:
                problems.append(Diagnostic("KR204", f"column '{name}' twice", where, None))
            elif name not in COLUMNS + OPTIONAL_COLUMNS:
                suggestion = closest(name, COLUMNS + OPTIONAL_COLUMNS)
                hint = f"did you mean '{suggestion}'?" if suggestion else None
                problems.append(
                    Diagnostic(
                        "KR201",
                        f"unknown column '{field.strip()}'"[:200],
                        where,
                        hint or "the header is: " + ",".join(COLUMNS),
                    )
                )
            columns.setdefault(name, index)
        missing = [name for name in COLUMNS if name not in columns]
        if missing:
            problems.append(
                Diagnostic(
                    "KR202",
                    f"the header has no column {', '.join(missing)}",
                    Location(self.file, record.line, 1),
                    "the header is: " + ",".join(COLUMNS),
                )
            )
        if problems:
            raise KinerjaError(problems)
        self.doc.keys[("indicators",)] = (record.line, record.starts[columns["indicator"]][1])
        return columns

    def row(self, record: _Record, columns: dict[str, int], indicators: dict[str, dict]) -> None:
        def field(name: str) -> str:
            index = columns.get(name)
            if index is None or index >= len(record.fields):
                return ""
            return record.fields[index].strip()

        def where(name: str) -> tuple[int, int]:
            index = columns[name]
            if index < len(record.starts):
                return record.starts[index]
            return record.starts[-1]

        if len(record.fields) > len(columns):
            self.fail(
                "KR204",
                f"this row has {len(record.fields)} values, the header {len(columns)} columns",
                record.starts[len(columns)],
                "quote a value that contains the separator, or remove the extra values",
            )
            return
        doc = self.doc
        for key in _FILE_KEYS:
            value = field(key)
            if not value or key not in columns:
                continue
            given = doc.data.get(key)
            year = key == "year" and _INTEGER.fullmatch(value) and len(value) <= 6
            typed: Any = int(value) if year else value
            if key not in doc.data:
                doc.data[key] = typed
                doc.keys[(key,)] = where(key)
                doc.values[(key,)] = where(key)
            elif typed != given:
                first = doc.values[(key,)][0]
                self.fail(
                    "KR204",
                    f"{key} '{value}' differs from '{given}' on line {first}"[:200],
                    where(key),
                    "one unit and year per file: split the file, or correct the row",
                )
        indicator, name, period = field("indicator"), field("input"), field("period")
        if not indicator:
            if name or field("value"):
                self.fail(
                    "KR204",
                    "a value without an indicator id",
                    where("indicator"),
                    "every row names its indicator",
                )
            return
        if not name:
            self.fail(
                "KR204",
                f"a row of {indicator} without an input name",
                where("input"),
                "the input's name as the catalogue declares it (A, B, N), realisasi, "
                "realisasi_anggaran, not_measured or note",
            )
            return
        seen = (indicator, period, name)
        if seen in self.seen:
            self.fail(
                "KR204",
                f"{name} of {indicator}"
                + (f" for period {period}" if period else "")
                + f" is given twice (first on line {self.seen[seen]})",
                where("input"),
                "keep one row per input and period",
            )
            return
        self.seen[seen] = record.line
        base = ("indicators", indicator)
        table = indicators.setdefault(indicator, {})
        doc.keys.setdefault(base, where("indicator"))
        doc.keys.setdefault((*base, "periods"), where("indicator"))
        if period:
            doc.keys.setdefault((*base, "periods", period), where("period"))
            target = table.setdefault("periods", {}).setdefault(period, {})
            path = (*base, "periods", period, name)
        else:
            target, path = table, (*base, name)
        doc.keys[path] = where("input")
        doc.values[path] = where("value")
        value = field("value")
        if name in TEXT_INPUTS:
            if value or name == NOT_MEASURED:
                target[name] = value
            return
        if not value:
            return  # not given: belum dilaporkan
        target[name] = self.number(value, path)

    def number(self, text: str, path: tuple) -> Any:
        if _INTEGER.fullmatch(text) and len(text) <= 40:  # longer is no count, and int() balks
            return int(text)
        if _DECIMAL.fullmatch(text) and len(text) <= 40:
            return Decimal(text)
        location = self.doc.location_of(self.file, path, True)
        self.doc.adjust[location] = lambda found: attrs.evolve(
            found, hint=f"{NUMBER_HINT}; {found.hint}" if found.hint else NUMBER_HINT
        )
        return text
