"""Logins: the one door for a username and password, its throttle, the second factor, and the
access log administrators read.

The login page and ``POST /api/v1/auth/token`` both call :func:`login_password_check`:

- an account (the username as typed, case-folded, whether or not it exists, so that a lock
  says nothing about which accounts exist) is locked for ``TRANTIB_LOGIN_LOCKOUT`` seconds
  after ``TRANTIB_LOGIN_ACCOUNT_FAILURES`` failures within ``TRANTIB_LOGIN_WINDOW``, whoever
  sent them; a client (its address, an IPv6 client by its /64) after
  ``TRANTIB_LOGIN_CLIENT_FAILURES``, whichever accounts it tried. While either is locked every
  attempt is refused with :class:`LockedOut`, which names the wait — the right password too;
- a wrong TOTP code counts as a failure of the account (:func:`two_factor_verify`), and only a
  complete login (:func:`login_succeeded`) clears the account's count, so knowing the password
  does not buy unlimited guesses at the code.

The check and the password hash run outside any transaction (a hash takes a good part of a
second, and SQLite would hold its one write lock all that time); simultaneous attempts that
all pass the check can therefore add up to one round of the server's workers past the limit
before the lock falls.

Every login, failure, lock, refusal and second-factor change is an :class:`AccessEvent`,
written in the transaction of the change it records.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import math
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from trantib.core.errors import Invalid, TooMany

from ..models import AccessDoor, AccessEvent, AccessEventType, Assignment, LoginThrottle

logger = logging.getLogger("trantib.security")

Kind = LoginThrottle.Kind


class LockedOut(TooMany):
    """Too many failed logins for this account or from this client: ``seconds`` to wait."""

    def __init__(self, message: str, *, seconds: int):
        super().__init__(message, field="username")
        self.seconds = seconds


class CodeThrottled(LockedOut):
    """Wrong codes just before: the device takes none for a few seconds (django-otp doubles
    the wait after each wrong code, until a right one)."""


def wait_text(seconds: int) -> str:
    """``15 menit``, ``40 detik``: how long until the lock falls, rounded up."""
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(n)d menit", "%(n)d menit", minutes) % {"n": minutes}
    seconds = max(seconds, 1)
    return ngettext("%(n)d detik", "%(n)d detik", seconds) % {"n": seconds}


def locked_message(seconds: int) -> str:
    return _(
        "Terlalu banyak percobaan masuk yang gagal untuk akun ini atau dari perangkat ini. "
        "Demi keamanan, coba lagi dalam %(wait)s."
    ) % {"wait": wait_text(seconds)}


def account_subject(username: str) -> str:
    return username.strip().casefold()[:150]


def client_subject(address: str) -> str:
    """The address as counted: an IPv6 client by its /64, as one household's network hands
    out many addresses (the same rule as :func:`trantib.core.ratelimit.client_key`)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64]
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def access_event_record(
    *,
    type: AccessEventType,
    door: AccessDoor,
    username: str = "",
    user: AbstractBaseUser | None = None,
    client: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AccessEvent:
    """Append one event to the access log (in the caller's transaction)."""
    return AccessEvent.objects.create(
        at=at or timezone.now(),
        type=type,
        door=door,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        user_id=user.pk if user is not None else None,
        client=client[:64],
        data=data or {},
    )


# -- the throttle ---------------------------------------------------------------------------


def _subjects(username: str, client: str) -> list[tuple[str, str]]:
    pairs = [(Kind.ACCOUNT.value, account_subject(username))]
    if client:
        pairs.append((Kind.CLIENT.value, client_subject(client)))
    return [(kind, subject) for kind, subject in pairs if subject]


def login_lock_until(*, username: str, client: str, now: dt.datetime) -> dt.datetime | None:
    """When the lock on this account or this client falls (the later of the two), or None."""
    match = Q()
    for kind, subject in _subjects(username, client):
        match |= Q(kind=kind, subject=subject)
    if not match:
        return None
    return (
        LoginThrottle.objects.filter(match, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


def _refuse_if_locked(*, username: str, client: str, door: AccessDoor, now: dt.datetime) -> None:
    until = login_lock_until(username=username, client=client, now=now)
    if until is None:
        return
    seconds = math.ceil((until - now).total_seconds())
    with transaction.atomic():
        access_event_record(
            type=AccessEventType.LOGIN_REFUSED,
            door=door,
            username=username,
            client=client,
            data={"until": until.isoformat()},
            at=now,
        )
    raise LockedOut(locked_message(seconds), seconds=seconds)


def _limit(kind: str) -> int:
    if kind == Kind.ACCOUNT:
        return int(settings.TRANTIB_LOGIN_ACCOUNT_FAILURES)
    return int(settings.TRANTIB_LOGIN_CLIENT_FAILURES)


@transaction.atomic
def login_failed(
    *,
    username: str,
    client: str,
    door: AccessDoor,
    reason: str = "password",
    user: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """Count one failed login of ``username`` from ``client``; lock either when it reaches its
    limit. Returns when the lock this failure started falls (None: no lock yet)."""
    now = now or timezone.now()
    window = dt.timedelta(seconds=int(settings.TRANTIB_LOGIN_WINDOW))
    lockout = dt.timedelta(seconds=int(settings.TRANTIB_LOGIN_LOCKOUT))
    access_event_record(
        type=AccessEventType.LOGIN_FAILED,
        door=door,
        username=username,
        user=user,
        client=client,
        data={"reason": reason},
        at=now,
    )
    locked: dt.datetime | None = None
    for kind, subject in _subjects(username, client):
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(kind=kind, subject=subject, window_start=now)], ignore_conflicts=True
        )
        row = LoginThrottle.objects.select_for_update().get(kind=kind, subject=subject)
        if row.locked_until is not None and row.locked_until <= now:
            row.locked_until = None  # a lock that has run out: count afresh
            row.window_start, row.failures = now, 0
        if now - row.window_start >= window:
            row.window_start, row.failures = now, 0
        row.failures += 1
        if row.failures >= _limit(kind):
            row.locked_until, row.failures, row.window_start = now + lockout, 0, now
            locked = max(locked or row.locked_until, row.locked_until)
            access_event_record(
                type=AccessEventType.LOGIN_LOCKED,
                door=door,
                username=username,
                user=user,
                client=client,
                data={"kind": kind, "until": row.locked_until.isoformat()},
                at=now,
            )
            logger.warning("login locked: %s %s until %s", kind, subject, row.locked_until)
        row.save(update_fields=["window_start", "failures", "locked_until"])
    return locked


def login_password_check(
    *,
    username: str,
    password: str,
    client: str,
    door: AccessDoor,
    now: dt.datetime | None = None,
) -> AbstractBaseUser | None:
    """The user these credentials name, or None (counted as a failure). Raises
    :class:`LockedOut` while the account or the client is locked — and when this failure is
    the one that locks it, so that the answer says the wait at once."""
    now = now or timezone.now()
    _refuse_if_locked(username=username, client=client, door=door, now=now)
    user = authenticate(None, username=username, password=password)
    if user is not None:
        return user
    until = login_failed(username=username, client=client, door=door, now=now)
    if until is not None:
        seconds = math.ceil((until - now).total_seconds())
        raise LockedOut(locked_message(seconds), seconds=seconds)
    return None


@transaction.atomic
def login_succeeded(
    *,
    user: AbstractBaseUser,
    client: str,
    door: AccessDoor,
    two_factor: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """A complete login (the password, and the code when the user has a device): the
    account's failures are forgotten (the client's are not: one good login between guesses
    must not reset a guesser's count)."""
    now = now or timezone.now()
    LoginThrottle.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now),
        kind=Kind.ACCOUNT,
        subject=account_subject(user.get_username()),
    ).update(failures=0, window_start=now, locked_until=None)
    access_event_record(
        type=AccessEventType.LOGIN_SUCCEEDED,
        door=door,
        user=user,
        client=client,
        data={"two_factor": two_factor},
        at=now,
    )


@transaction.atomic
def login_unlock(
    *, throttle: LoginThrottle, actor: AbstractBaseUser, now: dt.datetime | None = None
) -> None:
    """An administrator lifts a lock (and forgets the failures counted so far)."""
    now = now or timezone.now()
    access_event_record(
        type=AccessEventType.LOGIN_UNLOCKED,
        door=AccessDoor.ADMIN,
        username=throttle.subject if throttle.kind == Kind.ACCOUNT else "",
        client=throttle.subject if throttle.kind == Kind.CLIENT else "",
        data={"kind": throttle.kind, "by": actor.get_username()},
        at=now,
    )
    throttle.locked_until, throttle.failures, throttle.window_start = None, 0, now
    throttle.save(update_fields=["locked_until", "failures", "window_start"])


# -- the second factor (TOTP) ---------------------------------------------------------------


def two_factor_required(user: AbstractBaseUser, *, day: dt.date | None = None) -> bool:
    """Whether ``user`` must log in with a second factor: a head of a unit that requires it
    (a supervising position held today), an administrator (staff login) holding any position
    in such a unit, or any administrator when ``TRANTIB_TWO_FACTOR_STAFF`` is on."""
    is_staff = bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))
    if is_staff and settings.TRANTIB_TWO_FACTOR_STAFF:
        return True
    day = day or timezone.localdate()
    held = Assignment.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        person__user_id=user.pk,
        valid_from__lte=day,
        position__unit__two_factor_required=True,
    )
    if not is_staff:
        held = held.filter(position__supervises=True)
    return held.exists()


