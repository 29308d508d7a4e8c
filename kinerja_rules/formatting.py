"""Numbers as people read them: ``82,09%`` and ``Rp 5.069.030.000`` in Indonesian, ``82.09%``
in English.

Only display goes through here. Values arrive already rounded by the catalogue's rule
(:func:`kinerja_rules.decimals.round_shown`); this module never rounds, it only writes digits.
"""

from __future__ import annotations

from decimal import Decimal

LANGS = ("id", "en")

_SEPARATORS = {"id": (",", "."), "en": (".", ",")}  # (decimal point, thousands)


def format_decimal(value: Decimal | int, lang: str = "id", group: bool = False) -> str:
    """Plain (never scientific) notation with the language's separators."""
    point, thousands = _SEPARATORS[lang]
    text = format(Decimal(value), "f")
    sign = "-" if text.startswith("-") else ""
    integer, _, fraction = text.lstrip("-").partition(".")
    if group:
        integer = f"{int(integer):,}".replace(",", thousands)
    return sign + integer + (point + fraction if fraction else "")


def format_percent(value: Decimal, lang: str = "id") -> str:
    return format_decimal(value, lang) + "%"


def format_rupiah(amount: int) -> str:
    """``Rp 5.069.030.000``: whole Rupiah with dots between thousands."""
    return "Rp " + format_decimal(amount, "id", group=True)


def format_quantity(value: Decimal, unit: str, lang: str = "id") -> str:
    """A realisasi or target in its unit: ``49,26%``, ``54 Unit``, ``1 Layanan``, ``80 Indeks``."""
    if unit == "%":
        return format_percent(value, lang)
    if value == value.to_integral_value():
        value = value.to_integral_value()  # "54 Unit", not "54.00 Unit"; exact at any size
    return f"{format_decimal(value, lang)} {unit}"
