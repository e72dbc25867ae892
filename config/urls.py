from django.contrib import admin
from django.urls import include, path

from trantib.api.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("trantib.web.urls")),
    path("sop/", include("trantib.sops.urls")),
    path("", include("trantib.cases.urls")),
    path("", include("trantib.complaints.urls")),
    path("", include("trantib.letters.urls")),
    path("", include("trantib.enforcement.urls")),
    path("", include("trantib.patrols.urls")),
    path("", include("trantib.operations.urls")),
    path("", include("trantib.community.urls")),
    path("laporan/", include("trantib.reports.urls")),
    path("sms/", include("trantib.complaints.sms.urls")),
    path("open311/v2/", include("trantib.complaints.open311.urls")),
]
