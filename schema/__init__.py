"""The JSON Schemas of the catalogue, data, budget and score-catalogue formats, for TOML editors.

This folder is installed as ``kinerja_rules.schemas`` (``importlib.resources.files(
"kinerja_rules.schemas") / "catalogue.schema.json"``); the ``__init__`` only exists so that the
files are found in editable and regular installs alike. ``kinerja-rules schema KIND`` prints the
same text; tests/test_json_schema.py keeps the files equal to it.
"""
