"""``kinerja-rules diff``: what changed between two catalogues, and what it does to the figures.

Indicators are matched by id (ids are kept across years). For each indicator present in both,
the fields a reader of the report cares about are compared: name, sasaran, unit, polarity,
formula, inputs, target, capaian rule, floor, cap, weight. With data, both catalogues evaluate
the same data, and every indicator and roll-up whose capaian moves is listed.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from .bands import describe
from .evaluation import NotApplicableRule, evaluate
from .formatting import format_decimal
from .formula import Formula
from .model import Catalogue, Indicator, Target
from .results import Report


@attrs.frozen
class Change:
    indicator_id: str
    field: str
    old: str
    new: str


@attrs.frozen
class Effect:
    """A capaian that moves from one catalogue to the other for the same data."""

    what: str
    old: Decimal | None
    new: Decimal | None


@attrs.frozen
class CatalogueDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[Change, ...]
    effects: tuple[Effect, ...] = ()


def _target(target: Target | None) -> str:
    if target is None:
        return "-"
    if not target.is_range:
        return format_decimal(target.value, "en")
    return f"{format_decimal(target.lower, 'en')}-{format_decimal(target.upper, 'en')}"


def _inputs(indicator: Indicator) -> str:
    return ", ".join(
        f"{spec.name}" + (f" from {'.'.join(spec.source)}" if spec.source else "")
        for spec in indicator.inputs
    )


def _number(value: Decimal | None) -> str:
    return format_decimal(value, "en") if value is not None else "-"


#: What is compared, and how each side is written.
_FIELDS = {
    "name": lambda i: i.name,
    "sasaran": lambda i: i.sasaran,
    "unit": lambda i: i.unit,
    "polarity": lambda i: i.polarity.value,
    "formula": lambda i: i.formula.text,
    "inputs": _inputs,
    "target": lambda i: _target(i.target),
    "capaian": lambda i: i.capaian.text if i.capaian is not None else "(policy)",
    "capaian_floor": lambda i: _number(i.capaian_floor),
    "capaian_cap": lambda i: _number(i.capaian_cap),
    "weight": lambda i: _number(i.weight),
}


def _plain(value) -> str:
    """A policy or sasaran value as the diff shows it: formulas by their text."""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, Decimal):
        return _number(value)
    return str(value)


def _bands(catalogue: Catalogue) -> str:
    return "; ".join(f"{band.name}: {describe(band)}" for band in catalogue.bands)


def diff(old: Catalogue, new: Catalogue) -> CatalogueDiff:
    """Indicators added, removed, and changed field by field."""
    before = {i.id: i for i in old.indicators}
    after = {i.id: i for i in new.indicators}
    changed = [
        Change("(catalogue)", field, str(getattr(old, field)), str(getattr(new, field)))
        for field in ("year", "title", "source")
        if getattr(old, field) != getattr(new, field)
    ]
    # The policy and the sasaran shape every figure: a change there is listed like any other.
    for field in attrs.fields(type(old.policy)):
        was, now = _plain(getattr(old.policy, field.name)), _plain(getattr(new.policy, field.name))
        if was != now:
            changed.append(Change("(policy)", field.name, was, now))
    if old.bands != new.bands:
        changed.append(Change("(catalogue)", "band", _bands(old), _bands(new)))
    old_sasaran = {s.id: s for s in old.sasaran}
    for sasaran in new.sasaran:
        previous = old_sasaran.get(sasaran.id)
        if previous is None:
            changed.append(Change(f"sasaran {sasaran.id}", "added", "", sasaran.name))
            continue
        for field in ("name", "level", "weight"):
            was, now = _plain(getattr(previous, field)), _plain(getattr(sasaran, field))
            if was != now:
                changed.append(Change(f"sasaran {sasaran.id}", field, was, now))
    for sasaran_id in old_sasaran.keys() - {s.id for s in new.sasaran}:
        changed.append(Change(f"sasaran {sasaran_id}", "removed", old_sasaran[sasaran_id].name, ""))
    for indicator_id, indicator in after.items():
        previous = before.get(indicator_id)
        if previous is None:
            continue
        for field, show in _FIELDS.items():
            if show(previous) != show(indicator):
                changed.append(Change(indicator_id, field, show(previous), show(indicator)))
    return CatalogueDiff(
        tuple(i for i in after if i not in before),
        tuple(i for i in before if i not in after),
        tuple(changed),
    )


def with_effects(
    found: CatalogueDiff, old: Catalogue, new: Catalogue, data, rule: NotApplicableRule
) -> CatalogueDiff:
    """``found`` with what each catalogue makes of the same data: every capaian that moves."""
    reports = (evaluate(old, data, rule), evaluate(new, data, rule))
    return attrs.evolve(found, effects=tuple(_effects(*reports)))


def _effects(old: Report, new: Report):
    def figures(report: Report) -> dict[str, Decimal | None]:
        found = {
            f"indicator {r.indicator.id}": (r.capaian.shown if r.capaian else None)
            for r in report.indicators
        }
        found.update(
            {
                f"sasaran {s.sasaran.id}": (s.capaian.shown if s.capaian else None)
                for s in report.sasaran
            }
        )
        found["overall"] = report.overall.shown if report.overall else None
        return found

    before, after = figures(old), figures(new)
    for what in dict.fromkeys([*before, *after]):
        if before.get(what) != after.get(what):
            yield Effect(what, before.get(what), after.get(what))


def render_diff(found: CatalogueDiff, fmt: str = "text") -> str:
    """The diff as text, Markdown or JSON."""
    if fmt == "json":
        import json

        return (
            json.dumps(
                {
                    "added": list(found.added),
                    "removed": list(found.removed),
                    "changed": [attrs.asdict(c) for c in found.changed],
                    "effects": [
                        {"what": e.what, "old": _number(e.old), "new": _number(e.new)}
                        for e in found.effects
                    ],
                },
                ensure_ascii=False,
                indent=2,
                allow_nan=False,
            )
            + "\n"
        )
    bullet = "- " if fmt == "markdown" else "  "
    lines = []
    for title, items in (("Added", found.added), ("Removed", found.removed)):
        lines.append(f"{'## ' if fmt == 'markdown' else ''}{title}: {len(items)}")
        lines += [f"{bullet}{item}" for item in items]
    lines.append(f"{'## ' if fmt == 'markdown' else ''}Changed: {len(found.changed)}")
    lines += [f"{bullet}{c.indicator_id}.{c.field}: {c.old} → {c.new}" for c in found.changed]
    if found.effects:
        lines.append(
            f"{'## ' if fmt == 'markdown' else ''}Effect on the data: {len(found.effects)}"
        )
        lines += [f"{bullet}{e.what}: {_number(e.old)} → {_number(e.new)}" for e in found.effects]
    return "\n".join(lines) + "\n"
