"""Who a management command acts as (``--as USER``) and which unit it names (``--unit``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from trantib.core.cli import fail

from .models import OrgUnit, Person
from .selectors import UserLike, person_for_user


def user_get(username: str) -> AbstractBaseUser:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise fail("--as", f"no login '{username}'")
    if not user.is_active:
        raise fail("--as", f"the login '{username}' is inactive")
    return user


def actor_get(username: str) -> tuple[AbstractBaseUser, Person]:
    user = user_get(username)
    person = person_for_user(user)
    if person is None:
        raise fail("--as", f"the login '{username}' is not a person of the organisation")
    return user, person


def reader_get(username: str | None) -> UserLike:
    """The user whose units a read goes through; with no ``--as`` an operator who reads every
    unit (the person at the server's console)."""
    if username:
        return user_get(username)
    return get_user_model()(username="operator", is_superuser=True)


def unit_get(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        known = ", ".join(OrgUnit.objects.order_by("code").values_list("code", flat=True))
        raise fail("--unit", f"no unit '{code}' (known: {known or 'none'})")
    return unit


def local(value: dt.datetime | None, unit: OrgUnit) -> str:
    if value is None:
        return "-"
    return timezone.localtime(value, unit.zone()).strftime("%Y-%m-%d %H:%M")
