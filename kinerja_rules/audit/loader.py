"""Loading printed-figure files, with the same located diagnostics as every other loader.

A printed-figure file transcribes what a report prints, figure by figure, each with the table
(or page, or sentence) that prints it::

    unit = "Bapas Kelas II Lahat"
    unit_type = "bapas"
    year = 2023
    data = "bapas-lahat.toml"                      # the counts, relative to this file
    previous = ["../2022/bapas-lahat.toml"]        # previous years' data (optional)
    budget = "bapas-lahat-anggaran.toml"           # the budget chapter (optional)

    [[figure]]
    where = "Tabel III.2"
    indicator = "klien_bekerja"
    target = "60%"
    realisasi = "49,26%"
    capaian = "82,09%"

The format is documented in ``docs/audit.md``. This module checks the shape (KR2xx) and reads
every printed figure (KR713) and row (KR714); what the ids mean is checked by the audit, which
knows the catalogues of every year involved.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Any

import attrs

from .. import kinds, schema
from ..decimals import INPUT, YEAR, Domain
from ..diagnostics import Diagnostic, raise_if_errors
from ..schema import Field
from ..sources import PathLike, read_document
from ..tomlpos import Path, TomlDocument
from .model import (
    ACHIEVED,
    COLUMNS,
    NOT_ACHIEVED,
    NOT_MEASURABLE,
    Cell,
    PrintedFile,
    PrintedValue,
    Row,
    WeightsRow,
)

#: A printed number: a comma or a point before the decimals, no thousands separators.
_NUMBER = r"-?\d{1,13}(?:[.,]\d{1,6})?"
_PRINTED = re.compile(
    rf"\(?\s*(?P<value>{_NUMBER})"
    rf"(?:\s*(?:-|–|s\.d\.|s/d)\s*(?P<upper>{_NUMBER}))?"
    r"\s*(?P<unit>%|[^\W\d_]+(?: [^\W\d_]+)?)?\s*\)?",
    re.IGNORECASE,
)
_DASHES = ("-", "–", "—")
#: Every printed figure: finite, at most 10^12 in size, at most 6 decimals.
PRINTED = Domain(
    "printed figure",
    -(Decimal(10) ** 12),
    Decimal(10) ** 12,
    6,
    'a figure as printed, e.g. "82,09%", "1 Layanan", 96 or "-"',
)

FIGURE_VALUE = Field(
    ("string", "number"),
    doc='a figure as printed, e.g. "82,09%", "1 Layanan", 96, or "-" when the cell is empty',
    domain=PRINTED,
)
FIGURE_FIELDS: dict[str, Field] = {
    "where": Field(
        ("string",),
        required=True,
        doc='the table (or page, line) that prints the row, e.g. "Tabel III.4, hal. 17"',
    ),
    "indicator": Field(("string",), doc="the indicator's id in the catalogue"),
    "sasaran": Field(("string",), doc="the sasaran's id in the catalogue"),
    "overall": Field(("boolean",), doc="true: the overall mean of the report (Nilai Rata-rata)"),
    "year": Field(
        ("integer",), doc="the year of the printed column (default: the file's year)", domain=YEAR
    ),
    "text": Field(("string",), doc="the sentence, when the narrative (not a table) states it"),
    "label": Field(("string",), doc="the row's name as printed"),
    "target": FIGURE_VALUE,
    "realisasi": FIGURE_VALUE,
    "capaian": FIGURE_VALUE,
    "renstra": Field(
        ("table",),
        doc='Renstra targets as printed, by year: { 2023 = "60%", 2021 = "-" }',
        values=FIGURE_VALUE,
        key_pattern=r"\d{4}",
        key_doc='years, e.g. renstra = { 2023 = "60%" }',
    ),
    "status": Field(("string",), doc='the status as printed: "Tercapai", "belum tercapai"'),
    "indicators": Field(
        ("integer",), doc="the number of indicators printed for a sasaran", domain=INPUT
    ),
}
WEIGHTS_FIELDS: dict[str, Field] = {
    "score": Field(("string",), required=True, doc='a score of the score catalogue, e.g. "smart"'),
    "where": Field(("string",), required=True, doc="the table (or page, line) that prints them"),
    "text": Field(("string",), doc="the sentence, when the narrative states them"),
    "printed": Field(
        ("table",),
        required=True,
        doc='each component\'s weight as printed: { capaian_ro = "43,5%" }',
        values=FIGURE_VALUE,
    ),
}
PRINTED_FIELDS: dict[str, Field] = {
    "unit": Field(("string",), required=True, doc='the work unit, e.g. "Bapas Kelas II Lahat"'),
    "unit_type": Field(("string",), required=True, doc='the unit type, e.g. "bapas"'),
    "year": Field(("integer",), required=True, doc="the report's year", domain=YEAR),
    "source": Field(("string",), doc="the report transcribed"),
    "data": Field(
        ("string",), required=True, doc="the data file with the year's counts, relative to here"
    ),
    "previous": Field(
        ("array",),
        doc="data files of previous years, relative to here",
        values=Field(("string",), doc="a data file"),
    ),
    "budget": Field(("string",), doc="the budget file of the year, relative to here"),
    "figure": Field(
        ("array",),
        required=True,
        doc="the printed rows, one [[figure]] per row of a table or sentence",
        values=Field(("table",), table=FIGURE_FIELDS),
    ),
    "weights": Field(
        ("array",),
        doc="component weights of a score as printed",
        values=Field(("table",), table=WEIGHTS_FIELDS),
    ),
}


def parse_printed(value: Any) -> PrintedValue | None:
    """A printed figure, or None when it cannot be read (``"8O%"``, ``"12,5,3"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return PrintedValue(str(value), Decimal(value), 0, None)
    if isinstance(value, Decimal):
        return PrintedValue(str(value), value, max(0, -int(value.as_tuple().exponent)), None)
    text = str(value)
    stripped = text.strip()
    if stripped in _DASHES:
        return PrintedValue(text, None)
    match = _PRINTED.fullmatch(stripped)
    if match is None:
        return None
    number = match.group("value").replace(",", ".")
    decimals = len(number.partition(".")[2])
    unit = match.group("unit")
    if unit is not None and unit.casefold() in ("%", "persen", "percent"):
        unit = "%"
    upper = match.group("upper")
    return PrintedValue(
        text,
        Decimal(number),
        decimals,
        unit,
        Decimal(upper.replace(",", ".")) if upper is not None else None,
    )


def parse_status(text: str) -> str | None:
    """What printed status words claim: achieved, not achieved, or not measurable."""
    words = " ".join(text.casefold().split())
    if any(w in words for w in ("tidak dapat diukur", "tidak dapat dihitung", "n/a")):
        return NOT_MEASURABLE
    if "not measurable" in words:
        return NOT_MEASURABLE
    if any(w in words for w in ("belum", "tidak", "not ")):
        return NOT_ACHIEVED
    if any(w in words for w in ("tercapai", "terlampaui", "berhasil", "achieved")):
        return ACHIEVED
    return None


def load_printed(path: PathLike) -> PrintedFile:
    """Load a printed-figure file; raise :class:`KinerjaError` listing every problem."""
    document = read_document(path)
    return build_printed(document, str(path))


def build_printed(doc: TomlDocument, file: str) -> PrintedFile:
    raise_if_errors(filter(None, [kinds.wrong_kind(doc, file, kinds.PRINTED)]))
    raise_if_errors(_at_rows(doc, file, schema.check(doc, file, PRINTED_FIELDS)))
    reader = _Reader(doc, file)
    printed = reader.build()
    raise_if_errors(reader.diagnostics)
    return printed


_ROW_FIELD = re.compile(r"(figure|weights)\[(\d+)\]")


def _at_rows(doc: TomlDocument, file: str, found: list[Diagnostic]) -> list[Diagnostic]:
    """A problem of a whole row (a missing key) is located at the row itself: a one-line row
    of an inline array has no key of its own to point at."""
    out = []
    for diagnostic in found:
        match = _ROW_FIELD.fullmatch(diagnostic.location.field or "")
        if match is not None:
            path = (match.group(1), int(match.group(2)))
            located = schema.locate(doc, file, path, value=True)
            diagnostic = attrs.evolve(diagnostic, location=located)
        out.append(diagnostic)
    return out


class _Reader(schema.DocumentReader):
    def relative(self, name: str) -> str:
        """A linked file's path, relative to the printed file (absolute paths stay)."""
        if os.path.isabs(name):
            return name
        return os.path.normpath(os.path.join(os.path.dirname(self.file), name))

    def value(self, path: Path, raw: Any) -> PrintedValue | None:
        printed = parse_printed(raw)
        if printed is None:
            self.error(
                "KR713",
                f"'{str(raw)[:60]}' cannot be read as a printed figure",
                path,
                'write the figure as printed: "82,09%", "96%", "1 Layanan", 54, or "-" for an '
                "empty cell (a comma or a point before the decimals, no thousands separators)",
            )
            return None
        if printed.value is not None:
            for number in (printed.value, printed.upper):
                problem = PRINTED.check(number) if number is not None else None
                if problem is not None:
                    self.error(problem.code, problem.message, path, problem.hint)
                    return None
        return printed

    def build(self) -> PrintedFile:
        links = {"data": self.at(("data",))}
        previous = []
        for index, name in enumerate(self.data.get("previous", [])):
            links[("previous", index)] = self.at(("previous", index))
            previous.append(self.relative(name))
        if "budget" in self.data:
            links["budget"] = self.at(("budget",))
        rows = [
            row
            for index, table in enumerate(self.data["figure"])
            if (row := self.row(index, table)) is not None
        ]
        weights = [
            row
            for index, table in enumerate(self.data.get("weights", []))
            if (row := self.weights(index, table)) is not None
        ]
        budget = self.data.get("budget")
        return PrintedFile(
            unit=self.data["unit"],
            unit_type=self.data["unit_type"],
            year=self.data["year"],
            file=self.file,
            data=self.relative(self.data["data"]),
            previous=tuple(previous),
            budget=self.relative(budget) if budget is not None else None,
            rows=tuple(rows),
            weights=tuple(weights),
            link_locations=links,
            source=self.data.get("source"),
        )

    def row(self, index: int, table: dict) -> Row | None:
        path = ("figure", index)
        subjects = [key for key in ("indicator", "sasaran", "overall") if key in table]
        if len(subjects) != 1:
            self.error(
                "KR714",
                "a printed row names "
                + ("nothing it is about" if not subjects else "several: " + ", ".join(subjects)),
                path,
                'give one of indicator = "<id>", sasaran = "<id>" or overall = true',
            )
            return None
        kind = subjects[0]
        if kind == "overall" and table["overall"] is not True:
            self.error("KR714", "overall must be true", (*path, "overall"), "or leave it out")
            return None
        allowed = COLUMNS[kind]
        columns = [key for key in table if key in FIGURE_FIELDS and key in _ALL_COLUMNS]
        wrong = [key for key in columns if key not in allowed]
        if wrong:
            for key in wrong:
                self.error(
                    "KR714",
                    f"a {kind} row does not print a {key}",
                    (*path, key),
                    f"a {kind} row prints: {', '.join(allowed)}",
                )
            return None
        if not columns:
            self.error(
                "KR714",
                "a printed row without a figure",
                path,
                f"give what the row prints: {', '.join(allowed)}",
            )
            return None
        cells: list[Cell] = []
        failed = False
        for key in columns:
            where = (*path, key)
            raw = table[key]
            if key == "renstra":
                for year_key, item in raw.items():
                    year = int(year_key)
                    problem = YEAR.check(year)
                    if problem is not None:
                        self.error(problem.code, problem.message, (*where, year_key), problem.hint)
                        failed = True
                        continue
                    printed = self.value((*where, year_key), item)
                    if printed is None:
                        failed = True
                        continue
                    cells.append(Cell(key, printed, self.at((*where, year_key)), year))
            elif key == "status":
                claim = parse_status(raw)
                if claim is None:
                    self.error(
                        "KR713",
                        f"'{raw[:60]}' is not a status",
                        where,
                        'status words as printed: "tercapai", "terlampaui", "belum tercapai", '
                        '"tidak tercapai", "tidak dapat diukur"',
                    )
                    failed = True
                    continue
                cells.append(Cell(key, claim, self.at(where), text=raw))
            elif key == "indicators":
                cells.append(Cell(key, raw, self.at(where)))
            else:
                printed = self.value(where, raw)
                if printed is None:
                    failed = True
                    continue
                cells.append(Cell(key, printed, self.at(where)))
        if failed:
            return None
        year_given = "year" in table
        return Row(
            index=index,
            kind=kind,
            subject=table[kind] if kind != "overall" else None,
            year=table.get("year", self.data["year"]),
            year_given=year_given,
            where=table["where"],
            text=table.get("text"),
            label=table.get("label"),
            cells=tuple(cells),
            location=self.at(path),
            subject_location=self.at((*path, kind)),
            year_location=self.at((*path, "year")) if year_given else self.at(path),
            label_location=self.at((*path, "label")) if "label" in table else None,
        )

    def weights(self, index: int, table: dict) -> WeightsRow | None:
        path = ("weights", index)
        found = []
        for component, raw in table["printed"].items():
            printed = self.value((*path, "printed", component), raw)
            if printed is None:
                return None
            if printed.value is None:
                continue
            found.append((component, printed, self.at((*path, "printed", component))))
        return WeightsRow(
            index,
            table["score"],
            table["where"],
            table.get("text"),
            tuple(found),
            self.at(path),
            self.at((*path, "score")),
        )


_ALL_COLUMNS = ("target", "realisasi", "capaian", "renstra", "status", "indicators")
