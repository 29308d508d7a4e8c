"""Tests for kinerja_rules.tomlpos.

Every position a user sees in an error message comes from this module, so the expected
positions here are computed independently of it: by hand (with the line checked by an
assertion, so a reader can verify the numbers) or with plain ``str.index`` arithmetic.
"""

from __future__ import annotations

import codecs
import datetime
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja_rules.tomlpos import (
    Position,
    TomlSyntaxError,
    _from_decode_error,
    _scan,
    parse_toml,
    parse_toml_bytes,
    tomllib,
)


def position_of(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


def locate(text: str, needle: str, nth: int = 0) -> Position:
    """Position of the ``nth`` occurrence of ``needle``."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return position_of(text, offset)


def text_at(text: str, position: Position) -> str:
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[: position.line - 1]) + position.col - 1
    return text[offset:]


CATALOGUE = """\
# Indicator catalogue (sample)
year = 2023

[policy]
decimals = 2
rounding = "half-up"   # "#" inside a string is not a comment

[[indicator]]
id = "IKU-1"

[[indicator]]
id = "IKU-2"
notes = \"\"\"
[[indicator]]
formula = "not a key"
\"\"\"

[[indicator]]
id = "IKU-3"

[[indicator]]
id = "IKU-4"
formula = "A / B"
renstra = { 2022 = 50, 2023 = 60 }

[indicator.inputs]
A = "realisasi"

[[indicator.examples]]
x = 1
[[indicator.examples]]
x = 2
"""


class TestCatalogue:
    doc = parse_toml(CATALOGUE)
    lines = CATALOGUE.splitlines()

    def test_top_level_and_table_keys(self) -> None:
        assert self.lines[1] == "year = 2023"
        assert self.doc.key_positions[("year",)] == Position(2, 1)
        assert self.doc.value_positions[("year",)] == Position(2, 8)
        assert self.lines[3] == "[policy]"
        assert self.doc.key_positions[("policy",)] == Position(4, 1)
        assert self.doc.key_positions[("policy", "decimals")] == Position(5, 1)
        assert self.doc.value_positions[("policy", "decimals")] == Position(5, 12)
        assert self.doc.value_positions[("policy", "rounding")] == Position(6, 12)

    def test_arrays_of_tables_are_counted_by_header(self) -> None:
        assert [self.lines[n] for n in (7, 10, 17, 20)] == ["[[indicator]]"] * 4
        assert self.doc.key_positions[("indicator",)] == Position(8, 1)
        assert self.doc.key_positions[("indicator", 0)] == Position(8, 1)
        assert self.doc.key_positions[("indicator", 1)] == Position(11, 1)
        assert self.doc.key_positions[("indicator", 2)] == Position(18, 1)
        assert self.doc.key_positions[("indicator", 3)] == Position(21, 1)
        assert ("indicator", 4) not in self.doc.key_positions

    def test_keys_and_values_in_the_fourth_element(self) -> None:
        assert self.lines[22] == 'formula = "A / B"'
        assert self.doc.key_positions[("indicator", 3, "formula")] == Position(23, 1)
        assert self.doc.value_positions[("indicator", 3, "formula")] == Position(23, 11)
        assert text_at(CATALOGUE, Position(23, 11)).startswith('"A / B"')

    def test_inline_table(self) -> None:
        line = self.lines[23]
        assert line.startswith("renstra = {")
        renstra = ("indicator", 3, "renstra")
        assert self.doc.key_positions[renstra] == Position(24, 1)
        assert self.doc.value_positions[renstra] == Position(24, line.index("{") + 1)
        assert self.doc.key_positions[(*renstra, "2022")] == Position(24, line.index("2022") + 1)
        assert self.doc.value_positions[(*renstra, "2022")] == Position(24, line.index("50") + 1)
        assert self.doc.key_positions[(*renstra, "2023")] == Position(24, line.index("2023") + 1)
        assert self.doc.value_positions[(*renstra, "2023")] == Position(24, line.index("60") + 1)

    def test_sub_table_and_nested_array_of_tables_belong_to_the_latest_element(self) -> None:
        assert self.doc.key_positions[("indicator", 3, "inputs")] == Position(26, 1)
        assert self.doc.key_positions[("indicator", 3, "inputs", "A")] == Position(27, 1)
        assert self.doc.value_positions[("indicator", 3, "inputs", "A")] == Position(27, 5)
        assert self.doc.key_positions[("indicator", 3, "examples")] == Position(29, 1)
        assert self.doc.key_positions[("indicator", 3, "examples", 0)] == Position(29, 1)
        assert self.doc.key_positions[("indicator", 3, "examples", 1)] == Position(31, 1)
        assert self.doc.value_positions[("indicator", 3, "examples", 1, "x")] == Position(32, 5)

    def test_header_and_key_inside_multiline_string_are_not_recorded(self) -> None:
        assert self.lines[13:15] == ["[[indicator]]", 'formula = "not a key"']
        assert self.doc.value_positions[("indicator", 1, "notes")] == Position(13, 9)
        recorded = [*self.doc.key_positions.values(), *self.doc.value_positions.values()]
        assert not [p for p in recorded if p.line in (14, 15, 16)]

    def test_floats_are_decimals(self) -> None:
        doc = parse_toml("rate = 0.1\nbig = 1e400\n")
        assert doc.data == {"rate": Decimal("0.1"), "big": Decimal("1e400")}
        assert type(doc.data["rate"]) is Decimal


def test_nested_array_of_tables_counter_restarts_per_parent_element() -> None:
    text = "[[a]]\n[[a.b]]\n[[a.b]]\n[[a]]\n[[a.b]]\n[a.b.c]\nx = 1\n"
    doc = parse_toml(text)
    assert doc.data == {"a": [{"b": [{}, {}]}, {"b": [{"c": {"x": 1}}]}]}
    assert doc.key_positions[("a", 0, "b", 0)] == Position(2, 1)
    assert doc.key_positions[("a", 0, "b", 1)] == Position(3, 1)
    assert doc.key_positions[("a", 1)] == Position(4, 1)
    assert doc.key_positions[("a", 1, "b", 0)] == Position(5, 1)
    assert ("a", 1, "b", 1) not in doc.key_positions
    assert doc.key_positions[("a", 1, "b", 0, "c")] == Position(6, 1)
    assert doc.value_positions[("a", 1, "b", 0, "c", "x")] == Position(7, 5)


def test_arrays_record_every_element() -> None:
    text = "xs = [1, [2, 3], {a = 1}]\n"
    doc = parse_toml(text)
    for path, needle in [
        (("xs",), "["),
        (("xs", 0), "1"),
        (("xs", 1), "[2"),
        (("xs", 1, 0), "2"),
        (("xs", 1, 1), "3"),
        (("xs", 2), "{"),
        (("xs", 2, "a"), "1}"),
    ]:
        assert doc.value_positions[path] == locate(text, needle), path
    assert doc.key_positions[("xs", 2, "a")] == locate(text, "a =")


def test_multiline_array_with_comments_and_trailing_commas() -> None:
    text = 'a = [\n  # [x] = 1, "\n  1, # ],\n  [\n    "]",\n  ],\n  { k = "#" }, # }\n]\nb = 2\n'
    doc = parse_toml(text)
    assert doc.data == {"a": [1, ["]"], {"k": "#"}], "b": 2}
    assert doc.value_positions[("a", 0)] == Position(3, 3)
    assert doc.value_positions[("a", 1)] == Position(4, 3)
    assert doc.value_positions[("a", 1, 0)] == Position(5, 5)
    assert doc.value_positions[("a", 2, "k")] == Position(7, 9)
    assert doc.key_positions[("b",)] == Position(9, 1)
    assert len(doc.value_positions) == 7


def test_dotted_and_quoted_keys_and_spaced_header() -> None:
    text = (
        '[ a . "b c" ]\n'
        'site . "google.com".ok = true\n'
        '"2022" = 1\n'
        "'x y' = 2\n"
        "2023 = 3\n"
        '"esc\\"aped\\u0041" = 4\n'
        "3.14 = 5\n"
    )
    doc = parse_toml(text)
    table = ("a", "b c")
    assert doc.key_positions[table] == Position(1, 1)
    assert doc.key_positions[("a",)] == Position(1, 1)
    for path in [("site",), ("site", "google.com"), ("site", "google.com", "ok")]:
        assert doc.key_positions[table + path] == Position(2, 1)
    assert doc.value_positions[(*table, "site", "google.com", "ok")] == locate(text, "true")
    assert doc.key_positions[(*table, "2022")] == Position(3, 1)
    assert doc.key_positions[(*table, "x y")] == Position(4, 1)
    assert doc.key_positions[(*table, "2023")] == Position(5, 1)
    assert doc.key_positions[(*table, 'esc"apedA')] == Position(6, 1)
    assert doc.value_positions[(*table, 'esc"apedA')] == Position(
        6, text.split("\n")[5].index("= 4") + 3
    )
    assert doc.key_positions[(*table, "3", "14")] == Position(7, 1)


def test_explicit_header_wins_over_implied_super_table() -> None:
    doc = parse_toml("[x.y.z]\n[x]\n[x.y]\n")
    assert doc.key_positions[("x",)] == Position(2, 1)
    assert doc.key_positions[("x", "y")] == Position(3, 1)
    assert doc.key_positions[("x", "y", "z")] == Position(1, 1)


def test_strings_that_look_like_syntax() -> None:
    text = (
        'a = "# not a comment \\" [b] \\\\" # c = 1\n'
        "b = '\\'\n"
        "c = ''''a'''''\n"
        "d = '''\n[[e]]\nf = 1\n'''\n"
        'g = """\\\n  h = 2\\"""\n"" # not closed: escaped and two quotes\n[i]"""\n'
        "j = [''' ] ''', \"\"\"\n}\n\"\"\"]\n"
        "k = 1\n"
    )
    doc = parse_toml(text)
    assert doc.data["c"] == "'a''"
    assert doc.data["g"] == 'h = 2"""\n"" # not closed: escaped and two quotes\n[i]'
    assert set(doc.data) == set("abcdgjk")
    for number, line in enumerate(text.split("\n"), start=1):
        if re.match("[a-z] = ", line):  # "f = 1" is inside a string
            assert doc.key_positions.get((line[0],)) == (
                Position(number, 1) if line[0] != "f" else None
            )
    assert doc.key_positions[("k",)] == Position(15, 1)
    assert doc.value_positions[("j", 1)] == locate(text, '"""\n}')


