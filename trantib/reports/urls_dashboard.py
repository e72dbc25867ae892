"""URLs of the head of unit's dashboard, relative to /laporan/."""

from django.urls import URLPattern, URLResolver, path

from .dashboard import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/tugas/", views.dashboard_tasks, name="dashboard_tasks"),
]
