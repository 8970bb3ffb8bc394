from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render


def home(request):
    return render(request, "home.html")


def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})


def api_docs_redirect(request):
    return HttpResponseRedirect("/api/v1/docs")
