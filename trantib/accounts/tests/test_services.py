import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from trantib.accounts.models import Assignment
from trantib.accounts.selectors import holders_of
from trantib.accounts.services import assignment_create, assignment_end


def test_assignment_create_refuses_a_period_that_ends_before_it_starts(demo_org):
    with pytest.raises(ValidationError) as exc:
        assignment_create(
            person=demo_org.person("kasi.cpd"),
            position=demo_org.position("CPD", "camat"),
            acting=Assignment.Acting.PLH,
            valid_from=dt.date(2026, 5, 4),
            valid_until=dt.date(2026, 5, 1),
        )
    assert list(exc.value.message_dict) == ["valid_until"]
    assert not Assignment.objects.filter(person__user__username="kasi.cpd", acting="plh").exists()


def test_a_plh_created_by_the_service_holds_the_position_for_its_days(demo_org):
    cpd = demo_org.unit("CPD")
    kasi = demo_org.person("kasi.cpd")
    assignment_create(
        person=kasi,
        position=demo_org.position("CPD", "camat"),
        acting=Assignment.Acting.PLH,
        valid_from=dt.date(2030, 5, 4),
        valid_until=dt.date(2030, 5, 6),
    )
    assert kasi in holders_of(cpd, "camat", on=dt.date(2030, 5, 6))
    assert kasi not in holders_of(cpd, "camat", on=dt.date(2030, 5, 7))


def test_ending_an_assignment_stops_the_person_holding_the_position(demo_org):
    krj = demo_org.unit("KRJ")
    staf = demo_org.person("staf.krj")
    assignment = staf.assignments.get()
    assignment_end(assignment=assignment, on=dt.date(2030, 1, 31))
    assert staf in holders_of(krj, "staf", on=dt.date(2030, 1, 31))
    assert staf not in holders_of(krj, "staf", on=dt.date(2030, 2, 1))
    with pytest.raises(ValidationError) as exc:
        assignment_end(assignment=assignment, on=dt.date(2000, 1, 1))
    assert list(exc.value.message_dict) == ["valid_until"]
