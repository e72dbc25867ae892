"""The retention schedule (JRA) in the admin, read-only: its lines are data loaded by
migrations (a unit's own JRA is loaded the same way), and reading them must not invite
anyone to shorten a period on the spot."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "record_type",
        "sop_code",
        "title",
        "active_years",
        "inactive_years",
        "disposition",
    ]
    list_filter = ["record_type", "disposition"]
    search_fields = ["title", "sop_code", "legal_basis"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
