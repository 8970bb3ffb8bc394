import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseForbidden, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import get_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .context import role_of

HOMES = {"consumer": "public:mine", "business": "business:cases", "operator": "desk:console",
         "handler": "desk:queue", "supervisor": "desk:overview", "admin": "desk:overview"}


def home(request):
    return render(request, "home.html")


@login_required
def after_login(request):
    """Each role starts on its own page."""
    return redirect(HOMES.get(role_of(request.user), "home"))


@require_POST
def set_language(request):
    """Switch the language; a signed-in user keeps the choice on every device."""
    language = request.POST.get("language", "")
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    if profile is not None and language in dict(settings.LANGUAGES):
        profile.language = language
        profile.save(update_fields=["language"])
    return django_set_language(request)


def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})


def api_docs_redirect(request):
    return HttpResponseRedirect("/api/v1/docs")


# The last resort when even the 500 template fails: both languages, no template, no stylesheet.
_BARE_500 = ('<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>出错了 · Error</title>'
             '<h1>出错了 · Something went wrong</h1><p>请稍后再试。Please try again later.</p><p><a href="/">首页 · Home</a></p>')


def server_error(request):
    """The 500 page, rendered without the request so that no context processor (session, database) runs.
    Under /api/ the error shape instead: 503 with Retry-After when the database is unavailable (a middleware
    reading the session while PostgreSQL restarts), else a 500 (Django has logged the traceback)."""
    from . import apierrors

    if apierrors.is_api(request):
        status, body, headers = apierrors.error_answer(request, sys.exc_info()[1], logged=True)
        response = JsonResponse(body, status=status)
        for name, value in headers.items():
            response[name] = value
        return response
    try:
        return HttpResponseServerError(loader.render_to_string("500.html", {"LANGUAGE_CODE": get_language()}))
    except Exception:
        return HttpResponseServerError(_BARE_500)


def csrf_failure(request, reason=""):
    """A form whose CSRF token is missing or stale (often a page left open for long): say so, in the page's language."""
    return HttpResponseForbidden(loader.render_to_string("403.html", {"csrf": True}, request=request))
