import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trantib.accounts.models import (
    Assignment,
    OrgUnit,
    Person,
    Position,
    nip_format,
    nip_validate,
    nrp_validate,
)

GOOD_NIP = "197805121998031002"
NEW_YEAR_1630_UTC = dt.datetime(2026, 1, 1, 16, 30, tzinfo=dt.UTC)


def person_errors(**fields: str) -> dict[str, list[str]]:
    person = Person(full_name="Budi", **fields)
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    return exc.value.message_dict


# --- NIP / NRP ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nip",
    [
        GOOD_NIP,
        "197908232005012011",  # a woman (gender digit 2)
        "200002292024031001",  # born on a leap day
    ],
)
def test_a_well_formed_nip_is_accepted(nip):
    nip_validate(nip)


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19780512199803100", "nip_format"),  # 17 digits
        ("1978051219980310021", "nip_format"),  # 19 digits
        ("19780512 199803 1 002", "nip_format"),  # spaces as displayed
        ("19780512199803100A", "nip_format"),
        ("197802301998031002", "nip_birth_date"),  # 30 February
        ("197813121998031002", "nip_birth_date"),  # month 13
        ("190002291998031002", "nip_birth_date"),  # 1900 was not a leap year
        ("197805121998131002", "nip_start_month"),  # CPNS month 13
        ("197805121998001002", "nip_start_month"),  # CPNS month 00
        ("197805121970031002", "nip_start_month"),  # CPNS before birth
        ("197805121998033002", "nip_gender"),  # gender digit 3
        ("197805121998030002", "nip_gender"),  # gender digit 0
    ],
)
def test_a_malformed_nip_is_refused_with_a_message_naming_the_nip(nip, code):
    with pytest.raises(ValidationError) as exc:
        nip_validate(nip)
    assert exc.value.code == code
    assert "NIP" in exc.value.messages[0]


def test_nip_display_groups_birth_date_cpns_month_gender_and_serial():
    assert Person(nip=GOOD_NIP).nip_display == "19780512 199803 1 002"
    assert nip_format("197908232005012011") == "19790823 200501 2 011"


def test_nip_display_is_empty_for_a_person_without_nip():
    assert Person(nip="").nip_display == ""


def test_identity_line_shows_nip_for_asn_and_nrp_for_police():
    assert Person(nip=GOOD_NIP).identity_line == "NIP. 19780512 199803 1 002"
    assert Person(nrp="76050993").identity_line == "NRP. 76050993"
    assert Person().identity_line == ""


def test_a_well_formed_nrp_is_accepted():
    nrp_validate("76050993")


@pytest.mark.parametrize(
    ("nrp", "code"),
    [
        ("7605099", "nrp_format"),
        ("760509931", "nrp_format"),
        ("7605O993", "nrp_format"),
        ("76130993", "nrp_birth_month"),
        ("76000993", "nrp_birth_month"),
    ],
)
def test_a_malformed_nrp_is_refused_with_a_message_naming_the_nrp(nrp, code):
    with pytest.raises(ValidationError) as exc:
        nrp_validate(nrp)
    assert exc.value.code == code
    assert "NRP" in exc.value.messages[0]


@pytest.mark.django_db
def test_full_clean_reports_a_bad_nip_under_the_nip_field():
    errors = person_errors(kind=Person.Kind.ASN, nip="197802301998031002")
    assert list(errors) == ["nip"]
    assert "NIP" in errors["nip"][0]


@pytest.mark.django_db
def test_a_civil_servant_needs_a_nip_and_a_police_officer_an_nrp():
    assert "nip" in person_errors(kind=Person.Kind.ASN)
    assert "nrp" in person_errors(kind=Person.Kind.POLRI)
    Person(full_name="Relawan Linmas", kind=Person.Kind.OTHER).full_clean()


@pytest.mark.django_db
def test_the_database_refuses_a_nip_that_is_not_18_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(full_name="X", kind=Person.Kind.ASN, nip="12345")


@pytest.mark.django_db
def test_two_people_cannot_share_a_nip_but_many_may_have_none():
    Person.objects.create(full_name="A", kind=Person.Kind.ASN, nip=GOOD_NIP)
    Person.objects.create(full_name="B", kind=Person.Kind.OTHER)
    Person.objects.create(full_name="C", kind=Person.Kind.OTHER)
    errors = person_errors(kind=Person.Kind.ASN, nip=GOOD_NIP)
    assert "sudah terdaftar" in str(errors)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(full_name="D", kind=Person.Kind.ASN, nip=GOOD_NIP)


# --- the unit tree ------------------------------------------------------------------------------


def unit(code: str, parent: OrgUnit | None = None, **kw) -> OrgUnit:
    return OrgUnit.objects.create(code=code, name=code, kind="other", parent=parent, **kw)


@pytest.mark.django_db
def test_descendants_are_every_unit_below_and_not_the_siblings_or_the_unit_itself():
    root = unit("ROOT")
    a, b = unit("A", root), unit("B", root)
    a1, a2 = unit("A1", a), unit("A2", a)
    a1x = unit("A1X", a1)
    unit("B1", b)
    assert set(a.descendants()) == {a1, a2, a1x}
    assert set(a.descendants(include_self=True)) == {a, a1, a2, a1x}
    assert set(a1x.descendants()) == set()
    assert root.descendants().count() == 6


