from django.contrib import admin
from django.http import HttpRequest

from .models import SopVersion


@admin.register(SopVersion)
class SopVersionAdmin(admin.ModelAdmin):
    """Read-only: versions come from the library files (``trantib sop sync``), never by hand."""

    list_display = ("code", "version", "name", "status", "loaded_at")
    list_filter = ("status", "code")
    search_fields = ("code", "name")
    readonly_fields = (
        "code",
        "version",
        "name",
        "status",
        "content",
        "sha256",
        "path",
        "loaded_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
