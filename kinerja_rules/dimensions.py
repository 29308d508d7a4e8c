"""Units of measure: what an input counts or measures, and what an indicator's unit means.

A formula is only as right as the quantities it combines: klien divided by klien is a share,
klien plus Rupiah is a slip. This module is the vocabulary ``validate`` proves formulas against
(:mod:`kinerja_rules.dimension_check` does the proving): the words a catalogue may write after
``counts =`` or ``measures =`` on an input, and the dimension each indicator ``unit`` stands for.
It knows nothing of formulas or catalogues, so plugins extend it (hook ``kinerja_dimensions``)
with plain :class:`Term` objects.

A dimension is a product of base units with integer exponents (klien¹·layanan⁻¹ is "klien per
layanan") and a power of the percent scale (a ratio times 100 is a percent). Only some products
have a name in the vocabulary — a count, an amount of money or time, an index, a ratio, a
percent, a rate of one thing per another — and only those are checked; anything else (a count
times a count, a plugin function's result) is *unknown*: never an error, never proved.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import attrs

#: The kinds of a :class:`Term`.
COUNT = "count"
MONEY = "money"
TIME = "time"
INDEX = "index"
PERCENT = "percent"

#: The base of an input that declares nothing: a count of anything (compatible with every count).
GENERIC = "jumlah"


@attrs.frozen
class Term:
    """A word of the vocabulary: ``klien`` (a count of people, a kind of ``orang``), ``Rp``
    (money), ``hari`` (time), …

    ``parent`` is the wider count it is a kind of: a count of klien divided by a count of orang
    is still a share, while klien divided by layanan is a rate.
    """

    name: str
    kind: str
    parent: str | None = None
    doc: str = ""


#: The built-in vocabulary. Counts of people are kinds of ``orang``.
BUILTIN_TERMS: tuple[Term, ...] = (
    Term("orang", COUNT, doc="people, of any kind"),
    Term("klien", COUNT, "orang", "klien pemasyarakatan (Bapas)"),
    Term("anak", COUNT, "orang", "Anak (LPKA, Bapas)"),
    Term("tahanan", COUNT, "orang", "tahanan (Rutan)"),
    Term("narapidana", COUNT, "orang", "narapidana (Lapas)"),
    Term("pegawai", COUNT, "orang", "the unit's staff"),
    Term("dokumen", COUNT, doc="documents"),
    Term("layanan", COUNT, doc="services delivered"),
    Term("unit", COUNT, doc="things counted as units"),
    Term("kegiatan", COUNT, doc="activities held"),
    Term("laporan", COUNT, doc="reports"),
    Term("kejadian", COUNT, doc="incidents"),
    Term("unsur", COUNT, doc="elements a survey scores (IKM, PermenPANRB 14/2017)"),
    Term("Rp", MONEY, doc="Rupiah"),
    Term("hari", TIME, doc="days"),
    Term("bulan", TIME, doc="months"),
    Term("indeks", INDEX, doc="points of an index (its scale is the indicator's)"),
    Term("%", PERCENT, doc="a percentage (a share already times 100)"),
)


@attrs.frozen
class Vocabulary:
    """The terms in force: the built-in ones and those every plugin adds."""

    terms: Mapping[str, Term]

    @classmethod
    def of(cls, extra: Iterable[Term] = ()) -> Vocabulary:
        terms = {term.name: term for term in BUILTIN_TERMS}
        for term in extra:
            terms[term.name] = term
        return cls(terms)

    def term(self, name: str) -> Term | None:
        return self.terms.get(name)

    def compatible(self, first: str, second: str) -> bool:
        """Whether counts of ``first`` and ``second`` are counts of one kind: the same word, a
        generic count, or one a kind of the other (klien and orang)."""
        if first == second or GENERIC in (first, second):
            return True
        counts = (self.terms.get(first), self.terms.get(second))
        if any(term is None or term.kind != COUNT for term in counts):
            return False
        return second in self.ancestors(first) or first in self.ancestors(second)

    def ancestors(self, name: str) -> list[str]:
        found: list[str] = []
        term = self.terms.get(name)
        while term is not None and term.parent is not None and term.parent not in found:
            found.append(term.parent)
            term = self.terms.get(term.parent)
        return found


DEFAULT_VOCABULARY = Vocabulary.of()


@attrs.frozen
class Dimension:
    """A product of base units (``(("klien", 1), ("layanan", -1))``, sorted) times 100 to the
    power ``hundred``; ``literal`` marks a value made of literals only, which takes the dimension
    of what it is added to (``100 - x``, ``50 + e``). ``None`` bases: unknown. ``generic``
    marks a value that depends on an input declaring no unit: it is checked against the
    indicator's unit only where any count would be wrong (a ratio on a % indicator)."""

    bases: tuple[tuple[str, int], ...] | None = ()
    hundred: int = 0
    literal: bool = False
    generic: bool = attrs.field(default=False, eq=False)

    @property
    def known(self) -> bool:
        return self.bases is not None


