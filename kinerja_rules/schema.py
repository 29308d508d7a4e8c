"""Declarative shape of the TOML files, checked with located diagnostics.

The catalogue and realisation-data formats are described once, as :class:`Field` trees, and this
module checks a parsed TOML document against them: unknown or misspelt keys (with the closest known
key as a hint), missing required keys, wrong types and values outside a fixed set. Loaders run this
first and only then look at meaning (ids, references, formulas), so structural mistakes are
reported uniformly and the same description can later be exported as JSON Schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .decimals import ANY, Domain
from .diagnostics import Diagnostic, Location, closest
from .tomlpos import Path, TomlDocument

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


def kind_of(value: Any) -> str:
    """The TOML kind of a parsed value."""
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


def accepts(field: Field, value: Any) -> bool:
    kind = kind_of(value)
    return kind in field.kinds or (kind == "integer" and "number" in field.kinds)


def field_name(path: Path) -> str:
    """``("indicator", 3, "formula")`` → ``indicator[3].formula`` (0-based, in file order)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def locate(doc: TomlDocument, file: str, path: Path, value: bool = False) -> Location:
    """The location of ``path`` in ``doc`` (its value when ``value`` is true, else its key).

    A document read from a spreadsheet locates by sheet and cell (``FILE.xlsx!Data!C7``): it
    says so by having a ``location_of(file, path, value)`` method of its own.
    """
    location_of = getattr(doc, "location_of", None)
    if location_of is not None:
        return location_of(file, path, value)
    position = doc.value_position(path) if value else doc.key_position(path)
    if position is None:
        if not path:  # the document itself: point at its start
            return Location(file, 1, 1)
        return Location(file, field=field_name(path) or None)
    return Location(file, position.line, position.col, field_name(path) or None)


def check(doc: TomlDocument, file: str, root: Mapping[str, Field]) -> list[Diagnostic]:
    """Check the whole document against the top-level fields ``root``."""
    return list(_check_table(doc, file, (), doc.data, root))


def check_table(
    doc: TomlDocument, file: str, path: Path, table: dict, fields: Mapping[str, Field]
) -> list[Diagnostic]:
    """Check one table found at ``path`` against ``fields`` (for tables checked on their own)."""
    return list(_check_table(doc, file, path, table, fields))


def _check_table(
    doc: TomlDocument, file: str, path: Path, table: dict, fields: Mapping[str, Field]
) -> Iterator[Diagnostic]:
    missing = [key for key, field in fields.items() if field.required and key not in table]
    for key, value in table.items():
        key_path = (*path, key)
        field = fields.get(key)
        if field is None:
            suggestion = closest(key, fields)
            hint = (
                f"did you mean '{suggestion}'?"
                if suggestion
                else ("known keys: " + ", ".join(fields))
            )
            if suggestion in missing:  # one mistake, one diagnostic: the misspelling
                missing.remove(suggestion)
            yield Diagnostic("KR201", f"unknown key '{key}'", locate(doc, file, key_path), hint)
            continue
        yield from _check_value(doc, file, key_path, value, field)
    for key in missing:
        doc_text = fields[key].doc
        where = field_name(path) or "the top level"
        yield Diagnostic(
            "KR202",
            f"missing required key '{key}' in {where}",
            locate(doc, file, path),
            f"add {key} = … ({doc_text})" if doc_text else f"add {key} = …",
        )


def _check_value(
    doc: TomlDocument, file: str, path: Path, value: Any, field: Field
) -> Iterator[Diagnostic]:
    if not accepts(field, value):
        expected = " or ".join(field.kinds)
        yield Diagnostic(
            "KR203",
            f"expected {expected}, found {kind_of(value)}",
            locate(doc, file, path, value=True),
            field.doc or None,
        )
        return
    if field.pattern and isinstance(value, str) and not re.fullmatch(field.pattern, value):
        yield Diagnostic(
            "KR204",
            f"'{value[:80]}' is not a valid value here",
            locate(doc, file, path, value=True),
            field.doc or None,
        )
    if field.choices and value not in field.choices:
        options = ", ".join(f'"{c}"' for c in field.choices)
        suggestion = closest(str(value), field.choices)
        hint = f'did you mean "{suggestion}"? ' if suggestion else ""
        yield Diagnostic(
            "KR204",
            f"'{value}' is not one of {options}",
            locate(doc, file, path, value=True),
            hint + f"allowed: {options}",
        )
    if kind_of(value) in ("integer", "number"):
        problem = (field.domain or ANY).check(value)
        if problem is not None:
            yield Diagnostic(
                problem.code,
                problem.message,
                locate(doc, file, path, value=True),
                f"{field.doc}; {problem.hint}" if field.doc else problem.hint,
            )
    if isinstance(value, dict):
        if field.table is not None:
            yield from _check_table(doc, file, path, value, field.table)
        elif field.values is not None:
            for key, item in value.items():
                if field.key_pattern and not re.fullmatch(field.key_pattern, key):
                    yield Diagnostic(
                        "KR204",
                        f"'{key}' is not a valid key here",
                        locate(doc, file, (*path, key)),
                        field.key_doc or None,
                    )
                    continue
                yield from _check_value(doc, file, (*path, key), item, field.values)
    elif isinstance(value, list) and field.values is not None:
        for index, item in enumerate(value):
            yield from _check_value(doc, file, (*path, index), item, field.values)
