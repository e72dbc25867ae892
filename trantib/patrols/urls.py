"""Pages of the patrols app."""

app_name = "patrols"

urlpatterns: list = []
