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
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Union

import attrs

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

__all__ = [
    "Path",
    "Position",
    "TomlDocument",
    "TomlNumberError",
    "TomlSyntaxError",
    "parse_toml",
    "parse_toml_bytes",
]

Path = tuple[Union[str, int], ...]  # Union, not |: must evaluate on Python 3.9
"""Where a value lives in the parsed data: table keys are ``str``, array indexes are ``int``."""


@attrs.frozen
class Position:
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


def _read_only(mapping: Mapping[Path, Position]) -> Mapping[Path, Position]:
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
        for end in range(len(path), 0, -1):
            position = self.key_positions.get(path[:end])
            if position is not None:
                return position
        return None

    def value_position(self, path: Path) -> Position | None:
        """Tables opened by a header have no value of their own; they point at their key."""
        position = self.value_positions.get(path)
        return position if position is not None else self.key_position(path)


def parse_toml(text: str) -> TomlDocument:
    """Parse with ``tomllib`` (floats as ``Decimal``: the project needs exact numbers), then
    locate keys and values.  All rejections become ``TomlSyntaxError`` so callers need to
    handle only one exception type."""
    if not isinstance(text, str):
        raise TypeError(f"parse_toml() expects str, not {type(text).__name__}")
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


@attrs.define
class _Container:
    """An array or inline table that the value scanner is inside of."""

    path: Path
    is_array: bool
    count: int = 0


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
    return tomllib.loads(f"k = {quoted_key}")["k"]


def _scan(text: str) -> tuple[dict[Path, Position], dict[Path, Position]]:
    """Returns (key positions, value positions) for text that tomllib accepted."""
    scanner = _Scanner(text)
    scanner.run()
    positions = _positions(text, set(scanner.keys.values()) | set(scanner.values.values()))
    keys = {path: positions[offset] for path, offset in scanner.keys.items()}
    values = {path: positions[offset] for path, offset in scanner.values.items()}
    return keys, values


def _positions(text: str, offsets: set[int]) -> dict[int, Position]:
    """Converts offsets to line/col in one pass, counting newlines in C between consecutive
    offsets rather than indexing every line of the document."""
    result = {}
    line, line_start, previous = 1, 0, 0
    for offset in sorted(offsets):
        newlines = text.count("\n", previous, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", previous, offset) + 1
        result[offset] = Position(line, offset - line_start + 1)
        previous = offset
    return result
