"""State changes of public disclosure: queueing a consenting complainant's account, and its review (each
writes its NarrativeEvent in the same transaction); publishing due complaints to the open complaint
database, and taking down those whose public period is over."""
import datetime as dt
import time

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ombud.core.errors import DomainError, Forbidden, InvalidInput, NotFound

from . import cube, selectors
from .models import (
    Narrative,
    NarrativeAction,
    NarrativeEvent,
    NarrativeStatus,
    PublicationRun,
    PublishedComplaint,
)


def _record(narrative, *, actor, action, note="", **data):
    rule = selectors.current_rule()
    NarrativeEvent.objects.create(narrative=narrative, at=timezone.now(), actor=actor, action=action, note=note,
                                  data=data, rule_version=rule.version if rule else None)


def known_names(case):
    """The names the case knows of people: removed wherever they occur, however the text spells the rest."""
    return [n for n in (case.complainant_name, getattr(case, "agent_name", "")) if n and len(n.strip()) >= 2]


@transaction.atomic
def queue_narrative(*, case):
    """Queue the complainant's account for review when they consented and the rule publishes accounts.
    Returns the Narrative, or None when there is nothing to queue. Safe to call twice."""
    from .scrub import scrub

    rule = selectors.current_rule()
    if (rule is None or not rule.narratives or case.kind not in rule.kinds or not case.consent_disclosure
            or not (case.facts or "").strip()):
        return None
    existing = Narrative.objects.filter(case=case).first()
    if existing is not None:
        return existing
    text, found = scrub(case.facts, known_names=known_names(case))
    narrative = Narrative.objects.create(case=case, scrubbed=text, text=text, queued_at=timezone.now(),
                                         removed=[[f.type, f.start, f.end] for f in found])
    _record(narrative, actor=None, action=NarrativeAction.QUEUED,
            removed=sorted({f.type for f in found}))  # the kinds removed, never the text
    return narrative


def queue_finished(*, limit=500):
    """Queue the accounts of consenting cases that finished since the last run (the periodic task)."""
    from ombud.cases.selectors import finished_with_consent

    rule = selectors.current_rule()
    if rule is None or not rule.narratives:
        return 0
    cases = (finished_with_consent(kinds=rule.kinds, statuses=rule.statuses)
             .exclude(id__in=Narrative.objects.values("case_id")).order_by("closed_at", "id")[:limit])
    return sum(1 for case in cases if queue_narrative(case=case) is not None)


def _locked(narrative, actor):
    if actor.user is None or not selectors.review_queue(actor=actor, status="").filter(pk=narrative.pk).exists():
        raise NotFound("no such account in your area")
    narrative = Narrative.objects.select_for_update().get(pk=narrative.pk)
    if narrative.status != NarrativeStatus.PENDING:
        raise DomainError(gettext_noop("This account was already reviewed."))
    return narrative


@transaction.atomic
def approve_narrative(*, narrative, actor, text):
    """Publish `text` (the scrubbed account, as the reviewer edited it). Refused while the recognisers still
    find personal data in it: the reviewer removes it, or it is not published."""
    from .scrub import LABELS, STRUCTURED, find

    narrative = _locked(narrative, actor)
    text = (text or "").strip()
    if not text:
        raise InvalidInput([{"loc": ["text"], "type": "value_error",
                             "msg": gettext_noop("The account to publish is empty; reject it instead.")}])
    # Structured data and the parties' own names block approval; a name guessed from an honorific does not
    # (the reviewer has read the text, and a guess such as "Dr. Martens" must not hold an account back).
    names = known_names(narrative.case)
    left = {f.type for f in find(text, known_names=names, types=STRUCTURED)}
    left |= {"name"} if any(n in text for n in names) else set()
    if left:
        kinds = ", ".join(sorted(str(LABELS.get(t, t)) for t in left))
        raise DomainError(gettext_noop("The text still holds personal data: %(kinds)s. Remove it, then approve."),
                          field="text", params={"kinds": kinds})
    narrative.text, narrative.status = text[:8000], NarrativeStatus.APPROVED
    narrative.reviewed_at, narrative.reviewed_by = timezone.now(), actor.user
    narrative.save(update_fields=["text", "status", "reviewed_at", "reviewed_by"])
    _record(narrative, actor=actor.user, action=NarrativeAction.APPROVED,
            edited=text != narrative.scrubbed.strip())
    republish(case_ids=[narrative.case_id])
    return narrative


@transaction.atomic
def reject_narrative(*, narrative, actor, note):
    narrative = _locked(narrative, actor)
    if not (note or "").strip():
        raise InvalidInput([{"loc": ["note"], "type": "value_error",
                             "msg": gettext_noop("Say why the account is not published.")}])
    narrative.status, narrative.reviewed_at, narrative.reviewed_by = NarrativeStatus.REJECTED, timezone.now(), actor.user
    narrative.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    _record(narrative, actor=actor.user, action=NarrativeAction.REJECTED, note=note.strip()[:2000])
    return narrative


