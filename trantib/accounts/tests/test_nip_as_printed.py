"""A NIP typed as printed under a signature ("19760214 199903 1 004") is accepted by the admin,
the services and lookups, and stored as its 18 digits; a bad one is still refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from trantib.accounts.models import Person, PersonKind, digits_normalise
from trantib.accounts.services import person_save
from trantib.core.audit import audit_events

pytestmark = pytest.mark.django_db

PRINTED = "19760214 199903 1 004"
DIGITS = "197602141999031004"


def test_spaces_tabs_and_no_break_spaces_are_dropped():
    assert digits_normalise(" 19760214\t199903\u00a01 004 ") == DIGITS
    assert digits_normalise(None) is None


def test_the_admin_add_form_accepts_the_nip_as_printed_and_stores_the_digits(client, demo_org):
    client.force_login(demo_org.user("admin"))
    add = reverse("admin:accounts_person_add")
    form = client.get(add).text
    assert 'name="nip"' in form
    assert 'maxlength="26"' in form  # room for the spaces as printed
    response = client.post(
        add,
        {
            "full_name": "Drs. Hadi Santoso, M.Si.",
            "kind": "asn",
            "nip": PRINTED,
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text
    person = Person.objects.get(full_name="Drs. Hadi Santoso, M.Si.")
    assert person.nip == DIGITS
    assert person.nip_display == PRINTED
    # The list's search finds it by the NIP as printed too.
    found = client.get(reverse("admin:accounts_person_changelist"), {"q": PRINTED})
    assert "Drs. Hadi Santoso, M.Si." in found.text


def test_the_admin_still_refuses_a_bad_nip_typed_with_spaces(client, demo_org):
    client.force_login(demo_org.user("admin"))
    response = client.post(
        reverse("admin:accounts_person_add"),
        {
            "full_name": "Uji",
            "kind": "asn",
            "nip": "19760214 199913 1 004",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "NIP: digit 13-14" in response.text
    assert not Person.objects.filter(full_name="Uji").exists()


def test_the_service_normalises_and_audits_and_a_second_save_changes_nothing():
    person = Person(full_name="Hadi", kind=PersonKind.ASN, nip=PRINTED)
    assert person_save(person=person) == "created"
    person.refresh_from_db()
    assert person.nip == DIGITS
    person.nip = PRINTED
    assert person_save(person=person) == "unchanged"
    assert [e.type for e in audit_events(person)] == ["person_created"]
    assert Person.objects.filter(nip=PRINTED).get() == person  # a lookup as printed


def test_the_database_still_holds_only_18_digits():
    person = Person(full_name="Hadi", kind=PersonKind.ASN, nip="19760214-199903")
    with pytest.raises(ValidationError):
        person.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()


def test_the_admin_add_form_makes_the_person_and_their_login_together_audited(client, demo_org):
    client.force_login(demo_org.user("admin"))
    response = client.post(
        reverse("admin:accounts_person_add"),
        {
            "full_name": "Rini Astuti",
            "kind": "asn",
            "nip": "19810505 200604 2 007",
            "new_username": "rini.cpd",
            "new_password": "Trantib-uji-2027!",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text
    person = Person.objects.get(nip="198105052006042007")
    assert person.user.username == "rini.cpd"
    assert person.user.check_password("Trantib-uji-2027!")
    event = audit_events(person).get()
    assert (event.type, event.actor_id) == ("person_created", None)  # the admin has no person


def test_the_admin_refuses_a_weak_password_for_the_new_login_beside_its_field(client, demo_org):
    client.force_login(demo_org.user("admin"))
    response = client.post(
        reverse("admin:accounts_person_add"),
        {
            "full_name": "Rini Astuti",
            "kind": "asn",
            "nip": "19810505 200604 2 007",
            "new_username": "rini.cpd",
            "new_password": "123",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["new_password"]
    assert not Person.objects.filter(full_name="Rini Astuti").exists()


def test_a_position_changed_in_the_admin_is_audited(client, demo_org):
    client.force_login(demo_org.user("admin"))
    position = demo_org.position("CPD", "danru")
    response = client.post(
        reverse("admin:accounts_position_change", args=[position.pk]),
        {"unit": position.unit_id, "code": "danru", "name": "Komandan Regu Satu"},
    )
    assert response.status_code == 302, response.text
    assert [e.type for e in audit_events(position)][-1] == "position_changed"
