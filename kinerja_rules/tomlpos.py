"""Source positions for TOML documents.

The catalogues are parsed with the standard library's ``tomllib``, which returns plain dicts and
forgets where anything came from.  Every error a catalogue author sees must nevertheless say
``file:line:col``, so this module re-reads a document that ``tomllib`` has *already accepted* and
records where each key and each value starts.  Because the input is known to be valid, the
scanner can stay small: it only has to tell strings, comments and brackets apart well enough to
never lose its place, and it never has to report a syntax error of its own.

The scanner is iterative (an explicit stack instead of recursion) and touches each character a
bounded number of times, so huge string values and deeply nested arrays cost nothing special.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Union

import attrs

if TYPE_CHECKING:
    import tomllib

__all__ = [
    "Path",
    "Position",
    "TomlDocument",
    "TomlNumberError",
    "TomlSyntaxError",
    "parse_toml",
    "parse_toml_bytes",
    "top_level",
]


def _tomllib() -> Any:
    """``tomllib`` (``tomli`` before Python 3.11), imported when first needed: most files are
    read by the fast reader below, which does not need it."""
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
        import tomli as tomllib
    return tomllib


def __getattr__(name: str) -> Any:
    if name == "tomllib":  # the parser this module uses, for callers that compare with it
        return _tomllib()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


Path = tuple[Union[str, int], ...]  # Union, not |: must evaluate on Python 3.9
"""Where a value lives in the parsed data: table keys are ``str``, array indexes are ``int``."""


class Position(NamedTuple):
    """A place in the decoded text, in the terms an editor shows to a catalogue author."""

    line: int  # 1-based
    col: int  # 1-based, in characters of the decoded text (not bytes)


class TomlSyntaxError(Exception):
    """TOML that ``tomllib`` rejects, or bytes that are not UTF-8.

    Carries the location separately from the message so callers can format it as
    ``file:line:col: message`` like every other error in the project.
    """

    def __init__(self, message: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message, line, col)
        self.message = message
        self.line = line
        self.col = col

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}, column {self.col}: {self.message}"


class TomlNumberError(TomlSyntaxError):
    """An integer literal longer than Python converts (``sys.get_int_max_str_digits``)."""


class Positions(Mapping):
    """Read-only positions by path, each worked out from its character offset when asked for:
    a file has hundreds of keys and values, and a message needs the places of a few."""

    __slots__ = ("_offsets", "_lines")

    def __init__(self, offsets: Mapping[Path, int], lines: LineIndex | str) -> None:
        self._offsets = offsets
        self._lines = lines if isinstance(lines, LineIndex) else LineIndex(lines)

    def __getitem__(self, path: Path) -> Position:
        return self._lines.position(self._offsets[path])

    def get(self, path: Path, default: Position | None = None) -> Position | None:
        offset = self._offsets.get(path)
        return default if offset is None else self._lines.position(offset)

    def __contains__(self, path: object) -> bool:
        return path in self._offsets

    def __iter__(self) -> Iterator[Path]:
        return iter(self._offsets)

    def __len__(self) -> int:
        return len(self._offsets)

    def __repr__(self) -> str:
        return f"Positions({dict(self)!r})"


class LineIndex:
    """Where each line of a text starts, found on first use, to turn offsets into positions."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """The offset at which each line starts."""
        starts = self._starts
        if starts is None:
            starts = self._starts = _line_starts(self.text)
        return starts

    def position(self, offset: int) -> Position:
        return position_in(self.starts, offset)


_new_position = tuple.__new__


def position_in(starts: list[int], offset: int) -> Position:
    """The position of ``offset`` in a text whose lines start at ``starts``."""
    line = bisect_right(starts, offset)
    return _new_position(Position, (line, offset - starts[line - 1] + 1))


def _line_starts(text: str) -> list[int]:
    """The offset at which each line starts (lines end at LF, as TOML and the positions say)."""
    return [0, *[match.end() for match in _LINE_END.finditer(text)]]


_LINE_END = re.compile("\n")


def _read_only(mapping: Mapping[Path, Position]) -> Mapping[Path, Position]:
    if isinstance(mapping, Positions):
        return mapping
    return MappingProxyType(dict(mapping))


@attrs.frozen
class TomlDocument:
    """Parsed data together with where its keys and values were written."""

    data: dict
    key_positions: Mapping[Path, Position] = attrs.field(converter=_read_only)
    value_positions: Mapping[Path, Position] = attrs.field(converter=_read_only)
    #: The decoded text, for messages that quote or point into a line.
    text: str = attrs.field(default="", repr=False)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def key_position(self, path: Path) -> Position | None:
        """Falls back to the nearest ancestor so that an error about something without a
        position of its own (an array element, say) still points somewhere close."""
        positions = self.key_positions
        position = positions.get(path)
        if position is not None or not path:
            return position
        for end in range(len(path) - 1, 0, -1):
            position = positions.get(path[:end])
            if position is not None:
                return position
        return None

    def value_position(self, path: Path) -> Position | None:
        """Tables opened by a header have no value of their own; they point at their key."""
        position = self.value_positions.get(path)
        return position if position is not None else self.key_position(path)

    def place(self, path: Path, value: bool = False) -> Position | None:
        """:meth:`value_position` when ``value``, else :meth:`key_position`, in one step for
        documents this module parsed (every located message of a file passes here)."""
        keys, values = self.key_positions, self.value_positions
        if type(keys) is not Positions or type(values) is not Positions:
            return self.value_position(path) if value else self.key_position(path)
        offset = values._offsets.get(path) if value else None
        if offset is None:
            offsets = keys._offsets
            offset = offsets.get(path)
            end = len(path) - 1
            while offset is None and end > 0:
                offset = offsets.get(path[:end])
                end -= 1
            if offset is None:
                return None
        lines = keys._lines
        starts = lines._starts
        if starts is None:
            starts = lines._starts = _line_starts(lines.text)
        line = bisect_right(starts, offset)
        return _new_position(Position, (line, offset - starts[line - 1] + 1))

    @property
    def line_starts(self) -> list[int] | None:
        """Where each line starts, to turn the offsets of :meth:`offsets` into positions
        (:func:`position_in`); None for a document whose positions are not offsets (one that
        this module did not parse)."""
        keys, values = self.key_positions, self.value_positions
        if type(keys) is not Positions or type(values) is not Positions:
            return None
        return keys._lines.starts

    def offsets(
        self, parent: Path, keys: Iterable[str | int], value: bool = False
    ) -> list[int | None]:
        """The character offset at which :meth:`place` finds each ``(*parent, key)``, left to
        be turned into a position (:attr:`line_starts`) only if asked for: a catalogue records
        where each of its fields is, and a run asks for a few. None where the key has no offset
        of its own (then :meth:`place` looks at its ancestors) and for every key of a document
        without :attr:`line_starts`."""
        key_positions, value_positions = self.key_positions, self.value_positions
        if type(key_positions) is not Positions or type(value_positions) is not Positions:
            return [None for _ in keys]
        key_offsets = key_positions._offsets
        value_offsets = value_positions._offsets if value else {}
        found: list[int | None] = []
        for key in keys:
            path = (*parent, key)
            offset = value_offsets.get(path)
            found.append(key_offsets.get(path) if offset is None else offset)
        return found


def parse_toml(text: str) -> TomlDocument:
    """Parse with ``tomllib`` (floats as ``Decimal``: the project needs exact numbers), then
    locate keys and values.  All rejections become ``TomlSyntaxError`` so callers need to
    handle only one exception type.

    Most files are read by :class:`_FastReader` instead, in one pass that gives the same data
    and the same positions; it gives up on anything outside the plain subset it knows (and on
    anything invalid), and then ``tomllib`` and the scanner read the file, as they always did.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_toml() expects str, not {type(text).__name__}")
    fast = _FastReader(text).read()
    if fast is not None:
        data, keys, values = fast
        return TomlDocument(data=data, key_positions=keys, value_positions=values, text=text)
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise _from_decode_error(exc, text) from exc
    except RecursionError as exc:
        line, col = _deep_nesting(text)
        raise TomlSyntaxError("TOML nested too deeply to be parsed", line, col) from exc
    except ValueError as exc:  # int() refuses a literal of thousands of digits
        raise _long_integer(text) from exc
    except Exception as exc:  # not expected from tomllib; still, callers catch one exception type
        raise TomlSyntaxError(f"TOML could not be parsed: {type(exc).__name__}: {exc}") from exc
    keys, values = _scan(text)
    return TomlDocument(data=data, key_positions=keys, value_positions=values, text=text)