@transaction.atomic
def withdraw_consent(*, case, actor):
    """The complainant takes back their consent: the account leaves the public view at once."""
    if actor.user is None or case.submitted_by_user_id != actor.user.pk:
        raise Forbidden(gettext_noop("Only the complainant can withdraw their consent."))
    narrative = Narrative.objects.select_for_update().filter(case=case).first()
    if narrative is not None and narrative.status == NarrativeStatus.WITHDRAWN:
        return narrative
    if narrative is None:  # not queued yet: a withdrawn record keeps it from ever being queued
        narrative = Narrative.objects.create(case=case, scrubbed="", status=NarrativeStatus.WITHDRAWN,
                                             queued_at=timezone.now())
    else:
        narrative.status = NarrativeStatus.WITHDRAWN
        narrative.save(update_fields=["status"])
    _record(narrative, actor=actor.user, action=NarrativeAction.WITHDRAWN)
    republish(case_ids=[case.pk])  # out of the public database now, not at the next run
    return narrative


# --------------------------------------------------------------------------- the open complaint database

def _regions(region_codes):
    from ombud.regions.services import NATION_CODE, path_of

    out = {}
    for code in region_codes:
        path = "" if not code or code == NATION_CODE else path_of(code)
        out[code] = (path[:2], path[:4] if len(path) >= 4 else "", path if len(path) == 6 else "")
    return out


def _published_rows(values, *, rule, now):
    """PublishedComplaint objects for case dicts (cases.selectors.PUBLICATION_FIELDS), keeping only the
    fields the rule publishes."""
    from ombud.workflow.selectors import accepted_in_time

    from .search import index_text

    values = list(values)
    ids = [v["id"] for v in values]
    fields = set(rule.fields)
    timely = accepted_in_time(ids) if "timely" in fields else {}
    accounts = {}
    if rule.narratives and "narrative" in fields:
        accounts = dict(Narrative.objects.filter(case_id__in=ids, status=NarrativeStatus.APPROVED)
                        .values_list("case_id", "text"))
    regions = _regions({v["authority__region"] for v in values})
    tz = timezone.get_current_timezone()
    rows = []
    for v in values:
        where = regions[v["authority__region"]] if "authority" in fields else ("", "", "")
        narrative = accounts.get(v["id"], "")
        response = v["public_response"] if "response" in fields else ""
        rows.append(PublishedComplaint(
            id=v["id"], received=timezone.localtime(v["received_at"], tz).date(),
            finished=timezone.localtime(v["closed_at"], tz).date(), published_at=now, rule_version=rule.version,
            province=where[0], prefecture=where[1], county=where[2],
            authority=v["authority__name"] if "authority" in fields else "",
            category=v["category"] if "category" in fields else "",
            issue=v["issue_type"] if "issue" in fields else "",
            respondent_id=v["respondent_id"] if "respondent" in fields else None,
            respondent=(v["respondent__name"] or "") if "respondent" in fields else "",
            uscc=(v["respondent__uscc"] or "") if "respondent" in fields else "",
            channel=v["channel"] if "channel" in fields else "",
            outcome=v["outcome"] if "outcome" in fields else "",
            timely=timely.get(v["id"]), rating=v["rating_handling"] if "rating" in fields else None,
            narrative=narrative, response=response, has_narrative=bool(narrative),
            search=index_text(narrative, response)))
    return rows


def _write(rows):
    """Replace these complaints' rows (delete, then insert: the text index follows both)."""
    PublishedComplaint.objects.filter(id__in=[r.id for r in rows]).delete()
    PublishedComplaint.objects.bulk_create(rows, batch_size=1000)


def _window(rule, now):
    """(finished after, finished up to): the cases the rule has public at `now`."""
    upto = now - dt.timedelta(days=rule.delay_days)
    try:
        after = upto.replace(year=upto.year - rule.public_years)
    except ValueError:  # 29 February
        after = upto.replace(year=upto.year - rule.public_years, day=28)
    return after, upto


