import pytest

from .conftest import ON_AN_R2026_DAY, Api, complaint, make_api

pytestmark = [pytest.mark.django_db, ON_AN_R2026_DAY]


@pytest.fixture
def filed(db):
    api = make_api("integrator", name="app")
    tickets = []
    for i in range(7):
        body = complaint(facts=f"第{i}号：冰箱不制冷", received_at=f"2026-10-0{i + 1}T09:00:00+08:00",
                         issue_type="quality" if i % 2 else "price")
        tickets.append(api.post("/cases", body).json()["ticket"])
    beijing = complaint(respondent={"name": "北京某店", "address": "北京市朝阳区建国路88号"},
                        received_at="2026-10-09T09:00:00+08:00", facts="手机屏幕碎裂")
    tickets.append(api.post("/cases", beijing).json()["ticket"])
    return api, tickets


def test_integrator_reads_only_what_it_submitted(filed):
    api, tickets = filed
    assert api.get(f"/cases/{tickets[0]}").status_code == 200
    other = make_api("integrator", name="other")
    assert other.get(f"/cases/{tickets[0]}").status_code == 404
    assert other.get("/cases").json()["items"] == []


def test_staff_see_their_subtree_only(filed):
    _, tickets = filed
    pudong = make_api("handler", "310115")
    assert len(pudong.get("/cases").json()["items"]) == 7
    assert pudong.get(f"/cases/{tickets[-1]}").status_code == 404
    shanghai = make_api("supervisor", "310000")
    assert len(shanghai.get("/cases").json()["items"]) == 7
    national = make_api("supervisor", "100000")
    assert len(national.get("/cases").json()["items"]) == 8


def test_public_tracks_by_ticket_and_phone(filed):
    _, tickets = filed
    public = Api()
    assert public.get(f"/cases/{tickets[0]}").status_code == 404
    assert public.get(f"/cases/{tickets[0]}", phone="13900000000").status_code == 404
    r = public.get(f"/cases/{tickets[0]}", phone="138-0013-8000")
    assert r.status_code == 200 and r.json()["complainant"]["name"] == "张三"
    assert public.get("/cases/not-a-ticket").status_code == 404


def test_filters_negation_and_cursor_pagination(filed):
    api, tickets = filed
    national = make_api("supervisor", "100000")
    assert len(national.get("/cases", authority="110000").json()["items"]) == 1
    assert len(national.get("/cases", authority="!110000").json()["items"]) == 7
    quality = national.get("/cases", issue_type="quality").json()["items"]
    assert len(quality) == 4 and all(c["issue_type"] == "quality" for c in quality)
    assert len(national.get("/cases", issue_type="!quality").json()["items"]) == 4
    assert len(national.get("/cases", q="手机").json()["items"]) == 1
    window = national.get("/cases", received_from="2026-10-02T00:00:00+08:00",
                          received_to="2026-10-04T00:00:00+08:00").json()["items"]
    assert len(window) == 2
    seen, cursor = [], ""
    while True:
        page = national.get("/cases", limit=3, cursor=cursor).json()
        seen += [c["ticket"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(tickets) and len(seen) == len(set(seen))
    assert seen[0] == tickets[-1]  # newest first
    assert national.get("/cases", cursor="garbage").status_code == 422


def test_businesses_search(filed):
    api, _ = filed
    rows = api.get("/businesses", q="鸿运").json()
    assert rows and rows[0]["operating_region"] == "310115"


def test_openapi_docs_are_served_offline(client):
    r = client.get("/api/docs", follow=True)
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in schema["paths"] and "CaseIn" in schema["components"]["schemas"]


def test_signed_in_browser_must_pass_csrf_to_post(db, django_user_model):
    from django.test import Client

    from ombud.accounts.models import Profile
    from ombud.regions.models import Authority

    user = django_user_model.objects.create_user("h", password="pw-for-test-only")
    Profile.objects.create(user=user, role="handler", authority=Authority.objects.get(code="310115"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    r = browser.post("/api/v1/cases", data='{"kind": "consultation", "facts": "营业时间？"}',
                     content_type="application/json")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    browser.get("/admin/login/")  # sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    r = browser.post("/api/v1/cases", data='{"kind": "consultation", "facts": "营业时间？"}',
                     content_type="application/json", headers={"X-CSRFToken": token})
    assert r.status_code == 201


def test_business_search_by_region_is_the_subtree_not_a_prefix_of_digits(db):
    from ombud.businesses.selectors import search_businesses
    from ombud.businesses.services import register_business

    # 440310 坪山区 ends in a zero: trimming zeros ("44031") would also take 440311 光明区.
    register_business(name="坪山某店", operating_address="广东省深圳市坪山区深汕路1号")
    register_business(name="光明某店", operating_address="广东省深圳市光明区光明大街1号")
    assert [b.name for b in search_businesses(region="440310")] == ["坪山某店"]
    assert len(search_businesses(region="440300")) == 2
