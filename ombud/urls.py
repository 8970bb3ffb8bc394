from django.contrib import admin
from django.urls import path

from ombud.api import api
from ombud.core import views
from ombud.documents import views as documents

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", views.api_docs_redirect),
    path("d/<str:token>/", documents.page, name="document"),
    path("d/<str:token>/pdf", documents.pdf, name="document-pdf"),
]
