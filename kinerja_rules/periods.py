"""Reporting periods within a year: months, quarters (triwulan), semesters and the year.

Units enter their realisation every month (E-Performance), every quarter (Rencana Aksi) and at
year end (LKjIP). A period is named the same way everywhere: in data files by its key within
the year (``"06"``, ``"Q2"``, ``"S1"``), on the command line with its year (``2023-06``,
``2023-Q2``, ``2023-S1``, ``2023``). Every period covers a run of months, which is all the
consolidation needs to know: which periods lie in "s.d. Juni", and which one ends a quarter.
"""

from __future__ import annotations

import re

import attrs

MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_ROMAN = ("I", "II", "III", "IV")

#: Kinds of period, with how many months each lasts.
LENGTHS = {"month": 1, "quarter": 3, "semester": 6, "year": 12}

#: What a data file may write as a period key, and what it means (the key's canonical form is
#: ``Period.key``): months 1–12 (``"06"`` or ``"6"``), quarters ``Q1``–``Q4`` (or ``TW1``–``TW4``,
#: triwulan), semesters ``S1``–``S2``.
KEY_DOC = 'months "01"–"12", quarters "Q1"–"Q4" (or "TW1"–"TW4"), semesters "S1"–"S2"'
#: The same, as a pattern for the JSON Schema and the catalogue's key checks.
PERIOD_KEY_PATTERN = r"\s*(?:0?[1-9]|1[0-2]|(?:[Qq]|[Tt][Ww])\s*[1-4]|[Ss]\s*[12])\s*"
_KEY = re.compile(r"(?i)^\s*(?:(0?[1-9]|1[0-2])|(?:Q|TW)\s*([1-4])|S\s*([12]))\s*$")
_FULL = re.compile(r"^\s*(\d{4})(?:-(.+))?\s*$")


@attrs.frozen(order=True, cache_hash=True)
class Period:
    """A run of months of one year: month 6, quarter 2 (months 4–6), semester 1, the year.

    Its hash is kept (``cache_hash``): consolidating a data set to date looks its periods up
    in dicts several times per indicator."""

    first: int
    last: int
    kind: str = attrs.field(order=False)

    @property
    def key(self) -> str:
        """The period's key within its year, as data files write it: ``06``, ``Q2``, ``S1``."""
        if self.kind == "month":
            return f"{self.first:02d}"
        if self.kind == "quarter":
            return f"Q{self.last // 3}"
        if self.kind == "semester":
            return f"S{self.last // 6}"
        return "Y"

    @property
    def months(self) -> range:
        return range(self.first, self.last + 1)

    def label(self, lang: str = "id") -> str:
        """``Juni``, ``TW II``, ``Semester I``, ``Tahun`` (English: ``June``, ``Q2``, ``H1``)."""
        if lang != "id":
            if self.kind == "month":
                return _ENGLISH_MONTHS[self.first - 1]
            return {"quarter": f"Q{self.last // 3}", "semester": f"H{self.last // 6}"}.get(
                self.kind, "Year"
            )
        if self.kind == "month":
            return MONTH_NAMES[self.first - 1]
        if self.kind == "quarter":
            return f"TW {_ROMAN[self.last // 3 - 1]}"
        if self.kind == "semester":
            return f"Semester {_ROMAN[self.last // 6 - 1]}"
        return "Tahun"

    def to_date_label(self, lang: str = "id") -> str:
        """``s.d. Juni`` — cumulative from January to the end of this period."""
        if self.kind == "year":
            return self.label(lang)
        return f"s.d. {self.label(lang)}" if lang == "id" else f"to {self.label(lang)}"


_ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

YEAR = Period(1, 12, "year")


#: One object per period of the year: a data set's periods and those the evaluation looks them
#: up by are then the same objects, which a dict finds by identity, without ``Period.__eq__``.
_MONTHS = {n: Period(n, n, "month") for n in range(1, 13)}
_QUARTERS = {n: Period(3 * n - 2, 3 * n, "quarter") for n in range(1, 5)}
_SEMESTERS = {n: Period(6 * n - 5, 6 * n, "semester") for n in range(1, 3)}
_OF_KIND = {
    "month": tuple(_MONTHS.values()),
    "quarter": tuple(_QUARTERS.values()),
    "semester": tuple(_SEMESTERS.values()),
    "year": (YEAR,),
}


def month(number: int) -> Period:
    known = _MONTHS.get(number)
    return known if known is not None else Period(number, number, "month")


def quarter(number: int) -> Period:
    known = _QUARTERS.get(number)
    return known if known is not None else Period(3 * number - 2, 3 * number, "quarter")


def semester(number: int) -> Period:
    known = _SEMESTERS.get(number)
    return known if known is not None else Period(6 * number - 5, 6 * number, "semester")


#: Period slots of columnar data: 0 the year, 1-12 months, 13-16 quarters, 17-18 semesters.
SLOT_PERIODS: tuple[Period | None, ...] = (
    None,
    *(month(m) for m in range(1, 13)),
    *(quarter(q) for q in range(1, 5)),
    *(semester(s) for s in range(1, 3)),
)
SLOTS = len(SLOT_PERIODS)
KIND_SLOTS = {"month": list(range(1, 13)), "quarter": list(range(13, 17)), "semester": [17, 18]}


def slot_of(period: Period | None) -> int:
    """The slot of a period (the year, ``None`` or ``YEAR``, is slot 0)."""
    return 0 if period is None or period == YEAR else SLOT_PERIODS.index(period)


def period_of_key(text: str) -> Period | None:
    """The period a data file's key names (``"06"``, ``"6"``, ``"Q2"``, ``"TW2"``, ``"S1"``), or
    None when the text names no period."""
    found = _KEY.match(str(text))
    if found is None:
        return None
    number, quarter_number, semester_number = found.groups()
    if number:
        return month(int(number))
    if quarter_number:
        return quarter(int(quarter_number))
    return semester(int(semester_number))


def parse_period(text: str) -> tuple[int, Period]:
    """``2023-06`` → (2023, June); ``2023-Q2``, ``2023-S1``, ``2023`` likewise.

    Raises ``ValueError`` with a message for people when the text names no period.
    """
    found = _FULL.match(text)
    if found is not None:
        year, rest = int(found.group(1)), found.group(2)
        if rest is None:
            return year, YEAR
        period = period_of_key(rest)
        if period is not None:
            return year, period
    raise ValueError(
        f"{text!r} is not a period: write YEAR-MM (2023-06), YEAR-Qn (2023-Q2), "
        "YEAR-Sn (2023-S1) or YEAR (2023)"
    )


def periods_of(kind: str) -> tuple[Period, ...]:
    """Every period of one kind in a year, in order (the shared objects); KeyError for a kind
    that is not one of :data:`LENGTHS`."""
    return _OF_KIND[kind]
