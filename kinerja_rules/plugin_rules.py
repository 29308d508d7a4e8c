"""The N/A rule an evaluation applies after the catalogue's own, and the plugins' one resolved.

A rule is any function of (catalogue, indicator, inputs) giving a reason or None. The engine's
is :class:`PluginRules`: the plugins' plain ``kinerja_not_applicable`` implementations, called
in pluggy's order without pluggy's per-call dispatch. It also tells which of them apply to a
unit type (:meth:`PluginRules.for_unit_type`), so the evaluation's per-catalogue plans call
them directly, without this class's own call in between (see
:func:`kinerja_rules.engine.not_applicable_rule`, which builds it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import attrs

if TYPE_CHECKING:
    from .model import Catalogue, Indicator

#: Decides N/A before a formula runs: (catalogue, indicator, inputs) -> reason or None.
NotApplicableRule = Callable[["Catalogue", "Indicator", Mapping[str, Decimal]], Optional[str]]

#: One implementation as a function of (catalogue, indicator, inputs), in that order.
RuleFunction = Callable[..., Optional[str]]


@attrs.frozen(eq=False)
class PluginRules:
    """Plain hook implementations in pluggy's call order (the last registered, or ``tryfirst``,
    first), each with the unit types it is declared for (None: every type); the first reason
    that is not None wins, as pluggy's ``firstresult`` call does. Equal only to itself: the
    evaluation keeps its plans by rule, and hashing it is then one look at its address."""

    calls: tuple[tuple[RuleFunction, frozenset[str] | None], ...]
    #: The functions for each unit type seen, in that order (a cache: the rules stay the same).
    _by_type: dict[str, tuple[RuleFunction, ...]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )

    def for_unit_type(self, unit_type: str) -> tuple[RuleFunction, ...]:
        """The implementations that may decide for ``unit_type`` (``for_unit_types``), in
        pluggy's order."""
        chosen = self._by_type.get(unit_type)
        if chosen is None:
            chosen = self._by_type[unit_type] = tuple(
                function for function, types in self.calls if types is None or unit_type in types
            )
        return chosen

    def __call__(
        self, catalogue: Catalogue, indicator: Indicator, inputs: Mapping[str, Decimal]
    ) -> str | None:
        chosen = self._by_type.get(catalogue.unit_type)
        if chosen is None:
            chosen = self.for_unit_type(catalogue.unit_type)
        for function in chosen:
            reason = function(catalogue, indicator, inputs)
            if reason is not None:
                return reason
        return None


def chain_of(rule: NotApplicableRule, unit_type: str) -> tuple[RuleFunction, ...]:
    """The functions to call in turn, for a catalogue of ``unit_type``, until one gives a
    reason: the same verdict as calling ``rule``."""
    if isinstance(rule, PluginRules):
        return rule.for_unit_type(unit_type)
    return (rule,)
