"""The Huey tasks through a real Redis queue (RedisHuey), as production runs them."""
import datetime as dt
import os
import uuid

import pytest
import redis
from huey import RedisHuey

from ombud.notify import services
from ombud.workflow import escalation

from .conftest import ON_AN_R2026_DAY, complaint, make_api

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def queue():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if os.environ.get("OMBUD_TEST_REDIS") == "require":
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    huey = RedisHuey(f"ombud-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL)
    yield huey
    huey.storage.flush_all()


@ON_AN_R2026_DAY
@pytest.mark.django_db
def test_overdue_job_and_outbox_drain_run_from_a_redis_queue(queue):
    escalate = queue.task(name="escalate_overdue")(escalation.escalate_overdue)
    drain = queue.task(name="drain_outbox")(services.drain)
    t = make_api("integrator").post("/cases", complaint(received_at="2026-09-25T16:00:00+08:00")).json()["ticket"]
    escalate()
    drain()
    assert queue.pending_count() == 2  # both wait in Redis until a worker takes them
    results = []
    while queue.pending_count():
        task = queue.dequeue()
        results.append(queue.execute(task))
    assert results[0] == 1 and results[1] == {"sent": 0, "retry": 0, "dead": 0}
    from ombud.cases.models import CaseEvent

    assert CaseEvent.objects.filter(case__ticket=t, action="deadline_overdue").count() == 1


def test_periodic_jobs_are_scheduled():
    from huey.contrib.djhuey import HUEY

    import ombud.notify.tasks  # noqa: F401  (registered on import, as the consumer does)
    import ombud.workflow.tasks  # noqa: F401

    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"escalate_overdue", "drain_outbox_periodically"} <= names
    every_five = dt.datetime(2026, 11, 29, 10, 5)
    due = {t.name for t in HUEY.read_periodic(every_five)}
    assert "escalate_overdue" in due
    assert "escalate_overdue" not in {t.name for t in HUEY.read_periodic(
        every_five.replace(minute=6))}
