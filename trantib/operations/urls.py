"""Pages of the operations app."""

from django.urls import path

from . import exports, views

app_name = "operations"

urlpatterns = [
    path("operasi/", views.operation_list, name="list"),
    path("operasi/ekspor.xlsx", exports.operation_list_xlsx, name="list_xlsx"),
    path("operasi/barang-bukti/", views.items_register, name="items"),
    path("operasi/barang-bukti/ekspor.xlsx", exports.items_register_xlsx, name="items_xlsx"),
    path("operasi/barang-bukti/<posint:item_id>/foto/", views.item_photo, name="item_photo"),
    path("operasi/kasus/<posint:case_id>/", views.operation_for_case, name="for_case"),
    path("operasi/<posint:operation_id>/", views.operation_file, name="file"),
    path("operasi/<posint:operation_id>/barang-bukti/", views.items_seize, name="seize"),
    path("operasi/<posint:operation_id>/barang-bukti/akhir/", views.items_end, name="items_end"),
    path("operasi/<posint:operation_id>/<slug:form>/", views.operation_change, name="change"),
]
