"""Pages: the public registry (search, entry, rating), a business's applications, and the authority's desk."""
import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ombud.core import ratelimit
from ombud.core.auth import actor_of_user
from ombud.core.errors import DomainError, Forbidden, InvalidInput, NotFound, in_words
from ombud.taxonomy.selectors import choices

from . import selectors, services
from .models import BreachStatus, Registry, Status

RATINGS_PER_HOUR = 20  # per client address: enough for a family on one connection, too few to stuff the average


def _errors(exc):
    """{field: message} in the reader's language; a shop's field is "shops-<i>-<name>"."""
    if isinstance(exc, InvalidInput):
        out = {}
        for e in exc.errors:
            key = "-".join(str(part) for part in e["loc"]) or "form"
            out.setdefault(key, _(e["template"]) % e["params"] if "template" in e else
                           in_words(e["msg"], e.get("type", "value_error"), e.get("ctx")))
        return out
    return {exc.field or "form": exc.localized()}


def _or_404(fetch, **kwargs):
    try:
        return fetch(**kwargs)
    except NotFound:
        raise Http404 from None


def _labels():
    """{code: label} of categories and of issue types, in the reader's language."""
    return ({code: label for code, label, _group in choices("category")},
            {code: label for code, label, _group in choices("issue")})


def _entry(commitment):
    """What every view of a pledge shows: its shops, upheld breaches and ratings, and the rule in force."""
    rule = services.rule_for(registry=commitment.registry)
    avg, n = selectors.ratings([commitment.pk]).get(commitment.pk, (None, 0))
    categories, issues = _labels()
    english = selectors.english()
    upheld = selectors.upheld_shown(commitment, rule)
    for b in upheld:
        b.issue_label = issues.get(b.issue_type, b.issue_type)
    return {"c": commitment, "shops": selectors.shops(commitment), "upheld": upheld,
            "rule": rule, "rule_title": rule.title(english), "rule_text": rule.text(english),
            "basis_title": commitment.rule.title(english), "rating": avg, "ratings": n,
            "category": categories.get(commitment.category, commitment.category), "issues": issues,
            "english": english}


# ---- the public -----------------------------------------------------------------------------------

def search(request):
    get = request.GET
    registry = get.get("registry", "")
    registry = registry if registry in Registry.values else ""
    category = get.get("category", "")
    categories = choices("category")
    category = category if category in {c for c, _l, _g in categories} else ""
    where, q = get.get("where", "").strip()[:60], get.get("q", "").strip()[:60]
    region, places = selectors.place(where)
    after = get.get("after", "")
    after = int(after) if after.isascii() and after.isdigit() else None
    rows, more = ([], False) if (where and region is None) else selectors.search(
        registry=registry, region=region, category=category, q=q, after=after)
    params = {"registry": registry, "where": region.code if region else where, "category": category, "q": q}
    commitments = {s.commitment_id: s.commitment for s in rows}.values()
    rules = {r: services.rule_for(registry=r) for r in {c.registry for c in commitments}}
    upheld, rated = selectors.upheld_counts(commitments, rules), selectors.ratings([c.pk for c in commitments])
    labels = {c: label for c, label, _g in categories}
    return render(request, "commitments/search.html", {
        "registries": Registry.choices, "registry": registry, "category": category, "q": q,
        "where": region.full_name if region else where, "region": region,
        "goods": [(c, label) for c, label, g in categories if g == "goods"],
        "services": [(c, label) for c, label, g in categories if g != "goods"],
        "places": [(r, urlencode({**params, "where": r.code})) for r in places],
        "unknown_place": bool(where) and region is None and not places,
        "searched": any(params.values()),
        "rows": [{"shop": s, "c": s.commitment, "category": labels.get(s.commitment.category, ""),
                  "upheld": upheld.get(s.commitment_id, 0), "rating": rated.get(s.commitment_id)} for s in rows],
        "more": urlencode({**params, "after": rows[-1].pk}) if more else ""})


