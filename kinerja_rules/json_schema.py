"""The catalogue and data formats as JSON Schema, for TOML editors (taplo / Even Better TOML).

Generated from the same :class:`~kinerja_rules.schema.Field` descriptions the loaders check, so
an editor underlines exactly the shape mistakes ``kinerja-rules validate`` reports (meaning —
unknown sasaran, formulas, duplicate ids — is left to validate). ``kinerja-rules schema`` prints
it; ``schema/*.schema.json`` in the repository is kept equal to it by a test.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from typing import Any

from .decimals import ANY
from .schema import Field

DRAFT = "http://json-schema.org/draft-07/schema#"
_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "table": "object",
    "array": "array",
}


def document_schema(fields: Mapping[str, Field], title: str, description: str) -> dict[str, Any]:
    """A complete JSON Schema document for a TOML file whose top-level keys are ``fields``."""
    return {
        "$schema": DRAFT,
        "title": title,
        "description": description,
        "type": "object",
        **_table(fields),
    }


def versioned_document_schema(
    by_version: Mapping[int, Mapping[str, Field]], key: str, title: str, description: str
) -> dict[str, Any]:
    """A JSON Schema for a TOML file whose format has versions, named by its top-level ``key``
    (a file without it is in the oldest).

    The oldest format's fields describe the file at the top level, where editors look for
    completions: each newer format has only narrowed what the one before accepted (format 2 of
    the catalogue: an input is a table), so every file of every version passes them. When the
    file names a newer version, what that version narrows applies too — only that, so a mistake
    is underlined once.
    """
    oldest, *newer = sorted(by_version)
    result = document_schema(by_version[oldest], title, description)
    base = _table(by_version[oldest])
    result["allOf"] = [
        {
            "if": {"required": [key], "properties": {key: {"const": version}}},
            "then": _narrowing(base, _table(by_version[version])),
        }
        for version in newer
    ]
    return result


#: Keywords that check parts of a value (a property, the items): a narrowing of one part is
#: written under them alone, as JSON Schema applies every schema of an ``allOf`` to the value.
_PARTS = ("properties", "patternProperties", "items")


def _narrowing(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What schema ``new`` says that ``old`` does not: checked together with ``old``, it accepts
    what ``new`` accepts when ``new`` only narrows ``old`` (keeps or tightens each keyword)."""
    if any(word not in new for word in old):
        return new  # a keyword dropped would widen: all of the new schema
    result = {word: new[word] for word in new if word not in _PARTS and old.get(word) != new[word]}
    for word in ("properties", "patternProperties"):
        if word in new and old.get(word) != new[word]:
            result[word] = {
                name: _narrowing(old[word].get(name, {}), part)
                for name, part in new[word].items()
                if old[word].get(name) != part
            }
    if "items" in new and old.get("items") != new["items"]:
        result["items"] = _narrowing(old.get("items", {}), new["items"])
    return result


def field_schema(field: Field) -> dict[str, Any]:
    types = [_TYPES[kind] for kind in field.kinds]
    result: dict[str, Any] = {"type": types[0] if len(types) == 1 else types}
    if field.doc:
        result["description"] = field.doc
    if field.examples:
        result["examples"] = list(field.examples)
    if field.choices:
        result["enum"] = list(field.choices)
    if field.pattern:
        result["pattern"] = f"^(?:{field.pattern})$"
    if {"integer", "number"} & set(field.kinds):
        domain = field.domain or ANY  # the bounds schema.check applies, stated for editors
        result.update(domain.json_bounds())
        result["description"] = f"{field.doc} ({domain.doc})" if field.doc else domain.doc
    if field.table is not None:
        result.update(_table(field.table))
    elif field.values is not None and "table" in field.kinds:
        values = field_schema(field.values)
        if field.key_pattern:
            result["patternProperties"] = {f"^(?:{field.key_pattern})$": values}
            result["additionalProperties"] = False
        else:
            result["additionalProperties"] = values
    elif field.values is not None and "array" in field.kinds:
        result["items"] = field_schema(field.values)
    return result


def _table(fields: Mapping[str, Field]) -> dict[str, Any]:
    """The object keywords for a table with fixed keys (the caller sets "type")."""
    table: dict[str, Any] = {
        "properties": {name: field_schema(field) for name, field in fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, field in fields.items() if field.required]
    if required:
        table["required"] = required
    return table


#: Each file format: where its fields are described, a title and a description.
_FORMATS = {
    "catalogue": (
        "kinerja_rules.catalogue:FIELDS_BY_FORMAT",
        "kinerja-rules indicator catalogue",
        "One unit type's performance indicators for one year (docs/catalogue-format.md).",
    ),
    "data": (
        "kinerja_rules.data:DATA_FIELDS",
        "kinerja-rules realisation data",
        "One unit's input counts per indicator for one year (docs/catalogue-format.md).",
    ),
    "budget": (
        "kinerja_rules.budget.loader:BUDGET_FIELDS",
        "kinerja-rules budget data",
        "One unit's budget tables for one year, as printed (docs/budget-format.md).",
    ),
    "scores": (
        "kinerja_rules.budget.scores:SCORE_CATALOGUE_FIELDS",
        "kinerja-rules score catalogue",
        "Composite budget scores of one fiscal year (docs/budget-format.md).",
    ),
}


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file format (imported lazily: the loaders import this module's
    neighbours, not the other way round)."""
    target, title, description = _FORMATS[kind]
    module, _, name = target.partition(":")
    fields = getattr(importlib.import_module(module), name)
    if name == "FIELDS_BY_FORMAT":  # the fields of each version, by format_version
        return versioned_document_schema(fields, "format_version", title, description)
    return document_schema(fields, title, description)


SCHEMAS = {kind: functools.partial(schema_for, kind) for kind in _FORMATS}