def two_factor_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's confirmed TOTP device (one per user), or None."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


_CODE = re.compile(r"[0-9]{6}")


def two_factor_verify(
    *,
    user: AbstractBaseUser,
    code: str,
    client: str,
    door: AccessDoor,
    now: dt.datetime | None = None,
) -> TOTPDevice | None:
    """The device that accepts ``code`` (six digits from the authenticator app), or None —
    a wrong code counts as a failed login of the account, and may lock it (:class:`LockedOut`).
    Each code is accepted once (django-otp remembers the last time step used)."""
    now = now or timezone.now()
    username = user.get_username()
    _refuse_if_locked(username=username, client=client, door=door, now=now)
    device = two_factor_device(user)
    code = code.strip().replace(" ", "")
    if device is not None:
        allowed, why = device.verify_is_allowed()
        until = (why or {}).get("locked_until")
        if not allowed and isinstance(until, dt.datetime):
            seconds = max(1, math.ceil((until - now).total_seconds()))
            raise CodeThrottled(
                _("Sudah beberapa kode yang salah. Tunggu %(wait)s lalu masukkan kode terbaru.")
                % {"wait": wait_text(seconds)},
                seconds=seconds,
            )
    if device is not None and _CODE.fullmatch(code):
        accepted = verify_token(user, device.persistent_id, code)
        if accepted is not None:
            return accepted  # type: ignore[no-any-return]
    until = login_failed(
        username=username, client=client, door=door, reason="two_factor", user=user, now=now
    )
    if until is not None:
        seconds = math.ceil((until - now).total_seconds())
        raise LockedOut(locked_message(seconds), seconds=seconds)
    return None