UNKNOWN = Dimension(None)
SCALAR = Dimension((), 0, literal=True)
RATIO = Dimension(())
PERCENT_DIMENSION = Dimension((), 1)


@functools.lru_cache(maxsize=1024)
def base(name: str) -> Dimension:
    """The dimension of one base unit: a count of ``name``, or an amount of it (one object per
    name: every input of every catalogue asks for one)."""
    return Dimension(((name, 1),), generic=name == GENERIC)


def term_dimension(term: Term) -> Dimension:
    if term.kind == PERCENT:
        return PERCENT_DIMENSION
    return base(term.name)


def unit_dimension(unit: str, vocabulary: Vocabulary = DEFAULT_VOCABULARY) -> Dimension | None:
    """The dimension an indicator's ``unit`` stands for: ``%`` a percent, ``Indeks`` an index,
    ``Layanan`` a count of layanan, ``Rp`` money, ``hari`` days; None for a unit the vocabulary
    does not name (then its formula is not checked against it)."""
    text = unit.strip()
    if text == "%":
        return PERCENT_DIMENSION
    for candidate in (text, text.lower()):
        term = vocabulary.term(candidate)
        if term is not None:
            return term_dimension(term)
    return None


def describe(dimension: Dimension, vocabulary: Vocabulary = DEFAULT_VOCABULARY) -> str:
    """The dimension in words: "a percent", "a ratio", "a count of klien", "Rp",
    "a rate (klien per layanan)", "a count of klien × 100", "an unknown dimension"."""
    if dimension.bases is None:
        return "an unknown dimension"
    if dimension.literal:
        return "a number"
    up = [name for name, power in dimension.bases for _ in range(max(power, 0))]
    down = [name for name, power in dimension.bases for _ in range(max(-power, 0))]
    if not up and not down:
        text = {0: "a ratio", 1: "a percent"}.get(dimension.hundred)
        return text or f"a ratio × 100^{dimension.hundred}"
    if len(up) == 1 and not down:
        text = _amount(up[0], vocabulary)
    elif up and down:
        text = f"a rate ({' × '.join(up)} per {' × '.join(down)})"
    else:
        text = f"a product ({' × '.join(up) or '1'} per {' × '.join(down) or '1'})"
    if dimension.hundred:
        text += " × 100" if dimension.hundred == 1 else f" × 100^{dimension.hundred}"
    return text


def _amount(name: str, vocabulary: Vocabulary) -> str:
    term = vocabulary.term(name)
    if term is not None and term.kind == MONEY:
        return name
    if term is not None and term.kind == TIME:
        return f"a time in {name}"
    if term is not None and term.kind == INDEX:
        return "index points"
    if name == GENERIC:
        return "a count"
    return f"a count of {name}"


#: What :func:`returns` may declare besides a word of the vocabulary.
SAME = "same"
RATIO = "ratio"


def returns(dimension: str):
    """Declare the dimension of a plugin formula function's result, so ``validate`` can prove
    the formulas that call it::

        @returns("same")        # of its arguments, which must all agree (like min and max)
        def median(*values): ...

        @returns("ratio")       # a bare ratio (× 100 makes a percent)
        def share(part, whole): ...

        @returns("hari")        # a word of the vocabulary, or "%"
        def days_between(start, end): ...

    An undeclared function's result is of unknown dimension: never an error, never proved.
    """

    def mark(function):
        function.kinerja_dimension = dimension
        return function

    return mark


def declared_result(declared: str, vocabulary: Vocabulary = DEFAULT_VOCABULARY) -> Dimension | None:
    """The dimension a :func:`returns` declaration names (None for ``same`` or an unknown word)."""
    if declared == RATIO:
        return Dimension(())
    if declared == SAME:
        return None
    term = vocabulary.term(declared)
    return term_dimension(term) if term is not None else None
