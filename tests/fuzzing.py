"""Mutation machinery for the fuzz tests (``tests/test_fuzz.py``).

The fuzz tests start from the bundled, known-good TOML files and break them the ways people and
tools break files: a value replaced by an extreme, non-finite, negative, huge, tiny or
wrong-typed one; a key dropped, duplicated, moved or renamed; a table turned into an array of
tables (or back); a byte flipped; the file truncated or re-encoded.

Mutations work on the TOML *text*, not on parsed data. Parsed data cannot hold ``nan``,
``1e-999999999`` as the loader's ``Decimal`` sees it, a 5000-digit integer, a duplicated key or a
header that is both a table and an array, and those are exactly the inputs a loader must turn
into located diagnostics rather than crashes. Working on lines keeps the mutant close to a real
file, so most mutants get past the TOML parser into the loaders, checks and evaluation.

:func:`mutated_text` is the hypothesis strategy. Each draw is a :class:`Mutant` whose ``repr``
lists the mutations applied (not the whole file), so a falsifying example reads as a recipe:
``Mutant(2023/lpka.toml: line 43: 'target = 80' -> 'target = nan')``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, localcontext
from pathlib import Path

from hypothesis import strategies as st

#: ``key = value`` on one line (the bundled files keep every value on one line).
KEY_VALUE = re.compile(r'^(?P<indent>\s*)(?P<key>[A-Za-z0-9_."-]+)\s*=\s*(?P<value>.+?)\s*$')
#: ``[table]`` or ``[[array.of.tables]]``, with an optional trailing comment.
HEADER = re.compile(
    r"^(?P<indent>\s*)(?P<open>\[\[?)(?P<name>[^\[\]]+)(?P<close>\]\]?)(?P<rest>.*)$"
)
#: ``key = value`` inside an inline table ``{ a = 1, b = 2 }``.
INLINE_PAIR = re.compile(r'(?P<key>[A-Za-z0-9_"-]+)\s*=\s*(?P<value>[^,{}\[\]=]+?)\s*(?=[,}])')
#: A bare TOML number as the bundled files write them.
NUMBER = re.compile(r"[+-]?\d[\d_]*(\.\d+)?([eE][+-]?\d+)?")

#: Values a mutation puts in place of a value, by kind: non-finite, extreme, signed or
#: fractional, wrong-typed, and TOML edge cases (other bases, underscores, deep nesting). A
#: mutation draws a kind first, so a kind with few members (nesting) is tried as often as one
#: with many.
VALUE_KINDS: dict[str, tuple[str, ...]] = {
    "non-finite": ("nan", "+nan", "-nan", "inf", "+inf", "-inf"),
    "huge or tiny": (
        "1e999999999",
        "-1e999999999",
        "1e-999999999",
        "1e308",
        "1e309",
        "5e-324",
        "1e-30",
        "1e30",
        "1" + "0" * 70,
        "1" + "0" * 5000,
        "1" + "0" * 70 + ".5",
        "1" + "0" * 5000 + ".0",
        "0." + "0" * 5000 + "1",
        "9223372036854775808",
        "-9223372036854775809",
        "0x7fffffffffffffff",
    ),
    "sign, zero or fraction": (
        "-5",
        "-1",
        "0",
        "-0",
        "0.0",
        "-0.0",
        "0.5",
        "1.5",
        "99.995",
        "100.000000000000000000000000001",
        "1_000",
        "0b101",
        "0o777",
        "1e5",
    ),
    "wrong type": (
        '"string"',
        '""',
        '" "',
        '"12"',
        '"12.5%"',
        '"-5 %"',
        '"nan"',
        '"inf"',
        '"1e999999999"',
        '"%"',
        '"\\u0000"',
        "'literal'",
        '"Ω ☃ 𝄞"',
        '"' + "x" * 10000 + '"',
        "true",
        "false",
        "[1, 2]",
        "[]",
        '[[1], ["a"]]',
        "{a = 1}",
        "{}",
        "1979-05-27",
        "1979-05-27T07:32:00Z",
        "07:32:00",
    ),
    "deep nesting": (
        "[" * 50 + "]" * 50,
        "[" * 1000 + "]" * 1000,
        "{a = " * 50 + "1" + "}" * 50,
        "{a = " * 1000 + "1" + "}" * 1000,
    ),
}
VALUES: tuple[str, ...] = tuple(value for kind in VALUE_KINDS.values() for value in kind)
#: Any value of :data:`VALUE_KINDS`, a kind drawn first.
values = st.sampled_from(list(VALUE_KINDS.values())).flatmap(st.sampled_from)

#: Strings a mutation puts in place of a value: hostile and degenerate formulas (for
#: ``formula``, ``when``, ``invariants``, ``assume``), printed percentages the budget loader
#: parses, and ids that collide or say nothing.
STRINGS: tuple[str, ...] = (
    '"9**9**9"',
    '"A ** B"',
    '"10 ** 1000000"',
    '"A / 0"',
    '"1 / (A - A)"',
    '"A * 1e999999999"',
    '"A / 1e-999999999"',
    '"A * 1' + "0" * 5000 + '"',
    '"A / B * inf"',
    '"A == nan"',
    '"A // B"',
    '"A % B"',
    '"-A"',
    '"A < B < C"',
    '"max()"',
    '"min(A)"',
    '"abs(A, B)"',
    '"A if A > B else B / 0"',
    '"A / B * 100 if B else 0"',
    '"value == value"',
    '"' + "(" * 300 + "A" + ")" * 300 + '"',
    '"' + " + ".join(["A"] * 2000) + '"',
    "\"__import__('os')\"",
    '"A.real"',
    '["1 / 0 > 0"]',
    '["A <= B", "B < A"]',
    '"1e999999999%"',
    '"nan%"',
    '"inf %"',
    '"-0%"',
    '"100,5%"',
    '"99.9999999999999999999999999%"',
    '"1' + "0" * 5000 + '%"',
    '"0.' + "0" * 5000 + '1%"',
    '"SK1"',
    '"S1"',
    '"layanan_makanan"',
    '"klien_bekerja"',
    '"smart"',
    '"ikpa"',
    '"5252.BDC.004"',
    '"5252"',
)

#: Characters appended to a key or table name to rename it.
RENAME_SUFFIXES = ("x", "_", "1", "X", "-", "é", ".x", '"')

#: Lines a mutation inserts: unknown keys, new or repeated headers, stray syntax.
EXTRA_LINES = (
    "zzz_unknown = 1",
    "id = 1",
    "year = 2023",
    "[[indicator]]",
    "[[sasaran]]",
    "[[score]]",
    "[[row]]",
    "[indicators]",
    "[policy]",
    "[policy.zzz]",
    "[zzz]",
    "[[zzz]]",
    "= 1",
    "[",
    '"',
    "#",
)

#: Bytes a byte mutation writes: TOML syntax, control bytes and invalid UTF-8.
BYTES = (0x00, 0x0D, 0x0A, 0x22, 0x27, 0x5B, 0x5D, 0x3D, 0x23, 0x5C, 0x7F, 0x80, 0xC3, 0xFF)


@dataclass(frozen=True)
class Mutant:
    """A mutated file: its bytes and the mutations applied, for a readable falsifying example."""

    source: str
    data: bytes
    steps: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Mutant({self.source}: {'; '.join(self.steps)})"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """Hypothesis prints falsifying examples with its pretty-printer: the recipe, no bytes."""
        printer.text(repr(self))

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def write(self, path: Path) -> Path:
        """Write the mutant to ``path`` (creating its directory) and return ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.data)
        return path


