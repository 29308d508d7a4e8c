"""The audit's findings as text, strict JSON, or GitHub Actions annotations."""

from __future__ import annotations

import json

from .result import AuditResult

FORMATS = ("text", "json", "github")


def render_audit(result: AuditResult, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(to_json(result), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    review = result.review.diagnostics() if result.review is not None else []
    if fmt == "github":
        return "".join(
            d.github() + "\n" for d in [*(f.diagnostic for f in result.findings), *review]
        )
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    lines = [f.diagnostic.format() for f in result.findings]
    lines += [d.format() for d in review]
    lines.append(summary(result))
    if result.review is not None and (result.review.checked or result.review.short):
        lines.append(result.review.summary())
    return "\n".join(lines) + "\n"


def summary(result: AuditResult) -> str:
    printed = sum(1 for f in result.findings if f.source == "printed")
    budget = len(result.findings) - printed
    years = ", ".join(str(year) for year in sorted(result.reports))
    text = (
        f"{result.printed.unit} {result.printed.year}: {result.checked} printed figure(s) "
        f"checked against the counts of {years}; {printed} finding(s)"
    )
    if result.budget is not None:
        text += f", {budget} from the budget file"
    return text


def to_json(result: AuditResult) -> dict:
    return {
        "file": result.printed.file,
        "unit": result.printed.unit,
        "unit_type": result.printed.unit_type,
        "year": result.printed.year,
        "years": sorted(result.reports),
        "checked": result.checked,
        "findings": [f.to_dict() for f in result.findings],
        # Values that look wrong against the unit's own history (kinerja_rules.plausibility).
        "plausibility": [f.to_dict() for f in result.review.findings] if result.review else [],
    }
