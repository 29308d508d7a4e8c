"""The engine scripts use: plugins, catalogues and evaluation wired together.

::

    from kinerja_rules import Engine

    engine = Engine.create()                      # built-in + installed plugins
    report = engine.evaluate_file("examples/2023/bapas-lahat.toml")
    for result in report.indicators:
        print(result.indicator.id, result.capaian.shown if result.capaian else result.na_reason)
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import attrs
import pluggy

from . import hookspecs
from .diagnostics import Diagnostic, KinerjaError, PluginError
from .formula import FormulaFunction, default_functions
from .plugin_rules import NotApplicableRule, PluginRules
from .registry import (
    CatalogueSet,
    Layer,
    directory_layer,
    load_catalogue_set,
    open_catalogue_set,
)
from .sources import PathLike

try:  # pluggy's own call loop: a manager whose calls are traced or monitored has replaced it
    from pluggy._callers import _multicall
except ImportError:  # a pluggy without it: always use pluggy's call
    _multicall = None  # type: ignore[assignment]  # only compared by identity

if TYPE_CHECKING:  # imported where used: creating an engine needs none of them
    from .data import UnitData
    from .model import Catalogue, Indicator
    from .periods import Period
    from .plausibility import Review
    from .results import Report

#: The unit types that ship with kinerja-rules, registered before entry-point plugins.
BUILTIN_PLUGINS = {
    "lpka": "kinerja_rules.plugins.lpka",
    "bapas": "kinerja_rules.plugins.bapas",
    "anggaran": "kinerja_rules.plugins.anggaran",
}


def create_plugin_manager(
    entry_points: bool = True, plugins: Iterable[Any] = ()
) -> pluggy.PluginManager:
    """A plugin manager with the built-in unit types, installed plugins and ``plugins``.

    :param entry_points: load third-party plugins from the ``kinerja_rules`` entry-point group.
    :param plugins: extra plugin objects or modules to register (tests, embedding applications).
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    for name, module in BUILTIN_PLUGINS.items():
        manager.register(importlib.import_module(module), name=name)
    if entry_points and may_declare_entry_points(hookspecs.PROJECT):
        try:
            manager.load_setuptools_entrypoints(hookspecs.PROJECT)
        except Exception as error:  # a broken third-party package must not look like our crash
            message = f"cannot load a '{hookspecs.PROJECT}' entry point: {error!r}"
            raise PluginError(message) from error
    for plugin in plugins:
        manager.register(plugin)
    return manager


def may_declare_entry_points(group: str) -> bool:
    """False only when certain that no installed distribution declares an entry point of
    ``group``: every ``sys.path`` directory's ``*.dist-info``/``*.egg-info`` was read and no
    ``entry_points.txt`` has the group's section.

    Reading them takes about 2 ms; ``importlib.metadata``, which pluggy uses to load entry
    points, costs 20–40 ms to import (email, zipfile, csv …), most of a one-unit ``evaluate``'s
    start-up, and is then imported only when there is something to load. A zip on the path or a
    finder that knows distributions of its own makes the answer "maybe" (True): pluggy decides.
    """
    import os
    import re
    import sys
    from importlib.machinery import PathFinder

    if any(
        hasattr(finder, "find_distributions") and finder is not PathFinder
        for finder in sys.meta_path
    ):
        return True
    section = re.compile(rf"^\s*\[\s*{re.escape(group)}\s*\]", re.M)
    for entry in sys.path:
        directory = entry or "."
        if not os.path.isdir(directory):
            if os.path.exists(directory):
                return True  # a zip file: its distributions are not read here
            continue
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            if not name.lower().endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(directory, name, "entry_points.txt"), "rb") as file:
                    text = file.read().decode("utf-8", "replace")
            except OSError:
                continue
            if section.search(text):
                return True
    return False


