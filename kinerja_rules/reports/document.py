"""A report as plain data: headings, paragraphs, numbered tables, charts and page breaks.

Bab III is assembled once (:mod:`kinerja_rules.reports.bab3`) as a :class:`Document`; each output
format (:mod:`.html`, :mod:`.markdown`, :mod:`.docx`) only decides how a block looks, so the three
formats cannot say different things. Every text is final (Indonesian, numbers already formatted
the Indonesian way); renderers never format a number themselves.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Union

import attrs


@attrs.frozen
class Heading:
    """A section title; ``level`` 1 is the chapter ("BAB III AKUNTABILITAS KINERJA")."""

    text: str
    level: int = 2


@attrs.frozen
class Paragraph:
    """Running text. ``placeholder`` marks text the unit still has to write (shown highlighted,
    never passed off as the unit's own words)."""

    text: str
    placeholder: bool = False


@attrs.frozen
class Table:
    """A numbered table: "Tabel III.4 Perbandingan Capaian Kinerja SK I dan IKK 1".

    ``header`` is one or more header rows (each a tuple of cell texts; a cell spanning several
    columns repeats its text in the following cells and the renderer may merge equal neighbours);
    ``rows`` the body; ``notes`` lines printed under the table (sources, N/A reasons, footnotes
    with derivations).
    """

    number: str
    title: str
    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    #: Per column: "left" for text, "right" for figures (renderers align accordingly).
    align: tuple[str, ...] = ()

    @property
    def caption(self) -> str:
        return f"Tabel {self.number} {self.title}"


@attrs.frozen
class Series:
    """One series of a chart: a name and one value per category (None: no value, not 0)."""

    name: str
    values: tuple[Decimal | None, ...]


@attrs.frozen
class Chart:
    """A chart a reader would rather look at than read.

    ``kind`` is "bar" (grouped bars: target vs realisasi per indicator, budget absorption per
    sasaran) or "line" (a trend over years). ``categories`` label the x axis; ``unit`` is shown
    on the y axis ("%"). ``number`` and ``title`` as for tables ("Grafik III.1 …").
    """

    number: str
    title: str
    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "%"

    @property
    def caption(self) -> str:
        return f"Grafik {self.number} {self.title}"


@attrs.frozen
class PageBreak:
    """A new page in Word and in print; nothing on screen."""


Block = Union[Heading, Paragraph, Table, Chart, PageBreak]


@attrs.frozen
class Document:
    """A titled sequence of blocks."""

    title: str
    subtitle: str
    blocks: tuple[Block, ...]

    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    def charts(self) -> tuple[Chart, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Chart))
