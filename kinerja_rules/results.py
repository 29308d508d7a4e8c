"""What an evaluation produces: per-indicator results with their derivation, and roll-ups."""

from __future__ import annotations

import ast
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple, TypeVar, overload

import attrs

from .decimals import CONTEXT, Figure
from .derivation import render
from .diagnostics import Diagnostic
from .formatting import format_decimal, format_percent, format_quantity
from .formula import Formula
from .model import Catalogue, Indicator, Sasaran, Target
from .periods import Period

if TYPE_CHECKING:
    from .data import UnitData

CAPAIAN_LABELS = {
    "id": {"R": "realisasi", "T": "target"},
    "en": {"R": "realisation", "T": "target"},
}


class Status(str, enum.Enum):
    """Whether an indicator or a sasaran met its target; the value is the report's Indonesian."""

    TERCAPAI = "tercapai"
    TIDAK_TERCAPAI = "tidak tercapai"
    TIDAK_DAPAT_DIUKUR = "tidak dapat diukur"

    def label(self, lang: str = "id") -> str:
        """The status as a report in ``lang`` writes it ("id": the value, else English)."""
        if lang == "id":
            return self.value
        return {"tercapai": "achieved", "tidak tercapai": "not achieved"}.get(
            self.value, "not measurable"
        )


@attrs.frozen
class Derivation:
    """How a result was obtained, so a reader can redo the arithmetic; rendered per language."""

    #: "formula" (computed from inputs), "reported" (realisasi given directly), "not_measured"
    #: (the data says why), "missing" (no data) or "not_applicable" (a rule or the arithmetic).
    source: str
    formula: Formula
    inputs: Mapping[str, Decimal]
    unit: str
    decimals: int
    realisasi: Figure | None = None
    capaian_formula: Formula | None = None
    #: The R (exact or shown realisasi, as the policy says) and T that capaian was computed from.
    capaian_inputs: Mapping[str, Decimal] = attrs.field(factory=dict)
    capaian: Figure | None = None
    capped: bool = False
    floored: bool = False
    #: The capaian the rule gave before the floor or the cap replaced it (−22,22 → 0).
    unbounded: Decimal | None = None
    #: Which way the capaian rule went: "above"/"below"/"inside" a range target, "zero_met" /
    #: "zero_missed" against a target of 0, or None (the rule applied as written).
    capaian_branch: str | None = None
    target: Target | None = None
    #: For a figure consolidated from periods: how ("jumlah Januari–Juni").
    origin: str | None = None
    #: What each input counts or measures ("klien", "Rp"), written after its value.
    input_units: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def percent(self) -> bool:
        return self.unit == "%"

    def realisasi_expression(self, lang: str = "id") -> str:
        """``A / B × 100%`` (for ``x if c else y``, the branch the inputs took)."""
        return render(self.formula, percent=self.percent, lang=lang, branches_for=self.inputs)

    def realisasi_substituted(self, lang: str = "id") -> str | None:
        """``629 / 1277 × 100%`` (None when the realisasi was not computed from inputs)."""
        if self.source not in ("formula", "not_applicable") or not self.inputs:
            return None
        places = self.decimals + 4  # a composite's inputs are exact results: cut them
        values = {
            name: with_unit(short_exact(value, places, lang), self.input_units.get(name))
            for name, value in self.inputs.items()
        }
        return render(
            self.formula, values, percent=self.percent, lang=lang, branches_for=self.inputs
        )

    def capaian_expression(self, lang: str = "id") -> str | None:
        """``realisasi / target × 100%``"""
        if self.capaian_formula is None:
            return None
        return render(self.capaian_formula, percent=True, lang=lang, labels=CAPAIAN_LABELS[lang])

    def capaian_substituted(self, lang: str = "id") -> str | None:
        """``49,2560… / 60 × 100%``: long exact values are cut with an ellipsis."""
        if self.capaian_formula is None:
            return None
        places = self.decimals + 4
        values = {
            name: short_exact(value, places, lang) for name, value in self.capaian_inputs.items()
        }
        realisasi = self.capaian_inputs.get("R")
        exponent = realisasi.as_tuple().exponent if realisasi is not None else None
        if realisasi is not None and isinstance(exponent, int) and -exponent < self.decimals:
            # 350 / 500 × 100 is exactly 70,0: written 70,00, as the realisasi column shows it.
            padded = realisasi.quantize(Decimal(1).scaleb(-self.decimals), context=CONTEXT)
            values["R"] = format_decimal(padded, lang)
        return render(self.capaian_formula, values, percent=True, lang=lang)

    def lines(self, lang: str = "id") -> list[str]:
        """The derivation as report lines, e.g. ``A / B × 100% = 629 / 1277 × 100% = 49,26%``."""
        out = []
        label = "Realisasi" if lang == "id" else "Realisation"
        if self.realisasi is not None:
            shown = format_quantity(self.realisasi.shown, self.unit, lang)
            if self.source == "formula" and isinstance(self.formula.tree, ast.Name):
                # A count taken as it is: "N = 1 Kejadian", not "N = 1 = 1 Kejadian".
                out.append(f"{label}: {self.realisasi_expression(lang)} = {shown}")
            elif self.source == "formula":
                expression = self.realisasi_expression(lang)
                out.append(f"{label}: {expression} = {self.realisasi_substituted(lang)} = {shown}")
            else:
                reported = "dilaporkan langsung" if lang == "id" else "reported directly"
                out.append(f"{label}: {shown} ({self.origin or reported})")
            if self.origin and self.source == "formula":
                out[-1] += f" ({self.origin})"
        if self.capaian is not None:
            shown = format_percent(self.capaian.shown, lang)
            label = "Capaian" if lang == "id" else "Achievement"
            if self.unbounded is not None:
                # The rule's own figure, then the bound that replaced it: −22,22% → 0,00%.
                rule = short_exact(self.unbounded, self.decimals + 2, lang) + "%"
                bound = {
                    ("id", True): "dibatasi batas atas capaian",
                    ("id", False): "dibatasi batas bawah capaian",
                    ("en", True): "capped",
                    ("en", False): "floored",
                }[("id" if lang == "id" else "en", self.capped)]
                shown = f"{rule} → {shown} ({bound})"
            if self.capaian_formula is not None:
                written = self.capaian_expression(lang)
                line = f"{label}: {written} = {self.capaian_substituted(lang)} = {shown}"
            else:
                line = f"{label}: {shown}"
            why = self.branch_text(lang)
            if why:
                line += f" ({why})"
            out.append(line)
        return out

    def branch_text(self, lang: str = "id") -> str | None:
        """Why capaian took the way it did: which bound of a range, or a zero target's rule."""
        if self.capaian_branch is None or self.target is None:
            return None
        span = (
            f"{format_decimal(self.target.lower, lang)}–{format_decimal(self.target.upper, lang)}"
        )
        texts = {
            "id": {
                "above": f"di atas rentang target {span}: T = batas atas",
                "below": f"di bawah rentang target {span}: T = batas bawah",
                "inside": f"di dalam rentang target {span}",
                "zero_met": "target 0 tercapai",
                "zero_missed": "target 0 tidak tercapai",
            },
            "en": {
                "above": f"above the target range {span}: T = upper bound",
                "below": f"below the target range {span}: T = lower bound",
                "inside": f"inside the target range {span}",
                "zero_met": "target of 0 met",
                "zero_missed": "target of 0 missed",
            },
        }
        return texts[lang][self.capaian_branch]


