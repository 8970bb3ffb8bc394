"""Queries of the statutory clocks that other apps read."""
from .models import CaseDeadline


def accepted_in_time(case_ids):
    """{case id: whether acceptance was decided by its last day} for the cases whose acceptance clock has
    stopped; a case with no stopped acceptance clock is absent (timeliness unknown)."""
    rows = (CaseDeadline.objects.filter(case_id__in=list(case_ids), step="acceptance", met_at__isnull=False)
            .values_list("case_id", "met_at", "due"))
    return {case_id: met <= due for case_id, met, due in rows}
