"""A report as one self-contained HTML file: readable on screen, printable on A4.

Everything is in the file (CSS inline, charts as inline SVG, system fonts only) and a Content
Security Policy forbids loading anything, so the file opens the same offline, from an e-mail or a
USB stick. Print CSS gives A4 pages with 2 cm margins, a new page for each :class:`PageBreak`,
table header rows repeated on every page, page numbers, and keeps the highlighting of
placeholders, so text the unit still has to write is never handed in unnoticed.

Captions follow Indonesian reports: "Tabel III.4 …" above its table, "Grafik III.1 …" below its
chart.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import attrs

from .document import Chart, Document, Heading, PageBreak, Paragraph, Table

#: The mark of text the unit still has to write, in every format.
PLACEHOLDER_TAG = "[diisi satker]"


@attrs.frozen
class HeaderCell:
    """One merged cell of a table's header: its top-left position and how far it spans."""

    row: int
    col: int
    text: str
    colspan: int = 1
    rowspan: int = 1


def header_cells(header: Sequence[Sequence[str]]) -> list[list[HeaderCell]]:
    """The header rows with equal neighbours merged, per row the cells that start in it.

    Equal non-empty texts side by side become one cell (never across a boundary of the row
    above, so "2022 | 2023" under "Realisasi | Capaian" stay apart); a cell equal to the one above
    over the same columns extends it downwards ("No" spanning both header rows).
    """
    width = max((len(row) for row in header), default=0)
    grid = [tuple(row) + ("",) * (width - len(row)) for row in header]
    rows: list[list[HeaderCell]] = []
    above: dict[tuple[int, int], HeaderCell] = {}  # (col, colspan) -> cell reaching this row
    boundaries: set[int] = set()
    for r, texts in enumerate(grid):
        groups: list[tuple[int, int, str]] = []
        for c, text in enumerate(texts):
            last = groups[-1] if groups else None
            if last and text and text == last[2] and c not in boundaries:
                groups[-1] = (last[0], last[1] + 1, text)
            else:
                groups.append((c, 1, text))
        boundaries = {start for start, _, _ in groups}
        row: list[HeaderCell] = []
        reaching: dict[tuple[int, int], HeaderCell] = {}
        for start, span, text in groups:
            up = above.get((start, span))
            if up is not None and text and up.text == text:
                grown = attrs.evolve(up, rowspan=up.rowspan + 1)
                rows[up.row][rows[up.row].index(up)] = grown
                reaching[(start, span)] = grown
                continue
            cell = HeaderCell(r, start, text, colspan=span)
            row.append(cell)
            reaching[(start, span)] = cell
        rows.append(row)
        above = reaching
    return rows


