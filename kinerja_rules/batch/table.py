"""A long table (unit, unit_type, year, indicator, input, period, value) checked and pivoted into
dense per-catalogue blocks: one data set per (unit, year), every input of every indicator and
period in an int64 array of exact values (× 10^6), every bad row a located finding.

The checks are those of :func:`kinerja_rules.data.build_data` for TOML data, with one difference
the batch needs: a bad row is *dropped*, not the whole file. What a dropped row takes with it is
what the TOML loader drops: a row of an unknown indicator or input is ignored; a bad number, a
missing input, an unknown period, mixed period kinds or both inputs and a realisasi drop the
indicator's whole entry (every period), which then is *tidak ada data realisasi*; an unknown
unit type or year drops the data set. A value given twice keeps the first. An empty value is a
value not given.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import attrs
import numpy as np

from ..data import NARRATIVE_KEYS, DataEntry, UnitData
from ..decimals import INPUT, QUANTITY, RUPIAH, YEAR
from ..diagnostics import Diagnostic, Location, closest
from ..periods import KEY_DOC, KIND_SLOTS, SLOT_PERIODS, SLOTS, period_of_key, slot_of
from ..sheets.csv_data import NUMBER_HINT

COLUMNS = ("unit", "unit_type", "year", "indicator", "input", "period", "value")

KINDS = ("month", "quarter", "semester")  # kind code 1, 2, 3 (0: no periods)

SCALE = 10**6
#: Row codes of a parsed value.
OK, EMPTY, TEXT, OUT = 0, 1, 2, 3

#: Entry states per (data set, indicator, slot).
ABSENT, INPUTS, REALISASI, NOT_MEASURED = 0, 1, 2, 3

_SPECIAL = ("realisasi", "not_measured", "realisasi_anggaran")
_SIDE = ("note", *NARRATIVE_KEYS)


@attrs.define
class Block:
    """The data sets of one catalogue in a chunk, as dense arrays (G data sets, J indicators)."""

    key: tuple[str, int]
    units: list[str]
    year: int
    #: First row of each data set (for locations) and its position in the chunk's order.
    first_rows: np.ndarray
    order: np.ndarray
    state: np.ndarray  # int8 [G, J, SLOTS]
    values: dict  # (j, input name) -> int64 [G, SLOTS] exact value x 10^6
    real: np.ndarray  # int64 [G, J, SLOTS]
    reason: np.ndarray  # int32 [G, J, SLOTS] index into texts
    entry: np.ndarray  # bool [G, J]
    kind: np.ndarray  # int8 [G, J]
    rows: np.ndarray  # int64 [G, J]: a row of the entry (its location)
    texts: list[str]
    file: str

    def unit_data(self, g: int, plan) -> UnitData:
        """Data set ``g`` as the per-row engine's :class:`UnitData` (the entries it would load)."""
        entries = {}
        for j, ind in enumerate(plan.indicators):
            if not self.entry[g, j]:
                continue
            location = Location(self.file, int(self.first_rows[g]))
            parts = {}
            for slot in range(SLOTS):
                state = self.state[g, j, slot]
                if state == ABSENT:
                    continue
                inputs, realisasi, reason = {}, None, None
                if state == INPUTS:
                    inputs = {
                        spec.name: exact(self.values[(j, spec.name)][g, slot])
                        for spec in ind.inputs
                    }
                elif state == REALISASI:
                    realisasi = exact(self.real[g, j, slot])
                else:
                    reason = self.texts[self.reason[g, j, slot]]
                parts[slot] = DataEntry(ind.id, inputs, realisasi, reason, None, location)
            periods = {SLOT_PERIODS[s]: e for s, e in sorted(parts.items()) if s != 0}
            periods = dict(sorted(periods.items()))
            if 0 in parts:
                entries[ind.id] = attrs.evolve(parts[0], periods=periods)
            else:
                entries[ind.id] = DataEntry(
                    ind.id, {}, None, None, None, location, None, periods=periods, annual=False
                )
        return UnitData(self.units[g], self.key[0], self.year, entries, self.file)


