"""Pages of the enforcement app."""

app_name = "enforcement"

urlpatterns: list = []
