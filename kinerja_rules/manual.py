"""``kinerja-rules manual``: the indicator manual (definisi operasional) from the catalogue itself.

The manual a unit hands its staff — what each indicator means, how it is computed, from which
counts, which way it points, its targets by year — is written from the same file the engine runs,
so the manual and the computation can never disagree.
"""

from __future__ import annotations

from .catalogue import CAPAIAN_RULES
from .derivation import render
from .formatting import format_decimal, format_quantity
from .model import Catalogue, Indicator, Polarity, Target

_RULE_NAMES = {text: name for name, text in CAPAIAN_RULES.items()}
_RULE_WORDS = {
    "higher": "realisasi / target × 100%",
    "lower": "(2 × target − realisasi) / target × 100% (makin kecil makin baik)",
    "lower_ratio": "target / realisasi × 100% (makin kecil makin baik)",
}


def _target(target: Target | None, unit: str) -> str:
    if target is None:
        return "—"
    if not target.is_range:
        return format_quantity(target.value, unit)
    return f"{format_decimal(target.lower)}–{format_quantity(target.upper, unit)}"


def _rule(catalogue: Catalogue, indicator: Indicator) -> str:
    formula = indicator.capaian or catalogue.policy.capaian_formula(indicator.polarity)
    name = _RULE_NAMES.get(formula.text)
    if name is not None:
        return _RULE_WORDS[name]
    return render(formula, percent=True, labels={"R": "realisasi", "T": "target"})


def manual(catalogue: Catalogue) -> str:
    """The manual as Markdown, in Indonesian (the language of the report)."""
    lines = [f"# Manual Indikator Kinerja: {catalogue.title}", ""]
    lines += [f"Tahun {catalogue.year}; katalog: {', '.join(catalogue.files)}.", ""]
    for sasaran in catalogue.sasaran:
        lines += [f"## {sasaran.id}. {sasaran.name}", ""]
        for indicator in catalogue.indicators_of(sasaran.id):
            percent = indicator.unit == "%"
            lines += [f"### {indicator.name}", ""]
            lines += [
                "| | |",
                "| --- | --- |",
                f"| Kode | `{indicator.id}` ({indicator.level}) |",
                f"| Satuan | {indicator.unit} |",
                "| Arah | "
                + (
                    "makin besar makin baik"
                    if indicator.polarity is Polarity.HIGHER
                    else "makin kecil makin baik"
                )
                + " |",
                f"| Rumus realisasi | {render(indicator.formula, percent=percent)} |",
                f"| Rumus capaian | {_rule(catalogue, indicator)} |",
                f"| Target {catalogue.year} | {_target(indicator.target, indicator.unit)} |",
            ]
            for year, planned in sorted(indicator.renstra.items()):
                lines.append(f"| Target Renstra {year} | {_target(planned, indicator.unit)} |")
            if indicator.weight != 1:
                lines.append(f"| Bobot | {format_decimal(indicator.weight)} |")
            if indicator.not_applicable is not None:
                rule = indicator.not_applicable
                lines.append(f"| Tidak dapat diukur bila | {render(rule.when)} ({rule.reason}) |")
            lines.append("")
            lines += ["Data yang dihitung:", ""]
            for spec in indicator.inputs:
                origin = f" (dari {spec.source[1]} `{spec.source[0]}`)" if spec.source else ""
                lines.append(f"- **{spec.name}**: {spec.description}{origin}")
            lines.append("")
    return "\n".join(lines)
