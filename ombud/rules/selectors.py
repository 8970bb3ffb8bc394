import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import RuleSet

_cache = {"at": 0.0, "sets": []}
_lock = threading.Lock()
_TTL = 30  # seconds; an admin's amendment reaches every process within this


def _active_sets():
    now = time.monotonic()
    if now - _cache["at"] > _TTL:
        with _lock:
            _cache["sets"] = list(RuleSet.objects.filter(active=True).order_by("-effective_from", "-version"))
            _cache["at"] = now
    return _cache["sets"]


def by_id(pk):
    """A rule set from the process cache (its JSON is large: decoding it per request is not free)."""
    if pk is None:
        return None
    hit = next((rs for rs in _active_sets() if rs.pk == pk), None)
    return hit or RuleSet.objects.filter(pk=pk).first()


def clear_cache():
    _cache["at"] = 0.0


def local_date(moment):
    if isinstance(moment, dt.datetime):
        return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return moment


def rule_set_for(received_at):
    """The rule set in force on the local date of receipt, or None if none covers it."""
    try:
        day = local_date(received_at)
    except OverflowError:  # a moment local time cannot hold (0001-01-01T00:00:00+14:00): no rule set covers it
        return None
    for rs in _active_sets():
        if rs.effective_from <= day and (rs.effective_until is None or day < rs.effective_until):
            return rs
    return None


def citation(rule_set, key):
    """'R2026 Art. 12' for a decision key, or '' when there is no rule set or it lacks the key."""
    return rule_set.cite(key) if rule_set is not None and key in rule_set.citations else ""


def unconfirmed_citations():
    """Every citation not yet checked against the text, across rule sets (active or not), for administrators.

    Rows: rule set, where it sits (citations, periods, grounds, rewards), its key, the stored article and note.
    """
    rows = []
    for rs in RuleSet.objects.order_by("code", "version"):
        entries = [("citations", key, e) for key, e in sorted(rs.citations.items())]
        entries += [("periods", key, e) for key, e in sorted((rs.periods or {}).items())]
        entries += [(kind, str(g.get("item")), g) for kind in ("refusal_grounds", "termination_grounds")
                    for g in getattr(rs, kind) or []]
        if rs.rewards:
            entries.append(("rewards", "article", rs.rewards))
        for where, key, entry in entries:
            if isinstance(entry, dict) and not entry.get("confirmed", True):
                text = entry.get("text") or entry.get("text_en") or ""
                rows.append({"rule_set": rs, "where": where, "key": key, "article": entry.get("article", ""),
                             "text": text, "text_zh": entry.get("text_zh") or text, "note": entry.get("note", "")})
    return rows
