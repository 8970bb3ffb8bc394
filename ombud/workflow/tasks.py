from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import escalation, recompute


@db_periodic_task(crontab(minute="*/5"))
@lock_task("workflow-overdue")
def escalate_overdue():
    return escalation.escalate_overdue()


@db_task()
def recompute_year(year):
    return recompute.recompute_year(year)
