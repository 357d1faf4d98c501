"""Region reference data: complete for Indonesia, Kabupaten Blitar by default, offline."""

from __future__ import annotations

import pytest

from station.domain import regions


def test_every_province_present():
    provinces = regions.provinces()
    assert len(provinces) == 38  # 34 + the four Papua provinces of 2022
    names = {p.name for p in provinces}
    assert {"Jawa Timur", "Aceh", "Papua Barat Daya", "Daerah Khusus Ibukota Jakarta"} <= names
    assert regions.province_codes() >= {"11", "35", "96"}


def test_default_region_is_kabupaten_blitar_with_its_22_kecamatan():
    blitar = regions.get(regions.DEFAULT_REGION_CODE)
    assert blitar.name == "Kabupaten Blitar"
    assert regions.get(blitar.parent_code).name == "Jawa Timur"
    kecamatan = regions.children(blitar.code)
    assert len(kecamatan) == 22
    assert {"Wonotirto", "Bakung"} <= {k.name for k in kecamatan}


def test_villages_of_wonotirto():
    wonotirto = next(k for k in regions.children("35.05") if k.name == "Wonotirto")
    villages = regions.children(wonotirto.code)
    assert len(villages) >= 8
    assert all(v.level is regions.Level.VILLAGE for v in villages)
    assert all(v.code.startswith(wonotirto.code + ".") for v in villages)


def test_counts_are_national_scale():
    assert len(regions.children("35")) == 38  # Jawa Timur: 29 kabupaten + 9 kota
    assert len(regions.search("", regions.Level.VILLAGE, limit=10**6)) > 80_000


@pytest.mark.parametrize("code", ["3505", "35.05", " 35.05 "])
def test_code_forms(code):
    assert regions.get(code).code == "35.05"


def test_lineage_and_search():
    chain = regions.lineage("3505082001")
    assert [r.level for r in chain] == list(regions.Level)
    assert chain[0].name == "Jawa Timur" and chain[2].name == "Wonotirto"
    hits = regions.search("wono", regions.Level.DISTRICT, within="35.05")
    assert {h.name for h in hits} == {"Wonotirto", "Wonodadi"}


@pytest.mark.parametrize("code", ["99", "35.99", "x", "35.05.08.2001.1"])
def test_unknown_codes(code):
    assert not regions.exists(code)
    with pytest.raises(regions.UnknownRegion, match="tidak dikenal"):
        regions.get(code)


def test_postal_codes_for_villages():
    pasiraman = regions.get("35.05.08.2001")
    assert pasiraman.name == "Pasiraman" and pasiraman.postal_code == "66173"
    blitar_villages = [v for k in regions.children("35.05") for v in regions.children(k.code)]
    with_code = [v for v in blitar_villages if v.postal_code]
    assert len(with_code) >= len(blitar_villages) - 2
    assert all(len(v.postal_code) == 5 and v.postal_code.isdigit() for v in with_code)
    assert regions.get("35.05").postal_code is None