#: Nesting beyond which the place of a too-deep value is reported (no real file nests past 5).
_DEEP = 100


def _deep_nesting(text: str) -> tuple[int | None, int | None]:
    """Where brackets and braces first nest past :data:`_DEEP` levels, skipping strings and
    comments well enough for a file ``tomllib`` could not finish; (None, None) if nowhere."""
    depth = 0
    quote = ""
    comment = False
    for offset, char in enumerate(text):
        if comment:
            comment = char != "\n"
        elif quote:
            if char == quote and (quote == "'" or text[offset - 1] != "\\"):
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > _DEEP:
                line = text.count("\n", 0, offset) + 1
                return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
        elif char in "]}":
            depth -= 1
    return None, None


_LONG_DIGITS = re.compile(r"[0-9][0-9_]{99,}")


def _long_integer(text: str) -> TomlSyntaxError:
    """Locate the over-long integer literal that made ``int()`` give up."""
    match = _LONG_DIGITS.search(text)
    if match is None:
        return TomlSyntaxError("TOML could not be parsed: a number is too long")
    start = match.start()
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    digits = sum(char.isdigit() for char in match.group(0))
    return TomlNumberError(f"an integer of {digits} digits is too long to be a number", line, col)


def parse_toml_bytes(raw: bytes) -> TomlDocument:
    """Decode catalogue files ourselves so that bad encoding is reported with a location.

    A leading UTF-8 byte order mark is stripped (editors on Windows like to write one and
    ``tomllib`` would reject it as an invalid statement); columns are counted after it.
    """
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8")) + 1
        bad = raw[exc.start : exc.end].hex(" ")
        raise TomlSyntaxError(f"invalid UTF-8 (byte {bad})", line, col) from exc
    return parse_toml(text)


