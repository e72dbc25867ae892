"""Tokens are listed and revoked here; they are created by ``trantib apitoken create`` (or
``POST /api/v1/auth/token``), because the token itself is shown only once."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trantib.accounts.models import AccessDoor

from .models import ApiToken
from .services import api_token_revoke


class TokenStateFilter(admin.SimpleListFilter):
    title = _("keadaan")
    parameter_name = "keadaan"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            ("aktif", str(_("berlaku"))),
            ("kedaluwarsa", str(_("kedaluwarsa"))),
            ("dicabut", str(_("dicabut"))),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        now = timezone.now()
        if self.value() == "aktif":
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == "kedaluwarsa":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "dicabut":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [TokenStateFilter, "created_at", "last_used_at"]
    search_fields = ["user__username", "name"]
    readonly_fields = [
        "user",
        "name",
        "digest",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked, never deleted: the access log names it

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("api.change_apitoken"))

    @admin.action(description=_("Cabut token"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token, actor=request.user, door=AccessDoor.ADMIN)  # type: ignore[arg-type]
        self.message_user(request, _("Token dicabut."), messages.SUCCESS)
