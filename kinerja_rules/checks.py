"""Checks on a loaded catalogue that need more than its shape: warnings a maintainer should read.

These run in ``kinerja-rules validate`` (not on every ``evaluate``): a decreasing-sounding name
without a declared polarity, a Renstra target that disagrees with the PK target, an input that is
declared but never used, a division whose denominator can be zero with no rule — from the
catalogue or a plugin — saying why the indicator is then not measurable, a lower-is-better
capaian that can go negative, and a sasaran without indicators. Units of measure (and a target
outside its unit's range) are :mod:`kinerja_rules.dimension_check`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import PurePath

from .catalogue import DEFAULT_CAPAIAN_LOWER
from .diagnostics import Diagnostic, Location, Severity
from .evaluation import NotApplicableRule, catalogue_rule
from .formatting import format_decimal
from .formula import NotMeasurable, compile_formula
from .model import Catalogue, Indicator, Target

#: Words in an indicator name that say the measured quantity should fall: "menurunnya
#: residivis", "tingkat hunian", "jumlah kejadian pelarian", "overkapasitas". Plugins add their
#: own (hook ``kinerja_decreasing_words``).
DECREASING_WORDS = (
    "menurunnya",
    "penurunan",
    "berkurangnya",
    "tingkat hunian",
    "kejadian",
    "pelanggaran",
    "pelarian",
    "over kapasitas",
    "overkapasitas",
)


def decreasing_pattern(extra: Iterable[str] = ()) -> re.Pattern[str]:
    """One whole-word, case-insensitive pattern for the built-in words and ``extra``."""
    words = sorted({w.strip().lower() for w in (*DECREASING_WORDS, *extra) if w.strip()}, key=len)
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in reversed(words))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


DECREASING = decreasing_pattern()


def check(
    catalogue: Catalogue,
    not_applicable: NotApplicableRule,
    decreasing: re.Pattern[str] = DECREASING,
) -> list[Diagnostic]:
    """Every warning for ``catalogue``, in catalogue order; ``decreasing`` finds the names that
    say the quantity should fall (:func:`decreasing_pattern`, with the plugins' words)."""
    found: list[Diagnostic] = []
    for indicator in catalogue.indicators:
        found += _polarity(indicator, decreasing)
        found += _renstra(catalogue, indicator)
        found += _unused_inputs(indicator)
        found += _zero_denominators(catalogue, indicator, not_applicable)
        found += _unfloored(catalogue, indicator)
    found += _empty_sasaran(catalogue)
    found += _year_and_directory(catalogue)
    return found


def _year_and_directory(catalogue: Catalogue) -> Iterator[Diagnostic]:
    """``2025/bapas.toml`` saying ``year = 2024``: a file copied forward and not updated."""
    for file in catalogue.files:
        folder = PurePath(file).parent.name
        if re.fullmatch(r"\d{4}", folder) and int(folder) != catalogue.year:
            yield warning(
                "KR219",
                f"the file is in the directory {folder} but says year = {catalogue.year}",
                catalogue.where("year")
                if file == catalogue.files[0]
                else Location(file, field="year"),
                f"set year = {folder}, or move the file (kinerja-rules roll --to {folder} "
                "writes next year's catalogue)",
            )


def _unfloored(catalogue: Catalogue, indicator: Indicator) -> Iterator[Diagnostic]:
    """(2T − R) / T goes below 0 when R > 2T (occupancy 400% of 180% gives −22,22%)."""
    if indicator.polarity.value != "lower" or indicator.capaian is not None:
        return
    zero_rule = indicator.zero_target or catalogue.policy.zero_target
    targets = [indicator.target, *indicator.renstra.values()]
    if zero_rule is not None and all(t is None or t.upper == 0 for t in targets):
        return  # target 0 with its declared rule: (2T − R) / T is never used
    unfloored = indicator.capaian_floor is None and catalogue.policy.capaian_floor is None
    if unfloored and catalogue.policy.capaian_lower.text == DEFAULT_CAPAIAN_LOWER:
        yield warning(
            "KR215",
            f"indicator '{indicator.id}': lower is better with (2T - R) / T and no floor: "
            "capaian goes negative when the realisasi is more than twice the target",
            indicator.where("polarity"),
            "add capaian_floor = 0 to [policy] (or to the indicator)",
        )


def _empty_sasaran(catalogue: Catalogue) -> Iterator[Diagnostic]:
    used = {indicator.sasaran for indicator in catalogue.indicators}
    for sasaran in catalogue.sasaran:
        if sasaran.id not in used:
            yield warning(
                "KR216",
                f"sasaran '{sasaran.id}' has no indicator",
                sasaran.location,
                "add its indicators, or remove the sasaran",
            )


def warning(code: str, message: str, location, hint: str) -> Diagnostic:
    return Diagnostic(code, message, location, hint, Severity.WARNING)


def _polarity(indicator: Indicator, decreasing: re.Pattern[str]) -> Iterator[Diagnostic]:
    if indicator.polarity_declared:  # before the search: most indicators declare it
        return
    match = decreasing.search(indicator.name)
    if match:
        yield warning(
            "KR210",
            f"indicator '{indicator.id}': the name says '{match.group(0)}' but no polarity is "
            "declared (defaults to higher is better)",
            indicator.where("name"),
            'declare polarity = "lower" if a smaller realisasi is better, or "higher" if the '
            "formula already measures the decrease",
        )


def _renstra(catalogue: Catalogue, indicator: Indicator) -> Iterator[Diagnostic]:
    planned = indicator.renstra.get(catalogue.year)
    if planned is not None and indicator.target is not None and planned != indicator.target:
        yield warning(
            "KR211",
            f"indicator '{indicator.id}': Renstra {catalogue.year} target "
            f"{_target_text(planned)} differs from the PK target "
            f"{_target_text(indicator.target)}",
            indicator.where(f"renstra.{catalogue.year}"),
            "check both against the signed documents; the PK target is the one evaluated",
        )


def _target_text(target: Target) -> str:
    if not target.is_range:
        return format_decimal(target.value)
    return f"{format_decimal(target.lower)}-{format_decimal(target.upper)}"


def _unused_inputs(indicator: Indicator) -> Iterator[Diagnostic]:
    for spec in indicator.inputs:
        if spec.name not in indicator.formula.names:
            yield warning(
                "KR307",
                f"indicator '{indicator.id}': input {spec.name} is declared but the formula "
                "never uses it",
                indicator.where(f"inputs.{spec.name}"),
                f"use {spec.name} in the formula or remove it (data clerks would count it for "
                "nothing)",
            )


def _zero_denominators(
    catalogue: Catalogue, indicator: Indicator, not_applicable: NotApplicableRule
) -> Iterator[Diagnostic]:
    """Probe each denominator at zero: is there a rule, or does the formula handle it?"""
    inputs = [spec.name for spec in indicator.inputs]
    for denominator in dict.fromkeys(indicator.formula.denominators):
        names = [name for name in inputs if re.search(rf"\b{name}\b", denominator)]
        probe = {name: Decimal(0 if name in names else 1) for name in inputs}
        if not _is_zero(denominator, probe, inputs):
            continue  # e.g. "D + 1" or "2": cannot be zero for counts
        if catalogue_rule(indicator, probe) or not_applicable(catalogue, indicator, probe):
            continue
        try:
            indicator.formula.evaluate(probe)
        except NotMeasurable:
            yield warning(
                "KR308",
                f"indicator '{indicator.id}': denominator {denominator} can be 0 and no rule "
                "says why the indicator is then not measurable",
                indicator.where("formula"),
                f'add [indicator.not_applicable] when = "{denominator} == 0", reason = "…" '
                "(e.g. \"tidak ada populasi\"), or guard the division with 'if … else'",
            )


def _is_zero(expression: str, probe: dict[str, Decimal], inputs: list[str]) -> bool:
    try:
        value = compile_formula(expression, frozenset(inputs), {}).evaluate(probe)
    except NotMeasurable:
        return True
    except Exception:  # a function call in the denominator: we cannot tell, so do not warn
        return False
    return value == 0