@transaction.atomic
def two_factor_enrol_begin(*, user: AbstractBaseUser) -> TOTPDevice:
    """A new, unconfirmed TOTP device for ``user`` (an earlier unconfirmed one is dropped);
    it counts only once :func:`two_factor_enrol_confirm` has seen a code from it."""
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    return TOTPDevice.objects.create(user_id=user.pk, name="Autentikator", confirmed=False)


@transaction.atomic
def two_factor_enrol_confirm(
    *, user: AbstractBaseUser, device: TOTPDevice, code: str, client: str
) -> bool:
    """Switch the device on when ``code`` is its current code; False (nothing changes) when
    it is not. A user keeps one device: an earlier confirmed one is replaced."""
    if device.user_id != user.pk or device.confirmed:
        raise Invalid(_("Perangkat ini bukan milik Anda atau sudah aktif."), field="code")
    code = code.strip().replace(" ", "")
    if not _CODE.fullmatch(code) or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    access_event_record(
        type=AccessEventType.TWO_FACTOR_ENABLED, door=AccessDoor.PAGE, user=user, client=client
    )
    return True


@transaction.atomic
def two_factor_disable(
    *, user: AbstractBaseUser, actor: AbstractBaseUser, client: str, door: AccessDoor
) -> None:
    """Remove the user's TOTP devices. Refused while the user's unit requires the second
    factor, unless an administrator does it (a lost phone: the user enrols again at login)."""
    by_admin = actor.pk != user.pk
    if not by_admin and two_factor_required(user):
        raise Invalid(
            _("Unit Anda mewajibkan verifikasi dua langkah: perangkat tidak dapat dimatikan."),
            field="",
        )
    removed, _kinds = TOTPDevice.objects.filter(user_id=user.pk).delete()
    if removed:
        access_event_record(
            type=AccessEventType.TWO_FACTOR_DISABLED,
            door=door,
            user=user,
            client=client,
            data={"by": actor.get_username()},
        )


@transaction.atomic
def password_set(*, user: AbstractBaseUser, password: str, client: str, door: AccessDoor) -> None:
    """Set a new password the caller has already validated (Django's validators, through
    ``PasswordChangeForm``); the access log notes it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    access_event_record(type=AccessEventType.PASSWORD_CHANGED, door=door, user=user, client=client)
