"""Open311 GeoReport v2, included at ``/open311/v2/`` (see ``views.py``)."""

from django.urls import URLPattern, URLResolver, path, re_path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("discovery.<str:fmt>", views.discovery, name="open311-discovery"),
    path("services.<str:fmt>", views.service_list, name="open311-services"),
    path("services/<str:code>.<str:fmt>", views.service_definition, name="open311-service"),
    path("requests.<str:fmt>", views.request_list, name="open311-requests"),
    path("requests/<str:tracking>.<str:fmt>", views.request_detail, name="open311-request"),
    path("tokens/<str:token>.<str:fmt>", views.token_detail, name="open311-token"),
    # Anything else under the prefix: the spec's 404, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]
