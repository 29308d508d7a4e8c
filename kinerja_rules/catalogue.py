"""Loading one catalogue file: shape, meaning and formulas, all checked before any data is seen.

A catalogue is the yearly list of indicators of one unit type
(``indicator_catalog/2023/bapas.toml``). The format is documented in
``docs/catalogue-format.md``; :data:`CATALOGUE_FIELDS` is its machine-readable shape (also
exported as JSON Schema). Every formula is compiled here, once, so a hostile or mistyped formula
is refused when the catalogue loads, located at its file, line and column.

Loading is tolerant: a mistake in one indicator does not hide mistakes in the others, and one
mistake gives one diagnostic (a misspelt key is not also reported as a missing one).

A catalogue says which format it is written in (``format_version``, :data:`FORMAT_VERSION` the
current one); a file without it is in format 1, the 2023 format, and still loads — with the same
meaning it always had — and a located deprecation warning (KR223). :mod:`kinerja_rules.upgrade`
rewrites such a file in the current format; a format newer than this engine knows is refused
(KR224) before anything else is read of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from . import kinds, schema
from .bands import BAND_FIELDS, DEFAULT_STATUS_BANDS, band_from_table, overlap
from .decimals import (
    DECIMALS,
    FORMAT_VERSIONS,
    HOW_MANY,
    INPUT,
    QUANTITY,
    ROUNDING_MODES,
    RUPIAH,
    SETTING,
    WEIGHT,
    YEAR,
)
from .diagnostics import Diagnostic, KinerjaError, Location, Severity, closest
from .dimensions import BUILTIN_TERMS, COUNT
from .formatting import format_decimal
from .formula import BOOLEAN, Formula, FormulaError, FormulaFunction, compile_formula
from .model import (
    ApplicabilityRule,
    Catalogue,
    Example,
    Indicator,
    InputSpec,
    Invariant,
    Polarity,
    Policy,
    Sasaran,
    Target,
    ZeroTarget,
    dependency_cycles,
)
from .periods import KEY_DOC, PERIOD_KEY_PATTERN, period_of_key
from .plausibility_settings import SEVERITIES, settings_from
from .schema import Field
from .sources import PathLike, parse_document, read_document
from .tomlpos import Path, TomlDocument

IDENTIFIER = r"[A-Za-z][A-Za-z0-9_]*"
#: The current catalogue format: what ``format_version`` says in a file written today, and what
#: ``kinerja-rules upgrade`` writes. Format 1 (2023, no ``format_version``) is still read.
FORMAT_VERSION = int(FORMAT_VERSIONS.maximum)
#: A word of the units-of-measure vocabulary (``counts =``, ``measures =``): checked against the
#: vocabulary by ``validate``, which knows the plugins' words.
DIMENSION_WORD = r"%|[A-Za-z][A-Za-z0-9_]*"
#: Keys of a realisation-data entry; an input may not share their names.
RESERVED_INPUT_NAMES = frozenset({"realisasi", "not_measured", "note", "realisasi_anggaran"})
#: Names an invariant may use besides the inputs.
RESULT_NAMES = frozenset({"value", "capaian", "target"})

#: Named capaian rules (PermenPANRB; the SAKIP applications' other reading of lower is better).
CAPAIAN_RULES = {
    "higher": "R / T * 100",
    "lower": "(2 * T - R) / T * 100",
    "lower_ratio": "T / R * 100",
}
DEFAULT_CAPAIAN_HIGHER = CAPAIAN_RULES["higher"]
DEFAULT_CAPAIAN_LOWER = CAPAIAN_RULES["lower"]

#: A target written with its unit: ``80``, ``"80%"``, ``"94,5%"``, ``"1 Layanan"``, ``"54 Unit"``.
#: The digits are bounded so that every such text lies in the QUANTITY domain (below 10^12, at
#: most 6 decimal places) and the JSON Schema pattern states the same bound.
#: A range is two such numbers joined by "-", "–" or "s.d." (sampai dengan): "80-90%".
_NUMBER_TEXT = r"\d{1,12}(?:[.,]\d{1,6})?"
_UNIT_TEXT = r"%|[A-Za-z][A-Za-z /]*"
QUANTITY_TEXT = rf"\s*{_NUMBER_TEXT}(?:\s*(?:-|–|s\.d\.?)\s*{_NUMBER_TEXT})?\s*(?:{_UNIT_TEXT})?\s*"
_QUANTITY_PARTS = re.compile(
    rf"\s*({_NUMBER_TEXT})(?:\s*(?:-|–|s\.d\.?)\s*({_NUMBER_TEXT}))?\s*({_UNIT_TEXT}?)?\s*"
)

RANGE_FIELDS: dict[str, Field] = {
    "min": Field(("number",), required=True, doc="lower bound of the range", domain=QUANTITY),
    "max": Field(("number",), required=True, doc="upper bound of the range", domain=QUANTITY),
}
ZERO_TARGET_FIELDS: dict[str, Field] = {
    "met": Field(
        ("number",),
        required=True,
        doc="capaian when the target is 0 and met (lower is better: realisasi 0)",
        domain=QUANTITY,
    ),
    "missed": Field(
        ("number",), required=True, doc="capaian when the target is 0 and missed", domain=QUANTITY
    ),
}
#: How periods combine, and what a period not reported does (see consolidation.py, which
#: implements them; the names live here, with the rest of the format).
CONSOLIDATIONS = ("sum", "last", "mean", "max")
MISSING_STRATEGIES = ("skip_if_any", "skip_if_all", "never")

CAPAIAN_RULE_DOC = (
    'a named rule ("higher" R/T, "lower" (2T-R)/T, "lower_ratio" T/R) or a formula over R and T'
)

#: ``[policy.plausibility]``: the defaults of the plausibility checks (plausibility_settings.py).
PLAUSIBILITY_FIELDS: dict[str, Field] = {
    "z_threshold": Field(
        ("number",),
        doc="robust z-score (median, MAD) above which a value is unusual (default 3.5)",
        domain=SETTING,
    ),
    "min_history": Field(
        ("integer",),
        doc="points of history a series needs to be judged (default 6)",
        domain=HOW_MANY,
    ),
    "years": Field(
        ("integer",),
        doc="previous years whose same period gives the comparison mean (default 3)",
        domain=HOW_MANY,
    ),
    "max_change": Field(
        ("number",),
        doc="largest change from that mean, as a share (default 0.5: 50%)",
        domain=SETTING,
    ),
    "min_change": Field(
        ("number",),
        doc="an unusual value is reported only this share off its median (default 0.5)",
        domain=SETTING,
    ),
    "count_noise": Field(
        ("number",),
        doc="a count is reported only beyond this many square roots of its level (default 5)",
        domain=SETTING,
    ),
    "learn_range": Field(
        ("boolean",), doc="learn each input's min–max range from previous years (default false)"
    ),
    "severity": Field(
        ("string",), doc="severity of history findings (default warning)", choices=SEVERITIES
    ),
    "peer_threshold": Field(
        ("number",), doc="robust z across units of the type, in batch (default 3.5)", domain=SETTING
    ),
    "peer_min_units": Field(
        ("integer",), doc="units a peer comparison needs (default 10)", domain=HOW_MANY
    ),
    "peer_severity": Field(
        ("string",), doc="severity of peer findings (default info)", choices=SEVERITIES
    ),
    "copy_min_values": Field(
        ("integer",),
        doc="non-zero values that must agree for a period copied from last year (default 3)",
        domain=HOW_MANY,
    ),
    "enabled": Field(("boolean",), doc="false: no plausibility check (default true)"),
}
PLAUSIBLE_RANGE_FIELDS: dict[str, Field] = {
    "min": Field(("number",), doc="smallest plausible value", domain=QUANTITY),
    "max": Field(("number",), doc="largest plausible value", domain=QUANTITY),
}
#: ``[indicator.plausibility]``: overrides, and what only the indicator knows of its inputs.
INDICATOR_PLAUSIBILITY_FIELDS: dict[str, Field] = {
    **PLAUSIBILITY_FIELDS,
    "range": Field(
        ("table",),
        doc='min–max per input, "value" for the realisasi: { B = { min = 100, max = 600 } }',
        values=Field(("table",), table=PLAUSIBLE_RANGE_FIELDS),
        key_pattern=IDENTIFIER,
        key_doc="range keys are input names, or value",
    ),
    "flows": Field(
        ("table",),
        doc='a stock input and the inputs that move it: { P = ["masuk", "keluar"] }',
        values=Field(("array",), values=Field(("string",))),
        key_pattern=IDENTIFIER,
        key_doc="flows keys are input names",
    ),
    "within_year": Field(
        ("table",),
        doc="largest change of an input from one period to the next, as a share: { B = 0.2 }",
        values=Field(("number",), domain=SETTING),
        key_pattern=IDENTIFIER,
        key_doc="within_year keys are input names",
    ),
}

POLICY_FIELDS: dict[str, Field] = {
    "decimals": Field(("integer",), doc="decimals shown for percentages, e.g. 2", domain=DECIMALS),
    "rounding": Field(("string",), doc="rounding of shown figures", choices=tuple(ROUNDING_MODES)),
    "capaian_from": Field(
        ("string",),
        doc="capaian divides the exact or the shown realisasi",
        choices=("exact", "shown"),
    ),
    "capaian_higher": Field(("string",), doc="capaian when higher is better: " + CAPAIAN_RULE_DOC),
    "capaian_lower": Field(("string",), doc="capaian when lower is better: " + CAPAIAN_RULE_DOC),
    "capaian_floor": Field(
        ("number",), doc="lowest capaian counted, e.g. 0 (absent: no floor)", domain=QUANTITY
    ),
    "range_inside": Field(
        ("number",),
        doc="capaian of a realisasi inside a range target (default 100)",
        domain=QUANTITY,
    ),
    "zero_target": Field(
        ("table",),
        table=ZERO_TARGET_FIELDS,
        doc="capaian against a target of 0 (absent: not measurable)",
    ),
    "capaian_cap": Field(
        ("number",), doc="highest capaian counted, e.g. 120 (absent: no cap)", domain=QUANTITY
    ),
    "not_applicable": Field(
        ("string",), doc="N/A indicators in roll-ups", choices=("exclude", "zero")
    ),
    "overall": Field(
        ("string",),
        doc="the overall figure: weighted mean of all indicators, or of the sasaran",
        choices=("indicators", "sasaran"),
    ),
    "status_from": Field(
        ("string",),
        doc="status (band) judged on the exact or the shown capaian",
        choices=("exact", "shown"),
    ),
    "consolidation": Field(
        ("string",),
        doc="how periods combine (default sum): sum of each input, last period, mean, max",
        choices=CONSOLIDATIONS,
    ),
    "missing_periods": Field(
        ("string",),
        doc="a period not reported (default skip_if_any: the figure to date is not measurable)",
        choices=MISSING_STRATEGIES,
    ),
    "plausibility": Field(
        ("table",),
        table=PLAUSIBILITY_FIELDS,
        doc="defaults of the checks of data against its history and its peers",
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
    "weight": Field(("number",), doc="weight in the overall figure (default 1)", domain=WEIGHT),
}

INPUT_TABLE_FIELDS: dict[str, Field] = {
    "description": Field(("string",), doc="what is counted (required unless the input has from)"),
    "from": Field(
        ("string",),
        doc='another indicator\'s result instead of data: "klien_bekerja.capaian" or '
        '"klien_bekerja.realisasi"',
        pattern=rf"{IDENTIFIER}\.(?:realisasi|capaian)",
    ),
    "kind": Field(
        ("string",), doc="count (whole number) or number (decimal)", choices=("count", "number")
    ),
    "max": Field(("number",), doc="largest plausible value, for invariant checks", domain=INPUT),
    "counts": Field(
        ("string",),
        doc='what the input counts, e.g. "klien", "anak", "layanan" (docs: Units of measure)',
        pattern=DIMENSION_WORD,
        examples=tuple(t.name for t in BUILTIN_TERMS if t.kind == COUNT),
    ),
    "measures": Field(
        ("string",),
        doc='what the input measures, e.g. "Rp", "hari", "%" (docs: Units of measure)',
        pattern=DIMENSION_WORD,
        examples=tuple(t.name for t in BUILTIN_TERMS if t.kind != COUNT),
    ),
}

NOT_APPLICABLE_FIELDS: dict[str, Field] = {
    "when": Field(("string",), required=True, doc='a condition over the inputs, e.g. "B == 0"'),
    "reason": Field(("string",), required=True, doc='shown to readers, e.g. "tidak ada populasi"'),
}

EXAMPLE_FIELDS: dict[str, Field] = {
    "inputs": Field(
        ("table",),
        required=True,
        doc="input values, e.g. { A = 629, B = 1277 }",
        values=Field(("number",), domain=INPUT),
        key_pattern=IDENTIFIER,
        key_doc="input names are identifiers",
    ),
    "realisasi": Field(
        ("number",), doc="expected realisasi, at the catalogue's rounding", domain=QUANTITY
    ),
    "capaian": Field(
        ("number",), doc="expected capaian, at the catalogue's rounding", domain=QUANTITY
    ),
    "not_applicable": Field(
        ("boolean", "string"), doc="true (or part of the reason) when the example must be N/A"
    ),
}

INDICATOR_FIELDS: dict[str, Field] = {
    "id": Field(
        ("string",), required=True, doc='stable id, e.g. "klien_bekerja"', pattern=IDENTIFIER
    ),
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
    "target": Field(
        ("number", "string", "table"),
        doc='the PK target for the catalogue\'s year: 80, "80%", "54 Unit", a range "80-90%" or '
        "{ min = 80, max = 90 }",
        pattern=QUANTITY_TEXT,
        domain=QUANTITY,
        table=RANGE_FIELDS,
    ),
    "above_100": Field(
        ("boolean",),
        doc="true: a % that can exceed 100 (an occupancy rate), so a target above 100 is meant",
    ),
    "scale": Field(
        ("array",),
        doc="an index's scale, lowest and highest value, e.g. [25, 100]: its targets lie within",
        values=Field(("number",), domain=QUANTITY),
    ),
    "capaian": Field(("string",), doc="this indicator's capaian rule: " + CAPAIAN_RULE_DOC),
    "capaian_floor": Field(
        ("number",), doc="lowest capaian counted (overrides the policy)", domain=QUANTITY
    ),
    "capaian_cap": Field(
        ("number",), doc="highest capaian counted (overrides the policy)", domain=QUANTITY
    ),
    "zero_target": Field(
        ("table",), table=ZERO_TARGET_FIELDS, doc="capaian against a target of 0 (overrides)"
    ),
    "renstra": Field(
        ("table",),
        doc="Renstra targets by year",
        values=Field(
            ("number", "string", "table"),
            pattern=QUANTITY_TEXT,
            domain=QUANTITY,
            table=RANGE_FIELDS,
        ),
        key_pattern=r"\d{4}",
        key_doc="Renstra keys are years, e.g. 2024 = 85",
    ),
    "period_targets": Field(
        ("table",),
        doc="targets for periods of the year (Rencana Aksi), e.g. { Q1 = 25, Q2 = 50 }",
        values=Field(
            ("number", "string", "table"),
            pattern=QUANTITY_TEXT,
            domain=QUANTITY,
            table=RANGE_FIELDS,
        ),
        key_pattern=PERIOD_KEY_PATTERN,
        key_doc=f"period target keys are periods: {KEY_DOC}",
    ),
    "consolidation": Field(
        ("string",), doc="how this indicator's periods combine (overrides)", choices=CONSOLIDATIONS
    ),
    "missing_periods": Field(
        ("string",), doc="a period not reported (overrides)", choices=MISSING_STRATEGIES
    ),
    "national_standard": Field(
        ("number", "string"),
        doc="a national standard to compare the realisasi with, in the indicator's unit (Bab III "
        "part 4; absent: 'tidak ada standar nasional')",
        pattern=QUANTITY_TEXT,
        domain=QUANTITY,
    ),
    "national_standard_source": Field(
        ("string",), doc="where the national standard is set (regulation, SPM, …)"
    ),
    "plausibility": Field(
        ("table",),
        table=INDICATOR_PLAUSIBILITY_FIELDS,
        doc="this indicator's plausibility checks: overrides, ranges, flows, within_year",
    ),
    "anggaran": Field(("integer",), doc="budget the PK attaches, whole Rupiah", domain=RUPIAH),
    "weight": Field(("number",), doc="weight within its sasaran (default 1)", domain=WEIGHT),
    "definition": Field(
        ("string",), doc="definisi operasional: what the indicator measures, for the manual"
    ),
    "data_source": Field(("string",), doc="where the counts come from (SDP, register, …)"),
    "note": Field(("string",), doc="remarks for readers of the catalogue"),
    "inputs": Field(
        ("table",),
        required=True,
        doc='the formula\'s inputs: NAME = { description = "…", counts = "klien" }',
        values=Field(
            ("table",),
            table=INPUT_TABLE_FIELDS,
            doc='a table: A = { description = "…", counts = "klien" } (a bare "…" is format 1 '
            "only)",
        ),
        key_pattern=IDENTIFIER,
        key_doc="input names are identifiers such as A, B, klien",
    ),
    "not_applicable": Field(
        ("table",), table=NOT_APPLICABLE_FIELDS, doc="when the indicator cannot be measured"
    ),
    "examples": Field(
        ("array",),
        doc="worked examples: inputs and the figures they must give",
        values=Field(("table",), table=EXAMPLE_FIELDS),
    ),
    "invariants": Field(
        ("array",),
        doc='conditions that always hold, e.g. "0 <= value <= 100"',
        values=Field(("string",)),
    ),
    "assume": Field(
        ("array",),
        doc='conditions on the inputs for invariant checks, e.g. "A <= B"',
        values=Field(("string",)),
    ),
}

CATALOGUE_FIELDS: dict[str, Field] = {
    "format_version": Field(
        ("integer",),
        doc=f"the catalogue format: {FORMAT_VERSION}, the current one (absent: format 1, of "
        "2023, read with a warning; kinerja-rules upgrade FILE rewrites it)",
        domain=FORMAT_VERSIONS,
    ),
    "year": Field(("integer",), required=True, doc="the PK year, e.g. 2023", domain=YEAR),
    "unit_type": Field(
        ("string",), required=True, doc='unit type id, e.g. "bapas"', pattern=IDENTIFIER
    ),
    "title": Field(("string",), required=True, doc="a title for people"),
    "source": Field(("string",), doc="where the figures come from"),
    "renstra_period": Field(
        ("array",),
        doc="first and last year of the Renstra, e.g. [2020, 2024]: the columns of Bab III's "
        "Renstra tables (absent: the years the indicators' renstra give)",
        values=Field(("integer",), domain=YEAR),
    ),
    "extends": Field(
        ("boolean",),
        doc="true: this file adds sasaran and indicators to the catalogue of the same unit type "
        "and year already in force (installed or an earlier --catalog directory) instead of "
        "replacing it; it takes that catalogue's policy and bands",
    ),
    "policy": Field(("table",), table=POLICY_FIELDS, doc="how figures are rounded and rolled up"),
    "sasaran": Field(
        ("array",), required=True, values=Field(("table",), table=SASARAN_FIELDS), doc="the goals"
    ),
    "indicator": Field(
        ("array",),
        required=True,
        values=Field(("table",), table=INDICATOR_FIELDS),
        doc="the indicators",
    ),
    "band": Field(
        ("array",),
        values=Field(("table",), table=BAND_FIELDS),
        doc="categories over capaian, shown as status (default: tercapai from 100)",
    ),
}


def _format_1(fields: dict[str, Field]) -> dict[str, Field]:
    """The current format's fields as format 1 has them: an input may be a plain description
    (``A = "Jumlah klien"``). That is the one shape format 2 narrowed (docs/catalogue-format.md,
    *Format versions*); the keys added since 2023 are accepted in a format-1 file too, as they
    were before formats had numbers."""
    indicator = fields["indicator"].values
    assert indicator is not None and indicator.table is not None
    inputs = indicator.table["inputs"]
    assert inputs.values is not None
    described = attrs.evolve(
        inputs.values, kinds=("string", "table"), doc='a description ("…") or a table'
    )
    table = {**indicator.table, "inputs": attrs.evolve(inputs, values=described)}
    return {
        **fields,
        "indicator": attrs.evolve(fields["indicator"], values=attrs.evolve(indicator, table=table)),
    }


#: The shape of each format this engine reads, by ``format_version``.
FIELDS_BY_FORMAT: dict[int, dict[str, Field]] = {
    1: _format_1(CATALOGUE_FIELDS),
    FORMAT_VERSION: CATALOGUE_FIELDS,
}


def format_of(data: Any) -> int:
    """The format a parsed catalogue is written in: its ``format_version``, 1 when it has none.
    A value that names no format this engine reads counts as the current format (the shape check
    then reports the value; :func:`newer_format` refuses a newer one first)."""
    value = data.get("format_version") if isinstance(data, dict) else None
    if value is None:
        return 1
    return value if type(value) is int and value in FIELDS_BY_FORMAT else FORMAT_VERSION


def newer_format(doc: TomlDocument, file: str) -> Diagnostic | None:
    """KR224 when the file is in a format newer than this engine knows: nothing else of it can be
    read with confidence (its keys may mean what this engine has never heard of)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    value = data.get("format_version")
    if type(value) is not int or value <= FORMAT_VERSION:
        return None
    return Diagnostic(
        "KR224",
        f"this catalogue is in format {value}, newer than this kinerja-rules reads (formats 1 "
        f"to {FORMAT_VERSION})",
        schema.locate(doc, file, ("format_version",), value=True),
        "upgrade kinerja-rules (pip install --upgrade kinerja-rules), or ask for the catalogue "
        f"in format {FORMAT_VERSION}",
    )


