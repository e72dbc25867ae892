"""The login pages and the account page; included at the site's root by ``trantib.web.urls``
(``login`` is Django's ``LOGIN_URL``, so the names carry no namespace); and the
organisation's pages (``/organisasi/``)."""

from django.urls import path

from . import views, views_org

urlpatterns = [
    # One login page for the site and the admin, throttled with the API's token endpoint.
    path("login/", views.login_view, name="login"),
    path("login/kode/", views.login_code, name="login_code"),
    path("akun/", views.account, name="account"),
    path("akun/token/<posint:token_id>/cabut/", views.token_revoke, name="account_token_revoke"),
    path("akun/dua-langkah/", views.two_factor, name="account_two_factor"),
    path("akun/dua-langkah/hapus/", views.two_factor_remove, name="account_two_factor_remove"),
    path("akun/sandi/", views.password_change, name="account_password"),
    # The organisation: a unit's head manages its positions and their holders here.
    path("organisasi/", views_org.org_index, name="org_index"),
    path("organisasi/<str:code>/", views_org.unit_page, name="unit_page"),
    path("organisasi/<str:code>/jabatan/", views_org.position_add, name="unit_position_add"),
    path(
        "organisasi/<str:code>/jabatan/<posint:pk>/",
        views_org.position_edit,
        name="unit_position_edit",
    ),
    path(
        "organisasi/<str:code>/jabatan/<posint:pk>/hapus/",
        views_org.position_remove,
        name="unit_position_remove",
    ),
    path(
        "organisasi/<str:code>/jabatan/<posint:pk>/pemegang/",
        views_org.holder_add,
        name="unit_holder_add",
    ),
    path(
        "organisasi/<str:code>/penugasan/<posint:pk>/",
        views_org.assignment_edit,
        name="unit_assignment_edit",
    ),
    path(
        "organisasi/<str:code>/penugasan/<posint:pk>/hapus/",
        views_org.assignment_remove,
        name="unit_assignment_remove",
    ),
    path("organisasi/<str:code>/pegawai/", views_org.person_add, name="unit_person_add"),
]
