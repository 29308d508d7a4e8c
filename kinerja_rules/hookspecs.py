"""Hook specifications: how a unit type plugs into kinerja-rules.

A *unit type* (LPKA, Bapas, Lapas, Rutan, …) is a plugin: a module or object with functions
decorated by :data:`hookimpl` whose names match the hooks below. The built-in plugins live in
``kinerja_rules.plugins``; third-party plugins are found through the ``kinerja_rules`` entry-point
group of any installed distribution::

    # pyproject.toml of a plugin distribution
    [project.entry-points.kinerja_rules]
    lapas = "kinerja_lapas.plugin"

    # kinerja_lapas/plugin.py
    from kinerja_rules import hookimpl

    @hookimpl
    def kinerja_catalogues():
        return [Path(__file__).parent / "catalog" / "2024" / "lapas.toml"]

A plugin implements only the hooks it needs. Catalogues themselves need no plugin: a TOML file in a
``--catalog`` directory is enough for a new year or a new unit type. Plugins are for what TOML
cannot say: where packaged catalogues live, unit-type rules for "cannot be measured", extra
formula functions, checks of the unit type's own, the words of its vocabulary that say a
quantity should fall, and the things its inputs count or measure.

Every hook here has a test of its own in ``tests/test_hooks.py``; a meta-test fails when a hook
is added without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .model import Catalogue, Indicator

PROJECT = "kinerja_rules"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

_Function = TypeVar("_Function", bound=Callable[..., Any])


def for_unit_types(*unit_types: str) -> Callable[[_Function], _Function]:
    """Say that a :func:`kinerja_not_applicable` implementation decides only for catalogues of
    these unit types (``@hookimpl`` then ``@for_unit_types("lpka")``): the engine then leaves it
    out of the evaluation of every other type's indicators, which a country's evaluation of
    many unit types notices. It must still return None for other types when called.
    """

    def mark(function: _Function) -> _Function:
        function.kinerja_unit_types = frozenset(unit_types)  # type: ignore[attr-defined]
        return function

    return mark


# -------------------------------------------------------------------------------------------
# Catalogues
# -------------------------------------------------------------------------------------------


@hookspec
def kinerja_catalogues() -> Iterable[Any]:
    """Return the catalogue files this plugin contributes.

    :return: paths (:class:`pathlib.Path`, ``str``, or :mod:`importlib.resources` traversables)
        of TOML catalogue files, one unit type and year per file. Several files for the same unit
        type and year from one plugin are merged (their indicator ids must not collide).

    Catalogues are loaded once, when the engine is created; every formula is checked then. When a
    ``--catalog`` directory (or ``Engine.create(catalog_dirs=…)``) holds a catalogue for the same
    unit type and year, that catalogue replaces the plugin's one entirely — this is how a
    maintainer tries next year's edition without touching the package.
    """


# -------------------------------------------------------------------------------------------
# Evaluation
# -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def kinerja_not_applicable(
    catalogue: Catalogue, indicator: Indicator, inputs: Mapping[str, Decimal]
) -> str | None:
    """Decide whether ``indicator`` cannot be measured for these ``inputs``, before its formula
    runs.

    :param catalogue: the catalogue being evaluated; check ``catalogue.unit_type`` so a rule
        only applies to the unit type it was written for.
    :param indicator: the indicator about to be evaluated (its formula, target, unit…).
    :param inputs: the input counts from the realisation data, as exact decimals.
    :return: the reason, in Indonesian, shown next to the indicator (e.g. "tidak ada populasi"),
        or ``None`` to let other plugins (and then the formula) decide.

    Stops at the first non-``None`` result. An indicator declared not applicable gets no
    realisasi and no capaian — never a 0 — and is left out of roll-ups unless the catalogue's
    legacy ``not_applicable = "zero"`` policy says otherwise. Without any plugin deciding, a
    division by zero in the formula still makes the indicator N/A ("pembagian dengan nol").
    An implementation for one unit type may say so with :func:`for_unit_types`.
    """


@hookspec
def kinerja_not_applicable_batch(catalogue: Catalogue, indicator: Indicator) -> Any:
    """Say once per indicator, before any data is read, what this plugin's
    :func:`kinerja_not_applicable` decides, so ``kinerja-rules batch`` can apply it to a whole
    column of units at once.

    :param catalogue: the catalogue about to be evaluated in a batch.
    :param indicator: one of its indicators.
    :return: one of

        * ``None`` — this plugin never declares ``indicator`` N/A, whatever the inputs;
        * ``kinerja_rules.batch.NotApplicableWhen(when, reason)`` — N/A with ``reason`` exactly
          for the inputs where ``when`` holds (a condition in the formula grammar over the
          indicator's inputs, e.g. ``"B == 0 and D == 0"``); ``when=None``: always;
        * ``kinerja_rules.batch.PER_ROW`` — the rule cannot be said so: the catalogue is
          evaluated per row (exactly, only more slowly).

    Each plugin's batch form stands for its own ``kinerja_not_applicable`` and must agree with
    it on every input (test it as the bundled plugins do, with hypothesis). The hook is not
    called as a whole: the batch path pairs each plugin's two implementations and keeps
    pluggy's order between plugins. A plugin that implements ``kinerja_not_applicable`` but not
    this hook sends every catalogue to the per-row engine, since its rule may speak of any unit
    type; hook wrappers of ``kinerja_not_applicable`` do the same.
    """


# -------------------------------------------------------------------------------------------
# Formulas
# -------------------------------------------------------------------------------------------


@hookspec
def kinerja_formula_functions() -> Mapping[str, Any]:
    """Return extra functions that catalogue formulas may call, by name.

    :return: a mapping from a formula-level name (an identifier such as ``"ratio"``) to a
        callable taking :class:`~decimal.Decimal` arguments and returning a ``Decimal`` (or
        ``int``). Returning a float is an error: figures stay exact.

    Formulas get exactly ``min``, ``max``, ``abs`` and what plugins register here — never
    simpleeval's default functions. Two plugins registering the same name, or a name shadowing
    a built-in one, is an error when the engine is created. A function that cannot compute a
    value for its arguments should raise :class:`kinerja_rules.NotMeasurable` with a reason.
    It runs under the engine's decimal context (60 digits; division by zero, overflow and
    invalid operations raise), whoever calls the formula, so its results never depend on the
    caller's ``decimal`` settings. So do the ``kinerja_not_applicable`` rules while
    :meth:`Engine.evaluate <kinerja_rules.Engine.evaluate>` runs.
    """


# -------------------------------------------------------------------------------------------
# Validation
# -------------------------------------------------------------------------------------------


@hookspec
def kinerja_check_catalogue(catalogue: Catalogue) -> Iterable[Diagnostic] | None:
    """Check a loaded catalogue with rules of this plugin's own; ``kinerja-rules validate`` runs it.

    :param catalogue: a catalogue that loaded without errors (any unit type: check
        ``catalogue.unit_type`` when the rule is for one).
    :return: :class:`~kinerja_rules.Diagnostic` objects (or ``None``). Locate them with the
        catalogue's own locations — ``indicator.location`` for the ``[[indicator]]`` header,
        ``indicator.where("formula")`` (or ``"target"``, ``"renstra.2024"``, ``"inputs.A"``…)
        for a key — so they print like every other diagnostic. Use a code of your own with an
        uppercase prefix other than ``KR`` and three digits (``LPKA001``), documented with the
        plugin; choose ``Severity.WARNING`` for advice and ``Severity.ERROR`` for what must be
        fixed (errors make ``validate`` exit 1).

    Called once per catalogue, after kinerja-rules' own checks; the results of all plugins are
    reported together, sorted by file and line.
    """


@hookspec
def kinerja_decreasing_words() -> Iterable[str]:
    """Return words or phrases that, in an indicator's name, say the quantity should fall.

    :return: words or phrases of the unit type's own vocabulary (``"residivis"``,
        ``"kelebihan kapasitas"``), matched as whole words, case-insensitively.

    ``validate`` warns (KR210) about an indicator whose name contains one of these, or one of
    the built-in words ("menurunnya", "penurunan", "berkurangnya", "tingkat hunian",
    "kejadian", "pelanggaran", "pelarian", "overkapasitas"), and that does not declare its
    ``polarity``: left at the default, a quantity that should fall is scored as if more were
    better. The words of every plugin are used together, for every catalogue.
    """


@hookspec
def kinerja_dimensions() -> Iterable[Any]:
    """Return words this unit type's inputs may count or measure, beyond the built-in ones.

    :return: :class:`kinerja_rules.dimensions.Term` objects: ``Term("pengunjung", "count",
        parent="orang")`` lets an input declare ``counts = "pengunjung"`` (a count of people:
        divided by a count of orang it is a share), ``Term("minggu", "time")`` one of time in
        weeks; the kinds are ``"count"``, ``"money"``, ``"time"``, ``"index"`` and
        ``"percent"``. A word also names an indicator ``unit`` the formula is then proved
        against (``unit = "Pengunjung"``).

    ``kinerja-rules validate`` proves every formula's units with the built-in vocabulary
    (orang, klien, anak, tahanan, narapidana, pegawai; dokumen, layanan, unit, kegiatan,
    laporan, kejadian; Rp; hari, bulan; indeks; %) and the words of every plugin together; an
    input declaring a word no one knows is an error (KR801). A plugin's word replaces a
    built-in one of the same name.
    """
