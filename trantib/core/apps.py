from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    name = "trantib.core"
    verbose_name = "Trantib"

    def ready(self) -> None:
        from . import converters  # noqa: F401 — registers <posint:…> before any URL is read
        from .dbdown import database_check_register

        database_check_register()


# The background-job results' fields, named for the admin.
TASK_RESULT_LABELS = {
    "id": _("ID"),
    "status": _("status"),
    "enqueued_at": _("masuk antrean"),
    "started_at": _("mulai"),
    "finished_at": _("selesai"),
    "args_kwargs": _("argumen"),
    "priority": _("prioritas"),
    "task_path": _("fungsi tugas"),
    "worker_ids": _("pekerja"),
    "queue_name": _("nama antrean"),
    "backend_name": _("backend"),
    "run_after": _("dijalankan setelah"),
    "return_value": _("hasil"),
    "exception_class_path": _("jenis galat"),
    "traceback": _("jejak galat"),
}


class TasksDatabaseConfig(TasksAppConfig):
    """django_tasks_db (the background jobs' results) with Indonesian names in the admin.

    Not a fork: the same app and label; the names are set on the model's options and fields at
    start-up. Migrations read the names a model was declared with (``Options.original_attrs``,
    ``Field._verbose_name``), so renaming them here changes no migration.
    """

    verbose_name = _("Antrean tugas latar")  # type: ignore[assignment]

    def ready(self) -> None:
        super().ready()
        from django_tasks_db.models import DBTaskResult

        meta = DBTaskResult._meta
        meta.verbose_name = _("hasil tugas latar")
        meta.verbose_name_plural = _("hasil tugas latar")
        for field in meta.fields:
            if field.name in TASK_RESULT_LABELS:
                field.verbose_name = TASK_RESULT_LABELS[field.name]
