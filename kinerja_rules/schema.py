"""Declarative shape of the TOML files, checked with located diagnostics.

The catalogue and realisation-data formats are described once, as :class:`Field` trees, and this
module checks a parsed TOML document against them: unknown or misspelt keys (with the closest known
key as a hint), missing required keys, wrong types and values outside a fixed set. Loaders run this
first and only then look at meaning (ids, references, formulas), so structural mistakes are
reported uniformly and the same description can later be exported as JSON Schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .decimals import ANY, Domain
from .diagnostics import Diagnostic, Location, closest
from .tomlpos import Path, TomlDocument, position_in

#: TOML value kinds a field may accept.
KINDS = ("string", "integer", "number", "boolean", "table", "array")


@attrs.frozen
class Field:
    """What one key may hold.

    ``table`` describes a table with fixed keys; ``values`` a table with free keys (matching
    ``key_pattern``) or, for arrays, the items. ``kinds`` lists accepted TOML kinds; "number"
    accepts integers and decimals.
    """

    kinds: tuple[str, ...]
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()
    table: Mapping[str, Field] | None = None
    values: Field | None = None
    key_pattern: str | None = None
    key_doc: str = ""
    #: For numbers: the range and precision they must have (every number has one; default ANY).
    domain: Domain | None = None
    #: For strings: a regular expression the whole value must match.
    pattern: str | None = None
    #: Typical values, listed by the JSON Schema for editors (not a restriction).
    examples: tuple[str, ...] = ()


def kind_of(value: Any) -> str:
    """The TOML kind of a parsed value."""
    kind = _KINDS.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list):
        return "array"
    return "date/time"


#: The kind of each type a parser produces, looked up before the isinstance chain above.
_KINDS: dict[type, str] = {
    bool: "boolean",
    int: "integer",
    Decimal: "number",
    str: "string",
    dict: "table",
    list: "array",
}


def accepts(field: Field, value: Any) -> bool:
    kind = kind_of(value)
    return kind in field.kinds or (kind == "integer" and "number" in field.kinds)


#: ``field_name`` of the paths seen lately: every catalogue has the same few hundred.
_FIELD_NAMES: dict[Path, str] = {}
_FIELD_NAMES_SIZE = 20_000


def field_name(path: Path) -> str:
    """``("indicator", 3, "formula")`` → ``indicator[3].formula`` (0-based, in file order)."""
    text = _FIELD_NAMES.get(path)
    if text is not None:
        return text
    text = ""
    for part in path:
        text = _child_name(text, part)
    if len(_FIELD_NAMES) >= _FIELD_NAMES_SIZE:
        _FIELD_NAMES.clear()
    _FIELD_NAMES[path] = text
    return text


def _child_name(parent: str, part: str | int) -> str:
    """The field name of ``part`` in the field named ``parent`` ("": the top level)."""
    if isinstance(part, int):
        return f"{parent}[{part}]"
    return f"{parent}.{part}" if parent else str(part)


def locate(doc: TomlDocument, file: str, path: Path, value: bool = False) -> Location:
    """The location of ``path`` in ``doc`` (its value when ``value`` is true, else its key).

    A document read from a spreadsheet locates by sheet and cell (``FILE.xlsx!Data!C7``): it
    says so by having a ``location_of(file, path, value)`` method of its own.
    """
    if type(doc) is TomlDocument:
        position = doc.place(path, value)
    else:
        location_of = getattr(doc, "location_of", None)
        if location_of is not None:
            return location_of(file, path, value)
        position = doc.value_position(path) if value else doc.key_position(path)
    if position is None:
        if not path:  # the document itself: point at its start
            return Location(file, 1, 1)
        return Location(file, field=field_name(path) or None)
    return Location(file, position[0], position[1], field_name(path) or None)


class KeyLocations(Mapping):
    """Locations by name (an indicator's ``"formula"``, ``"renstra.2023"``, ``"inputs.A"``, a
    catalogue's ``"year"``), each made when it is asked for from the character offset found
    when the model was built.

    An indicator has a location for every key it writes, a million in 5 000 catalogues, and a
    run asks for a few: making each Location was a tenth of what loading a catalogue cost. The
    offsets and where the file's lines start are all that is kept (not the document).
    """

    __slots__ = ("_file", "_starts", "_prefix", "_places")

    def __init__(
        self,
        file: str,
        starts: list[int] | None,
        prefix: str,
        places: dict[str, int | Location],
    ) -> None:
        self._file = file
        #: Where the file's lines start (None: every place is a Location already).
        self._starts = starts
        #: The field name of the table the names are in (``indicator[3]``).
        self._prefix = prefix
        #: By name: a character offset, or the Location when there was none to keep.
        self._places = places

    def _location(self, name: str, place: int | Location) -> Location:
        if type(place) is not int:
            return place
        assert self._starts is not None  # an offset comes with its line starts
        line, col = position_in(self._starts, place)
        return Location(self._file, line, col, _child_name(self._prefix, name) or None)

    def __getitem__(self, name: str) -> Location:
        return self._location(name, self._places[name])

    def get(self, name: str, default: Any = None) -> Any:
        place = self._places.get(name)
        return default if place is None else self._location(name, place)

    def __contains__(self, name: object) -> bool:
        return name in self._places

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def __repr__(self) -> str:
        return f"KeyLocations({dict(self)!r})"


def key_locations(
    doc: TomlDocument,
    file: str,
    parent: Path,
    groups: Iterable[tuple[Path, Iterable[str], bool]],
) -> KeyLocations:
    """The locations of keys in the table at ``parent`` (``()``: the top level), as :func:`locate`
    gives them, by name. Each group is (a path inside the table, its keys, whether to point at
    their values): ``((), keys, True)`` names each key itself, ``(("inputs",), names, False)``
    names ``inputs.A``. A name given again keeps its place and takes the later location."""
    starts = doc.line_starts if type(doc) is TomlDocument else None
    places: dict[str, int | Location] = {}
    for inside, group, value in groups:
        keys = list(group)
        where = (*parent, *inside)
        offsets = doc.offsets(where, keys, value) if starts is not None else [None] * len(keys)
        lead = ".".join(str(part) for part in inside) + "." if inside else ""
        for key, offset in zip(keys, offsets):
            name = lead + key if lead else key
            places[name] = offset if offset is not None else locate(doc, file, (*where, key), value)
    return KeyLocations(file, starts, field_name(parent), places)


class DocumentReader:
    """Turns a checked document into model objects, collecting located diagnostics on the way.

    Every loader (catalogue, budget, printed report) reads the same way: look a path up, and on a
    problem record a diagnostic at that path rather than stop, so one run names every problem.
    ``points_at_values`` says where a location points by default: at the value (the figure that is
    wrong) or at its key (the field that is wrong).
    """

    points_at_values = True

    def __init__(self, doc: TomlDocument, file: str):
        self.doc = doc
        self.data = doc.data if isinstance(doc.data, dict) else {}
        self.file = file
        self.diagnostics: list[Diagnostic] = []

    def at(self, path: Path, value: bool | None = None) -> Location:
        return locate(self.doc, self.file, path, self.points_at_values if value is None else value)

    def error(
        self,
        code: str,
        message: str,
        path: Path,
        hint: str | None = None,
        value: bool | None = None,
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.at(path, value), hint))


def check(doc: TomlDocument, file: str, root: Mapping[str, Field]) -> list[Diagnostic]:
    """Check the whole document against the top-level fields ``root``."""
    found: list[Diagnostic] = []
    _check_table(doc, file, (), doc.data, root, found)
    return found


def check_table(
    doc: TomlDocument, file: str, path: Path, table: dict, fields: Mapping[str, Field]
) -> list[Diagnostic]:
    """Check one table found at ``path`` against ``fields`` (for tables checked on their own)."""
    found: list[Diagnostic] = []
    _check_table(doc, file, path, table, fields, found)
    return found


# The checks below append to ``found`` rather than yield, and a value that plainly passes (a
# string of the field's pattern and choices, a whole number in range, a boolean, where nothing
# more is asked of it) is passed over without a call: a catalogue has thousands of values, and
# the checks were most of the time a file took to load.


def _check_table(
    doc: TomlDocument,
    file: str,
    path: Path,
    table: dict,
    fields: Mapping[str, Field],
    found: list[Diagnostic],
) -> None:
    required, plans = _table_plan(fields)
    missing = [key for key in required if key not in table]
    for key, value in table.items():
        plan = plans.get(key)
        if plan is None:
            suggestion = closest(key, fields)
            hint = (
                f"did you mean '{suggestion}'?"
                if suggestion
                else ("known keys: " + ", ".join(fields))
            )
            if suggestion in missing:  # one mistake, one diagnostic: the misspelling
                missing.remove(suggestion)
            found.append(
                Diagnostic("KR201", f"unknown key '{key}'", locate(doc, file, (*path, key)), hint)
            )
            continue
        if not _passes(plan, value):
            _check_value(doc, file, (*path, key), value, plan.field, found)
    for key in missing:
        doc_text = fields[key].doc
        where = field_name(path) or "the top level"
        found.append(
            Diagnostic(
                "KR202",
                f"missing required key '{key}' in {where}",
                locate(doc, file, path),
                f"add {key} = … ({doc_text})" if doc_text else f"add {key} = …",
            )
        )


@attrs.frozen
class _Plan:
    """Which values of ``field`` certainly pass with no diagnostic, worked out once per field:
    most values of a file plainly pass, and are passed over without :func:`_check_value`."""

    field: Field
    #: Whether a string may pass; then it must match ``pattern`` and be one of ``choices``
    #: (None: no such rule).
    strings: bool
    pattern: re.Pattern[str] | None
    choices: frozenset[str] | None
    #: The whole numbers that pass (None: none without a check).
    ints: tuple[int, int] | None
    #: Whether any boolean passes.
    booleans: bool


def _passes(plan: _Plan, value: Any) -> bool:
    """True when ``value`` certainly passes ``plan.field`` with no diagnostic: a string of the
    field's pattern and choices, a whole number inside the field's range, a boolean. False:
    check it."""
    kind = type(value)
    if kind is str:
        if not plan.strings:
            return False
        pattern, choices = plan.pattern, plan.choices
        return (pattern is None or pattern.fullmatch(value) is not None) and (
            choices is None or value in choices
        )
    if kind is int:
        bounds = plan.ints
        return bounds is not None and bounds[0] <= value <= bounds[1]
    if kind is bool:
        return plan.booleans
    return False


def _plan(field: Field) -> _Plan:
    """The :class:`_Plan` of ``field``, made once (by identity: fields are module constants)."""
    known = _PLANS.get(id(field))
    if known is not None and known.field is field:
        return known
    plain = not field.choices
    numbers = "integer" in field.kinds or "number" in field.kinds
    plan = _Plan(
        field,
        strings="string" in field.kinds,
        pattern=_pattern(field.pattern) if field.pattern else None,
        choices=frozenset(field.choices) if field.choices else None,
        ints=_int_bounds(field.domain or ANY) if plain and numbers else None,
        booleans=plain and "boolean" in field.kinds,
    )
    _PLANS[id(field)] = plan
    return plan


#: :func:`_plan` of each field.
_PLANS: dict[int, _Plan] = {}


def _table_plan(fields: Mapping[str, Field]) -> tuple[tuple[str, ...], dict[str, _Plan]]:
    """(the required keys, the plan of each key) of a table's fields, made once (by identity:
    the tables are module constants)."""
    known = _TABLE_PLANS.get(id(fields))
    if known is not None and known[0] is fields:
        return known[1], known[2]
    required = tuple(key for key, field in fields.items() if field.required)
    plans = {key: _plan(field) for key, field in fields.items()}
    _TABLE_PLANS[id(fields)] = (fields, required, plans)
    return required, plans


_TABLE_PLANS: dict[int, tuple[Mapping[str, Field], tuple[str, ...], dict[str, _Plan]]] = {}


def _check_value(
    doc: TomlDocument, file: str, path: Path, value: Any, field: Field, found: list[Diagnostic]
) -> None:
    kind = kind_of(value)
    if kind not in field.kinds and not (kind == "integer" and "number" in field.kinds):
        expected = " or ".join(field.kinds)
        found.append(
            Diagnostic(
                "KR203",
                f"expected {expected}, found {kind}",
                locate(doc, file, path, value=True),
                field.doc or None,
            )
        )
        return
    if kind == "string":
        if field.pattern and not _pattern(field.pattern).fullmatch(value):
            found.append(
                Diagnostic(
                    "KR204",
                    f"'{value[:80]}' is not a valid value here",
                    locate(doc, file, path, value=True),
                    field.doc or None,
                )
            )
        if field.choices and value not in field.choices:
            _not_a_choice(doc, file, path, value, field, found)
        return
    if field.choices and value not in field.choices:
        _not_a_choice(doc, file, path, value, field, found)
    if kind == "integer" or kind == "number":
        domain = field.domain or ANY
        if kind == "integer":
            bounds = _int_bounds(domain)
            if bounds[0] <= value <= bounds[1]:
                return
        problem = domain.check(value)
        if problem is not None:
            found.append(
                Diagnostic(
                    problem.code,
                    problem.message,
                    locate(doc, file, path, value=True),
                    f"{field.doc}; {problem.hint}" if field.doc else problem.hint,
                )
            )
    elif kind == "table":
        if field.table is not None:
            _check_table(doc, file, path, value, field.table, found)
        elif field.values is not None:
            items = field.values
            plan = _plan(items)
            key_pattern = _pattern(field.key_pattern) if field.key_pattern else None
            for key, item in value.items():
                if key_pattern is not None and not key_pattern.fullmatch(key):
                    found.append(
                        Diagnostic(
                            "KR204",
                            f"'{key}' is not a valid key here",
                            locate(doc, file, (*path, key)),
                            field.key_doc or None,
                        )
                    )
                    continue
                if not _passes(plan, item):
                    _check_value(doc, file, (*path, key), item, items, found)
    elif kind == "array" and field.values is not None:
        items = field.values
        plan = _plan(items)
        for index, item in enumerate(value):
            if not _passes(plan, item):
                _check_value(doc, file, (*path, index), item, items, found)


def _not_a_choice(
    doc: TomlDocument, file: str, path: Path, value: Any, field: Field, found: list[Diagnostic]
) -> None:
    options = ", ".join(f'"{c}"' for c in field.choices)
    suggestion = closest(str(value), field.choices)
    hint = f'did you mean "{suggestion}"? ' if suggestion else ""
    found.append(
        Diagnostic(
            "KR204",
            f"'{value}' is not one of {options}",
            locate(doc, file, path, value=True),
            hint + f"allowed: {options}",
        )
    )


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(text: str) -> re.Pattern[str]:
    compiled = _PATTERNS.get(text)
    if compiled is None:
        compiled = _PATTERNS[text] = re.compile(text)
    return compiled


#: Each domain's range as whole numbers (by identity: domains are module constants).
_INT_BOUNDS: dict[int, tuple[Domain, tuple[int, int]]] = {}


def _int_bounds(domain: Domain) -> tuple[int, int]:
    """The whole numbers that certainly pass ``domain`` (whole numbers have no decimal places,
    and are finite): for them ``Domain.check`` need not run."""
    known = _INT_BOUNDS.get(id(domain))
    if known is not None and known[0] is domain:
        return known[1]
    bounds = (
        int(domain.minimum.to_integral_value(rounding="ROUND_CEILING")),
        int(domain.maximum.to_integral_value(rounding="ROUND_FLOOR")),
    )
    _INT_BOUNDS[id(domain)] = (domain, bounds)
    return bounds
