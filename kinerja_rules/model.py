"""The catalogue as loaded: policy, sasaran and indicators, all frozen and exact."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .bands import DEFAULT_STATUS_BANDS, Band
from .diagnostics import Location
from .formula import Formula
from .periods import Period
from .plausibility_settings import Plausibility


class Polarity(str, enum.Enum):
    """Which way an indicator points: whether a larger realisasi is better."""

    HIGHER = "higher"
    LOWER = "lower"


@attrs.frozen
class ZeroTarget:
    """Capaian against a target of 0: ``met`` when the realisasi meets it (0 when lower is
    better; always when higher is better), ``missed`` otherwise."""

    met: Decimal
    missed: Decimal


@attrs.frozen
class Policy:
    """How a catalogue turns exact values into report figures.

    ``capaian_higher``/``capaian_lower`` are formulas over ``R`` (realisasi) and ``T`` (target);
    ``capaian_from`` says whether ``R`` is the exact or the shown realisasi. ``capaian_cap`` caps
    capaian (None: no cap). ``not_applicable`` says whether indicators that cannot be measured are
    left out of roll-ups ("exclude") or count as 0 ("zero", only to reproduce legacy reports).
    """

    decimals: int
    rounding: str
    capaian_from: str
    capaian_higher: Formula
    capaian_lower: Formula
    capaian_cap: Decimal | None
    not_applicable: str
    #: "indicators": the overall figure is the weighted mean of every indicator; "sasaran": of
    #: the sasaran figures, with the sasaran's weights.
    overall: str = "indicators"
    #: Whether the status band is chosen by the exact or the shown capaian.
    status_from: str = "exact"
    #: The lowest capaian counted (lower is better can go negative): None, no floor.
    capaian_floor: Decimal | None = None
    #: Capaian of a realisasi inside a range target.
    range_inside: Decimal = Decimal(100)
    #: Capaian against a target of 0; None: a target of 0 makes capaian not measurable.
    zero_target: ZeroTarget | None = None
    #: How periods combine (sum, last, mean, max) and what a missing period does.
    consolidation: str = "sum"
    missing_periods: str = "skip_if_any"
    #: Defaults of the checks of data against its history and peers (``[policy.plausibility]``).
    plausibility: Plausibility = Plausibility()

    def capaian_formula(self, polarity: Polarity) -> Formula:
        return self.capaian_higher if polarity is Polarity.HIGHER else self.capaian_lower


@attrs.frozen
class Target:
    """A PK or Renstra target: one value, or a range (``80–90%``) when ``lower < upper``."""

    lower: Decimal
    upper: Decimal

    @classmethod
    def of(cls, value: Decimal) -> Target:
        return cls(value, value)

    @property
    def is_range(self) -> bool:
        return self.lower != self.upper

    @property
    def value(self) -> Decimal:
        """The single value (the lower bound of a range: what ``target`` names in invariants)."""
        return self.lower


@attrs.frozen
class Sasaran:
    """A goal (sasaran) grouping indicators: strategis (IKU), program (IKP) or kegiatan (IKK)."""

    id: str
    level: str
    name: str
    location: Location = attrs.field(eq=False, repr=False)
    #: Weight of the sasaran in the overall figure (policy ``overall = "sasaran"``).
    weight: Decimal = Decimal(1)


@attrs.frozen
class InputSpec:
    """A named input of a formula, with the description a data clerk reads."""

    name: str
    description: str
    #: "count" (non-negative whole number) or "number" (non-negative decimal, e.g. an index).
    kind: str = "count"
    #: Largest plausible value, bounding generated examples when invariants are checked.
    maximum: Decimal | None = None
    #: (indicator id, "realisasi" or "capaian") when the value is another indicator's result.
    source: tuple[str, str] | None = None
    #: What the input counts ("klien") or measures ("Rp", "hari"), a word of
    #: :mod:`kinerja_rules.dimensions`; both empty: a count of anything.
    counts: str = ""
    measures: str = ""


@attrs.frozen
class ApplicabilityRule:
    """A catalogue's own "cannot be measured" rule: when ``when`` holds, the indicator is N/A."""

    when: Formula
    reason: str


