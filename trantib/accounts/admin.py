"""Admin pages to manage the organisation: units with their positions, people with their
assignments (definitive or acting); and the access log, the login locks (lifted here) and the
second-factor devices (removed here when a phone is lost)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .middleware import request_person
from .models import (
    AccessDoor,
    AccessEvent,
    Assignment,
    LoginThrottle,
    OrgUnit,
    Person,
    Position,
)
from .services import (
    assignment_delete,
    assignment_save,
    login_unlock,
    person_register,
    person_save,
    position_delete,
    position_save,
    two_factor_disable,
    unit_save,
)


class _AuditedUnitSaves(admin.ModelAdmin):
    """Units and positions saved through the services, so that each change is audited (the
    positions and sub-units of the unit page's inlines too)."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        actor = request_person(request)
        if formset.model is Position:
            for position in formset.save(commit=False):
                position_save(position=position, actor=actor)
            for position in formset.deleted_objects:
                position_delete(position=position, actor=actor)
        elif formset.model is OrgUnit:
            for unit in formset.save(commit=False):
                unit_save(unit=unit, actor=actor)
            for unit in formset.deleted_objects:
                unit.delete()
        else:
            super().save_formset(request, form, formset, change)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ["code", "name", "supervises"]
    show_change_link = True


class ChildUnitInline(admin.TabularInline):
    model = OrgUnit
    fk_name = "parent"
    extra = 0
    fields = ["code", "name", "kind", "active"]
    show_change_link = True
    verbose_name = _("sub-unit")
    verbose_name_plural = _("sub-unit")


@admin.register(OrgUnit)
class OrgUnitAdmin(_AuditedUnitSaves):
    list_display = ["code", "indented_name", "kind", "parent", "timezone", "active"]
    list_display_links = ["code", "indented_name"]
    list_filter = ["kind", "timezone", "active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "parent", "active"]}),
        (_("Alamat dan kop surat"), {"fields": ["timezone", "address", "kop_lines"]}),
        (_("Peta"), {"fields": ["outline"]}),
        (_("Keamanan"), {"fields": ["two_factor_required"]}),
    ]
    inlines = [PositionInline, ChildUnitInline]

    @admin.display(description=_("nama"), ordering="path")
    def indented_name(self, obj: OrgUnit) -> str:
        return "— " * obj.depth + obj.name

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        unit_save(unit=obj, actor=request_person(request))


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "supervises"]
    list_filter = ["supervises", "unit__kind", "code"]
    search_fields = ["name", "code", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]

    def save_model(self, request: HttpRequest, obj: Position, form: Any, change: bool) -> None:
        position_save(position=obj, actor=request_person(request))

    def delete_model(self, request: HttpRequest, obj: Position) -> None:
        position_delete(position=obj, actor=request_person(request))


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["position", "acting", "valid_from", "valid_until"]
    autocomplete_fields = ["position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return super().get_queryset(request).select_related("position__unit")


class PersonAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """The person; on the add page also a new login for them, in the same form."""

    new_username = forms.CharField(
        label=_("Nama login baru"),
        max_length=150,
        required=False,
        help_text=_("Buat akun login untuk pegawai ini sekaligus (atau pilih akun yang ada)."),
    )
    new_password = forms.CharField(
        label=_("Kata sandi awal"), required=False, strip=False, widget=forms.PasswordInput()
    )

    class Meta:
        model = Person
        fields = "__all__"  # noqa: DJ007 — the admin's fieldsets choose what is shown

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username = (data.get("new_username") or "").strip()
        if not username:
            return data
        if data.get("user"):
            self.add_error(
                "new_username", _("Pilih akun yang ada atau buat yang baru, bukan keduanya.")
            )
        elif get_user_model().objects.filter(username=username).exists():
            self.add_error("new_username", _("Nama login ini sudah dipakai."))
        password = data.get("new_password") or ""
        if not password:
            self.add_error("new_password", _("Isi kata sandi untuk akun login baru."))
        else:
            try:
                validate_password(password, get_user_model()(username=username))
            except ValidationError as exc:
                self.add_error("new_password", exc)
        return data


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "kind", "nip_display", "nrp", "pangkat", "user"]
    list_filter = ["kind"]
    search_fields = ["full_name", "nip", "nrp", "user__username"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    form = PersonAdminForm
    fieldsets = [
        (None, {"fields": ["full_name", "kind", "nip", "nrp", "pangkat"]}),
        (_("Kontak dan akun"), {"fields": ["phone", "email", "user"]}),
    ]
    add_fieldsets = [
        *fieldsets,
        (_("Akun login baru"), {"fields": ["new_username", "new_password"]}),
    ]
    inlines = [AssignmentInline]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Person], search_term: str
    ) -> tuple[QuerySet[Person], bool]:
        """A NIP typed as printed ("19760214 199903 1 004") finds the person too."""
        if search_term.replace(" ", "").isdigit():
            search_term = search_term.replace(" ", "")
        return super().get_search_results(request, queryset, search_term)

    # Through the services, so that each change is audited; a new login made with the person.
    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        username = (form.cleaned_data.get("new_username") or "").strip()
        if not change and username:
            person_register(
                person=obj,
                username=username,
                password=form.cleaned_data["new_password"],
                actor=request_person(request),
            )
        else:
            person_save(person=obj, actor=request_person(request))

    # A person's assignments go with them, each through the service (audited), not by cascade.
    def delete_model(self, request: HttpRequest, obj: Person) -> None:
        self.delete_queryset(request, Person.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        actor = request_person(request)
        with transaction.atomic():
            for assignment in Assignment.objects.filter(person__in=queryset).select_related(
                "position"
            ):
                assignment_delete(assignment=assignment, actor=actor)
            queryset.delete()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The assignments of the inline through the services, so that each is audited."""
        if formset.model is not Assignment:
            super().save_formset(request, form, formset, change)
            return
        actor = request_person(request)
        for assignment in formset.save(commit=False):
            assignment_save(assignment=assignment, actor=actor)
        for assignment in formset.deleted_objects:
            assignment_delete(assignment=assignment, actor=actor)

    @admin.display(description=_("NIP"), ordering="nip")
    def nip_display(self, obj: Person) -> str:
        return obj.nip_display


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "position", "unit_code", "acting", "valid_from", "valid_until"]
    list_filter = ["acting", "position__unit__kind", "position__code"]
    search_fields = ["person__full_name", "position__name", "position__unit__code"]
    autocomplete_fields = ["person", "position"]
    list_select_related = ["person", "position__unit"]
    date_hierarchy = "valid_from"

    @admin.display(description=_("unit"), ordering="position__unit__code")
    def unit_code(self, obj: Assignment) -> str:
        return obj.position.unit.code

    # Through the services, so that every change is audited.
    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        assignment_save(assignment=obj, actor=request_person(request))

    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        assignment_delete(assignment=obj, actor=request_person(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Assignment]) -> None:
        actor = request_person(request)
        for assignment in queryset.select_related("position"):
            assignment_delete(assignment=assignment, actor=actor)


# -- logins --------------------------------------------------------------------------------


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(_ReadOnly):
    list_display = ["at", "type", "door", "username", "client", "data"]
    list_filter = ["type", "door", "at"]
    search_fields = ["username", "client"]
    date_hierarchy = "at"


@admin.register(LoginThrottle)
class LoginThrottleAdmin(_ReadOnly):
    list_display = ["kind", "subject", "failures", "window_start", "locked_until", "is_locked"]
    list_filter = ["kind", "locked_until"]
    search_fields = ["subject"]
    actions = ["unlock"]

    @admin.display(description=_("terkunci"), boolean=True)
    def is_locked(self, obj: LoginThrottle) -> bool:
        return obj.locked_until is not None and obj.locked_until > timezone.now()

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("accounts.change_loginthrottle"))

    @admin.action(description=_("Buka kunci masuk"), permissions=["unlock"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginThrottle]) -> None:
        for throttle in queryset:
            login_unlock(throttle=throttle, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, _("Kunci dibuka."), messages.SUCCESS)


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(_ReadOnly):
    """Who has a second factor; "remove" is for a lost phone (the user enrols again)."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    exclude = ["key"]
    actions = ["remove"]

    def has_remove_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("otp_totp.delete_totpdevice"))

    @admin.action(description=_("Hapus perangkat (ponsel hilang)"), permissions=["remove"])
    def remove(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        for device in queryset.select_related("user"):
            two_factor_disable(
                user=device.user,
                actor=request.user,  # type: ignore[arg-type]
                client="",
                door=AccessDoor.ADMIN,
            )
        self.message_user(request, _("Perangkat dihapus."), messages.SUCCESS)