def collect_functions(manager: pluggy.PluginManager) -> dict[str, FormulaFunction]:
    """The built-in formula functions plus those plugins register; no name may be claimed twice."""
    functions = default_functions()
    owners = {name: "kinerja_rules" for name in functions}
    for impl in manager.hook.kinerja_formula_functions.get_hookimpls():
        registered = cast("Mapping[str, Any] | None", impl.function()) or {}
        for name, function in registered.items():
            if not name.isidentifier() or not callable(function):
                raise PluginError(
                    f"plugin {impl.plugin_name!r} registers an invalid function {name!r}"
                )
            if name in owners:
                raise PluginError(
                    f"plugins {owners[name]!r} and {impl.plugin_name!r} both register "
                    f"formula function {name!r}"
                )
            owners[name] = impl.plugin_name
            functions[name] = function
    return functions


def plugin_layers(manager: pluggy.PluginManager) -> list[Layer]:
    """One catalogue layer per plugin implementing ``kinerja_catalogues``, in registration order."""
    return [
        Layer(f"plugin {impl.plugin_name}", tuple(cast("Iterable[Any]", impl.function() or ())))
        for impl in manager.hook.kinerja_catalogues.get_hookimpls()
    ]


def not_applicable_rule(manager: pluggy.PluginManager) -> NotApplicableRule:
    """The plugins' ``kinerja_not_applicable`` as a function of (catalogue, indicator, inputs).

    Resolved once: the implementations are called directly, in pluggy's order (the last
    registered, or ``tryfirst``, first; the first reason that is not None wins), which is what
    pluggy's own call does for plain implementations, without its per-call dispatch (a tenth of
    the time of evaluating a country's units): a :class:`PluginRules`, whose functions for a
    unit type the evaluation's plans call themselves. Hook wrappers, and tracing or monitoring
    of hook calls, keep pluggy's call: their semantics are pluggy's to keep.
    """
    hook = manager.hook.kinerja_not_applicable
    impls = hook.get_hookimpls()
    plain = all(not (impl.hookwrapper or impl.wrapper) for impl in impls)
    monitored = getattr(manager, "_inner_hookexec", None) is not _multicall
    if not plain or monitored:

        def rule(
            catalogue: Catalogue, indicator: Indicator, inputs: Mapping[str, Decimal]
        ) -> str | None:
            reason: str | None = hook(catalogue=catalogue, indicator=indicator, inputs=inputs)
            return reason

        return rule
    arguments = ("catalogue", "indicator", "inputs")
    return PluginRules(
        tuple(
            (positional(impl, arguments), getattr(impl.function, "kinerja_unit_types", None))
            for impl in reversed(impls)
        )
    )


@functools.cache
def _evaluate() -> Callable[[Catalogue, UnitData, NotApplicableRule, Period | None], Report]:
    """:func:`kinerja_rules.evaluation.evaluate`, imported when first needed (creating an engine
    needs none of it) and then kept: an import statement in :meth:`Engine.evaluate` cost 0.5 us
    of the 30 us of evaluating a data set."""
    from .evaluation import evaluate

    return evaluate


def positional(impl: pluggy.HookImpl, arguments: tuple[str, ...]) -> Callable[..., Any]:
    """A hook implementation as a function of ``arguments`` in that order, whichever of them it
    takes (pluggy passes an implementation only the arguments it names)."""
    names = tuple(impl.argnames)
    if names == arguments:
        return impl.function
    where = tuple(arguments.index(name) for name in names)

    def call(*given: Any) -> Any:
        return impl.function(*(given[i] for i in where))

    return call


