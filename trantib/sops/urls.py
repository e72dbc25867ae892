from django.urls import path

from . import views

app_name = "sops"
urlpatterns = [
    path("", views.sop_list, name="list"),
    path("<str:code>/", views.sop_detail, name="detail"),
]