def test_crlf_counts_as_one_line_break() -> None:
    lf = CATALOGUE + 'ml = """\nx\n"""\nend = 1\n'
    crlf = lf.replace("\n", "\r\n")
    lf_doc, crlf_doc = parse_toml(lf), parse_toml(crlf)
    assert crlf_doc.data["indicator"][3]["examples"][1] == {"x": 2, "ml": "x\n", "end": 1}
    assert dict(crlf_doc.key_positions) == dict(lf_doc.key_positions)
    assert dict(crlf_doc.value_positions) == dict(lf_doc.value_positions)
    assert crlf_doc.value_positions[("indicator", 3, "formula")] == Position(23, 11)
    assert crlf_doc.key_positions[("indicator", 3, "examples", 1, "end")] == Position(36, 1)


def test_scalars_whitespace_and_characters_not_bytes() -> None:
    text = (
        "\td1\t=\t1979-05-27 07:32:00Z # a date with a space\n"
        "d2 = 1979-05-27T00:32:00.999999-07:00\n"
        "t = 07:32:00\n"
        "n = [1_000, 0xDEAD_BEEF, 0o7, 0b1, -inf, nan, +1.5e-3, true]\n"
        'u = { "ключ" = "значение", z = 1 }\n'
    )
    doc = parse_toml(text)
    assert doc.data["d1"] == datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.timezone.utc)
    assert doc.key_positions[("d1",)] == Position(1, 2)
    assert doc.value_positions[("d1",)] == Position(1, 7)
    assert doc.value_positions[("d2",)] == Position(2, 6)
    assert doc.value_positions[("t",)] == Position(3, 5)
    line = text.splitlines()[3]
    for index, token in enumerate(["1_000", "0xDEAD", "0o7", "0b1", "-inf", "nan", "+1.5", "true"]):
        assert doc.value_positions[("n", index)] == Position(4, line.index(token) + 1)
    assert doc.data["n"][4] == Decimal("-Infinity")
    assert doc.data["n"][5].is_nan()
    line = text.splitlines()[4]
    assert doc.key_positions[("u", "z")] == Position(5, line.index("z =") + 1)
    assert doc.value_positions[("u", "ключ")] == Position(5, line.index('"значение"') + 1)


