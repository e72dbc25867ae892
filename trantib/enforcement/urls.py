"""Pages of the enforcement app (each part's pages in its own module)."""

from .urls_ladder import urlpatterns as ladder_urls
from .urls_violators import urlpatterns as violator_urls

app_name = "enforcement"

urlpatterns: list = [*ladder_urls, *violator_urls]
