"""Bab III of the LKjIP — *Akuntabilitas Kinerja* — assembled from the engine's figures.

Both seed reports, and the ministry's format, follow one pattern for every indicator: (1) target
against realisasi this year; (2) the comparison with earlier years; (3) the comparison with the
Renstra targets, this year's and the end of the period; (4) a national standard, where there is
one; (5) the causes of success or failure; (6) the programmes that supported it. Then the
efficiency of the resources used, the budget realisation (B) and the budget scores (C).

Every figure here comes from an evaluation (this year's with this year's catalogue, each
previous year's with its own) or from the budget recomputation; nothing is typed twice, which is
how the seeds came to print figures their own arithmetic does not give. The unit's narrative
(parts 5 and 6) comes from its data file; where it is missing the report says so, visibly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..budget.report import BudgetReport
from ..data import UnitData, check_previous
from ..decimals import round_shown
from ..evaluation import NotApplicableRule, evaluate
from ..formatting import format_decimal, format_percent, format_quantity, format_rupiah
from ..model import Catalogue, Indicator, Polarity
from ..periods import slot_of
from ..plausibility import Review
from ..render import format_target
from ..results import Figure, IndicatorResult, Report, Status
from .document import Block, Chart, Document, Heading, PageBreak, Paragraph, Series, Table

PLACEHOLDER = "[diisi satker]"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@attrs.frozen
class Bab3Input:
    """What Bab III is made of: this year's report, earlier years' reports (each computed with
    its own year's catalogue) and, optionally, the budget chapter."""

    current: Report
    previous: tuple[Report, ...] = ()
    budget: BudgetReport | None = None
    #: The plausibility review of this year's data (the review annex); None: not reviewed.
    review: Review | None = None


def build_bab3(source: Bab3Input, not_applicable: NotApplicableRule) -> Document:
    """The chapter as a :class:`Document`, ready for any renderer."""
    builder = _Builder(source, not_applicable)
    return builder.document()


class _Builder:
    def __init__(self, source: Bab3Input, not_applicable: NotApplicableRule):
        self.source = source
        self.report = source.current
        self.catalogue = source.current.catalogue
        self.years = sorted([r.data.year for r in source.previous] + [self.report.data.year])
        self.by_year = {r.data.year: r for r in (*source.previous, source.current)}
        self.not_applicable = not_applicable
        self.table_number = 0
        self.chart_number = 0
        self.blocks: list[Block] = []

    # -- numbering ------------------------------------------------------------------------

    def table(self, title: str, header, rows, notes=(), align=()) -> None:
        self.table_number += 1
        self.blocks.append(
            Table(
                f"III.{self.table_number}",
                title,
                tuple(tuple(row) for row in header),
                tuple(tuple(row) for row in rows),
                tuple(notes),
                tuple(align),
            )
        )

    def chart(self, title: str, kind: str, categories, series, unit: str = "%") -> None:
        self.chart_number += 1
        self.blocks.append(
            Chart(f"III.{self.chart_number}", title, kind, tuple(categories), tuple(series), unit)
        )

    # -- the chapter ----------------------------------------------------------------------

    def document(self) -> Document:
        data = self.report.data
        self.blocks.append(Heading("BAB III AKUNTABILITAS KINERJA", 1))
        self.blocks.append(Heading("A. Capaian Kinerja Organisasi", 2))
        self.blocks.append(Paragraph(self.method_text()))
        self.sasaran_tables()
        for number, sasaran in enumerate(self.catalogue.sasaran, start=1):
            self.blocks.append(PageBreak())
            self.sasaran_section(number, sasaran)
        self.blocks.append(PageBreak())
        self.efficiency()
        if self.source.budget is not None:
            self.blocks.append(PageBreak())
            self.budget_sections(self.source.budget)
        review = self.source.review
        if review is not None and (review.findings or review.checked or review.short):
            self.blocks.append(PageBreak())
            self.review_annex(review)
        return Document(
            f"Laporan Kinerja (LKjIP) {data.unit} Tahun {data.year}",
            f"Bab III Akuntabilitas Kinerja — {self.catalogue.title}",
            tuple(self.blocks),
        )

    def review_annex(self, review: Review) -> None:
        """Lampiran: the values that look wrong against their history, for the unit to check
        before the report is signed (kinerja_rules.plausibility)."""
        self.blocks.append(Heading("Lampiran: Catatan Pemeriksaan Kewajaran Data", 2))
        judged = (
            f"{review.checked} nilai diperiksa terhadap riwayat satker sendiri (periode "
            "sebelumnya dan periode yang sama tahun-tahun sebelumnya)"
        )
        if review.short:
            judged += (
                f"; {review.short} nilai belum dapat dinilai karena riwayatnya kurang dari "
                f"{review.min_history} titik"
            )
        if not review.findings:
            self.blocks.append(Paragraph(f"Tidak ada nilai yang tampak janggal: {judged}."))
            return
        self.blocks.append(
            Paragraph(
                f"{len(review.findings)} nilai tampak janggal dan perlu diperiksa kembali "
                f"sebelum laporan ditandatangani ({judged}). Angka tetap dihitung apa adanya; "
                "bila nilainya benar, cantumkan penjelasannya pada catatan data."
            )
        )
        rows = []
        names = {i.id: i.name for i in self.catalogue.indicators}
        ordered = sorted(review.findings, key=lambda f: (slot_of(f.period), f.indicator))
        for number, finding in enumerate(ordered, start=1):
            period = (
                f"{finding.period.label('id')} {finding.year}"
                if finding.period
                else f"Tahun {finding.year}"
            )
            rows.append(
                (
                    f"{number}.",
                    period,
                    names.get(finding.indicator, "semua indikator"),
                    {"*": "semua masukan", "value": "realisasi"}.get(finding.input, finding.input),
                    _screening(finding.value) if finding.input != "*" else "–",
                    _expected(finding.expected),
                    REVIEW_RULES[finding.code],
                )
            )
        self.table(
            f"Catatan Kewajaran Data {self.report.data.unit} Tahun {self.report.data.year}",
            [("No", "Periode", "Indikator", "Masukan", "Nilai", "Rentang wajar", "Catatan")],
            rows,
            align=("right", "left", "left", "left", "right", "right", "left"),
        )

    def method_text(self) -> str:
        policy = self.catalogue.policy
        decimals = policy.decimals
        return (
            f"Pengukuran capaian kinerja {self.report.data.unit} dilakukan dengan membandingkan "
            "realisasi dengan target setiap indikator kinerja pada masing-masing sasaran. Capaian "
            "= realisasi / target × 100% (untuk indikator yang makin kecil makin baik: "
            "(2 × target − realisasi) / target × 100%). Capaian sasaran adalah rata-rata "
            "tertimbang capaian indikator yang dapat diukur; indikator yang tidak dapat diukur "
            "dicantumkan dengan alasannya dan tidak dihitung sebagai 0%. Angka ditampilkan "
            f"dengan {decimals} desimal, dibulatkan setengah ke atas, dari nilai tepat."
        )

    def sasaran_tables(self) -> None:
        report = self.report
        rows = []
        for number, item in enumerate(report.sasaran, start=1):
            rows.append(
                (
                    f"{number}.",
                    item.sasaran.name,
                    str(item.total),
                    str(item.measured),
                    _percent(item.capaian),
                    item.category or item.status.value,
                )
            )
        self.table(
            f"Capaian Sasaran Kegiatan Tahun {report.data.year} {report.data.unit}",
            [("No", "Sasaran Kegiatan", "Jumlah Indikator", "Terukur", "Capaian", "Keterangan")],
            rows,
            align=("left", "left", "right", "right", "right", "left"),
        )
        rows = []
        notes = []
        previous_sasaran = None
        for number, result in enumerate(report.indicators, start=1):
            sasaran = result.indicator.sasaran
            name = self.sasaran_name(sasaran) if sasaran != previous_sasaran else ""
            previous_sasaran = sasaran
            rows.append(
                (
                    str(number),
                    name,
                    result.indicator.name,
                    format_target(result.target, result.indicator.unit, "id"),
                    _quantity(result.realisasi, result.indicator.unit),
                    _percent(result.capaian),
                    _status(result),
                )
            )
            if result.na_reason:
                notes.append(
                    f"{number}. {result.indicator.name}: tidak dapat diukur — {result.na_reason}."
                )
        overall = _percent(report.overall)
        label = (
            "Nilai rata-rata tertimbang seluruh sasaran"
            if self.catalogue.policy.overall == "sasaran"
            else "Nilai rata-rata seluruh indikator terukur"
        )
        rows.append(("", label, "", "", "", overall, ""))
        self.table(
            f"Capaian Sasaran Kinerja dan Indikator Kinerja Tahun {report.data.year}",
            [("No", "Sasaran", "Indikator Kinerja", "Target", "Realisasi", "Capaian", "Status")],
            rows,
            notes,
            ("left", "left", "left", "right", "right", "right", "left"),
        )
        percent = [r for r in report.indicators if r.indicator.is_percentage]
        if percent:
            self.chart(
                f"Target dan Realisasi Indikator Kinerja (%) Tahun {report.data.year} "
                f"(I.1 = Sasaran I, {percent[0].indicator.level} 1)",
                "bar",
                [self.short_name(r.indicator) for r in percent],
                [
                    Series("Target", tuple(r.target.value if r.target else None for r in percent)),
                    Series(
                        "Realisasi",
                        tuple(r.realisasi.shown if r.realisasi else None for r in percent),
                    ),
                ],
            )

    def sasaran_name(self, sasaran_id: str) -> str:
        return next(s.name for s in self.catalogue.sasaran if s.id == sasaran_id)

    def short_name(self, indicator: Indicator) -> str:
        """ "I.3" labels for charts (sasaran I, its third indicator): short enough for twenty."""
        sasaran_number = [s.id for s in self.catalogue.sasaran].index(indicator.sasaran) + 1
        own = self.catalogue.indicators_of(indicator.sasaran)
        return f"{ROMAN[sasaran_number - 1]}.{own.index(indicator) + 1}"

    # -- one sasaran, one indicator -------------------------------------------------------

    def sasaran_section(self, number: int, sasaran) -> None:
        roman = ROMAN[number - 1] if number <= len(ROMAN) else str(number)
        self.blocks.append(Heading(f"Sasaran Kegiatan {roman}: {sasaran.name}", 2))
        own = [r for r in self.report.indicators if r.indicator.sasaran == sasaran.id]
        result = next(s for s in self.report.sasaran if s.sasaran.id == sasaran.id)
        names = "; ".join(
            f"{r.indicator.name} (target {format_target(r.target, r.indicator.unit, 'id')})"
            for r in own
        )
        self.blocks.append(
            Paragraph(
                f"Sasaran ini diukur dengan {len(own)} indikator: {names}. Capaian sasaran: "
                f"{_percent(result.capaian)} ({result.category or result.status.value})."
            )
        )
        for position, indicator_result in enumerate(own, start=1):
            self.indicator_section(roman, position, indicator_result)

    def indicator_section(self, roman: str, position: int, result: IndicatorResult) -> None:
        indicator = result.indicator
        label = f"SK {roman} dan {indicator.level} {position}"
        year = self.report.data.year
        self.blocks.append(Heading(f"{indicator.level} {position}: {indicator.name}", 3))
        # (1) target against realisasi this year
        self.blocks.append(Heading(f"1. Perbandingan Target dan Realisasi Kinerja Tahun {year}", 4))
        self.table(
            f"Capaian Target dan Realisasi {label}",
            [("Indikator Kinerja", f"Target {year}", f"Realisasi {year}", "Capaian", "Status")],
            [
                (
                    indicator.name,
                    format_target(result.target, indicator.unit, "id"),
                    _quantity(result.realisasi, indicator.unit),
                    _percent(result.capaian),
                    _status(result),
                )
            ],
            _derivation_notes(result),
            ("left", "right", "right", "right", "left"),
        )
        # (2) earlier years
        self.blocks.append(
            Heading(
                f"2. Perbandingan Realisasi dan Capaian Kinerja Tahun {year} dengan "
                "Tahun Sebelumnya",
                4,
            )
        )
        if len(self.years) == 1:
            self.blocks.append(
                Paragraph(
                    "Data tahun sebelumnya tidak disertakan (kinerja-rules report --previous "
                    f"DATA): {PLACEHOLDER}",
                    placeholder=True,
                )
            )
        else:
            header_years = []
            for y in self.years:
                header_years += [f"Tahun {y}"] * 3
            cells = []
            notes = []
            trend_realisasi, trend_target = [], []
            for y in self.years:
                past = self.result_in(y, indicator.id)
                if past is None:
                    cells += ["-", "-", "-"]
                    notes.append(f"Tahun {y}: belum menjadi indikator kinerja.")
                    trend_realisasi.append(None)
                    trend_target.append(None)
                    continue
                cells += [
                    format_target(past.target, indicator.unit, "id"),
                    _quantity(past.realisasi, indicator.unit),
                    _percent(past.capaian),
                ]
                if past.na_reason:
                    notes.append(f"Tahun {y}: tidak dapat diukur — {past.na_reason}.")
                trend_realisasi.append(past.realisasi.shown if past.realisasi else None)
                trend_target.append(past.target.value if past.target else None)
            self.table(
                f"Perbandingan Capaian Kinerja {label}",
                [
                    ("Indikator Kinerja", *header_years),
                    ("", *(["Target", "Realisasi", "Capaian"] * len(self.years))),
                ],
                [(indicator.name, *cells)],
                notes,
                ("left", *(["right"] * 3 * len(self.years))),
            )
            if sum(v is not None for v in trend_realisasi) >= 2:
                self.chart(
                    f"Tren Realisasi {label} Tahun {self.years[0]}–{self.years[-1]}",
                    "line",
                    [str(y) for y in self.years],
                    [
                        Series("Target", tuple(trend_target)),
                        Series("Realisasi", tuple(trend_realisasi)),
                    ],
                    unit=indicator.unit,
                )
        # (3) the Renstra
        self.blocks.append(
            Heading(
                "3. Perbandingan Realisasi Kinerja dengan Target Jangka Menengah dalam Renstra", 4
            )
        )
        self.renstra_table(label, result)
        # (4) a national standard
        self.blocks.append(
            Heading("4. Perbandingan Realisasi Kinerja Tahun Ini dengan Standar Nasional", 4)
        )
        self.blocks.append(Paragraph(self.national_standard_text(result)))
        # (5) and (6): the unit's own words
        entry = self.report.data.entries.get(indicator.id)
        narrative = entry.narrative if entry is not None else {}
        achieved = result.status is Status.TERCAPAI
        self.blocks.append(
            Heading(
                "5. Penyebab Keberhasilan" if achieved else "5. Penyebab Kegagalan atau Hambatan", 4
            )
        )
        self.narrative(narrative.get("causes"), "penyebab keberhasilan atau kegagalan", "causes")
        self.blocks.append(Heading("6. Program dan Kegiatan yang Menunjang", 4))
        self.narrative(narrative.get("programmes"), "program/kegiatan yang menunjang", "programmes")

    def narrative(self, text: str | None, what: str, key: str) -> None:
        if text:
            self.blocks.append(Paragraph(text))
        else:
            self.blocks.append(
                Paragraph(
                    f'{PLACEHOLDER} Uraikan {what} (tulis di berkas data: {key} = "…").',
                    placeholder=True,
                )
            )

    def result_in(self, year: int, indicator_id: str) -> IndicatorResult | None:
        report = self.by_year.get(year)
        if report is None or report.catalogue.indicator(indicator_id) is None:
            return None
        return report.indicator(indicator_id)

    def renstra_table(self, label: str, result: IndicatorResult) -> None:
        indicator = result.indicator
        period = self.catalogue.renstra_period
        years = list(range(period[0], period[1] + 1)) if period else sorted(indicator.renstra)
        if not years:
            self.blocks.append(Paragraph("Indikator ini tidak memiliki target Renstra."))
            return
        targets = [
            format_target(indicator.renstra.get(y), indicator.unit, "id")
            if y in indicator.renstra
            else "-"
            for y in years
        ]
        realised = []
        for y in years:
            past = self.result_in(y, indicator.id)
            realised.append(_quantity(past.realisasi, indicator.unit) if past else "-")
        end_year = max(indicator.renstra) if indicator.renstra else None
        notes = []
        if end_year is not None:
            end = self.capaian_against(result, indicator.renstra[end_year])
            end_target = format_target(indicator.renstra[end_year], indicator.unit, "id")
            notes.append(
                f"Capaian realisasi {self.report.data.year} terhadap target akhir Renstra "
                f"({end_year}, {end_target}): "
                f"{_percent(end) if end is not None else 'tidak dapat diukur'}."
            )
        self.table(
            f"Target Jangka Menengah {label}",
            [("Uraian", *(str(y) for y in years))],
            [("Target Renstra", *targets), ("Realisasi", *realised)],
            notes,
            ("left", *(["right"] * len(years))),
        )

    def capaian_against(self, result: IndicatorResult, target) -> Figure | None:
        """Capaian of this year's realisasi against another target (the end of the Renstra), by
        the indicator's own rule: the same evaluation with that target."""
        indicator = attrs.evolve(result.indicator, target=target)
        catalogue = attrs.evolve(
            self.catalogue, indicators=(indicator,), sasaran=self.catalogue.sasaran
        )
        entry = self.report.data.entries.get(indicator.id)
        if entry is None or indicator.uses:
            return None
        data = attrs.evolve(self.report.data, entries={indicator.id: entry})
        return evaluate(catalogue, data, self.not_applicable).indicator(indicator.id).capaian

    def national_standard_text(self, result: IndicatorResult) -> str:
        indicator = result.indicator
        standard = indicator.national_standard
        if standard is None:
            return (
                f"Tidak ada standar nasional untuk indikator ini: {indicator.name} diukur oleh "
                "Kementerian sendiri, sehingga tidak ada pembanding nasional."
            )
        source = (
            f" ({indicator.national_standard_source})" if indicator.national_standard_source else ""
        )
        shown = format_target(standard, indicator.unit, "id")
        if result.realisasi is None:
            return f"Standar nasional{source}: {shown}; realisasi tahun ini tidak dapat diukur."
        value = result.realisasi.shown
        better = (
            value >= standard.value
            if indicator.polarity is Polarity.HIGHER
            else value <= standard.value
        )
        verdict = "memenuhi" if better else "belum memenuhi"
        return (
            f"Standar nasional{source}: {shown}. Realisasi tahun ini "
            f"{_quantity(result.realisasi, indicator.unit)} {verdict} standar tersebut."
        )

    # -- resources ------------------------------------------------------------------------

    def efficiency(self) -> None:
        self.blocks.append(Heading("Efisiensi Penggunaan Sumber Daya", 2))
        with_budget = [r for r in self.report.indicators if r.anggaran is not None]
        self.blocks.append(
            Paragraph(
                "Efisiensi dinilai per indikator yang memiliki anggaran dalam Perjanjian Kinerja: "
                "capaian kinerja dibandingkan dengan penyerapan anggaran (realisasi anggaran / "
                "pagu × 100%). Selisih = capaian − serapan; indikator efisien bila capaiannya "
                "tidak lebih rendah daripada serapan anggarannya."
            )
        )
        if not with_budget:
            self.blocks.append(
                Paragraph("Perjanjian Kinerja tidak mencantumkan anggaran per indikator.")
            )
            return
        rows = []
        for result in with_budget:
            anggaran = result.anggaran
            persen = anggaran.persen
            capaian = result.capaian.exact if result.capaian else None
            gap = capaian - persen if capaian is not None and persen is not None else None
            rows.append(
                (
                    result.indicator.name,
                    _percent(result.capaian),
                    format_rupiah(anggaran.pagu),
                    format_rupiah(anggaran.realisasi) if anggaran.realisasi is not None else "—",
                    _plain_percent(persen),
                    _plain_percent(gap, signed=True),
                    "efisien"
                    if gap is not None and gap >= 0
                    else ("—" if gap is None else "tidak efisien"),
                )
            )
        self.table(
            f"Efisiensi Penggunaan Anggaran per Indikator Tahun {self.report.data.year}",
            [
                (
                    "Indikator Kinerja",
                    "Capaian",
                    "Pagu",
                    "Realisasi Anggaran",
                    "Serapan",
                    "Selisih",
                    "Keterangan",
                )
            ],
            rows,
            align=("left", "right", "right", "right", "right", "right", "left"),
        )

    def budget_sections(self, budget: BudgetReport) -> None:
        tables = budget.tables
        self.blocks.append(Heading("B. Realisasi Anggaran", 2))
        if tables.rows:
            rows = [
                (
                    line.key,
                    line.name,
                    format_decimal(line.pagu, "id", group=True),
                    format_decimal(line.realisasi, "id", group=True),
                    format_decimal(line.sisa, "id", group=True),
                    _budget_percent(budget, line.persen),
                )
                for line in tables.rows
            ]
            if tables.total is not None:
                total = tables.total
                rows.append(
                    (
                        "",
                        "JUMLAH",
                        format_decimal(total.pagu, "id", group=True),
                        format_decimal(total.realisasi, "id", group=True),
                        format_decimal(total.sisa, "id", group=True),
                        _budget_percent(budget, total.persen),
                    )
                )
            self.table(
                f"Realisasi Anggaran Tahun {budget.budget.year}",
                [("Kode", "Uraian", "Pagu (Rp)", "Realisasi (Rp)", "Sisa (Rp)", "%")],
                rows,
                align=("left", "left", "right", "right", "right", "right"),
            )
        if tables.sasaran:
            rows = [
                (
                    f"{line.key}. {budget.sasaran_names.get(line.key, line.name)}",
                    format_decimal(line.pagu, "id", group=True),
                    format_decimal(line.realisasi, "id", group=True),
                    _budget_percent(budget, line.persen),
                )
                for line in tables.sasaran
            ]
            self.table(
                f"Realisasi Anggaran per Sasaran Tahun {budget.budget.year}",
                [("Sasaran", "Pagu (Rp)", "Realisasi (Rp)", "Serapan")],
                rows,
                align=("left", "right", "right", "right"),
            )
            self.chart(
                f"Penyerapan Anggaran per Sasaran Tahun {budget.budget.year}",
                "bar",
                [line.key for line in tables.sasaran],
                [
                    Series(
                        "Serapan",
                        tuple(
                            budget.shown(line.persen) if line.persen is not None else None
                            for line in tables.sasaran
                        ),
                    )
                ],
            )
        if budget.changes:
            year = budget.budget.year
            rows = [
                (
                    change.key,
                    _budget_percent(budget, change.previous.persen),
                    _budget_percent(budget, change.current.persen),
                    (format_decimal(change.points, "id") if change.points is not None else "—"),
                )
                for change in budget.changes
            ]
            self.table(
                f"Realisasi Anggaran per Jenis Belanja {year - 1} dan {year}",
                [("Jenis Belanja", f"Serapan {year - 1}", f"Serapan {year}", "Perubahan (poin)")],
                rows,
                align=("left", "right", "right", "right"),
            )
        self.blocks.append(Heading("C. Capaian Kinerja Anggaran", 2))
        if budget.scores:
            rows = []
            for score in budget.scores:
                computed = score.computed.shown if score.computed is not None else None
                reported = score.reported.shown if score.reported is not None else None
                rows.append(
                    (
                        score.score.name,
                        format_decimal(computed, "id") if computed is not None else "—",
                        format_decimal(reported, "id") if reported is not None else "—",
                        score.band or "",
                    )
                )
            self.table(
                f"Nilai Kinerja Anggaran Tahun {budget.budget.year}",
                [("Nilai", "Dihitung", "Dilaporkan", "Kategori")],
                rows,
                align=("left", "right", "right", "left"),
            )
        else:
            self.blocks.append(Paragraph("Berkas anggaran tidak memuat nilai kinerja anggaran."))
        if budget.findings:
            self.blocks.append(Heading("Temuan atas Angka Anggaran yang Dicetak", 3))
            for finding in budget.findings:
                self.blocks.append(Paragraph(f"{finding.code}: {finding.message}"))


def _percent(figure: Figure | None) -> str:
    """``82,09%``; a whole figure without its zero decimals (``100%``), as the reports print."""
    if figure is None:
        return "—"
    shown = figure.shown
    if shown == shown.to_integral_value():
        shown = shown.to_integral_value()
    return format_percent(shown, "id")


def _quantity(figure: Figure | None, unit: str) -> str:
    if figure is None:
        return "—"
    if unit == "%":
        return _percent(figure)
    return format_quantity(figure.shown, unit, "id")


def _status(result: IndicatorResult) -> str:
    """The status cell; the reason of an N/A goes in the table's notes, not the narrow cell."""
    if result.status is Status.TIDAK_DAPAT_DIUKUR:
        return "tidak dapat diukur"
    return result.category or result.status.value


def _plain_percent(value, signed: bool = False) -> str:
    if value is None:
        return "—"
    shown = round_shown(value, 2, "half_up")
    text = format_percent(shown, "id")
    return ("+" + text) if signed and shown > 0 else text


def _budget_percent(budget: BudgetReport, value) -> str:
    return format_percent(budget.shown(value), "id") if value is not None else "—"


def _derivation_notes(result: IndicatorResult) -> list[str]:
    lines = result.derivation.lines("id")
    notes = [f"Perhitungan: {line}" for line in lines]
    if result.na_reason:
        notes.append(f"Tidak dapat diukur: {result.na_reason}.")
    return notes


#: The plausibility rules in the report's words.
REVIEW_RULES = {
    "KR901": "tidak wajar terhadap riwayat satker sendiri",
    "KR902": "berubah terlalu jauh dari periode yang sama tahun-tahun sebelumnya",
    "KR903": "di luar rentang yang ditetapkan katalog",
    "KR904": "di luar rentang tahun-tahun sebelumnya",
    "KR905": "stok berubah melebihi arus masuk dan keluarnya",
    "KR906": "berubah melebihi batas dalam tahun berjalan",
    "KR907": "periode sama persis dengan tahun sebelumnya (tersalin?)",
    "KR908": "stok dijumlahkan, bukan nilai periode terakhir",
    "KR909": "tidak wajar dibanding satker sejenis",
}


def _screening(value: float | None) -> str:
    if value is None:
        return "–"
    return format_decimal(Decimal(repr(round(value, 2))).normalize(), "id", group=True)


def _expected(expected) -> str:
    if expected is None:
        return "–"
    low, high = expected
    if low is None:
        return f"≤ {_screening(high)}"
    if high is None:
        return f"≥ {_screening(low)}"
    return f"{_screening(low)} – {_screening(high)}"


def previous_reports(
    previous: Sequence[UnitData],
    catalogues,
    not_applicable: NotApplicableRule,
    current: UnitData | None = None,
) -> tuple[Report, ...]:
    """Each earlier year evaluated with its own year's catalogue (checked by
    :func:`~kinerja_rules.data.check_previous`)."""
    check_previous(previous, current)
    reports = []
    for data in previous:
        catalogue: Catalogue | None = catalogues.get(data.unit_type, data.year)
        if catalogue is None:
            raise LookupError(f"no catalogue for {data.unit_type} {data.year}")
        reports.append(evaluate(catalogue, data, not_applicable))
    return tuple(sorted(reports, key=lambda r: r.data.year))