@attrs.frozen
class Example:
    """A worked example the catalogue states: these inputs must give these figures.

    ``not_applicable`` is None when the example is measurable, True when it must be N/A, or a
    text the N/A reason must contain.
    """

    inputs: Mapping[str, Decimal]
    realisasi: Decimal | None
    capaian: Decimal | None
    not_applicable: bool | str | None
    location: Location = attrs.field(eq=False)


@attrs.frozen
class Invariant:
    """A condition over the inputs, ``value`` (realisasi) and ``capaian`` that must always hold."""

    formula: Formula
    location: Location = attrs.field(eq=False)


@attrs.frozen
class Indicator:
    """One performance indicator of one catalogue year."""

    id: str
    sasaran: str
    level: str
    name: str
    unit: str
    polarity: Polarity
    formula: Formula
    inputs: tuple[InputSpec, ...]
    target: Target | None
    renstra: Mapping[int, Target]
    anggaran: int | None
    location: Location = attrs.field(eq=False, repr=False)
    #: Weight within its sasaran's roll-up (and the overall one over indicators).
    weight: Decimal = Decimal(1)
    #: This indicator's capaian rule (a formula over R and T); None: the policy's for its polarity.
    capaian: Formula | None = None
    capaian_floor: Decimal | None = None
    capaian_cap: Decimal | None = None
    zero_target: ZeroTarget | None = None
    #: Set when ``polarity`` is written in the catalogue (not defaulted).
    polarity_declared: bool = True
    not_applicable: ApplicabilityRule | None = None
    examples: tuple[Example, ...] = ()
    invariants: tuple[Invariant, ...] = ()
    #: Conditions on the inputs (e.g. ``A <= B``) that bound the values invariants are checked on.
    assumptions: tuple[Formula, ...] = ()
    #: Where each key was written: "formula", "target", "renstra.2023", "inputs.A", …
    locations: Mapping[str, Location] = attrs.field(factory=dict, eq=False, repr=False)
    #: A percentage that can exceed 100 (occupancy): a target above 100 is meant.
    above_100: bool = False
    #: An index's scale (lowest, highest): its targets lie within it. None: not declared.
    scale: tuple[Decimal, Decimal] | None = None
    #: How its periods combine and what a missing period does; None: the policy's.
    consolidation: str | None = None
    missing_periods: str | None = None
    #: Targets for periods of the year (Rencana Aksi: Q1 25, Q2 50, …), by Period.
    period_targets: Mapping[Period, Target] = attrs.field(factory=dict)
    #: ``[indicator.plausibility]`` as checked: overrides of the policy's and the indicator's own
    #: ranges, flows and within-year shares (applied by ``plausibility_settings.settings_from``).
    plausibility: Mapping[str, Any] = attrs.field(factory=dict)
    #: A national standard to compare with (Bab III part 4), and where it is set.
    national_standard: Target | None = None
    national_standard_source: str = ""
    #: Words for readers (the manual), never used in a computation.
    definition: str = ""
    data_source: str = ""
    note: str = ""

    def where(self, key: str) -> Location:
        """The location of ``key`` in the catalogue, or of the indicator when not written."""
        return self.locations.get(key, self.location)

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"

    def input(self, name: str) -> InputSpec | None:
        return next((spec for spec in self.inputs if spec.name == name), None)

    @functools.cached_property
    def input_units(self) -> Mapping[str, str]:
        """What each input counts or measures, by input name (inputs that declare it)."""
        return {s.name: s.counts or s.measures for s in self.inputs if s.counts or s.measures}

    @functools.cached_property  # attrs keeps a slot for it (attrs >= 23.2)
    def data_inputs(self) -> tuple[InputSpec, ...]:
        """The inputs the data gives (not those taken from other indicators' results)."""
        return tuple(spec for spec in self.inputs if spec.source is None)

    @functools.cached_property
    def uses(self) -> tuple[str, ...]:
        """The ids of the indicators whose results this one takes as inputs."""
        return tuple(dict.fromkeys(spec.source[0] for spec in self.inputs if spec.source))


