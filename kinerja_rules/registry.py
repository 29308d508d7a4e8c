"""The catalogues in force: plugin-contributed ones, overlaid by ``--catalog`` directories.

Catalogues arrive in *layers*: each plugin's files, then each ``--catalog`` directory in order.
Within a layer, files for the same unit type and year are merged (a big catalogue may be split);
a later layer's catalogue for a unit type and year replaces the earlier one entirely, so a
maintainer can copy ``2023/bapas.toml`` into a directory, change it, and run it with
``--catalog DIR`` without touching the installed package. A file that says ``extends = true``
(an *extension*: a unit's own extra indicators, say) is added to the catalogue in force instead,
and takes its policy and bands.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from . import kinds
from .budget.scores import ScoreCatalogue, build_score_catalogue
from .catalogue import build_catalogue
from .diagnostics import Diagnostic, KinerjaError, Location
from .formula import FormulaFunction
from .model import Catalogue
from .sources import parse_document, read_document

Key = tuple[str, int]


@attrs.frozen
class Layer:
    """Catalogue files from one origin (a plugin, or a ``--catalog`` directory)."""

    origin: str
    sources: tuple[Any, ...]


@attrs.frozen
class CatalogueSet:
    """The catalogue in force for each (unit type, year), and where it came from."""

    catalogues: Mapping[Key, Catalogue]
    origins: Mapping[Key, str]
    #: For each key, the origins whose catalogue was replaced by a later layer.
    replaced: Mapping[Key, tuple[str, ...]]
    #: Composite budget scores (SMART, IKPA, …) by fiscal year.
    scores: Mapping[int, ScoreCatalogue] = attrs.field(factory=dict)

    def get(self, unit_type: str, year: int) -> Catalogue | None:
        return self.catalogues.get((unit_type, year))

    def __iter__(self) -> Iterator[Catalogue]:
        return iter(self.catalogues[key] for key in sorted(self.catalogues))

    def __len__(self) -> int:
        return len(self.catalogues)


def directory_layer(directory: str | os.PathLike[str]) -> Layer:
    """All ``*.toml`` files under ``directory`` (recursively), in a stable order."""
    root = Path(directory)
    if not root.is_dir():
        raise KinerjaError(
            [
                Diagnostic(
                    "KR100",
                    "catalogue directory not found" if not root.exists() else "not a directory",
                    Location(str(directory)),
                    "--catalog takes a directory holding catalogue .toml files",
                )
            ]
        )
    files = sorted(root.rglob("*.toml"))
    if not files:
        raise KinerjaError(
            [
                Diagnostic(
                    "KR100",
                    "no .toml catalogue files in this directory",
                    Location(str(directory)),
                    "put catalogue files such as 2024/bapas.toml in it",
                )
            ]
        )
    return Layer(f"--catalog {directory}", tuple(files))


def load_catalogue_set(
    layers: Sequence[Layer], functions: Mapping[str, FormulaFunction]
) -> CatalogueSet:
    """Load every layer, merging within a layer and replacing across layers.

    All files are checked before anything is returned; every error of every file is reported
    together in one :class:`KinerjaError` (warnings are for ``kinerja-rules validate``).
    """
    catalogues, diagnostics = collect_catalogue_set(layers, functions)
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        raise KinerjaError(errors)
    return catalogues


def collect_catalogue_set(
    layers: Sequence[Layer],
    functions: Mapping[str, FormulaFunction],
    partial: list[Catalogue] | None = None,
) -> tuple[CatalogueSet, list[Diagnostic]]:
    """Like :func:`load_catalogue_set`, but return the diagnostics instead of raising.

    Files with errors are left out of the set (what could be built of them is appended to
    ``partial`` when given); everything else is loaded and merged, so one broken file does not
    hide the problems of the others.
    """
    diagnostics: list[Diagnostic] = []
    catalogues: dict[Key, Catalogue] = {}
    origins: dict[Key, str] = {}
    replaced: dict[Key, tuple[str, ...]] = {}
    scores: dict[int, ScoreCatalogue] = {}
    for layer in layers:
        layer_scores: list[ScoreCatalogue] = []
        loaded = list(_load_layer(layer, functions, diagnostics, partial, layer_scores))
        for key, catalogue in _merge(loaded, diagnostics).items():
            if catalogue.extends:
                if key not in catalogues:
                    diagnostics.append(_nothing_to_extend(catalogue))
                    continue
                catalogues[key] = _merge_two(catalogues[key], catalogue, diagnostics)
                origins[key] = f"{origins[key]} + {layer.origin}"
                continue
            if key in origins:
                replaced[key] = (*replaced.get(key, ()), origins[key])
            catalogues[key] = catalogue
            origins[key] = layer.origin
        seen: dict[int, ScoreCatalogue] = {}
        for score_catalogue in layer_scores:
            if score_catalogue.year in seen:
                diagnostics.append(
                    Diagnostic(
                        "KR207",
                        f"a second score catalogue for {score_catalogue.year} "
                        f"(the first is {seen[score_catalogue.year].files[0]})",
                        Location(score_catalogue.files[0], 1, 1),
                        "keep one score catalogue per year in each directory",
                    )
                )
                continue
            seen[score_catalogue.year] = score_catalogue
        scores.update(seen)
    return CatalogueSet(catalogues, origins, replaced, scores), diagnostics


def _load_layer(
    layer: Layer,
    functions: Mapping[str, FormulaFunction],
    diagnostics: list[Diagnostic],
    partial: list[Catalogue] | None,
    scores: list[ScoreCatalogue] | None = None,
) -> Iterable[Catalogue]:
    """Indicator catalogues of a layer; score catalogues (``[[score]]``) go to ``scores``."""
    for source in layer.sources:
        try:
            if isinstance(source, (str, os.PathLike)):
                name = str(source)
                document = read_document(source)
            else:  # an importlib.resources traversable inside an installed package
                name = str(source)
                document = parse_document(source.read_bytes(), name)
        except KinerjaError as error:
            diagnostics.extend(error.diagnostics)
            continue
        if (kinds.kind_of(document.data) or ("",))[0] == kinds.SCORES:
            score_catalogue, found = build_score_catalogue(document, name, functions)
            diagnostics.extend(found)
            if score_catalogue is not None and scores is not None:
                scores.append(score_catalogue)
            continue
        result = build_catalogue(document, name, functions)
        diagnostics.extend(result.diagnostics)
        if result.catalogue is not None:
            yield result.catalogue
        elif result.partial is not None and partial is not None:
            partial.append(result.partial)


def _nothing_to_extend(extension: Catalogue) -> Diagnostic:
    return Diagnostic(
        "KR221",
        f"extends = true, but there is no {extension.unit_type} {extension.year} catalogue to "
        "extend",
        extension.where("extends"),
        "an extension adds to an installed catalogue or one from an earlier --catalog "
        "directory; check unit_type and year, or remove extends = true",
    )


def _merge(loaded: list[Catalogue], diagnostics: list[Diagnostic]) -> dict[Key, Catalogue]:
    """Merge the files of one layer; a full catalogue comes before the extensions of its key."""
    merged: dict[Key, Catalogue] = {}
    for catalogue in sorted(loaded, key=lambda c: c.extends):
        first = merged.get(catalogue.key)
        merged[catalogue.key] = (
            catalogue if first is None else _merge_two(first, catalogue, diagnostics)
        )
    return merged


def _merge_two(first: Catalogue, second: Catalogue, diagnostics: list[Diagnostic]) -> Catalogue:
    """Merge a split catalogue (same policy) or an extension into its base: disjoint ids.

    The result is an extension only when ``first`` is one (two extensions of one layer).
    """
    if not second.extends and _policy_signature(first) != _policy_signature(second):
        diagnostics.append(
            Diagnostic(
                "KR207",
                f"[policy] differs from {first.files[0]} "
                f"(same unit type {first.unit_type!r} and year {first.year})",
                Location(second.files[0], field="policy"),
                "files merged into one catalogue must declare the same policy",
            )
        )
    sasaran_by_id = {s.id: s for s in first.sasaran}
    sasaran_ids = set(sasaran_by_id)
    indicator_ids = {i.id: i.location for i in first.indicators}
    for item in second.sasaran:
        # Each file may repeat the sasaran its indicators use, as long as it is the same sasaran.
        if item.id in sasaran_by_id and item != sasaran_by_id[item.id]:
            diagnostics.append(
                Diagnostic(
                    "KR205",
                    f"sasaran id '{item.id}' is declared differently at "
                    f"{sasaran_by_id[item.id].location}",
                    item.location,
                    "a sasaran repeated in several files must have the same level and name",
                )
            )
    for indicator in second.indicators:
        if indicator.id in indicator_ids:
            diagnostics.append(
                Diagnostic(
                    "KR205",
                    f"indicator id '{indicator.id}' is also declared at "
                    f"{indicator_ids[indicator.id]}",
                    indicator.where("id"),
                    "ids must be unique across the files of one unit type and year",
                )
            )
    sasaran = first.sasaran + tuple(s for s in second.sasaran if s.id not in sasaran_ids)
    order = {item.id: index for index, item in enumerate(sasaran)}
    added = tuple(i for i in second.indicators if i.id not in indicator_ids)
    # Tables list indicators under their sasaran: an added SK1 indicator comes after the SK1
    # indicators already there, not after SK2's (a stable sort keeps each file's order).
    indicators = sorted(first.indicators + added, key=lambda i: order.get(i.sasaran, len(order)))
    return attrs.evolve(
        first, sasaran=sasaran, indicators=tuple(indicators), files=first.files + second.files
    )


def _policy_signature(catalogue: Catalogue) -> tuple:
    policy = catalogue.policy
    return (
        policy.decimals,
        policy.rounding,
        policy.capaian_from,
        policy.capaian_higher.text,
        policy.capaian_lower.text,
        policy.capaian_cap,
        policy.not_applicable,
        policy.overall,
        policy.status_from,
        catalogue.bands,
    )
