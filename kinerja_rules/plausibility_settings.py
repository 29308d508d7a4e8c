"""What the plausibility checks look for, as a catalogue declares it.

A catalogue's ``[policy.plausibility]`` sets the defaults of every indicator; an indicator's
``[indicator.plausibility]`` overrides any of them and adds what only it can know: the min–max
range of an input (``range = { B = { min = 100, max = 600 } }``, ``value`` for the realisasi),
the flows that move a stock (``flows = { P = ["masuk", "keluar"] }``) and how much a denominator
may change within the year (``within_year = { B = 0.2 }``). The checks themselves live in
:mod:`kinerja_rules.plausibility`; this module is data only, so loading a catalogue needs no
numerics.

Thresholds are screening parameters, not report figures: they are held as ``float``.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

SEVERITIES = ("info", "warning")


@attrs.frozen
class Plausibility:
    """The plausibility settings of one indicator (or, with nothing indicator-specific, of a
    catalogue's policy)."""

    #: Robust z-score (median and MAD of the unit's own series) above which a value is unusual.
    z_threshold: float = 3.5
    #: Points of history (besides the value) a series needs before it is judged.
    min_history: int = 6
    #: The same period over this many previous years gives the comparison mean.
    years: int = 3
    #: A change from that mean larger than this share is reported.
    max_change: float = 0.5
    #: A count moves by chance about as much as its square root: no move within this many
    #: square roots (plus the skew of small counts) is reported (see checks.count_noise).
    count_noise: float = 5.0
    #: An unusual value is reported only when it is also this share off the series' median.
    min_change: float = 0.5
    #: Learn each input's min–max range from previous years (on top of declared ranges).
    learn_range: bool = False
    #: Severity of the history and structural findings.
    severity: str = "warning"
    #: Peers (``batch``): the robust z across units of the same type, and how many units it needs.
    peer_threshold: float = 3.5
    peer_min_units: int = 10
    peer_severity: str = "info"
    #: A period copied from the previous year: how many non-zero values must agree.
    copy_min_values: int = 3
    #: False switches every check off for the indicator (``enabled = false``).
    enabled: bool = True
    #: Declared min–max per input name (``"value"``: the realisasi); None for an open end.
    ranges: Mapping[str, tuple[float | None, float | None]] = attrs.field(factory=dict)
    #: A stock input and the flow inputs whose sum bounds its change from one period to the next.
    flows: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    #: An input (a denominator) and the largest share it may change from one period to the next.
    within_year: Mapping[str, float] = attrs.field(factory=dict)


#: Keys shared by ``[policy.plausibility]`` and ``[indicator.plausibility]``, by type.
NUMBER_KEYS = ("z_threshold", "max_change", "min_change", "count_noise", "peer_threshold")
INTEGER_KEYS = ("min_history", "years", "peer_min_units", "copy_min_values")
BOOLEAN_KEYS = ("learn_range", "enabled")
CHOICE_KEYS = ("severity", "peer_severity")


def settings_from(table: Mapping, base: Plausibility | None = None) -> Plausibility:
    """``base`` with the keys of a checked ``plausibility`` table applied."""
    base = base if base is not None else Plausibility()
    changes: dict = {}
    for key in NUMBER_KEYS:
        if key in table:
            changes[key] = float(table[key])
    for key in (*INTEGER_KEYS, *BOOLEAN_KEYS, *CHOICE_KEYS):
        if key in table:
            changes[key] = table[key]
    if "range" in table:
        changes["ranges"] = {
            name: (_bound(bounds.get("min")), _bound(bounds.get("max")))
            for name, bounds in table["range"].items()
        }
    if "flows" in table:
        changes["flows"] = {name: tuple(flows) for name, flows in table["flows"].items()}
    if "within_year" in table:
        changes["within_year"] = {
            name: float(share) for name, share in table["within_year"].items()
        }
    return attrs.evolve(base, **changes)


def _bound(value) -> float | None:
    return None if value is None else float(value)
