"""The login pages and the account page; included at the site's root by ``trantib.web.urls``
(``login`` is Django's ``LOGIN_URL``, so the names carry no namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    # One login page for the site and the admin, throttled with the API's token endpoint.
    path("login/", views.login_view, name="login"),
    path("login/kode/", views.login_code, name="login_code"),
    path("akun/", views.account, name="account"),
    path("akun/token/<posint:token_id>/cabut/", views.token_revoke, name="account_token_revoke"),
    path("akun/dua-langkah/", views.two_factor, name="account_two_factor"),
    path("akun/dua-langkah/hapus/", views.two_factor_remove, name="account_two_factor_remove"),
    path("akun/sandi/", views.password_change, name="account_password"),
]
