"""URLs of the letters app (sop): drafting a case's letter from its task, see views_sop.py."""

from django.urls import URLPattern, path

from . import views_sop

urlpatterns: list[URLPattern] = [
    path("tugas/<posint:task_id>/surat/", views_sop.draft_for_task, name="draft_for_task"),
]