def test_position_fallbacks() -> None:
    doc = parse_toml("[t]\nxs = [1, 2]\n[[a]]\n")
    assert doc.key_position(("t", "xs", 1)) == Position(2, 1)  # array element: its array's key
    assert doc.value_position(("t", "xs", 1)) == Position(2, 10)
    assert doc.value_position(("t",)) == Position(1, 1)  # a header table: its header
    assert doc.key_position(("t", "missing", "deeper")) == Position(1, 1)
    assert doc.value_position(("a", 0)) == Position(3, 1)
    assert doc.key_position(("missing",)) is None
    assert doc.value_position(()) is None
    with pytest.raises(TypeError):
        doc.key_positions[("t",)] = Position(9, 9)  # type: ignore[index]


def test_syntax_error_has_location_and_clean_message() -> None:
    with pytest.raises(TomlSyntaxError) as info:
        parse_toml("a = 1\nb = = 2\n")
    assert (info.value.message, info.value.line, info.value.col) == ("Invalid value", 2, 5)
    assert "(at" not in str(info.value)


def test_syntax_error_at_end_of_document() -> None:
    with pytest.raises(TomlSyntaxError) as info:
        parse_toml('a = 1\nb = "abc')
    assert info.value.message == "Unterminated string"
    assert (info.value.line, info.value.col) == (2, 9)