def check_shape(doc: TomlDocument, file: str) -> list[Diagnostic]:
    """The shape check of a catalogue, by the fields of the format it is written in."""
    return schema.check(doc, file, FIELDS_BY_FORMAT[format_of(doc.data)])


def deprecated_format(doc: TomlDocument, file: str) -> Diagnostic | None:
    """KR223 for a file in an older format than the current one, at its ``format_version`` (or,
    when it has none, at ``year``, above which the upgrade writes it)."""
    version = format_of(doc.data)
    if version == FORMAT_VERSION:
        return None
    data = doc.data if isinstance(doc.data, dict) else {}
    if "format_version" in data:
        where = schema.locate(doc, file, ("format_version",), value=True)
    else:
        year = schema.locate(doc, file, ("year",)) if "year" in data else Location(file)
        where = Location(file, year.line or 1, year.col or 1, "format_version")
    return Diagnostic(
        "KR223",
        f"this catalogue is in {format_name(version)}; the current format is {FORMAT_VERSION}",
        where,
        f"run: kinerja-rules upgrade {file} (it rewrites the file in format {FORMAT_VERSION}, "
        "keeping its comments and layout, and it means the same)",
        Severity.WARNING,
    )


def format_name(version: int) -> str:
    """``format 1 (2023)``: a format as messages name it."""
    year = _FORMAT_YEARS.get(version)
    return f"format {version} ({year})" if year else f"format {version}"


