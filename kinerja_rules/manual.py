"""``kinerja-rules manual``: the indicator manual (definisi operasional) from the catalogue itself.

The manual a unit hands its staff — what each indicator means, how it is computed, from which
counts, which way it points, how its capaian is judged, its targets by year, where its data
comes from — is written from the same file the engine runs, so the manual and the computation can
never disagree. The content is gathered once (:func:`entries`) and written as Markdown or as a
self-contained HTML page; the two formats cannot say different things.
"""

from __future__ import annotations

import html

import attrs

from .bands import describe
from .catalogue import CAPAIAN_RULES
from .derivation import render
from .formatting import format_decimal
from .model import Catalogue, Indicator, Polarity
from .render import format_target

FORMATS = ("markdown", "html")

_RULE_NAMES = {text: name for name, text in CAPAIAN_RULES.items()}
_RULE_WORDS = {
    "higher": "realisasi / target × 100%",
    "lower": "(2 × target - realisasi) / target × 100% (makin kecil makin baik)",
    "lower_ratio": "target / realisasi × 100% (makin kecil makin baik)",
}


@attrs.frozen
class Entry:
    """One indicator's page of the manual: a title, label/value rows and its inputs."""

    title: str
    definition: str
    rows: tuple[tuple[str, str], ...]
    inputs: tuple[tuple[str, str], ...]


@attrs.frozen
class Section:
    """One sasaran and the entries of its indicators."""

    title: str
    entries: tuple[Entry, ...]


def manual(catalogue: Catalogue, fmt: str = "markdown") -> str:
    """The manual in Indonesian (the language of the report), as ``markdown`` or ``html``."""
    sections = entries(catalogue)
    heading = f"Manual Indikator Kinerja: {catalogue.title}"
    byline = f"Tahun {catalogue.year}; katalog: {', '.join(catalogue.files)}."
    if catalogue.source:
        byline += f" Sumber: {catalogue.source}."
    rules = general_rules(catalogue)
    if fmt == "html":
        return _html(heading, byline, rules, sections)
    return _markdown(heading, byline, rules, sections)


def general_rules(catalogue: Catalogue) -> tuple[tuple[str, str], ...]:
    """What holds for every indicator: rounding, categories and how figures roll up."""
    policy = catalogue.policy
    rounding = {
        "half_up": "setengah ke atas, seperti ROUND di Excel",
        "half_even": "setengah ke genap",
        "down": "dipotong",
        "up": "ke atas",
    }[policy.rounding]
    bands = "; ".join(
        f"{band.name}: {describe(band)}"
        + (
            " (tercapai)"
            if band.achieved
            else " (tidak tercapai)"
            if band.achieved is False
            else ""
        )
        for band in catalogue.bands
    )
    roll_up = "rata-rata tertimbang capaian indikator yang terukur (bobot indikator"
    roll_up += ", bawaan 1); indikator yang tidak dapat diukur tidak dihitung"
    if policy.not_applicable == "zero":
        roll_up = roll_up.replace("tidak dihitung", "dihitung 0")
    overall = (
        "rata-rata tertimbang capaian sasaran (bobot sasaran)"
        if policy.overall == "sasaran"
        else "rata-rata tertimbang capaian seluruh indikator yang terukur"
    )
    return (
        ("Pembulatan", f"{policy.decimals} desimal, {rounding}; capaian dihitung dari nilai "
         + ("tepat" if policy.capaian_from == "exact" else "yang ditampilkan")),
        ("Kategori capaian", bands),
        ("Capaian sasaran", roll_up),
        ("Nilai keseluruhan", overall),
    )  # fmt: skip


def entries(catalogue: Catalogue) -> tuple[Section, ...]:
    """What the manual says, independent of how it is written."""
    weighted = any(s.weight != 1 for s in catalogue.sasaran)
    return tuple(
        Section(
            f"{sasaran.id}. {sasaran.name}"
            + (f" (bobot {format_decimal(sasaran.weight)})" if weighted else ""),
            tuple(_entry(catalogue, i) for i in catalogue.indicators_of(sasaran.id)),
        )
        for sasaran in catalogue.sasaran
    )


