"""The catalogues in force: plugin-contributed ones, overlaid by ``--catalog`` directories.

Catalogues arrive in *layers*: each plugin's files, then each ``--catalog`` directory in order.
Within a layer, files for the same unit type and year are merged (a big catalogue may be split);
a later layer's catalogue for a unit type and year replaces the earlier one entirely, so a
maintainer can copy ``2023/bapas.toml`` into a directory, change it, and run it with
``--catalog DIR`` without touching the installed package. A file that says ``extends = true``
(an *extension*: a unit's own extra indicators, say) is added to the catalogue in force instead,
and takes its policy and bands.

The engine loads catalogues lazily (:func:`open_catalogue_set`): the layers are first *indexed*
by (unit type, year), read from each file's first lines (its top-level ``year`` and
``unit_type``, before its first table), and a catalogue is loaded and checked — all its files,
in every layer, merged, replaced and extended exactly as above — the first time it is asked
for. A file whose first lines do not tell its unit type and year is parsed whole when indexed;
when it has no unit type and year at all (and is no score catalogue), nothing can use it, and
its errors are reported at once. So a directory of thousands of catalogues costs an evaluation
only the files of the unit type and year it needs, and a broken catalogue stops only what uses
it. ``kinerja-rules validate`` (:func:`collect_catalogue_set`, :func:`index_layers`) still
loads and checks everything.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from . import kinds
from .diagnostics import Diagnostic, KinerjaError, Location
from .sources import parse_document, read_document, read_head
from .tomlpos import TomlDocument, top_level

if TYPE_CHECKING:
    from .budget.scores import ScoreCatalogue
    from .formula import FormulaFunction
    from .model import Catalogue

Key = tuple[str, int]

#: How much of a file is read to find its unit type and year (a catalogue's top-level keys come
#: in its first few lines; the bundled ones need under 600 bytes).
HEAD_BYTES = 4096


@attrs.frozen
class Layer:
    """Catalogue files from one origin (a plugin, or a ``--catalog`` directory)."""

    origin: str
    sources: tuple[Any, ...]


@attrs.frozen
class CatalogueSet:
    """The catalogue in force for each (unit type, year), and where it came from.

    The mappings may be lazy (:func:`open_catalogue_set`): looking a key up loads that
    catalogue, iterating loads them all, and either raises :class:`KinerjaError` for the errors
    of what it loads.
    """

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
    entries = [
        Entry(number, source, str(source))
        for number, layer in enumerate(layers)
        for source in layer.sources
    ]
    return collect_entries(layers, entries, functions, partial)


# --- the index -----------------------------------------------------------------------------------


class Entry:
    """One file of a layer, as indexing found it."""

    __slots__ = ("layer", "source", "name", "key", "scores", "document", "raw")

    def __init__(self, layer: int, source: Any, name: str) -> None:
        #: The number of its layer.
        self.layer = layer
        self.source = source
        self.name = name
        #: (unit type, year), from the file's first lines (or its parse); None when it has none.
        self.key: Key | None = None
        #: A score catalogue (``[[score]]``, by its parse).
        self.scores = False
        #: Its parse, when indexing had to parse it.
        self.document: TomlDocument | None = None
        #: Its bytes, when indexing read them all (a packaged resource).
        self.raw: bytes | None = None

    def __repr__(self) -> str:
        return f"Entry({self.name!r}, layer={self.layer}, key={self.key!r})"


class CatalogueIndex:
    """The files of the layers by the (unit type, year) they are for."""

    def __init__(self, layers: Sequence[Layer], entries: Sequence[Entry]) -> None:
        self.layers = tuple(layers)
        self.entries = tuple(entries)
        self.by_key: dict[Key, list[Entry]] = {}
        for entry in self.entries:
            if entry.key is not None:
                self.by_key.setdefault(entry.key, []).append(entry)

    def sorted_keys(self) -> list[Key]:
        return sorted(self.by_key)

    @property
    def score_entries(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.scores]

    @property
    def keyless(self) -> list[Entry]:
        """Files for no unit type and year (unreadable, or without them), not score catalogues:
        they cannot be used, only reported."""
        return [entry for entry in self.entries if entry.key is None and not entry.scores]

    def groups(self) -> list[list[Entry]]:
        """The files in groups that load independently: one group per (unit type, year), then
        the score catalogues, then the files for no unit type and year."""
        groups = [self.by_key[key] for key in self.sorted_keys()]
        return [group for group in (*groups, self.score_entries, self.keyless) if group]


def index_layers(layers: Sequence[Layer]) -> CatalogueIndex:
    """Index the files of ``layers`` by unit type and year, reading as little as it can."""
    entries = tuple(
        _index(number, source) for number, layer in enumerate(layers) for source in layer.sources
    )
    return CatalogueIndex(layers, entries)


def _index(layer: int, source: Any, head_bytes: int = HEAD_BYTES) -> Entry:
    entry = Entry(layer, source, str(source))
    path_like = isinstance(source, (str, os.PathLike))
    try:
        if path_like:
            head = read_head(source, head_bytes + 1)
            complete = len(head) <= head_bytes
        else:  # an importlib.resources traversable inside an installed package
            head = entry.raw = source.read_bytes()
            complete = True
    except KinerjaError:
        return entry  # unreadable: loading it says why
    data = top_level(head if complete else head[:head_bytes], complete)
    if data is not None:
        entry.key = _key_of(data)
        if entry.key is not None:
            return entry
    # The first lines do not tell: parse the whole file (and keep the parse for loading it).
    try:
        entry.document = read_document(source) if path_like else parse_document(head, entry.name)
    except KinerjaError:
        return entry
    data = entry.document.data
    if (kinds.kind_of(data) or ("",))[0] == kinds.SCORES:
        entry.scores = True
    else:
        entry.key = _key_of(data)
    return entry


def _key_of(data: Any) -> Key | None:
    if not isinstance(data, dict):
        return None
    unit_type, year = data.get("unit_type"), data.get("year")
    return (unit_type, year) if type(unit_type) is str and type(year) is int else None


def open_catalogue_set(
    layers: Sequence[Layer], functions: Mapping[str, FormulaFunction]
) -> CatalogueSet:
    """The catalogues of ``layers``, each loaded and checked when it is first asked for.

    Raises :class:`KinerjaError` at once only for files that are for no unit type and year
    (their errors could belong to any catalogue); the errors of a catalogue are raised by the
    look-ups that load it.
    """
    index = index_layers(layers)
    keyless = index.keyless
    if keyless:
        _, diagnostics = collect_entries(index.layers, keyless, functions)
        errors = [d for d in diagnostics if d.is_error]
        if errors:
            raise KinerjaError(errors)
    loader = _Loader(index, functions)
    return CatalogueSet(
        _Lazy(loader, "catalogues"),
        _Lazy(loader, "origins"),
        _Lazy(loader, "replaced"),
        _LazyScores(loader),
    )


class _Loader:
    """Loads the catalogue of a key (all its files, every layer) once, and remembers errors."""

    def __init__(self, index: CatalogueIndex, functions: Mapping[str, FormulaFunction]):
        self.index = index
        self.functions = functions
        self.catalogues: dict[Key, Catalogue] = {}
        self.origins: dict[Key, str] = {}
        self.replaced: dict[Key, tuple[str, ...]] = {}
        self.errors: dict[Key, list[Diagnostic]] = {}
        self.done: set[Key] = set()
        self.scores: dict[int, ScoreCatalogue] | None = None
        self.score_errors: list[Diagnostic] = []
        self.everything = False

    def load(self, key: Any) -> None:
        if key in self.done:
            if self.errors.get(key):
                raise KinerjaError(self.errors[key])
            return
        entries = self.index.by_key.get(key)
        if entries is None:
            return
        self.done.add(key)
        found, diagnostics = collect_entries(self.index.layers, entries, self.functions)
        errors = [d for d in diagnostics if d.is_error]
        if errors:
            self.errors[key] = errors
            raise KinerjaError(errors)
        if key in found.catalogues:  # else nothing is in force (a data file was indexed, say)
            self.catalogues[key] = found.catalogues[key]
            self.origins[key] = found.origins[key]
            if key in found.replaced:
                self.replaced[key] = found.replaced[key]

    def load_all(self) -> None:
        if self.everything:
            return
        errors: list[Diagnostic] = []
        for key in self.index.sorted_keys():
            try:
                self.load(key)
            except KinerjaError as error:
                errors.extend(error.diagnostics)
        if errors:
            raise KinerjaError(errors)
        self.everything = True

    def load_scores(self) -> dict[int, ScoreCatalogue]:
        if self.score_errors:
            raise KinerjaError(self.score_errors)
        if self.scores is None:
            found, diagnostics = collect_entries(
                self.index.layers, self.index.score_entries, self.functions
            )
            self.score_errors = [d for d in diagnostics if d.is_error]
            if self.score_errors:
                raise KinerjaError(self.score_errors)
            self.scores = dict(found.scores)
        return self.scores


class _Lazy(Mapping):
    """One of a lazy :class:`CatalogueSet`'s mappings by key (catalogues, origins, replaced)."""

    __slots__ = ("_loader", "_part")

    def __init__(self, loader: _Loader, part: str) -> None:
        self._loader = loader
        self._part = part

    def _loaded(self, key: Any) -> dict:
        self._loader.load(key)
        return getattr(self._loader, self._part)

    def __getitem__(self, key: Any) -> Any:
        return self._loaded(key)[key]

    def get(self, key: Any, default: Any = None) -> Any:
        return self._loaded(key).get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._loaded(key)

    def _all(self) -> dict:
        self._loader.load_all()
        return getattr(self._loader, self._part)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._all()))

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"<lazy {self._part}: {len(self._loader.index.by_key)} keys indexed>"


