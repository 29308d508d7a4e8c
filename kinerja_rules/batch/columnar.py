"""The columnar evaluation of one :class:`~kinerja_rules.batch.table.Block`: every indicator of
every data set and period at once, in the order of decisions of
:func:`kinerja_rules.evaluation.evaluate` (consolidation to date, N/A rules, formula, capaian with
range, zero target, floor and cap, bands, weighted roll-ups), on the interval columns of
:mod:`~kinerja_rules.batch.interval`. A data set with any undecided decision, or a shape this
module does not cover (``mean``/``max`` consolidation of periods, sums too large for int64), is
marked ``redo``: the caller evaluates it with the per-row engine instead.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
import numpy as np

from ..periods import KIND_SLOTS, LENGTHS, periods_of
from .interval import (
    SCALE_DIGITS,
    TWO_U,
    Arith,
    FormulaColumns,
    bounds_of,
    compare_const,
    shown,
    up,
)
from .table import ABSENT, INPUTS, KINDS, NOT_MEASURED, REALISASI

#: Status codes of the result arrays.
TERCAPAI, TIDAK_TERCAPAI, TIDAK_DAPAT_DIUKUR = 0, 1, 2
STATUS_TEXT = ("tercapai", "tidak tercapai", "tidak dapat diukur")
#: N/A codes: the stage that left a figure out (``derivation.source`` of the engine, or capaian).
NA_NONE, NA_MISSING, NA_NOT_MEASURED, NA_NOT_APPLICABLE, NA_NO_CAPAIAN = 0, 1, 2, 3, 4
NA_TEXT = (None, "missing", "not_measured", "not_applicable", "no_capaian")
_KIND_WORDS = {"month": "bulan", "quarter": "triwulan", "semester": "semester"}


@attrs.define
class BlockResult:
    """Shown figures as integer counts of 10**-decimals; -1 for no category / reason."""

    r_k: np.ndarray
    r_has: np.ndarray
    c_k: np.ndarray
    c_has: np.ndarray
    status: np.ndarray
    category: np.ndarray
    na: np.ndarray
    reason: np.ndarray
    s_k: np.ndarray
    s_has: np.ndarray
    s_status: np.ndarray
    s_category: np.ndarray
    s_measured: np.ndarray
    s_total: np.ndarray
    o_k: np.ndarray
    o_has: np.ndarray
    redo: np.ndarray
    texts: list[str]

    def text(self, words: str) -> int:
        try:
            return self.texts.index(words)
        except ValueError:
            self.texts.append(words)
            return len(self.texts) - 1


class _Texts:
    def __init__(self, texts: list[str]):
        self.texts = texts
        self.index = {t: i for i, t in enumerate(texts)}

    def __call__(self, words: str) -> int:
        found = self.index.get(words)
        if found is None:
            found = self.index[words] = len(self.texts)
            self.texts.append(words)
        return found


def _interval_of_scaled(s: np.ndarray):
    """The exact decimal ``s × 10^-6`` (an int64 column) as a scaled interval column: the float
    of ``s`` itself, exact below 2**53."""
    v = s.astype(np.float64)
    e = np.where(np.abs(s) < 2**53, 0.0, up(TWO_U * np.abs(v)))
    return v, e


def evaluate_block(plan, block) -> BlockResult:
    G = len(block.units)
    NP = len(plan.periods)
    J = len(plan.indicators)
    NS = len(plan.sasaran)
    n = G * NP
    texts = _Texts(list(block.texts))
    d, rounding = plan.decimals, plan.rounding
    r_k = np.zeros((n, J), dtype=np.int64)
    r_has = np.zeros((n, J), dtype=bool)
    c_k = np.zeros((n, J), dtype=np.int64)
    c_has = np.zeros((n, J), dtype=bool)
    c_v = np.zeros((n, J))
    c_e = np.zeros((n, J))
    status = np.full((n, J), TIDAK_DAPAT_DIUKUR, dtype=np.int8)
    category = np.full((n, J), -1, dtype=np.int16)
    na = np.zeros((n, J), dtype=np.int8)
    reason = np.full((n, J), -1, dtype=np.int32)
    undecided = np.zeros(n, dtype=bool)
    band_bounds = _band_bounds(plan)
    for j, ind in enumerate(plan.indicators):
        st, code, why, inputs, real, redo = _consolidate(plan, block, j, texts)
        st, code, why, real, redo = (a.reshape(n) for a in (st, code, why, real, redo))
        inputs = {name: a.reshape(n) for name, a in inputs.items()}
        undecided |= redo
        arith = Arith(n, plan.prec, plan.ambient)
        env = {spec.name: _interval_of_scaled(inputs[spec.name]) for spec in ind.inputs}
        active = st == INPUTS
        # 1. the catalogue's own rule, 2. the plugins' rules (their batch forms), in order
        if ind.rule is not None:
            hit, fail, messages = _boolean(arith, ind.rule.when, env, active)
            failed = active & (fail >= 0)
            for index, message in enumerate(messages):
                _set_na(code, why, failed & (fail == index), NA_NOT_APPLICABLE, texts(message))
            hit &= active & ~failed
            _set_na(code, why, hit, NA_NOT_APPLICABLE, texts(ind.rule.reason))
            active &= ~failed & ~hit
        for rules in sorted(set(ind.plugin_rules), key=repr):
            rows = _of_periods(G, [rules == of_period for of_period in ind.plugin_rules])
            live = active & rows
            for rule in rules:
                if rule.when is None:
                    hit = live.copy()
                else:
                    hit, fail, _ = _boolean(arith, rule.when, env, live)
                    arith.undecided |= live & (fail >= 0)  # a batch form must not fail
                    hit &= live
                _set_na(code, why, hit, NA_NOT_APPLICABLE, texts(rule.reason))
                live &= ~hit
                active &= ~hit
        # 3. the formula
        columns = FormulaColumns(arith, ind.formula.source, env)
        v, e = columns.evaluate_number(ind.formula.tree, active, plan.limit)
        failed = active & (columns.fail >= 0)
        for index, message in enumerate(columns.messages):
            _set_na(code, why, failed & (columns.fail == index), NA_NOT_APPLICABLE, texts(message))
        computed = active & ~failed
        rv, re_ = _interval_of_scaled(real)
        reported = st == REALISASI
        v = np.where(reported, rv, v)
        e = np.where(reported, re_, e)
        has = computed | reported
        k, unsure = shown(np.where(has, v, 0.0), np.where(has, e, 0.0), d, rounding)
        arith.undecided |= has & unsure
        r_k[:, j], r_has[:, j] = np.where(has, k, 0), has
        # 4. capaian
        cv, ce, chas = _capaian(plan, ind, arith, v, e, k, has, code, why, texts)
        ck, unsure = shown(np.where(chas, cv, 0.0), np.where(chas, ce, 0.0), d, rounding)
        arith.undecided |= chas & unsure
        c_k[:, j], c_has[:, j] = np.where(chas, ck, 0), chas
        c_v[:, j], c_e[:, j] = np.where(chas, cv, 0.0), np.where(chas, ce, 0.0)
        st_code, cat = _status(plan, band_bounds, arith, cv, ce, ck, chas)
        status[:, j], category[:, j] = st_code, cat
        na[:, j], reason[:, j] = code, why
        undecided |= arith.undecided
    # 5. roll-ups
    arith = Arith(n, plan.prec, plan.ambient)
    s_k = np.zeros((n, NS), dtype=np.int64)
    s_has = np.zeros((n, NS), dtype=bool)
    s_status = np.full((n, NS), TIDAK_DAPAT_DIUKUR, dtype=np.int8)
    s_category = np.full((n, NS), -1, dtype=np.int16)
    s_measured = np.zeros((n, NS), dtype=np.int16)
    s_total = np.zeros((n, NS), dtype=np.int16)
    s_v = np.zeros((n, NS))
    s_e = np.zeros((n, NS))
    weights = [ind.weight for ind in plan.indicators]
    zero_parts = plan.not_applicable == "zero"
    for s, sasaran in enumerate(plan.sasaran):
        members = [j for j, ind in enumerate(plan.indicators) if ind.sasaran == sasaran]
        mv, me, mhas = _roll_up(
            arith,
            [(c_v[:, j], c_e[:, j], c_has[:, j]) for j in members],
            [weights[j] for j in members],
            zero_parts,
        )
        k, unsure = shown(np.where(mhas, mv, 0.0), np.where(mhas, me, 0.0), d, rounding)
        arith.undecided |= mhas & unsure
        st_code, cat = _status(plan, band_bounds, arith, mv, me, k, mhas)
        s_k[:, s], s_has[:, s] = np.where(mhas, k, 0), mhas
        s_status[:, s], s_category[:, s] = st_code, cat
        s_measured[:, s] = c_has[:, members].sum(axis=1) if members else 0
        s_total[:, s] = len(members)
        s_v[:, s], s_e[:, s] = np.where(mhas, mv, 0.0), np.where(mhas, me, 0.0)
    if plan.overall == "sasaran":
        parts = [(s_v[:, s], s_e[:, s], s_has[:, s]) for s in range(NS)]
        ov, oe, ohas = _roll_up(arith, parts, list(plan.sasaran_weights), False)
    else:
        parts = [(c_v[:, j], c_e[:, j], c_has[:, j]) for j in range(J)]
        ov, oe, ohas = _roll_up(arith, parts, weights, zero_parts)
    o_k, unsure = shown(np.where(ohas, ov, 0.0), np.where(ohas, oe, 0.0), d, rounding)
    arith.undecided |= ohas & unsure
    undecided |= arith.undecided
    redo = undecided.reshape(G, NP).any(axis=1)

    def shaped(a):
        return a.reshape((G, NP) + a.shape[1:])

    return BlockResult(
        r_k=shaped(r_k),
        r_has=shaped(r_has),
        c_k=shaped(c_k),
        c_has=shaped(c_has),
        status=shaped(status),
        category=shaped(category),
        na=shaped(na),
        reason=shaped(reason),
        s_k=shaped(s_k),
        s_has=shaped(s_has),
        s_status=shaped(s_status),
        s_category=shaped(s_category),
        s_measured=shaped(s_measured),
        s_total=shaped(s_total),
        o_k=shaped(np.where(ohas, o_k, 0)),
        o_has=shaped(ohas),
        redo=redo,
        texts=texts.texts,
    )


def _of_periods(groups: int, chosen: list[bool]) -> np.ndarray:
    """Rows (data set × period, periods varying fastest) of the periods ``chosen`` marks."""
    if all(chosen):  # one target or one set of rules for every period: the common case
        return np.ones(groups * len(chosen), dtype=bool)
    return np.tile(np.array(chosen, dtype=bool), groups)


def _set_na(code, why, mask, value, text_index):
    code[mask] = value
    why[mask] = text_index


def _boolean(arith, tree, env, active):
    columns = FormulaColumns(arith, tree.source, env)
    hit = columns.boolean(tree.tree, active)
    return hit, columns.fail, columns.messages


def _consolidate(plan, block, j, texts):
    """The entry to date of indicator ``j`` for every data set and period: (state, N/A code,
    reason, input sums, reported realisasi, redo) — :func:`kinerja_rules.consolidation.to_date`
    on columns.

    Every period is decided at once: what "to date" needs of the periods up to one (whether one
    is missing, which are, the last reported or measured one, the sums) is a running count, mask,
    index or sum along the periods of a kind, read at each period's position. Each data set and
    period takes exactly one of the branches below, so their order does not matter.
    """
    G = len(block.units)
    NP = len(plan.periods)
    ind = plan.indicators[j]
    shape = (G, NP)
    st = np.zeros(shape, dtype=np.int8)
    code = np.zeros(shape, dtype=np.int8)
    why = np.full(shape, -1, dtype=np.int32)
    real = np.zeros(shape, dtype=np.int64)
    redo = np.zeros(shape, dtype=bool)
    inputs = {spec.name: np.zeros(shape, dtype=np.int64) for spec in ind.inputs}
    entry = block.entry[:, j]
    state = block.state[:, j, :]
    reasons = block.reason[:, j, :]
    reals = block.real[:, j, :]
    kind = block.kind[:, j]
    last = np.array([12 if period is None else period.last for period in plan.periods])
    code[~entry] = NA_MISSING
    why[~entry] = texts("tidak ada data realisasi")

    def take(mask, slot):
        """Rows ``mask`` take the entry of ``slot``: one slot for all, or one per data set and
        period."""
        if not mask.any():
            return

        def at(values):
            if isinstance(slot, int):
                return values[:, slot : slot + 1]  # broadcasts over the periods
            return np.take_along_axis(values, slot, axis=1)

        s = at(state)
        m_in = mask & (s == INPUTS)
        m_re = mask & (s == REALISASI)
        m_nm = mask & (s == NOT_MEASURED)
        st[m_in] = INPUTS
        for spec in ind.inputs:
            taken = np.broadcast_to(at(block.values[(j, spec.name)]), shape)
            inputs[spec.name][m_in] = taken[m_in]
        st[m_re] = REALISASI
        real[m_re] = np.broadcast_to(at(reals), shape)[m_re]
        code[m_nm] = NA_NOT_MEASURED
        why[m_nm] = np.broadcast_to(at(reasons), shape)[m_nm]

    def unreported(mask, words):
        code[mask] = NA_NOT_MEASURED
        why[mask] = texts(words) if isinstance(words, str) else words[mask]

    live = np.broadcast_to(entry[:, None], shape)
    use_annual = live & (state[:, 0] != ABSENT)[:, None] & (last == 12)[None, :]
    take(use_annual, 0)
    live = live & ~use_annual
    unreported(live & (kind == 0)[:, None], "belum dilaporkan: data hanya tahunan")
    for kcode, kind_name in enumerate(KINDS, start=1):
        of_kind = kind == kcode
        if not of_kind.any():
            continue
        rows = live & of_kind[:, None]
        slots = np.array(KIND_SLOTS[kind_name])
        count = last // LENGTHS[kind_name]  # periods of this kind up to each period
        if (count == 0).any():
            first = periods_of(kind_name)[0]
            unreported(
                rows & (count == 0)[None, :],
                f"belum dilaporkan: data per {_KIND_WORDS[kind_name]}, {first.label()} pertama",
            )
            rows = rows & (count > 0)[None, :]
        at = np.maximum(count - 1, 0)  # the position of each period's last one of this kind
        kind_state = state[:, slots]
        reported = kind_state != ABSENT
        n_reported = np.cumsum(reported, axis=1)[:, at]
        if ind.missing_periods == "skip_if_any":
            gaps = rows & (n_reported < count[None, :])
            if gaps.any():
                bits = np.cumsum(~reported * (1 << np.arange(len(slots))), axis=1)[:, at]
                words = np.full(shape, -1, dtype=np.int32)
                labels = periods_of(kind_name)
                for b in np.unique(bits[gaps]):
                    names = ", ".join(labels[i].label() for i in range(len(slots)) if b >> i & 1)
                    words[gaps & (bits == b)] = texts(f"belum dilaporkan: {names}")
                unreported(gaps, words)
            rows = rows & ~gaps
        none = rows & (n_reported == 0)
        unreported(none, "belum dilaporkan")
        rows = rows & ~none
        measured = (kind_state == INPUTS) | (kind_state == REALISASI)
        position = np.arange(len(slots))
        n_measured = np.cumsum(measured, axis=1)[:, at]
        nothing = rows & (n_measured == 0)
        if nothing.any():  # every reported period not measured: the last one's reason
            last_reported = np.maximum.accumulate(np.where(reported, position, 0), axis=1)
            slot = slots[last_reported[:, at]]
            code[nothing] = NA_NOT_MEASURED
            why[nothing] = np.take_along_axis(reasons, slot, axis=1)[nothing]
        rows = rows & ~nothing
        if ind.consolidation == "last":
            last_measured = np.maximum.accumulate(np.where(measured, position, 0), axis=1)
            take(rows, slots[last_measured[:, at]])
        elif ind.consolidation == "sum":
            is_real = kind_state == REALISASI
            is_in = kind_state == INPUTS
            any_real = np.cumsum(is_real, axis=1)[:, at] > 0
            any_in = np.cumsum(is_in, axis=1)[:, at] > 0
            unreported(
                rows & any_real & any_in,
                "periode memakai realisasi dan data input bercampur: tidak dapat dijumlahkan",
            )
            all_real = rows & ~any_in
            all_in = rows & ~any_real
            big = 7 * 10**17  # 12 values below it add up inside int64: larger ones go per row
            values = reals[:, slots]
            redo |= all_real & (np.cumsum(values > big, axis=1)[:, at] > 0)
            st[all_real] = REALISASI
            real[all_real] = np.cumsum(np.where(is_real, values, 0), axis=1)[:, at][all_real]
            st[all_in] = INPUTS
            for spec in ind.inputs:
                values = block.values[(j, spec.name)][:, slots]
                redo |= all_in & (np.cumsum(values > big, axis=1)[:, at] > 0)
                sums = np.cumsum(np.where(is_in, values, 0), axis=1)[:, at]
                inputs[spec.name][all_in] = sums[all_in]
        else:  # mean, max: the periods' own realisasi — per row
            redo |= rows
    return st, code, why, inputs, real, redo


def _capaian(plan, ind, arith, v, e, k, has, code, why, texts):
    """Capaian of every row with a realisasi (``_with_capaian`` of the engine)."""
    n = len(v)
    NP = len(plan.periods)
    cv = np.zeros(n)
    ce = np.zeros(n)
    chas = np.zeros(n, dtype=bool)
    if plan.capaian_from == "exact":
        r = (v, e)
    else:  # the shown realisasi: k × 10^-d exactly, scaled
        r = _interval_of_scaled(k * 10 ** (SCALE_DIGITS - plan.decimals))
    for target in set(ind.targets):
        rows = has & _of_periods(n // NP if NP else 0, [target == t for t in ind.targets])
        if not rows.any():
            continue
        if target is None:
            _set_na(
                code, why, rows, NA_NO_CAPAIAN, texts(f"tidak ada target untuk tahun {plan.year}")
            )
            continue
        choices = []  # (rows, bound) for the formula; constants for the rest
        if target.lower != target.upper:
            above, u1 = compare_const(r[0], r[1], *bounds_of(target.upper))
            below, u2 = compare_const(r[0], r[1], *bounds_of(target.lower))
            arith.undecided |= rows & (u1 | u2)
            hi = rows & (above > 0)
            lo = rows & ~hi & (below < 0)
            inside = rows & ~hi & ~lo
            _put(arith, cv, ce, chas, inside, plan.range_inside)
            choices = [(hi, target.upper), (lo, target.lower)]
        else:
            choices = [(rows, target.lower)]
        for sel, bound in choices:
            if not sel.any():
                continue
            if bound == 0 and ind.zero is not None:
                sign, unsure = compare_const(r[0], r[1], 0.0, 0.0)
                arith.undecided |= sel & unsure
                met = sel & ((sign <= 0) if ind.polarity_lower else (sign >= 0))
                _put(arith, cv, ce, chas, met, ind.zero[0])
                _put(arith, cv, ce, chas, sel & ~met, ind.zero[1])
                continue
            env = {"R": r, "T": arith.const(bound)}
            columns = FormulaColumns(arith, ind.capaian.source, env)
            x, xe = columns.evaluate_number(ind.capaian.tree, sel, plan.limit)
            failed = sel & (columns.fail >= 0)
            for index, message in enumerate(columns.messages):
                _set_na(
                    code,
                    why,
                    failed & (columns.fail == index),
                    NA_NO_CAPAIAN,
                    texts(f"capaian tidak dapat dihitung: {message}"),
                )
            ok = sel & ~failed
            cv[ok], ce[ok], chas[ok] = x[ok], xe[ok], True
    if ind.cap is not None or ind.floor is not None:
        original = (cv.copy(), ce.copy())
        if ind.cap is not None:
            sign, unsure = compare_const(original[0], original[1], *bounds_of(ind.cap))
            arith.undecided |= chas & unsure
            capped = chas & (sign > 0)
            _put(arith, cv, ce, None, capped, ind.cap)
        else:
            capped = np.zeros(n, dtype=bool)
        if ind.floor is not None:
            sign, unsure = compare_const(original[0], original[1], *bounds_of(ind.floor))
            arith.undecided |= chas & unsure
            _put(arith, cv, ce, None, chas & ~capped & (sign < 0), ind.floor)
    return cv, ce, chas


def _put(arith, cv, ce, chas, mask, value: Decimal):
    if not mask.any():
        return
    f, fe = arith.const(value)
    cv[mask], ce[mask] = f[mask], fe[mask]
    if chas is not None:
        chas[mask] = True


def _band_bounds(plan):
    """Per band: (lower, upper) as float bounds of the scaled constants."""
    out = [
        [None if value is None else bounds_of(value) for value in (band.lower, band.upper)]
        for band in plan.bands
    ]
    return out, bounds_of(Decimal(100))


def _status(plan, band_bounds, arith, v, e, k, has):
    """Status and band (``_status`` of the engine) on the exact or the shown capaian."""
    n = len(v)
    if plan.status_from == "exact":
        x, xe = v, e
    else:
        x, xe = _interval_of_scaled(k * 10 ** (SCALE_DIGITS - plan.decimals))
    bands, hundred = band_bounds
    category = np.full(n, -1, dtype=np.int16)
    achieved = np.zeros(n, dtype=bool)
    chosen = np.zeros(n, dtype=bool)
    for index, (band, (lower, upper)) in enumerate(zip(plan.bands, bands)):
        inside = has & ~chosen
        if lower is not None:
            sign, unsure = compare_const(x, xe, *lower)
            arith.undecided |= inside & unsure
            inside &= (sign > 0) | ((sign == 0) & band.lower_inclusive)
        if upper is not None:
            sign, unsure = compare_const(x, xe, *upper)
            arith.undecided |= inside & unsure
            inside &= (sign < 0) | ((sign == 0) & band.upper_inclusive)
        category[inside] = index
        chosen |= inside
        if band.achieved is not None:
            achieved[inside] = band.achieved
    # a band that says whether it is achieved decides; the others (and no band: -1, the last
    # entry) fall back to capaian >= 100
    says = np.array([b.achieved is not None for b in plan.bands] + [False])
    fallback = has & ~says[category]
    if fallback.any():
        sign, unsure = compare_const(x, xe, *hundred)
        arith.undecided |= fallback & unsure
        achieved[fallback] = sign[fallback] >= 0
    status = np.where(has, np.where(achieved, TERCAPAI, TIDAK_TERCAPAI), TIDAK_DAPAT_DIUKUR)
    return status.astype(np.int8), category


def _roll_up(arith, parts, weights, zero_parts):
    """:func:`kinerja_rules.rollup.weighted_mean` over interval columns: Σ w·x / Σ w over the
    parts with a value (N/A parts count as 0 under ``zero_parts``)."""
    n = arith.n
    num = (np.zeros(n), np.zeros(n))
    weight = np.zeros(n, dtype=object) if False else None
    wsum = np.zeros(n, dtype=np.int64)  # Σ w × 10^6: weights have at most 6 places
    counted = np.zeros(n, dtype=bool)
    for (v, e, has), w in zip(parts, weights):
        present = np.ones(n, dtype=bool) if zero_parts else has
        value = (np.where(has, v, 0.0), np.where(has, e, 0.0))
        if w == 1:  # CONTEXT.multiply(1, x) is x
            term = value
        elif w == w.to_integral_value() and w < 2**53:
            term = arith.scale_by(value, w, present)
        else:
            term = arith.mul(arith.const(w), value, present)
        added = arith.add(num, term, present)
        num = (np.where(present, added[0], num[0]), np.where(present, added[1], num[1]))
        wsum = wsum + np.where(present, int(w.scaleb(6)), 0)
        counted |= present
    del weight
    result_has = counted & (wsum != 0)
    wv, we = _interval_of_scaled(wsum)
    (mv, me), zero, maybe = arith.div(num, (np.where(result_has, wv, 1.0), we), result_has)
    return mv, me, result_has