def test_decode_error_attributes_of_newer_pythons_are_used() -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads("a = 1\nb = = 2\n")
    error = info.value
    error.msg, error.lineno, error.colno = "Oops", 7, 3  # as Python 3.14 sets them
    converted = _from_decode_error(error, "")
    assert (converted.message, converted.line, converted.col) == ("Oops", 7, 3)


def test_too_deep_nesting_is_a_syntax_error() -> None:
    with pytest.raises(TomlSyntaxError, match="nested too deeply"):
        parse_toml("x = " + "[" * 2000 + "]" * 2000)


def test_scanner_itself_has_no_depth_limit() -> None:
    depth = 3000
    keys, values = _scan("x = " + "[" * depth + "{a = 1}" + "]" * depth + "\ny = 2\n")
    assert values[("x",) + (0,) * depth + ("a",)] == Position(1, 5 + depth + 5)
    assert keys[("y",)] == Position(2, 1)


def test_bad_utf8_is_located_in_characters() -> None:
    raw = 'a = 1\nb = "ü€'.encode() + b"\xff" + b'"\n'
    with pytest.raises(TomlSyntaxError) as info:
        parse_toml_bytes(raw)
    assert (info.value.line, info.value.col) == (2, len('b = "ü€') + 1)
    assert "UTF-8" in info.value.message


def test_truncated_utf8_sequence_is_located() -> None:
    with pytest.raises(TomlSyntaxError) as info:
        parse_toml_bytes(b'a = "\xe2\x82"\n')
    assert (info.value.line, info.value.col) == (1, 6)


def test_byte_order_mark_is_stripped() -> None:
    doc = parse_toml_bytes(codecs.BOM_UTF8 + b"a = 1\n")
    assert doc.data == {"a": 1}
    assert doc.key_positions[("a",)] == Position(1, 1)
    with pytest.raises(TomlSyntaxError):
        parse_toml("\ufeffa = 1\n")  # as str it is tomllib's to judge, and it refuses


def test_ten_megabyte_strings() -> None:
    big = "x" * 10_000_000
    text = f'before = 1\nbig = "{big}" # done\nafter = "tail"\n'
    doc = parse_toml(text)
    assert doc.value_positions[("after",)] == Position(3, 9)
    escaped = '\\"' * 5_000_000
    text = f't = {{ big = """{escaped}""", after = 2 }}\n'
    _, values = _scan(text)
    assert values[("t", "after")] == Position(1, len(text) - 3)


