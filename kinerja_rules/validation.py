"""``kinerja-rules validate``: everything a catalogue maintainer's CI should catch, located.

Validation loads catalogue files the way the engine does, but never stops early: it reports
every error and warning of every file — shape, meaning, formulas, duplicate ids across files of
one unit type and year, the warnings of :mod:`kinerja_rules.checks`, the plugins' own checks
(``kinerja_check_catalogue``), and the catalogue's worked examples and invariants
(:mod:`kinerja_rules.verification`). Output is text, JSON or GitHub Actions annotations.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from re import Pattern
from typing import TYPE_CHECKING, Any

import attrs

from .checks import check, decreasing_pattern
from .diagnostics import Diagnostic, KinerjaError, Location, PluginError
from .dimension_check import check_dimensions
from .dimensions import DEFAULT_VOCABULARY, Term, Vocabulary
from .engine import collect_functions, create_plugin_manager, not_applicable_rule, plugin_layers
from .parallel import configured_jobs, usable_cores
from .registry import Entry, Layer, collect_entries, directory_layer, index_layers
from .verification import InvariantRun, check_examples, check_invariants

if TYPE_CHECKING:
    from .evaluation import NotApplicableRule
    from .formula import FormulaFunction

FORMATS = ("text", "json", "github")
DEFAULT_RUN = InvariantRun()

#: Files per process below which validation runs in this process only: forking costs more than
#: it saves on a few hundred files.
FILES_PER_PROCESS = 250


@attrs.frozen
class ValidationResult:
    """Every diagnostic found, sorted by file and position, and what was looked at."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    catalogues: int
    invariants: InvariantRun | None

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


def validate(
    paths: Sequence[str | os.PathLike[str]] = (),
    catalog_dirs: Sequence[str | os.PathLike[str]] = (),
    *,
    invariants: InvariantRun | None = DEFAULT_RUN,
    entry_points: bool = True,
    plugins: Iterable[Any] = (),
    jobs: int | None = None,
    strict: bool = False,
) -> ValidationResult:
    """Validate catalogue files or directories (``paths``), or, with none, the installed
    catalogues and ``catalog_dirs``. ``invariants=None`` skips the hypothesis runs; ``strict``
    also reports what only ``--strict`` asks about (inputs with no declared unit, KR806).

    The files are checked one unit type and year at a time (each catalogue with every file that
    makes it up, then forgotten), in ``jobs`` processes: by default one per core for large sets
    of files where the platform forks (``KINERJA_RULES_JOBS`` overrides), else this one. The
    result does not depend on how many.

    Raises :class:`PluginError` only for a broken plugin; everything about the catalogues is in
    the result.
    """
    manager = create_plugin_manager(entry_points, plugins)
    functions = collect_functions(manager)
    diagnostics: list[Diagnostic] = []
    given: set[str] | None = None
    if paths:
        files = tuple(_expand(paths, diagnostics))
        given = {str(file) for file in files}
        # The installed catalogues come first, as when the files run: an extension
        # (extends = true) is checked together with the catalogue it extends.
        layers = [*plugin_layers(manager), Layer("validate", files)]
    else:
        layers = plugin_layers(manager)
        for directory in catalog_dirs:
            try:
                layers.append(directory_layer(directory))
            except KinerjaError as error:
                diagnostics.extend(error.diagnostics)
    index = index_layers(layers)
    groups = index.groups()
    if given is not None:  # report on the given files only, not on the installed base
        groups = [group for group in groups if any(entry.name in given for entry in group)]
    work = _Work(
        tuple(layers),
        functions,
        manager,
        not_applicable_rule(manager),
        decreasing_pattern(_decreasing_words(manager)),
        invariants,
        given,
        Vocabulary.of(dimension_terms(manager)),
        strict,
    )
    found, catalogues = _check_groups(work, groups, jobs)
    if given is not None:
        found = [d for d in found if d.location.file in given]
        files_checked = len(given)
    else:
        files_checked = sum(len(layer.sources) for layer in layers)
    ordered = sorted(set(diagnostics + found), key=_position)
    return ValidationResult(tuple(ordered), files_checked, catalogues, invariants)


