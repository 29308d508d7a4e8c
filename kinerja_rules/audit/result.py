"""What an audit found: the printed file, the reports recomputed for it, and the findings.

Its own module so that the renderer and the package both import it, and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ..budget.report import BudgetReport
from ..diagnostics import Diagnostic
from ..plausibility import Review
from ..results import Report
from .check import Finding
from .model import PrintedFile


@attrs.frozen
class AuditResult:
    """The printed file, the reports recomputed for each year it prints, and the findings."""

    printed: PrintedFile
    reports: Mapping[int, Report]
    budget: BudgetReport | None
    findings: tuple[Finding, ...]
    #: How many printed figures were compared (cells and weights).
    checked: int
    #: The plausibility review of the year's data against the earlier years' (None: not run).
    review: Review | None = None

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(f.diagnostic for f in self.findings)
