"""The Berita Acara of seized goods is signed by the position that fills the operation SOP's
report column in the unit (decision 0015): in a Cipondoh that maps PPL's "Komandan" column to
its Danton, the Danton; without an adoption, the position coded ``danru`` (test_services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trantib.accounts.models import Assignment, Person, Position
from trantib.core.errors import NotAllowed
from trantib.operations import services
from trantib.sops.services import sop_adopt

pytestmark = pytest.mark.django_db


def test_the_seizure_report_is_signed_by_the_position_the_unit_maps_the_report_column_to(
    demo_org, desk, operation
):
    def seize(actor: Person, what: str):
        return services.items_seize(
            operation=operation,
            actor=actor,
            storage="Gudang Kecamatan Cipondoh",
            perda="Perda Kota Tangerang Nomor 8 Tahun 2005 Pasal 2",
            items=[{"description": what, "quantity": 4, "measure": "buah"}],
            day=dt.date(2026, 8, 5),
        )[1]

    danru = desk.who("danru.cpd")
    assert seize(danru, "kasur lipat").signer_role == "danru"  # no adoption yet
    cpd = demo_org.unit("CPD")
    danton = Position.objects.create(unit=cpd, code="danton", name="Komandan Peleton")
    user = get_user_model().objects.create_user(username="danton.cpd", password="x-Rahasia-123")
    person = Person.objects.create(user=user, full_name="Danton Cipondoh", kind="asn")
    Assignment.objects.create(person=person, position=danton, valid_from=dt.date(2020, 1, 1))
    sop_adopt(
        unit=cpd,
        code="PPL",
        version=2,
        positions={"danru": danton.pk},
        actor=demo_org.person("camat.cpd"),
    )
    assert seize(person, "kotak minuman").signer_role == "danton"
    with pytest.raises(NotAllowed):  # the Danru no longer fills a column of the SOP here
        seize(danru, "kursi plastik")
