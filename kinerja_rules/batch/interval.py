"""Float64 columns that enclose the per-row Decimal engine's values, and decisions on them.

Every numeric column is a pair of float64 arrays ``(v, e)`` holding the value scaled by 10**6
(``v ≈ x × 10**6``: decimals with up to 6 places — 0.025, 82.5, every count — are integers,
exact in float64), with the invariant

    (I)  |v - X| <= e   for every row, where X = 10**6 × the value the per-row Decimal engine
                        computes (:mod:`kinerja_rules.evaluation`: the 60-digit ``CONTEXT``, and
                        the ambient context where it uses Python's operators, ``abs``, ``sum``).

``e == 0`` means more: ``v`` *is* the engine's (scaled) value. A decision — a shown figure, a
comparison, a band, a division by zero, the 10**30 limit — is taken only where no other answer
is possible for any value in ``[v - e, v + e]``; every other row is *undecided* and its data set
is evaluated again by the per-row engine, so an undecidable row never reaches the output.

Why (I) holds: one lemma per operation, for operands satisfying (I) with bounds ``ea``, ``eb``;
``u = 2**-53`` (round-to-nearest float64, ``fl(z) = z (1 + d)``, ``|d| <= u`` in the normal
range), ``eta <= 10**(2 - prec) <= u`` (a Decimal operation correctly rounded to ``prec >= 17``
digits is within ``eta |z|`` of its exact result ``z``):

* ``a ± b``: ``|fl(va ± vb) - rnd(Xa ± Xb)| <= (ea + eb) + 2u (|va| + |vb| + ea + eb)``.
* ``a × b`` (scaled product ``fl(fl(va vb) / 10**6)``, two roundings): ``<= (|va| eb + |vb| ea
  + ea eb + 4u (|va| + ea)(|vb| + eb)) / 10**6``; by a constant integer ``c``: ``ea |c| +
  2u (|va| + ea) |c|``.
* ``a / b`` (``fl(fl(va 10**6) / vb)``, only when ``D = |vb| - eb > 0``, so ``|Xb| >= D``):
  ``<= 10**6 ((|va| eb + |vb| ea) / (|vb| D) + 4u (|va| + ea) / D)``.
* ``-a``, ``+a``, ``min``, ``max``: exact on both sides (engine operands have at most ``prec``
  digits); min and max are 1-Lipschitz: ``max(ea, eb)``. ``abs``: ``ea + eta (|va| + ea)``.

Each bound is computed in float64 from non-negative terms with at most ``k`` roundings and then
multiplied by ``1 + (k + 1) 2**-52`` (exact) with ``2**-1000`` added (:func:`inflate`):
``(1 - u)**(k + 1) (1 + 2 (k + 1) u) >= 1``, so the result is never below the real bound; a
quantity in a denominator is moved down the same way (:func:`deflate`); comparisons move
``v ± e`` outwards by one ulp (``np.nextafter``), or — the same verdict, floats being discrete —
a constant they are compared with by one ulp the other way.

*Exact results* (``e = 0``) are claimed only for integer scaled values below 2**53 (at most 6
decimals and 16 digits: within every context of 17 digits or more), when the operation on such
integers is exact in float64 (sums and products below 2**53; quotients checked in int64:
``10**6 va mod vb == 0``) and yields such an integer; the engine's correctly rounded operation
then returns that exact result too. Values beyond ``|v| < 10**290``, non-finite bounds and
results that underflow make a row undecided.
"""

from __future__ import annotations

import ast
from decimal import Decimal

import numpy as np

U = 2.0**-53
TWO_U = 2.0**-52
INF = np.inf
#: Largest magnitude a float value may have before a row is undecided (TwoProduct's splitting
#: must not overflow: |v| * (2**27 + 1) well below the float64 maximum).
HUGE = 1e290
TINY = 2.0**-900
SAFE_LOW = 2.0**-400
SAFE_HIGH = 2.0**400


def up(x):
    """The next float above (a bound computed in round-to-nearest, moved up a whole gap)."""
    return np.nextafter(x, INF)


def dn(x):
    return np.nextafter(x, -INF)


def _split(a):
    c = 134217729.0 * a  # 2**27 + 1 (Veltkamp)
    hi = c - (c - a)
    return hi, a - hi


