"""A report as a Word file (python-docx): what a unit edits and hands in.

A4 with 2 cm margins, Arial 11 pt (tables 9 pt), Word's own Heading styles (so Word's table of
contents and navigation pane work), real tables in the "Table Grid" style with the header rows
merged where the document repeats a text and marked to repeat on every page, captions in Word's
Caption style ("Tabel III.4 …" above its table, "Grafik III.1 …" below its chart), charts as PNG
images the width of the text, page numbers in the footer, and placeholders highlighted yellow.

The file is written atomically: to a temporary file in the target's directory, then renamed over
the target, so a failure never leaves a half-written report (nor destroys the previous one).
"""

from __future__ import annotations

import io
import os
from typing import Any

from ..atomic import write_atomically
from .document import Chart, Document, Heading, PageBreak, Paragraph, Table
from .extras import require
from .html import PLACEHOLDER_TAG, header_cells

FONT = "Arial"
TEXT_WIDTH_CM = 17.0  # A4 (21 cm) less 2 cm margins either side
_NAVY = "1F3A5F"
_HEADER_FILL = "DCE3EC"
_LANG = "id-ID"


def _set_fonts(rpr: Any, qn: Any, oxml: Any) -> None:
    """Arial for every script, replacing the template's theme fonts (which would win)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = oxml.OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)


def _styles(doc: Any, docx: Any) -> None:
    shared, text, enum_style, ns, oxml = (
        docx.shared,
        docx.enum.text,
        docx.enum.style,
        docx.oxml.ns,
        docx.oxml,
    )
    qn = ns.qn
    # Document defaults: Arial, Indonesian proofing language.
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    _set_fonts(rpr, qn, oxml)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = oxml.OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), _LANG)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = shared.Pt(11)
    _set_fonts(normal.element.get_or_add_rPr(), qn, oxml)
    normal.paragraph_format.space_after = shared.Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    for level, size in ((1, 14), (2, 12), (3, 11), (4, 11)):
        style = doc.styles[f"Heading {level}"]
        style.font.name = FONT
        _set_fonts(style.element.get_or_add_rPr(), qn, oxml)
        style.font.size = shared.Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = shared.RGBColor.from_string(_NAVY)
        style.paragraph_format.space_before = shared.Pt(18 if level == 1 else 12)
        style.paragraph_format.space_after = shared.Pt(6)
        style.paragraph_format.keep_with_next = True
    doc.styles["Heading 1"].paragraph_format.alignment = text.WD_ALIGN_PARAGRAPH.CENTER

    caption = doc.styles["Caption"]
    caption.font.name = FONT
    caption.font.size = shared.Pt(10)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = shared.RGBColor(0, 0, 0)
    caption.paragraph_format.alignment = text.WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = shared.Pt(6)
    caption.paragraph_format.space_after = shared.Pt(4)

    def paragraph_style(name: str, size: float, after: float = 0) -> Any:
        style = doc.styles.add_style(name, enum_style.WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = shared.Pt(size)
        style.paragraph_format.space_before = shared.Pt(0)
        style.paragraph_format.space_after = shared.Pt(after)
        style.paragraph_format.line_spacing = 1.0
        return style

    for name in ("Isi Tabel", "Kepala Tabel"):
        cell_text = paragraph_style(name, 9)
        cell_text.paragraph_format.space_before = shared.Pt(1.5)
        cell_text.paragraph_format.space_after = shared.Pt(1.5)
    head = doc.styles["Kepala Tabel"]
    head.font.bold = True
    head.paragraph_format.alignment = text.WD_ALIGN_PARAGRAPH.CENTER
    paragraph_style("Catatan Tabel", 8.5)
    paragraph_style("Jarak", 6)


def _page(doc: Any, docx: Any) -> None:
    shared = docx.shared
    section = doc.sections[0]
    section.page_width = shared.Cm(21)
    section.page_height = shared.Cm(29.7)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, shared.Cm(2))
    section.header_distance = shared.Cm(1.0)
    section.footer_distance = shared.Cm(1.0)
    # Page number, centred in the footer.
    footer = section.footer.paragraphs[0]
    footer.alignment = docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    field = docx.oxml.OxmlElement("w:fldSimple")
    field.set(docx.oxml.ns.qn("w:instr"), "PAGE")
    run = docx.oxml.OxmlElement("w:r")
    number = docx.oxml.OxmlElement("w:t")
    number.text = "1"
    run.append(number)
    field.append(run)
    footer._p.append(field)


def _row_flag(row: Any, docx: Any, name: str) -> None:
    qn = docx.oxml.ns.qn
    trpr = row._tr.get_or_add_trPr()
    flag = docx.oxml.OxmlElement(f"w:{name}")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _shade(cell: Any, docx: Any, fill: str) -> None:
    qn = docx.oxml.ns.qn
    shd = docx.oxml.OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


#: Rough widths of 9 pt Arial in cm: an average character, a bold header character, and a
#: cell's left and right padding together.
_CHAR_CM, _BOLD_CHAR_CM, _PADDING_CM = 0.17, 0.19, 0.45


def _column_widths(table: Table, width: int) -> list[float]:
    """Column widths in cm filling the text width: every column at least as wide as its longest
    word (figures never wrap), the rest shared by how much text a column holds."""
    last = table.header[-1] if table.header else ()
    minimum, natural = [], []
    for c in range(width):
        texts = [row[c] for row in table.rows if c < len(row)]
        head = last[c] if c < len(last) else ""
        figures = c < len(table.align) and table.align[c] == "right"
        longest = max((len(t) for t in texts), default=0)
        word = max((len(w) for t in texts for w in t.split()), default=0)
        head_word = max((len(w) for w in head.split()), default=0)
        low = max((longest if figures else word) * _CHAR_CM, head_word * _BOLD_CHAR_CM)
        minimum.append(low + _PADDING_CM)
        natural.append(min(max(longest * _CHAR_CM + _PADDING_CM, minimum[-1]), 9.0))
    total = sum(minimum)
    if total >= TEXT_WIDTH_CM:
        return [TEXT_WIDTH_CM * m / total for m in minimum]
    extra = TEXT_WIDTH_CM - total
    wish = [n - m for n, m in zip(natural, minimum)]
    weights = wish if sum(wish) > 0 else natural
    return [m + extra * w / sum(weights) for m, w in zip(minimum, weights)]


def _table(doc: Any, docx: Any, table: Table, page_break: bool) -> None:
    shared, text, enum_table = docx.shared, docx.enum.text, docx.enum.table
    align = {
        "right": text.WD_ALIGN_PARAGRAPH.RIGHT,
        "center": text.WD_ALIGN_PARAGRAPH.CENTER,
    }

    caption = doc.add_paragraph(table.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.page_break_before = page_break

    width = max([len(r) for r in table.header] + [len(r) for r in table.rows] + [1])
    n_head = len(table.header)
    grid = doc.add_table(rows=n_head + len(table.rows), cols=width)
    grid.style = doc.styles["Table Grid"]
    grid.alignment = enum_table.WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _column_widths(table, width)
    for c, cm in enumerate(widths):
        grid.columns[c].width = shared.Cm(cm)
        for cell in grid.columns[c].cells:
            cell.width = shared.Cm(cm)

    for r, row in enumerate(header_cells(table.header)):
        _row_flag(grid.rows[r], docx, "tblHeader")
        _row_flag(grid.rows[r], docx, "cantSplit")
        for c in range(width):
            _shade(grid.cell(r, c), docx, _HEADER_FILL)
        for head in row:
            cell = grid.cell(head.row, head.col)
            if head.colspan > 1 or head.rowspan > 1:
                cell = cell.merge(
                    grid.cell(head.row + head.rowspan - 1, head.col + head.colspan - 1)
                )
            cell.vertical_alignment = enum_table.WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles["Kepala Tabel"]
            paragraph.add_run(head.text)

    for i, row in enumerate(table.rows):
        grid_row = grid.rows[n_head + i]
        _row_flag(grid_row, docx, "cantSplit")
        for c in range(width):
            paragraph = grid.cell(n_head + i, c).paragraphs[0]
            paragraph.style = doc.styles["Isi Tabel"]
            column_align = table.align[c] if c < len(table.align) else "left"
            if column_align in align:
                paragraph.alignment = align[column_align]
            if c < len(row) and row[c]:
                paragraph.add_run(row[c])

    if table.notes:
        for k, note in enumerate(table.notes):
            paragraph = doc.add_paragraph(note, style="Catatan Tabel")
            if k == 0:
                paragraph.paragraph_format.space_before = shared.Pt(3)
            if k == len(table.notes) - 1:
                paragraph.paragraph_format.space_after = shared.Pt(9)
    else:
        doc.add_paragraph(style="Jarak")


def _chart(doc: Any, docx: Any, chart: Chart, page_break: bool) -> None:
    from .charts import chart_png

    shared = docx.shared
    picture = doc.add_paragraph()
    picture.alignment = docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    picture.paragraph_format.space_before = shared.Pt(6)
    picture.paragraph_format.space_after = shared.Pt(0)
    picture.paragraph_format.page_break_before = page_break
    picture.add_run().add_picture(io.BytesIO(chart_png(chart)), width=shared.Cm(TEXT_WIDTH_CM))
    caption = doc.add_paragraph(chart.caption, style="Caption")
    caption.paragraph_format.space_after = shared.Pt(12)


def build_docx(document: Document) -> Any:
    """``document`` as a python-docx ``Document`` (not yet saved)."""
    docx = require("docx")
    for module in (
        "docx.shared",
        "docx.oxml",
        "docx.oxml.ns",
        "docx.enum.text",
        "docx.enum.style",
        "docx.enum.table",
    ):
        require(module)
    doc = docx.Document()
    _styles(doc, docx)
    _page(doc, docx)
    shared = docx.shared
    center = docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER

    props = doc.core_properties
    props.title = document.title
    props.subject = document.subtitle
    props.language = _LANG
    props.author = "kinerja-rules"
    props.comments = ""

    title = doc.add_paragraph()
    title.alignment = center
    title.paragraph_format.space_after = shared.Pt(2)
    run = title.add_run(document.title)
    run.bold = True
    run.font.size = shared.Pt(14)
    run.font.color.rgb = shared.RGBColor.from_string(_NAVY)
    if document.subtitle:
        subtitle = doc.add_paragraph()
        subtitle.alignment = center
        subtitle.add_run(document.subtitle).font.size = shared.Pt(12)

    page_break = False
    for block in document.blocks:
        if isinstance(block, PageBreak):
            page_break = True
            continue
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 9)
            heading = doc.add_paragraph(block.text, style=f"Heading {level}")
            heading.paragraph_format.page_break_before = page_break
        elif isinstance(block, Paragraph):
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.page_break_before = page_break
            if block.placeholder:
                yellow = docx.enum.text.WD_COLOR_INDEX.YELLOW
                tag = paragraph.add_run(PLACEHOLDER_TAG + " ")
                tag.bold = True
                tag.font.highlight_color = yellow
                paragraph.add_run(block.text).font.highlight_color = yellow
                paragraph.paragraph_format.space_after = shared.Pt(10)
            else:
                paragraph.add_run(block.text)
                paragraph.alignment = docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY
        elif isinstance(block, Table):
            _table(doc, docx, block, page_break)
        elif isinstance(block, Chart):
            _chart(doc, docx, block, page_break)
        else:  # pragma: no cover - the model has exactly these blocks
            raise TypeError(f"unknown block {block!r}")
        page_break = False
    if page_break:  # a trailing PageBreak: an empty page follows, as asked
        doc.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    return doc


def render_docx(document: Document, path: str | os.PathLike[str]) -> None:
    """Write ``document`` to ``path`` as a .docx, atomically."""
    doc = build_docx(document)  # everything that can fail happens before the file is touched
    buffer = io.BytesIO()
    doc.save(buffer)
    write_atomically(path, buffer.getvalue())
