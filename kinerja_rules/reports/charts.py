"""Charts of a report drawn with matplotlib: inline SVG for HTML, PNG for Word.

One drawing function serves both formats, so the screen, the printout and the Word file show the
same chart. Grouped bars for ``kind="bar"`` (one group per category, one colour per series, the
value on each bar; a missing value is no bar and the label "t.d.", *tidak dapat diukur*) and lines
with markers for ``kind="line"`` (a missing value breaks the line). Labels are the document's
Indonesian texts; only the numbers on the axis and on the bars are written here, with the
Indonesian decimal comma ("82,09").

Output is deterministic (fixed SVG hash salt, no dates in the metadata, the font bundled with
matplotlib drawn as paths), so the same document gives byte-identical charts on every machine.
matplotlib is imported only when a chart is drawn (``pip install "kinerja-rules[report]"``).
"""

from __future__ import annotations

import io
import re
import sys
import textwrap
from decimal import Decimal
from typing import Any

from ..formatting import format_decimal
from .document import Chart
from .extras import require

#: Printed width of a chart: an A4 page less 2 cm margins either side (17 cm), in inches.
WIDTH_IN = 17 / 2.54
HEIGHT_IN = 3.5

#: Sober colours for series, in order: navy, steel blue, grey, muted gold, slate green.
COLOURS = ("#1F3A5F", "#7A9CC6", "#8C8C8C", "#B8962E", "#4E7A6A", "#A05A5A")

#: The label of a missing value (None): *tidak dapat diukur*.
NOT_MEASURED = "t.d."
NOT_MEASURED_NOTE = "t.d. = tidak dapat diukur"

_INK = "#222222"
_GRID = "#D9D9D9"
_RC = {
    "font.family": "DejaVu Sans",  # bundled with matplotlib: the same glyphs everywhere
    "font.size": 8.5,
    "axes.edgecolor": "#7F7F7F",
    "axes.labelcolor": _INK,
    "text.color": _INK,
    "xtick.color": _INK,
    "ytick.color": _INK,
    "svg.fonttype": "path",  # no font needed to view the SVG
    "svg.hashsalt": "kinerja-rules",  # stable clip-path ids
    "path.simplify": False,
}


def format_value(value: Decimal | None) -> str:
    """A chart value as printed on a bar or in a value table: "82,09", "1.250", "t.d."."""
    if value is None:
        return NOT_MEASURED
    return format_decimal(value, "id", group=True)