@attrs.frozen
class _Work:
    """What checking a group of files needs."""

    layers: tuple[Layer, ...]
    functions: Mapping[str, FormulaFunction]
    manager: Any
    rule: NotApplicableRule
    decreasing: Pattern[str]
    invariants: InvariantRun | None
    given: set[str] | None
    vocabulary: Vocabulary = DEFAULT_VOCABULARY
    strict: bool = False


def _check_group(work: _Work, group: list[Entry]) -> tuple[list[Diagnostic], int]:
    """Load one group of files (a unit type and year, in every layer) and check what is in
    force and what could be built of files with errors: (diagnostics, catalogues in force)."""
    partial: list = []
    catalogue_set, loading = collect_entries(work.layers, group, work.functions, partial)
    catalogues = [*catalogue_set]
    if work.given is not None:
        catalogues = [c for c in catalogues if work.given.intersection(c.files)]
        partial = [c for c in partial if work.given.intersection(c.files)]
    found = list(loading)
    # Files with errors still get their other indicators checked: one pass shows everything.
    for catalogue in [*catalogues, *partial]:
        checks = check(catalogue, work.rule, work.decreasing)
        if any(catalogue is p for p in partial):
            # Some indicators did not load: "sasaran without indicators" would only echo that.
            checks = [d for d in checks if d.code != "KR216"]
        found += checks
        found += check_dimensions(catalogue, work.vocabulary, work.strict)
        found += _plugin_checks(work.manager, catalogue)
        found += check_examples(catalogue, work.rule)
        if work.invariants is not None:
            found += check_invariants(catalogue, work.rule, work.invariants)
    return found, len(catalogues)


def _check_groups(
    work: _Work, groups: list[list[Entry]], jobs: int | None
) -> tuple[list[Diagnostic], int]:
    processes = _processes(jobs, sum(len(group) for group in groups))
    if processes > 1:
        return _in_processes(work, groups, processes)
    found: list[Diagnostic] = []
    catalogues = 0
    for group in groups:
        group_found, group_catalogues = _check_group(work, group)
        found += group_found
        catalogues += group_catalogues
    return found, catalogues