#: A line that opens a table (``[policy]``, ``[[indicator]]``): the top level ends before it.
_TABLE_LINE = re.compile(r"^[ \t]*\[", re.MULTILINE)


def top_level(head: bytes, complete: bool) -> dict | None:
    """The top-level keys of a TOML file from its first bytes ``head`` (all of it when
    ``complete``), or None when they do not tell (then parse the whole file).

    A file's top-level keys come before its first table, and the whole lines before that table
    parse, when they parse at all, to exactly the values the whole file gives them: a cut inside
    a multi-line string or array leaves it unterminated, which does not parse. A mistake later in
    the file is not seen here; reading the whole file reports it.
    """
    head = head.removeprefix(codecs.BOM_UTF8)
    if not complete:
        end = head.rfind(b"\n")
        if end < 0:
            return None
        head = head[: end + 1]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    table = _TABLE_LINE.search(text)
    if table is not None:
        text = text[: table.start()]
    found = _FastReader(text).read()
    if found is not None:
        return found[0]
    try:
        return _tomllib().loads(text, parse_float=Decimal)
    except Exception:  # not parseable this way: the whole file will say why
        return None


_DECODE_LOCATION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def _from_decode_error(exc: tomllib.TOMLDecodeError, text: str) -> TomlSyntaxError:
    """Older ``tomllib`` only puts the location into the message text; newer ones also set
    ``msg``/``lineno``/``colno``.  Accept both and keep the message free of the suffix."""
    full = str(exc)
    message = getattr(exc, "msg", None) or _DECODE_LOCATION.sub("", full)
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if line is None or col is None:
        match = _DECODE_LOCATION.search(full)
        if match and match.group(1):
            line, col = int(match.group(1)), int(match.group(2))
        elif match:  # end of document
            line = text.count("\n") + 1
            col = len(text) - (text.rfind("\n") + 1) + 1
    return TomlSyntaxError(message, line, col)


# --- scanner ----------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\r\n]*")
_SPACES = re.compile(r"[ \t]*")
# A bare key: permissive on purpose, the text is already known to be valid.
_BARE_KEY = re.compile(r"[^ \t\r\n.=\[\]{},#\"']+")
# A number, boolean, date or time ends where the next delimiter starts (dates may hold a space).
_BARE_VALUE = re.compile(r"[^,\]}#\r\n]*")
_BACKSLASHES = re.compile(r"\\*")
_QUOTES = re.compile(r'"*')
_APOSTROPHES = re.compile(r"'*")


class _Container:
    """An array or inline table that the value scanner is inside of."""

    __slots__ = ("path", "is_array", "count")

    def __init__(self, path: Path, is_array: bool) -> None:
        self.path = path
        self.is_array = is_array
        self.count = 0