class _LazyScores(Mapping):
    """A lazy :class:`CatalogueSet`'s score catalogues by year, all loaded on first use."""

    __slots__ = ("_loader",)

    def __init__(self, loader: _Loader) -> None:
        self._loader = loader

    def __getitem__(self, year: Any) -> ScoreCatalogue:
        return self._loader.load_scores()[year]

    def get(self, year: Any, default: Any = None) -> Any:
        return self._loader.load_scores().get(year, default)

    def __contains__(self, year: object) -> bool:
        return year in self._loader.load_scores()

    def __iter__(self) -> Iterator[int]:
        return iter(list(self._loader.load_scores()))

    def __len__(self) -> int:
        return len(self._loader.load_scores())

    def __repr__(self) -> str:
        return "<lazy score catalogues>"


# --- loading -------------------------------------------------------------------------------------


def collect_entries(
    layers: Sequence[Layer],
    entries: Iterable[Entry],
    functions: Mapping[str, FormulaFunction],
    partial: list[Catalogue] | None = None,
) -> tuple[CatalogueSet, list[Diagnostic]]:
    """Load ``entries`` (files of ``layers``), merging within a layer and replacing across
    layers; return the diagnostics instead of raising (as :func:`collect_catalogue_set`)."""
    by_layer: dict[int, list[Entry]] = {}
    for entry in entries:
        by_layer.setdefault(entry.layer, []).append(entry)
    diagnostics: list[Diagnostic] = []
    catalogues: dict[Key, Catalogue] = {}
    origins: dict[Key, str] = {}
    replaced: dict[Key, tuple[str, ...]] = {}
    scores: dict[int, ScoreCatalogue] = {}
    for number, layer in enumerate(layers):
        if number not in by_layer:
            continue
        layer_scores: list[ScoreCatalogue] = []
        loaded = list(_load(by_layer[number], functions, diagnostics, partial, layer_scores))
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


def _document(entry: Entry) -> TomlDocument:
    if entry.document is not None:
        return entry.document
    if entry.raw is not None:
        return parse_document(entry.raw, entry.name)
    if isinstance(entry.source, (str, os.PathLike)):
        return read_document(entry.source)
    # an importlib.resources traversable inside an installed package
    return parse_document(entry.source.read_bytes(), entry.name)


def _load(
    entries: Iterable[Entry],
    functions: Mapping[str, FormulaFunction],
    diagnostics: list[Diagnostic],
    partial: list[Catalogue] | None,
    scores: list[ScoreCatalogue] | None = None,
) -> Iterable[Catalogue]:
    """Indicator catalogues of the files; score catalogues (``[[score]]``) go to ``scores``."""
    from .catalogue import build_catalogue

    for entry in entries:
        try:
            document = _document(entry)
        except KinerjaError as error:
            diagnostics.extend(error.diagnostics)
            continue
        name = entry.name
        if (kinds.kind_of(document.data) or ("",))[0] == kinds.SCORES:
            from .budget.scores import build_score_catalogue

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
