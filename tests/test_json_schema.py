"""The JSON Schema for editors says exactly what the loader's shape check says: the committed
schema files are the generated ones, and for the bundled files and random mutations of them the
reference validator (jsonschema) and ``schema.check`` agree on valid / invalid — for a catalogue,
by the fields of the format it is written in (``format_version``)."""

from __future__ import annotations

import copy
import json
import sys
from decimal import Decimal

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_rules import schema
from kinerja_rules.budget.loader import BUDGET_FIELDS
from kinerja_rules.budget.scores import SCORE_CATALOGUE_FIELDS
from kinerja_rules.catalogue import CATALOGUE_FIELDS, check_shape
from kinerja_rules.data import DATA_FIELDS
from kinerja_rules.json_schema import SCHEMAS
from kinerja_rules.tomlpos import TomlDocument

from .conftest import CATALOG, EXAMPLES, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIELDS = {
    "catalogue": CATALOGUE_FIELDS,
    "data": DATA_FIELDS,
    "budget": BUDGET_FIELDS,
    "scores": SCORE_CATALOGUE_FIELDS,
}
#: The plugin template's catalogue and data (examples/plugin) are checked beside the bundled ones.
PLUGIN = EXAMPLES / "plugin"
FILES = {
    "catalogue": sorted(
        [p for p in CATALOG.glob("*/*.toml") if p.name != "anggaran.toml"]
        + list(PLUGIN.glob("src/*/catalog/*/*.toml"))
    ),
    "data": sorted(
        [p for p in EXAMPLES.glob("[0-9]*/*.toml") if not p.stem.endswith(("-anggaran", "-cetak"))]
        + list(PLUGIN.glob("data/*.toml"))
    ),
    "budget": sorted(EXAMPLES.glob("*/*-anggaran.toml")),
    "scores": sorted(CATALOG.glob("*/anggaran.toml")),
}


def load(path):
    return tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def shape_ok(kind, data) -> bool:
    document = TomlDocument(data=data, key_positions={}, value_positions={})
    if kind == "catalogue":  # the loader's check, by the file's format
        return not check_shape(document, "x.toml")
    return not schema.check(document, "x.toml", FIELDS[kind])


def schema_ok(kind, data) -> bool:
    validator = jsonschema.Draft7Validator(SCHEMAS[kind]())
    return validator.is_valid(data)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_committed_schema_is_the_generated_one(kind):
    committed = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert committed == SCHEMAS[kind](), (
        "run: kinerja-rules schema {kind} > schema/{kind}.schema.json"
    )
    jsonschema.Draft7Validator.check_schema(committed)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_bundled_files_are_valid_for_both(kind):
    assert FILES[kind]
    for path in FILES[kind]:
        data = load(path)
        assert shape_ok(kind, data) and schema_ok(kind, data), path


MUTATIONS = [
    lambda d: d.pop("year"),
    lambda d: d.update(year="2023"),
    lambda d: d.update(year=Decimal("2023.0")),
    lambda d: d.update(year=True),
    lambda d: d.update(yaer=2023),
    lambda d: d.update(policy=[1]),
    lambda d: d["policy"].update(rounding="halfup"),
    lambda d: d["policy"].update(decimals=-1),
    lambda d: d["indicator"][0].pop("formula"),
    lambda d: d["indicator"][0].update(formulla="A"),
    lambda d: d["indicator"][0].update(level="IKX"),
    lambda d: d["indicator"][0].update(target="80 %%"),
    lambda d: d["indicator"][0].update(target="80%"),
    lambda d: d["indicator"][0].update(target="54 Unit"),
    lambda d: d["indicator"][0].update(renstra={"20x4": 1}),
    lambda d: d["indicator"][0].update(renstra={"2024": "85%"}),
    lambda d: d["indicator"][0]["inputs"].update({"1A": "x"}),
    lambda d: d["indicator"][0]["inputs"].update(
        C={"description": "c", "kind": "number", "max": 5}
    ),
    lambda d: d["indicator"][0]["inputs"].update(C={"kind": "count"}),
    lambda d: d["indicator"][0].update(examples=[{"inputs": {"A": 1, "B": 2}, "realisasi": 50}]),
    lambda d: d["indicator"][0].update(examples=[{"realisasi": 50}]),
    lambda d: d["indicator"][0].update(invariants="0 <= value"),
    lambda d: d["indicator"][0].update(not_applicable={"when": "B == 0"}),
    lambda d: d["indicator"][0].update(anggaran=Decimal("1.5")),
    lambda d: d["sasaran"][0].update(level="nasional"),
    lambda d: d.update(indicator={}),
    # Format versions: a string input is format 1 only; a version is a whole number, 1 or 2.
    lambda d: d["indicator"][0]["inputs"].update(A="bagian"),
    lambda d: (d.pop("format_version"), d["indicator"][0]["inputs"].update(A="bagian")),
    lambda d: (d.update(format_version=1), d["indicator"][0]["inputs"].update(A="bagian")),
    lambda d: d.update(format_version=1),
    lambda d: d.update(format_version=3),
    lambda d: d.update(format_version=0),
    lambda d: d.update(format_version="2"),
    lambda d: d.update(format_version=Decimal("2.0")),
    lambda d: d.update(format_version=True),
]


@pytest.mark.parametrize("mutate", MUTATIONS, ids=range(len(MUTATIONS)))
def test_listed_mutations_agree(mutate):
    data = load(CATALOG / "2023" / "bapas.toml")
    mutate(data)
    assert shape_ok("catalogue", data) == schema_ok("catalogue", data)


def test_a_string_input_is_valid_in_format_1_only():
    data = load(CATALOG / "2023" / "bapas.toml")
    assert data["format_version"] == 2
    data["indicator"][0]["inputs"]["A"] = "bagian"
    assert not shape_ok("catalogue", data) and not schema_ok("catalogue", data)
    del data["format_version"]
    assert shape_ok("catalogue", data) and schema_ok("catalogue", data)


VALUES = st.recursive(
    st.one_of(
        st.text(max_size=6),
        st.sampled_from(["80%", "1 Layanan", "2024", "A", "half_up", "IKK", "count"]),
        st.integers(min_value=-3, max_value=3000),
        st.decimals(min_value=-5, max_value=5, places=2, allow_nan=False, allow_infinity=False),
        st.booleans(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=2),
        st.dictionaries(
            st.sampled_from(["A", "B", "2024", "x", "description", "when"]), inner, max_size=2
        ),
    ),
    max_leaves=4,
)


def paths_of(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_of(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_of(item, (*prefix, index))


@given(data=st.data())
def test_random_mutations_agree(data):
    kind = data.draw(st.sampled_from(sorted(FILES)))
    original = load(data.draw(st.sampled_from(FILES[kind])))
    document = copy.deepcopy(original)
    paths = [p for p in paths_of(document) if p]
    path = data.draw(st.sampled_from(paths))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[path[-1]] = data.draw(VALUES)
    elif action == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.sampled_from(["extra", "formula", "kind", "2025", "A", "max"]))] = (
            data.draw(VALUES)
        )
    assert shape_ok(kind, document) == schema_ok(kind, document), (path, action)