def short(text: str, width: int = 60) -> str:
    """``text`` for a step description: long runs (5000 zeros) are elided."""
    if len(text) <= width:
        return text
    return f"{text[: width // 2]}…<{len(text)} chars>…{text[-10:]}"


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _indices(lines: list[str], pattern: re.Pattern[str]) -> list[int]:
    return [
        i
        for i, line in enumerate(lines)
        if not line.lstrip().startswith("#") and pattern.match(line)
    ]


def _line_key(line: str) -> str:
    """What a line sets: its key (``target``), or its header (``[[indicator]]``)."""
    pair = KEY_VALUE.match(line)
    if pair is not None:
        return pair.group("key")
    header = HEADER.match(line)
    return header.group("open") + header.group("name").strip() if header else line.strip()


def _pick(draw, lines: list[str], indices: list[int]) -> int:
    """One of ``indices``: a key first, then one of its lines.

    A catalogue has one ``unit_type`` line and forty ``name`` lines; picking the key first makes
    the one-off keys (``year``, ``unit_type``, ``[policy]`` settings), where a mistake breaks the
    whole file, as likely targets as the repeated ones.
    """
    groups: dict[str, list[int]] = {}
    for i in indices:
        groups.setdefault(_line_key(lines[i]), []).append(i)
    return draw(st.sampled_from([groups[key] for key in sorted(groups)]).flatmap(st.sampled_from))


