"""Categories and routing rules are the unit's own settings; complaints are read here, changed
only through the pages (the services keep the case and the audit trail in step)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Category, Complaint, Open311Client, RoutingRule, SmsInbound


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "sop_code", "keywords", "active"]
    list_filter = ["unit", "active"]
    search_fields = ["code", "name", "keywords"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "unit", "category", "kelurahan", "min_lat", "max_lat"]
    list_filter = ["unit"]
    search_fields = ["kelurahan"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(_ReadOnly):
    list_display = ["tracking", "received_at", "channel", "category", "unit", "anonymous"]
    list_filter = ["channel", "unit", "category", "anonymous", "confidential", "public"]
    search_fields = ["tracking", "case__number"]
    # Administrators see the row, not the reporter of a confidential complaint.
    exclude = ["reporter_name", "reporter_phone", "reporter_email"]


@admin.register(SmsInbound)
class SmsInboundAdmin(_ReadOnly):
    list_display = ["gateway_id", "received_at", "result", "complaint"]
    list_filter = ["result"]
    search_fields = ["gateway_id"]
    exclude = ["sender"]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "created_at"]
    readonly_fields = ["name", "key_digest", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are made by `trantib open311 key create`, shown once