class _Scanner:
    """One pass over valid TOML, recording character offsets that are turned into line/col
    at the end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.keys: dict[Path, int] = {}
        self.values: dict[Path, int] = {}
        # Key positions set only because a longer key or header passed through them; a later
        # explicit definition (``[a]`` after ``[a.b]``) is the better place to point at.
        self.implicit: set[Path] = set()
        # Element counts of arrays of tables, by concrete path (indexes included), so that
        # ``[[a.b]]`` restarts at 0 for each element of ``a``.
        self.aot_counts: dict[Path, int] = {}

    def run(self) -> None:
        text, i, table = self.text, 0, ()
        while True:
            i = self.skip_blank(i)
            if i >= len(text):
                return
            if text[i] == "[":
                table, i = self.header(i)
            else:
                i = self.key_value(i, table)

    def skip_blank(self, i: int) -> int:
        """Skips whitespace, newlines and comments (a loop, not one regex: ``(...)*`` groups
        make ``re`` keep state per repetition, and a file may hold thousands of comments)."""
        text = self.text
        while True:
            i = _WHITESPACE.match(text, i).end()
            if not text.startswith("#", i):
                return i
            i = text.find("\n", i)
            if i < 0:
                return len(text)

    # -- recording

    def explicit_key(self, path: Path, offset: int) -> None:
        if path not in self.keys or path in self.implicit:
            self.keys[path] = offset
            self.implicit.discard(path)

    def implicit_key(self, path: Path, offset: int) -> None:
        if path not in self.keys:
            self.keys[path] = offset
            self.implicit.add(path)

    # -- statements

    def header(self, start: int) -> tuple[Path, int]:
        text = self.text
        is_array = text.startswith("[[", start)
        i = _SPACES.match(text, start + (2 if is_array else 1)).end()
        names, i = self.key(i)
        i = _SPACES.match(text, i).end() + (2 if is_array else 1)

        path: Path = ()
        for name in names[:-1]:
            path += (name,)
            if path in self.aot_counts:  # ``[a.b]`` means b in the *latest* element of a
                path += (self.aot_counts[path] - 1,)
            self.implicit_key(path, start)
        path += (names[-1],)
        if is_array:
            self.implicit_key(path, start)
            index = self.aot_counts.get(path, 0)
            self.aot_counts[path] = index + 1
            path += (index,)
        self.explicit_key(path, start)
        return path, i

    def key_value(self, start: int, table: Path) -> int:
        path, i = self.assignment(start, table)
        return self.value(i, path)

    def assignment(self, start: int, table: Path) -> tuple[Path, int]:
        """Reads ``key =`` at ``start`` (in a table body or an inline table) and records the
        key; returns the key's full path and the offset of its value."""
        names, i = self.key(start)
        for end in range(1, len(names)):
            self.implicit_key(table + tuple(names[:end]), start)
        path = table + tuple(names)
        self.explicit_key(path, start)
        i = _SPACES.match(self.text, i).end() + 1  # the "="
        return path, _SPACES.match(self.text, i).end()

    def key(self, i: int) -> tuple[list[str], int]:
        """Reads a possibly dotted key; returns its parts unquoted and the offset after it."""
        text, names = self.text, []
        while True:
            if text[i] == '"':
                end = self.skip_basic(i)
                raw = text[i:end]
                names.append(raw[1:-1] if "\\" not in raw else _unescape(raw))
            elif text[i] == "'":
                end = text.index("'", i + 1) + 1
                names.append(text[i + 1 : end - 1])
            else:
                end = _BARE_KEY.match(text, i).end()
                names.append(text[i:end])
            i = _SPACES.match(text, end).end()
            if not text.startswith(".", i):
                return names, i
            i = _SPACES.match(text, i + 1).end()

    def value(self, i: int, path: Path) -> int:
        """Scans the value at ``i`` with an explicit stack instead of recursion, so that
        nesting depth is never a problem; returns the offset after the value."""
        text = self.text
        stack: list[_Container] = []
        while True:
            self.values[path] = i
            char = text[i]
            if char == "[" or char == "{":
                stack.append(_Container(path, is_array=char == "["))
                i += 1
            elif text.startswith('"""', i):
                i = self.skip_multiline_basic(i)
            elif char == '"':
                i = self.skip_basic(i)
            elif text.startswith("'''", i):
                i = self.skip_multiline_literal(i)
            elif char == "'":
                i = text.index("'", i + 1) + 1
            else:
                i = _BARE_VALUE.match(text, i).end()

            # Find the next value to scan, closing finished containers on the way.
            while stack:
                container = stack[-1]
                i = self.skip_blank(i)
                if text[i] == ",":
                    i = self.skip_blank(i + 1)
                if text[i] in "]}":
                    stack.pop()
                    i += 1
                    continue
                if container.is_array:
                    path = container.path + (container.count,)
                    container.count += 1
                else:
                    path, i = self.assignment(i, container.path)
                break
            else:
                return i

    # -- strings

    def skip_basic(self, i: int) -> int:
        """Offset after the ``"..."`` string starting at ``i``."""
        return _find_unescaped(self.text, i + 1, '"') + 1

    def skip_multiline_basic(self, i: int) -> int:
        """Offset after the multi-line basic string starting at ``i``.  Up to two quotes may
        directly precede the closing delimiter; they belong to the content."""
        closing = _find_unescaped(self.text, i + 3, '"' * 3)
        return _QUOTES.match(self.text, closing).end()

    def skip_multiline_literal(self, i: int) -> int:
        """Offset after the multi-line literal string starting at ``i`` (literals have no
        escapes, so the first three apostrophes close it, plus up to two more of content)."""
        closing = self.text.index("'''", i + 3)
        return _APOSTROPHES.match(self.text, closing).end()


