"""Realisation data: one TOML file per unit per year with the counts behind each indicator.

::

    unit = "Bapas Kelas II Lahat"
    unit_type = "bapas"
    year = 2023

    [indicators.klien_bekerja]      # an indicator id of the 2023 bapas catalogue
    A = 629                         # its inputs, by the names the catalogue declares
    B = 1277

    [indicators.layanan_perkantoran]
    realisasi = 1                   # or the realisasi itself, where a report gives only that

    [indicators.gangguan_mental]
    not_measured = "reason"         # or why it was not measured

The file is checked against the catalogue for its unit type and year: unknown indicator ids,
unknown or missing inputs, negative counts, fractional counts and non-numbers are all reported,
located, before anything is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from . import kinds, schema
from .decimals import INPUT, QUANTITY, RUPIAH, YEAR, NumberProblem
from .diagnostics import Diagnostic, KinerjaError, Location, closest, raise_if_errors
from .model import Catalogue
from .periods import KEY_DOC, Period, period_of_key
from .registry import CatalogueSet
from .schema import Field
from .sources import PathLike, read_document
from .tomlpos import TomlDocument

#: Keys an entry may carry besides its inputs, its realisasi or its reason.
SIDE_KEYS = frozenset({"note", "realisasi_anggaran", "causes", "programmes"})
#: The unit's own words for Bab III, per indicator: why it succeeded or failed, and which
#: programmes supported it (the report shows a marked placeholder where they are missing).
NARRATIVE_KEYS = ("causes", "programmes")

ENTRY_FIELD = Field(("table",), doc="the inputs of one indicator, or realisasi, or not_measured")

DATA_FIELDS: dict[str, Field] = {
    "unit": Field(("string",), required=True, doc='the work unit, e.g. "Bapas Kelas II Lahat"'),
    "unit_type": Field(
        ("string",), required=True, doc='the unit type of the catalogue, e.g. "bapas"'
    ),
    "year": Field(("integer",), required=True, doc="the reporting year", domain=YEAR),
    "source": Field(("string",), doc="where the figures come from"),
    "indicators": Field(
        ("table",),
        required=True,
        doc="one [indicators.<id>] table per indicator",
        values=ENTRY_FIELD,
    ),
}


@attrs.frozen
class DataEntry:
    """What the data says about one indicator: input counts, a reported realisasi, or a reason."""

    indicator_id: str
    inputs: Mapping[str, Decimal]
    realisasi: Decimal | None
    not_measured: str | None
    note: str | None
    location: Location = attrs.field(eq=False)
    #: Budget realised for the indicator (LPKA Tabel II), whole Rupiah.
    realisasi_anggaran: int | None = None
    #: The same per period of the year (``[indicators.<id>.periods]``), by ``Period``.
    periods: Mapping[Period, DataEntry] = attrs.field(factory=dict)
    #: False when the data gives only periods, no annual figure.
    annual: bool = True
    #: For an entry consolidated from periods: how ("jumlah Januari–Juni"), for the derivation.
    origin: str | None = None
    #: The unit's narrative for Bab III (``causes``, ``programmes``), as written.
    narrative: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class UnitData:
    """One unit's realisation data for one year."""

    unit: str
    unit_type: str
    year: int
    entries: Mapping[str, DataEntry]
    file: str
    source: str | None = None


def load_data(path: PathLike, catalogues: CatalogueSet) -> UnitData:
    """Load ``path`` and check it against the catalogue for its unit type and year."""
    document = read_document(path)
    return build_data(document, str(path), catalogues)


def build_data(doc: TomlDocument, file: str, catalogues: CatalogueSet) -> UnitData:
    raise_if_errors(filter(None, [kinds.wrong_kind(doc, file, kinds.DATA)]))
    raise_if_errors(schema.check(doc, file, DATA_FIELDS))
    data = doc.data
    catalogue = catalogues.get(data["unit_type"], data["year"])
    if catalogue is None:
        available = ", ".join(f"{c.unit_type} {c.year}" for c in catalogues) or "none"
        raise KinerjaError(
            [
                Diagnostic(
                    "KR405",
                    f"no catalogue for unit type '{data['unit_type']}' and year {data['year']}",
                    schema.locate(doc, file, ("unit_type",)),
                    f"available: {available}; add one with --catalog DIR",
                )
            ]
        )
    diagnostics: list[Diagnostic] = []
    entries = {}
    for indicator_id, table in data["indicators"].items():
        entry = _entry(doc, file, catalogue, indicator_id, table, diagnostics)
        if entry is None:
            continue
        narrative = {}
        for key in NARRATIVE_KEYS:
            text = table.get(key)
            if text is not None and (not isinstance(text, str) or not text.strip()):
                diagnostics.append(
                    Diagnostic(
                        "KR203",
                        f"{key} must be a non-empty text",
                        schema.locate(doc, file, ("indicators", indicator_id, key), value=True),
                        f"the unit's own words for Bab III: {key} of {indicator_id}",
                    )
                )
            elif text is not None:
                narrative[key] = text.strip()
        entries[indicator_id] = attrs.evolve(entry, narrative=narrative) if narrative else entry
    raise_if_errors(diagnostics)
    return UnitData(
        data["unit"], data["unit_type"], data["year"], entries, file, data.get("source")
    )