def publish_due(*, now=None, batch=2000, progress=None):
    """One pass over the open complaint database: publish what became due since the last pass, refresh
    what changed (a public response, a rating, a reviewed account), take down what the rule no longer
    publishes. A new rule version republishes everything. `progress(done, total)` is called as it goes.
    Returns the PublicationRun."""
    from ombud.cases.selectors import (
        cases_changed_since,
        finished_between,
        last_event_id,
    )

    given, now = now, now or timezone.now()
    rule = selectors.current_rule()
    last = PublicationRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id").first()
    run = PublicationRun(started_at=now, rule_version=rule.version if rule else None)
    # The rows this pass takes away and writes, for moving the kept counts (cube.shift); None once they
    # are too many, or when the last pass left no counts: then the pass counts everything again.
    run.changes = ([], []) if last is not None and last.counted and not _recount_due(now) else None
    if rule is None:
        run.changes = None
        run.removed = PublishedComplaint.objects.all().delete()[0]
        run.watermark = last.watermark if last else 0
    else:
        after, upto = _window(rule, now)
        kw = {"kinds": rule.kinds, "statuses": rule.statuses}
        if last is None or last.rule_version != rule.version or last.cutoff is None:
            run.changes = None  # everything may change: count it all again at the end
            run.watermark = last_event_id()  # read first: an event after it is picked up next time
            run.removed = PublishedComplaint.objects.exclude(rule_version=rule.version).delete()[0]
            due, changed = finished_between(**kw, after=after, upto=upto), set()
        else:
            changed, run.watermark = cases_changed_since(last.watermark)
            due = finished_between(**kw, after=max(after, last.cutoff), upto=upto)
        run.cutoff = upto
        expired = PublishedComplaint.objects.filter(finished__lt=timezone.localtime(after).date())
        _changes(run, before=expired)
        run.removed += expired.delete()[0]
        total = due.count() + len(changed)
        done, chunk = 0, []
        for v in due.iterator(chunk_size=batch):
            chunk.append(v)
            if len(chunk) >= batch:
                done += _flush(chunk, rule, now, run)
                chunk = []
                if progress:
                    progress(done, total)
        done += _flush(chunk, rule, now, run)
        # Changed cases: refreshed if still public, taken down if no longer (a finished case reopened).
        for ids in _chunks(sorted(changed), batch):
            rows = list(finished_between(**kw, after=after, upto=upto, ids=ids))
            gone = PublishedComplaint.objects.filter(id__in=set(ids) - {v["id"] for v in rows})
            _changes(run, before=gone)
            gone = gone.delete()[0]
            run.removed += gone
            done += _flush(rows, rule, now, run) + gone
            if progress:
                progress(done, total)
    with transaction.atomic():  # readers move to the new counts per value and the finished run together
        run.total = PublishedComplaint.objects.count()
        started = time.perf_counter()
        if run.changes is None:
            cube.rebuild()
            run.recounted = True
        else:
            cube.shift(before=run.changes[0], after=run.changes[1])
        run.counting_seconds = time.perf_counter() - started
        run.counted = True
        run.finished_at = given or timezone.now()
        run.save()
    return run


RECOUNT_ROWS = 20_000  # a pass changing more rows than this counts everything again (faster than moving)


def _recount_due(now):
    """Count everything again at least daily, whatever was moved since (a safety net, not a correction)."""
    done = PublicationRun.objects.filter(recounted=True, finished_at__isnull=False).order_by("-finished_at").first()
    return done is None or now - done.started_at > dt.timedelta(hours=24)


def _changes(run, *, before=(), after=()):
    """Note rows the pass takes away (`before`, a queryset or rows, read before they change) and writes."""
    if run.changes is None:
        return
    old, new = run.changes
    if isinstance(before, models.QuerySet):  # read at most what still fits: past that the pass recounts
        before = list(before[:RECOUNT_ROWS + 1 - len(old) - len(new)])
    old += before
    new += after
    if len(old) + len(new) > RECOUNT_ROWS:
        run.changes = None


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _flush(values, rule, now, run):
    if not values:
        return 0
    ids = [v["id"] for v in values]
    with transaction.atomic():
        existing = PublishedComplaint.objects.filter(id__in=ids)
        if run.changes is not None:  # moving the kept counts needs these rows as they were
            existing = list(existing)
            _changes(run, before=existing)
            had = {r.id for r in existing}
        else:
            had = set(existing.values_list("id", flat=True))
        rows = _published_rows(values, rule=rule, now=now)
        _write(rows)
        _changes(run, after=rows)
    run.updated += len(had)
    run.added += len(ids) - len(had)
    return len(ids)


def republish(*, case_ids):
    """Refresh these complaints in the open database now if they are public (a reviewed or withdrawn
    account must not wait for the next pass)."""
    from ombud.cases.selectors import finished_between

    rule = selectors.current_rule()
    ids = list(PublishedComplaint.objects.filter(id__in=case_ids).values_list("id", flat=True))
    if rule is None or not ids:
        return 0
    now = timezone.now()
    after, upto = _window(rule, now)
    rows = list(finished_between(kinds=rule.kinds, statuses=rule.statuses, after=after, upto=upto, ids=ids))
    with transaction.atomic():
        before = list(PublishedComplaint.objects.select_for_update().filter(id__in=ids))
        PublishedComplaint.objects.filter(id__in=set(ids) - {v["id"] for v in rows}).delete()
        after_rows = _published_rows(rows, rule=rule, now=now)
        _write(after_rows)
        if cube.counted():
            cube.shift(before=before, after=after_rows)  # the kept counts per value follow the rows
    from django.core.cache import cache

    if not cache.add("disclosure:republished", 1, timeout=None):
        cache.incr("disclosure:republished")  # cached counts and trends are now out of date
    return len(rows)
