from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import store


# Every minute, so the store is never more than a refresh's duration plus a minute behind the tables
# (issue 9: at most 5 minutes). The lock keeps two workers from rewriting the same month at once.
@db_periodic_task(crontab(minute="*"))
@lock_task("analytics-refresh")
def refresh_store():
    return store.refresh()