def _find_unescaped(text: str, start: int, delimiter: str) -> int:
    """Offset of the first ``delimiter`` (of double quotes) at or after ``start`` that is not
    escaped; ``start`` must not be inside an escape sequence.

    Looking at one escape at a time would cost a Python-level step per escape, which is slow
    for strings full of them.  Instead, blank out escaped backslashes and quotes with
    ``str.replace`` (done in C; ``str.replace`` pairs backslashes from the left, exactly as
    escapes are read) in windows that double in size, so the work stays linear.
    """
    width = 64
    while start < len(text):
        end = min(start + width, len(text))
        if text[end - 1] == "\\":  # never cut an escape in two: take the escaped character too
            end = min(_BACKSLASHES.match(text, end).end() + 1, len(text))
        end = _QUOTES.match(text, end).end()  # nor a run of quotes
        window = text[start:end].replace("\\\\", "  ").replace('\\"', "  ")
        found = window.find(delimiter)
        if found >= 0:
            return start + found
        start, width = end, width * 2
    raise ValueError("unterminated string; the scanner expects text that tomllib accepted")


def _unescape(quoted_key: str) -> str:
    """Let tomllib decode escapes in a quoted key, so the rules cannot drift from the parser's."""
    return _tomllib().loads(f"k = {quoted_key}")["k"]


def _scan(text: str) -> tuple[Positions, Positions]:
    """Returns (key positions, value positions) for text that tomllib accepted."""
    scanner = _Scanner(text)
    scanner.run()
    lines = LineIndex(text)
    return Positions(scanner.keys, lines), Positions(scanner.values, lines)


# --- fast reader ------------------------------------------------------------------------------
#
# tomllib and the scanner each walk the text; for the plain TOML that catalogues, data and
# budget files are written in, one pass with a few regular expressions gives the same data and
# the same positions several times faster. The reader accepts only a subset whose meaning it is
# sure of -- bare keys (dotted only in headers), one-line basic strings with the simple escapes,
# literal strings, decimal integers, plain decimals, booleans, arrays and one-line inline tables
# of those, and table and array-of-tables headers that create or reopen nothing twice -- and
# gives up (returns None) on everything else, valid or not: then tomllib decides and reports.

