import datetime as dt
import json
import os

import pytest
import time_machine
from django.test import Client

from ombud.accounts.services import create_api_key


# The whole session runs "on" OMBUD_TEST_NOW when it is set (the clock still ticks from there):
# .ci/run repeats the date-sensitive tests on days chosen to break a test that reads today's date.
# A test that needs a particular day freezes its own clock with @pytest.mark.time_machine(...),
# which nests inside this one.
MOVED_NOW = os.environ.get("OMBUD_TEST_NOW")


_moved = []


def pytest_configure(config):
    # Started before any fixture, so that a test's own @frozen clock always nests inside it.
    if MOVED_NOW:
        _moved.append(time_machine.travel(dt.datetime.fromisoformat(MOVED_NOW), tick=True))
        _moved[0].start()


def pytest_unconfigure(config):
    while _moved:
        _moved.pop().stop()


CST = dt.timezone(dt.timedelta(hours=8))


def frozen(*args):
    """Freeze a test's clock at a local (UTC+8) time: `@frozen(2026, 11, 16, 10)`; the clock ticks from there."""
    return pytest.mark.time_machine(dt.datetime(*args, tzinfo=CST))


# A Monday under R2026 (in force 2026-04-15): for tests that assert R2026's articles or wording for a
# case received "now". On a moved clock before that date such a case would fall under R2022.
ON_AN_R2026_DAY = frozen(2026, 11, 16, 10)


def days_ago(n):
    """A local date n days before the (possibly moved) clock: for fields that must lie in the past."""
    from django.utils import timezone

    return (timezone.localdate() - dt.timedelta(days=n)).isoformat()


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate():
    """Tasks run in-process in tests (Huey's in-memory immediate mode); tests/test_tasks_redis.py
    runs them through a real Redis queue."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Per-test cache, so rate limits never leak between tests (test_portal turns them on where it tests them).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": str(tmp_path)}}
    settings.OMBUD_RATE_LIMITS = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Process caches (rule sets, taxonomy, authorities, regions) must not leak between tests."""
    from ombud.businesses.services import forget_cached
    from ombud.cases import jurisdiction
    from ombud.regions import address
    from ombud.rules import selectors as rules
    from ombud.taxonomy import selectors as taxonomy

    rules.clear_cache()
    taxonomy.clear_cache()
    address.reset_cache()
    jurisdiction._cache["at"] = 0.0
    forget_cached()
    from ombud.cases.selectors import _subtrees

    _subtrees.clear()
    from ombud.workdays.selectors import clear_cache as clear_calendar

    clear_calendar()
    from ombud.workflow.alerts import forget

    forget()
    yield


class Api:
    """A JSON client for /api/v1 with an optional bearer key."""

    def __init__(self, token=None):
        self.client = Client()
        self.token = token

    def _headers(self, extra=None):
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def post(self, path, body, headers=None):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False)
        return self.client.post(f"/api/v1{path}", data=data, content_type="application/json",
                                headers=self._headers(headers))

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())


def make_api(role, authority=None, name=None, business=None):
    _, token = create_api_key(name=name or f"test-{role}", role=role, authority_code=authority,
                              business_uscc=business)
    return Api(token)


@pytest.fixture
def public_api(db):
    return Api()


@pytest.fixture
def integrator(db):
    return make_api("integrator")


@pytest.fixture
def handler_pudong(db):
    return make_api("handler", "310115")


def complaint(**overrides):
    body = {
        "kind": "complaint",
        "channel": "app",
        "complainant": {"name": "张三", "phone": "13800138000", "address": "上海市徐汇区漕溪北路1号"},
        "respondent": {"name": "上海浦东鸿运家电销售有限公司", "address": "上海市浦东新区张江路100号"},
        "category": "household_electronics",
        "issue_type": "quality",
        "request": "退货并退款",
        "facts": "购买的冰箱使用三天后不制冷，商家拒绝退货。",
        "amount": "2999.00",
        "purchase_date": days_ago(30),
        "order_number": "JX20261101001",
    }
    body.update(overrides)
    return body