#: The year of each older format, as people know it.
_FORMAT_YEARS = {1: 2023}


@attrs.frozen
class LoadResult:
    """A catalogue file as loaded, and every diagnostic.

    ``catalogue`` is None when the file has an error; ``partial`` then holds what could still be
    built (the indicators without errors), so validation can report their warnings too.
    """

    catalogue: Catalogue | None
    diagnostics: tuple[Diagnostic, ...]
    partial: Catalogue | None = None


def load_catalogue(path: PathLike, functions: Mapping[str, FormulaFunction]) -> Catalogue:
    """Load and check one catalogue file; raise :class:`KinerjaError` listing every problem."""
    return _unwrap(check_catalogue_file(path, functions))


def load_catalogue_bytes(
    raw: bytes, name: str, functions: Mapping[str, FormulaFunction]
) -> Catalogue:
    """Like :func:`load_catalogue` for bytes already in memory (packaged resources, tests)."""
    return _unwrap(check_catalogue_bytes(raw, name, functions))


def check_catalogue_file(path: PathLike, functions: Mapping[str, FormulaFunction]) -> LoadResult:
    """Load ``path`` and return every diagnostic (errors and warnings) without raising."""
    try:
        document = read_document(path)
    except KinerjaError as error:
        return LoadResult(None, error.diagnostics)
    return build_catalogue(document, str(path), functions)


