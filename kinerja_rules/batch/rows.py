"""The result table: one row per data set × period × indicator, then its sasaran and its overall
figure; data sets the columnar path could not decide are filled in from the per-row engine."""

from __future__ import annotations

import numpy as np

from ..evaluation import evaluate
from ..results import Status
from .columnar import (
    NA_MISSING,
    NA_NO_CAPAIAN,
    NA_NONE,
    NA_NOT_APPLICABLE,
    NA_NOT_MEASURED,
    NA_TEXT,
    STATUS_TEXT,
    TERCAPAI,
    TIDAK_DAPAT_DIUKUR,
    TIDAK_TERCAPAI,
    BlockResult,
)

_STATUS = {
    Status.TERCAPAI: TERCAPAI,
    Status.TIDAK_TERCAPAI: TIDAK_TERCAPAI,
    Status.TIDAK_DAPAT_DIUKUR: TIDAK_DAPAT_DIUKUR,
}
_SOURCE = {
    "missing": NA_MISSING,
    "not_measured": NA_NOT_MEASURED,
    "not_applicable": NA_NOT_APPLICABLE,
}
RECORDS = ("indicator", "sasaran", "overall")


def schema():
    import pyarrow as pa

    text = pa.dictionary(pa.int32(), pa.string())
    return pa.schema(
        [
            ("unit", text),
            ("unit_type", text),
            ("year", pa.int32()),
            ("period", text),
            ("record", text),
            ("id", text),
            ("sasaran", text),
            ("realisasi", pa.float64()),
            ("capaian", pa.float64()),
            ("status", text),
            ("category", text),
            ("na_code", text),
            ("na_reason", text),
            ("measured", pa.int32()),
            ("total", pa.int32()),
        ]
    )


def period_label(year: int, period) -> str:
    return str(year) if period is None else f"{year}-{period.key}"


def empty_result(plan, groups: int) -> BlockResult:
    """A result to be filled in per row for every data set (a catalogue the columnar path does
    not cover)."""
    NP, J, NS = len(plan.periods), len(plan.indicators), len(plan.sasaran)

    def z(*shape, dtype=np.int64, fill=0):
        return np.full((groups, NP, *shape), fill, dtype=dtype)

    return BlockResult(
        r_k=z(J),
        r_has=z(J, dtype=bool),
        c_k=z(J),
        c_has=z(J, dtype=bool),
        status=z(J, dtype=np.int8, fill=TIDAK_DAPAT_DIUKUR),
        category=z(J, dtype=np.int16, fill=-1),
        na=z(J, dtype=np.int8),
        reason=z(J, dtype=np.int32, fill=-1),
        s_k=z(NS),
        s_has=z(NS, dtype=bool),
        s_status=z(NS, dtype=np.int8, fill=TIDAK_DAPAT_DIUKUR),
        s_category=z(NS, dtype=np.int16, fill=-1),
        s_measured=z(NS, dtype=np.int16),
        s_total=z(NS, dtype=np.int16),
        o_k=z(),
        o_has=z(dtype=bool),
        redo=np.ones(groups, dtype=bool),
        texts=[],
    )


def redo(engine, plan, block, result: BlockResult) -> int:
    """Evaluate the data sets marked ``redo`` with the per-row engine; returns how many."""
    catalogue = engine.catalogue(*plan.key)
    names = [band.name for band in plan.bands]
    d = plan.decimals
    count = 0
    for g in np.flatnonzero(result.redo):
        data = block.unit_data(int(g), plan)
        for p, period in enumerate(plan.periods):
            report = evaluate(catalogue, data, engine.not_applicable, period)
            _fill(result, names, d, int(g), p, report)
        count += 1
    result.redo[:] = False
    return count


def _k(figure, d: int) -> int:
    return int(figure.shown.scaleb(d))


def _fill(result: BlockResult, names, d: int, g: int, p: int, report) -> None:
    for j, r in enumerate(report.indicators):
        result.r_has[g, p, j] = r.realisasi is not None
        result.r_k[g, p, j] = _k(r.realisasi, d) if r.realisasi is not None else 0
        result.c_has[g, p, j] = r.capaian is not None
        result.c_k[g, p, j] = _k(r.capaian, d) if r.capaian is not None else 0
        result.status[g, p, j] = _STATUS[r.status]
        result.category[g, p, j] = names.index(r.category) if r.category is not None else -1
        if r.realisasi is None:
            result.na[g, p, j] = _SOURCE.get(r.derivation.source, NA_NOT_APPLICABLE)
        elif r.capaian is None:
            result.na[g, p, j] = NA_NO_CAPAIAN
        else:
            result.na[g, p, j] = NA_NONE
        result.reason[g, p, j] = result.text(r.na_reason) if r.na_reason is not None else -1
    for s, item in enumerate(report.sasaran):
        result.s_has[g, p, s] = item.capaian is not None
        result.s_k[g, p, s] = _k(item.capaian, d) if item.capaian is not None else 0
        result.s_status[g, p, s] = _STATUS[item.status]
        result.s_category[g, p, s] = names.index(item.category) if item.category else -1
        result.s_measured[g, p, s] = item.measured
        result.s_total[g, p, s] = item.total
    result.o_has[g, p] = report.overall is not None
    result.o_k[g, p] = _k(report.overall, d) if report.overall is not None else 0