def _entry(catalogue: Catalogue, indicator: Indicator) -> Entry:
    percent = indicator.is_percentage
    # Descriptions contain "/" themselves ("Tahanan/Narapidana/Anak"): bracket them in a formula.
    single = len(indicator.inputs) == 1
    words = {s.name: s.description if single else f"({s.description})" for s in indicator.inputs}
    symbols = render(indicator.formula, percent=percent)
    in_words = render(indicator.formula, percent=percent, labels=words)
    rows = [
        ("Kode", f"{indicator.id} ({indicator.level})"),
        ("Satuan", indicator.unit),
        (
            "Arah",
            "makin besar makin baik"
            if indicator.polarity is Polarity.HIGHER
            else "makin kecil makin baik",
        ),
        ("Rumus realisasi", symbols),
    ]
    if in_words != symbols:
        rows.append(("Rumus dalam kata", in_words))
    zero = indicator.zero_target or catalogue.policy.zero_target
    if zero is not None and indicator.target is not None and indicator.target.upper == 0:
        # Against a target of 0 only the declared rule applies, not R / T nor a floor.
        met = "realisasi 0" if indicator.polarity is Polarity.LOWER else "realisasi berapa pun"
        rule = (
            f"target 0: capaian {format_decimal(zero.met)}% bila {met}, "
            f"{format_decimal(zero.missed)}% bila tidak"
        )
        rows.append(("Rumus capaian", rule))
    else:
        rows.append(("Rumus capaian", _rule(catalogue, indicator)))
        rows += _bounds(catalogue, indicator)
    rows.append((f"Target {catalogue.year}", format_target(indicator.target, indicator.unit, "id")))
    for year, planned in sorted(indicator.renstra.items()):
        rows.append((f"Target Renstra {year}", format_target(planned, indicator.unit, "id")))
    if indicator.weight != 1:
        rows.append(("Bobot", format_decimal(indicator.weight)))
    if indicator.not_applicable is not None:
        rule = indicator.not_applicable
        rows.append(("Tidak dapat diukur bila", f"{render(rule.when)} ({rule.reason})"))
    if indicator.data_source:
        rows.append(("Sumber data", indicator.data_source))
    if indicator.note:
        rows.append(("Catatan", indicator.note))
    inputs = tuple(
        (
            spec.name,
            spec.description
            + (f" (dari {spec.source[1]} {spec.source[0]})" if spec.source else "")
            + (
                f" [satuan: {spec.counts or spec.measures}]" if spec.counts or spec.measures else ""
            ),
        )
        for spec in indicator.inputs
    )
    return Entry(indicator.name, indicator.definition, tuple(rows), inputs)


def _rule(catalogue: Catalogue, indicator: Indicator) -> str:
    formula = indicator.capaian or catalogue.policy.capaian_formula(indicator.polarity)
    name = _RULE_NAMES.get(formula.text)
    if name is not None:
        text = _RULE_WORDS[name]
    else:
        text = render(formula, percent=True, labels={"R": "realisasi", "T": "target"})
    if indicator.target is not None and indicator.target.is_range:
        inside = format_decimal(catalogue.policy.range_inside)
        text += (
            f"; target rentang: di atas rentang dibandingkan dengan batas atas, di bawahnya "
            f"dengan batas bawah, di dalam rentang {inside}%"
        )
    return text


def _bounds(catalogue: Catalogue, indicator: Indicator) -> list[tuple[str, str]]:
    """Floor and cap, where the indicator or its policy has one and it can act."""
    policy = catalogue.policy
    rows = []
    floor = indicator.capaian_floor if indicator.capaian_floor is not None else policy.capaian_floor
    # R / T is never negative: a floor matters for lower is better and for a rule of one's own.
    can_fall = indicator.polarity is Polarity.LOWER or indicator.capaian is not None
    if floor is not None and (can_fall or indicator.capaian_floor is not None):
        rows.append(("Capaian terendah", f"{format_decimal(floor)}%"))
    cap = indicator.capaian_cap if indicator.capaian_cap is not None else policy.capaian_cap
    if cap is not None:
        rows.append(("Capaian tertinggi", f"{format_decimal(cap)}%"))
    return rows


def _markdown(heading: str, byline: str, rules, sections: tuple[Section, ...]) -> str:
    lines = [f"# {heading}", "", byline, "", "## Ketentuan umum", "", "| | |", "| --- | --- |"]
    lines += [f"| {label} | {_cell(value)} |" for label, value in rules]
    lines.append("")
    for section in sections:
        lines += [f"## {section.title}", ""]
        for entry in section.entries:
            lines += [f"### {entry.title}", ""]
            if entry.definition:
                lines += [entry.definition, ""]
            lines += ["| | |", "| --- | --- |"]
            lines += [f"| {label} | {_cell(value)} |" for label, value in entry.rows]
            lines += ["", "Data yang dihitung:", ""]
            lines += [f"- **{name}**: {text}" for name, text in entry.inputs]
            lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A Markdown table cell: a ``|`` in a formula or a name must not end the cell."""
    return text.replace("|", "\\|")


_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 56rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #1f4e79; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; color: #1f4e79; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; }
th, td { border: 1px solid #b7c4d1; padding: .3rem .55rem; vertical-align: top; text-align: left; }
th { background: #eef3f8; width: 14rem; font-weight: 600; }
.byline { color: #555; }
.definition { margin: .2rem 0 .5rem; }
ul { margin-top: .2rem; }
@media print { body { margin: 0; max-width: none; } h3 { break-after: avoid; }
               table { break-inside: avoid; } }
"""


def _html(heading: str, byline: str, rules, sections: tuple[Section, ...]) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="id">',
        '<head><meta charset="utf-8">',
        f"<title>{e(heading)}</title>",
        f"<style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{e(heading)}</h1>",
        f'<p class="byline">{e(byline)}</p>',
        "<h2>Ketentuan umum</h2>",
        "<table>",
        *(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rules),
        "</table>",
    ]
    for section in sections:
        parts.append(f"<h2>{e(section.title)}</h2>")
        for entry in section.entries:
            parts.append(f"<h3>{e(entry.title)}</h3>")
            if entry.definition:
                parts.append(f'<p class="definition">{e(entry.definition)}</p>')
            parts.append("<table>")
            parts += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in entry.rows]
            parts.append("</table>")
            parts.append("<p>Data yang dihitung:</p><ul>")
            parts += [f"<li><b>{e(n)}</b>: {e(t)}</li>" for n, t in entry.inputs]
            parts.append("</ul>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