def check_catalogue_bytes(
    raw: bytes, name: str, functions: Mapping[str, FormulaFunction]
) -> LoadResult:
    try:
        document = parse_document(raw, name)
    except KinerjaError as error:
        return LoadResult(None, error.diagnostics)
    return build_catalogue(document, name, functions)


def load_written(
    text: str, name: str, functions: Mapping[str, FormulaFunction], command: str
) -> LoadResult:
    """Load a catalogue that ``kinerja-rules COMMAND`` (roll, upgrade) has just made, before it
    is written anywhere: an error in it is the command's bug, raised with a note saying so, so
    that nothing broken is ever written."""
    try:
        result = build_catalogue(parse_document(text.encode("utf-8"), name), name, functions)
    except KinerjaError as error:
        result = LoadResult(None, error.diagnostics)
    errors = [d for d in result.diagnostics if d.is_error]
    if errors:
        note = (
            f"kinerja-rules {command} made this file: please report it as a bug, with the catalogue"
        )
        raise KinerjaError(
            [attrs.evolve(d, hint=f"{d.hint}; {note}" if d.hint else note) for d in errors]
        )
    return result


def _unwrap(result: LoadResult) -> Catalogue:
    if result.catalogue is None or any(d.is_error for d in result.diagnostics):
        raise KinerjaError([d for d in result.diagnostics if d.is_error])
    return result.catalogue


