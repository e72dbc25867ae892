"""The enforcement roles that read violators' personal data are position codes
(``TRANTIB_ENFORCEMENT_ROLES``) and, in a unit that maps one of those SOP roles to another of its
positions (decision 0015), that position too: Cipondoh's "Kasi Trantib" column of PPL filled
by its Kasi Pemerintahan makes the Kasi Pemerintahan an enforcement officer there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trantib.accounts.models import Assignment, Person, Position
from trantib.enforcement.selectors import enforcement_unit_ids, is_enforcement_officer
from trantib.sops.services import sop_adopt

pytestmark = pytest.mark.django_db


def test_the_position_a_unit_maps_an_enforcement_role_to_reads_the_violators(demo_org):
    cpd = demo_org.unit("CPD")
    kasi_pem = Position.objects.create(unit=cpd, code="kasi_pem", name="Kasi Pemerintahan")
    user = get_user_model().objects.create_user(username="kasipem.cpd", password="x-Rahasia-123")
    person = Person.objects.create(user=user, full_name="Kasi Pem", kind="asn")
    Assignment.objects.create(person=person, position=kasi_pem, valid_from=dt.date(2020, 1, 1))
    assert not is_enforcement_officer(person, cpd)  # no adoption: not a role's position
    sop_adopt(
        unit=cpd,
        code="PPL",
        version=2,
        positions={"kasi_trantib": kasi_pem.pk},
        actor=demo_org.person("camat.cpd"),
    )
    assert enforcement_unit_ids(person) == {cpd.pk}
    assert is_enforcement_officer(demo_org.person("kasi.cpd"), cpd)  # a code the setting names
    assert not enforcement_unit_ids(demo_org.person("staf.cpd"))