def _entry(
    doc: TomlDocument,
    file: str,
    catalogue: Catalogue,
    indicator_id: str,
    table: dict,
    diagnostics: list[Diagnostic],
    path: tuple = (),
) -> DataEntry | None:
    """One indicator's entry (``path`` is given for one of its periods, which has no periods)."""
    in_period = bool(path)
    path = path or ("indicators", indicator_id)

    def report(code: str, message: str, key: str | None, hint: str | None = None) -> None:
        where = (*path, key) if key else path
        diagnostics.append(
            Diagnostic(code, message, schema.locate(doc, file, where, value=key is not None), hint)
        )

    def refuse(key: str, problem: NumberProblem, what: str) -> None:
        report(problem.code, f"{key} = {problem.message}", key, f"{what}; {problem.hint}")

    indicator = catalogue.indicator(indicator_id)
    if indicator is None:
        suggestion = closest(indicator_id, [i.id for i in catalogue.indicators])
        report(
            "KR401",
            f"'{indicator_id}' is not an indicator of the "
            f"{catalogue.unit_type} {catalogue.year} catalogue",
            None,
            f"did you mean '{suggestion}'?"
            if suggestion
            else "see `kinerja-rules plugins` for the catalogues",
        )
        return None
    note = table.get("note")
    if note is not None and not isinstance(note, str):
        report("KR203", f"note must be a string, found {schema.kind_of(note)}", "note")
        return None
    spent = table.get("realisasi_anggaran")
    if spent is not None and schema.kind_of(spent) != "integer":
        report(
            "KR203",
            "realisasi_anggaran must be whole Rupiah (a non-negative integer)",
            "realisasi_anggaran",
            "the budget realised for this indicator, e.g. 235616545",
        )
        return None
    if spent is not None and (problem := RUPIAH.check(spent)) is not None:
        refuse("realisasi_anggaran", problem, "the budget realised for this indicator")
        return None
    periods: dict[Period, DataEntry] = {}
    if "periods" in table:
        if in_period or not isinstance(table["periods"], dict):
            report("KR203", "periods must be a table of periods, each a table", "periods")
            return None
        found = _periods(doc, file, catalogue, indicator_id, table["periods"], diagnostics)
        if found is None:
            return None
        periods = found
        table = {key: value for key, value in table.items() if key != "periods"}
        if not set(table) - SIDE_KEYS:  # only periods: no annual figure
            return DataEntry(
                indicator_id,
                {},
                None,
                None,
                note,
                schema.locate(doc, file, path),
                spent,
                periods=periods,
                annual=False,
            )
    modes = [key for key in ("realisasi", "not_measured") if key in table]
    if len(modes) > 1 or (modes and len(set(table) - SIDE_KEYS) > 1):
        report(
            "KR204",
            "give either the inputs, or realisasi, or not_measured — not several",
            None,
            "keep the one that matches what the report gives",
        )
        return None
    if "not_measured" in table:
        reason = table["not_measured"]
        if not isinstance(reason, str) or not reason.strip():
            report("KR203", "not_measured must be a non-empty reason", "not_measured")
            return None
        return DataEntry(
            indicator_id, {}, None, reason, note, schema.locate(doc, file, path), spent, periods
        )
    if "realisasi" in table:
        value = table["realisasi"]
        if schema.kind_of(value) not in ("integer", "number"):
            report(
                "KR404", f"realisasi must be a number, found {schema.kind_of(value)}", "realisasi"
            )
            return None
        problem = QUANTITY.check(value)
        if problem is not None:
            refuse("realisasi", problem, f"the realisasi of {indicator_id} in {indicator.unit}")
            return None
        return DataEntry(
            indicator_id,
            {},
            Decimal(value),
            None,
            note,
            schema.locate(doc, file, path),
            spent,
            periods,
        )
    inputs: dict[str, Decimal] = {}
    declared = {spec.name: spec for spec in indicator.data_inputs}
    derived = {spec.name: spec for spec in indicator.inputs if spec.source is not None}
    for name, value in table.items():
        if name in SIDE_KEYS:
            continue
        spec = declared.get(name)
        if name in derived:
            source_id, part = derived[name].source
            report(
                "KR406",
                f"{name} of {indicator_id} is the {part} of {source_id}, not a figure of the data",
                name,
                f"remove {name}: it is computed from {source_id}",
            )
            continue
        if spec is None:
            suggestion = closest(name, declared)
            report(
                "KR406",
                f"'{name}' is not an input of {indicator_id} (inputs: {', '.join(declared)})",
                name,
                f"did you mean '{suggestion}'?"
                if suggestion
                else "use realisasi = … to give the value directly",
            )
            continue
        kind = schema.kind_of(value)
        if kind not in ("integer", "number"):
            report(
                "KR404",
                f"{name} must be a number, found {kind}: {value!r}"[:200],
                name,
                f"{name} is: {spec.description}",
            )
            continue
        problem = INPUT.check(value)
        if problem is not None:
            refuse(name, problem, f"{name} counts: {spec.description}")
            continue
        number = Decimal(value)
        if spec.kind == "count" and number != number.to_integral_value():
            report(
                "KR407",
                f"{name} = {value} is not a whole number",
                name,
                f"{name} counts: {spec.description}",
            )
            continue
        inputs[name] = number
    missing = [name for name in declared if name not in table]
    if missing:
        listing = "; ".join(f"{name} = {declared[name].description}" for name in missing)
        report(
            "KR402",
            f"missing input {', '.join(missing)} for {indicator_id}",
            None,
            f"add {listing}",
        )
        return None
    if len(inputs) != len(declared):
        return None
    return DataEntry(
        indicator_id, inputs, None, None, note, schema.locate(doc, file, path), spent, periods
    )


