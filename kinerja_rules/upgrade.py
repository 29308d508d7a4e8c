"""``kinerja-rules upgrade``: a catalogue in an older format rewritten in the current one.

A catalogue says its format in ``format_version`` (:data:`~kinerja_rules.catalogue.FORMAT_VERSION`
is the current one; none: format 1, the 2023 format). Upgrading keeps the file as its maintainer
wrote it — comments, order, blank lines, quoting: it is edited with tomlkit, not re-serialised —
and changes only what the formats changed, one :class:`Step` per format in :data:`STEPS`. The
next format adds its step there (``2 → 3``); a file several formats old passes through each.

Format 1 → 2:

* ``format_version = 2`` is written on a line of its own above the first top-level key (below
  the file's opening comments); a ``format_version = 1`` is replaced where it stands;
* each input written as a plain description (``A = "Jumlah klien"``) becomes a table
  (``A = { description = "Jumlah klien" }``): the same string as written, its comment kept.

No default changed between the two formats: the defaults of the 2023 engine (2 decimals,
``half_up``, capaian from the exact realisasi, R / T and (2T − R) / T, N/A left out of
roll-ups, higher is better, tercapai from 100) are today's, and the keys added since were all
new, with defaults that reproduce what the 2023 engine did without them. So no step writes a
default out, and a format-1 file means, loaded as it is, what it always meant.

The file must load before it is upgraded, and the upgraded text is loaded again before anything
is written: it must have no error, be in the current format and mean the same — the same
catalogue, field by field (formulas by their text; where things are written aside) — so it
validates and evaluates exactly as the original did. Otherwise nothing is written.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from . import kinds, schema
from .atomic import write_atomically
from .catalogue import (
    CATALOGUE_FIELDS,
    FORMAT_VERSION,
    build_catalogue,
    format_name,
    format_of,
    load_written,
    newer_format,
)
from .diagnostics import Diagnostic, KinerjaError, Location
from .formula import Formula, FormulaFunction
from .sources import parse_document, read_bytes


@attrs.frozen
class Step:
    """One format change: edits a tomlkit document of format ``source`` into format
    ``source + 1`` (all of it but ``format_version``, which the upgrade writes once, at the end)
    and says what it changed, for the maintainer."""

    source: int
    apply: Callable[[Any], list[str]]


def _inputs_as_tables(document: Any) -> list[str]:
    """Format 1 → 2: ``A = "…"`` becomes ``A = { description = "…" }``."""
    import tomlkit

    changed = 0
    for table in _indicators(document):
        inputs = table.get("inputs")
        if not isinstance(inputs, Mapping):
            continue
        for name, value in list(inputs.items()):
            if isinstance(value, str):
                # The string exactly as written (quotes, escapes); assigning it over the old
                # item keeps that item's comment on its line.
                written = value.as_string()
                inputs[name] = tomlkit.parse(f"v = {{ description = {written} }}")["v"]
                changed += 1
    return [f"{changed} input(s) written as tables"] if changed else []


def _indicators(document: Any) -> list[Any]:
    tables = document.get("indicator", [])
    return [table for table in tables if isinstance(table, Mapping)]


#: Each format change, oldest first: ``STEPS[n - 1]`` rewrites format n in format n + 1 (a
#: test checks there is one for every format before the current one).
STEPS: tuple[Step, ...] = (Step(1, _inputs_as_tables),)


@attrs.frozen
class Upgrade:
    """A catalogue file upgraded, or as it was when it is already in the current format."""

    name: str
    #: The file's bytes in the current format (its own bytes when nothing was to be done).
    data: bytes
    #: The format the file was in.
    source: int
    #: What changed, for people: "format_version = 2 written", "35 input(s) written as tables".
    changes: tuple[str, ...] = ()

    @property
    def needed(self) -> bool:
        return self.source != FORMAT_VERSION

    def summary(self) -> str:
        if not self.needed:
            return f"{self.name} is in format {FORMAT_VERSION}, the current one: nothing to upgrade"
        changes = "; ".join(self.changes)
        return f"{self.name}: {format_name(self.source)} → format {FORMAT_VERSION}: {changes}"


class UpgradeError(Exception):
    """The upgraded file would not mean what the original means: a bug of a step, reported as
    such; nothing is written."""


def upgrade_bytes(raw: bytes, name: str, functions: Mapping[str, FormulaFunction]) -> Upgrade:
    """Upgrade the catalogue file ``raw`` (named ``name`` in messages) to the current format.

    Raises :class:`KinerjaError` (located) for a file that is not a catalogue, is in no format or
    a newer one, or does not load; :class:`UpgradeError` when the result would not mean the same.
    """
    document = parse_document(raw, name)
    problem = _not_upgradable(document, name)
    if problem is not None:
        raise KinerjaError([problem])
    source = format_of(document.data)
    if source == FORMAT_VERSION:
        return Upgrade(name, raw, source)
    before = build_catalogue(document, name, functions)
    errors = [d for d in before.diagnostics if d.is_error]
    if errors or before.catalogue is None:
        raise KinerjaError(errors)

    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    try:
        toml = tomlkit.parse(text)
    except TOMLKitError as error:  # what tomllib read, tomlkit should too: say so if not
        line, col = getattr(error, "line", None), getattr(error, "col", None)
        raise KinerjaError(
            [
                Diagnostic(
                    "KR101",
                    f"the file cannot be rewritten keeping its layout: {error}",
                    Location(name, line, col),
                    "please report it as a bug, with the catalogue",
                )
            ]
        ) from None
    changes: list[str] = []
    for step in STEPS[source - 1 :]:
        changes += step.apply(toml)
    if "format_version" in toml:
        toml["format_version"] = FORMAT_VERSION  # where it stands, with its comment
        text = tomlkit.dumps(toml)
    else:
        text = _version_line_added(tomlkit.dumps(toml), name)
    changes.insert(0, f"format_version = {FORMAT_VERSION} written")

    after = load_written(text, name, functions, "upgrade")
    if format_of(parse_document(text.encode("utf-8"), name).data) != FORMAT_VERSION:
        raise UpgradeError(f"{name}: the upgraded file is not in format {FORMAT_VERSION}")
    if meaning(after.catalogue) != meaning(before.catalogue):
        raise UpgradeError(
            f"{name}: the upgraded file would not mean what the original means; nothing was "
            "written — please report it as a bug, with the catalogue"
        )
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    return Upgrade(name, data, source, tuple(changes))


def _not_upgradable(document: Any, name: str) -> Diagnostic | None:
    """Why the parsed file cannot be upgraded before anything of it is loaded: it is a file of
    another kind, or its ``format_version`` names no format this engine reads."""
    other = kinds.wrong_kind(document, name, kinds.CATALOGUE)
    if other is not None:
        return attrs.evolve(
            other, hint=f"{other.hint}; upgrade rewrites indicator catalogues ([[indicator]])"
        )
    if kinds.kind_of(document.data) is None:
        return Diagnostic(
            "KR103",
            "this file is not an indicator catalogue (it has no [[indicator]])",
            Location(name, 1, 1),
            "upgrade rewrites indicator catalogues such as indicator_catalog/2023/lpka.toml",
        )
    newer = newer_format(document, name)
    if newer is not None:
        return newer
    if "format_version" in document.data:
        field = {"format_version": CATALOGUE_FIELDS["format_version"]}
        value = {"format_version": document.data["format_version"]}
        found = schema.check_table(document, name, (), value, field)
        if found:
            return found[0]
    return None


def _version_line_added(text: str, name: str) -> str:
    """``format_version = N`` on a line of its own above the first top-level key, indented as
    that key is, with the file's line ending."""
    document = parse_document(text.encode("utf-8"), name)
    positions = [document.key_position((key,)) for key in document.data]
    first = min(position[0] for position in positions if position is not None)
    lines = text.split("\n")
    line = lines[first - 1]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    ending = "\r" if line.endswith("\r") else ""
    lines.insert(first - 1, f"{indent}format_version = {FORMAT_VERSION}{ending}")
    return "\n".join(lines)