@pytest.mark.django_db
def test_a_unit_whose_id_prefixes_another_id_does_not_claim_it(django_assert_num_queries):
    # Ids 1 and 10..19 share a leading digit; the path separators keep them apart.
    units = [unit(f"U{i}") for i in range(12)]
    first = units[0]
    child = unit("CHILD", first)
    with django_assert_num_queries(1):
        assert list(first.descendants()) == [child]


@pytest.mark.django_db
def test_ancestors_run_from_the_root_down():
    root = unit("ROOT")
    mid = unit("MID", root)
    leaf = unit("LEAF", mid)
    assert list(leaf.ancestors()) == [root, mid]
    assert leaf.depth == 2
    assert list(root.ancestors()) == []


@pytest.mark.django_db
def test_descendants_take_one_query_however_deep_and_wide_the_tree(django_assert_num_queries):
    root = unit("ROOT")
    level = [root]
    for depth in range(4):
        level = [unit(f"D{depth}-{i}-{p.pk}", p) for p in level for i in range(3)]
    with django_assert_num_queries(1):
        assert len(list(root.descendants())) == 3 + 9 + 27 + 81


@pytest.mark.django_db
def test_moving_a_unit_moves_its_whole_subtree():
    a, b = unit("A"), unit("B")
    child = unit("C", a)
    grandchild = unit("G", child)
    child.parent = b
    child.save()
    assert set(b.descendants()) == {child, grandchild}
    assert set(a.descendants()) == set()
    grandchild.refresh_from_db()
    assert list(grandchild.ancestors()) == [b, child]


@pytest.mark.django_db
def test_a_unit_cannot_be_placed_under_its_own_descendant():
    a = unit("A")
    child = unit("C", a)
    a.parent = child
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "parent" in exc.value.message_dict


@pytest.mark.django_db
def test_a_unit_refuses_an_unknown_time_zone_and_a_lower_case_code():
    u = OrgUnit(code="krj", name="Kerjo", kind="kecamatan", timezone="Europe/Paris")
    with pytest.raises(ValidationError) as exc:
        u.full_clean()
    assert {"code", "timezone"} <= set(exc.value.message_dict)


@pytest.mark.django_db
def test_today_is_the_date_in_the_units_own_time_zone():
    wib = unit("WIB", timezone="Asia/Jakarta")
    wita = unit("WITA", timezone="Asia/Makassar")
    wit = unit("WIT", timezone="Asia/Jayapura")
    # 16:30 UTC on 1 Jan: 23:30 WIB, but already 00:30 WITA and 01:30 WIT on 2 Jan.
    with mock.patch("django.utils.timezone.now", return_value=NEW_YEAR_1630_UTC):
        assert wib.today() == dt.date(2026, 1, 1)
        assert wita.today() == dt.date(2026, 1, 2)
        assert wit.today() == dt.date(2026, 1, 2)


@pytest.mark.django_db
def test_kop_lists_the_letterhead_lines_without_blanks():
    u = unit("K", kop_lines="PEMERINTAH KABUPATEN KARANGANYAR\n\n  KECAMATAN KERJO  \n")
    assert u.kop() == ["PEMERINTAH KABUPATEN KARANGANYAR", "KECAMATAN KERJO"]


# --- positions and assignments ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_unit_has_one_position_per_role_code():
    u = unit("U")
    Position.objects.create(unit=u, code="camat", name="Camat")
    dup = Position(unit=u, code="camat", name="Camat lagi")
    with pytest.raises(ValidationError):
        dup.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        dup.save()


@pytest.mark.django_db
def test_a_position_code_must_look_like_an_sop_role_id():
    with pytest.raises(ValidationError) as exc:
        Position(unit=unit("U"), code="Kasi Trantib", name="Kasi").full_clean()
    assert list(exc.value.message_dict) == ["code"]


@pytest.mark.django_db
def test_an_assignment_cannot_end_before_it_starts():
    position = Position.objects.create(unit=unit("U"), code="camat", name="Camat")
    person = Person.objects.create(full_name="A", kind="other")
    bad = Assignment(
        person=person,
        position=position,
        valid_from=dt.date(2026, 3, 10),
        valid_until=dt.date(2026, 3, 9),
    )
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "valid_until" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()


@pytest.mark.django_db
def test_an_acting_official_signs_with_plh_before_the_position():
    position = Position.objects.create(unit=unit("U"), code="camat", name="Camat Karawaci")
    person = Person.objects.create(full_name="A", kind="other")
    plh = Assignment(
        person=person,
        position=position,
        acting=Assignment.Acting.PLH,
        valid_from=dt.date(2026, 3, 1),
    )
    assert plh.title == "Plh. Camat Karawaci"
    plh.acting = Assignment.Acting.DEFINITIVE
    assert plh.title == "Camat Karawaci"
