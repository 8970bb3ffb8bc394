import pytest
from django.core.management import call_command

from ombud.regions.address import resolve
from ombud.regions.models import Authority, Region, RegionEdition

pytestmark = pytest.mark.django_db


def test_full_tree_is_loaded_with_an_edition():
    assert Region.objects.filter(level=1).count() >= 34
    assert Region.objects.filter(level=2).count() >= 330
    assert Region.objects.filter(level=3).count() >= 2800
    edition = RegionEdition.objects.get(is_current=True)
    assert "2025-12-31" in edition.name
    assert Region.objects.get(code="310115").full_name == "上海市浦东新区"


def test_one_authority_per_region_including_the_nation():
    assert Authority.objects.filter(kind="amr").count() == Region.objects.filter(active=True).count()
    pudong = Authority.objects.get(code="310115")
    assert pudong.parent.code == "310100" and pudong.parent.parent.code == "310000"
    assert pudong.parent.parent.parent.code == "100000"
    assert Authority.objects.get(code="100000").name == "国家市场监督管理总局"


@pytest.mark.parametrize("text,hint,code,min_conf", [
    ("上海市浦东新区张江路100号", "", "310115", 1.0),
    ("朝阳区建国路88号", "北京市", "110105", 0.95),
    ("朝阳区建国路88号", "北京", "110105", 0.9),
    ("浦东新区张江路", "", "310115", 0.8),
    ("广东省东莞市南城街道", "", "441900", 1.0),   # a prefecture-level city with no counties
    ("吉林省吉林市船营区", "", "220204", 1.0),     # province and city share a name
    ("中国 浙江省 杭州市 西湖区 文三路", "", "330106", 1.0),
])
def test_addresses_resolve_to_a_county(text, hint, code, min_conf):
    res = resolve(text, hint=hint)
    assert res.county is not None and res.county.code == code
    assert res.confidence >= min_conf
    assert not res.needs_review


def test_ambiguous_address_is_flagged_not_guessed():
    res = resolve("朝阳区建国路88号")
    assert res.county is None and res.needs_review
    assert set(res.candidates) >= {"110105", "220104"}


def test_address_without_county_needs_review():
    res = resolve("上海市中山路")
    assert res.county is None and res.needs_review
    assert res.region.code in ("310000", "310100")


def test_regions_load_updates_from_a_file(tmp_path):
    f = tmp_path / "divisions.csv"
    f.write_text("code,name\n310000,上海市\n310100,上海市\n310115,浦东新区\n310199,临港新区\n", encoding="utf-8")
    call_command("regions", "load", str(f), "--edition", "test 2027")
    new = Region.objects.get(code="310199")
    assert new.parent_id == "310100" and new.full_name == "上海市临港新区"
    assert Authority.objects.filter(code="310199").exists()
    # Regions no longer listed stay for old cases but are inactive.
    assert not Region.objects.get(code="110105").active
    assert RegionEdition.objects.get(is_current=True).name == "test 2027"


def test_regions_load_rejects_a_bad_line(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("code,name\n310000,上海市\n31X100,上海市\n", encoding="utf-8")
    with pytest.raises(Exception) as exc:
        call_command("regions", "load", str(f))
    assert "line 3" in str(exc.value)
    assert Region.objects.get(code="110105").active  # nothing changed


def test_regions_api_search(public_api):
    rows = public_api.get("/regions", q="浦东").json()
    assert any(r["code"] == "310115" for r in rows)
    rows = public_api.get("/regions", parent="310100").json()
    assert len(rows) >= 16
    res = public_api.get("/regions/resolve", address="朝阳区建国路88号").json()
    assert res["needs_review"] and {c["code"] for c in res["candidates"]} >= {"110105", "220104"}