def _replace_line(lines: list[str], i: int, new: str) -> str:
    return "\n".join([*lines[:i], new, *lines[i + 1 :]])


def _related(value: str) -> list[str]:
    """Values near a number ``value``: its negation, scaled, nudged and made fractional.

    Near-valid values get past type checks into the arithmetic (A > B, capaian over 100, a
    printed figure one rupiah off, a weight of 1e-30), where the deeper holes are.
    """
    match = NUMBER.fullmatch(value.split("#")[0].strip())
    if match is None:
        return []
    # Mutants are mutated again, so ``value`` may already be 1e999999999: compute in a context
    # wide enough for any TOML number, whatever the code under test did to the thread's context.
    with localcontext(Context(prec=60, Emax=MAX_EMAX, Emin=MIN_EMIN)):
        try:
            number = Decimal(match.group(0).replace("_", ""))
            candidates = [
                -number,
                number + 1,
                number - 1,
                number * 10**3,
                number * 10**30,
                number / 10**3,
                number.scaleb(-30),
                number + Decimal("0.5"),
                number + Decimal("1e-20"),
            ]
        except ArithmeticError:
            return []
    return [
        str(c) if "E" not in str(c) or abs(c.adjusted()) > 100 else f"{c:f}" for c in candidates
    ]


@st.composite
def _value_mutation(draw, text: str):
    """Replace the value of one ``key = value`` line (or wrap it, or nudge a number)."""
    lines = _lines(text)
    candidates = _indices(lines, KEY_VALUE)
    if not candidates:
        return None
    i = _pick(draw, lines, candidates)
    match = KEY_VALUE.match(lines[i])
    assert match is not None
    old = match.group("value")
    wrapped = [f"[{old}]", f"{{ value = {old} }}", f'"{old}"' if '"' not in old else f"'{old}'"]
    new = draw(values | st.sampled_from(STRINGS) | st.sampled_from(wrapped + _related(old)))
    line = f"{match.group('indent')}{match.group('key')} = {new}"
    return _replace_line(lines, i, line), f"line {i + 1}: {short(lines[i])!r} -> {short(line)!r}"


@st.composite
def _inline_mutation(draw, text: str):
    """Replace one value inside an inline table (``renstra = { 2023 = 80 }``, ``inputs = {…}``)."""
    lines = _lines(text)
    sites: dict[str, list[tuple[int, re.Match[str]]]] = {}  # by key: renstra.2023, inputs.A
    for i, line in enumerate(lines):
        brace = line.find("{")
        if brace < 0 or line.lstrip().startswith("#"):
            continue
        for match in INLINE_PAIR.finditer(line, brace):
            key = f"{_line_key(line)}.{match.group('key')}"
            sites.setdefault(key, []).append((i, match))
    if not sites:
        return None
    i, match = draw(st.sampled_from([sites[key] for key in sorted(sites)]).flatmap(st.sampled_from))
    old = match.group("value")
    new = draw(values | st.sampled_from(STRINGS) | st.sampled_from([f"[{old}]", *_related(old)]))
    line = lines[i][: match.start("value")] + new + lines[i][match.end("value") :]
    return _replace_line(lines, i, line), f"line {i + 1}: {short(lines[i])!r} -> {short(line)!r}"