def test_five_thousand_keys() -> None:
    text = "".join(f"key_{n} = {n}\n" for n in range(5000))
    doc = parse_toml(text)
    assert doc.value_positions[("key_4999",)] == Position(5000, 12)


# --- property: a tiny TOML writer that knows where it put everything -------------------------

KEYS = st.text(alphabet="ab_-1 .\"'\\#=[]é\t", max_size=4)
STRINGS = st.text(alphabet="ab \"'\\#[]={}\n\t\ré\x01\x7f\u2028", max_size=8)
SCALARS = st.one_of(
    st.integers(-(10**9), 10**9),
    st.booleans(),
    STRINGS,
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    st.sampled_from([Decimal("Infinity"), Decimal("-Infinity")]),
    st.dates(),
    st.datetimes(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=10,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=5)
SPACE = st.sampled_from(["", " ", "  ", "\t"])
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def escape(text: str, newline: str | None = None) -> str:
    """Basic-string escaping; with ``newline`` set, newlines stay raw (multi-line strings)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n" and newline:
            out.append(newline)
        elif (char < " " and char != "\t") or char == "\x7f":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def literal_ok(text: str, multiline: bool) -> bool:
    allowed_controls = "\t\n" if multiline else "\t"
    has_control = any((c < " " and c not in allowed_controls) or c == "\x7f" for c in text)
    return not has_control and ("'''" not in text if multiline else "'" not in text)


class Writer:
    """Serialises data with randomly drawn styles, recording the offset of every key and value
    it writes, so the scanner's positions can be compared with the truth."""

    def __init__(self, draw, newline: str) -> None:
        self.draw, self.newline = draw, newline
        self.parts: list[str] = []
        self.offset = 0
        self.keys: dict[tuple, int] = {}
        self.values: dict[tuple, int] = {}
        self.leaves: list[tuple[tuple, str, str | None]] = []  # path, value text, key text

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.offset += len(text)

    def choose(self, *options):
        return self.draw(st.sampled_from(options))

    def end_line(self) -> None:
        self.emit(self.choose("", "  # c = 'x' [y]") + self.newline)
        if self.draw(st.booleans()):
            self.emit(self.choose("", '# [[z]] = "', "  ") + self.newline)

    def key(self, name: str) -> str:
        if BARE_KEY.fullmatch(name) and self.draw(st.booleans()):
            return name
        if literal_ok(name, multiline=False) and self.draw(st.booleans()):
            return f"'{name}'"
        return f'"{escape(name)}"'

    def dotted(self, names) -> str:
        dot = self.choose(".", " . ", ".\t")
        return dot.join(self.key(name) for name in names)

    def mode(self, value, headers_allowed: bool) -> str:
        if isinstance(value, dict):
            return self.choose(*(["header"] if headers_allowed else []), "dotted", "inline")
        if (
            headers_allowed
            and isinstance(value, list)
            and value
            and all(isinstance(v, dict) for v in value)
        ):
            return self.choose("array of tables", "inline")
        return "inline"

    def pairs(self, table: dict, names: tuple = ()):
        """(key names, value) for each statement, expanding tables chosen to be dotted."""
        for name, value in table.items():
            if isinstance(value, dict) and value and self.mode(value, False) == "dotted":
                yield from self.pairs(value, (*names, name))
            else:
                yield (*names, name), value

    def pair(self, base: tuple, names: tuple, value, key_text: str | None = None) -> None:
        key_text = key_text or self.dotted(names)
        for end in range(1, len(names)):
            self.keys.setdefault(base + names[:end], self.offset)
        self.keys[base + names] = self.offset
        self.emit(key_text + self.draw(SPACE) + "=" + self.draw(SPACE))
        self.value(base + names, value, key_text)

    def value(self, path: tuple, value, key_text: str | None) -> None:
        self.values[path] = self.offset
        if isinstance(value, dict):
            self.emit("{" + self.draw(SPACE))
            for n, (names, item) in enumerate(self.pairs(value)):
                self.emit(self.choose(", ", ",", " ,\t") if n else "")
                self.pair(path, names, item)
            self.emit(self.draw(SPACE) + "}")
        elif isinstance(value, list):
            multiline = self.draw(st.booleans())
            self.emit("[")
            for n, item in enumerate(value):
                self.emit(self.newline + "  " if multiline else "")
                self.value((*path, n), item, None)
                if multiline or n < len(value) - 1:
                    self.emit("," + self.choose("", " ", " # ],") if multiline else ", ")
            self.emit(self.newline + "]" if multiline else "]")
        else:
            text = self.scalar(value)
            self.leaves.append((path, text, key_text))
            self.emit(text)

    def scalar(self, value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return self.choose(str(value), f"{value:_}", hex(value) if value >= 0 else str(value))
        if isinstance(value, Decimal):
            return {"Infinity": "inf", "-Infinity": "-inf"}.get(str(value), f"{value:f}")
        if isinstance(value, datetime.datetime):
            return value.isoformat(sep=self.choose("T", " "))
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
        style = self.choose("basic", "literal", "multi-line basic", "multi-line literal")
        if style == "literal" and literal_ok(value, multiline=False):
            return f"'{value}'"
        if style == "multi-line literal" and literal_ok(value, multiline=True):
            body = value.replace("\n", self.newline)
            opening = self.newline if value.startswith("\n") or self.draw(st.booleans()) else ""
            return f"'''{opening}{body}'''"
        if style == "multi-line basic":
            body = escape(value, newline=self.newline)
            if body[:1] not in (" ", "\t", "\r", "\n") and self.draw(st.booleans()):
                # a line-ending backslash: the parser trims it and the whitespace after it
                body = f"\\{self.newline}   {body}"
            return f'"""{self.newline}{body}"""'
        return f'"{escape(value)}"'

    def section(self, path: tuple, names: tuple, table: dict, header: str | None) -> None:
        modes = {name: self.mode(value, headers_allowed=True) for name, value in table.items()}
        deferred = [name for name in table if modes[name] in ("header", "array of tables")]
        only_sub_tables = header == "[" and table and len(deferred) == len(table)
        if header and not (only_sub_tables and self.draw(st.booleans())):
            for end in range(1, len(path)):
                self.keys.setdefault(path[:end], self.offset)
            self.keys[path] = self.offset
            close = "]" * len(header)
            self.emit(header + self.draw(SPACE) + self.dotted(names) + self.draw(SPACE) + close)
            self.end_line()
        for name, value in table.items():
            if name in deferred:
                continue
            if modes[name] == "dotted" and value:
                for sub_names, item in self.pairs(value, (name,)):
                    self.pair(path, sub_names, item)
                    self.end_line()
            else:
                self.pair(path, (name,), value)
                self.end_line()
        for name in deferred:
            if modes[name] == "header":
                self.section((*path, name), (*names, name), table[name], "[")
            else:
                for index, element in enumerate(table[name]):
                    self.section((*path, name, index), (*names, name), element, "[[")


# At least 150 examples (the writer has many styles to cover), more under a thorough profile.
@settings(
    max_examples=max(150, settings().max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=DOCUMENTS, draw=st.data(), newline=st.sampled_from(["\n", "\r\n"]))
def test_positions_match_what_a_writer_recorded(data, draw, newline) -> None:
    writer = Writer(draw.draw, newline)
    writer.section((), (), data, header=None)
    text = "".join(writer.parts)
    doc = parse_toml(text)
    assert doc.data == data

    for path, value_text, key_text in writer.leaves:
        assert text_at(text, doc.value_position(path)).startswith(value_text)
        if key_text is not None:
            assert text_at(text, doc.key_position(path)).startswith(key_text)
    expected_keys = {path: position_of(text, offset) for path, offset in writer.keys.items()}
    expected_values = {path: position_of(text, offset) for path, offset in writer.values.items()}
    assert dict(doc.key_positions) == expected_keys
    assert dict(doc.value_positions) == expected_values
