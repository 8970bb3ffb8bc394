"""/favicon.ico: browsers ask for it on every site (document pages, the admin, errors), so answer it."""
from functools import lru_cache
from pathlib import Path

from django.http import HttpResponse

ICON = Path(__file__).resolve().parent / "static" / "ombud" / "favicon.ico"


@lru_cache(maxsize=1)
def _icon():
    return ICON.read_bytes()


def favicon(request):
    response = HttpResponse(_icon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
