from django.urls import path

from . import exports, views

app_name = "cases"
urlpatterns = [
    path("tugas/", views.my_tasks, name="my_tasks"),
    path("tugas/ekspor.xlsx", exports.task_mine_xlsx, name="my_tasks_xlsx"),
    path("hari-ini/", views.today, name="today"),
    path("tugas/<posint:task_id>/selesaikan/", views.task_complete, name="task_complete"),
    path("tugas/<posint:task_id>/ambil/", views.task_claim, name="task_claim"),
    path("tugas/<posint:task_id>/alihkan/", views.task_reassign, name="task_reassign"),
    path("pemberitahuan/", views.notification_list, name="notifications"),
    path("kasus/", views.case_list, name="list"),
    path("kasus/ekspor.xlsx", exports.case_list_xlsx, name="list_xlsx"),
    path("kasus/baru/", views.case_start, name="start"),
    path("kasus/<posint:case_id>/", views.case_detail, name="detail"),
    path("kasus/<posint:case_id>/berkas.pdf", views.case_file_pdf, name="file_pdf"),
    path("kasus/lampiran/<posint:attachment_id>/", views.attachment_download, name="attachment"),
    path("pemberitahuan/<posint:notice_id>/", views.notification_open, name="notification_open"),
    path("pemberitahuan/pengaturan/", views.notification_settings, name="notification_settings"),
]
urlpatterns += [
    path("kasus/<posint:case_id>/batalkan/", views.case_cancel, name="case_cancel"),
    path("kasus/<posint:case_id>/serahkan/", views.case_handover, name="case_handover"),
    path("tugas/<posint:task_id>/koreksi/", views.task_correct, name="task_correct"),
    path("tugas/<posint:task_id>/akhiri-tenggat/", views.task_end_wait, name="task_end_wait"),
]