def build_catalogue(
    doc: TomlDocument, file: str, functions: Mapping[str, FormulaFunction]
) -> LoadResult:
    """Check ``doc`` (shape, then meaning) and build the :class:`Catalogue` when it has no error."""
    other = kinds.wrong_kind(doc, file, (kinds.CATALOGUE, kinds.SCORES))
    if other is None:
        other = newer_format(doc, file)
    if other is not None:
        return LoadResult(None, (other,))
    shape = check_shape(doc, file)
    builder = _Builder(doc, file, functions, broken=_broken_paths(shape))
    catalogue = builder.build()
    deprecated = deprecated_format(doc, file)
    diagnostics = (*shape, *builder.diagnostics, *((deprecated,) if deprecated else ()))
    if any(d.is_error for d in diagnostics):
        return LoadResult(None, diagnostics, partial=catalogue)
    return LoadResult(catalogue, diagnostics)


def _broken_paths(diagnostics: list[Diagnostic]) -> set[str]:
    """Fields with a shape error: their whole indicator/sasaran is skipped by semantic checks."""
    broken = set()
    for diagnostic in diagnostics:
        field = diagnostic.location.field or ""
        match = re.match(r"(indicator|sasaran)\[\d+\]", field)
        broken.add(match.group(0) if match else field.split(".")[0].split("[")[0])
    return broken


def parse_quantity(value: int | Decimal | str | dict) -> tuple[Target, str | None]:
    """``80`` → (80, None); ``"80%"`` → (80, "%"); ``"1 Layanan"`` → (1, "Layanan");
    ``"80-90%"`` and ``{ min = 80, max = 90 }`` → the range 80–90."""
    if isinstance(value, dict):
        return Target(Decimal(value["min"]), Decimal(value["max"])), None
    if not isinstance(value, str):
        return Target.of(Decimal(value)), None
    match = _QUANTITY_PARTS.fullmatch(value)
    if match is None:
        raise ValueError(value)
    lower = Decimal(match.group(1).replace(",", "."))
    upper = Decimal(match.group(2).replace(",", ".")) if match.group(2) else lower
    return Target(lower, upper), match.group(3) or None