@st.composite
def _line_mutation(draw, text: str):
    """Drop, duplicate, move or insert a line; rename a key; toggle ``[x]`` and ``[[x]]``."""
    lines = _lines(text)
    meaningful = [i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
    if not meaningful:
        return None
    kind = draw(st.sampled_from(("drop", "duplicate", "move", "insert", "rename", "header")))
    if kind == "header":
        headers = _indices(lines, HEADER)
        if not headers:
            kind = "rename"
        else:
            i = _pick(draw, lines, headers)
            match = HEADER.match(lines[i])
            assert match is not None
            opened = "[" if match.group("open") == "[[" else "[["
            closed = "]" if opened == "[" else "]]"
            line = (
                f"{match.group('indent')}{opened}{match.group('name')}{closed}{match.group('rest')}"
            )
            return _replace_line(lines, i, line), f"line {i + 1}: {lines[i]!r} -> {line!r}"
    if kind == "rename":
        i = _pick(draw, lines, meaningful)
        suffix = draw(st.sampled_from(RENAME_SUFFIXES))
        header = HEADER.match(lines[i])
        pair = KEY_VALUE.match(lines[i])
        if header is not None:
            name = header.group("name")
            line = lines[i].replace(name, name.rstrip() + suffix, 1)
        elif pair is not None:
            key = pair.group("key")
            line = lines[i].replace(key, key + suffix, 1)
        else:
            line = lines[i] + suffix
        step = f"line {i + 1}: {short(lines[i])!r} -> {short(line)!r}"
        return _replace_line(lines, i, line), step
    if kind == "drop":
        i = _pick(draw, lines, meaningful)
        return "\n".join(lines[:i] + lines[i + 1 :]), f"line {i + 1} dropped: {short(lines[i])!r}"
    if kind == "duplicate":
        i = _pick(draw, lines, meaningful)
        kept = lines[: i + 1] + [lines[i]] + lines[i + 1 :]
        return "\n".join(kept), f"line {i + 1} duplicated: {short(lines[i])!r}"
    if kind == "move":
        i = _pick(draw, lines, meaningful)
        j = draw(st.integers(0, len(lines)))
        moved = lines[:j] + [lines[i]] + lines[j:]
        return "\n".join(moved), f"line {i + 1} copied before line {j + 1}: {short(lines[i])!r}"
    j = draw(st.integers(0, len(lines)))
    extra = draw(st.sampled_from(EXTRA_LINES))
    return "\n".join(lines[:j] + [extra] + lines[j:]), f"inserted before line {j + 1}: {extra!r}"


@st.composite
def _byte_mutation(draw, raw: bytes):
    """Flip a bit, overwrite or insert a byte, truncate, or re-encode the whole file."""
    kind = draw(st.sampled_from(("flip", "set", "insert", "truncate", "whole")))
    if kind == "whole":
        how = draw(st.sampled_from(("crlf", "cr", "bom", "utf-16", "cp1252", "empty", "nul")))
        text = raw.decode("utf-8", errors="replace")
        if how == "crlf":
            return raw.replace(b"\n", b"\r\n"), "CRLF line endings"
        if how == "cr":
            return raw.replace(b"\n", b"\r"), "CR line endings"
        if how == "bom":
            return b"\xef\xbb\xbf" + raw, "UTF-8 byte order mark"
        if how == "utf-16":
            return text.encode("utf-16"), "encoded as UTF-16"
        if how == "cp1252":
            return text.encode("cp1252", errors="replace"), "encoded as cp1252"
        if how == "empty":
            return b"", "emptied"
        return raw + b"\x00", "NUL byte appended"
    if not raw:
        return raw, "nothing to mutate"
    position = draw(st.integers(0, len(raw) - 1))
    context = short(raw[max(0, position - 12) : position + 12].decode("utf-8", "replace"), 40)
    if kind == "truncate":
        return raw[:position], f"truncated to {position} bytes (at {context!r})"
    if kind == "flip":
        bit = draw(st.integers(0, 7))
        flipped = bytes([raw[position] ^ (1 << bit)])
        data = raw[:position] + flipped + raw[position + 1 :]
        return data, f"byte {position} bit {bit} flipped (at {context!r})"
    byte = bytes([draw(st.sampled_from(BYTES))])
    if kind == "set":
        return raw[:position] + byte + raw[position + 1 :], f"byte {position} set to {byte!r}"
    return raw[:position] + byte + raw[position:], f"byte {byte!r} inserted at {position}"


@st.composite
def mutated_text(draw, original: str, source: str = "<toml>") -> Mutant:
    """A :class:`Mutant` of the TOML text ``original``: one to three text mutations (values,
    inline-table values, lines, keys, headers), then, one time in four, a byte-level one.

    Hypothesis shrinks towards a single text mutation and no byte mutation, so a falsifying
    example is close to the smallest edit that breaks the code.
    """
    text = original
    steps: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from((_value_mutation, _inline_mutation, _line_mutation)))
        result = draw(kind(text))
        if result is None:
            result = draw(_line_mutation(text))
        if result is None:
            continue
        text, step = result
        steps.append(step)
    raw = text.encode("utf-8")
    if draw(st.integers(0, 3)) == 3:
        raw, step = draw(_byte_mutation(raw))
        steps.append(step)
    return Mutant(source, raw, tuple(steps))
