"""``kinerja-rules validate``: everything a catalogue maintainer's CI should catch, located.

Validation loads catalogue files the way the engine does, but never stops early: it reports
every error and warning of every file — shape, meaning, formulas, duplicate ids across files of
one unit type and year, the warnings of :mod:`kinerja_rules.checks`, the plugins' own checks
(``kinerja_check_catalogue``), and the catalogue's worked examples and invariants
(:mod:`kinerja_rules.verification`). Output is text, JSON or GitHub Actions annotations.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from .checks import check, decreasing_pattern
from .diagnostics import Diagnostic, KinerjaError, Location, PluginError
from .engine import collect_functions, create_plugin_manager, not_applicable_rule, plugin_layers
from .registry import Layer, collect_catalogue_set, directory_layer
from .verification import InvariantRun, check_examples, check_invariants

FORMATS = ("text", "json", "github")
DEFAULT_RUN = InvariantRun()


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
) -> ValidationResult:
    """Validate catalogue files or directories (``paths``), or, with none, the installed
    catalogues and ``catalog_dirs``. ``invariants=None`` skips the hypothesis runs.

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
    partial: list = []
    catalogue_set, loading = collect_catalogue_set(layers, functions, partial)
    catalogues = [*catalogue_set]
    if given is not None:  # report on the given files only, not on the installed base
        catalogues = [c for c in catalogues if given.intersection(c.files)]
        partial = [c for c in partial if given.intersection(c.files)]
    found = list(loading)
    rule = not_applicable_rule(manager)
    decreasing = decreasing_pattern(_decreasing_words(manager))
    # Files with errors still get their other indicators checked: one pass shows everything.
    for catalogue in [*catalogues, *partial]:
        checks = check(catalogue, rule, decreasing)
        if any(catalogue is p for p in partial):
            # Some indicators did not load: "sasaran without indicators" would only echo that.
            checks = [d for d in checks if d.code != "KR216"]
        found += checks
        found += _plugin_checks(manager, catalogue)
        found += check_examples(catalogue, rule)
        if invariants is not None:
            found += check_invariants(catalogue, rule, invariants)
    if given is not None:
        found = [d for d in found if d.location.file in given]
        files_checked = len(given)
    else:
        files_checked = sum(len(layer.sources) for layer in layers)
    ordered = sorted(set(diagnostics + found), key=_position)
    return ValidationResult(tuple(ordered), files_checked, len(catalogues), invariants)


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


def _decreasing_words(manager) -> list[str]:
    words = []
    for impl in manager.hook.kinerja_decreasing_words.get_hookimpls():
        for word in impl.function() or ():
            if not isinstance(word, str):
                raise PluginError(
                    f"plugin {impl.plugin_name!r}: kinerja_decreasing_words returned {word!r}, "
                    "not a string"
                )
            words.append(word)
    return words


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