@attrs.frozen
class Anggaran:
    """The budget the PK attaches to an indicator and what was realised of it (whole Rupiah)."""

    pagu: int
    realisasi: int | None

    @property
    def persen(self) -> Decimal | None:
        if self.realisasi is None or self.pagu == 0:
            return None
        return CONTEXT.divide(Decimal(self.realisasi) * 100, Decimal(self.pagu))


def _derivation_of(value: IndicatorResult | Derivation | Callable[[], Derivation]) -> Derivation:
    """The built derivation of a result (or of a result's stored derivation field), kept."""
    if isinstance(value, IndicatorResult):
        derivation = value._derivation
        if isinstance(derivation, Derivation):
            return derivation
        built = derivation()
        object.__setattr__(value, "_derivation", built)  # a cache: the result stays the same
        return built
    return value if isinstance(value, Derivation) else value()


@attrs.frozen
class IndicatorResult:
    """One indicator evaluated for one unit: target, realisasi, capaian and status, or why it
    cannot be measured (``na_reason``)."""

    indicator: Indicator
    target: Target | None
    realisasi: Figure | None
    capaian: Figure | None
    status: Status
    na_reason: str | None
    #: The Derivation, or a function that makes it: built on first use (see ``derivation``).
    _derivation: Derivation | Callable[[], Derivation] = attrs.field(
        alias="derivation", eq=_derivation_of, repr=False
    )
    anggaran: Anggaran | None = None
    #: The catalogue's band holding the capaian (None when not measured, or no band holds it).
    category: str | None = None
    #: Evaluated for a period: the realisasi of that period alone (the main figures are to date).
    period_realisasi: Figure | None = None

    @property
    def measured(self) -> bool:
        return self.capaian is not None

    @property
    def derivation(self) -> Derivation:
        """How the figures were obtained; made when first asked (most results never are)."""
        return _derivation_of(self)