def exact(scaled) -> Decimal:
    scaled = int(scaled)
    if scaled % SCALE == 0:
        return Decimal(scaled // SCALE)
    return Decimal(scaled).scaleb(-6)


class Findings:
    """Located findings of one chunk (file, row, column)."""

    def __init__(self, file: str, columns: dict[str, int]):
        self.file = file
        self.columns = columns
        self.found: list[Diagnostic] = []

    def add(self, code: str, message: str, row, column: str, hint: str | None = None) -> None:
        col = self.columns.get(column)
        location = Location(self.file, int(row), col + 1 if col is not None else None, column)
        self.found.append(Diagnostic(code, message[:300], location, hint))


def _array(column):
    """One contiguous arrow Array of a column (chunked or not, dictionary-decoded)."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column


def _strings(column) -> tuple[np.ndarray, list[str]]:
    """Dictionary codes and the distinct stripped texts of a column (nulls: "")."""
    import pyarrow as pa
    import pyarrow.compute as pc

    nulls = None
    if isinstance(column, pa.ChunkedArray):
        if pa.types.is_dictionary(column.type) and column.num_chunks:
            column = column.unify_dictionaries()
            words = column.chunk(0).dictionary.to_pylist()
            codes = np.concatenate(
                [c.indices.to_numpy(zero_copy_only=False) for c in column.chunks],
                dtype=np.int64,
            )
            if column.null_count > 0:
                nulls = np.concatenate(
                    [c.is_null().to_numpy(zero_copy_only=False) for c in column.chunks]
                )
        else:
            column = _array(column)
    if not isinstance(column, pa.ChunkedArray):
        if pa.types.is_integer(column.type):  # years as numbers: encoded first, worded after
            encoded = pc.dictionary_encode(column, null_encoding="encode")
        else:
            if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
                column = pc.cast(column, pa.string())
            encoded = pc.dictionary_encode(pc.fill_null(column, ""))
        words = encoded.dictionary.to_pylist()
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    if nulls is not None:  # a dictionary column with nulls: give them the code of ""
        words.append("")
        codes = np.where(nulls, len(words) - 1, codes)
    words = ["" if w is None else str(w).strip() for w in words]
    unique = dict.fromkeys(words)
    if len(unique) == len(words):  # every text its own code: nothing to merge
        return codes, words
    # the same text stripped differently ("A", " A") is one code
    index = {word: code for code, word in enumerate(unique)}
    remap = np.array([index[word] for word in words], dtype=np.int64)
    codes = remap[codes] if len(codes) else codes
    return codes, list(unique)


_INT = r"^-?[0-9]{1,12}$"
_NUMBER = r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)$"


def parse_values(column):
    """Exact values (× 10^6, int64) and a code per row: OK, EMPTY, TEXT or OUT (a number the
    fast path does not hold: negative, too large, too many places, not finite — worded by the
    caller with the field's domain); and the row's text (for reasons and messages)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(column)
    scaled = np.zeros(n, dtype=np.int64)
    code = np.full(n, OK, dtype=np.int8)
    column = _array(column)
    typ = column.type
    if pa.types.is_integer(typ):
        nulls = pc.is_null(column).to_numpy(zero_copy_only=False)
        raw = pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(np.int64)
        inside = (raw >= 0) & (raw <= 10**12)
        scaled = np.where(inside, raw, 0) * SCALE
        code = np.where(nulls, EMPTY, np.where(inside, OK, OUT)).astype(np.int8)
        return scaled, code, _Texts(column)
    if pa.types.is_floating(typ):
        nulls = pc.is_null(column).to_numpy(zero_copy_only=False)
        raw = pc.fill_null(column, 0.0).to_numpy(zero_copy_only=False).astype(np.float64)
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(raw) & (raw == np.floor(raw)) & (raw >= 0) & (raw <= 1e12)
        scaled = np.where(whole, raw, 0).astype(np.int64) * SCALE
        code = np.where(nulls, EMPTY, np.where(whole, OK, OUT)).astype(np.int8)
        texts = _Texts(column)
        for i in np.flatnonzero(~nulls & ~whole):  # decimals: their shortest repr, exactly
            value = _decimal(texts[i])
            if value is not None:
                fit = _fast(value)
                if fit is not None:
                    scaled[i], code[i] = fit, OK
        return scaled, code, texts
    if not (pa.types.is_string(typ) or pa.types.is_large_string(typ)):
        column = pc.cast(column, pa.string())
    text = pc.utf8_trim_whitespace(pc.fill_null(column, ""))
    empty = pc.equal(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    is_int = pc.match_substring_regex(text, _INT).to_numpy(zero_copy_only=False)
    numeric = pc.match_substring_regex(text, _NUMBER).to_numpy(zero_copy_only=False)
    ints = pc.cast(pc.if_else(pa.array(is_int), text, pa.scalar("0")), pa.int64())
    raw = ints.to_numpy(zero_copy_only=False).astype(np.int64)
    inside = is_int & (raw >= 0) & (raw <= 10**12)
    scaled = np.where(inside, raw, 0) * SCALE
    code = np.where(empty, EMPTY, np.where(inside, OK, np.where(numeric, OUT, TEXT)))
    code = code.astype(np.int8)
    texts = _Texts(text)
    for i in np.flatnonzero(numeric & ~inside):
        value = _decimal(texts[i])
        fit = _fast(value) if value is not None else None
        if fit is not None:
            scaled[i], code[i] = fit, OK
    return scaled, code, texts


class _Texts:
    """The text of a row, materialised only for the rows that need it."""

    def __init__(self, column):
        self.column = column

    def __getitem__(self, i) -> str:
        value = self.column[int(i)].as_py()
        if value is None:
            return ""
        if isinstance(value, float):
            return repr(value)
        return str(value).strip()


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value


def _fast(value: Decimal) -> int | None:
    """The value × 10^6 when it is finite, 0 ≤ value ≤ 10^12 with at most 6 places."""
    if not value.is_finite() or value < 0 or value > 10**12:
        return None
    scaled = value.scaleb(6)
    if scaled != scaled.to_integral_value():
        return None
    return int(scaled)


def pivot(table, plans: dict, file: str, columns: dict[str, int] | None = None):
    """Check a chunk and pivot its data sets into one :class:`Block` per catalogue.

    ``table`` has the long columns (forward-filled: see :func:`fill_down`) and ``_row`` (the row
    number findings name). Returns (blocks, findings, order of data sets as (unit, year)).
    """
    n = table.num_rows
    findings = Findings(file, columns or {name: i for i, name in enumerate(COLUMNS)})
    rows = table.column("_row").to_numpy().astype(np.int64)
    unit_c, units = _strings(table.column("unit"))
    type_c, types = _strings(table.column("unit_type"))
    year_c, years = _strings(table.column("year"))
    ind_c, inds = _strings(table.column("indicator"))
    inp_c, inps = _strings(table.column("input"))
    per_c, pers = _strings(table.column("period"))
    scaled, vcode, vtext = parse_values(table.column("value"))
    keep = np.ones(n, dtype=bool)

    def drop(mask, code, message, column, hint=None):
        for i in np.flatnonzero(mask & keep):
            findings.add(code, message(i) if callable(message) else message, rows[i], column, hint)
        keep[mask] = False

    # rows without an indicator: blank rows are skipped, values without one are refused
    no_ind = np.array([w == "" for w in inds], dtype=bool)[ind_c] if n else np.zeros(0, bool)
    stray = no_ind & ((np.array([w != "" for w in inps], bool)[inp_c]) | (vcode != EMPTY))
    drop(
        stray,
        "KR204",
        "a value without an indicator id",
        "indicator",
        "every row names its indicator",
    )
    keep &= ~no_ind
    no_unit = np.array([w == "" for w in units], dtype=bool)[unit_c]
    drop(no_unit, "KR202", "a row without a unit", "unit", "every data set names its unit")
    no_input = np.array([w == "" for w in inps], dtype=bool)[inp_c]
    drop(
        no_input,
        "KR204",
        lambda i: f"a row of {inds[ind_c[i]]} without an input name",
        "input",
        "the input's name as the catalogue declares it (A, B, N), realisasi, "
        "realisasi_anggaran, not_measured or note",
    )
    # years
    year_values = np.full(len(years), -1, dtype=np.int64)
    year_problem = {}
    for index, word in enumerate(years):
        if word.lstrip("-").isdigit() and len(word) <= 6:
            problem = YEAR.check(int(word))
            if problem is None:
                year_values[index] = int(word)
            else:
                year_problem[index] = ("KR213", f"year = {problem.message}")
        elif word == "":
            year_problem[index] = ("KR202", "a row without a year")
        else:
            year_problem[index] = ("KR203", f"year must be an integer, found {word!r}"[:200])
    bad_year = year_values[year_c] < 0 if n else np.zeros(0, bool)
    for i in np.flatnonzero(bad_year & keep):
        code, message = year_problem[year_c[i]]
        findings.add(code, message, rows[i], "year", "a year from 2000 to 2100")
    keep &= ~bad_year
    # data sets: (unit, year), in order of first appearance
    n_years = len(years)
    key = unit_c * n_years + year_c
    kept = np.flatnonzero(keep)
    if len(kept) == 0:
        return {}, findings.found, []
    # data sets in order of first appearance (dictionary codes are in that order): the first
    # row of each key is among the rows where the key changes
    kk = key[kept]
    change = np.flatnonzero(np.r_[True, kk[1:] != kk[:-1]])
    uniq, first_change = np.unique(kk[change], return_index=True)
    first = change[first_change]
    appearance = np.argsort(first, kind="stable")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[appearance] = np.arange(len(uniq))
    lookup = np.full(len(units) * n_years, -1, dtype=np.int64)
    lookup[uniq] = rank
    group = np.full(n, -1, dtype=np.int64)
    group[kept] = lookup[kk]
    n_groups = len(uniq)
    first_row_index = kept[first[appearance]]  # chunk index of each data set's first row
    order_keys = [(units[unit_c[i]], int(year_values[year_c[i]])) for i in first_row_index]
    # unit type: the data set's first row sets it
    group_type = type_c[first_row_index]
    other = keep & (type_c != group_type[np.maximum(group, 0)])
    drop(
        other,
        "KR204",
        lambda i: (
            f"unit_type '{types[type_c[i]]}' differs from "
            f"'{types[group_type[group[i]]]}' on row {rows[first_row_index[group[i]]]}"
        ),
        "unit_type",
        "one unit type per unit and year: correct the row",
    )
    blocks = {}
    available = ", ".join(f"{t} {y}" for t, y in sorted(plans)) or "none"
    catalogue_of = {}
    for g in range(n_groups):
        unit_type = types[group_type[g]]
        year = order_keys[g][1]
        if (unit_type, year) not in plans:
            i = first_row_index[g]
            if unit_type == "":
                findings.add(
                    "KR202",
                    "a data set without a unit_type",
                    rows[i],
                    "unit_type",
                    "every unit names its unit type, e.g. bapas",
                )
            else:
                findings.add(
                    "KR405",
                    f"no catalogue for unit type '{unit_type}' and year {year}",
                    rows[i],
                    "unit_type",
                    f"available: {available}; add one with --catalog DIR",
                )
            continue
        catalogue_of.setdefault((unit_type, year), []).append(g)
    for key_, members in catalogue_of.items():
        plan = plans[key_]
        members = np.array(members, dtype=np.int64)
        local = np.full(n_groups, -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        mask = keep & (group >= 0)
        mask[mask] &= local[group[mask]] >= 0
        idx = np.flatnonzero(mask)
        block = _pivot_catalogue(
            plan,
            idx,
            local[group[idx]],
            rows,
            ind_c,
            inds,
            inp_c,
            inps,
            per_c,
            pers,
            scaled,
            vcode,
            vtext,
            findings,
        )
        block.units = [order_keys[g][0] for g in members]
        block.first_rows = rows[first_row_index[members]]
        block.order = members
        block.file = file
        blocks[key_] = block
    return blocks, findings.found, order_keys


def _pivot_catalogue(
    plan, idx, g_of, rows, ind_c, inds, inp_c, inps, per_c, pers, scaled, vcode, vtext, findings
) -> Block:
    G = int(g_of.max()) + 1 if len(idx) else 0
    J = len(plan.indicators)
    index = plan.index()
    ut, year = plan.key
    kill = np.zeros((G, J), dtype=bool)
    ids = [ind.id for ind in plan.indicators]
    # indicator, period slot and field of each row, through small lookup tables
    j_of_word = np.array([index.get(w, -1) for w in inds], dtype=np.int64)
    j = j_of_word[ind_c[idx]]
    slot_of_word = np.empty(len(pers), dtype=np.int64)
    for k, word in enumerate(pers):
        period = period_of_key(word) if word else None
        slot_of_word[k] = 0 if word == "" else (slot_of(period) if period is not None else -1)
    slot = slot_of_word[per_c[idx]]
    # fields: 0..k-1 inputs, 100 realisasi, 101 not_measured, 102 realisasi_anggaran, 200 texts;
    # and each field's compact id (its indicator's inputs, then 4 specials per indicator) and
    # whether it counts — all read through one (indicator, input word) table
    width = max(len(inps), 1)
    field_table = np.full((J + 1, width), -1, dtype=np.int64)
    fid_table = np.full((J + 1, width), -1, dtype=np.int64)
    count_table = np.zeros((J + 1, width), dtype=bool)
    offsets = np.cumsum([0] + [len(ind.inputs) + 4 for ind in plan.indicators])
    for jj, ind in enumerate(plan.indicators):
        names = [spec.name for spec in ind.inputs]
        for k, name in enumerate(inps):
            if name in names:
                field_table[jj, k] = position = names.index(name)
                fid_table[jj, k] = offsets[jj] + position
                count_table[jj, k] = ind.inputs[position].kind == "count"
            elif name in _SPECIAL:
                field_table[jj, k] = 100 + _SPECIAL.index(name)
                fid_table[jj, k] = offsets[jj] + len(names) + _SPECIAL.index(name)
            elif name in _SIDE:
                field_table[jj, k] = 200
                fid_table[jj, k] = offsets[jj] + len(names) + 3
    pair = j * width + inp_c[idx]  # j = -1 reads the last row of the tables: -1, False
    field = field_table.reshape(-1)[pair]
    code = vcode[idx]
    for i in np.flatnonzero(j < 0):
        word = inds[ind_c[idx[i]]]
        suggestion = closest(word, ids)
        findings.add(
            "KR401",
            f"'{word}' is not an indicator of the {ut} {year} catalogue",
            rows[idx[i]],
            "indicator",
            f"did you mean '{suggestion}'?"
            if suggestion
            else "see `kinerja-rules plugins` for the catalogues",
        )
    for i in np.flatnonzero((j >= 0) & (slot < 0)):
        findings.add(
            "KR412",
            f"'{pers[per_c[idx[i]]]}' is not a period",
            rows[idx[i]],
            "period",
            f"periods are {KEY_DOC}",
        )
        kill[g_of[i], j[i]] = True
    for i in np.flatnonzero((j >= 0) & (slot >= 0) & (field < 0)):
        ind = plan.indicators[j[i]]
        name = inps[inp_c[idx[i]]]
        if name in ind.derived:
            source, part = ind.derived[name]
            message = f"{name} of {ind.id} is the {part} of {source}, not a figure of the data"
            hint = f"remove {name}: it is computed from {source}"
        else:
            declared = [s.name for s in ind.inputs]
            suggestion = closest(name, declared)
            message = f"'{name}' is not an input of {ind.id} (inputs: {', '.join(declared)})"
            hint = (
                f"did you mean '{suggestion}'?"
                if suggestion
                else "use realisasi = … to give the value directly"
            )
        findings.add("KR406", message, rows[idx[i]], "input", hint)
    # empty values are values not given (but an empty not_measured is a reason missing)
    ok = (j >= 0) & (slot >= 0) & (field >= 0) & ((code != EMPTY) | (field == 101))
    if not ok.all():
        idx, g, j, slot, field, code, pair = (
            a[ok] for a in (idx, g_of, j, slot, field, code, pair)
        )
    else:
        g = g_of
    val = scaled[idx]
    fid = fid_table.reshape(-1)[pair]
    FT = int(offsets[-1])
    cell = (g * FT + fid) * SLOTS + slot
    # duplicates: the first row of a (data set, indicator, field, slot) wins; a scatter that
    # fills as many cells as there are rows proves there are none
    present_all = np.zeros(G * FT * SLOTS, dtype=bool)
    present_all[cell] = True
    repeat = np.zeros(len(cell), dtype=bool)
    if np.count_nonzero(present_all) != len(cell):
        order = np.lexsort((rows[idx], cell))
        same = cell[order][1:] == cell[order][:-1]
        twice = order[1:][same]
        firsts = {}
        for pos in np.flatnonzero(same):
            firsts.setdefault(int(cell[order[pos]]), order[pos])
        for i in twice:
            first = firsts[int(cell[i])]
            repeat[i] = True
            ind = plan.indicators[j[i]]
            name = inps[inp_c[idx[i]]]
            where = f" for period {pers[per_c[idx[i]]]}" if slot[i] else ""
            findings.add(
                "KR204",
                f"{name} of {ind.id}{where} is given twice (first on row {rows[idx[first]]})",
                rows[idx[i]],
                "input",
                "keep one row per input and period",
            )
    # values: check each against its field's domain (a Python loop over the bad rows only)
    # only a value the fast path did not take, or one with a fraction, can be wrong
    candidates = np.flatnonzero(((code != OK) | (val % SCALE != 0)) & ~repeat)
    c_field, c_code = field[candidates], code[candidates]
    c_whole = val[candidates] % SCALE == 0
    suspect = candidates[
        ((c_code != OK) & (c_field != 101) & (c_field < 200))
        | ((c_field == 101) & (c_code == EMPTY))
        | ((c_code == OK) & ~c_whole & count_table.reshape(-1)[pair[candidates]])
        | ((c_field == 102) & (c_code == OK) & ~c_whole)
    ]
    bad = repeat.copy()
    for i in suspect:
        problem = _problem(plan.indicators[j[i]], field[i], code[i], vtext[idx[i]])
        if problem is not None:
            findings.add(problem[0], problem[1], rows[idx[i]], "value", problem[2])
            bad[i] = True
            kill[g[i], j[i]] = True
    if bad.any():
        ok = ~bad
        idx, g, j, slot, field, val, cell = (a[ok] for a in (idx, g, j, slot, field, val, cell))
        present_all[:] = False
        present_all[cell] = True
    # scatter into dense arrays
    values_all = np.zeros(G * FT * SLOTS, dtype=np.int64)
    values_all[cell] = val
    present_all = present_all.reshape(G, FT, SLOTS)
    values_all = values_all.reshape(G, FT, SLOTS)
    values = {}
    present = {}
    state_in = np.zeros((G, J, SLOTS), dtype=np.int16)
    has_real = np.zeros((G, J, SLOTS), dtype=bool)
    has_nm = np.zeros((G, J, SLOTS), dtype=bool)
    has_side = np.zeros((G, J, SLOTS), dtype=bool)
    real = np.zeros((G, J, SLOTS), dtype=np.int64)
    for jj, ind in enumerate(plan.indicators):
        base = offsets[jj]
        k_count = len(ind.inputs)
        for k, spec in enumerate(ind.inputs):
            values[(jj, spec.name)] = values_all[:, base + k, :]
            present[(jj, spec.name)] = present_all[:, base + k, :]
        if k_count:
            state_in[:, jj, :] = present_all[:, base : base + k_count, :].sum(axis=1)
        real[:, jj, :] = values_all[:, base + k_count, :]
        has_real[:, jj, :] = present_all[:, base + k_count, :]
        has_nm[:, jj, :] = present_all[:, base + k_count + 1, :]
        has_side[:, jj, :] = (
            present_all[:, base + k_count + 2, :] | present_all[:, base + k_count + 3, :]
        )
    reason = np.zeros((G, J, SLOTS), dtype=np.int32)
    text_index: dict[str, int] = {}
    m = field == 101
    for i in np.flatnonzero(m):
        reason[g[i], j[i], slot[i]] = text_index.setdefault(vtext[idx[i]], len(text_index))
    texts = list(text_index)
    # entries
    k_of = np.array([len(ind.inputs) for ind in plan.indicators], dtype=np.int16)
    complete = state_in == k_of[None, :, None]
    some = state_in > 0
    any_row = some | has_real | has_nm | has_side
    conflict = (has_real & has_nm) | ((has_real | has_nm) & some)
    periodic = any_row[:, :, 1:].any(axis=2)
    year_side_only = any_row[:, :, 0] & ~some[:, :, 0] & ~has_real[:, :, 0] & ~has_nm[:, :, 0]
    missing = any_row & ~has_real & ~has_nm & ~complete
    missing[:, :, 0] = (some[:, :, 0] & ~complete[:, :, 0] & ~has_real[:, :, 0]) | (
        year_side_only & ~periodic & (k_of[None, :] > 0)
    )
    kinds = np.stack([any_row[:, :, s].any(axis=2) for s in KIND_SLOTS.values()], axis=2)
    mixed = kinds.sum(axis=2) > 1
    problems = (conflict | missing).any(axis=2) | mixed
    if problems.any():
        first_row = _first_rows(g, j, slot, rows[idx], G, J)
        for gg, jj, ss in zip(*np.nonzero(conflict & ~kill[:, :, None])):
            findings.add(
                "KR204",
                "give either the inputs, or realisasi, or not_measured — not several",
                first_row[gg, jj, ss],
                "input",
                "keep the one that matches what the report gives",
            )
            kill[gg, jj] = True
        for gg, jj, ss in zip(*np.nonzero(missing & ~conflict & ~kill[:, :, None])):
            ind = plan.indicators[jj]
            absent = [s.name for s in ind.inputs if not present[(jj, s.name)][gg, ss]]
            listing = "; ".join(
                f"{s.name} = {s.description}" for s in ind.inputs if s.name in absent
            )
            findings.add(
                "KR402",
                f"missing input {', '.join(absent)} for {ind.id}",
                first_row[gg, jj, ss],
                "input",
                f"add {listing}",
            )
            kill[gg, jj] = True
        for gg, jj in zip(*np.nonzero(mixed & ~kill)):
            present_kinds = [KINDS[k] for k in range(3) if kinds[gg, jj, k]]
            findings.add(
                "KR413",
                f"the periods of {plan.indicators[jj].id} are {present_kinds[0]}s and "
                f"{present_kinds[1]}s",
                first_row[gg, jj, 1:].min(),
                "period",
                "give one kind of period per indicator: months, or quarters, or semesters",
            )
            kill[gg, jj] = True
    entry = any_row.any(axis=2) & ~kill
    inputs_state = complete & (some | (k_of[None, :, None] == 0)) & any_row
    state = np.where(
        has_real,
        REALISASI,
        np.where(has_nm, NOT_MEASURED, np.where(inputs_state, INPUTS, ABSENT)),
    )
    state = np.where(entry[:, :, None], state, ABSENT).astype(np.int8)
    kind = np.zeros((G, J), dtype=np.int8)
    for k in range(3):
        kind[kinds[:, :, k]] = k + 1
    return Block(
        key=plan.key,
        units=[],
        year=plan.year,
        first_rows=np.zeros(0),
        order=np.zeros(0),
        state=state,
        values=values,
        real=real,
        reason=reason,
        entry=entry,
        kind=kind,
        rows=np.zeros((G, J), dtype=np.int64),
        texts=texts,
        file="",
    )


def _first_rows(g, j, slot, rows, G, J):
    first = np.full((G, J, SLOTS), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, (g, j, slot), rows)
    return first


def _problem(ind, f, code, text):
    """(code, message, hint) for a suspect value of field ``f``, or None when it is good."""
    if f < 100:
        spec = ind.inputs[f]
        whole = (
            "KR407",
            f"{spec.name} = {text} is not a whole number",
            f"{spec.name} counts: {spec.description}",
        )
        if code == OK:
            return whole
        problem = _number_problem(
            text,
            INPUT,
            spec.name,
            f"{spec.name} counts: {spec.description}",
            f"{spec.name} is: {spec.description}",
            code,
        )
        if problem is None and spec.kind == "count":
            return whole
        return problem
    if f == 100:
        return _number_problem(
            text, QUANTITY, "realisasi", f"the realisasi of {ind.id} in {ind.unit}", None, code
        )
    if f == 101:
        return ("KR203", "not_measured must be a non-empty reason", None)
    if f == 102:
        return _rupiah_problem(text, code)
    return None


def _number_problem(text, domain, name, what, kind_hint, code):
    """(code, message, hint) for a value the fast path refused, worded as the TOML loader."""
    value = _decimal(text) if code != TEXT else None
    if value is None or code == TEXT:
        if name == "realisasi":
            return ("KR404", "realisasi must be a number, found string", NUMBER_HINT)
        hint = f"{NUMBER_HINT}; {kind_hint}" if kind_hint else NUMBER_HINT
        return ("KR404", f"{name} must be a number, found string: {text!r}"[:200], hint)
    problem = domain.check(value)
    if problem is None:
        return None
    return (problem.code, f"{name} = {problem.message}", f"{what}; {problem.hint}")


def _rupiah_problem(text, code):
    value = _decimal(text) if code != TEXT else None
    if value is None or value != value.to_integral_value() or "." in text or "e" in text.lower():
        return (
            "KR203",
            "realisasi_anggaran must be whole Rupiah (a non-negative integer)",
            "the budget realised for this indicator, e.g. 235616545",
        )
    problem = RUPIAH.check(value)
    if problem is None:
        return None
    return (
        problem.code,
        f"realisasi_anggaran = {problem.message}",
        f"the budget realised for this indicator; {problem.hint}",
    )
