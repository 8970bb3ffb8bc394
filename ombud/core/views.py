from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
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
