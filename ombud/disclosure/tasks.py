from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services


# Accounts are reviewed once their case has finished; a few minutes' delay costs nothing (publication waits
# `delay_days` anyway) and keeps scrubbing out of the intake path.
@db_periodic_task(crontab(minute="*/5"))
@lock_task("disclosure-queue")
def queue_accounts():
    return services.queue_finished()
