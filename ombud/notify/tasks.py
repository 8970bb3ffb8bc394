from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import services


@db_task()
def drain_outbox():
    return services.drain()


@db_periodic_task(crontab(minute="*"))
@lock_task("notify-drain")
def drain_outbox_periodically():
    """Retries and anything a lost wake-up left behind."""
    total = {"sent": 0, "retry": 0, "dead": 0}
    while True:
        counts = services.drain()
        for k, v in counts.items():
            total[k] += v
        if sum(counts.values()) == 0:
            return total
