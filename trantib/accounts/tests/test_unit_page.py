"""The unit page: its head manages positions, holders and Plt./Plh. periods without /admin/;
a person and their login in one form; everyone else is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trantib.accounts.models import Assignment, Person, Position
from trantib.core.audit import audit_events

pytestmark = pytest.mark.django_db


def _url(name: str, *args: object) -> str:
    return reverse(name, args=args)


@pytest.fixture
def camat(client, supervisor):
    client.force_login(supervisor)
    return client


def test_the_head_of_the_unit_sees_its_positions_and_the_forms(camat, demo_org):
    response = camat.get(_url("unit_page", "CPD"))
    assert response.status_code == 200
    assert "Kasi Ketentraman dan Ketertiban Umum" in response.text
    assert "Tambah pemegang" in response.text
    assert "Pegawai baru (dengan akun login)" in response.text


def test_an_officer_of_the_unit_sees_the_page_without_the_forms_and_may_not_change_it(
    client, officer, demo_org
):
    client.force_login(officer)
    response = client.get(_url("unit_page", "CPD"))
    assert response.status_code == 200
    assert "Tambah pemegang" not in response.text
    response = client.post(
        _url("unit_position_add", "CPD"),
        {"position-new-code": "lurah", "position-new-name": "Lurah"},
    )
    assert response.status_code == 403
    assert not Position.objects.filter(code="lurah").exists()


def test_an_officer_of_another_unit_gets_404_for_the_page_and_every_change(
    client, outsider, demo_org
):
    client.force_login(outsider)
    cpd = demo_org.unit("CPD")
    position = demo_org.position("CPD", "kasi_trantib")
    assignment = Assignment.objects.filter(position=position).first()
    assert client.get(_url("unit_page", "CPD")).status_code == 404
    posts = [
        _url("unit_position_add", "CPD"),
        _url("unit_position_edit", "CPD", position.pk),
        _url("unit_position_remove", "CPD", position.pk),
        _url("unit_holder_add", "CPD", position.pk),
        _url("unit_assignment_edit", "CPD", assignment.pk),
        _url("unit_assignment_remove", "CPD", assignment.pk),
        _url("unit_person_add", "CPD"),
    ]
    for url in posts:
        assert client.post(url, {}).status_code == 404, url
    assert Position.objects.filter(unit=cpd).count() == Position.objects.filter(unit=cpd).count()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_the_head_of_one_unit_cannot_reach_a_position_of_another_through_its_own_url(
    camat, demo_org
):
    krw_position = demo_org.position("KRW", "kasi_trantib")
    response = camat.post(
        _url("unit_position_edit", "CPD", krw_position.pk),
        {f"position-{krw_position.pk}-name": "Diubah"},
    )
    assert response.status_code == 404
    krw_position.refresh_from_db()
    assert krw_position.name != "Diubah"


def test_the_unit_list_shows_only_the_units_one_may_see(client, outsider, demo_org):
    client.force_login(outsider)
    response = client.get(_url("org_index"))
    assert response.status_code == 200
    assert "Kecamatan Karawaci" in response.text
    assert "Kecamatan Cipondoh" not in response.text


def test_the_head_adds_a_position_and_it_is_audited(camat, demo_org):
    response = camat.post(
        _url("unit_position_add", "CPD"),
        {
            "position-new-code": "kasi_pem",
            "position-new-name": "Kasi Pemerintahan",
        },
    )
    assert response.status_code == 302
    position = demo_org.position("CPD", "kasi_pem")
    assert [e.type for e in audit_events(position)] == ["position_created"]
    assert audit_events(position).get().actor_id == demo_org.person("camat.cpd").pk


def test_a_position_code_that_is_not_an_sop_role_id_is_refused_beside_its_field(camat):
    response = camat.post(
        _url("unit_position_add", "CPD"),
        {"position-new-code": "Kasi Pem", "position-new-name": "Kasi Pemerintahan"},
    )
    assert response.status_code == 200
    assert "Kode peran: huruf kecil" in response.text
    assert not Position.objects.filter(name="Kasi Pemerintahan").exists()


def test_a_duplicate_position_code_is_refused_not_a_500(camat):
    response = camat.post(
        _url("unit_position_add", "CPD"),
        {"position-new-code": "camat", "position-new-name": "Camat kedua"},
    )
    assert response.status_code == 200
    assert "sudah punya jabatan dengan kode peran itu" in response.text


def test_the_head_names_a_plh_for_a_period_by_nip_typed_as_printed(camat, demo_org):
    position = demo_org.position("CPD", "camat")
    kasi = demo_org.person("kasi.cpd")
    start = dt.date(2027, 1, 4)
    response = camat.post(
        _url("unit_holder_add", "CPD", position.pk),
        {
            f"holder-{position.pk}-identity": kasi.nip_display,
            f"holder-{position.pk}-acting": "plh",
            f"holder-{position.pk}-valid_from": "2027-01-04",
            f"holder-{position.pk}-valid_until": "2027-01-08",
        },
    )
    assert response.status_code == 302, response.text
    plh = Assignment.objects.get(person=kasi, position=position, acting="plh")
    assert (plh.valid_from, plh.valid_until) == (start, dt.date(2027, 1, 8))
    assert [e.type for e in audit_events(plh)] == ["assignment_created"]
    page = camat.get(_url("unit_page", "CPD")).text
    assert f"Plh. {kasi.full_name}" in page

    # The head shortens the period; then removes the one entered by mistake.
    response = camat.post(
        _url("unit_assignment_edit", "CPD", plh.pk),
        {
            f"period-{plh.pk}-acting": "plh",
            f"period-{plh.pk}-valid_from": "2027-01-04",
            f"period-{plh.pk}-valid_until": "2027-01-06",
        },
    )
    assert response.status_code == 302
    plh.refresh_from_db()
    assert plh.valid_until == dt.date(2027, 1, 6)
    assert [e.type for e in audit_events(plh)] == ["assignment_created", "assignment_changed"]
    response = camat.post(_url("unit_assignment_remove", "CPD", plh.pk))
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=plh.pk).exists()


def test_a_period_that_ends_before_it_starts_is_refused_beside_the_field(camat, demo_org):
    position = demo_org.position("CPD", "camat")
    kasi = demo_org.person("kasi.cpd")
    response = camat.post(
        _url("unit_holder_add", "CPD", position.pk),
        {
            f"holder-{position.pk}-person": kasi.pk,
            f"holder-{position.pk}-acting": "plt",
            f"holder-{position.pk}-valid_from": "2027-01-04",
            f"holder-{position.pk}-valid_until": "2027-01-01",
        },
    )
    assert response.status_code == 200
    assert "tidak boleh sebelum" in response.text
    assert not Assignment.objects.filter(person=kasi, acting="plt").exists()


def test_an_unknown_nip_is_refused_beside_the_field(camat, demo_org):
    position = demo_org.position("CPD", "camat")
    response = camat.post(
        _url("unit_holder_add", "CPD", position.pk),
        {
            f"holder-{position.pk}-identity": "19760214 199903 1 004",
            f"holder-{position.pk}-valid_from": "2027-01-04",
        },
    )
    assert response.status_code == 200
    assert "Tidak ada pegawai dengan NIP, NRP atau login 19760214 199903 1 004" in response.text


def test_a_person_their_login_and_their_position_are_made_in_one_form(camat, demo_org, client):
    position = demo_org.position("CPD", "anggota_trantib")
    response = camat.post(
        _url("unit_person_add", "CPD"),
        {
            "person-new-full_name": "Hadi Santoso",
            "person-new-kind": "asn",
            "person-new-nip": "19760214 199903 1 004",
            "person-new-pangkat": "Pengatur (II/c)",
            "person-new-username": "hadi.cpd",
            "person-new-password": "Trantib-uji-2027!",
            "person-new-position": position.pk,
            "person-new-acting": "",
            "person-new-valid_from": "2026-01-05",
        },
    )
    assert response.status_code == 302, response.text
    person = Person.objects.get(nip="197602141999031004")
    assert person.user.username == "hadi.cpd"
    assert person.user.check_password("Trantib-uji-2027!")
    assert person.assignments.get().position == position
    assert [e.type for e in audit_events(person)] == ["person_created"]
    client.logout()
    assert client.login(username="hadi.cpd", password="Trantib-uji-2027!")


def test_a_taken_login_keeps_the_person_from_being_made_too(camat, demo_org):
    response = camat.post(
        _url("unit_person_add", "CPD"),
        {
            "person-new-full_name": "Hadi Santoso",
            "person-new-kind": "asn",
            "person-new-nip": "19760214 199903 1 004",
            "person-new-username": "kasi.cpd",
            "person-new-password": "Trantib-uji-2027!",
        },
    )
    assert response.status_code == 200
    assert "username" in response.text.lower() or "nama pengguna" in response.text.lower()
    assert not Person.objects.filter(nip="197602141999031004").exists()


def test_a_bad_nip_in_the_person_form_is_refused_beside_the_field(camat):
    users = get_user_model().objects.count()
    response = camat.post(
        _url("unit_person_add", "CPD"),
        {
            "person-new-full_name": "Hadi Santoso",
            "person-new-kind": "asn",
            "person-new-nip": "19760214 199913 1 004",
            "person-new-username": "hadi.cpd",
            "person-new-password": "Trantib-uji-2027!",
        },
    )
    assert response.status_code == 200
    assert "NIP: digit 13-14" in response.text
    assert get_user_model().objects.count() == users


def test_a_position_nobody_held_can_be_removed_one_held_cannot(camat, demo_org):
    held = demo_org.position("CPD", "kasi_trantib")
    response = camat.post(_url("unit_position_remove", "CPD", held.pk), follow=True)
    assert "pernah dipegang" in response.text
    assert Position.objects.filter(pk=held.pk).exists()
    empty = Position.objects.create(unit=demo_org.unit("CPD"), code="kosong", name="Kosong")
    response = camat.post(_url("unit_position_remove", "CPD", empty.pk))
    assert response.status_code == 302
    assert not Position.objects.filter(pk=empty.pk).exists()


def test_the_sekda_above_the_kecamatan_manages_it_too(client, demo_org):
    client.force_login(demo_org.user("sekda.tng"))
    response = client.get(_url("unit_page", "CPD"))
    assert "Tambah pemegang" in response.text


def test_an_administrator_with_the_right_to_change_assignments_manages_any_unit(client, demo_org):
    # A staff login holding no position, given the right the admin's assignment pages need.
    admin = get_user_model().objects.create_user(username="operator", password="x", is_staff=True)
    admin.user_permissions.add(Permission.objects.get(codename="change_assignment"))
    client.force_login(admin)
    assert "Kecamatan Cipondoh" in client.get(_url("org_index")).text
    assert "Tambah pemegang" in client.get(_url("unit_page", "CPD")).text
    response = client.post(
        _url("unit_position_add", "CPD"),
        {"position-new-code": "kasi_pem", "position-new-name": "Kasi Pemerintahan"},
    )
    assert response.status_code == 302
    assert demo_org.position("CPD", "kasi_pem").name == "Kasi Pemerintahan"
    assert client.get(_url("unit_page", "NOSUCHUNIT")).status_code == 404


def test_a_plh_of_a_camat_manages_that_unit_while_acting_and_not_after(client, demo_org):
    # sekcam.cpd is Plh. Camat Karawaci from two days ago to five days ahead (the demo).
    client.force_login(demo_org.user("sekcam.cpd"))
    assert "Tambah pemegang" in client.get(_url("unit_page", "KRW")).text
    plh = Assignment.objects.get(person=demo_org.person("sekcam.cpd"), acting="plh")
    today = demo_org.unit("KRW").today()
    Assignment.objects.filter(pk=plh.pk).update(
        valid_from=today - dt.timedelta(days=9), valid_until=today - dt.timedelta(days=1)
    )
    assert client.get(_url("unit_page", "KRW")).status_code == 404


def test_the_unit_page_reads_the_same_number_of_queries_however_many_positions(
    camat, demo_org, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        assert camat.get(_url("unit_page", "CPD")).status_code == 200
    unit = demo_org.unit("CPD")
    kasi = demo_org.person("kasi.cpd")
    for n in range(5):
        position = Position.objects.create(unit=unit, code=f"seksi_{n}", name=f"Seksi {n}")
        Assignment.objects.create(person=kasi, position=position, valid_from=dt.date(2025, 1, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = camat.get(_url("unit_page", "CPD"))
    assert "Seksi 4" in response.text
