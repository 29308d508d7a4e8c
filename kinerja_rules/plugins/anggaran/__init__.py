"""Budget-performance scores (SMART DJA, IKPA, Capaian Kinerja Anggaran), set nationally by the
Ministry of Finance for every unit type: this plugin contributes their yearly score catalogues
(``indicator_catalog/<year>/anggaran.toml``)."""

from __future__ import annotations

from ...hookspecs import hookimpl
from .. import bundled_catalogues


@hookimpl
def kinerja_catalogues():
    return bundled_catalogues("anggaran")
