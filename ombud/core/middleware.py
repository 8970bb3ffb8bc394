"""Security headers, the signed-in user's own language, the input every request must not carry, and JSON
errors on the API."""
import json

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request

from ombud.core import apierrors
from ombud.core.errors import errors_body
from ombud.core.inputs import NUL, nul_error

# Everything is served by the app itself: no CDN, no external fonts, no inline script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# Django's admin and the Swagger UI page ship inline scripts and styles of their own.
CSP_RELAXED = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")
RELAXED_PREFIXES = ("/admin/", "/api/v1/docs")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        relaxed = request.path.startswith(RELAXED_PREFIXES)
        response.headers.setdefault("Content-Security-Policy", CSP_RELAXED if relaxed else CSP)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the cookie and the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
        if profile is not None and profile.language:
            translation.activate(profile.language)
            request.LANGUAGE_CODE = profile.language
        return self.get_response(request)


API_PREFIX = "/api/"
PUBLIC_API_PREFIX = "/api/v1/public/"  # the public complaint database: no personal data, may be cached


class InputGuardMiddleware:
    """Two rules for every request, kept in one place rather than in each view.

    - A NUL character in a query parameter (its name or a value) is refused before any view runs:
      PostgreSQL can neither store nor compare one, so it would surface as a 500. The API answers 422 in
      its error shape, naming the parameter; a page answers Django's 400.
    - An API answer may carry personal data: it must not be kept by a browser or proxy cache
      (`Cache-Control: no-store`), except the public complaint database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path.startswith(API_PREFIX)
        bad = [key for key, values in request.GET.lists() if NUL in key or any(NUL in v for v in values)]
        if bad:
            if not api:
                return bad_request(request, BadRequest("a NUL character in the query string"))  # the 400 page
            response = JsonResponse(errors_body([nul_error(key) for key in bad]), status=422)
        else:
            response = self.get_response(request)
        if api and not request.path.startswith(PUBLIC_API_PREFIX):
            add_never_cache_headers(response)
        return response


class ApiErrorsMiddleware:
    """Never an HTML error page under /api/ (first in MIDDLEWARE, so that every answer passes through it).

    - An exception in a view outside ninja (the schema, the docs) is answered as ninja's handler answers
      one: 503 with Retry-After when the database is unavailable, else a 500 naming a logged reference.
    - An error page Django rendered in HTML under /api/ (a 404 for an unknown route, the debug page
      of an exception in DEBUG, a 400 for a bad Host) becomes the error shape, its headers kept.
    An exception raised in a middleware reaches handler500 (ombud.core.views.server_error), which answers
    JSON on /api/ itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (apierrors.is_api(request) and response.status_code >= 400 and not response.streaming
                and not response.get("Content-Type", "").startswith("application/json")):
            response.content = json.dumps(apierrors.body_for_status(response.status_code))
            response["Content-Type"] = "application/json"
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            if response.status_code == 503:
                response.headers.setdefault("Retry-After", str(apierrors.RETRY_AFTER))
        return response

    def process_exception(self, request, exception):
        if not apierrors.is_api(request):
            return None
        if any(isinstance(exception, kinds) for kinds, _status in apierrors.REFUSALS):
            return None  # Django's own 4xx answer (and its log), made JSON on the way out
        return apierrors.json_error(request, exception)
