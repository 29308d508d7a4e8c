"""``extends = true``: a file that adds indicators to the catalogue in force, not replaces it."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from kinerja_rules.engine import Engine
from kinerja_rules.validation import validate
from kinerja_rules.verification import InvariantRun

from .conftest import CATALOG

LPKA_SK1 = (
    "Meningkatnya Pelayanan Perawatan Narapidana/Tahanan/Anak, Pengendalian Penyakit Menular dan "
    "Peningkatan Kualitas Hidup Narapidana Peserta Rehabilitasi Narkotika di wilayah"
)

EXTENSION = textwrap.dedent(
    f"""\
    year = 2024
    unit_type = "lpka"
    title = "Indikator tambahan LPKA 2024"
    extends = true

    [[sasaran]]
    id = "SK1"
    level = "kegiatan"
    name = "{LPKA_SK1}"

    [[indicator]]
    id = "anak_skrining_tb"
    sasaran = "SK1"
    level = "IKK"
    name = "Persentase Anak yang diskrining tuberkulosis"
    unit = "%"
    formula = "A / B * 100"
    target = 90
    [indicator.inputs]
    A = "Jumlah Anak yang diskrining"
    B = "Jumlah Anak"
    [[indicator.examples]]
    inputs = {{ A = 2, B = 3 }}
    realisasi = 67      # LPKA's policy prints whole percents: 2 / 3 = 66,67 -> 67
    capaian = 74        # 66,666…/90 = 74,07 -> 74
    """
)


def _write(tmp_path, text, name="tambahan.toml"):
    folder = tmp_path / "katalog" / "2024"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_extension_adds_to_the_installed_catalogue_and_takes_its_policy(tmp_path):
    _write(tmp_path, EXTENSION)
    engine = Engine.create([tmp_path / "katalog"], entry_points=False)
    catalogue = engine.catalogues.get("lpka", 2024)
    installed = Engine.create(entry_points=False).catalogues.get("lpka", 2024)
    ids = [i.id for i in catalogue.indicators]
    # Listed under its sasaran: after the installed SK1 indicators, before those of SK2.
    sk1 = [i.id for i in installed.indicators if i.sasaran == "SK1"]
    rest = [i.id for i in installed.indicators if i.sasaran != "SK1"]
    assert ids == sk1 + ["anak_skrining_tb"] + rest
    assert catalogue.policy == installed.policy and catalogue.policy.decimals == 0
    assert catalogue.title == installed.title
    assert engine.catalogues.origins[("lpka", 2024)].endswith(f"--catalog {tmp_path / 'katalog'}")
    assert not engine.catalogues.replaced.get(("lpka", 2024))


def test_an_extension_is_validated_with_the_catalogue_it_extends(tmp_path):
    path = _write(tmp_path, EXTENSION)
    result = validate([path], entry_points=False, invariants=InvariantRun(max_examples=20))
    # The example's 67 holds only at LPKA's 0 decimals (2/3 at the default 2 would be 66,67).
    assert result.errors == 0, [d.format() for d in result.diagnostics]
    assert result.catalogues == 1 and result.files == 1
    assert all(d.location.file == str(path) for d in result.diagnostics)
    wrong = _write(tmp_path, EXTENSION.replace("realisasi = 67", "realisasi = 66.67"), "b.toml")
    codes = {d.code for d in validate([wrong], entry_points=False, invariants=None).diagnostics}
    assert "KR501" in codes


def test_an_extension_cannot_bring_its_own_policy(tmp_path):
    path = _write(
        tmp_path, EXTENSION.replace("extends = true\n", "extends = true\n[policy]\ndecimals = 2\n")
    )
    result = validate([path], entry_points=False, invariants=None)
    found = [d for d in result.diagnostics if d.code == "KR220"]
    assert len(found) == 1 and found[0].location.line == 5  # the [policy] header


def test_an_extension_with_nothing_to_extend_is_located(tmp_path):
    path = _write(tmp_path, EXTENSION.replace('unit_type = "lpka"', 'unit_type = "lpkaa"'))
    result = validate([path], entry_points=False, invariants=None)
    found = [d for d in result.diagnostics if d.code == "KR221"]
    assert len(found) == 1 and found[0].location.line == 4 and "lpkaa 2024" in found[0].message


def test_an_extension_id_that_collides_is_refused(tmp_path):
    path = _write(tmp_path, EXTENSION.replace('"anak_skrining_tb"', '"layanan_makanan"'))
    result = validate([path], entry_points=False, invariants=None)
    assert "KR205" in {d.code for d in result.diagnostics if d.location.file == str(path)}


def test_a_replacing_catalogue_still_replaces(tmp_path):
    text = (CATALOG / "2024" / "lpka.toml").read_text(encoding="utf-8")
    _write(tmp_path, text.replace('title = "', 'title = "Salinan: ', 1), "lpka.toml")
    engine = Engine.create([tmp_path / "katalog"], entry_points=False)
    assert engine.catalogues.get("lpka", 2024).title.startswith("Salinan: ")
    assert engine.catalogues.replaced[("lpka", 2024)]
    assert engine.catalogues.get("lpka", 2024).policy.decimals == Decimal(0)
