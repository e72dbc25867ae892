from django.urls import path

from . import exports
from . import views_ladder as views

urlpatterns = [
    path("penegakan/", views.board, name="board"),
    path("penegakan/ekspor.xlsx", exports.board_xlsx, name="board_xlsx"),
    path("penegakan/peta/", views.board_map, name="board_map"),
    path("penegakan/temuan/baru/", views.board_finding, name="finding_new"),
    path("penegakan/<posint:enforcement_id>/periksa/", views.board_check, name="check_new"),
    path("penegakan/perda/", views.perda_list, name="perda_list"),
    path("penegakan/perda/ekspor.xlsx", exports.perda_xlsx, name="perda_xlsx"),
    path("penegakan/perda/<posint:perda_id>/", views.perda_detail, name="perda_detail"),
    path(
        "penegakan/perda/<posint:perda_id>/pola-nasional/",
        views.perda_ladder_default,
        name="perda_ladder_default",
    ),
]