def meaning(value: Any) -> Any:
    """A catalogue (or any part of one) as plain values that compare equal exactly when they
    mean the same: formulas by their kind and text, and neither where anything is written nor
    in which file."""
    if isinstance(value, Formula):
        return ("formula", value.kind, value.text)
    if attrs.has(type(value)):
        return (
            type(value).__name__,
            tuple(
                (field.name, meaning(getattr(value, field.name)))
                for field in attrs.fields(type(value))
                if field.eq and field.name != "files"
            ),
        )
    if isinstance(value, Mapping):
        return tuple(sorted((repr(key), meaning(item)) for key, item in value.items()))
    if isinstance(value, (tuple, list)):
        return tuple(meaning(item) for item in value)
    return value


def upgrade_files(
    paths: Sequence[str], output: str | None, check: bool, functions: Mapping[str, FormulaFunction]
) -> int:
    """The command: upgrade each file in place (or to ``output``, for one file); with ``check``,
    write nothing and exit 1 when any needs upgrading. Messages go to stderr; exit 1 on any
    file that cannot be upgraded (the others are still done)."""
    status = 0
    for path in paths:
        try:
            result = upgrade_bytes(read_bytes(path), path, functions)
        except KinerjaError as error:
            print(error, file=sys.stderr)
            print(f"kinerja-rules upgrade: {path} was not changed", file=sys.stderr)
            status = 1
            continue
        except UpgradeError as error:
            print(f"kinerja-rules upgrade: {error}", file=sys.stderr)
            status = 1
            continue
        if check:
            if result.needed:
                print(
                    f"{path}: {format_name(result.source)}; the current format is "
                    f"{FORMAT_VERSION}: run kinerja-rules upgrade {path}",
                    file=sys.stderr,
                )
                status = 1
            else:
                print(result.summary(), file=sys.stderr)
            continue
        target = output or path
        if result.needed or target != path:
            try:
                write_atomically(target, result.data)
            except OSError as error:
                print(
                    f"kinerja-rules upgrade: cannot write {target}: {error.strerror or error}; "
                    f"{path} was not changed",
                    file=sys.stderr,
                )
                status = 1
                continue
        written = f" (written to {target})" if target != path else ""
        print(result.summary() + written, file=sys.stderr)
    return status
