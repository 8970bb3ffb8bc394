"""Who is calling: a bearer API key, a signed-in user, or the public."""
from django.middleware.csrf import CsrfViewMiddleware

from ombud.accounts.services import authenticate_token
from ombud.core.errors import DomainError, Forbidden
from ombud.intake.services import Actor

from .context import role_of


class Unauthorized(DomainError):
    status = 401


def actor_for(request):
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        key = authenticate_token(token.strip()) if scheme.lower() == "bearer" else None
        if key is None:
            raise Unauthorized("invalid or revoked API key; send Authorization: Bearer <key>")
        return Actor(role=key.role, key=key, authority=key.authority, business=key.business)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        _check_csrf(request)
    return actor_of_user(user)


def actor_of_user(user):
    """The Actor for a signed-in user (pages, where Django's middleware has checked CSRF), or the public."""
    if user is None or not user.is_authenticated:
        return Actor()
    profile = getattr(user, "profile", None)
    return Actor(role=role_of(user), user=user, authority=profile.authority if profile else None,
                 business=profile.business if profile else None)


def _check_csrf(request):
    """A signed-in browser is acting: the API's views are CSRF-exempt for bearer keys, so the
    session path must pass Django's CSRF check itself, or another site could act in its name."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    failure = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    if failure is not None:
        raise Forbidden("CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header")