class Outcome(NamedTuple):
    """One indicator's evaluation as it is decided: exact figures and the facts a derivation
    needs, nothing built that a reader may never ask for.

    Evaluating a country's units decides millions of these; the shown figures, the status, the
    :class:`Derivation` and the :class:`IndicatorResult` are made from it only when a report's
    indicators are looked at (``Report.indicators``).
    """

    indicator: Indicator
    #: "formula", "reported", "not_measured", "missing" or "not_applicable" (as Derivation).
    source: str
    inputs: Mapping[str, Decimal]
    origin: str | None
    realisasi: Decimal | None
    capaian: Decimal | None
    na_reason: str | None
    capaian_formula: Formula | None = None
    capaian_inputs: Mapping[str, Decimal] = MappingProxyType({})
    capped: bool = False
    floored: bool = False
    unbounded: Decimal | None = None
    capaian_branch: str | None = None


_T = TypeVar("_T")


class Deferred(Sequence[_T]):
    """A tuple made on first use: a report's results are built only when someone looks.

    Behaves as the tuple ``build()`` returns (indexing, iteration, ``len``, equality with any
    sequence, hashing, pickling); ``build`` runs at most once per reader in practice, and its
    result is kept. Building twice in a race gives equal tuples, so no lock is needed.
    """

    __slots__ = ("_build", "_items")

    def __init__(self, build: Callable[[], Iterable[_T]]):
        self._build: Callable[[], Iterable[_T]] | None = build
        self._items: tuple[_T, ...] | None = None

    @classmethod
    def of(cls, items: Iterable[_T]) -> Deferred[_T]:
        ready = cls(tuple)
        ready._items, ready._build = tuple(items), None
        return ready

    def items(self) -> tuple[_T, ...]:
        items = self._items
        if items is None:
            build = self._build
            assert build is not None
            items = self._items = tuple(build())
            self._build = None
        return items

    @overload
    def __getitem__(self, index: int) -> _T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...
    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        return self.items()[index]

    def __len__(self) -> int:
        return len(self.items())

    def __iter__(self) -> Iterator[_T]:
        return iter(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            return self.items() == other.items()
        if isinstance(other, (tuple, list)):
            return self.items() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.items())

    def __repr__(self) -> str:
        return repr(self.items())

    def __reduce__(self) -> tuple[object, ...]:
        return (Deferred.of, (self.items(),))


@attrs.frozen
class SasaranResult:
    """One sasaran's capaian, rolled up from its indicators' as the catalogue says, and how many
    of its ``total`` indicators were ``measured``."""

    sasaran: Sasaran
    capaian: Figure | None
    measured: int
    total: int
    status: Status
    category: str | None = None


@attrs.frozen
class Report:
    """The evaluation of one unit's data: every indicator's result, every sasaran's and the
    overall capaian."""

    catalogue: Catalogue
    data: UnitData
    #: In catalogue order; built when first looked at (see :class:`Outcome`).
    indicators: Sequence[IndicatorResult]
    sasaran: Sequence[SasaranResult]
    overall: Figure | None
    #: Located warnings about the data: a breached assumption, input maximum or invariant.
    findings: Sequence[Diagnostic] = ()
    #: The period evaluated to date (None: the whole year).
    period: Period | None = None

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of the indicator with this id; KeyError when there is none."""
        for result in self.indicators:
            if result.indicator.id == indicator_id:
                return result
        raise KeyError(indicator_id)


def with_unit(number: str, unit: str | None) -> str:
    """A value with what it counts or measures, as Indonesian reports write it: ``629 klien``,
    ``Rp5.069.030.000``, ``49,26%``; the bare number when nothing is declared."""
    if not unit:
        return number
    if unit == "Rp":
        return f"Rp{number}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"


def short_exact(value: Decimal, places: int, lang: str = "id") -> str:
    """An exact value for a derivation line: in full when it has at most ``places`` decimals,
    else cut (not rounded) to ``places`` decimals with an ellipsis."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent <= places:
        return format_decimal(value, lang)
    cut = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN, context=CONTEXT)
    return format_decimal(cut, lang) + "…"
