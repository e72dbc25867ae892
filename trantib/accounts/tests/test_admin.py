import pytest
from django.urls import reverse

from trantib.accounts.selectors import units_for_user

MODELS = ["orgunit", "position", "person", "assignment"]


@pytest.fixture
def admin_client_demo(client, demo_org):
    client.force_login(demo_org.user("admin"))
    return client


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_the_admin_page_renders_for_a_superuser(admin_client_demo, model, view):
    response = admin_client_demo.get(reverse(f"admin:accounts_{model}_{view}"))
    assert response.status_code == 200


def test_the_unit_page_shows_its_positions_inline(admin_client_demo, demo_org):
    cpd = demo_org.unit("CPD")
    response = admin_client_demo.get(reverse("admin:accounts_orgunit_change", args=[cpd.pk]))
    assert response.status_code == 200
    assert "Kasi Ketentraman dan Ketertiban Umum" in response.text
    assert "anggota_trantib" in response.text


def test_the_person_page_shows_the_acting_assignment_inline(admin_client_demo, demo_org):
    sekcam = demo_org.person("sekcam.cpd")
    response = admin_client_demo.get(reverse("admin:accounts_person_change", args=[sekcam.pk]))
    assert response.status_code == 200
    assert "Plh. (Pelaksana Harian)" in response.text


def test_the_unit_list_filters_by_kind_and_searches_by_code(admin_client_demo):
    url = reverse("admin:accounts_orgunit_changelist")
    response = admin_client_demo.get(url, {"kind__exact": "kecamatan"})
    assert response.status_code == 200
    assert "Kecamatan Kerjo" in response.text
    assert "Satbinmas Polres Gorontalo Kota" not in response.text
    response = admin_client_demo.get(url, {"q": "BINMAS"})
    assert "Satbinmas Polres Gorontalo Kota" in response.text
    assert "Kecamatan Kerjo" not in response.text


def test_the_person_list_shows_the_nip_as_printed(admin_client_demo):
    response = admin_client_demo.get(reverse("admin:accounts_person_changelist"))
    assert "19780512 199803 1 002" in response.text


def test_adding_a_person_with_a_bad_nip_shows_the_error_not_a_500(admin_client_demo):
    response = admin_client_demo.post(
        reverse("admin:accounts_person_add"),
        {
            "full_name": "Uji Coba",
            "kind": "asn",
            "nip": "197802301998031002",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "NIP: digit 1-8" in response.text


def test_an_officer_without_staff_rights_cannot_open_the_admin(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:accounts_orgunit_changelist"))
    assert response.status_code == 302


def test_a_unit_added_in_the_admin_joins_the_tree_and_its_camat_sees_it(
    admin_client_demo, demo_org, supervisor
):
    cpd = demo_org.unit("CPD")
    response = admin_client_demo.post(
        reverse("admin:accounts_orgunit_add"),
        {
            "code": "CPD-PRS",
            "name": "Kelurahan Poris Plawad",
            "kind": "other",
            "parent": cpd.pk,
            "active": "on",
            "timezone": "Asia/Jakarta",
            "address": "",
            "kop_lines": "",
            "positions-TOTAL_FORMS": "1",
            "positions-INITIAL_FORMS": "0",
            "positions-0-code": "lurah",
            "positions-0-name": "Lurah Poris Plawad",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.text
    unit = demo_org.unit("CPD-PRS")
    assert list(unit.ancestors()) == [demo_org.unit("PEMKOT-TNG"), cpd]
    assert unit.positions.get().code == "lurah"
    assert unit in units_for_user(supervisor)


def test_the_admin_refuses_a_position_code_that_is_not_an_sop_role_id(admin_client_demo):
    response = admin_client_demo.post(
        reverse("admin:accounts_orgunit_add"),
        {
            "code": "UJI",
            "name": "Unit Uji",
            "kind": "other",
            "timezone": "Asia/Jakarta",
            "positions-TOTAL_FORMS": "1",
            "positions-INITIAL_FORMS": "0",
            "positions-0-code": "Kasi Trantib",
            "positions-0-name": "Kasi",
            "children-TOTAL_FORMS": "0",
            "children-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Kode peran" in response.text


def test_an_assignment_changed_in_the_admin_is_audited(admin_client_demo, demo_org):
    from trantib.accounts.models import Assignment
    from trantib.core.audit import audit_events

    assignment = Assignment.objects.get(
        person=demo_org.person("sekcam.cpd"), position=demo_org.position("KRW", "camat")
    )
    url = reverse("admin:accounts_assignment_change", args=[assignment.pk])
    form = {
        "person": assignment.person_id,
        "position": assignment.position_id,
        "acting": "plt",
        "valid_from": assignment.valid_from.isoformat(),
        "valid_until": assignment.valid_until.isoformat() if assignment.valid_until else "",
    }
    response = admin_client_demo.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    last = list(audit_events(assignment))[-1]
    assert last.type == "assignment_changed"
    assert last.data == {"before": {"acting": "plh"}, "after": {"acting": "plt"}}
    assert last.actor is None  # the demo's administrator is a login, not a person


def test_deleting_a_person_in_the_admin_audits_each_of_their_assignments(
    admin_client_demo, demo_org
):
    from trantib.accounts.models import Assignment, Person
    from trantib.core.models import AuditEvent

    person = Person.objects.create(full_name="Pegawai Salah Input", kind="asn")
    assignment = Assignment.objects.create(
        person=person, position=demo_org.position("CPD", "staf"), valid_from="2026-01-05"
    )
    url = reverse("admin:accounts_person_delete", args=[person.pk])
    assert admin_client_demo.post(url, {"post": "yes"}).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    event = AuditEvent.objects.get(subject_type="accounts.assignment", subject_id=assignment.pk)
    assert event.type == "assignment_deleted"
    assert event.data["before"]["person_id"] == person.pk
