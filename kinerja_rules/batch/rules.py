"""Batch forms of the plugins' ``kinerja_not_applicable`` rules.

A plugin's ``kinerja_not_applicable`` hook is a Python function of one indicator's inputs; the
columnar path cannot call it per row without losing its speed. Its *batch form*, the plugin's
``kinerja_not_applicable_batch`` hook (:mod:`kinerja_rules.hookspecs`), says the same thing
declaratively, once per indicator: ``None``, :class:`NotApplicableWhen` or :data:`PER_ROW`.
The bundled ``lpka`` and ``bapas`` plugins implement both hooks.
"""

from __future__ import annotations

import attrs

from ..engine import positional


@attrs.frozen
class NotApplicableWhen:
    """N/A with ``reason`` where ``when`` (a condition over the inputs; None: always) holds."""

    when: str | None
    reason: str


PER_ROW = "per_row"


def batch_forms(engine) -> tuple[list, str | None]:
    """The batch form of every ``kinerja_not_applicable`` implementation, in the order pluggy
    calls them (the first non-None reason wins), or why there is none (a plugin without one)."""
    manager = engine.plugin_manager
    batch = {
        id(impl.plugin): impl for impl in manager.hook.kinerja_not_applicable_batch.get_hookimpls()
    }
    forms = []
    for impl in reversed(manager.hook.kinerja_not_applicable.get_hookimpls()):  # pluggy's order
        if impl.hookwrapper or impl.wrapper:
            return [], f"plugin {impl.plugin_name!r} wraps kinerja_not_applicable"
        form = batch.get(id(impl.plugin))
        if form is None:
            return [], f"plugin {impl.plugin_name!r} has no batch form of kinerja_not_applicable"
        forms.append((impl.plugin_name, positional(form, ("catalogue", "indicator"))))
    return forms, None
