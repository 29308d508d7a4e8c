"""A kinerja-rules plugin for the Rutan (Rumah Tahanan Negara, a detention centre): a template.

It contributes what a unit type needs beyond its TOML catalogue:

* the catalogues shipped inside this package, ``catalog/<year>/rutan.toml``
  (:func:`kinerja_catalogues`);
* a rule for when an indicator cannot be measured: a Rutan that held none of the detainees an
  indicator is a share of has no figure for it, "tidak ada tahanan" — never 0%
  (:func:`kinerja_not_applicable`, and :func:`kinerja_not_applicable_batch`, the same rule for
  ``kinerja-rules batch``).

kinerja-rules loads this module through the entry point in ``pyproject.toml``
(``[project.entry-points.kinerja_rules]``, ``rutan = "kinerja_rutan"``). The hooks are
documented in ``kinerja_rules/hookspecs.py``; a plugin implements only those it needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING

from kinerja_rules import hookimpl
from kinerja_rules.batch import NotApplicableWhen

if TYPE_CHECKING:
    from kinerja_rules import Catalogue, Indicator

UNIT_TYPE = "rutan"

#: The word of kinerja-rules' vocabulary of units that the inputs counting detainees declare
#: (``counts = "tahanan"`` in the catalogue).
DETAINEES = "tahanan"


@hookimpl
def kinerja_catalogues():
    """Every ``catalog/<year>/rutan.toml`` in this package, oldest year first."""
    root = resources.files(__name__) / "catalog"
    years = sorted((entry for entry in root.iterdir() if entry.is_dir()), key=lambda e: e.name)
    return [year / f"{UNIT_TYPE}.toml" for year in years if (year / f"{UNIT_TYPE}.toml").is_file()]


@hookimpl
def kinerja_not_applicable(
    catalogue: Catalogue, indicator: Indicator, inputs: Mapping[str, Decimal]
) -> str | None:
    """N/A when every denominator that counts detainees is 0."""
    if catalogue.unit_type != UNIT_TYPE:
        return None  # called for every unit type's indicators: answer only for ours
    names = detainee_denominators(indicator)
    if names and all(inputs.get(name) == 0 for name in names):
        return reason(names)
    return None  # let other plugins, then the formula, decide


@hookimpl
def kinerja_not_applicable_batch(catalogue: Catalogue, indicator: Indicator):
    """The rule above said once per indicator, as a condition over its inputs."""
    if catalogue.unit_type != UNIT_TYPE:
        return None
    names = detainee_denominators(indicator)
    if not names:
        return None  # never N/A by this rule, whatever the inputs
    return NotApplicableWhen(" and ".join(f"{name} == 0" for name in names), reason(names))


def detainee_denominators(indicator: Indicator) -> list[str]:
    """The inputs in the formula's denominators that count detainees: ``["B"]`` for
    ``A / B * 100`` when ``B`` declares ``counts = "tahanan"``."""
    return sorted(
        name
        for name in indicator.formula.denominator_names
        if (spec := indicator.input(name)) is not None and spec.counts == DETAINEES
    )


def reason(names: list[str]) -> str:
    """The reason shown beside the indicator: "tidak ada tahanan (B = 0)"."""
    return f"tidak ada tahanan ({', '.join(f'{name} = 0' for name in names)})"
