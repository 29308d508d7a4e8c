"""Located diagnostics: every problem a user can cause names its file, line, column and field.

Loaders never stop at the first mistake: they collect :class:`Diagnostic` objects and raise one
:class:`KinerjaError` carrying all of them, so a catalogue maintainer fixes a file in one pass and
CI prints every problem at once. Codes are stable (documented in ``docs/diagnostics.md``); tools
may match on them, so a code is never reused for a different problem.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence

import attrs


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    #: Advice worth a look that fails nothing, not even ``--strict`` (plausibility peers).
    INFO = "info"


#: Stable diagnostic codes and their one-line titles.
CODES: dict[str, str] = {
    "KR100": "file cannot be read",
    "KR101": "TOML syntax error",
    "KR102": "file is not UTF-8 text",
    "KR103": "file is of another kind than the command expects",
    "KR201": "unknown key",
    "KR202": "missing required key",
    "KR203": "wrong type",
    "KR204": "invalid value",
    "KR205": "duplicate id",
    "KR206": "unknown sasaran",
    "KR207": "conflicting catalogue files",
    "KR208": "no target for the catalogue's year",
    "KR209": "target unit contradicts the indicator's unit",
    "KR210": "name says the quantity decreases but no polarity is declared",
    "KR211": "Renstra target for the year contradicts the year's target",
    "KR212": "not a finite number",
    "KR213": "number out of range",
    "KR214": "percentage target above 100",
    "KR215": "lower is better can give a negative capaian: no floor",
    "KR216": "sasaran without indicators",
    "KR217": "input taken from an unknown indicator",
    "KR218": "indicators take their inputs from each other in a circle",
    "KR219": "catalogue year contradicts its directory",
    "KR220": "an extension declares its own policy or bands",
    "KR221": "an extension with no catalogue to extend",
    "KR222": "no Renstra value for the year rolled to",
    "KR223": "catalogue in an older format",
    "KR224": "catalogue in a format newer than this kinerja-rules",
    "KR301": "formula syntax error",
    "KR302": "construct not allowed in a formula",
    "KR303": "unknown name in formula",
    "KR304": "unknown function in formula",
    "KR305": "formula too long or too deeply nested",
    "KR306": "formula gives the wrong kind of value",
    "KR307": "declared input never used",
    "KR308": "denominator can be zero with no N/A rule",
    "KR401": "data for an unknown indicator",
    "KR402": "missing input count",
    "KR403": "negative count",
    "KR404": "not a number",
    "KR405": "no catalogue for this unit type and year",
    "KR406": "unknown input name",
    "KR407": "count is not a whole number",
    "KR408": "the data breaks an assumption of the catalogue",
    "KR409": "an input is above the maximum the catalogue allows",
    "KR410": "a result breaks an invariant of the catalogue",
    "KR411": "period figures disagree with the annual figure",
    "KR412": "not a period",
    "KR413": "periods of an indicator given twice or of different kinds",
    "KR414": "formula cell without a computed value",
    "KR415": "--period outside the data's year",
    "KR416": "--previous data that is not an earlier year of the same unit type",
    "KR601": "sub-rows do not add up to their parent row",
    "KR602": "printed sisa disagrees with pagu - realisasi",
    "KR603": "printed percentage disagrees with realisasi / pagu",
    "KR604": "printed total disagrees with its rows",
    "KR605": "total disagrees with the PK's budget",
    "KR606": "one cell explains several disagreements",
    "KR607": "a breakdown does not add up to the realisation table",
    "KR608": "composite score figure disagrees with its components",
    "KR609": "unknown score",
    "KR610": "scores depend on each other in a cycle",
    "KR611": "category bands overlap",
    "KR612": "too many disagreements to search for one cell explaining several",
    "KR701": "printed realisasi disagrees with the counts",
    "KR702": "printed capaian disagrees with the realisasi and the target",
    "KR703": "printed target disagrees with the PK",
    "KR704": "printed Renstra target disagrees with the Renstra or the PK",
    "KR705": "printed sasaran or overall figure disagrees with its indicators",
    "KR706": "printed status contradicts the capaian",
    "KR707": "row labelled with another indicator's name",
    "KR708": "printed weight disagrees with the score catalogue",
    "KR709": "one cause explains several printed figures",
    "KR710": "no data for the year of a printed row",
    "KR711": "a linked file is for another unit, unit type or year",
    "KR712": "unknown indicator, sasaran or score component",
    "KR713": "printed figure cannot be read",
    "KR714": "printed row is incomplete or ambiguous",
    "KR801": "input counts or measures a word the vocabulary does not know",
    "KR802": "formula's dimension contradicts the indicator's unit",
    "KR803": "formula combines values of different dimensions",
    "KR804": "formula gives a rate on a percentage indicator",
    "KR805": "target outside the range of the indicator's unit",
    "KR806": "input declares no unit of measure",
    "KR901": "value unusual for the unit's own history",
    "KR902": "value changed too much from the same period of previous years",
    "KR903": "value outside the declared plausible range",
    "KR904": "value outside the range learned from previous years",
    "KR905": "stock moves more than its flows allow",
    "KR906": "input changed more than its declared share within the year",
    "KR907": "period copied from the previous year",
    "KR908": "stock summed instead of carried forward",
    "KR909": "value unusual among units of the same type",
    "KR501": "example does not give the stated figures",
    "KR502": "invariant does not hold",
    "KR503": "invariant assumptions cannot be satisfied",
    "KR504": "invariants not checked: the example budget is spent",
}

#: Codes plugins may use for their own checks: an uppercase prefix other than KR, and 3 digits.
PLUGIN_CODE = re.compile(r"(?!KR)[A-Z][A-Z0-9]*[0-9]{3}")


@attrs.frozen
class Location:
    """Where a problem is: file, 1-based line and column (when known), and the field path."""

    file: str
    line: int | None = None
    col: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


@attrs.frozen
class Diagnostic:
    """One problem found in user input."""

    code: str
    message: str
    location: Location
    hint: str | None = None
    severity: Severity = Severity.ERROR
    #: What the finding is about, as JSON-ready fields for machines (a plausibility finding's
    #: unit, period, indicator, input, value and expected range); None for most diagnostics.
    details: Mapping[str, object] | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.code not in CODES and not PLUGIN_CODE.fullmatch(self.code):
            raise ValueError(f"undocumented diagnostic code {self.code}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, object]:
        """The diagnostic as JSON-ready data (``--format json`` of validate and budget)."""
        return {
            "file": self.location.file,
            "line": self.location.line,
            "col": self.location.col,
            "field": self.location.field,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            **({"details": dict(self.details)} if self.details is not None else {}),
        }

    def format(self) -> str:
        """``file:line:col: severity CODE: field: message`` plus an indented ``hint:`` line."""
        field = f"{self.location.field}: " if self.location.field else ""
        text = f"{self.location}: {self.severity.value} {self.code}: {field}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def github(self) -> str:
        """A GitHub Actions workflow command: ``::error file=…,line=…,col=…,title=…::message``,
        so CI shows the diagnostic as an annotation on the line."""
        location = self.location
        properties = [f"file={_escape_property(location.file)}"]
        if location.line is not None:
            properties.append(f"line={location.line}")
        if location.col is not None:
            properties.append(f"col={location.col}")
        properties.append(f"title={_escape_property(self.code)}")
        field = f"{location.field}: " if location.field else ""
        message = f"{field}{self.message}"
        if self.hint:
            message += f"\nhint: {self.hint}"
        command = "notice" if self.severity is Severity.INFO else self.severity.value
        return f"::{command} {','.join(properties)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class NotMeasurable(Exception):
    """The value cannot be measured for these inputs (e.g. a division by zero): an outcome of
    evaluation, never an error of the input; the indicator is then *tidak dapat diukur*."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class KinerjaError(Exception):
    """Invalid input: carries every diagnostic found, errors first."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        ordered = sorted(diagnostics, key=lambda d: (not d.is_error,))
        self.diagnostics: tuple[Diagnostic, ...] = tuple(ordered)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class PluginError(Exception):
    """A plugin misbehaves: two plugins claim one formula function, a function returns a float…

    This is a bug in plugin code, not in user input, so it is not a :class:`KinerjaError`.
    """


def raise_if_errors(diagnostics: Iterable[Diagnostic]) -> None:
    """Raise :class:`KinerjaError` when any diagnostic is an error (warnings pass)."""
    found = list(diagnostics)
    if any(d.is_error for d in found):
        raise KinerjaError(found)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The closest known spelling of ``word``, for "did you mean" hints."""
    import difflib  # only when there is a mistake to hint at

    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None
