"""Pages of the community app."""

app_name = "community"

urlpatterns: list = []