def product_residual(a, b, p):
    """``a * b - p`` exactly (Dekker), for ``p = fl(a * b)`` without overflow or underflow."""
    ah, al = _split(a)
    bh, bl = _split(b)
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


def sum_residual(a, b, s):
    """``a + b - s`` exactly (Knuth's TwoSum), for ``s = fl(a + b)``."""
    bb = s - a
    return (a - (s - bb)) + (b - bb)


def _safe(v):
    a = np.abs(v)
    return (v == 0) | ((a > SAFE_LOW) & (a < SAFE_HIGH))


def representable(v, prec: int):
    """Rows whose float value has at most ``prec`` significant decimal digits (sufficient test)."""
    shift = (prec - 2) // 2
    w = v * 2.0**shift
    return (np.abs(v) < 10.0 ** (prec - shift - 2)) & (w == np.floor(w))


def eta(prec: int) -> float:
    """A float at least the relative error of a Decimal operation rounded to ``prec`` digits."""
    return 10.0 ** (2 - prec)


#: Every column holds its value × 10**SCALE_DIGITS: decimal inputs, targets and figures with up
#: to 6 places (0.025, 82.5) are then integers, exact in float64 — so ties (12.5 at 0 places)
#: are recognised exactly instead of falling inside an error bound.
SCALE_DIGITS = 6
SCALE = 10.0**SCALE_DIGITS


def inflate(x, roundings: int):
    """A float at least the real value of a bound computed from non-negative floats with at most
    ``roundings`` round-to-nearest operations: each lost at most a factor (1 - u), and one more
    multiplication by the exactly representable 1 + (k + 1) 2**-52 (itself rounded) more than
    makes up for all of them: (1 - u)**(k + 1) (1 + 2 (k + 1) u) >= 1. The added 2**-1000 covers
    a bound that underflowed."""
    return x * (1.0 + (roundings + 1) * TWO_U) + 2.0**-1000


def deflate(x):
    """A float at most the real value of a difference ``x`` computed with one rounding."""
    return x * (1.0 - TWO_U) - 2.0**-1000


def _whole(v):
    """Rows holding an integer below 2**53 (where float + - × of integers are exact)."""
    return (np.abs(v) < 2.0**53) & (v == np.floor(v))


