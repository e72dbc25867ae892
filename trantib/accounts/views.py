"""The login pages (the password, then the authenticator's code when the user has one) and the
account page: one's API tokens (revoke), the second factor (enrol, remove), the password.

The password and the code go through :mod:`trantib.accounts.services.logins`, the same
throttle as the API's token endpoint: a locked account or client gets the page again with
status 429 and the wait in words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from trantib.api.models import ApiToken
from trantib.api.selectors import api_token_get_for_user, api_token_list_for_user
from trantib.api.services import api_token_revoke
from trantib.core.errors import ServiceError
from trantib.core.ratelimit import client_address

from .forms import CodeForm, LoginForm
from .middleware import TWO_FACTOR_ENROL
from .models import AccessDoor
from .services import (
    CodeThrottled,
    LockedOut,
    login_password_check,
    login_succeeded,
    password_set,
    two_factor_device,
    two_factor_disable,
    two_factor_enrol_begin,
    two_factor_enrol_confirm,
    two_factor_required,
    two_factor_verify,
)

PENDING = "trantib_login_pending"  # the user who gave the right password, awaiting the code
ENROLLING = "trantib_two_factor_device"  # the unconfirmed device shown on the enrol page
PAGE = AccessDoor.PAGE


def _next_given(request: HttpRequest) -> str:
    """``next`` as asked for, when it stays on this site; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _next(request: HttpRequest) -> str:
    """Where to go after logging in: ``next`` when it is on this site, else the home page."""
    return _next_given(request) or resolve_url("home")


def _login_page(
    request: HttpRequest, form: LoginForm, *, locked: LockedOut | None = None
) -> HttpResponse:
    context = {"form": form, "next": _next_given(request), "locked": locked}
    response = render(request, "registration/login.html", context, status=429 if locked else 200)
    if locked is not None:
        response["Retry-After"] = str(locked.seconds)
    return response


def _login_complete(
    request: HttpRequest,
    user: AbstractBaseUser,
    *,
    backend: str,
    device: TOTPDevice | None,
    next_url: str,
) -> HttpResponseRedirect:
    auth_login(request, user, backend=backend)  # type: ignore[arg-type]
    if device is not None:
        otp_login(request, device)
    request.session[TWO_FACTOR_ENROL] = device is None and two_factor_required(user)
    login_succeeded(
        user=user, client=client_address(request), door=PAGE, two_factor=device is not None
    )
    if request.session[TWO_FACTOR_ENROL]:
        messages.warning(
            request,
            _("Unit Anda mewajibkan verifikasi dua langkah. Aktifkan sekarang untuk melanjutkan."),
        )
        return redirect("account_two_factor")
    return redirect(next_url)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """``/login/``: the password; the code next when the user has a device."""
    if request.method != "POST":
        return _login_page(request, LoginForm())
    form = LoginForm(request.POST)
    if not form.is_valid():
        return _login_page(request, form)
    try:
        user = login_password_check(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            client=client_address(request),
            door=PAGE,
        )
    except LockedOut as refusal:
        return _login_page(request, form, locked=refusal)
    if user is None:
        form.add_error(None, _("Nama pengguna atau kata sandi salah."))
        return _login_page(request, form)
    backend = str(getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"))
    device = two_factor_device(user)
    if device is None:
        return _login_complete(request, user, backend=backend, device=None, next_url=_next(request))
    request.session.cycle_key()  # a fresh key for the half-logged-in session
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "at": timezone.now().isoformat(),
        "next": _next(request),
    }
    return redirect("login_code")


