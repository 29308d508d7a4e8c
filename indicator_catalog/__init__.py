"""The bundled indicator catalogues, one TOML file per unit type per year.

This folder is installed as ``kinerja_rules.indicator_catalog``: the ``__init__`` only exists so
that ``importlib.resources`` can locate the TOML files in editable and regular installs alike.
"""
