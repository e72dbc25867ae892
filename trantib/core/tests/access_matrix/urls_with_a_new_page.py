"""The product's URL configuration and one page more, that the access matrix does not know:
``test_a_page_added_to_the_url_configuration_without_a_row_fails_the_matrix`` shows that the
matrix reports it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as product


def _secret(request: HttpRequest, case_id: int) -> HttpResponse:
    return HttpResponse(f"case {case_id}")  # pragma: no cover - never requested


urlpatterns = [
    *product,
    path("kasus/<int:case_id>/rahasia/", _secret, name="matrix_probe_new_page"),
]