def _processes(jobs: int | None, files: int) -> int:
    """How many processes check ``files`` files: ``jobs``, else ``KINERJA_RULES_JOBS``, else
    one per core (and per :data:`FILES_PER_PROCESS` files); one where the platform does not
    fork."""
    jobs = configured_jobs(jobs)
    if jobs is None:
        if files < 2 * FILES_PER_PROCESS:
            return 1
        jobs = min(usable_cores(), files // FILES_PER_PROCESS)
    jobs = min(jobs, files)
    if jobs <= 1:
        return 1
    import multiprocessing

    if (
        "fork" not in multiprocessing.get_all_start_methods()
        or multiprocessing.current_process().daemon  # a pool's worker may not start processes
    ):
        return 1
    return jobs


#: The work of :func:`_in_processes`, inherited by the forked processes (nothing is pickled
#: but the diagnostics they return).
_FORKED: tuple[_Work, list[list[list[Entry]]]] | None = None


def _in_processes(
    work: _Work, groups: list[list[Entry]], processes: int
) -> tuple[list[Diagnostic], int]:
    import multiprocessing

    global _FORKED
    shares: list[list[list[Entry]]] = [[] for _ in range(processes)]
    sizes = [0] * processes
    for group in sorted(groups, key=len, reverse=True):  # the largest first, to the least busy
        least = sizes.index(min(sizes))
        shares[least].append(group)
        sizes[least] += len(group)
    _FORKED = (work, shares)
    sys.stdout.flush()  # a forked process must not write what this one has buffered
    sys.stderr.flush()
    gc.freeze()  # what the processes inherit is never collected there
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            results = pool.map(_check_share, range(processes), chunksize=1)
    finally:
        gc.unfreeze()
        _FORKED = None
    found: list[Diagnostic] = []
    catalogues = 0
    for share_found, share_catalogues in results:
        found += share_found
        catalogues += share_catalogues
    return found, catalogues


def _check_share(number: int) -> tuple[list[Diagnostic], int]:
    assert _FORKED is not None
    work, shares = _FORKED
    # This process only checks and ends: collect garbage seldom, as most of what a file makes is
    # freed as soon as its catalogue is checked.
    gc.set_threshold(100_000, 50, 50)
    found: list[Diagnostic] = []
    catalogues = 0
    for group in shares[number]:
        group_found, group_catalogues = _check_group(work, group)
        found += group_found
        catalogues += group_catalogues
    return found, catalogues


def _expand(paths: Sequence[str | os.PathLike[str]], diagnostics: list[Diagnostic]) -> list[Path]:
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(path.rglob("*.toml"))
            if not found:
                diagnostics.append(
                    Diagnostic("KR100", "no .toml files in this directory", Location(str(given)))
                )
            files += found
        elif path.exists():
            files.append(path)
        else:
            diagnostics.append(
                Diagnostic("KR100", "file not found", Location(str(given)), "check the path")
            )
    return files


def _contributions(manager, hook: str, kind: type, what: str) -> list:
    """Everything the plugins return from ``hook`` (an iterable each), in registration order;
    anything not a ``kind`` is a PluginError naming the plugin."""
    found = []
    for impl in getattr(manager.hook, hook).get_hookimpls():
        for item in impl.function() or ():
            if not isinstance(item, kind):
                raise PluginError(f"plugin {impl.plugin_name!r}: {hook} returned {item!r}, {what}")
            found.append(item)
    return found


def _decreasing_words(manager) -> list[str]:
    return _contributions(manager, "kinerja_decreasing_words", str, "not a string")


def dimension_terms(manager) -> list[Term]:
    """The words every plugin adds to the vocabulary of units (hook ``kinerja_dimensions``)."""
    return _contributions(
        manager, "kinerja_dimensions", Term, "not a kinerja_rules.dimensions.Term"
    )


def _plugin_checks(manager, catalogue) -> list[Diagnostic]:
    found = []
    for impl in manager.hook.kinerja_check_catalogue.get_hookimpls():
        for item in impl.function(catalogue=catalogue) or ():
            if not isinstance(item, Diagnostic):
                raise PluginError(
                    f"plugin {impl.plugin_name!r}: kinerja_check_catalogue returned {item!r}, "
                    "not a Diagnostic"
                )
            found.append(item)
    return found


def _position(diagnostic: Diagnostic) -> tuple:
    location = diagnostic.location
    return (
        location.file,
        location.line or 0,
        location.col or 0,
        diagnostic.code,
        diagnostic.message,
    )


# --- output -------------------------------------------------------------------------------------


def render(result: ValidationResult, fmt: str = "text") -> str:
    if fmt == "json":
        return (
            json.dumps(
                [d.to_dict() for d in result.diagnostics],
                ensure_ascii=False,
                indent=2,
                allow_nan=False,
            )
            + "\n"
        )
    if fmt == "github":
        return "".join(d.github() + "\n" for d in result.diagnostics)
    lines = [d.format() for d in result.diagnostics]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def summary(result: ValidationResult) -> str:
    checked = (
        f"invariants checked with hypothesis (seed {result.invariants.seed}, "
        f"at most {result.invariants.max_examples} examples each, "
        f"{result.invariants.budget} per catalogue)"
        if result.invariants is not None
        else "invariants not checked"
    )
    return (
        f"{result.errors} error(s), {result.warnings} warning(s) in {result.files} file(s), "
        f"{result.catalogues} catalogue(s); {checked}"
    )
