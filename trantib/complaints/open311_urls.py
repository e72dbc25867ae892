"""Open311 GeoReport v2, included at ``/open311/v2/`` (see ``open311.py``)."""

from django.urls import URLPattern, URLResolver, path, re_path

from . import open311

urlpatterns: list[URLPattern | URLResolver] = [
    path("discovery.<str:fmt>", open311.discovery, name="open311-discovery"),
    path("services.<str:fmt>", open311.service_list, name="open311-services"),
    path("services/<str:code>.<str:fmt>", open311.service_definition, name="open311-service"),
    path("requests.<str:fmt>", open311.request_list, name="open311-requests"),
    path("requests/<str:tracking>.<str:fmt>", open311.request_detail, name="open311-request"),
    path("tokens/<str:token>.<str:fmt>", open311.token_detail, name="open311-token"),
    # Anything else under the prefix: the spec's 404, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", open311.not_found),
]
