"""A report as GitHub-flavoured Markdown, for review in a repository (diffs, pull requests).

Markdown has no charts and a table has one header row, so a chart is the table of its values
under its caption, and several header rows are joined per column ("Tahun 2022 – Realisasi").
Placeholders are quotes starting with **[diisi satker]**, easy to spot in a review and to grep.
A page break is an HTML comment: invisible when rendered, visible in the source.
"""

from __future__ import annotations

import re

from .charts import NOT_MEASURED_NOTE, format_value
from .document import Chart, Document, Heading, PageBreak, Paragraph, Table
from .html import PLACEHOLDER_TAG

_SPECIAL = re.compile(r"([\\`*_<>]|(?<=\])\()")
_LINE_START = re.compile(r"^(\s*)([#+=-](?=\s|$)|[=-]+(?=\s*$)|\d+(?=[.)](?:\s|$)))", flags=re.M)


def escape(text: str) -> str:
    """Text that Markdown prints as written: no emphasis, links, HTML or headings by accident."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    return indent + (mark + "\\" if mark[0].isdigit() else "\\" + mark)


def _cell(text: str) -> str:
    """A table cell: escaped, ``|`` escaped, line breaks as ``<br>``, never empty-looking."""
    text = _SPECIAL.sub(r"\\\1", text).replace("|", "\\|")
    return "<br>".join(line.strip() for line in text.splitlines()) if text else ""


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(aligns: list[str]) -> str:
    marks = {"right": "---:", "center": ":---:", "left": ":---"}
    return "| " + " | ".join(marks.get(a, "---") for a in aligns) + " |"


def _joined_header(header: tuple[tuple[str, ...], ...], width: int) -> list[str]:
    """One header row: per column the distinct texts from top to bottom, joined by " – "."""
    joined = []
    for c in range(width):
        parts: list[str] = []
        for row in header:
            text = row[c] if c < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        joined.append(" – ".join(parts))
    return joined


def _table(table: Table) -> list[str]:
    width = max([len(r) for r in table.header] + [len(r) for r in table.rows] + [1])
    aligns = [table.align[c] if c < len(table.align) else "left" for c in range(width)]
    lines = [f"**{escape(table.caption)}**", ""]
    lines.append(_row([_cell(t) for t in _joined_header(table.header, width)]))
    lines.append(_rule(aligns))
    for row in table.rows:
        cells = tuple(row) + ("",) * (width - len(row))
        lines.append(_row([_cell(t) for t in cells]))
    if table.notes:
        lines.append("")
        # One note a line: a trailing backslash is a hard line break in GitHub Markdown.
        notes = [escape(n) for n in table.notes]
        lines.extend(n + "\\" for n in notes[:-1])
        lines.append(notes[-1])
    return lines


def _chart(chart: Chart) -> list[str]:
    unit = f" ({chart.unit})" if chart.unit else ""
    lines = [f"**{escape(chart.caption)}**", ""]
    lines.append(_row([""] + [_cell(s.name + unit) for s in chart.series]))
    lines.append(_rule(["left"] + ["right"] * len(chart.series)))
    for c, category in enumerate(chart.categories):
        values = [format_value(s.values[c]) if c < len(s.values) else "" for s in chart.series]
        lines.append(_row([_cell(category)] + [_cell(v) for v in values]))
    if any(v is None for s in chart.series for v in s.values):
        lines.extend(["", f"*{escape(NOT_MEASURED_NOTE)}*"])
    return lines


def render_markdown(document: Document) -> str:
    """``document`` as GitHub Markdown."""
    out: list[list[str]] = [[f"# {escape(document.title)}"]]
    if document.subtitle:
        out.append([f"**{escape(document.subtitle)}**"])
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            out.append([f"{'#' * level} {escape(block.text)}"])
        elif isinstance(block, Paragraph):
            if block.placeholder:
                lines = escape(block.text).splitlines() or [""]
                lines[0] = f"**{PLACEHOLDER_TAG}** {lines[0]}"
                out.append([f"> {line}".rstrip() for line in lines])
            else:
                out.append([escape(block.text)])
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, Chart):
            out.append(_chart(block))
        elif isinstance(block, PageBreak):
            out.append(["<!-- halaman baru -->"])
        else:  # pragma: no cover - the model has exactly these blocks
            raise TypeError(f"unknown block {block!r}")
    return "\n\n".join("\n".join(lines) for lines in out) + "\n"
