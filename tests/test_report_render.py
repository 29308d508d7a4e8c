"""The three report renderers on one small Document: HTML in a real browser, Word read back (and
converted by LibreOffice where installed), Markdown as text, and the charts.

Chromium is required, not optional: CI installs it (.ci/run). Only the LibreOffice conversion is
skipped when ``soffice`` is absent.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest

from kinerja_rules.reports.charts import chart_png, chart_svg, format_value
from kinerja_rules.reports.document import (
    Chart,
    Document,
    Heading,
    PageBreak,
    Paragraph,
    Series,
    Table,
)
from kinerja_rules.reports.docx import render_docx
from kinerja_rules.reports.extras import require
from kinerja_rules.reports.html import header_cells, render_html
from kinerja_rules.reports.markdown import render_markdown

from .conftest import ROOT

D = Decimal

PERJANJIAN = Table(
    "III.1",
    "Perjanjian Kinerja Tahun 2023",
    header=(("No", "Sasaran Kegiatan", "Indikator Kinerja", "Target"),),
    rows=(
        ("1", "Meningkatnya kualitas layanan | pembinaan", "Persentase layanan makanan", "80%"),
        ("2", "Meningkatnya layanan kesehatan", "Persentase gangguan mental tertangani", "100%"),
    ),
    align=("left", "left", "left", "right"),
)
PERBANDINGAN = Table(
    "III.2",
    "Perbandingan Capaian Kinerja Tahun 2022 dan 2023",
    header=(
        ("No", "Indikator Kinerja", "Tahun 2022", "Tahun 2022", "Tahun 2023", "Tahun 2023"),
        ("No", "Indikator Kinerja", "Realisasi", "Capaian", "Realisasi", "Capaian"),
    ),
    rows=(
        ("1", "Persentase layanan makanan", "95,5%", "119,38%", "100%", "125%"),
        ("2", "Persentase gangguan mental tertangani", "N/A¹", "N/A¹", "N/A²", "N/A²"),
    ),
    notes=(
        "¹ N/A: tidak ada populasi (B = 0) pada tahun 2022.",
        "² N/A: tidak ada populasi (B = 0) pada tahun 2023.",
        "Sumber: data LPKA Kelas II Pangkalpinang, diolah.",
    ),
    align=("left", "left", "right", "right", "right", "right"),
)
ANGGARAN = Table(
    "III.3",
    "Realisasi Anggaran per Sasaran Kegiatan",
    header=(("No", "Sasaran Kegiatan", "Pagu", "Realisasi", "Penyerapan"),),
    rows=(
        ("1", "Meningkatnya kualitas layanan", "Rp 5.069.030.000", "Rp 4.161.247.100", "82,09%"),
        ("", "Jumlah", "Rp 5.069.030.000", "Rp 4.161.247.100", "82,09%"),
    ),
    align=("left", "left", "right", "right", "right"),
)
BAR = Chart(
    "III.1",
    "Target dan Realisasi Indikator Kinerja Tahun 2023",
    "bar",
    categories=("Layanan makanan", "Gangguan mental tertangani", "Pembinaan kepribadian"),
    series=(
        Series("Target", (D("80"), D("100"), D("90"))),
        Series("Realisasi", (D("100"), None, D("82.09"))),
    ),
)
LINE = Chart(
    "III.2",
    "Tren Capaian Kinerja Tahun 2019–2023",
    "line",
    categories=("2019", "2020", "2021", "2022", "2023"),
    series=(
        Series("Capaian", (D("97.5"), D("101.2"), None, D("119.38"), D("125"))),
        Series("Target", (D("100"),) * 5),
    ),
)
PLACEHOLDER = "Jelaskan faktor penyebab keberhasilan & kegagalan serta langkah perbaikan."

DOC = Document(
    title="Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun 2023",
    subtitle="LPKA Kelas II Pangkalpinang",
    blocks=(
        Heading("BAB III AKUNTABILITAS KINERJA", 1),
        Heading("A. Capaian Kinerja Organisasi", 2),
        Paragraph("LPKA menetapkan 2 sasaran kegiatan dengan 5 indikator <kinerja>."),
        PERJANJIAN,
        PERBANDINGAN,
        BAR,
        PageBreak(),
        Heading("B. Realisasi Anggaran", 2),
        Paragraph(PLACEHOLDER, placeholder=True),
        ANGGARAN,
        LINE,
    ),
)

CAPTIONS = [t.caption for t in DOC.tables()]
CHART_CAPTIONS = [c.caption for c in DOC.charts()]


# --- charts -------------------------------------------------------------------------------------


def test_chart_svg_is_inline_deterministic_and_self_contained():
    svg = chart_svg(BAR)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert svg == chart_svg(BAR)  # stable ids, no date
    assert "<dc:date>" not in svg
    refs = re.findall(r'(?:href|src)="([^"]*)"', svg)
    assert refs and all(ref.startswith("#") for ref in refs)
    assert "@font-face" not in svg and "url(http" not in svg
    prefixed = chart_svg(BAR, id_prefix="g1-")
    ids = re.findall(r'\bid="([^"]+)"', prefixed)
    assert ids and all(i.startswith("g1-") for i in ids)
    assert all(r.startswith("#g1-") for r in re.findall(r'href="([^"]*)"', prefixed))


def test_chart_png_and_values():
    png = chart_png(LINE, dpi=60)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.size[0] == pytest.approx(17 / 2.54 * 60, abs=2)
    assert format_value(D("82.09")) == "82,09"
    assert format_value(D("1250")) == "1.250"
    assert format_value(None) == "t.d."
    broken = Chart("X", "x", "bar", ("a", "b"), (Series("s", (D(1),)),))
    with pytest.raises(ValueError, match="1 values for 2 categories"):
        chart_png(broken)


def test_missing_extra_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r'needs no_such_lib_xyz: pip install "kinerja-rules\['):
        require("no_such_lib_xyz")


def test_heavy_libraries_are_imported_lazily():
    code = (
        "import sys, kinerja_rules, kinerja_rules.reports.html, kinerja_rules.reports.markdown,"
        " kinerja_rules.reports.docx, kinerja_rules.reports.charts;"
        "print(sorted(m for m in ('matplotlib', 'docx', 'PIL') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_header_cells_merge_equal_neighbours():
    rows = header_cells(PERBANDINGAN.header)
    assert [(c.text, c.colspan, c.rowspan) for c in rows[0]] == [
        ("No", 1, 2),
        ("Indikator Kinerja", 1, 2),
        ("Tahun 2022", 2, 1),
        ("Tahun 2023", 2, 1),
    ]
    assert [c.text for c in rows[1]] == ["Realisasi", "Capaian", "Realisasi", "Capaian"]
    # Equal texts under different parents stay apart.
    split = header_cells((("A", "A", "B"), ("x", "x", "x")))
    assert [(c.text, c.colspan) for c in split[1]] == [("x", 2), ("x", 1)]


# --- HTML in a real browser ---------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]
#: What a page that loads nothing and runs nothing must never log.
CONSOLE_TROUBLE = re.compile(
    r"CONSOLE|Uncaught|Refused to|violates the following Content Security Policy"
    r"|net::ERR_|Failed to load|Not allowed to load",
    flags=re.I,
)


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
    assert found, "chromium is required (CI installs it: apt-get install chromium)"
    return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """The HTML report as Chromium built it: DOM, screenshot, print PDF and its logs."""
    work = tmp_path_factory.mktemp("html")
    page = work / "laporan.html"
    page.write_text(render_html(DOC), encoding="utf-8")
    url = page.as_uri()
    runs = {
        "dom": ["--dump-dom"],
        "shot": ["--window-size=1100,2400", f"--screenshot={work / 'shot.png'}"],
        "pdf": ["--no-pdf-header-footer", f"--print-to-pdf={work / 'print.pdf'}"],
    }
    procs = {
        name: subprocess.Popen(
            [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={work / ('profile-' + name)}"]
            + args
            + [url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in runs.items()
    }
    results = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=90)
        results[name] = (proc.returncode, out, err)
    return work, page, results


def test_html_is_self_contained_and_escaped():
    text = render_html(DOC)
    assert text.startswith("<!DOCTYPE html>") and '<html lang="id">' in text
    assert "default-src 'none'" in text  # a CSP: nothing can be loaded even by mistake
    assert all(ref.startswith("#") for ref in re.findall(r'(?:href|src)="([^"]*)"', text))
    assert "<link" not in text and "<script" not in text and "@import" not in text
    assert "&lt;kinerja&gt;" in text and "<kinerja>" not in text
    assert "keberhasilan &amp; kegagalan" in text
    assert "@page" in text and "size: A4" in text and "margin: 2cm" in text
    assert "break-before: page" in text
    # Unique ids even with two charts on the page.
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))


def test_html_in_chromium_builds_every_table_and_chart(browser):
    _, _, results = browser
    code, dom, err = results["dom"]
    assert code == 0, err
    assert dom.count("<table") == 3 and dom.count("<thead>") == 3
    for caption in CAPTIONS:
        assert f"<caption>{caption}</caption>" in dom
    assert dom.count("<svg") == 2
    for caption in CHART_CAPTIONS:
        assert f"<figcaption>{caption}</figcaption>" in dom
    # Caption below the chart, as Indonesian reports do.
    assert dom.index("</svg>") < dom.index(f"<figcaption>{CHART_CAPTIONS[0]}")
    for text in ("N/A¹", "N/A²", "119,38%", "Rp 4.161.247.100", "² N/A: tidak ada populasi"):
        assert text in dom
    assert 'colspan="2"' in dom and 'rowspan="2"' in dom
    assert 'class="placeholder"' in dom and "[diisi satker]" in dom
    assert dom.count('class="r"') >= 10  # figures right-aligned
    toc = dom[dom.index('<nav class="toc"') : dom.index("</nav>")]
    assert "A. Capaian Kinerja Organisasi" in toc and "B. Realisasi Anggaran" in toc
    assert "BAB III" not in toc


def test_html_in_chromium_logs_no_error(browser):
    _, _, results = browser
    for name, (code, _, err) in results.items():
        assert code == 0, (name, err)
        trouble = [line for line in err.splitlines() if CONSOLE_TROUBLE.search(line)]
        assert not trouble, (name, trouble)


def test_html_screenshot_is_not_blank_and_shows_chart_and_placeholder(browser):
    from PIL import Image

    work, _, results = browser
    assert results["shot"][0] == 0, results["shot"][2]
    image = Image.open(work / "shot.png").convert("RGB")
    assert image.size == (1100, 2400)
    small = image.resize((275, 600))
    raw = small.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    not_white = sum(1 for p in pixels if min(p) < 235)
    assert not_white > len(pixels) * 0.05
    # The chart's navy bars and the placeholder's yellow are on screen.
    navy = sum(1 for r, g, b in pixels if r < 60 and 45 < g < 75 and 80 < b < 110)
    yellow = sum(1 for r, g, b in pixels if r > 240 and 225 < g < 250 and b < 190)
    assert navy > 50
    assert yellow > 20


def test_html_prints_on_a4_with_the_page_break(browser):
    work, _, results = browser
    assert results["pdf"][0] == 0, results["pdf"][2]
    pdf = (work / "print.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2  # the PageBreak starts page 2
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert sizes and all(
        abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in sizes
    )


# --- Word ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "laporan.docx"
    render_docx(DOC, path)
    return path


def test_docx_reads_back(word):
    import docx
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = docx.Document(str(word))
    assert len(doc.tables) == 3
    first, second, third = doc.tables
    assert [c.text for c in first.rows[0].cells] == list(PERJANJIAN.header[0])
    assert [c.text for c in second.rows[0].cells] == list(PERBANDINGAN.header[0])  # merged
    assert [c.text for c in second.rows[1].cells] == list(PERBANDINGAN.header[1])
    assert [c.text for c in second.rows[3].cells] == list(PERBANDINGAN.rows[1])
    assert [c.text for c in third.rows[2].cells][1:] == list(ANGGARAN.rows[1])[1:]
    for table, n_head in ((first, 1), (second, 2), (third, 1)):
        assert table.style.name == "Table Grid"
        flags = [
            row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
            for row in table.rows
        ]
        assert flags == [True] * n_head + [False] * (len(table.rows) - n_head)
    assert len(doc.inline_shapes) == 2
    assert all(abs(s.width - Cm(17)) < Cm(0.05) for s in doc.inline_shapes)

    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == [CAPTIONS[0], CAPTIONS[1], CHART_CAPTIONS[0], CAPTIONS[2], CHART_CAPTIONS[1]]
    body = doc.element.body
    order = [el.tag.rsplit("}", 1)[1] for el in body]
    # Each table's caption is right before it, each chart's right after its picture.
    paragraphs = {id(p._p): p for p in doc.paragraphs}
    for table in doc.tables:
        before = table._tbl.getprevious()
        assert paragraphs[id(before)].text in CAPTIONS
    assert order.count("tbl") == 3

    notes = [p.text for p in doc.paragraphs if p.style.name == "Catatan Tabel"]
    assert notes == list(PERBANDINGAN.notes)
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Head")]
    assert headings == [
        ("Heading 1", "BAB III AKUNTABILITAS KINERJA"),
        ("Heading 2", "A. Capaian Kinerja Organisasi"),
        ("Heading 2", "B. Realisasi Anggaran"),
    ]
    after_break = next(p for p in doc.paragraphs if p.text == "B. Realisasi Anggaran")
    assert after_break.paragraph_format.page_break_before is True
    [placeholder] = [p for p in doc.paragraphs if "[diisi satker]" in p.text]
    assert PLACEHOLDER in placeholder.text
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in placeholder.runs)

    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert all(
        abs(getattr(section, m) - Cm(2)) < Cm(0.01)
        for m in ("top_margin", "bottom_margin", "left_margin", "right_margin")
    )
    assert doc.styles["Normal"].font.name == "Arial"
    assert doc.styles["Normal"].font.size.pt == 11
    assert doc.styles["Isi Tabel"].font.size.pt == 9


def test_docx_is_written_atomically(tmp_path, monkeypatch):
    import docx.document

    target = tmp_path / "laporan.docx"
    target.write_bytes(b"the previous report")

    def broken_save(self, stream):
        stream.write(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        render_docx(DOC, target)
    assert target.read_bytes() == b"the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.docx"]
    monkeypatch.undo()
    render_docx(DOC, str(target))
    assert target.read_bytes().startswith(b"PK")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.docx"]


def test_docx_converts_to_pdf_with_libreoffice(word, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(word),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "laporan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown():
    text = render_markdown(DOC)
    assert text.startswith("# Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun 2023\n")
    assert "\n# BAB III AKUNTABILITAS KINERJA\n" in text
    assert "\n## B. Realisasi Anggaran\n" in text
    for caption in CAPTIONS + CHART_CAPTIONS:
        assert f"\n**{caption}**\n" in text
    assert (
        "| No | Sasaran Kegiatan | Indikator Kinerja | Target |\n| :--- | :--- | :--- | ---: |"
        in text
    )
    assert (
        "| 1 | Meningkatnya kualitas layanan \\| pembinaan | Persentase layanan makanan | 80% |"
        in text
    )
    assert (
        "| No | Indikator Kinerja | Tahun 2022 – Realisasi | Tahun 2022 – Capaian"
        " | Tahun 2023 – Realisasi | Tahun 2023 – Capaian |"
    ) in text
    assert "| 2 | Persentase gangguan mental tertangani | N/A¹ | N/A¹ | N/A² | N/A² |" in text
    assert "¹ N/A: tidak ada populasi (B = 0) pada tahun 2022.\\\n" in text
    assert f"\n> **[diisi satker]** {PLACEHOLDER}\n" in text
    assert "| Gangguan mental tertangani | 100 | t.d. |" in text
    assert "| Pembinaan kepribadian | 90 | 82,09 |" in text
    assert "| 2021 | t.d. | 100 |" in text
    assert "|  | Target (%) | Realisasi (%) |" in text
    assert "\\<kinerja\\>" in text
    assert "<!-- halaman baru -->" in text
    # Every table line has as many cells as its header (escaped pipes do not split).
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("| ")]
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) <= 1, block


def test_ci_installs_chromium_before_the_readme_command():
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert any("apt-get install" in line and "chromium" in line for line in run)
    assert "pytest" in run[-1]
