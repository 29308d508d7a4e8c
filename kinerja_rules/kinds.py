"""Which of the four file formats a TOML document is, so a file given to the wrong command gets
one message naming the right command instead of a screenful of "unknown key" errors.

The formats are told apart by the keys only they have at the top level: realisation data has an
``[indicators.<id>]`` table, a catalogue ``[[indicator]]`` entries, a score catalogue
``[[score]]`` entries, a budget file its tables (``[[row]]``, ``[jenis_belanja]``, …), and a
printed-figure file (what a report prints, for ``audit``) its ``[[figure]]`` rows.
"""

from __future__ import annotations

from typing import Any

from .diagnostics import Diagnostic
from .schema import locate
from .tomlpos import TomlDocument

DATA = "data"
CATALOGUE = "catalogue"
SCORES = "scores"
BUDGET = "budget"
PRINTED = "printed"

#: Keys that only a budget file has at its top level.
_BUDGET_KEYS = ("row", "jenis_belanja", "pk_pagu", "scores", "sasaran_total", "total")

#: What each kind is called, and the command a file of that kind is for.
_WHAT = {
    DATA: ("realisation data", "kinerja-rules evaluate {file}"),
    CATALOGUE: ("an indicator catalogue", "kinerja-rules validate {file}, or --catalog DIR"),
    SCORES: ("a score catalogue", "kinerja-rules validate {file}, or --catalog DIR"),
    BUDGET: ("budget data", "kinerja-rules budget {file}"),
    PRINTED: ("a printed-figure file", "kinerja-rules audit {file}"),
}


def kind_of(data: Any) -> tuple[str, str] | None:
    """(kind, the key that shows it) for a parsed document, or None when it shows no kind."""
    if not isinstance(data, dict):
        return None
    for key, kind in (("indicators", DATA), ("indicator", CATALOGUE), ("score", SCORES)):
        if key in data:
            return kind, key
    for key in _BUDGET_KEYS:
        if key in data:
            return BUDGET, key
    if "figure" in data:
        return PRINTED, "figure"
    return None


def wrong_kind(doc: TomlDocument, file: str, expected: str | tuple[str, ...]) -> Diagnostic | None:
    """A KR103 when ``doc`` is clearly a file of another kind than ``expected``."""
    found = kind_of(doc.data)
    wanted = (expected,) if isinstance(expected, str) else expected
    if found is None or found[0] in wanted:
        return None
    kind, key = found
    what, command = _WHAT[kind]
    expected_what = " or ".join(_WHAT[k][0] for k in wanted)
    return Diagnostic(
        "KR103",
        f"this file is {what} (it has '{key}'), not {expected_what}",
        locate(doc, file, (key,)),
        f"run: {command.format(file=file)}",
    )
