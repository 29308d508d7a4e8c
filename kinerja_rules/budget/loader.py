"""Loading budget data files, with the same located diagnostics as catalogues and data.

A budget file transcribes a report's budget tables as printed::

    unit = "LPKA Kelas II Pangkalpinang"
    unit_type = "lpka"
    year = 2023
    pk_pagu = 5069030000                     # the PK's budget (Tabel I), to check the total

    [[row]]                                  # Tabel III, one row per printed row
    code = "5252.BDC.004"
    name = "Kebutuhan Dasar dan Layanan Kesehatan"
    pagu = 395787000
    realisasi = 378153063
    sisa = 17642937                          # optional: checked when given
    persen = "95.54%"                        # optional: checked at its printed precision

    [total]                                  # the JUMLAH row, as printed
    pagu = 5069030000

    [jenis_belanja.2023.pegawai]             # pegawai, barang, modal, bansos; any year
    pagu = 3355101000
    realisasi = 3325609449

    [scores.ikpa]                            # component values of a composite score
    revisi_dipa = 100
    reported = 98.00                         # the value the ministry's system published

The format is documented in ``docs/budget-format.md``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import kinds, schema
from ..decimals import RUPIAH, SCORE, SIGNED_RUPIAH, YEAR
from ..diagnostics import Diagnostic, Location, closest, raise_if_errors
from ..schema import Field
from ..sources import PathLike, read_document
from ..tomlpos import Path, TomlDocument
from .model import Amounts, BudgetData, Cell, Printed, PrintedPercent, ScoreInputs

#: A budget code: up to 12 dotted segments of up to 20 characters (SAKTI's longest codes have
#: 8); the bound keeps finding a row's parent linear however a file is written.
CODE = r"[0-9A-Za-z]{1,20}(?:\.[0-9A-Za-z]{1,20}){0,11}"
#: A printed percentage; its digits are bounded so that it always lies in the SCORE domain.
PERCENT = r"\s*\(?\s*-?\d{1,6}(?:[.,]\d{1,6})?\s*%?\s*\)?\s*"
JENIS_BELANJA = {"pegawai": "51", "barang": "52", "modal": "53", "bansos": "57"}

MONEY = Field(("integer",), doc="whole Rupiah", domain=RUPIAH)
PERCENT_FIELD = Field(
    ("string", "number"),
    doc='a percentage as printed, e.g. "95.54%"',
    pattern=PERCENT,
    domain=SCORE,
)
PRINTED_FIELDS: dict[str, Field] = {
    "pagu": MONEY,
    "realisasi": MONEY,
    "sisa": Field(
        ("integer",), doc="pagu - realisasi as printed, whole Rupiah", domain=SIGNED_RUPIAH
    ),
    "persen": PERCENT_FIELD,
}
AMOUNT_FIELDS: dict[str, Field] = {
    "name": Field(("string",), doc="the line as the report names it"),
    "pagu": Field(("integer",), required=True, doc="whole Rupiah", domain=RUPIAH),
    "realisasi": Field(("integer",), required=True, doc="whole Rupiah", domain=RUPIAH),
    "sisa": PRINTED_FIELDS["sisa"],
    "persen": PERCENT_FIELD,
}
ROW_FIELDS: dict[str, Field] = {
    "code": Field(
        ("string",),
        required=True,
        doc='budget code, e.g. "5252.BDC.004.005" (at most 12 dotted parts of 20 characters)',
        pattern=CODE,
    ),
    **AMOUNT_FIELDS,
    "name": Field(("string",), required=True, doc="the row's uraian"),
}
SASARAN_FIELDS: dict[str, Field] = {
    "id": Field(("string",), required=True, doc='a sasaran id of the catalogue, e.g. "SK1"'),
    **AMOUNT_FIELDS,
}
SCORE_PRINTED_FIELDS: dict[str, Field] = {
    "total": Field(
        ("number",), doc="the printed total before re-normalisation (Nilai Total)", domain=SCORE
    ),
    "aspects": Field(
        ("table",), doc="printed aspect values", values=Field(("number",), domain=SCORE)
    ),
    "weighted": Field(
        ("table",),
        doc="printed weight x value per component (Nilai Akhir row)",
        values=Field(("number",), domain=SCORE),
    ),
}
#: The keys of a [scores.<id>] table besides its component values.
SCORE_KEYS = ("not_applicable", "reported", "printed")

SCORE_FIELD = Field(
    ("table",),
    doc="component values, not_applicable, reported, printed",
    values=Field(("number", "array", "table"), domain=SCORE),
)

BUDGET_FIELDS: dict[str, Field] = {
    "unit": Field(("string",), required=True, doc="the work unit"),
    "unit_type": Field(("string",), required=True, doc='e.g. "lpka"'),
    "year": Field(("integer",), required=True, doc="the fiscal year", domain=YEAR),
    "source": Field(("string",), doc="where the figures come from"),
    "pk_pagu": Field(("integer",), doc="the budget the PK states, whole Rupiah", domain=RUPIAH),
    "row": Field(
        ("array",),
        doc="the realisation table, row by row",
        values=Field(("table",), table=ROW_FIELDS),
    ),
    "total": Field(("table",), table=PRINTED_FIELDS, doc="the JUMLAH row as printed"),
    "jenis_belanja": Field(
        ("table",),
        doc="pagu and realisasi per jenis belanja, by year",
        values=Field(
            ("table",),
            table={
                **{key: Field(("table",), table=AMOUNT_FIELDS) for key in JENIS_BELANJA},
                "total": Field(("table",), table=PRINTED_FIELDS),
            },
        ),
        key_pattern=r"\d{4}",
        key_doc="years, e.g. [jenis_belanja.2023.pegawai]",
    ),
    "sasaran": Field(
        ("array",), doc="budget per sasaran", values=Field(("table",), table=SASARAN_FIELDS)
    ),
    "sasaran_total": Field(
        ("table",), table=PRINTED_FIELDS, doc="the per-sasaran total as printed"
    ),
    "scores": Field(
        ("table",),
        doc="inputs of composite scores, by score id",
        values=SCORE_FIELD,
        key_pattern=r"[A-Za-z][A-Za-z0-9_]*",
    ),
}


def parse_percent(value: Any) -> PrintedPercent:
    """``"95.54%"`` → 95.54 at 2 decimals; ``"(99,98%)"`` → 99.98; ``"100%"`` → 100 at 0."""
    text = str(value)
    digits = text.strip().strip("()").strip().rstrip("%").strip().replace(",", ".")
    number = Decimal(digits)
    return PrintedPercent(number, max(0, -number.as_tuple().exponent), text)


def load_budget(path: PathLike) -> BudgetData:
    """Load a budget file; raise :class:`KinerjaError` listing every problem."""
    document = read_document(path)
    return build_budget(document, str(path))


def build_budget(doc: TomlDocument, file: str) -> BudgetData:
    raise_if_errors(filter(None, [kinds.wrong_kind(doc, file, kinds.BUDGET)]))
    raise_if_errors(schema.check(doc, file, BUDGET_FIELDS))
    reader = _Reader(doc, file)
    budget = reader.build()
    raise_if_errors(reader.diagnostics)
    return budget


class _Reader(schema.DocumentReader):
    def cell(self, path: Path, value: Any, percent: bool = False) -> Cell:
        return Cell(parse_percent(value) if percent else value, self.at(path))

    def optional(self, table: dict, path: Path, key: str) -> Cell | None:
        if key not in table:
            return None
        return self.cell((*path, key), table[key], percent=key == "persen")

    def printed(self, path: Path, table: dict | None) -> Printed:
        table = table or {}
        return Printed(
            *(self.optional(table, path, key) for key in ("pagu", "realisasi", "sisa", "persen"))
        )

    def amounts(self, path: Path, key: str, table: dict) -> Amounts:
        return Amounts(
            key,
            table.get("name", key),
            self.cell((*path, "pagu"), table["pagu"]),
            self.cell((*path, "realisasi"), table["realisasi"]),
            self.optional(table, path, "sisa"),
            self.optional(table, path, "persen"),
            self.at(path, value=False),
        )

    def build(self) -> BudgetData:
        rows = []
        seen: dict[str, Location] = {}
        for index, table in enumerate(self.data.get("row", [])):
            path = ("row", index)
            amounts = self.amounts(path, table["code"], table)
            if table["code"] in seen:
                self.diagnostics.append(
                    Diagnostic(
                        "KR205",
                        f"budget code '{table['code']}' is used twice",
                        self.at((*path, "code")),
                        f"first used at {seen[table['code']]}",
                    )
                )
            seen.setdefault(table["code"], amounts.location)
            rows.append(amounts)
        jenis = {}
        jenis_totals = {}
        for year, lines in self.data.get("jenis_belanja", {}).items():
            path = ("jenis_belanja", year)
            jenis[int(year)] = tuple(
                self.amounts((*path, key), key, lines[key]) for key in JENIS_BELANJA if key in lines
            )
            jenis_totals[int(year)] = self.printed((*path, "total"), lines.get("total"))
        sasaran = tuple(
            self.amounts(("sasaran", index), table["id"], table)
            for index, table in enumerate(self.data.get("sasaran", []))
        )
        pk = self.data.get("pk_pagu")
        return BudgetData(
            unit=self.data["unit"],
            unit_type=self.data["unit_type"],
            year=self.data["year"],
            file=self.file,
            rows=tuple(rows),
            total=self.printed(("total",), self.data.get("total")),
            pk_pagu=Cell(pk, self.at(("pk_pagu",))) if pk is not None else None,
            jenis_belanja=jenis,
            jenis_belanja_totals=jenis_totals,
            sasaran=sasaran,
            sasaran_total=self.printed(("sasaran_total",), self.data.get("sasaran_total")),
            scores={
                score_id: self.score(("scores", score_id), score_id, table)
                for score_id, table in self.data.get("scores", {}).items()
            },
            source=self.data.get("source"),
        )

    def score(self, path: Path, score_id: str, table: dict) -> ScoreInputs:
        values = {}
        not_applicable: frozenset[str] = frozenset()
        reported = printed_total = None
        aspects: dict = {}
        weighted: dict = {}
        for key, value in table.items():
            where = (*path, key)
            if key == "not_applicable":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    self.error("KR203", "not_applicable must be a list of component ids", where)
                    continue
                not_applicable = frozenset(value)
            elif key == "reported":
                reported = self.number(where, value)
            elif key == "printed":
                printed = self.printed_score(where, value)
                if printed is not None:
                    printed_total, aspects, weighted = printed
            elif schema.kind_of(value) in ("integer", "number"):
                values[key] = (Decimal(value), self.at(where))
            elif isinstance(value, (dict, list)):  # not a component value: a misspelt key
                suggestion = closest(key, SCORE_KEYS)
                self.diagnostics.append(
                    Diagnostic(
                        "KR201",
                        f"unknown key '{key}'",
                        self.at(where, value=False),
                        f"did you mean '{suggestion}'?"
                        if suggestion
                        else "known keys: " + ", ".join(SCORE_KEYS) + ", and component values",
                    )
                )
            else:
                self.error("KR404", f"{key} must be a number, found {schema.kind_of(value)}", where)
        return ScoreInputs(
            score_id,
            values,
            not_applicable,
            reported,
            printed_total,
            aspects,
            weighted,
            self.at(path, value=False),
        )

    def printed_score(self, path: Path, value: Any):
        if not isinstance(value, dict):
            self.error("KR203", "printed must be a table", path)
            return None
        diagnostics = schema.check_table(self.doc, self.file, path, value, SCORE_PRINTED_FIELDS)
        self.diagnostics += diagnostics
        if diagnostics:
            return None
        total = self.number((*path, "total"), value["total"]) if "total" in value else None
        aspects = {
            k: self.number((*path, "aspects", k), v) for k, v in value.get("aspects", {}).items()
        }
        weighted = {
            k: self.number((*path, "weighted", k), v) for k, v in value.get("weighted", {}).items()
        }
        return total, aspects, weighted

    def number(self, path: Path, value: Any) -> tuple[Decimal, int, Location] | None:
        if schema.kind_of(value) not in ("integer", "number"):
            self.error("KR404", f"expected a number, found {schema.kind_of(value)}", path)
            return None
        number = Decimal(value)
        return number, max(0, -number.as_tuple().exponent), self.at(path)


def parent_code(code: str, codes: set[str]) -> str | None:
    """The longest other code that is a dotted prefix of ``code`` (its parent row), if any."""
    parts = code.split(".")
    for end in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in codes:
            return candidate
    return None
