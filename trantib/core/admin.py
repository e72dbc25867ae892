"""The background jobs' results (django_tasks_db) in the admin, with Indonesian headers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class _Field(admin.SimpleListFilter):
    """A list filter on one field, titled in Indonesian (the package's filters are titled by
    field name)."""

    field = ""

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        values = model_admin.get_queryset(request).order_by(self.field)
        return [(v, v) for v in values.values_list(self.field, flat=True).distinct()]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        value = self.value()
        return queryset.filter(**{self.field: value}) if value is not None else queryset


class _Priority(_Field):
    title = _("prioritas")
    parameter_name = field = "priority"


class _Queue(_Field):
    title = _("nama antrean")
    parameter_name = field = "queue_name"


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "id",
        "nama_tugas",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )
    list_filter = ("status", _Priority, _Queue)  # type: ignore[assignment]

    @admin.display(description=_("nama tugas"))
    def nama_tugas(self, obj: DBTaskResult[Any, Any]) -> str:
        return str(obj.task_name)

    @admin.display(description=_("dijalankan setelah"))
    def display_run_after(self, obj: DBTaskResult[Any, Any]) -> Any:
        return super().display_run_after(obj)

    @admin.display(description=_("jejak galat"))
    def formatted_traceback(self, obj: DBTaskResult[Any, Any]) -> str:
        return super().formatted_traceback(obj)


admin.site.site_header = _("Administrasi Trantib")
admin.site.site_title = _("Administrasi Trantib")
admin.site.index_title = _("Administrasi Trantib")