class Arith:
    """Interval operations on scaled columns (``v ≈ x × 10**6``) for one context precision (60
    for ``CONTEXT``, the ambient one for Python's own Decimal operators). ``undecided``
    collects rows no decision may be taken on.

    Exactness (``e = 0``) is claimed for integer scaled values below 2**53 — decimals with at
    most 6 places and 10 integer digits, which every context of at least 17 digits holds — when
    the operation on such integers is exact in float64 and its result is again such an integer.
    """

    def __init__(self, n: int, prec: int = 60, ambient: int = 28):
        self.n = n
        self.prec = prec
        self.ambient = ambient
        self.undecided = np.zeros(n, dtype=bool)
        if min(prec, ambient) < 17:
            raise ValueError("the columnar path needs Decimal contexts of at least 17 digits")

    def const(self, value: Decimal):
        scaled = value.scaleb(SCALE_DIGITS)
        f = float(scaled)
        exact = Decimal(f) == scaled
        e = 0.0 if exact else float(inflate(TWO_U * abs(f), 1))
        return np.full(self.n, f), np.full(self.n, e)

    def _finish(self, v, e, exact, active):
        with np.errstate(invalid="ignore"):
            a = np.abs(v)
            bad = ~(a < HUGE) | ~(e < INF) | ((a < TINY) & (v != 0))
        self.undecided |= active & bad
        return v, np.where(exact, 0.0, e)

    def add(self, a, b, active, sign=1.0):
        """``xa ± xb``: (ea + eb) + 2u (|va| + |vb| + ea + eb), 5 roundings."""
        va, ea = a
        vb, eb = b
        vb = vb if sign > 0 else -vb
        with np.errstate(invalid="ignore", over="ignore"):
            v = va + vb
            t = ea + eb
            e = inflate(t + TWO_U * (np.abs(va) + np.abs(vb) + t), 5)
            exact = (ea == 0) & (eb == 0) & _whole(va) & _whole(vb) & (np.abs(v) < 2.0**53)
        return self._finish(v, e, exact, active)

    def sub(self, a, b, active):
        return self.add(a, b, active, sign=-1.0)

    def mul(self, a, b, active):
        """``xa × xb``: the scaled product ``va × vb / 10**6`` (two roundings, so 4u):
        (|va| eb + |vb| ea + ea eb + 4u (|va| + ea)(|vb| + eb)) / 10**6, 11 roundings."""
        va, ea = a
        vb, eb = b
        with np.errstate(invalid="ignore", over="ignore", under="ignore"):
            p = va * vb
            v = p / SCALE
            aa, ab = np.abs(va), np.abs(vb)
            e = inflate(
                (aa * eb + ab * ea + ea * eb + 2 * TWO_U * ((aa + ea) * (ab + eb))) / SCALE, 11
            )
            exact = (
                (ea == 0)
                & (eb == 0)
                & _whole(va)
                & _whole(vb)
                & (np.abs(p) < 2.0**53)
                & _whole(v)
                & (v * SCALE == p)
            )
        return self._finish(v, e, exact, active)

    def scale_by(self, a, factor: Decimal, active):
        """``xa × c`` for a constant whose float is an exact integer (100, 2, 1): the scaled
        product is ``va × c`` (one rounding): ea |c| + 2u (|va| + ea) |c|, 4 roundings."""
        va, ea = a
        c = float(factor)
        with np.errstate(invalid="ignore", over="ignore"):
            v = va * c
            e = inflate(ea * abs(c) + TWO_U * ((np.abs(va) + ea) * abs(c)), 4)
            exact = (ea == 0) & _whole(va) & (np.abs(v) < 2.0**53)
        return self._finish(v, e, exact, active)

    def div(self, a, b, active):
        """``xa / xb``: the scaled quotient ``va × 10**6 / vb`` (two roundings, so 4u), when
        ``D = |vb| - eb > 0``: ((|va| eb + |vb| ea) / (|vb| D) + 4u (|va| + ea) / D) × 10**6.
        Rows where the denominator may be 0 are marked (exact zero: the caller's division by
        zero). Returns (value, exact_zero, maybe_zero)."""
        va, ea = a
        vb, eb = b
        zero = (eb == 0) & (vb == 0)
        with np.errstate(invalid="ignore", over="ignore", under="ignore", divide="ignore"):
            ab = np.abs(vb)
            low = deflate(ab - eb)
            maybe = ~zero & ~(low > 0)
            bad = zero | maybe
            safe_b = np.where(bad, 1.0, vb)
            ab = np.where(bad, 1.0, ab)
            low = np.where(bad, 1.0, low)
            numerator = va * SCALE
            v = numerator / safe_b
            aa = np.abs(va)
            # the denominators |vb| D and D, rounded down: deflate after one more rounding
            q1 = (aa * eb + ab * ea) / deflate(ab * low)
            q2 = (aa + ea) / low
            e = inflate((q1 + 2 * TWO_U * q2) * SCALE, 8)
            # exact: integer operands whose scaled quotient 10**6 va / vb is an integer below
            # 2**53, checked in int64 (|va| < 9e12 keeps 10**6 va inside int64)
            exact = (ea == 0) & (eb == 0) & _whole(va) & _whole(safe_b) & (np.abs(va) < 9e12)
            if exact.any():  # (a capaian over an inexact realisasi has none to check)
                ia = np.where(exact, va, 0.0).astype(np.int64) * 10**SCALE_DIGITS
                ib = np.where(exact, safe_b, 1.0).astype(np.int64)
                q, rem = np.divmod(ia, ib)
                exact &= (rem == 0) & (np.abs(q) < 2**53)
                v = np.where(exact, q.astype(np.float64), v)
        out = self._finish(v, e, exact, active & ~bad)
        return out, zero, maybe

    def absolute(self, a, active):
        """Python's ``abs`` in the ambient context: ea + eta (|va| + ea)."""
        va, ea = a
        v = np.abs(va)
        e = inflate(ea + eta(self.ambient) * (v + ea), 3)
        return self._finish(v, e, ea == 0, active)


def bounds_of(value: Decimal) -> tuple[float, float]:
    """Floats ``lo <= value × 10**6 <= hi`` with nothing float between them (``lo == hi``:
    exact), to compare a scaled column with the constant ``value``."""
    value = value.scaleb(SCALE_DIGITS)
    f = float(value)
    exact = Decimal(f)
    if exact == value:
        return f, f
    if exact < value:
        return f, float(np.nextafter(f, INF))
    return float(np.nextafter(f, -INF)), f


