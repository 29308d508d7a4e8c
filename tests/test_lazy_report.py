"""A report decides every figure when it is evaluated and builds its result objects, shown
figures, derivations and findings only when they are looked at. Looking must give what eager
evaluation would: the same objects however, whenever and how often they are read."""

from __future__ import annotations

import pickle
from decimal import Decimal

from kinerja_rules import Engine
from kinerja_rules.results import Deferred

from .conftest import EXAMPLES


def test_deferred_behaves_as_its_tuple():
    built = []

    def build():
        built.append(1)
        return iter([3, 1, 2])

    lazy = Deferred(build)
    assert built == []  # nothing is built before it is looked at
    assert len(lazy) == 3 and lazy[0] == 3 and lazy[-1] == 2 and lazy[1:] == (1, 2)
    assert list(lazy) == [3, 1, 2] and lazy == (3, 1, 2) and lazy == [3, 1, 2]
    assert hash(lazy) == hash((3, 1, 2)) and bool(lazy)
    assert built == [1]  # built once, kept
    assert pickle.loads(pickle.dumps(lazy)) == (3, 1, 2)
    assert not Deferred(tuple) and Deferred(tuple) == ()


def test_report_read_late_equals_report_read_at_once():
    engine = Engine.create(entry_points=False)
    data = engine.load_data(EXAMPLES / "2023" / "lpka-pangkalpinang.toml")
    first, second = engine.evaluate(data), engine.evaluate(data)
    findings = list(first.findings)  # read in another order than the second report
    assert [r.derivation for r in first.indicators] == [r.derivation for r in second.indicators]
    assert first.indicators == second.indicators and first.sasaran == second.sasaran
    assert findings == list(second.findings)
    # The seed: Pangkalpinang 2023 has twenty IKK, some of them 0/0 ratios (N/A).
    measured = [r for r in first.indicators if r.measured]
    assert len(first.indicators) == 20 and 0 < len(measured) < 20
    assert all(isinstance(r.capaian.exact, Decimal) for r in measured)