def _rater(request, create=False):
    """Who rates: the account, or a hash of the session (created on rating; the key itself is a credential)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        if not create:
            return None
        request.session["commitments"] = True
        request.session.save()
    return hashlib.sha256(request.session.session_key.encode()).hexdigest()


def _public_page(request, commitment, errors=None, status=200):
    rater = _rater(request)
    return render(request, "commitments/entry.html", {
        **_entry(commitment), "errors": errors or {}, "stars": [5, 4, 3, 2, 1],
        "rated": selectors.rated(commitment, rater) if rater else None,
        "form": request.POST if errors else {}}, status=status)


def entry(request, pk):
    return _public_page(request, _or_404(selectors.public_commitment, pk=pk))


@require_POST
def rate(request, pk):
    commitment = _or_404(selectors.public_commitment, pk=pk)
    if not ratelimit.allow(request, "commitment-rating", limit=RATINGS_PER_HOUR):
        return _public_page(request, commitment, status=429, errors={
            "form": _("Too many ratings have come from your connection this hour. Please try again later.")})
    try:
        services.rate(commitment=commitment, rater=_rater(request, create=True), stars=request.POST.get("stars"),
                      comment=request.POST.get("comment", ""),
                      user=request.user if request.user.is_authenticated else None)
    except (DomainError, InvalidInput) as exc:
        return _public_page(request, commitment, errors=_errors(exc), status=422)
    messages.success(request, _("Thank you: your rating was recorded."))
    return redirect("commitments:entry", pk=commitment.pk)


# ---- the business's portal ------------------------------------------------------------------------

def _business(request):
    actor = actor_of_user(request.user)
    if actor.role != "business" or actor.business is None:
        raise Http404
    return actor


@login_required
def mine(request):
    actor = _business(request)
    return render(request, "commitments/business_list.html", {
        "business": actor.business, "rows": selectors.own_commitments(actor.business)})


FIELDS = ("registry", "category", "scope", "days", "excluded")


def _shop_rows(post, exc=None, add=False):
    """The shop rows of the form, as posted (one empty row to start, one more on "add a shop"), each with its
    errors and, when a county picker matched several, their choices."""
    rows = []
    for i in range(services.MAX_SHOPS):
        if f"shops-{i}-address" not in post:
            break
        rows.append({k: post.get(f"shops-{i}-{k}", "") for k in ("name", "address", "county")})
    if not rows or (add and len(rows) < services.MAX_SHOPS):
        rows.append({"name": "", "address": "", "county": ""})
    errors = _errors(exc) if exc is not None else {}
    picks = {e["loc"][1]: e["choices"] for e in (exc.errors if isinstance(exc, InvalidInput) else [])
             if e.get("choices")}
    return [{**row, "i": i, "choices": picks.get(i, []),
             "errors": {k: errors.get(f"shops-{i}-{k}") for k in ("name", "address", "county")}}
            for i, row in enumerate(rows)]


def _apply_page(request, actor, *, form, shops, errors=None, status=200):
    returns = services.rule_for(registry=Registry.RETURNS)
    categories = choices("category")
    return render(request, "commitments/apply.html", {
        "business": actor.business, "form": form, "shops": shops, "errors": errors or {},
        "registries": Registry.choices, "day_options": returns.day_options, "min_days": returns.min_days,
        "max_days": returns.max_days, "max_shops": services.MAX_SHOPS,
        "goods": [(c, label) for c, label, g in categories if g == "goods"],
        "services": [(c, label) for c, label, g in categories if g != "goods"]}, status=status)


@login_required
def apply(request):
    actor = _business(request)
    if request.method != "POST":
        return _apply_page(request, actor, form={}, shops=_shop_rows({}))
    form = {k: request.POST.get(k, "") for k in FIELDS}
    if request.POST.get("add_shop"):
        return _apply_page(request, actor, form=form, shops=_shop_rows(request.POST, add=True))
    shops = _shop_rows(request.POST)
    try:
        commitment = services.apply(actor=actor, fields={**form, "shops": shops})
    except Forbidden:
        raise Http404 from None
    except (DomainError, InvalidInput) as exc:
        return _apply_page(request, actor, form=form, shops=_shop_rows(request.POST, exc=exc),
                           errors=_errors(exc), status=422)
    messages.success(request, _("Your application was sent. The market supervision authority will check it; the "
                                "pledge is published once it is approved."))
    return redirect("commitments:own", pk=commitment.pk)


@login_required
def own(request, pk):
    actor = _business(request)
    commitment = _or_404(selectors.own_commitment, business=actor.business, pk=pk)
    return render(request, "commitments/business_entry.html", {
        **_entry(commitment), "events": list(commitment.events.select_related("actor", "rule", "breach__case")),
        "breaches": _breaches(commitment, {})})


# ---- the desk -------------------------------------------------------------------------------------

def _decider(request):
    """Signed-in staff of an authority (handler, supervisor, administrator); anyone else finds no such page."""
    actor = actor_of_user(request.user)
    if selectors.scope_path_of(actor) is None:
        raise Http404
    return actor


TABS = [(Status.PENDING, gettext_lazy("Applications")), ("breaches", gettext_lazy("Possible breaches")),
        (Status.APPROVED, gettext_lazy("Listed")), (Status.REVOKED, gettext_lazy("Revoked")),
        (Status.REJECTED, gettext_lazy("Rejected"))]


@login_required
def queue(request):
    actor = _decider(request)
    tab = request.GET.get("tab", Status.PENDING)
    tab = tab if tab in dict(TABS) else Status.PENDING
    q = request.GET.get("q", "").strip()[:60]
    categories, issues = _labels()
    if tab == "breaches":
        rows, breaches = [], selectors.open_breaches(actor=actor)
    else:
        rows, breaches = selectors.desk_list(actor=actor, status=tab, q=q), []
    for c in rows:
        c.category_label = categories.get(c.category, c.category)
    for b in breaches:
        b.issue_label = issues.get(b.issue_type, b.issue_type)
    return render(request, "commitments/desk_queue.html", {
        "tabs": TABS, "tab": tab, "q": q, "rows": rows, "breaches": breaches,
        "more": len(rows) == 100 or len(breaches) == 100})


def _breaches(commitment, issues, errors=None):
    breaches = list(commitment.breaches.select_related("case").order_by("-flagged_at"))
    for b in breaches:
        b.issue_label, b.error = issues.get(b.issue_type, b.issue_type), (errors or {}).get(f"breach-{b.pk}")
    return breaches


def _desk_page(request, actor, commitment, errors=None, status=200):
    page = _entry(commitment)
    return render(request, "commitments/desk_entry.html", {
        **page, "errors": errors or {}, "text": request.POST.get("text", "") if errors else "",
        "events": list(commitment.events.select_related("actor", "rule", "breach__case")),
        "breaches": _breaches(commitment, page["issues"], errors),
        "comments": selectors.recent_ratings(commitment), "possible": BreachStatus.POSSIBLE,
        "can_decide": commitment.status == Status.PENDING, "can_revoke": commitment.status == Status.APPROVED},
        status=status)


@login_required
def desk_entry(request, pk):
    actor = _decider(request)
    return _desk_page(request, actor, _or_404(selectors.desk_commitment, actor=actor, pk=pk))


DONE = {"approve": gettext_lazy("The pledge was approved: its shops are now in the public registry."),
        "reject": gettext_lazy("The application was rejected."),
        "revoke": gettext_lazy("The pledge was revoked: its shops have left the public registry."),
        "uphold": gettext_lazy("The breach was upheld: it shows on the public entry."),
        "dismiss": gettext_lazy("The possible breach was dismissed.")}


@login_required
@require_POST
def act(request, pk, action):
    actor = _decider(request)
    commitment = _or_404(selectors.desk_commitment, actor=actor, pk=pk)
    if action not in services.ACTIONS:
        raise Http404
    fn, text = services.ACTIONS[action]
    try:
        fn(commitment=commitment, actor=actor, **{text: request.POST.get("text", "")})
    except Forbidden:
        raise Http404 from None
    except (DomainError, InvalidInput) as exc:
        return _desk_page(request, actor, commitment, errors={action: " ".join(_errors(exc).values())}, status=422)
    messages.success(request, DONE[action])
    return redirect("commitments:desk-entry", pk=commitment.pk)


@login_required
@require_POST
def breach_act(request, pk, action):
    actor = _decider(request)
    breach = _or_404(selectors.desk_breach, actor=actor, pk=pk)
    fn = services.BREACH_ACTIONS.get(action)
    if fn is None:
        raise Http404
    try:
        fn(breach=breach, actor=actor, reason=request.POST.get("text", ""))
    except Forbidden:
        raise Http404 from None
    except (DomainError, InvalidInput) as exc:
        return _desk_page(request, actor, breach.commitment, status=422,
                          errors={f"breach-{breach.pk}": " ".join(_errors(exc).values())})
    messages.success(request, DONE[action])
    return redirect("commitments:desk-entry", pk=breach.commitment_id)
