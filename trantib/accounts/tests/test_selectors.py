import datetime as dt
from unittest import mock

from django.contrib.auth.models import AnonymousUser, User

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.accounts.selectors import (
    assignments_active,
    assignments_holding,
    holders_of,
    person_for_user,
    positions_for_user,
    units_for_user,
)
from trantib.accounts.services import assignment_create


def codes(units) -> set[str]:
    return {u.code for u in units}


def plh_period(demo_org) -> tuple[dt.date, dt.date]:
    plh = Assignment.objects.get(acting=Assignment.Acting.PLH)
    return plh.valid_from, plh.valid_until


# --- who sees which unit ------------------------------------------------------------------------


def test_an_officer_sees_only_their_own_kecamatan(officer):
    assert codes(units_for_user(officer)) == {"CPD"}


def test_the_outsider_from_karawaci_does_not_see_cipondoh(outsider):
    assert codes(units_for_user(outsider)) == {"KRW"}
    assert not units_for_user(outsider).filter(code="CPD").exists()


def test_a_supervisor_also_sees_the_units_below_their_unit_but_an_officer_does_not(
    demo_org, supervisor, officer
):
    cpd = demo_org.unit("CPD")
    kelurahan = OrgUnit.objects.create(code="CPD-PTN", name="Kel. Poris", kind="other", parent=cpd)
    assert codes(units_for_user(supervisor)) == {"CPD", "CPD-PTN"}
    assert kelurahan not in units_for_user(officer)


def test_the_sekda_sees_every_unit_of_kota_tangerang_and_nothing_else(demo_org):
    assert codes(units_for_user(demo_org.user("sekda.tng"))) == {
        "PEMKOT-TNG",
        "CPD",
        "KRW",
        "PPTNG",
    }


def test_a_superuser_sees_every_unit(demo_org):
    admin = demo_org.user("admin")
    assert units_for_user(admin).count() == OrgUnit.objects.count() == 10


def test_anonymous_users_and_logins_without_a_person_see_nothing(demo_org):
    assert list(units_for_user(AnonymousUser())) == []
    loner = User.objects.create_user("loner", password="x")
    assert list(units_for_user(loner)) == []
    assert person_for_user(loner) is None
    assert person_for_user(AnonymousUser()) is None


def test_the_sekcam_of_cipondoh_sees_karawaci_only_while_acting_as_its_camat(demo_org):
    sekcam = demo_org.user("sekcam.cpd")
    start, end = plh_period(demo_org)
    assert codes(units_for_user(sekcam)) == {"CPD", "KRW"}
    assert codes(units_for_user(sekcam, on=start)) == {"CPD", "KRW"}
    assert codes(units_for_user(sekcam, on=end)) == {"CPD", "KRW"}
    assert codes(units_for_user(sekcam, on=start - dt.timedelta(days=1))) == {"CPD"}
    assert codes(units_for_user(sekcam, on=end + dt.timedelta(days=1))) == {"CPD"}


def test_units_for_user_works_as_a_subquery_in_one_query(officer, django_assert_num_queries):
    with django_assert_num_queries(1):
        positions = list(Position.objects.filter(unit__in=units_for_user(officer)))
    assert {p.unit_id for p in positions} == {OrgUnit.objects.get(code="CPD").pk}