def _tick(x: float, _pos: Any = None) -> str:
    """An axis tick the Indonesian way: 0, 20, 2,5, 1.000."""
    value = Decimal(repr(round(float(x), 6))).normalize()
    if value == 0:
        value = Decimal(0)  # no "-0"
    return format_decimal(value, "id", group=True)


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _figure(chart: Chart) -> Any:
    """The matplotlib Figure of ``chart`` (no pyplot, so no global figure state)."""
    matplotlib = require("matplotlib")
    if "matplotlib.pyplot" not in sys.modules:
        # Headless: never a display. A host that already chose a backend (a notebook) keeps it;
        # the Figure API below does not use the backend anyway.
        matplotlib.use("Agg")
    figure_mod = require("matplotlib.figure")
    ticker = require("matplotlib.ticker")

    lines = require("matplotlib.lines")

    for series in chart.series:
        if len(series.values) != len(chart.categories):
            raise ValueError(
                f"Grafik {chart.number}: series {series.name!r} has {len(series.values)} values "
                f"for {len(chart.categories)} categories"
            )
    fig = figure_mod.Figure(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
    ax = fig.add_subplot()
    n_cat = len(chart.categories)
    n_series = max(len(chart.series), 1)
    positions = list(range(n_cat))
    values = [v for s in chart.series for v in s.values if v is not None]
    missing = any(v is None for s in chart.series for v in s.values)
    top = float(max(values)) if values else 1.0
    bottom = float(min(values)) if values else 0.0

    if chart.kind == "bar":
        group = 0.8
        width = group / n_series
        label_size = 7.5 if n_cat * n_series <= 12 else 6.5
        for i, series in enumerate(chart.series):
            offset = -group / 2 + width * (i + 0.5)
            xs = [p + offset for p in positions]
            heights = [float(v) if v is not None else 0.0 for v in series.values]
            bars = ax.bar(
                xs,
                heights,
                width * 0.92,
                color=COLOURS[i % len(COLOURS)],
                label=series.name,
                zorder=2,
            )
            for bar, value in zip(bars, series.values):
                if value is None:
                    bar.set_visible(False)
                    ax.annotate(
                        NOT_MEASURED,
                        (bar.get_x() + bar.get_width() / 2, 0),
                        xytext=(0, 3),
                        textcoords="offset points",
                        ha="center",
                        va="bottom",
                        fontsize=label_size,
                        fontstyle="italic",
                        color="#555555",
                    )
                    continue
                ax.annotate(
                    format_value(value),
                    (bar.get_x() + bar.get_width() / 2, float(value)),
                    xytext=(0, 2 if value >= 0 else -2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom" if value >= 0 else "top",
                    fontsize=label_size,
                )
        low = min(0.0, bottom)
        high = max(0.0, top)
        span = (high - low) or 1.0
        ax.set_ylim(low - (0.1 * span if low < 0 else 0), high + 0.14 * span)
        ax.axhline(0, color="#7F7F7F", linewidth=0.8, zorder=3)
        ax.set_xlim(-0.6, n_cat - 0.4)
    elif chart.kind == "line":
        for i, series in enumerate(chart.series):
            ys = [float(v) if v is not None else float("nan") for v in series.values]
            ax.plot(
                positions,
                ys,
                color=COLOURS[i % len(COLOURS)],
                marker="os^Dv"[i % 5],
                markersize=4.5,
                linewidth=1.8,
                label=series.name,
                zorder=3,
            )
        # Each point's value: above for the highest series at a category, below for the others,
        # so two close lines do not print their labels over each other.
        for c in range(n_cat):
            present = [
                (s.values[c], i) for i, s in enumerate(chart.series) if s.values[c] is not None
            ]
            highest = max(present)[1] if present else None
            for value, i in present:
                above = i == highest
                ax.annotate(
                    format_value(value),
                    (c, float(value)),
                    xytext=(0, 5 if above else -6),
                    textcoords="offset points",
                    ha="center",
                    va="bottom" if above else "top",
                    fontsize=7.5,
                    color=COLOURS[i % len(COLOURS)],
                )
            absent = [i for i, s in enumerate(chart.series) if s.values[c] is None]
            for k, i in enumerate(absent):
                ax.annotate(
                    NOT_MEASURED,
                    (c, 0),
                    xycoords=("data", "axes fraction"),
                    xytext=(0, 4 + 10 * k),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                    fontstyle="italic",
                    color=COLOURS[i % len(COLOURS)],
                )
        # A percentage trend starts at 0: a zoomed axis makes 50 → 49,26 look like a fall.
        if chart.unit == "%" and bottom >= 0:
            bottom = 0.0
        span = (top - bottom) or max(abs(top), 1.0)
        ax.set_ylim(
            max(bottom - 0.25 * span, 0.0) if bottom >= 0 else bottom - 0.25 * span,
            top + 0.25 * span,
        )
        ax.set_xlim(-0.4, n_cat - 0.6) if n_cat == 1 else ax.set_xlim(-0.3, n_cat - 0.7)
    else:
        raise ValueError(f"unknown chart kind {chart.kind!r} (expected 'bar' or 'line')")

    wrap = max(10, int(90 / max(n_cat, 1)))
    ax.set_xticks(positions, [_wrap(c, wrap) for c in chart.categories])
    ax.tick_params(axis="x", length=0, pad=4)
    ax.tick_params(axis="y", labelsize=8)
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(_tick))
    ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    if chart.unit:
        ax.set_ylabel(chart.unit)
    ax.grid(axis="y", color=_GRID, linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    if missing:
        handles.append(lines.Line2D([], [], linestyle="none"))
        labels.append(NOT_MEASURED_NOTE)
    if handles:
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncol=min(len(handles), 4),
            frameon=False,
            fontsize=8.5,
            handlelength=1.6,
        )
    return fig


def chart_svg(chart: Chart, id_prefix: str = "") -> str:
    """``chart`` as an SVG element to inline in HTML (no XML prolog, no external reference).

    ``id_prefix`` makes the element ids unique when several charts share one HTML page.
    """
    matplotlib = require("matplotlib")
    with matplotlib.rc_context(_RC):
        fig = _figure(chart)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    if id_prefix:
        svg = re.sub(r'\bid="([^"]+)"', rf'id="{id_prefix}\1"', svg)
        svg = re.sub(r'(href=")#([^"]+)"', rf'\1#{id_prefix}\2"', svg)
        svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{id_prefix}\1)", svg)
    return svg.strip() + "\n"


def chart_png(chart: Chart, dpi: int = 150) -> bytes:
    """``chart`` as a PNG (for Word), 17 cm wide at ``dpi``."""
    matplotlib = require("matplotlib")
    with matplotlib.rc_context(_RC):
        fig = _figure(chart)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return out.getvalue()
