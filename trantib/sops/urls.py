from django.urls import path

from . import exports, views

app_name = "sops"
urlpatterns = [
    path("", views.sop_list, name="list"),
    path("ekspor.xlsx", exports.sop_list_xlsx, name="list_xlsx"),
    path("<str:code>/", views.sop_detail, name="detail"),
    path("<str:code>/pdf/", views.sop_pdf, name="pdf"),
    path("<str:code>/bpmn/", views.sop_bpmn, name="bpmn"),
    path("<str:code>/pelaksana/", views.sop_adoption_save, name="adopt"),
]
