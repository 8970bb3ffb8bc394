from django.contrib import admin
from django.contrib.auth import views as auth
from django.urls import include, path
from django.utils.translation import gettext_lazy

from ombud.api import api
from ombud.cases import views as cases
from ombud.core import views
from ombud.core.favicon import favicon
from ombud.correspondence import views as correspondence
from ombud.documents import views as documents
from ombud.intake import views as intake
from ombud.rules import views as rules
from ombud.workflow import views as workflow

public = ([
    path("complaint/", intake.complaint, name="complaint"),
    path("report/", intake.report, name="report"),
    path("complaint/check", intake.check, name="check"),
    path("businesses/suggest", intake.suggest, name="suggest"),
    path("track/", cases.track, name="track"),
    path("my/", cases.mine, name="mine"),
    path("case/<str:ticket>/", cases.public_case, name="case"),
    path("case/<str:ticket>/act/<str:action>/", workflow.public_act, name="act"),
    path("case/<str:ticket>/messages", correspondence.public_post, name="message"),
    path("case/<str:ticket>/files/<int:pk>", correspondence.public_file, name="file"),
    path("case/<str:ticket>/files/<int:pk>/preview", correspondence.public_preview, name="preview"),
], "public")

desk = ([
    path("", cases.queue, name="queue"),
    path("views", cases.save_view, name="save-view"),
    path("bulk", workflow.bulk, name="bulk"),
    path("console/", intake.console, name="console"),
    path("overview/", cases.overview, name="overview"),
    path("case/<str:ticket>/", cases.desk_case, name="case"),
    path("case/<str:ticket>/act/<str:action>/", workflow.desk_act, name="act"),
    path("case/<str:ticket>/messages", correspondence.desk_post, name="message"),
    path("case/<str:ticket>/files/<int:pk>", correspondence.desk_file, name="file"),
    path("case/<str:ticket>/files/<int:pk>/preview", correspondence.desk_preview, name="preview"),
    path("authorities/suggest", workflow.authority_suggest, name="authorities"),
], "desk")

business = ([
    path("", cases.business_cases, name="cases"),
    path("case/<str:ticket>/", cases.business_case, name="case"),
    path("case/<str:ticket>/respond", cases.business_respond, name="respond"),
    path("case/<str:ticket>/act/<str:action>/", workflow.business_act, name="act"),
    path("case/<str:ticket>/messages", correspondence.business_post, name="message"),
    path("case/<str:ticket>/files/<int:pk>", correspondence.business_file, name="file"),
    path("case/<str:ticket>/files/<int:pk>/preview", correspondence.business_preview, name="preview"),
], "business")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("accounts/start", views.after_login, name="after-login"),
    path("language", views.set_language, name="set-language"),
    path("", include(public)),
    path("desk/", include(desk)),
    path("desk/analytics/", include("ombud.analytics.urls")),
    path("business/", include(business)),
    path("", include("ombud.alerts.urls")),
    path("", include("ombud.commitments.urls")),
    path("", include("ombud.disclosure.urls")),
    path("", include("ombud.disclosure.hotspot_urls")),
    path("", include("ombud.credit.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", views.api_docs_redirect),
    path("rules/<str:label>/", rules.rule_set, name="rule-set"),
    path("d/<str:token>/", documents.page, name="document"),
    path("d/<str:token>/pdf", documents.pdf, name="document-pdf"),
]

handler500 = "ombud.core.views.server_error"

admin.site.site_header = admin.site.site_title = gettext_lazy("Ombud administration")