def compare_const(v, e, lo: float, hi: float):
    """Sign of (engine value - c) for a constant c in [lo, hi] (see :func:`bounds_of`), and the
    rows where it cannot be decided."""
    # ``v ± e`` moved outwards by one float, as everywhere, but on the constant's side: floats
    # are discrete, so the float below d exceeds c exactly when d exceeds the float above c
    # (dn(d) > c ⟺ d > up(c); dn(d) >= c ⟺ d > c), for infinities and NaN too — one scalar
    # step instead of one per row.
    with np.errstate(invalid="ignore", over="ignore"):
        if lo == hi:
            exact_sign = np.sign(v - lo)
            above = (v - e) > up(lo)  # dn(v - e) > lo
            below = (v + e) < dn(lo)  # up(v + e) < lo
        else:
            exact_sign = np.where(v >= hi, 1.0, -1.0)
            above = (v - e) > hi  # dn(v - e) >= hi
            below = (v + e) < lo  # up(v + e) <= lo
        sign = np.where(e == 0, exact_sign, np.where(above, 1.0, -1.0))
        undecided = (e != 0) & ~above & ~below
    return sign, undecided


def compare(a, b):
    """Sign of (xa - xb) for two interval columns, and undecided rows."""
    va, ea = a
    vb, eb = b
    with np.errstate(invalid="ignore"):
        exact = (ea == 0) & (eb == 0)
        above = dn(va - ea) > up(vb + eb)
        below = up(va + ea) < dn(vb - eb)
        sign = np.where(exact, np.sign(va - vb), np.where(above, 1.0, -1.0))
        undecided = ~exact & ~above & ~below
    return sign, undecided


_ROUND_MODES = ("half_up", "half_even", "down", "up")


def shown(v, e, decimals: int, rounding: str):
    """The engine's ``round_shown`` as an integer count of ``10**-decimals``, and undecided rows.

    On the scaled column the boundaries are multiples of ``M = 10**(6 - decimals)`` (down, up)
    or their midpoints (half modes): ``|v| = q M + r`` exactly, and a bound ``e`` decides when no
    boundary lies within ``e`` of ``|v|`` (a tie only with ``e = 0``).
    """
    if rounding not in _ROUND_MODES:
        raise ValueError(rounding)
    m = 10.0 ** (SCALE_DIGITS - decimals)
    with np.errstate(invalid="ignore", over="ignore"):
        a = np.abs(v)
        big = ~(a < 2.0**50)
        a = np.where(big, 0.0, a)
        q = np.floor(a / m)
        r = a - q * m
        low = r < 0
        q, r = np.where(low, q - 1, q), np.where(low, r + m, r)
        high = r >= m
        q, r = np.where(high, q + 1, q), np.where(high, r - m, r)
        half = m / 2
        if rounding in ("half_up", "half_even"):
            dist = dn(np.abs(r - half))
            decided = (e == 0) | ((e < half) & (dist > e))
            k = q + (r > half)
            tie = r == half
            if rounding == "half_up":
                k = np.where(tie, q + 1, k)
            else:
                k = np.where(tie, q + (np.fmod(q, 2) == 1), k)
        else:
            decided = (e == 0) | ((r > e) & ((r + e) < dn(m)))  # up(r + e) < m
            k = q if rounding == "down" else q + (r > 0)
        k = np.where(v < 0, -k, k)
    return k.astype(np.int64), big | ~decided