@attrs.frozen
class Catalogue:
    """All indicators of one unit type for one year, with the policy that shapes their figures."""

    year: int
    unit_type: str
    title: str
    policy: Policy
    sasaran: tuple[Sasaran, ...]
    indicators: tuple[Indicator, ...]
    files: tuple[str, ...]
    #: Categories over capaian, shown as status; the default is tercapai from 100.
    bands: tuple[Band, ...] = DEFAULT_STATUS_BANDS
    #: An extension: adds to the catalogue in force for its unit type and year (see registry).
    extends: bool = False
    #: Where the catalogue's figures come from (its ``source``, shown by the manual).
    source: str = ""
    #: First and last year of the Renstra (Bab III's Renstra tables), when declared.
    renstra_period: tuple[int, int] | None = None
    #: Where each top-level key was written: "year", "extends", …
    locations: Mapping[str, Location] = attrs.field(factory=dict, eq=False, repr=False)

    def where(self, key: str) -> Location:
        """The location of top-level ``key``, or the first file when it is not written."""
        return self.locations.get(key) or Location(self.files[0], field=key)

    @property
    def key(self) -> tuple[str, int]:
        return (self.unit_type, self.year)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((ind for ind in self.indicators if ind.id == indicator_id), None)

    def indicators_of(self, sasaran_id: str) -> tuple[Indicator, ...]:
        return tuple(ind for ind in self.indicators if ind.sasaran == sasaran_id)


_ORDERS: dict[int, tuple[tuple[Indicator, ...], list[Indicator]]] = {}


def evaluation_order(indicators: tuple[Indicator, ...]) -> list[Indicator]:
    """The indicators with each after those whose results it uses (catalogue order otherwise);
    the catalogue loader has refused cycles. Remembered per catalogue: evaluating a country's
    units asks for the same order thousands of times."""
    known = _ORDERS.get(id(indicators))
    if known is not None and known[0] is indicators:
        return known[1]
    order = _evaluation_order(indicators)
    if len(_ORDERS) > 256:
        _ORDERS.clear()
    _ORDERS[id(indicators)] = (indicators, order)
    return order


def _evaluation_order(indicators: tuple[Indicator, ...]) -> list[Indicator]:
    by_id = {indicator.id: indicator for indicator in indicators}
    ordered: list[Indicator] = []
    done: set[str] = set()
    for indicator in indicators:
        _place_after_uses(indicator, by_id, frozenset(), done, ordered)
    return ordered


# The depth-first walks below are functions of their own, not closures that call themselves: a
# closure calling itself is a reference cycle, and it would keep each catalogue's indicators
# alive until the next garbage collection (validate runs with few collections).


def _place_after_uses(
    indicator: Indicator,
    by_id: Mapping[str, Indicator],
    trail: frozenset[str],
    done: set[str],
    ordered: list[Indicator],
) -> None:
    """Append ``indicator`` to ``ordered`` after the indicators it uses (``trail``: those on the
    way to it, which a cycle would revisit)."""
    if indicator.id in done or indicator.id in trail:
        return
    for used in indicator.uses:
        if used in by_id:
            _place_after_uses(by_id[used], by_id, trail | {indicator.id}, done, ordered)
    done.add(indicator.id)
    ordered.append(indicator)


def dependency_cycles(indicators: Sequence[Indicator]) -> list[list[str]]:
    """Each circle of indicators using each other's results, as ids ``[a, b, a]``, once."""
    by_id = {indicator.id: indicator for indicator in indicators}
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    state: dict[str, str] = {}
    for indicator in indicators:
        _find_cycles(indicator.id, [], by_id, cycles, seen, state)
    return cycles


def _find_cycles(
    indicator_id: str,
    trail: list[str],
    by_id: Mapping[str, Indicator],
    cycles: list[list[str]],
    seen: set[frozenset[str]],
    state: dict[str, str],
) -> None:
    """Append to ``cycles`` each new circle through ``indicator_id`` reached along ``trail``."""
    if state.get(indicator_id) == "done":
        return
    if indicator_id in trail:
        cycle = trail[trail.index(indicator_id) :] + [indicator_id]
        if frozenset(cycle) not in seen:
            seen.add(frozenset(cycle))
            cycles.append(cycle)
        return
    for used in by_id[indicator_id].uses:
        if used in by_id:
            _find_cycles(used, trail + [indicator_id], by_id, cycles, seen, state)
    state[indicator_id] = "done"
