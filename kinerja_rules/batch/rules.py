"""Batch forms of the plugins' ``kinerja_not_applicable`` rules.

A plugin's ``kinerja_not_applicable`` hook is a Python function of one indicator's inputs; the
columnar path cannot call it per row without losing its speed. A *batch form* says the same thing
declaratively, once per indicator, before any data is read:

* ``None`` — this plugin never declares this indicator N/A, whatever the inputs;
* ``NotApplicableWhen(when, reason)`` — N/A with ``reason`` exactly for the inputs where ``when``
  (a condition in the formula grammar over the indicator's inputs) holds; ``when=None``: always;
* ``PER_ROW`` — the rule cannot be said so: the indicator's catalogue is evaluated per row.

The batch form must agree with the plugin's hook on every input (the tests check the bundled
ones against their hooks). The bundled plugins' forms live here; a third-party plugin gives its
own as a function ``kinerja_not_applicable_batch(catalogue, indicator)`` on the plugin object,
which is the hook proposed for :mod:`kinerja_rules.hookspecs`::

    @hookspec
    def kinerja_not_applicable_batch(catalogue: Catalogue, indicator: Indicator):
        \"\"\"The batch form of this plugin's ``kinerja_not_applicable`` for ``indicator``:
        ``None`` (never N/A), ``kinerja_rules.batch.NotApplicableWhen(when, reason)`` (N/A with
        ``reason`` where the condition ``when`` over the inputs holds; ``when=None``: always) or
        ``kinerja_rules.batch.PER_ROW`` (evaluate this catalogue per row). It must agree with
        ``kinerja_not_applicable`` for every input; ``kinerja-rules batch`` evaluates the
        catalogues of a plugin without it per row.\"\"\"

A plugin implementing ``kinerja_not_applicable`` without a batch form sends every catalogue to
the per-row engine (its rule may apply to any unit type).
"""

from __future__ import annotations

import attrs

from ..model import Catalogue, Indicator
from ..plugins import bapas, lpka


@attrs.frozen
class NotApplicableWhen:
    """N/A with ``reason`` where ``when`` (a condition over the inputs; None: always) holds."""

    when: str | None
    reason: str


PER_ROW = "per_row"


def lpka_batch(catalogue: Catalogue, indicator: Indicator):
    """:func:`kinerja_rules.plugins.lpka.kinerja_not_applicable`: every denominator is 0."""
    if catalogue.unit_type != lpka.UNIT_TYPE:
        return None
    population = sorted(indicator.formula.denominator_names)
    if not population:
        return None
    zeros = ", ".join(f"{name} = 0" for name in population)
    return NotApplicableWhen(
        " and ".join(f"{name} == 0" for name in population), f"tidak ada populasi ({zeros})"
    )


def bapas_batch(catalogue: Catalogue, indicator: Indicator):
    """:func:`kinerja_rules.plugins.bapas.kinerja_not_applicable`: a unit count without target."""
    if catalogue.unit_type != bapas.UNIT_TYPE or indicator.is_percentage:
        return None
    if indicator.target is None or indicator.target.upper == 0:
        return NotApplicableWhen(None, f"tidak ada target {indicator.unit} tahun {catalogue.year}")
    return None


#: Batch forms of the bundled plugins, by plugin module.
BUILTIN_FORMS = {lpka: lpka_batch, bapas: bapas_batch}


def batch_forms(engine) -> tuple[list, str | None]:
    """The batch form of every ``kinerja_not_applicable`` implementation, in the order pluggy
    calls them (the first non-None reason wins), or why there is none (a plugin without one)."""
    hook = engine.plugin_manager.hook.kinerja_not_applicable
    forms = []
    for impl in reversed(hook.get_hookimpls()):  # pluggy calls the last registered first
        if getattr(impl, "hookwrapper", False) or getattr(impl, "wrapper", False):
            return [], f"plugin {impl.plugin_name!r} wraps kinerja_not_applicable"
        form = BUILTIN_FORMS.get(impl.plugin) or getattr(
            impl.plugin, "kinerja_not_applicable_batch", None
        )
        if form is None:
            return [], f"plugin {impl.plugin_name!r} has no batch form of kinerja_not_applicable"
        forms.append((impl.plugin_name, form))
    return forms, None
