"""Composite budget scores as catalogue entries: SMART DJA, IKPA, Capaian Kinerja Anggaran.

A score catalogue (``indicator_catalog/<year>/anggaran.toml``) declares, per fiscal year, each
composite as a weighted mean of components::

    [[score]]
    id = "ikpa"
    renormalise = true                  # weights re-normalised over the components that apply
    [[score.component]]
    id = "revisi_dipa"
    weight = 10
    [[score.component]]
    id = "nilai_efisiensi"              # a component may be computed from inputs…
    weight = 28.6
    formula = "50 + efisiensi / 20 * 50"
    inputs = { efisiensi = "Efisiensi (E), %" }
    [[score.component]]
    id = "smart"                        # …or be another score
    score = "smart"
    weight = 60
    [[score.aspect]]                    # named groups with their own weighted mean
    id = "perencanaan"
    components = ["revisi_dipa", "deviasi_halaman_iii"]
    [[score.band]]                      # categories, with each boundary's inclusiveness
    name = "Baik"
    from = 89                           # from_inclusive = true by default
    to = 95                             # to_inclusive = false by default

score = Σ wᵢ·xᵢ / Σ wᵢ over the applicable components (all components without
``renormalise``). Scores that use other scores are evaluated in dependency order; a cycle is an
error naming it. A score's *reported* value (what the ministry's system published) is what the
scores using it take, when the data gives one; the computation is still done and any
disagreement with a printed figure is a finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from .. import schema
from ..bands import BAND_FIELDS, Band, band_from_table, classify, overlap
from ..catalogue import IDENTIFIER
from ..decimals import (
    CONTEXT,
    DECIMALS,
    ROUNDING_MODES,
    WEIGHT,
    YEAR,
    Figure,
    round_shown,
)
from ..diagnostics import Diagnostic, Location, Severity, closest
from ..formatting import format_decimal
from ..formula import Formula, FormulaError, FormulaFunction, NotMeasurable, compile_formula
from ..rollup import Part, applicable_share, weighted_mean
from ..schema import Field
from ..tomlpos import Path, TomlDocument
from .model import ScoreInputs

COMPONENT_FIELDS: dict[str, Field] = {
    "id": Field(
        ("string",), required=True, doc="component id, e.g. revisi_dipa", pattern=IDENTIFIER
    ),
    "name": Field(("string",), doc="the component as the regulation names it"),
    "weight": Field(("number",), required=True, doc="its weight, e.g. 43.5", domain=WEIGHT),
    "score": Field(("string",), doc="id of another score whose value this component is"),
    "formula": Field(("string",), doc="computed from inputs, e.g. 50 + efisiensi / 20 * 50"),
    "inputs": Field(
        ("table",),
        doc='the formula\'s inputs: NAME = "description"',
        values=Field(("string",)),
        key_pattern=IDENTIFIER,
        key_doc="input names are identifiers",
    ),
}
ASPECT_FIELDS: dict[str, Field] = {
    "id": Field(("string",), required=True, doc="aspect id, e.g. perencanaan", pattern=IDENTIFIER),
    "name": Field(("string",), doc="the aspect as the regulation names it"),
    "components": Field(("array",), required=True, doc="component ids", values=Field(("string",))),
}
SCORE_FIELDS: dict[str, Field] = {
    "id": Field(("string",), required=True, doc="score id, e.g. ikpa", pattern=IDENTIFIER),
    "name": Field(("string",), required=True, doc="the score's name"),
    "note": Field(("string",), doc="remarks, e.g. the regulation"),
    "renormalise": Field(("boolean",), doc="re-normalise weights over applicable components"),
    "component": Field(
        ("array",),
        required=True,
        doc="the weighted components",
        values=Field(("table",), table=COMPONENT_FIELDS),
    ),
    "aspect": Field(
        ("array",), doc="named groups of components", values=Field(("table",), table=ASPECT_FIELDS)
    ),
    "band": Field(("array",), doc="categories", values=Field(("table",), table=BAND_FIELDS)),
}
SCORE_POLICY_FIELDS: dict[str, Field] = {
    "decimals": Field(
        ("integer",), doc="decimals shown for scores and percentages", domain=DECIMALS
    ),
    "rounding": Field(("string",), doc="rounding of shown figures", choices=tuple(ROUNDING_MODES)),
    "change_from": Field(
        ("string",),
        doc="change per jenis belanja from the shown or the exact percentages",
        choices=("shown", "exact"),
    ),
}
SCORE_CATALOGUE_FIELDS: dict[str, Field] = {
    "year": Field(("integer",), required=True, doc="the fiscal year", domain=YEAR),
    "title": Field(("string",), required=True, doc="a title for people"),
    "source": Field(("string",), doc="the regulations"),
    "policy": Field(("table",), table=SCORE_POLICY_FIELDS, doc="rounding of shown figures"),
    "score": Field(
        ("array",), required=True, doc="the scores", values=Field(("table",), table=SCORE_FIELDS)
    ),
}


@attrs.frozen
class Component:
    id: str
    name: str
    weight: Decimal
    score: str | None
    formula: Formula | None
    location: Location = attrs.field(eq=False)


@attrs.frozen
class Aspect:
    id: str
    name: str
    components: tuple[str, ...]


@attrs.frozen
class Score:
    id: str
    name: str
    components: tuple[Component, ...]
    aspects: tuple[Aspect, ...]
    bands: tuple[Band, ...]
    renormalise: bool
    location: Location = attrs.field(eq=False)

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)


@attrs.frozen
class ScorePolicy:
    decimals: int = 2
    rounding: str = "half_up"
    change_from: str = "shown"


@attrs.frozen
class ScoreCatalogue:
    year: int
    title: str
    policy: ScorePolicy
    scores: tuple[Score, ...]  # in dependency order
    files: tuple[str, ...]

    def score(self, score_id: str) -> Score | None:
        return next((s for s in self.scores if s.id == score_id), None)


def build_score_catalogue(
    doc: TomlDocument, file: str, functions: Mapping[str, FormulaFunction]
) -> tuple[ScoreCatalogue | None, list[Diagnostic]]:
    diagnostics = schema.check(doc, file, SCORE_CATALOGUE_FIELDS)
    if diagnostics:
        return None, diagnostics
    data = doc.data

    def at(path: Path, value: bool = True) -> Location:
        return schema.locate(doc, file, path, value)

    def error(code: str, message: str, path: Path, hint: str | None = None) -> None:
        diagnostics.append(Diagnostic(code, message, at(path), hint))

    scores: list[Score] = []
    ids = [table["id"] for table in data["score"]]
    for index, table in enumerate(data["score"]):
        path = ("score", index)
        if ids.index(table["id"]) != index:
            error("KR205", f"score id '{table['id']}' is used twice", (*path, "id"))
            continue
        components = []
        for c_index, item in enumerate(table["component"]):
            c_path = (*path, "component", c_index)
            if [c["id"] for c in table["component"]].index(item["id"]) != c_index:
                error(
                    "KR205",
                    f"component id '{item['id']}' is used twice in score '{table['id']}'",
                    (*c_path, "id"),
                )
                continue
            if "score" in item and ("formula" in item or "inputs" in item):
                error("KR204", "a component is either another score or a formula, not both", c_path)
                continue
            if "score" in item and item["score"] not in ids:
                error(
                    "KR609",
                    f"score '{item['score']}' is not declared in this catalogue",
                    (*c_path, "score"),
                    _did_you_mean(item["score"], ids),
                )
                continue
            formula = None
            if "formula" in item:
                try:
                    formula = compile_formula(
                        item["formula"], frozenset(item.get("inputs", {})), functions
                    )
                except FormulaError as failure:
                    error(
                        failure.code,
                        f"component '{item['id']}': {failure.message}",
                        (*c_path, "formula"),
                        failure.hint,
                    )
                    continue
            elif "inputs" in item:
                error(
                    "KR204",
                    "inputs without a formula",
                    (*c_path, "inputs"),
                    "add formula = … or remove inputs",
                )
                continue
            components.append(
                Component(
                    item["id"],
                    item.get("name", item["id"]),
                    Decimal(item["weight"]),
                    item.get("score"),
                    formula,
                    at(c_path, False),
                )
            )
        if components and sum(c.weight for c in components) == 0:
            error("KR204", f"the weights of score '{table['id']}' add up to 0", path)
        known = {c.id for c in components}
        aspects = []
        for a_index, item in enumerate(table.get("aspect", [])):
            unknown = [c for c in item["components"] if c not in known]
            if unknown:
                error(
                    "KR204",
                    f"aspect '{item['id']}' names unknown components: {', '.join(unknown)}",
                    (*path, "aspect", a_index, "components"),
                    f"components of '{table['id']}': {', '.join(sorted(known))}",
                )
                continue
            aspects.append(
                Aspect(item["id"], item.get("name", item["id"]), tuple(item["components"]))
            )
        bands = tuple(band_from_table(item) for item in table.get("band", []))
        overlapping = overlap(bands)
        if overlapping:
            error(
                "KR611",
                f"bands '{overlapping[0]}' and '{overlapping[1]}' of score '{table['id']}' overlap",
                (*path, "band"),
            )
        scores.append(
            Score(
                table["id"],
                table["name"],
                tuple(components),
                tuple(aspects),
                bands,
                table.get("renormalise", False),
                at(path, False),
            )
        )
    ordered, cycle = _dependency_order(scores)
    if cycle:
        where = next(s.location for s in scores if s.id == cycle[0])
        diagnostics.append(
            Diagnostic(
                "KR610",
                f"scores depend on each other in a cycle: {' → '.join(cycle)}",
                where,
                "a score may use another score only if that one does not (indirectly) use it",
            )
        )
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    policy_table = data.get("policy", {})
    policy = ScorePolicy(
        policy_table.get("decimals", 2),
        policy_table.get("rounding", "half_up"),
        policy_table.get("change_from", "shown"),
    )
    return ScoreCatalogue(data["year"], data["title"], policy, tuple(ordered), (file,)), diagnostics


def _did_you_mean(value: str, known: list[str]) -> str:
    suggestion = closest(value, known)
    return f"did you mean '{suggestion}'?" if suggestion else f"declared: {', '.join(known)}"


def _dependency_order(scores: list[Score]) -> tuple[list[Score], list[str] | None]:
    """Scores ordered so each comes after the scores it uses; or the first cycle found."""
    by_id = {s.id: s for s in scores}
    ordered: list[Score] = []
    state: dict[str, str] = {}

    def visit(score_id: str, trail: list[str]) -> list[str] | None:
        if state.get(score_id) == "done":
            return None
        if state.get(score_id) == "active":
            return trail[trail.index(score_id) :] + [score_id]
        state[score_id] = "active"
        for component in by_id[score_id].components:
            if component.score in by_id:
                cycle = visit(component.score, trail + [score_id])
                if cycle:
                    return cycle
        state[score_id] = "done"
        ordered.append(by_id[score_id])
        return None

    for score in scores:
        cycle = visit(score.id, [])
        if cycle:
            return scores, cycle
    return ordered, None


# --- evaluation --------------------------------------------------------------------------------


@attrs.frozen
class ComponentResult:
    component: Component
    value: Decimal | None
    applicable: bool
    source: str  # "data", "formula", "score", "reported score"


@attrs.frozen
class ScoreResult:
    score: Score
    computed: Figure | None
    reported: Figure | None
    components: tuple[ComponentResult, ...]
    aspects: Mapping[str, Figure]
    conversion: Decimal  # Σ applicable weights / Σ weights ("Konversi Bobot")
    band: str | None
    missing: tuple[str, ...]

    @property
    def used(self) -> Decimal | None:
        """The value scores using this one take: the reported one when there is one."""
        if self.reported is not None:
            return self.reported.exact
        return self.computed.exact if self.computed is not None else None


def evaluate_scores(
    catalogue: ScoreCatalogue, data: Mapping[str, ScoreInputs]
) -> tuple[list[ScoreResult], list[Diagnostic]]:
    """Every score the data gives inputs for (or that uses one that is), in dependency order."""
    policy = catalogue.policy
    results: dict[str, ScoreResult] = {}
    findings: list[Diagnostic] = []

    def figure(value: Decimal) -> Figure:
        return Figure(value, round_shown(value, policy.decimals, policy.rounding))

    for score in catalogue.scores:
        inputs = data.get(score.id)
        uses = [c.score for c in score.components if c.score]
        if inputs is None and not any(u in results for u in uses):
            continue
        values = inputs.values if inputs is not None else {}
        not_applicable = inputs.not_applicable if inputs is not None else frozenset()
        components = []
        missing = []
        for component in score.components:
            value, source = _component_value(component, values, results)
            applicable = component.id not in not_applicable
            if value is None and applicable:
                missing.append(component.id)
            components.append(ComponentResult(component, value, applicable, source))
        parts = [_part(c) for c in components]
        computed = None
        if not missing:
            value = weighted_mean(parts, renormalise=score.renormalise)
            computed = figure(value) if value is not None else None
        aspects = {}
        for aspect in score.aspects:
            members = [
                part
                for part, c in zip(parts, components)
                if c.component.id in aspect.components and c.applicable
            ]
            if all(part.value is not None for part in members):
                value = weighted_mean(members)
                if value is not None:
                    aspects[aspect.id] = figure(value)
        reported = None
        if inputs is not None and inputs.reported is not None:
            reported = Figure(inputs.reported[0], inputs.reported[0])
        shown = reported.shown if reported is not None else (computed.shown if computed else None)
        band = classify(score.bands, shown)
        conversion = applicable_share(parts)
        result = ScoreResult(
            score,
            computed,
            reported,
            tuple(components),
            aspects,
            conversion,
            band.name if band is not None else None,
            tuple(missing),
        )
        results[score.id] = result
        if inputs is not None:
            findings += _printed_checks(result, inputs, policy)
    return list(results.values()), findings


def _part(result: ComponentResult) -> Part:
    """A component as a part of the one roll-up."""
    return Part(result.value, result.component.weight, result.applicable)


def _component_value(component: Component, values: Mapping, results: Mapping[str, ScoreResult]):
    if component.score is not None:
        other = results.get(component.score)
        if other is None:
            return None, "score"
        return other.used, "reported score" if other.reported is not None else "score"
    if component.formula is not None:
        names = {name: values[name][0] for name in component.formula.names if name in values}
        if len(names) < len(component.formula.names):
            return None, "formula"
        try:
            return component.formula.evaluate(names), "formula"
        except NotMeasurable:
            return None, "formula"
    entry = values.get(component.id)
    return (entry[0] if entry is not None else None), "data"


def _printed_checks(
    result: ScoreResult, inputs: ScoreInputs, policy: ScorePolicy
) -> list[Diagnostic]:
    """Reported and printed figures against the computation, each at its printed precision."""
    found = []
    name = result.score.id

    def compare(printed, exact: Decimal | None, what: str) -> None:
        if printed is None or exact is None:
            return
        value, decimals, location = printed
        expected = round_shown(exact, decimals, policy.rounding)
        shown_decimals = max(decimals, policy.decimals)
        if expected != value:
            found.append(
                Diagnostic(
                    "KR608",
                    f"{what} is printed {format_decimal(value)}, but its components give "
                    f"{format_decimal(round_shown(exact, shown_decimals, policy.rounding))}",
                    location,
                    f"at the printed precision ({decimals} decimals); "
                    "the composite is Σ weight × value / Σ weight",
                    Severity.WARNING,
                )
            )

    compare(inputs.reported, result.computed.exact if result.computed else None, f"{name}")
    if result.computed is not None and inputs.printed_total is not None:
        compare(
            inputs.printed_total,
            weighted_mean((_part(c) for c in result.components), renormalise=False),
            f"{name} total (before re-normalisation)",
        )
    for aspect_id, printed in inputs.printed_aspects.items():
        figure = result.aspects.get(aspect_id)
        compare(printed, figure.exact if figure else None, f"{name} aspect {aspect_id}")
    for component_id, printed in inputs.printed_weighted.items():
        component = next((c for c in result.components if c.component.id == component_id), None)
        if component is not None and component.value is not None:
            weighted = CONTEXT.divide(
                CONTEXT.multiply(component.component.weight, component.value), 100
            )
            compare(
                printed, weighted, f"{name} weighted value of {component_id} (weight × value / 100)"
            )
    return found


def check_inputs(catalogue: ScoreCatalogue, data: Mapping[str, ScoreInputs]) -> list[Diagnostic]:
    """Data for scores and components the catalogue does not declare."""
    found = []
    known = [s.id for s in catalogue.scores]
    for score_id, inputs in data.items():
        score = catalogue.score(score_id)
        if score is None:
            found.append(
                Diagnostic(
                    "KR401",
                    f"'{score_id}' is not a score of the {catalogue.year} score catalogue",
                    inputs.location,
                    _did_you_mean(score_id, known),
                )
            )
            continue
        names = {c.id for c in score.components} | {
            name for c in score.components if c.formula is not None for name in c.formula.names
        }
        for name, (_, location) in inputs.values.items():
            if name not in names:
                found.append(
                    Diagnostic(
                        "KR406",
                        f"'{name}' is not a component or input of score '{score_id}'",
                        location,
                        _did_you_mean(name, sorted(names)),
                    )
                )
        for name in inputs.not_applicable - {c.id for c in score.components}:
            found.append(
                Diagnostic(
                    "KR406",
                    f"not_applicable names '{name}', not a component of '{score_id}'",
                    inputs.location,
                )
            )
    return found
