"""When a year's holiday arrangement is loaded, every open clock that reached into it is recomputed."""
import datetime as dt
import logging

from django.db.models import Q
from django.utils import timezone

from . import deadlines
from .models import CaseDeadline

log = logging.getLogger(__name__)


def affected(year):
    """Open clocks that were provisional, or that span any day of `year` (an earlier arrangement changed)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 2, tzinfo=tz)
    return CaseDeadline.objects.filter(met_at__isnull=True).filter(
        Q(provisional=True) | Q(started_at__lt=end, due__gte=start))


def recompute_year(year):
    changed = total = 0
    batch = []
    for clock in affected(year).iterator(chunk_size=2000):
        batch.append(clock)
        if len(batch) == 2000:
            changed += deadlines.recompute(batch)
            total += len(batch)
            batch = []
    changed += deadlines.recompute(batch)
    total += len(batch)
    log.info("calendar %s loaded: %s open clocks checked, %s changed", year, total, changed)
    return changed