def _periods(
    doc: TomlDocument,
    file: str,
    catalogue: Catalogue,
    indicator_id: str,
    tables: dict,
    diagnostics: list[Diagnostic],
) -> dict[Period, DataEntry] | None:
    """``[indicators.<id>.periods]``: one entry per month, quarter or semester — one kind."""
    found: dict[Period, DataEntry] = {}
    failed = False
    for key, table in tables.items():
        where = ("indicators", indicator_id, "periods", key)
        period = period_of_key(key)
        problem = None
        if period is None:
            problem = ("KR412", f"'{key}' is not a period", f"periods are {KEY_DOC}")
        elif period in found:
            problem = ("KR413", f"period '{key}' is given twice", "give each period once")
        elif found and next(iter(found)).kind != period.kind:
            first = next(iter(found))
            problem = (
                "KR413",
                f"'{key}' is a {period.kind}, but this indicator's periods are {first.kind}s "
                f"('{first.key}')",
                "give one kind of period per indicator: months, or quarters, or semesters",
            )
        elif not isinstance(table, dict):
            problem = ("KR203", f"period '{key}' must be a table such as {{ A = 1, B = 2 }}", None)
        if problem is not None:
            code, message, hint = problem
            diagnostics.append(Diagnostic(code, message, schema.locate(doc, file, where), hint))
            failed = True
            continue
        entry = _entry(doc, file, catalogue, indicator_id, table, diagnostics, where)
        if entry is None:
            failed = True
            continue
        found[period] = entry
    return None if failed else dict(sorted(found.items()))


def check_previous(previous: Sequence[UnitData], current: UnitData | None = None) -> None:
    """Earlier years' data of one unit: with ``current``, each an earlier year of its unit type,
    and each year once; else a located KinerjaError (KR416). A comparison with another unit's
    figures, or with a later year's, would look just as plausible as the right one."""
    problems = []
    seen: dict[int, str] = {}
    for data in previous:
        message = None
        if current is not None and data.unit_type != current.unit_type:
            message = (
                f"--previous data is for unit type '{data.unit_type}', the report for "
                f"'{current.unit_type}'"
            )
        elif current is not None and data.year >= current.year:
            message = f"--previous data is for {data.year}, not a year before {current.year}"
        elif data.year in seen:
            message = f"a second --previous file for {data.year} (the first is {seen[data.year]})"
        if message is not None:
            problems.append(
                Diagnostic(
                    "KR416",
                    message,
                    Location(data.file, field="year" if "year" in message else "unit_type"),
                    "give the same unit's data files of earlier years, one per year",
                )
            )
        seen.setdefault(data.year, data.file)
    if problems:
        raise KinerjaError(problems)
