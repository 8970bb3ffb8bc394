import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, lock_task

from . import detection

LOCAL_TIME = dt.time(6, 30)  # yesterday is complete, and the alerts are there when supervisors start


def _at(local):
    """crontab fields for a local time of day. Huey reads crontabs in UTC unless it runs with utc=False."""
    if not getattr(HUEY, "utc", True):
        return {"hour": str(local.hour), "minute": str(local.minute)}
    moment = dt.datetime.combine(dt.date(2026, 1, 1), local, tzinfo=ZoneInfo(settings.TIME_ZONE))
    utc = moment.astimezone(dt.UTC)
    return {"hour": str(utc.hour), "minute": str(utc.minute)}


@db_periodic_task(crontab(**_at(LOCAL_TIME)))
@lock_task("alerts-detect")
def detect_daily():
    summary = detection.detect()
    return {"day": summary.day.isoformat(), "series": summary.series, "alerts": summary.alerts,
            "behind": summary.behind}