#: Characters TOML never allows outside multi-line strings. One character class, which the
#: regular expression engine scans several times faster than an alternation; a CR not before LF
#: (also refused) is looked for apart, only in the rare text that has a CR at all.
_FAST_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FAST_LONE_CR = re.compile(r"\r(?!\n)")
#: Blank and comment lines, then the indentation of the next statement.
_FAST_SKIP = re.compile(r"(?:[ \t]*(?:#[^\r\n]*)?(?:\r?\n|\Z))*[ \t]*")
_FAST_HEADER = re.compile(r"(\[\[?)([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)(\]\]?)")
_FAST_KEY = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
#: A key and a one-line string without escapes, a number or a boolean: groups (key, string,
#: whole number, its fraction, boolean), as :meth:`_FastReader.simple` stores them.
_FAST_SIMPLE = (
    r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*"
    r'(?:"([^"\\\r\n]*)"(?!")|(-?(?:0|[1-9][0-9]{0,30}))(\.[0-9]{1,30})?|(true|false))'
)
#: The commonest statement, a simple key and value with the end of its line and the blank and
#: comment lines after it.
_FAST_LINE = re.compile(
    _FAST_SIMPLE + r"[ \t]*(?:#[^\r\n]*)?(?:\r?\n|\Z)(?:[ \t]*(?:#[^\r\n]*)?(?:\r?\n|\Z))*[ \t]*"
)
#: The commonest item of an inline table (``{ A = 629, B = 1277 }``): a simple key and value,
#: then the spaces before the comma or brace that must follow.
_FAST_ITEM = re.compile(_FAST_SIMPLE + r"[ \t]*(?=[,}])")
_FAST_END = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:\r?\n|\Z)")
_FAST_BASIC = re.compile(r'"([^"\\\r\n]*(?:\\[btnfr"\\][^"\\\r\n]*)*)"')
_FAST_LITERAL = re.compile(r"'([^'\r\n]*)'")
_FAST_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?")
_FAST_ESCAPE = re.compile(r"\\[btnfr\"\\]")
_FAST_ESCAPES = {
    "\\b": "\b",
    "\\t": "\t",
    "\\n": "\n",
    "\\f": "\f",
    "\\r": "\r",
    '\\"': '"',
    "\\\\": "\\",
}
_FAST_ARRAY_SPACE = re.compile(r"(?:[ \t\r\n]|#[^\r\n]*)*")
#: What may follow a scalar value.
_FAST_AFTER = frozenset(" \t,]}#\r\n")
#: Deeper nesting is left to tomllib (which reports what is too deep).
_FAST_DEPTH = 32


class _Unusual(Exception):
    """The fast reader met something outside its subset."""