class FormulaColumns:
    """Evaluates a checked formula tree (:mod:`kinerja_rules.formula`) over interval columns, in
    the engine's order: operands left to right, the branch an ``if`` takes, ``and``/``or`` and
    comparison chains short-circuiting — so the first division by zero of a row, and only one
    the engine would reach, names its N/A reason.

    ``fail`` holds, per row, the index (into ``messages``) of the reason the engine's formula
    raises ``NotMeasurable`` with, or -1.
    """

    def __init__(self, arith: Arith, source: str, env: dict, functions: frozenset = frozenset()):
        self.arith = arith
        self.source = source
        self.env = env
        self.n = arith.n
        self.fail = np.full(self.n, -1, dtype=np.int32)
        self.messages: list[str] = []
        self.cache: dict = {}

    def alive(self, active):
        return active & (self.fail < 0)

    def _message(self, text: str) -> int:
        if text not in self.messages:
            self.messages.append(text)
        return self.messages.index(text)

    def number(self, node, active):
        t = type(node)
        ar = self.arith
        if t is ast.Name:
            return self.env[node.id]
        if t is ast.Constant:
            key = ("c", node.value)
            if key not in self.cache:
                self.cache[key] = ar.const(node.value)
            return self.cache[key]
        if t is ast.BinOp:
            a = self.number(node.left, active)
            b = self.number(node.right, active)
            live = self.alive(active)
            op = type(node.op)
            if op is ast.Add:
                return ar.add(a, b, live)
            if op is ast.Sub:
                return ar.sub(a, b, live)
            if op is ast.Mult:
                for node_c, other in ((node.right, a), (node.left, b)):
                    if type(node_c) is ast.Constant and _integer(node_c.value):
                        return ar.scale_by(other, node_c.value, live)
                return ar.mul(a, b, live)
            out, zero, maybe = ar.div(a, b, live)
            segment = ast.get_source_segment(self.source, node.right) or "penyebut"
            index = self._message(f"pembagian dengan nol ({segment} = 0)")
            self.fail[live & zero] = index
            ar.undecided |= live & maybe
            return out
        if t is ast.UnaryOp:
            v, e = self.number(node.operand, active)  # engine: exact on its operand
            return (-v, e) if isinstance(node.op, ast.USub) else (v, e)
        if t is ast.IfExp:
            test = self.boolean(node.test, active)
            body = self.number(node.body, active & test)
            other = self.number(node.orelse, active & ~test)
            return np.where(test, body[0], other[0]), np.where(test, body[1], other[1])
        if t is ast.Call:
            name = node.func.id
            args = [self.number(arg, active) for arg in node.args]
            if name == "abs":
                return ar.absolute(args[0], self.alive(active))
            if name in ("min", "max"):
                pick = np.minimum if name == "min" else np.maximum
                v, e = args[0]
                for w, ew in args[1:]:
                    v = pick(v, w)
                    e = np.maximum(e, ew)
                return v, e
            raise NotImplementedError(name)  # plugin functions: the plan sends them per row
        raise TypeError(t.__name__)

    def boolean(self, node, active):
        t = type(node)
        if t is ast.Compare:
            left = self.number(node.left, active)
            result = np.ones(self.n, dtype=bool)
            for op, comparator in zip(node.ops, node.comparators):
                right = self.number(comparator, active & result)
                sign, undecided = compare(left, right)
                self.arith.undecided |= self.alive(active & result) & undecided
                result = result & _TEST[type(op)](sign)
                left = right
            return result
        if t is ast.BoolOp:
            if isinstance(node.op, ast.And):
                result = np.ones(self.n, dtype=bool)
                for value in node.values:
                    result = result & self.boolean(value, active & result)
                return result
            result = np.zeros(self.n, dtype=bool)
            for value in node.values:
                result = result | self.boolean(value, active & ~result)
            return result
        if t is ast.UnaryOp:  # not
            return ~self.boolean(node.operand, active)
        raise TypeError(t.__name__)

    def evaluate_number(self, tree, active, limit: Decimal):
        """The formula's value; a result beyond ``limit`` fails as the engine's does."""
        v, e = self.number(tree, active)
        live = self.alive(active)
        lo, hi = bounds_of(limit)
        sign, undecided = compare_const(np.abs(v), e, lo, hi)
        self.arith.undecided |= live & undecided
        over = live & ~undecided & (sign > 0)
        index = self._message("nilai di luar rentang yang dapat dihitung (lebih dari 10^30)")
        self.fail[over] = index
        return v, e


def _integer(value: Decimal) -> bool:
    return value == value.to_integral_value() and abs(value) < 2**53


_TEST = {
    ast.Lt: lambda s: s < 0,
    ast.LtE: lambda s: s <= 0,
    ast.Gt: lambda s: s > 0,
    ast.GtE: lambda s: s >= 0,
    ast.Eq: lambda s: s == 0,
    ast.NotEq: lambda s: s != 0,
}
