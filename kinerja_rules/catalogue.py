"""Loading one catalogue file: shape, meaning and formulas, all checked before any data is seen.

A catalogue is the yearly list of indicators of one unit type
(``indicator_catalog/2023/bapas.toml``).
The format is documented in ``docs/catalogue-format.md``; :data:`CATALOGUE_FIELDS` is its
machine-readable shape. Every formula is compiled here, once, so a hostile or mistyped formula is
refused when the catalogue loads, located at its file, line and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from . import schema
from .decimals import ROUNDING_MODES
from .diagnostics import Diagnostic, KinerjaError, Location, closest, raise_if_errors
from .formula import FormulaError, FormulaFunction, compile_formula
from .model import Catalogue, Indicator, InputSpec, Polarity, Policy, Sasaran
from .schema import Field
from .sources import PathLike, parse_document, read_document
from .tomlpos import Path, TomlDocument

IDENTIFIER = r"[A-Za-z][A-Za-z0-9_]*"
#: Keys of a realisation-data entry; an input may not share their names.
RESERVED_INPUT_NAMES = frozenset({"realisasi", "not_measured", "note"})

DEFAULT_CAPAIAN_HIGHER = "R / T * 100"
DEFAULT_CAPAIAN_LOWER = "(2 * T - R) / T * 100"

POLICY_FIELDS: dict[str, Field] = {
    "decimals": Field(("integer",), doc="decimals shown for percentages, e.g. 2", minimum=0),
    "rounding": Field(("string",), doc="rounding of shown figures", choices=tuple(ROUNDING_MODES)),
    "capaian_from": Field(
        ("string",),
        doc="capaian divides the exact or the shown realisasi",
        choices=("exact", "shown"),
    ),
    "capaian_higher": Field(("string",), doc="capaian formula over R and T, higher is better"),
    "capaian_lower": Field(("string",), doc="capaian formula over R and T, lower is better"),
    "capaian_cap": Field(("number",), doc="highest capaian counted, e.g. 120 (absent: no cap)"),
    "not_applicable": Field(
        ("string",), doc="N/A indicators in roll-ups", choices=("exclude", "zero")
    ),
}

SASARAN_FIELDS: dict[str, Field] = {
    "id": Field(("string",), required=True, doc='sasaran id, e.g. "SK1"'),
    "level": Field(
        ("string",),
        required=True,
        doc="sasaran level",
        choices=("strategis", "program", "kegiatan"),
    ),
    "name": Field(("string",), required=True, doc="the sasaran as the PK words it"),
}

INPUT_TABLE_FIELDS: dict[str, Field] = {
    "description": Field(("string",), required=True, doc="what is counted"),
    "kind": Field(
        ("string",), doc="count (whole number) or number (decimal)", choices=("count", "number")
    ),
}

INDICATOR_FIELDS: dict[str, Field] = {
    "id": Field(("string",), required=True, doc='stable id, e.g. "klien_bekerja"'),
    "sasaran": Field(("string",), required=True, doc="id of a [[sasaran]] of this catalogue"),
    "level": Field(
        ("string",), required=True, doc="indicator level", choices=("IKU", "IKP", "IKK")
    ),
    "name": Field(("string",), required=True, doc="the indicator's name as the PK words it"),
    "unit": Field(("string",), required=True, doc='"%", "Layanan", "Unit", "Indeks", …'),
    "polarity": Field(
        ("string",), doc="whether a larger realisasi is better", choices=("higher", "lower")
    ),
    "formula": Field(
        ("string",), required=True, doc='realisasi over the inputs, e.g. "A / B * 100"'
    ),
    "target": Field(("number",), doc="the PK target for the catalogue's year"),
    "renstra": Field(
        ("table",),
        doc="Renstra targets by year",
        values=Field(("number",)),
        key_pattern=r"\d{4}",
        key_doc="Renstra keys are years, e.g. 2024 = 85",
    ),
    "anggaran": Field(("integer",), doc="budget the PK attaches, whole Rupiah", minimum=0),
    "note": Field(("string",), doc="remarks for readers of the catalogue"),
    "inputs": Field(
        ("table",),
        required=True,
        doc='the formula\'s inputs: NAME = "description"',
        values=Field(("string", "table"), table=INPUT_TABLE_FIELDS, doc="a description or a table"),
        key_pattern=IDENTIFIER,
        key_doc="input names are identifiers such as A, B, klien",
    ),
}

CATALOGUE_FIELDS: dict[str, Field] = {
    "year": Field(("integer",), required=True, doc="the PK year, e.g. 2023", minimum=2000),
    "unit_type": Field(("string",), required=True, doc='unit type id, e.g. "bapas"'),
    "title": Field(("string",), required=True, doc="a title for people"),
    "source": Field(("string",), doc="where the figures come from"),
    "policy": Field(("table",), table=POLICY_FIELDS, doc="how figures are rounded and rolled up"),
    "sasaran": Field(("array",), required=True, values=Field(("table",), table=SASARAN_FIELDS)),
    "indicator": Field(("array",), required=True, values=Field(("table",), table=INDICATOR_FIELDS)),
}


def load_catalogue(path: PathLike, functions: Mapping[str, FormulaFunction]) -> Catalogue:
    """Load and check one catalogue file; raise :class:`KinerjaError` listing every problem."""
    document = read_document(path)
    return build_catalogue(document, str(path), _source_lines(path), functions)


def load_catalogue_bytes(
    raw: bytes, name: str, functions: Mapping[str, FormulaFunction]
) -> Catalogue:
    """Like :func:`load_catalogue` for bytes already in memory (packaged resources, tests)."""
    document = parse_document(raw, name)
    return build_catalogue(document, name, raw.decode("utf-8").splitlines(), functions)


def _source_lines(path: PathLike) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return handle.read().splitlines()


def build_catalogue(
    doc: TomlDocument, file: str, lines: list[str], functions: Mapping[str, FormulaFunction]
) -> Catalogue:
    """Check ``doc`` (shape first, then meaning) and build the :class:`Catalogue`."""
    raise_if_errors(schema.check(doc, file, CATALOGUE_FIELDS))
    builder = _Builder(doc, file, lines, functions)
    catalogue = builder.build()
    raise_if_errors(builder.diagnostics)
    return catalogue


class _Builder:
    def __init__(
        self,
        doc: TomlDocument,
        file: str,
        lines: list[str],
        functions: Mapping[str, FormulaFunction],
    ):
        self.doc = doc
        self.data = doc.data
        self.file = file
        self.lines = lines
        self.functions = functions
        self.diagnostics: list[Diagnostic] = []

    def at(self, path: Path, value: bool = False) -> Location:
        return schema.locate(self.doc, self.file, path, value)

    def error(
        self, code: str, message: str, path: Path, hint: str | None = None, value: bool = False
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.at(path, value), hint))

    def build(self) -> Catalogue:
        policy = self.policy()
        sasaran = self.sasaran()
        known_sasaran = {s.id for s in sasaran}
        indicators = []
        seen: dict[str, Location] = {}
        for index, table in enumerate(self.data["indicator"]):
            indicator = self.indicator(("indicator", index), table, known_sasaran)
            if indicator is None:
                continue
            if indicator.id in seen:
                self.error(
                    "KR205",
                    f"indicator id '{indicator.id}' is used twice",
                    ("indicator", index, "id"),
                    f"first used at {seen[indicator.id]}; ids must be unique",
                    value=True,
                )
            seen.setdefault(indicator.id, indicator.location)
            indicators.append(indicator)
        if policy is None:
            raise KinerjaError(self.diagnostics)
        return Catalogue(
            year=self.data["year"],
            unit_type=self.data["unit_type"],
            title=self.data["title"],
            policy=policy,
            sasaran=tuple(sasaran),
            indicators=tuple(indicators),
            files=(self.file,),
        )

    def policy(self) -> Policy | None:
        table = self.data.get("policy", {})
        capaian = {}
        for key, default in (
            ("capaian_higher", DEFAULT_CAPAIAN_HIGHER),
            ("capaian_lower", DEFAULT_CAPAIAN_LOWER),
        ):
            capaian[key] = self.formula(("policy", key), table.get(key, default), {"R", "T"})
        if any(formula is None for formula in capaian.values()):
            return None
        cap = table.get("capaian_cap")
        return Policy(
            decimals=table.get("decimals", 2),
            rounding=table.get("rounding", "half_up"),
            capaian_from=table.get("capaian_from", "exact"),
            capaian_higher=capaian["capaian_higher"],
            capaian_lower=capaian["capaian_lower"],
            capaian_cap=Decimal(cap) if cap is not None else None,
            not_applicable=table.get("not_applicable", "exclude"),
        )

    def sasaran(self) -> list[Sasaran]:
        result: list[Sasaran] = []
        seen: dict[str, Location] = {}
        for index, table in enumerate(self.data["sasaran"]):
            path = ("sasaran", index)
            item = Sasaran(table["id"], table["level"], table["name"], self.at(path))
            if item.id in seen:
                self.error(
                    "KR205",
                    f"sasaran id '{item.id}' is used twice",
                    (*path, "id"),
                    f"first used at {seen[item.id]}; ids must be unique",
                    value=True,
                )
                continue
            seen[item.id] = item.location
            result.append(item)
        return result

    def indicator(self, path: Path, table: dict, known_sasaran: set[str]) -> Indicator | None:
        if table["sasaran"] not in known_sasaran:
            self.error(
                "KR206",
                f"sasaran '{table['sasaran']}' is not declared in this catalogue",
                (*path, "sasaran"),
                _choice_hint(table["sasaran"], known_sasaran),
                value=True,
            )
        inputs = self.inputs((*path, "inputs"), table["inputs"])
        names = {spec.name for spec in inputs}
        formula = self.formula((*path, "formula"), table["formula"], names, owner=table["id"])
        if formula is None:
            return None
        target = table.get("target")
        return Indicator(
            id=table["id"],
            sasaran=table["sasaran"],
            level=table["level"],
            name=table["name"],
            unit=table["unit"],
            polarity=Polarity(table.get("polarity", "higher")),
            formula=formula,
            inputs=tuple(inputs),
            target=Decimal(target) if target is not None else None,
            renstra={int(year): Decimal(value) for year, value in table.get("renstra", {}).items()},
            anggaran=table.get("anggaran"),
            location=self.at(path),
        )

    def inputs(self, path: Path, table: dict) -> list[InputSpec]:
        specs = []
        for name, value in table.items():
            if name in RESERVED_INPUT_NAMES or name in self.functions:
                self.error(
                    "KR204",
                    f"'{name}' cannot be an input name (reserved)",
                    (*path, name),
                    "rename the input, e.g. to A, B or a descriptive identifier",
                )
                continue
            if isinstance(value, str):
                specs.append(InputSpec(name, value))
            else:
                specs.append(InputSpec(name, value["description"], value.get("kind", "count")))
        return specs

    def formula(self, path: Path, text: str, names: set[str], owner: str | None = None):
        """Compile a formula once; on failure record a diagnostic naming its indicator."""
        try:
            return compile_formula(text, frozenset(names), self.functions)
        except FormulaError as error:
            message = f"indicator '{owner}': {error.message}" if owner else error.message
            location = self.formula_location(path, error.offset)
            self.diagnostics.append(Diagnostic(error.code, message, location, error.hint))
            return None

    def formula_location(self, path: Path, offset: int) -> Location:
        """Point at the offending character of a one-line formula string without escapes."""
        location = self.at(path, value=True)
        if location.line is None or location.col is None or location.line > len(self.lines):
            return location
        line = self.lines[location.line - 1]
        start = location.col - 1
        quote = line[start : start + 1]
        if (
            quote in ('"', "'")
            and line[start : start + 3] != quote * 3
            and "\\" not in line[start:]
        ):
            return Location(location.file, location.line, location.col + 1 + offset, location.field)
        return location


def _choice_hint(value: str, known: set[str]) -> str:
    suggestion = closest(value, known)
    listed = ", ".join(sorted(known)) or "none declared"
    return (
        f"did you mean '{suggestion}'? declared: {listed}" if suggestion else f"declared: {listed}"
    )