class _FastReader:
    """One pass over plain TOML: (data, key offsets' positions, value offsets' positions), or
    None when tomllib must decide. Records exactly what :class:`_Scanner` records."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.keys: dict[Path, int] = {}
        self.values: dict[Path, int] = {}
        self.implicit: set[Path] = set()
        # ids of the tables headers may walk into or reopen (all alive in the result), of the
        # tables already declared by a header, and of the arrays made by [[...]] headers.
        self.tables: set[int] = set()
        self.declared: set[int] = set()
        self.arrays: set[int] = set()

    def read(self) -> tuple[dict, Positions, Positions] | None:
        text = self.text
        if _FAST_REFUSED.search(text) or ("\r" in text and _FAST_LONE_CR.search(text)):
            return None
        try:
            root = self.statements()
        except (_Unusual, IndexError, ValueError):
            return None
        lines = LineIndex(text)
        return root, Positions(self.keys, lines), Positions(self.values, lines)

    def statements(self) -> dict:
        text, end = self.text, len(self.text)
        root: dict = {}
        table, path = root, ()
        skip, line, finish = _FAST_SKIP.match, _FAST_LINE.match, _FAST_END.match
        simple = self.simple
        i = skip(text, 0).end()
        while i < end:
            if text[i] == "[":
                table, path, i = self.header(root, i)
            elif (match := line(text, i)) is not None:  # key = "text", number or boolean
                simple(match, table, path)
                i = match.end()
                continue
            else:
                i = self.keyed(i, table, path, 0)
            stop = finish(text, i)
            if stop is None:
                raise _Unusual
            i = skip(text, stop.end()).end()
        return root

    def keyed(self, i: int, table: dict, path: Path, depth: int) -> int:
        """Read ``key = value`` at ``i`` into ``table`` (at ``path``) for a value other than a
        simple one (an array, an inline table, a multi-line string); the offset after it."""
        match = _FAST_KEY.match(self.text, i)
        if match is None:
            raise _Unusual
        key = match.group(1)
        if key in table:
            raise _Unusual
        key_path = (*path, key)
        self.keys[key_path] = i
        table[key], end = self.value(match.end(), key_path, depth)
        return end

    def simple(self, match: re.Match[str], table: dict, path: Path) -> None:
        """Store the key and value of a :data:`_FAST_SIMPLE` match, found in ``table`` (at
        ``path``), and their offsets."""
        key, string, number, fraction, boolean = match.groups()
        if key in table:
            raise _Unusual
        key_path = (*path, key)
        self.keys[key_path] = match.start()  # a new key in a table: nothing recorded it before
        if string is not None:
            table[key] = string
            self.values[key_path] = match.start(2) - 1
        elif number is not None:
            table[key] = Decimal(number + fraction) if fraction else int(number)
            self.values[key_path] = match.start(3)
        else:
            table[key] = boolean == "true"
            self.values[key_path] = match.start(5)

    def header(self, root: dict, start: int) -> tuple[dict, Path, int]:
        match = _FAST_HEADER.match(self.text, start)
        if match is None:
            raise _Unusual
        opening, dotted, closing = match.groups()
        if len(opening) != len(closing):
            raise _Unusual
        keys, implicit, tables, arrays = self.keys, self.implicit, self.tables, self.arrays
        names = dotted.split(".")
        name = names.pop()
        node, path = root, ()
        for part in names:
            path += (part,)
            child = node.get(part)
            if child is None:
                child = node[part] = {}
                tables.add(id(child))
            elif type(child) is list and id(child) in arrays:
                path += (len(child) - 1,)
                child = child[-1]
            elif type(child) is not dict or id(child) not in tables:
                raise _Unusual
            if path not in keys:  # an implicit key, as the scanner's
                keys[path] = start
                implicit.add(path)
            node = child
        path += (name,)
        child = node.get(name)
        if len(opening) == 2:
            if child is None:
                child = node[name] = []
                arrays.add(id(child))
            elif type(child) is not list or id(child) not in arrays:
                raise _Unusual
            if path not in keys:
                keys[path] = start
                implicit.add(path)
            table: dict = {}
            child.append(table)
            tables.add(id(table))
            path += (len(child) - 1,)
        elif child is None:
            table = node[name] = {}
            tables.add(id(table))
        elif type(child) is dict and id(child) in tables and id(child) not in self.declared:
            table = child
        else:
            raise _Unusual
        self.declared.add(id(table))
        if path not in keys or path in implicit:  # an explicit key, as the scanner's
            keys[path] = start
            implicit.discard(path)
        return table, path, match.end()

    def value(self, i: int, path: Path, depth: int) -> tuple[object, int]:
        text = self.text
        self.values[path] = i
        char = text[i]
        if char == '"':
            match = _FAST_BASIC.match(text, i)
            if match is None or text.startswith('"""', i):
                raise _Unusual
            value: object = match.group(1)
            if "\\" in value:
                value = _FAST_ESCAPE.sub(lambda escape: _FAST_ESCAPES[escape.group(0)], value)
            i = match.end()
        elif char == "'":
            match = _FAST_LITERAL.match(text, i)
            if match is None or text.startswith("'''", i):
                raise _Unusual
            value, i = match.group(1), match.end()
        elif char == "[":
            if depth > _FAST_DEPTH:
                raise _Unusual
            return self.array(i + 1, path, depth + 1)
        elif char == "{":
            if depth > _FAST_DEPTH:
                raise _Unusual
            return self.inline_table(i + 1, path, depth + 1)
        elif text.startswith("true", i):
            value, i = True, i + 4
        elif text.startswith("false", i):
            value, i = False, i + 5
        else:
            match = _FAST_NUMBER.match(text, i)
            if match is None:
                raise _Unusual
            value = Decimal(match.group(0)) if match.group(1) else int(match.group(0))
            i = match.end()
        if i < len(text) and text[i] not in _FAST_AFTER:
            raise _Unusual
        return value, i

    def array(self, i: int, path: Path, depth: int) -> tuple[list, int]:
        text, space = self.text, _FAST_ARRAY_SPACE.match
        items: list = []
        i = space(text, i).end()
        while text[i] != "]":
            item, i = self.value(i, (*path, len(items)), depth)
            items.append(item)
            i = space(text, i).end()
            if text[i] == ",":
                i = space(text, i + 1).end()
            elif text[i] != "]":
                raise _Unusual
        return items, i + 1

    def inline_table(self, i: int, path: Path, depth: int) -> tuple[dict, int]:
        text, space = self.text, _SPACES.match
        table: dict = {}
        i = space(text, i).end()
        if text[i] == "}":
            return table, i + 1
        while True:
            match = _FAST_ITEM.match(text, i)
            if match is not None:  # key = "text", number or boolean
                self.simple(match, table, path)
                i = match.end()
            else:
                i = space(text, self.keyed(i, table, path, depth)).end()
            if text[i] == "}":
                return table, i + 1
            if text[i] != ",":
                raise _Unusual
            i = space(text, i + 1).end()