def _text(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def _align_class(table: Table, col: int) -> str:
    align = table.align[col] if col < len(table.align) else "left"
    return {"right": "r", "center": "c"}.get(align, "l")


def _table(table: Table) -> str:
    width = max([len(r) for r in table.header] + [len(r) for r in table.rows] + [0])
    out = ['<div class="table-block">', '<div class="table-wrap">', "<table>"]
    out.append(f"<caption>{_text(table.caption)}</caption>")
    if table.header:
        out.append("<thead>")
        for row in header_cells(table.header):
            cells = []
            for cell in row:
                span = ""
                if cell.colspan > 1:
                    span += f' colspan="{cell.colspan}"'
                if cell.rowspan > 1:
                    span += f' rowspan="{cell.rowspan}"'
                scope = "colgroup" if cell.colspan > 1 else "col"
                cells.append(f'<th scope="{scope}"{span}>{_text(cell.text)}</th>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</thead>")
    out.append("<tbody>")
    for row in table.rows:
        cells = tuple(row) + ("",) * (width - len(row))
        out.append(
            "<tr>"
            + "".join(
                f'<td class="{_align_class(table, c)}">{_text(text)}</td>'
                for c, text in enumerate(cells)
            )
            + "</tr>"
        )
    out.append("</tbody>")
    out.append("</table>")
    out.append("</div>")
    if table.notes:
        out.append('<div class="table-notes">')
        out.extend(f"<p>{_text(note)}</p>" for note in table.notes)
        out.append("</div>")
    out.append("</div>")
    return "\n".join(out)


def _chart(chart: Chart, index: int) -> str:
    from .charts import chart_svg

    svg = chart_svg(chart, id_prefix=f"grafik{index}-")
    label = html.escape(chart.caption, quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return (
        f'<figure class="chart">\n{svg}<figcaption>{_text(chart.caption)}</figcaption>\n</figure>'
    )


_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: #eef0f3; color: #1a1a1a;
  font-family: Arial, "Liberation Sans", Helvetica, "Nimbus Sans", sans-serif;
  font-size: 11pt; line-height: 1.5;
}
main {
  max-width: 19.5cm; margin: 1.5rem auto; padding: 1.5cm 1.25cm; background: #fff;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .15);
}
.doc-header { text-align: center; border-bottom: 2px solid #1f3a5f; padding-bottom: .6rem;
  margin-bottom: 1.2rem; }
.doc-title { font-size: 14pt; font-weight: bold; margin: 0; color: #1f3a5f; }
.doc-subtitle { font-size: 12pt; margin: .2rem 0 0; }
h1, h2, h3, h4 { color: #1f3a5f; line-height: 1.3; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 14pt; text-align: center; margin: 1.2rem 0 1rem; }
h2 { font-size: 12pt; margin: 1.4rem 0 .6rem; }
h3, h4 { font-size: 11pt; margin: 1.1rem 0 .5rem; }
p { margin: 0 0 .7rem; text-align: justify; }
.doc-header p { text-align: center; }
nav.toc { border: 1px solid #c9d1dc; background: #f6f8fb; padding: .5rem 1rem .6rem;
  margin: 0 0 1.2rem; font-size: 10pt; }
nav.toc h2 { font-size: 10.5pt; margin: .2rem 0 .3rem; }
nav.toc ol { margin: 0; padding-left: 1.2rem; list-style: none; }
nav.toc a { color: #1f3a5f; }
.table-block { margin: 1rem 0 1.3rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; line-height: 1.35; }
caption { caption-side: top; font-weight: bold; font-size: 10pt; text-align: center;
  padding: 0 0 .4rem; color: #1a1a1a; }
th, td { border: 1px solid #7f7f7f; padding: 3px 6px; vertical-align: top; }
thead th { background: #dce3ec; text-align: center; vertical-align: middle; font-weight: bold; }
tbody tr:nth-child(even) td { background: #f7f8fa; }
td.r { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.c { text-align: center; }
td.l { text-align: left; }
.table-notes { font-size: 8.5pt; line-height: 1.35; color: #333; margin-top: .3rem; }
.table-notes p { margin: 0 0 .1rem; text-align: left; }
figure.chart { margin: 1.2rem 0 1.4rem; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; max-width: 17cm; height: auto; margin: 0 auto; }
figcaption { text-align: center; font-weight: bold; font-size: 10pt; margin-top: .3rem; }
.placeholder { background: #fff1a8; border: 1px dashed #a67c00; border-left: 5px solid #d4a300;
  padding: .45rem .7rem; color: #3d3000; }
.placeholder-tag { font-weight: bold; color: #7a5200; }
.page-break { height: 0; margin: 0; border: 0; }
@page {
  size: A4; margin: 2cm;
  @bottom-center {
    content: counter(page); font-size: 9pt; color: #555;
    font-family: Arial, "Liberation Sans", Helvetica, "Nimbus Sans", sans-serif;
  }
}
@media screen and (max-width: 22cm) {
  main { margin: 0; padding: 1rem .9rem; box-shadow: none; }
  p { text-align: left; }
}
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  nav.toc { display: none; }
  .page-break { break-before: page; page-break-before: always; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  tr, th, td { break-inside: avoid; page-break-inside: avoid; }
  caption { break-after: avoid; }
  .placeholder, thead th, tbody tr td {
    print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"


def render_html(document: Document) -> str:
    """``document`` as one self-contained HTML page (``lang="id"``)."""
    body: list[str] = []
    toc: list[tuple[str, str]] = []
    charts = 0
    sections = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            sections += 1
            anchor = f"bagian-{sections}"
            if level == 2:
                toc.append((anchor, block.text))
            body.append(f'<h{level} id="{anchor}">{_text(block.text)}</h{level}>')
        elif isinstance(block, Paragraph):
            if block.placeholder:
                body.append(
                    f'<p class="placeholder"><span class="placeholder-tag">'
                    f"{_text(PLACEHOLDER_TAG)}</span> {_text(block.text)}</p>"
                )
            else:
                body.append(f"<p>{_text(block.text)}</p>")
        elif isinstance(block, Table):
            body.append(_table(block))
        elif isinstance(block, Chart):
            charts += 1
            body.append(_chart(block, charts))
        elif isinstance(block, PageBreak):
            body.append('<div class="page-break" aria-hidden="true"></div>')
        else:  # pragma: no cover - the model has exactly these blocks
            raise TypeError(f"unknown block {block!r}")

    title = document.title + (f" — {document.subtitle}" if document.subtitle else "")
    out = [
        "<!DOCTYPE html>",
        '<html lang="id">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="kinerja-rules">',
        f"<title>{_text(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        '<header class="doc-header">',
        f'<p class="doc-title">{_text(document.title)}</p>',
    ]
    if document.subtitle:
        out.append(f'<p class="doc-subtitle">{_text(document.subtitle)}</p>')
    out.append("</header>")
    if toc:
        out.append('<nav class="toc" aria-label="Daftar isi">')
        out.append("<h2>Daftar Isi</h2>")
        out.append("<ol>")
        out.extend(f'<li><a href="#{anchor}">{_text(text)}</a></li>' for anchor, text in toc)
        out.append("</ol>")
        out.append("</nav>")
    out.extend(body)
    out.extend(["</main>", "</body>", "</html>", ""])
    return "\n".join(out)
