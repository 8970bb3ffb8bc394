"""Security headers, the signed-in user's own language, and the input every request must not carry."""
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request

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
