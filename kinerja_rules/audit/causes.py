"""The documented causes of a printed figure the arithmetic does not support.

Each finding names the most likely one (``docs/audit.md``, "Causes"); ids are stable, like
diagnostic codes. A cause is found by reproducing the printed figure: the audit recomputes it
with each known slip (and combinations of them) and names the smallest set of slips that gives
the printed figure at its printed precision; the first of :data:`SLIP_ORDER` in that set is the
cause, the others are named with it.
"""

from __future__ import annotations

#: id → (what happened, how to fix it).
CAUSES: dict[str, tuple[str, str]] = {
    "rounded_realisasi": (
        "capaian from the rounded instead of the exact realisasi",
        "divide the exact realisasi (or the rounded one) for every indicator alike, as the "
        "catalogue's capaian_from says",
    ),
    "truncated": (
        "truncation where the report rounds elsewhere",
        "round half up at the printed decimals, as the rest of the report does",
    ),
    "zero_over_zero": (
        "0/0 (cannot be measured) printed as 0%, or judged not achieved",
        'print "tidak dapat diukur" with the reason, and leave the indicator out of the means',
    ),
    "inverted": (
        "a formula measuring the opposite of the indicator's name",
        "count what the name says (compliance: the offenders who did not repeat, (B - A) / B)",
    ),
    "na_as_zero": (
        "indicators that cannot be measured averaged in as 0",
        "leave them out of the mean and re-normalise over the indicators measured",
    ),
    "swapped": (
        "two rows swapped, or another row's figure or name copied into this one",
        "check the row against its own counts",
    ),
    "parent_copied": (
        "a parent's figure copied into a child row",
        "compute the child row from its own pagu and realisasi",
    ),
    "text_table": (
        "a figure disagreeing with the same figure printed elsewhere (text and table)",
        "print one figure, the one the counts give, in the table and in the text",
    ),
    "target": (
        "a target differing from the PK or from the Renstra",
        "print the PK's target (and the Renstra's for the Renstra table)",
    ),
    "other_column": (
        "another column's figure printed in this column",
        "print the figure of this column (a capaian in %, a realisasi in the indicator's unit)",
    ),
    "composite": (
        "a composite score that is not its weighted sum",
        "recompute Σ weight × value / Σ weight from the components as printed",
    ),
    "weights": (
        "weights printed against the wrong components",
        "print each weight against its own component, as the score catalogue states",
    ),
    "unexplained": (
        "no known slip reproduces the printed figure",
        "recompute the figure from the counts",
    ),
}

#: Slips the audit tries by recomputation, most telling first: the first of a reproducing set
#: is the cause named.
SLIP_ORDER = ("inverted", "target", "rounded_realisasi", "truncated")


def title(cause: str) -> str:
    return CAUSES[cause][0]


def fix(cause: str) -> str:
    return CAUSES[cause][1]
