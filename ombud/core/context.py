"""What every page's header needs: who is signed in, in which role, and where they can go."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

NAV = {
    "": [("public:complaint", _("File a complaint")), ("public:report", _("Report a violation")),
         ("public:track", _("Track a case")), ("alerts:public-warnings", _("Consumer warnings")),
         ("disclosure:businesses", _("Complaints about a business")),
         ("disclosure:complaints", _("Published complaints")), ("hotspots:index", _("Consumer hotspots")),
         ("commitments:search", _("Commitment registries"))],
    "consumer": [("public:complaint", _("File a complaint")), ("public:report", _("Report a violation")),
                 ("public:mine", _("My cases")), ("disclosure:businesses", _("Complaints about a business")),
                 ("disclosure:complaints", _("Published complaints")), ("hotspots:index", _("Consumer hotspots")),
                 ("commitments:search", _("Commitment registries"))],
    "operator": [("desk:console", _("Hotline console")), ("desk:queue", _("Queue"))],
    "handler": [("desk:queue", _("Queue")), ("desk:console", _("Hotline console")),
                ("disclosure:queue", _("Accounts to review")), ("commitments:queue", _("Commitments"))],
    "supervisor": [("desk:overview", _("Overview")), ("analytics:dashboard", _("Analytics")), ("alerts:queue", _("Alerts")),
                   ("desk:queue", _("Queue")), ("disclosure:queue", _("Accounts to review")),
                   ("commitments:queue", _("Commitments"))],
    "admin": [("desk:overview", _("Overview")), ("analytics:dashboard", _("Analytics")), ("alerts:queue", _("Alerts")),
              ("desk:queue", _("Queue")), ("disclosure:queue", _("Accounts to review")),
              ("commitments:queue", _("Commitments")), ("admin:index", _("Administration"))],
    "business": [("business:cases", _("Complaints")), ("commitments:mine", _("Commitment registries"))],
}


def role_of(user):
    if not user.is_authenticated:
        return ""
    profile = getattr(user, "profile", None)
    return profile.role if profile else ("admin" if user.is_superuser else "consumer")


def nav(request):
    user = getattr(request, "user", None)  # absent when a request fails before AuthenticationMiddleware (a 400)
    role = role_of(user) if user is not None else ""
    here = request.path
    items = []
    for name, label in NAV.get(role, NAV[""]):
        url = reverse(name)
        items.append({"url": url, "label": label, "current": here == url})
    return {"nav": items, "role": role}