def test_query_counts_do_not_grow_with_the_number_of_units(
    demo_org, supervisor, django_assert_max_num_queries
):
    cpd = demo_org.unit("CPD")
    parents = [cpd]
    for i in range(60):
        parents.append(
            OrgUnit.objects.create(
                code=f"CPD-{i}", name=f"Sub {i}", kind="other", parent=parents[i // 3]
            )
        )
    sekda = demo_org.user("sekda.tng")
    with django_assert_max_num_queries(1):
        assert len(list(units_for_user(supervisor))) == 61
    with django_assert_max_num_queries(1):
        assert len(list(units_for_user(sekda))) == 64
    with django_assert_max_num_queries(1):
        assert [p.unit.code for p in positions_for_user(supervisor)] == ["CPD"]
    with django_assert_max_num_queries(1):
        assert len(list(holders_of(cpd, "anggota_trantib"))) == 2


# --- what a person holds ------------------------------------------------------------------------


def test_positions_for_user_include_the_acting_position_within_its_period(demo_org):
    sekcam = demo_org.user("sekcam.cpd")
    start, end = plh_period(demo_org)
    held = {(p.unit.code, p.code) for p in positions_for_user(sekcam, on=start)}
    assert held == {("CPD", "sekcam"), ("KRW", "camat")}
    after = {(p.unit.code, p.code) for p in positions_for_user(sekcam, on=end + dt.timedelta(1))}
    assert after == {("CPD", "sekcam")}
    assert list(positions_for_user(AnonymousUser())) == []


def test_an_acting_assignment_counts_only_within_its_period(demo_org):
    person = demo_org.person("sekcam.cpd")
    start, end = plh_period(demo_org)

    def acting(on):
        return [a.acting for a in assignments_active(person, on=on) if a.acting]

    assert acting(start) == ["plh"]
    assert acting(end) == ["plh"]
    assert acting(start - dt.timedelta(days=1)) == []
    assert acting(end + dt.timedelta(days=1)) == []
    assert len(assignments_active(person, on=end + dt.timedelta(days=1))) == 1


def test_an_assignment_that_has_not_started_is_not_active(demo_org):
    person = Person.objects.create(full_name="Calon Danru", kind="other")
    assignment_create(
        person=person,
        position=demo_org.position("KRJ", "danru"),
        valid_from=dt.date(2099, 1, 1),
    )
    assert list(assignments_active(person)) == []
    assert len(assignments_active(person, on=dt.date(2099, 1, 1))) == 1


# --- who holds a position -----------------------------------------------------------------------


def test_holders_of_the_karawaci_camat_include_the_plh_after_the_definitive_camat(demo_org):
    krw = demo_org.unit("KRW")
    assert [p.user.username for p in holders_of(krw, "camat")] == ["camat.krw", "sekcam.cpd"]
    _, end = plh_period(demo_org)
    later = holders_of(krw, "camat", on=end + dt.timedelta(days=1))
    assert [p.user.username for p in later] == ["camat.krw"]


def test_holders_of_lists_everyone_in_a_position_with_several_holders(demo_org):
    names = {p.user.username for p in holders_of(demo_org.unit("CPD"), "anggota_trantib")}
    assert names == {"anggota1.cpd", "anggota2.cpd"}


def test_holders_of_a_role_the_unit_does_not_have_is_empty(demo_org):
    assert list(holders_of(demo_org.unit("KRJ"), "kasat_binmas")) == []
    assert list(holders_of(demo_org.unit("CPD"), "pelapor")) == []


def test_holders_of_list_a_person_holding_the_position_twice_only_once(demo_org):
    krw = demo_org.unit("KRW")
    sekcam = demo_org.person("sekcam.cpd")
    start, _ = plh_period(demo_org)
    assignment_create(
        person=sekcam,
        position=demo_org.position("KRW", "camat"),
        acting=Assignment.Acting.PLT,
        valid_from=start,
    )
    holders = list(holders_of(krw, "camat", on=start))
    assert [p.user.username for p in holders] == ["camat.krw", "sekcam.cpd"]
    assert [a.title for a in assignments_holding(krw, "camat", on=start)] == [
        "Camat Karawaci",
        "Plh. Camat Karawaci",
        "Plt. Camat Karawaci",
    ]


def test_without_a_date_today_is_taken_in_each_units_own_time_zone(db):
    # A Plh. whose last day is 1 Jan: at 16:30 UTC it is still 1 Jan in a WIB unit (23:30),
    # but already 2 Jan in a WIT unit (01:30), so the WIT Plh. no longer holds the position.
    person = Person.objects.create(full_name="Plh.", kind="other")
    user = User.objects.create_user("plh")
    person.user = user
    person.save()
    for code, tz in [("WIB", "Asia/Jakarta"), ("WIT", "Asia/Jayapura")]:
        unit = OrgUnit.objects.create(code=code, name=code, kind="kecamatan", timezone=tz)
        Assignment.objects.create(
            person=person,
            position=Position.objects.create(unit=unit, code="camat", name="Camat"),
            acting=Assignment.Acting.PLH,
            valid_from=dt.date(2025, 12, 30),
            valid_until=dt.date(2026, 1, 1),
        )
    moment = dt.datetime(2026, 1, 1, 16, 30, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert codes(units_for_user(user)) == {"WIB"}
        assert [p.unit.code for p in positions_for_user(user)] == ["WIB"]
        assert len(assignments_active(person)) == 1
        assert list(holders_of(OrgUnit.objects.get(code="WIT"), "camat")) == []
        assert list(holders_of(OrgUnit.objects.get(code="WIB"), "camat")) == [person]
