"""Shared helpers for the workflow tests: parties, an ODR business, a walker that checks every step."""
from django.contrib.auth import get_user_model
from django.test import Client

from ombud.accounts.models import Profile
from ombud.businesses import uscc
from ombud.businesses.services import register_business
from ombud.workflow import machine

from .conftest import Api

USCC = uscc.make("91310115MA1K4XYW1")


def odr_business():
    business = register_business(name="上海浦东鸿运家电销售有限公司", uscc=USCC,
                                 registered_address="上海市浦东新区张江路100号", odr_enrolled=True)
    business.contact_email, business.contact_phone, business.language = "service@hongyun.example", "02150001234", "zh-hans"
    business.save()
    return business


class SessionApi(Api):
    """A signed-in browser user (the consumer's own account)."""

    def __init__(self, user):
        super().__init__()
        self.client = Client()
        self.client.force_login(user)


def consumer(username="zhangsan", email="zhangsan@example.com", language="en"):
    user = get_user_model().objects.create_user(username, email=email, password="x")
    Profile.objects.create(user=user, role="consumer", phone="13800138000", language=language)
    return SessionApi(user)


def signed_in(username, role, *, authority=None, business=None, language="zh-hans", name=""):
    """A user with a profile, and a test client signed in as them (speaking their language): (client, user)."""
    from ombud.regions.models import Authority

    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", first_name=name)
    Profile.objects.create(user=user, role=role, language=language, business=business,
                           authority=Authority.objects.get(code=authority) if authority else None)
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client, user


def staff_user(username, role, authority, email):
    from ombud.regions.models import Authority

    user = get_user_model().objects.create_user(username, email=email, password="x")
    Profile.objects.create(user=user, role=role, authority=Authority.objects.get(code=authority), language="zh-hans")
    return user


class Walker:
    """Takes actions and checks, at every state it passes, that each action not allowed gets 409."""

    def __init__(self, probe):
        self.probe = probe  # an API whose role passes every staff check, so 409 comes from the state
        self.states = set()  # (kind, status) seen
        self.taken = set()  # (kind, action) taken successfully

    def act(self, api, ticket, action, body=None, status=200):
        r = api.post(f"/cases/{ticket}/actions/{action}", body or {})
        assert r.status_code == status, (action, r.status_code, r.content.decode())
        data = r.json()
        if status == 200:
            self.taken.add((data["kind"], action))
            self.states.add((data["kind"], data["status"]))
        return data

    def sweep(self, ticket):
        """Every action of the case's kind that is not allowed now answers 409 with the allowed ones."""
        case = self.probe.get(f"/cases/{ticket}").json()
        from ombud.cases.models import Case
        from ombud.workflow.services import open_clocks

        row = Case.objects.select_related("rule_set", "respondent").get(ticket=ticket)
        allowed = {t.action for t in machine.available(row, open_clocks(row))}
        self.states.add((case["kind"], case["status"]))
        for t in machine.table():
            if case["kind"] not in t.kinds or t.action in allowed:
                continue
            r = self.probe.post(f"/cases/{ticket}/actions/{t.action}", {})
            assert r.status_code == 409, (t.action, case["status"], r.status_code, r.content.decode())
            body = r.json()
            assert body["state"] == case["status"] and sorted(body["allowed_actions"]) == sorted(allowed)
        return case