@attrs.frozen
class Engine:
    """Plugins, the catalogues in force and the formula functions, ready to evaluate data."""

    plugin_manager: pluggy.PluginManager
    catalogues: CatalogueSet
    functions: Mapping[str, FormulaFunction]
    #: The N/A rule resolved for the plugins registered when it was (see :meth:`_rule`).
    _resolved: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    @classmethod
    def create(
        cls,
        catalog_dirs: Sequence[PathLike] = (),
        *,
        entry_points: bool = True,
        plugins: Iterable[Any] = (),
        lazy: bool = True,
    ) -> Engine:
        """Load plugins and index catalogues; ``catalog_dirs`` overlay the plugins' catalogues.

        Each catalogue is loaded and checked the first time it is asked for (by
        :meth:`catalogue`, :meth:`load_data`, ``catalogues.get``…), which raises
        :class:`KinerjaError` listing every problem of that catalogue's files; iterating over
        ``catalogues`` loads them all. Raises at once for a missing ``--catalog`` directory and
        for files that name no unit type and year. With ``lazy=False`` every catalogue is
        loaded and checked here, and every error of every file raised together.
        """
        manager = create_plugin_manager(entry_points, plugins)
        functions = collect_functions(manager)
        layers = plugin_layers(manager)
        errors: list[Diagnostic] = []
        for directory in catalog_dirs:
            try:
                layers.append(directory_layer(directory))
            except KinerjaError as error:
                errors.extend(error.diagnostics)
        if errors:
            raise KinerjaError(errors)
        load = open_catalogue_set if lazy else load_catalogue_set
        return cls(manager, load(layers, functions), functions)

    def catalogue(self, unit_type: str, year: int) -> Catalogue | None:
        """The catalogue in force for ``unit_type`` and ``year`` (loaded and checked the first
        time it is asked for), or None when there is none."""
        return self.catalogues.get(unit_type, year)

    def load_data(self, path: PathLike) -> UnitData:
        """Load a unit's realisation data, checked against its catalogue.

        By the file's suffix: ``.xlsx`` (a workbook in the layout ``kinerja-rules template``
        writes) and ``.csv`` (one value per row) are read by :mod:`kinerja_rules.sheets`,
        anything else as TOML.
        """
        from .sheets import load_data

        return load_data(path, self.catalogues)

    def evaluate(self, data: UnitData, period: Period | None = None) -> Report:
        """Evaluate loaded data; the catalogue is chosen by the data's unit type and year.

        With ``period`` (a :class:`~kinerja_rules.periods.Period` of the data's year), every
        figure is the figure to date, January to the end of that period.
        """
        catalogue = self.catalogues.get(data.unit_type, data.year)
        if catalogue is None:
            raise LookupError(f"no catalogue for {data.unit_type} {data.year}")
        return _evaluate()(catalogue, data, self._rule(), period)

    def evaluate_file(self, path: PathLike) -> Report:
        """Load and evaluate a unit's realisation data file: :meth:`load_data`, then
        :meth:`evaluate` for the whole year."""
        return self.evaluate(self.load_data(path))

    def review(
        self, data: UnitData, previous: Sequence[UnitData] = (), report: Report | None = None
    ) -> Review:
        """Check ``data`` for values that look wrong against the unit's own history (its earlier
        periods and ``previous``, the same unit's data of earlier years), against ranges and
        against its indicators' structure (:mod:`kinerja_rules.plausibility`). ``report``, the
        evaluated ``data``, adds the declared ranges of the realisasi."""
        catalogue = self.catalogues.get(data.unit_type, data.year)
        if catalogue is None:
            raise LookupError(f"no catalogue for {data.unit_type} {data.year}")
        from .plausibility import review_unit

        return review_unit(catalogue, data, previous, report)

    def not_applicable(
        self, catalogue: Catalogue, indicator: Indicator, inputs: Mapping[str, Decimal]
    ) -> str | None:
        """The plugins' verdict on ``indicator`` for ``inputs``: a reason, or None."""
        return self._rule()(catalogue, indicator, inputs)

    def _rule(self) -> NotApplicableRule:
        """:func:`not_applicable_rule`, resolved again only when the plugins registered (or a
        tracer or monitor of hook calls) changed since: evaluating a country's data sets one by
        one resolves it once."""
        manager = self.plugin_manager
        key = (
            tuple(manager.hook.kinerja_not_applicable.get_hookimpls()),
            getattr(manager, "_inner_hookexec", None),
        )
        if self._resolved.get("key") != key:
            self._resolved["rule"] = not_applicable_rule(manager)
            self._resolved["key"] = key
        rule: NotApplicableRule = self._resolved["rule"]
        return rule
