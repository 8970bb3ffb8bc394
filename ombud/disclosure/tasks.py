from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services


# Accounts are reviewed once their case has finished; a few minutes' delay costs nothing (publication waits
# `delay_days` anyway) and keeps scrubbing out of the intake path.
@db_periodic_task(crontab(minute="*/5"))
@lock_task("disclosure-queue")
def queue_accounts():
    return services.queue_finished()


# Publication waits `delay_days` after a case finishes, so a pass every five minutes is plenty; `_meta`
# reports the data stale when the last pass is older than settings.OMBUD_PUBLIC_STALE_MINUTES.
@db_periodic_task(crontab(minute="2-59/5"))
@lock_task("disclosure-publish")
def publish_complaints():
    run = services.publish_due()
    from . import selectors

    selectors.warm()  # the landing page's counts and trend, ready before the first visitor asks
    return {"added": run.added, "updated": run.updated, "removed": run.removed, "total": run.total}