def _dictionary(indices: np.ndarray, words: list, mask: np.ndarray | None = None):
    import pyarrow as pa

    indices = pa.array(indices.astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(words, pa.string()))


def to_arrow(plan, block, result: BlockResult, keep: np.ndarray | None = None):
    """The result rows of one block as an arrow table (data sets ``keep`` only)."""
    import pyarrow as pa

    G, NP, J = result.r_k.shape
    NS = result.s_k.shape[2]
    R = J + NS + 1
    if keep is None:
        keep = np.ones(G, dtype=bool)
    sel = np.flatnonzero(keep)
    Gk = len(sel)
    total = Gk * NP * R
    scale = 10.0**plan.decimals

    def stack(ind, sas, over, fill):
        out = np.full((Gk, NP, R), fill, dtype=np.result_type(ind, sas, over))
        out[:, :, :J] = ind[sel]
        out[:, :, J : J + NS] = sas[sel]
        out[:, :, J + NS] = over[sel]
        return out.reshape(total)

    zeros = np.zeros((G, NP), dtype=np.int64)
    no = np.zeros((G, NP), dtype=bool)
    k = stack(result.r_k, np.zeros((G, NP, NS), np.int64), zeros, 0)
    has = stack(result.r_has, np.zeros((G, NP, NS), bool), no, False)
    realisasi = pa.array(k.astype(np.float64) / scale, mask=~has)
    k = stack(result.c_k, result.s_k, result.o_k, 0)
    has = stack(result.c_has, result.s_has, result.o_has, False)
    capaian = pa.array(k.astype(np.float64) / scale, mask=~has)
    status = stack(result.status, result.s_status, np.full((G, NP), -1, np.int8), -1)
    category = stack(result.category, result.s_category, np.full((G, NP), -1, np.int16), -1)
    na = stack(result.na, np.zeros((G, NP, NS), np.int8), np.zeros((G, NP), np.int8), 0)
    reason = stack(
        result.reason, np.full((G, NP, NS), -1, np.int32), np.full((G, NP), -1, np.int32), -1
    )
    measured = stack(
        np.zeros((G, NP, J), np.int16), result.s_measured, np.zeros((G, NP), np.int16), 0
    )
    totals = stack(np.zeros((G, NP, J), np.int16), result.s_total, np.zeros((G, NP), np.int16), 0)
    kind = np.tile(np.array([0] * J + [1] * NS + [2]), Gk * NP)
    pattern = np.tile(np.arange(R), Gk * NP)
    ids = [ind.id for ind in plan.indicators] + list(plan.sasaran) + [""]
    sasaran_of = (
        [plan.sasaran.index(ind.sasaran) for ind in plan.indicators] + list(range(NS)) + [0]
    )
    sasaran_idx = np.array(sasaran_of)[pattern]
    labels = [period_label(plan.year, period) for period in plan.periods]
    band_names = [band.name for band in plan.bands]
    unit_idx = np.repeat(np.arange(Gk), NP * R)
    units = [block.units[g] for g in sel]
    sas_row = kind == 1
    ind_row = kind == 0
    columns = {
        "unit": _dictionary(unit_idx, units),
        "unit_type": _dictionary(np.zeros(total, np.int32), [plan.unit_type]),
        "year": pa.array(np.full(total, plan.year, dtype=np.int32)),
        "period": _dictionary(np.tile(np.repeat(np.arange(NP), R), Gk), labels),
        "record": _dictionary(kind, list(RECORDS)),
        "id": _dictionary(pattern, ids, mask=kind == 2),
        "sasaran": _dictionary(sasaran_idx, list(plan.sasaran), mask=kind == 2),
        "realisasi": realisasi,
        "capaian": capaian,
        "status": _dictionary(np.maximum(status, 0), list(STATUS_TEXT), mask=status < 0),
        "category": _dictionary(np.maximum(category, 0), band_names or [""], mask=category < 0),
        "na_code": _dictionary(
            na, list(NA_TEXT[1:]) and [""] + list(NA_TEXT[1:]), mask=~ind_row | (na == 0)
        ),
        "na_reason": _dictionary(np.maximum(reason, 0), result.texts or [""], mask=reason < 0),
        "measured": pa.array(measured.astype(np.int32), mask=~sas_row),
        "total": pa.array(totals.astype(np.int32), mask=~sas_row),
    }
    return pa.table(columns, schema=schema())
