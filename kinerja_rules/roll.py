"""``kinerja-rules roll``: next year's catalogue from this year's, without copy-paste.

Rolling keeps the file as its maintainer wrote it (comments, order, layout: it is edited with
tomlkit, not re-serialised) and changes only what a new PK year changes:

* ``year``, the year in ``title``, and ``source`` (which says the file was rolled);
* each indicator's ``target``, taken from its Renstra entry for the new year; an indicator with
  no Renstra value for that year keeps its target *with a comment saying so* and is listed, so
  nothing is kept silently;
* every worked example's expected ``capaian``, recomputed for the new target with the engine
  itself (realisasi does not depend on the target) and marked with a comment.

The catalogue must load cleanly first: a broken file is not rolled.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal

import attrs

from .catalogue import load_written, parse_quantity
from .data import DataEntry
from .diagnostics import Diagnostic, Severity
from .evaluation import NotApplicableRule, evaluate_indicator
from .formatting import format_decimal
from .formula import FormulaFunction
from .model import Catalogue, Indicator
from .sources import read_bytes


@attrs.frozen
class RollResult:
    """The rolled text, and what the maintainer must look at."""

    text: str
    targets_from_renstra: tuple[str, ...]
    #: Indicators without a Renstra value for the new year (their old target kept, commented).
    unresolved: tuple[Diagnostic, ...]
    examples_recomputed: int


def roll(
    path: str | os.PathLike[str],
    catalogue: Catalogue,
    to_year: int,
    not_applicable: NotApplicableRule,
    functions: Mapping[str, FormulaFunction],
) -> RollResult:
    """Roll the catalogue file at ``path`` (already loaded as ``catalogue``) to ``to_year``.

    The rolled text is loaded again before it is returned; it is never one that does not load.
    """
    import tomlkit  # a dependency; imported here so other commands start without it

    text = read_bytes(path).decode("utf-8-sig")
    doc = tomlkit.parse(text)
    from_year = catalogue.year
    doc["year"] = to_year
    title = str(doc["title"])
    doc["title"] = (
        title.replace(str(from_year), str(to_year))
        if str(from_year) in title
        else f"{title} ({to_year})"
    )
    note = (  # the catalogue's own words are Indonesian, as its report
        f"digulirkan dari {from_year} dengan kinerja-rules roll: target dari kolom Renstra "
        f"{to_year} bila ada"
    )
    doc["source"] = f"{doc['source']}; {note}" if "source" in doc else note
    rolled = attrs.evolve(catalogue, year=to_year)
    from_renstra: list[str] = []
    unresolved: list[Diagnostic] = []
    recomputed = 0
    by_id = {indicator.id: indicator for indicator in catalogue.indicators}
    for table in doc.get("indicator", []):
        indicator = by_id[str(table["id"])]
        planned = table.get("renstra", {}).get(str(to_year))
        if planned is None:
            unresolved.append(
                Diagnostic(
                    "KR222",
                    f"indicator '{indicator.id}' has no Renstra {to_year} value; its {from_year} "
                    "target is kept",
                    indicator.where("target"),
                    f"set target = … from the signed PK {to_year}",
                    Severity.WARNING,
                )
            )
            table["target"].comment(
                f"roll: no Renstra {to_year} value; the {from_year} target is kept — check the PK"
            )
            new_target = indicator.target
        else:
            # A copy: tomlkit moves the old target's comment onto the value assigned, which
            # must not be the Renstra table's own item (its comment would land inside { }).
            table["target"] = tomlkit.parse(f"v = {planned.as_string()}")["v"]
            from_renstra.append(indicator.id)
            new_target = parse_quantity(planned.unwrap())[0]
        updated = attrs.evolve(indicator, target=new_target)
        recomputed += _recompute_examples(tomlkit, table, rolled, updated, not_applicable)
    text = tomlkit.dumps(doc)
    load_written(text, f"{path} rolled to {to_year}", functions, "roll")
    return RollResult(text, tuple(from_renstra), tuple(unresolved), recomputed)


def _recompute_examples(
    tomlkit, table, catalogue: Catalogue, indicator: Indicator, not_applicable: NotApplicableRule
) -> int:
    count = 0
    for example, item in zip(indicator.examples, table.get("examples", [])):
        if "capaian" not in item:
            continue
        entry = DataEntry(indicator.id, dict(example.inputs), None, None, None, example.location)
        result = evaluate_indicator(catalogue, indicator, entry, not_applicable)
        if result.capaian is None:
            continue
        shown = result.capaian.shown
        if shown == Decimal(str(item["capaian"])):
            continue
        item["capaian"] = tomlkit.parse(f"v = {format_decimal(shown, 'en')}")["v"]
        item["capaian"].comment(f"recomputed by roll for the {catalogue.year} target")
        count += 1
    return count