def _pending_user(request: HttpRequest) -> tuple[AbstractBaseUser | None, dict[str, Any]]:
    pending = request.session.get(PENDING) or {}
    try:
        since = dt.datetime.fromisoformat(str(pending.get("at", "")))
    except ValueError:
        return None, {}
    if timezone.now() - since > dt.timedelta(seconds=settings.TRANTIB_TWO_FACTOR_SECONDS):
        return None, {}
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None, {}
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return user, pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """``/login/kode/``: the six digits of the authenticator app, after the right password."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Waktu memasukkan kode habis. Masuk lagi dengan kata sandi."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_verify(
                user=user,
                code=form.cleaned_data["code"],
                client=client_address(request),
                door=PAGE,
            )
        except CodeThrottled as wait:
            form.add_error("code", wait.message)
            context = {"form": form, "user_name": user}
            response = render(request, "registration/login_code.html", context, status=429)
            response["Retry-After"] = str(wait.seconds)
            return response
        except LockedOut as refusal:
            request.session.pop(PENDING, None)
            return _login_page(request, LoginForm(), locked=refusal)
        if device is not None:
            request.session.pop(PENDING, None)
            return _login_complete(
                request,
                user,
                backend=str(pending["backend"]),
                device=device,
                next_url=str(pending.get("next") or resolve_url("home")),
            )
        form.add_error(
            "code", _("Kode salah atau sudah dipakai. Masukkan kode yang sedang tampil.")
        )
    return render(request, "registration/login_code.html", {"form": form, "user_name": user})


# -- the account page -------------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    current_device = two_factor_device(user)  # type: ignore[arg-type]
    context = {
        "tokens": list(api_token_list_for_user(user)),  # type: ignore[arg-type]
        "device": current_device,
        "required": two_factor_required(user),  # type: ignore[arg-type]
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    found: ApiToken | None = api_token_get_for_user(request.user, token_id)  # type: ignore[arg-type]
    if found is None or found.user_id != request.user.pk:
        return render(request, "404.html", status=404)
    api_token_revoke(
        token=found,
        actor=request.user,
        door=PAGE,
        client=client_address(request),  # type: ignore[arg-type]
    )
    messages.success(request, _("Token “%(name)s” dicabut.") % {"name": found.name or found.pk})
    return redirect("account")


def _qr_data_uri(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def _secret_text(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@sensitive_post_parameters("code")
def two_factor(request: HttpRequest) -> HttpResponse:
    """``/akun/dua-langkah/``: scan the code into an authenticator app, type its six digits."""
    user = request.user
    device = TOTPDevice.objects.filter(
        pk=request.session.get(ENROLLING), user_id=user.pk, confirmed=False
    ).first()
    if device is None:
        device = two_factor_enrol_begin(user=user)  # type: ignore[arg-type]
        request.session[ENROLLING] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_enrol_confirm(
            user=user,  # type: ignore[arg-type]
            device=device,
            code=form.cleaned_data["code"],
            client=client_address(request),
        ):
            request.session.pop(ENROLLING, None)
            otp_login(request, device)
            request.session[TWO_FACTOR_ENROL] = False
            messages.success(
                request,
                _("Verifikasi dua langkah aktif. Mulai sekarang masuk dengan kata sandi dan kode."),
            )
            return redirect("account")
        form.add_error(
            "code", _("Kode salah. Periksa jam ponsel lalu masukkan kode yang sedang tampil.")
        )
    context = {
        "form": form,
        "qr": _qr_data_uri(device),
        "secret": _secret_text(device),
        "has_device": two_factor_device(user) is not None,  # type: ignore[arg-type]
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@login_required
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    try:
        two_factor_disable(
            user=request.user,  # type: ignore[arg-type]
            actor=request.user,  # type: ignore[arg-type]
            client=client_address(request),
            door=PAGE,
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Verifikasi dua langkah dimatikan."))
    return redirect("account")


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request: HttpRequest) -> HttpResponse:
    """``/akun/sandi/``: the old password, the new one twice; Django's validators decide."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_set(
            user=request.user,  # type: ignore[arg-type]
            password=form.cleaned_data["new_password1"],
            client=client_address(request),
            door=PAGE,
        )
        update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
        messages.success(request, _("Kata sandi diganti."))
        return redirect("account")
    return render(request, "accounts/password_change.html", {"form": form})
