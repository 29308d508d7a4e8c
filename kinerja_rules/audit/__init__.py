"""``audit``: every figure a printed report states, checked against its own arithmetic.

::

    from kinerja_rules import Engine
    from kinerja_rules.audit import run_audit

    result = run_audit("examples/2023/bapas-lahat-cetak.toml", Engine.create())
    for finding in result.findings:
        print(finding.diagnostic.format(), finding.cause)

A printed-figure file (``docs/audit.md``) transcribes what a report prints, figure by figure,
with the table that prints it, and names the data files with the counts (this year's and the
previous years') and the budget file. Each figure is recomputed with the catalogue of its year
and compared at its printed precision; every disagreement is a located warning with its most
likely cause, and the budget file's findings (``kinerja-rules budget``) are included.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import attrs

from ..budget.report import evaluate_budget_file
from ..diagnostics import Diagnostic, KinerjaError, Location, Severity, closest
from ..engine import Engine
from ..results import Report
from ..sources import PathLike
from .causes import CAUSES
from .check import Audit, Finding
from .loader import load_printed, parse_printed, parse_status
from .model import PrintedFile
from .render import FORMATS, render_audit
from .result import AuditResult

__all__ = [
    "CAUSES",
    "FORMATS",
    "AuditResult",
    "Finding",
    "audit_main",
    "load_printed",
    "parse_printed",
    "parse_status",
    "render_audit",
    "run_audit",
]


def run_audit(path: PathLike, engine: Engine) -> AuditResult:
    """Audit the printed-figure file ``path``; raise :class:`KinerjaError` on invalid input
    (this file's, or a linked data or budget file's), with every problem located."""
    printed = load_printed(path)
    errors: list[Diagnostic] = []
    catalogue = engine.catalogue(printed.unit_type, printed.year)
    if catalogue is None:
        available = ", ".join(f"{c.unit_type} {c.year}" for c in engine.catalogues) or "none"
        raise KinerjaError(
            [
                Diagnostic(
                    "KR405",
                    f"no catalogue for unit type '{printed.unit_type}' and year {printed.year}",
                    printed.rows[0].location if printed.rows else Location(printed.file, 1, 1),
                    f"available: {available}; add one with --catalog DIR",
                )
            ]
        )
    reports: dict[int, Report] = {}
    links = [("data", printed.data)] + [
        (("previous", i), name) for i, name in enumerate(printed.previous)
    ]
    for key, name in links:
        location = printed.link_locations[key]
        try:
            data = engine.load_data(name)
        except KinerjaError as error:
            errors.extend(_relocated(error, name, location))
            continue
        problem = _mismatch(printed, data.unit, data.unit_type, data.year, key == "data")
        if problem is None and data.year in reports:
            problem = f"{name} is a second data file for {data.year}"
        if problem is not None:
            errors.append(
                Diagnostic(
                    "KR711",
                    problem,
                    location,
                    "data is this year's data file, previous the data files of earlier years "
                    "of the same unit",
                )
            )
            continue
        reports[data.year] = engine.evaluate(data)
    budget = None
    if printed.budget is not None:
        location = printed.link_locations["budget"]
        try:
            budget = evaluate_budget_file(printed.budget, engine.catalogues)
        except KinerjaError as error:
            errors.extend(_relocated(error, printed.budget, location))
        else:
            data = budget.budget
            problem = _mismatch(printed, data.unit, data.unit_type, data.year, True)
            if problem is not None:
                errors.append(
                    Diagnostic("KR711", problem, location, "budget is this year's budget file")
                )
                budget = None
    if not errors:
        errors.extend(_meaning(printed, engine, reports))
    if errors:
        raise KinerjaError(errors)
    audit = Audit(engine, printed, reports, budget)
    findings = audit.findings()
    current = reports[printed.year]
    earlier = [report.data for year, report in sorted(reports.items()) if year < printed.year]
    review = engine.review(current.data, earlier, current)
    return AuditResult(printed, reports, budget, tuple(findings), audit.checked, review)


def _relocated(error: KinerjaError, name: str, location: Location) -> list[Diagnostic]:
    """A linked file that cannot be read is reported where this file names it."""
    out = []
    for diagnostic in error.diagnostics:
        if diagnostic.code == "KR100" and diagnostic.location.file == name:
            out.append(
                attrs.evolve(
                    diagnostic,
                    message=f"{name}: {diagnostic.message}",
                    location=location,
                    hint="paths are relative to the printed-figure file",
                )
            )
        else:
            out.append(diagnostic)
    return out


def _mismatch(
    printed: PrintedFile, unit: str, unit_type: str, year: int, this_year: bool
) -> str | None:
    if unit_type != printed.unit_type:
        return (
            f"the linked file is for unit type '{unit_type}', this file for '{printed.unit_type}'"
        )
    if " ".join(unit.casefold().split()) != " ".join(printed.unit.casefold().split()):
        return f"the linked file is for '{unit}', this file for '{printed.unit}'"
    if this_year and year != printed.year:
        return f"the linked file is for {year}, this file for {printed.year}"
    if not this_year and year >= printed.year:
        return f"a previous year's data file is for {year}, not a year before {printed.year}"
    return None


def _meaning(printed: PrintedFile, engine: Engine, reports: Mapping[int, Report]) -> list:
    """Rows for years without data (KR710), unknown ids (KR712)."""
    found = []
    for row in printed.rows:
        if row.year not in reports:
            found.append(
                Diagnostic(
                    "KR710",
                    f"no data file for {row.year}, the year of this row",
                    row.year_location,
                    f"add the data file of {row.year} to previous = [...], or correct the year",
                )
            )
            continue
        catalogue = reports[row.year].catalogue
        if row.kind == "indicator":
            known = {
                i.id
                for c in engine.catalogues
                if c.unit_type == printed.unit_type and c.year in (row.year, *reports)
                for i in c.indicators
            }
            if row.subject not in known:
                suggestion = closest(row.subject, known)
                found.append(
                    Diagnostic(
                        "KR712",
                        f"'{row.subject}' is not an indicator of the {printed.unit_type} "
                        "catalogues of the years printed",
                        row.subject_location,
                        f"did you mean '{suggestion}'?"
                        if suggestion
                        else "see kinerja-rules plugins",
                    )
                )
        elif row.kind == "sasaran":
            ids = [s.id for s in catalogue.sasaran]
            if row.subject not in ids:
                suggestion = closest(row.subject, ids)
                found.append(
                    Diagnostic(
                        "KR712",
                        f"'{row.subject}' is not a sasaran of the {printed.unit_type} "
                        f"{row.year} catalogue (sasaran: {', '.join(ids)})",
                        row.subject_location,
                        f"did you mean '{suggestion}'?" if suggestion else None,
                    )
                )
    scores = engine.catalogues.scores.get(printed.year)
    for row in printed.weights:
        score = scores.score(row.score) if scores is not None else None
        if score is None:
            known = [s.id for s in scores.scores] if scores is not None else []
            suggestion = closest(row.score, known)
            found.append(
                Diagnostic(
                    "KR712",
                    f"'{row.score}' is not a score of the {printed.year} score catalogue",
                    row.score_location,
                    f"did you mean '{suggestion}'?"
                    if suggestion
                    else f"scores: {', '.join(known) or 'none'}",
                )
            )
            continue
        ids = [c.id for c in score.components]
        for component, _, location in row.weights:
            if component not in ids:
                suggestion = closest(component, ids)
                found.append(
                    Diagnostic(
                        "KR712",
                        f"'{component}' is not a component of score '{row.score}'",
                        location,
                        f"did you mean '{suggestion}'?"
                        if suggestion
                        else f"components: {', '.join(ids)}",
                    )
                )
    return found


def audit_main(args_path: PathLike, fmt: str, strict: bool, engine: Engine) -> int:
    """``kinerja-rules audit PRINTED [--format text|json|github] [--strict]``: print the
    findings (text, strict JSON, or GitHub annotations) and return the exit status — 0, or 1
    on invalid input or, with ``strict``, when anything is found."""
    try:
        result = run_audit(args_path, engine)
    except KinerjaError as error:
        print(error, file=sys.stderr)
        return 1
    sys.stdout.write(render_audit(result, fmt))
    review = result.review.diagnostics() if result.review is not None else []
    warned = any(d.severity is not Severity.INFO for d in review)
    return 1 if strict and (result.findings or warned) else 0