class _Builder(schema.DocumentReader):
    points_at_values = False  # catalogue problems point at the field by default

    def __init__(
        self,
        doc: TomlDocument,
        file: str,
        functions: Mapping[str, FormulaFunction],
        broken: set[str],
    ):
        super().__init__(doc, file)
        self.functions = functions
        self.broken = broken

    def build(self) -> Catalogue | None:
        policy = None if "policy" in self.broken else self.policy()
        sasaran = self.sasaran()
        known_sasaran = {s.id for s in sasaran}
        if "sasaran" in self.broken or any(key.startswith("sasaran[") for key in self.broken):
            known_sasaran = None  # cannot tell which sasaran exist: skip reference checks
        indicators = []
        seen: dict[str, Location] = {}
        tables = self.data.get("indicator") if "indicator" not in self.broken else None
        for index, table in enumerate(tables or []):
            if f"indicator[{index}]" in self.broken:
                continue
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
        indicators = self.references(indicators)
        if self.broken & {"year", "unit_type", "title", "policy", "sasaran", "indicator", ""}:
            return None
        if any(key not in self.data for key in ("year", "unit_type", "title")):
            return None  # misspelt (reported once, as an unknown key): nothing to build
        if policy is None:
            return None
        bands = self.bands()
        if bands is None:
            return None
        extends = self.data.get("extends") is True
        declared = [key for key in ("policy", "band") if key in self.data] if extends else []
        for key in declared:
            self.error(
                "KR220",
                f"an extension cannot declare [{key}]: it takes the one of the catalogue it "
                "extends",
                (key,),
                f"remove [{key}], or remove extends = true to replace the catalogue whole",
            )
        if declared:
            return None
        return Catalogue(
            year=self.data["year"],
            unit_type=self.data["unit_type"],
            title=self.data["title"],
            policy=policy,
            sasaran=tuple(sasaran),
            indicators=tuple(indicators),
            files=(self.file,),
            bands=bands,
            extends=extends,
            source=self.data.get("source", ""),
            renstra_period=self.renstra_period(),
            locations=schema.key_locations(self.doc, self.file, (), [((), self.data, True)]),
        )

    def renstra_period(self) -> tuple[int, int] | None:
        years = self.data.get("renstra_period")
        if years is None or "renstra_period" in self.broken:
            return None
        if len(years) != 2 or years[0] > years[1]:
            self.error(
                "KR204",
                f"renstra_period must be [first year, last year], found {years}",
                ("renstra_period",),
                "e.g. renstra_period = [2020, 2024]",
                value=True,
            )
            return None
        return (years[0], years[1])

    def bands(self):
        """The catalogue's capaian bands (status categories), or the default; None on overlap."""
        tables = self.data.get("band")
        if not tables or "band" in self.broken:
            return DEFAULT_STATUS_BANDS
        bands = tuple(band_from_table(table) for table in tables)
        overlapping = overlap(bands)
        if overlapping:
            self.error(
                "KR611",
                f"bands '{overlapping[0]}' and '{overlapping[1]}' overlap",
                ("band",),
                "give each capaian one band: make a boundary exclusive on one side",
            )
            return None
        return bands

    def capaian_rule(self, path: Path, text: str, owner: str | None = None) -> Formula | None:
        """A named capaian rule or a formula over R and T."""
        return self.formula(path, CAPAIAN_RULES.get(text, text), {"R", "T"}, owner)

    def policy(self) -> Policy | None:
        table = self.data.get("policy", {})
        capaian = {}
        for key, default in (
            ("capaian_higher", DEFAULT_CAPAIAN_HIGHER),
            ("capaian_lower", DEFAULT_CAPAIAN_LOWER),
        ):
            capaian[key] = self.capaian_rule(("policy", key), table.get(key, default))
        if any(formula is None for formula in capaian.values()):
            return None
        cap = table.get("capaian_cap")
        floor = table.get("capaian_floor")
        return Policy(
            decimals=table.get("decimals", 2),
            rounding=table.get("rounding", "half_up"),
            capaian_from=table.get("capaian_from", "exact"),
            capaian_higher=capaian["capaian_higher"],
            capaian_lower=capaian["capaian_lower"],
            capaian_cap=Decimal(cap) if cap is not None else None,
            not_applicable=table.get("not_applicable", "exclude"),
            overall=table.get("overall", "indicators"),
            status_from=table.get("status_from", "exact"),
            capaian_floor=Decimal(floor) if floor is not None else None,
            range_inside=Decimal(table.get("range_inside", 100)),
            zero_target=_zero_target(table.get("zero_target")),
            consolidation=table.get("consolidation", "sum"),
            missing_periods=table.get("missing_periods", "skip_if_any"),
            plausibility=settings_from(table.get("plausibility", {})),
        )

    def sasaran(self) -> list[Sasaran]:
        result: list[Sasaran] = []
        seen: dict[str, Location] = {}
        tables = self.data.get("sasaran") if "sasaran" not in self.broken else None
        for index, table in enumerate(tables or []):
            path = ("sasaran", index)
            if f"sasaran[{index}]" in self.broken:
                continue
            item = Sasaran(
                table["id"],
                table["level"],
                table["name"],
                self.at(path),
                Decimal(table.get("weight", 1)),
            )
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

    def indicator(
        self, path: Path, table: dict, known_sasaran: set[str] | None
    ) -> Indicator | None:
        errors_before = len(self.diagnostics)
        if known_sasaran is not None and table["sasaran"] not in known_sasaran:
            self.error(
                "KR206",
                f"sasaran '{table['sasaran']}' is not declared in this catalogue",
                (*path, "sasaran"),
                _choice_hint(table["sasaran"], known_sasaran),
                value=True,
            )
        inputs = self.inputs((*path, "inputs"), table["inputs"])
        names = {spec.name for spec in inputs}
        owner = table["id"]
        formula = self.formula((*path, "formula"), table["formula"], names, owner)
        target = self.quantity(path, ("target",), table, owner)
        if "target" not in table:
            year = self.data.get("year")
            self.error(
                "KR208",
                f"indicator '{owner}' has no target for {year}",
                path,
                f"add target = … (the PK {year} target; 0 when the PK sets none)",
            )
        renstra = {}
        for year in table.get("renstra", {}):
            quantity = self.quantity(path, ("renstra", year), table["renstra"], owner, key=year)
            if quantity is not None:
                renstra[int(year)] = quantity
        period_targets = {}
        for key in table.get("period_targets", {}):
            where = ("period_targets", key)
            quantity = self.quantity(path, where, table["period_targets"], owner, key=key)
            period = period_of_key(key)
            if quantity is not None and period is not None:
                period_targets[period] = quantity
        rule = self.applicability(path, table, names, owner)
        capaian = (
            self.capaian_rule((*path, "capaian"), table["capaian"], owner)
            if "capaian" in table
            else None
        )
        invariants = tuple(
            Invariant(compiled, self.at((*path, "invariants", i), value=True))
            for i, text in enumerate(table.get("invariants", []))
            if (
                compiled := self.condition(
                    (*path, "invariants", i), text, names | RESULT_NAMES, owner
                )
            )
        )
        assumptions = tuple(
            compiled
            for i, text in enumerate(table.get("assume", []))
            if (compiled := self.condition((*path, "assume", i), text, names, owner))
        )
        examples = self.examples(path, table.get("examples", []), names, owner)
        if (
            formula is None
            or len(self.diagnostics) > errors_before
            and any(d.is_error for d in self.diagnostics[errors_before:])
        ):
            return None
        return Indicator(
            id=table["id"],
            sasaran=table["sasaran"],
            level=table["level"],
            name=table["name"],
            unit=table["unit"],
            polarity=Polarity(table.get("polarity", "higher")),
            formula=formula,
            inputs=tuple(inputs),
            target=target,
            renstra=renstra,
            anggaran=table.get("anggaran"),
            weight=Decimal(table.get("weight", 1)),
            capaian=capaian,
            capaian_floor=_decimal(table.get("capaian_floor")),
            capaian_cap=_decimal(table.get("capaian_cap")),
            zero_target=_zero_target(table.get("zero_target")),
            location=self.at(path),
            polarity_declared="polarity" in table,
            not_applicable=rule,
            examples=examples,
            invariants=invariants,
            assumptions=assumptions,
            locations=self.locations(path, table),
            above_100=table.get("above_100") is True,
            scale=self.scale(path, table),
            national_standard=(
                self.quantity(path, ("national_standard",), table, owner)
                if "national_standard" in table
                else None
            ),
            national_standard_source=table.get("national_standard_source", ""),
            consolidation=table.get("consolidation"),
            missing_periods=table.get("missing_periods"),
            period_targets=period_targets,
            plausibility=self.plausibility(path, table, names),
            definition=table.get("definition", ""),
            data_source=table.get("data_source", ""),
            note=table.get("note", ""),
        )

    def plausibility(self, path: Path, table: dict, names: set[str]) -> dict:
        """The indicator's ``plausibility`` table, its input names checked (an unknown one is
        located, with the closest name)."""
        if "plausibility" not in table:
            return {}
        checks = dict(table["plausibility"])
        for key in ("range", "flows", "within_year"):
            for name, value in list(checks.get(key, {}).items()):
                named = [name, *(value if key == "flows" else [])]
                unknown = [n for n in named if n not in names and (key, n) != ("range", "value")]
                for wrong in unknown:
                    near = closest(wrong, sorted(names))
                    self.error(
                        "KR204",
                        f"indicator '{table['id']}': plausibility.{key} names '{wrong}', which is "
                        "not one of its inputs",
                        (*path, "plausibility", key, name),
                        f"did you mean '{near}'?"
                        if near
                        else f"inputs: {', '.join(sorted(names))}",
                        value=key != "flows" or wrong != name,
                    )
                if key == "range" and not value:
                    self.error(
                        "KR204",
                        f"indicator '{table['id']}': plausibility.range.{name} gives no bound",
                        (*path, "plausibility", key, name),
                        "give min, max or both: { min = 0, max = 500 }",
                    )
        return checks

    def locations(self, path: Path, table: dict) -> Mapping[str, Location]:
        """Where each key of the indicator, each Renstra year and each input was written (the
        value, the value, the key), made when a check asks."""
        groups = [
            ((), table, True),
            (("renstra",), table.get("renstra", {}), True),
            (("inputs",), table.get("inputs", {}), False),
        ]
        return schema.key_locations(self.doc, self.file, path, groups)

    def quantity(
        self, path: Path, key_path: tuple, table: dict, owner: str, key: str | None = None
    ) -> Target | None:
        """A target (or Renstra target); a unit written with it must match the indicator's, and a
        range must not be upside down."""
        value = table.get(key if key is not None else key_path[-1])
        if value is None:
            return None
        number, unit = parse_quantity(value)
        if number.lower > number.upper:
            self.error(
                "KR204",
                f"indicator '{owner}': the range goes down "
                f"({format_decimal(number.lower)} to {format_decimal(number.upper)})",
                (*path, *key_path),
                "write the lower bound first, e.g. 80-90%",
                value=True,
            )
            return None
        indicator_unit = self.data_unit(path)
        if (
            unit is not None
            and indicator_unit is not None
            and unit.lower() != indicator_unit.lower()
        ):
            self.error(
                "KR209",
                f"indicator '{owner}': target is in {unit!r} but the indicator's unit is "
                f"{indicator_unit!r}",
                (*path, *key_path),
                f'write the target in {indicator_unit}, or fix unit = "…"',
                value=True,
            )
        return number

    def scale(self, path: Path, table: dict) -> tuple[Decimal, Decimal] | None:
        """``scale = [lowest, highest]``, lowest below highest."""
        bounds = table.get("scale")
        if bounds is None:
            return None
        if len(bounds) != 2 or Decimal(bounds[0]) >= Decimal(bounds[1]):
            self.error(
                "KR204",
                f"indicator '{table['id']}': scale must be [lowest, highest], found {bounds}",
                (*path, "scale"),
                "e.g. scale = [1, 4] (or [25, 100] for an index × 25)",
                value=True,
            )
            return None
        return (Decimal(bounds[0]), Decimal(bounds[1]))

    def data_unit(self, path: Path) -> str | None:
        table = self.data["indicator"][path[1]]
        return table.get("unit")

    def inputs(self, path: Path, table: dict) -> list[InputSpec]:
        specs = []
        for name, value in table.items():
            if name in RESERVED_INPUT_NAMES or name in RESULT_NAMES or name in self.functions:
                self.error(
                    "KR204",
                    f"'{name}' cannot be an input name (reserved)",
                    (*path, name),
                    "rename the input, e.g. to A, B or a descriptive identifier",
                )
                continue
            if isinstance(value, str):
                specs.append(InputSpec(name, value))
                continue
            source = tuple(value["from"].split(".")) if "from" in value else None
            if source is None and "description" not in value:
                self.error(
                    "KR202",
                    f"input {name} has no description",
                    (*path, name),
                    f'add description = "…" (what {name} counts), or from = "id.capaian"',
                )
                continue
            maximum = value.get("max")
            declared = [key for key in ("counts", "measures") if key in value]
            if len(declared) > 1 or source and declared:
                self.error(
                    "KR204",
                    f"input {name} declares "
                    + ("both counts and measures" if not source else "a unit and from"),
                    (*path, name),
                    "an input either counts or measures one thing; one taken from another "
                    "indicator has that indicator's unit",
                )
                continue
            specs.append(
                InputSpec(
                    name,
                    value.get("description") or (f"{source[1]} {source[0]}" if source else ""),
                    value.get("kind", "number" if source else "count"),
                    Decimal(maximum) if maximum is not None else None,
                    source,
                    value.get("counts", ""),
                    value.get("measures", ""),
                )
            )
        return specs

    def references(self, indicators: list[Indicator]) -> list[Indicator]:
        """Inputs taken from other indicators must name one (KR217), and not in a circle (KR218);
        the indicators with a bad reference are left out."""
        ids = {indicator.id: indicator for indicator in indicators}
        bad: set[str] = set()
        for indicator in indicators:
            for spec in indicator.inputs:
                if spec.source is not None and spec.source[0] not in ids:
                    self.diagnostics.append(
                        Diagnostic(
                            "KR217",
                            f"indicator '{indicator.id}': input {spec.name} comes from "
                            f"'{spec.source[0]}', which is not an indicator of this catalogue",
                            indicator.where(f"inputs.{spec.name}"),
                            _choice_hint(spec.source[0], set(ids)),
                        )
                    )
                    bad.add(indicator.id)
        for cycle in dependency_cycles(indicators):
            first = ids[cycle[0]]
            spec = next(s for s in first.inputs if s.source and s.source[0] == cycle[1])
            self.diagnostics.append(
                Diagnostic(
                    "KR218",
                    f"indicators take their inputs from each other in a circle: "
                    f"{' → '.join(cycle)}",
                    first.where(f"inputs.{spec.name}"),
                    "an indicator may use another's result only if that one does not "
                    "(indirectly) use it",
                )
            )
            bad.update(cycle)
        return [indicator for indicator in indicators if indicator.id not in bad]

    def applicability(
        self, path: Path, table: dict, names: set[str], owner: str
    ) -> ApplicabilityRule | None:
        rule = table.get("not_applicable")
        if rule is None:
            return None
        when = self.condition((*path, "not_applicable", "when"), rule["when"], names, owner)
        return ApplicabilityRule(when, rule["reason"]) if when is not None else None

    def examples(
        self, path: Path, tables: list[dict], names: set[str], owner: str
    ) -> tuple[Example, ...]:
        examples = []
        for index, table in enumerate(tables):
            where = (*path, "examples", index)
            given = table["inputs"]
            if given.keys() != names:  # (compared first: the sorted lists are for the message)
                unknown = sorted(set(given) - names)
                missing = sorted(names - set(given))
                problems = []
                if unknown:
                    problems.append(f"unknown input {', '.join(unknown)}")
                if missing:
                    problems.append(f"missing input {', '.join(missing)}")
                self.error(
                    "KR204",
                    f"indicator '{owner}': example {'; '.join(problems)}",
                    (*where, "inputs"),
                    f"give a value for each input: {', '.join(sorted(names))}",
                    value=True,
                )
                continue
            expected_na = table.get("not_applicable")
            if expected_na is False:
                expected_na = None
            if expected_na is None and "realisasi" not in table and "capaian" not in table:
                self.error(
                    "KR202",
                    f"indicator '{owner}': example states no expected figure",
                    where,
                    "add realisasi = … (and optionally capaian = …), or not_applicable = true",
                )
                continue
            examples.append(
                Example(
                    inputs={name: Decimal(value) for name, value in given.items()},
                    realisasi=_decimal(table.get("realisasi")),
                    capaian=_decimal(table.get("capaian")),
                    not_applicable=expected_na,
                    location=self.at(where),
                )
            )
        return tuple(examples)

    def formula(
        self, path: Path, text: str, names: set[str], owner: str | None = None
    ) -> Formula | None:
        """Compile a formula once; on failure record a diagnostic naming its indicator."""
        return self._compile(path, text, names, owner, kind="number")

    def condition(self, path: Path, text: str, names: set[str], owner: str) -> Formula | None:
        return self._compile(path, text, names, owner, kind=BOOLEAN)

    def _compile(
        self, path: Path, text: str, names: set[str], owner: str | None, kind: str
    ) -> Formula | None:
        try:
            return compile_formula(text, frozenset(names), self.functions, kind)
        except FormulaError as error:
            message = f"indicator '{owner}': {error.message}" if owner else error.message
            location = self.formula_location(path, error.offset)
            self.diagnostics.append(Diagnostic(error.code, message, location, error.hint))
            return None

    def formula_location(self, path: Path, offset: int) -> Location:
        """Point at the offending character of a one-line formula string without escapes (the
        file's lines are split only here, for a formula with an error)."""
        location = self.at(path, value=True)
        lines = self.doc.lines
        if location.line is None or location.col is None or location.line > len(lines):
            return location
        line = lines[location.line - 1]
        start = location.col - 1
        quote = line[start : start + 1]
        if (
            quote in ('"', "'")
            and line[start : start + 3] != quote * 3
            and "\\" not in line[start:]
        ):
            return Location(location.file, location.line, location.col + 1 + offset, location.field)
        return location


def _zero_target(table: dict | None) -> ZeroTarget | None:
    if table is None:
        return None
    return ZeroTarget(Decimal(table["met"]), Decimal(table["missed"]))


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(value) if value is not None else None
    except (InvalidOperation, TypeError):
        return None


def _choice_hint(value: str, known: set[str]) -> str:
    suggestion = closest(value, known)
    listed = ", ".join(sorted(known)) or "none declared"
    return (
        f"did you mean '{suggestion}'? declared: {listed}" if suggestion else f"declared: {listed}"
    )
