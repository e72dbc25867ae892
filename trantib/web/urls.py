from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cari/", views.search, name="search"),
    # LogoutView accepts POST only (Django 5): a link cannot log anyone out by surprise.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("trantib.accounts.urls")),  # /login/, /login/kode/, /akun/…
]
