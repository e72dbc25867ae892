"""Adopting an SOP version in a unit (issue 14, item 4): each role of the SOP mapped to a
position of the unit, audited, refused when it names a role or position that does not fit;
shown on the SOP page to the unit's officers and set there by the unit's head."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from trantib.accounts.models import Position
from trantib.core.audit import audit_events
from trantib.core.errors import Invalid, NotFound
from trantib.sops.models import SopAdoption, SopRoleMapping
from trantib.sops.selectors import role_positions
from trantib.sops.services import sop_adopt

pytestmark = pytest.mark.django_db


def _kasi_pem(demo_org) -> Position:
    return Position.objects.create(
        unit=demo_org.unit("CPD"), code="kasi_pem", name="Kasi Pemerintahan"
    )


def test_an_adoption_maps_roles_to_the_units_positions_and_is_audited(demo_org):
    kasi_pem = _kasi_pem(demo_org)
    camat = demo_org.person("camat.cpd")
    adoption = sop_adopt(
        unit=demo_org.unit("CPD"),
        code="PGD",
        version=2,
        positions={"kasi_trantib": kasi_pem.pk, "camat": None},
        actor=camat,
    )
    assert role_positions(adoption.unit_id, "PGD", 2) == {"kasi_trantib": "kasi_pem"}
    # A later version the unit has not adopted keeps its columns; an earlier one does not.
    assert role_positions(adoption.unit_id, "PGD", 3) == {"kasi_trantib": "kasi_pem"}
    assert role_positions(adoption.unit_id, "PGD", 1) == {}
    kasi = demo_org.position("CPD", "kasi_trantib")
    sop_adopt(
        unit=demo_org.unit("CPD"),
        code="PGD",
        version=2,
        positions={"kasi_trantib": kasi.pk},
        actor=camat,
    )
    events = audit_events(adoption)
    assert [e.type for e in events] == ["sop_adopted", "sop_adoption_changed"]
    assert events[0].data["after"] == {"roles": {"kasi_trantib": "kasi_pem"}}
    assert events[1].data["before"] == {"roles": {"kasi_trantib": "kasi_pem"}}
    assert events[1].data["after"] == {"roles": {"kasi_trantib": "kasi_trantib"}}
    assert events[1].actor_id == camat.pk and events[1].unit_id == adoption.unit_id
    assert SopAdoption.objects.count() == 1 and SopRoleMapping.objects.count() == 1


def test_an_adoption_refuses_roles_and_positions_that_do_not_fit(demo_org):
    cpd, krj = demo_org.unit("CPD"), demo_org.unit("KRJ")
    other_units = demo_org.position("KRJ", "kasi_trantib")
    cases = [
        ({"bupati": other_units.pk}, "Peran bupati tidak ada di SOP PGD."),
        ({"pelapor": demo_org.position("CPD", "staf").pk}, "Pelapor berada di luar unit"),
        ({"kasi_trantib": other_units.pk}, "Pilih jabatan Kecamatan Cipondoh untuk peran"),
    ]
    for positions, message in cases:
        with pytest.raises(Invalid, match=message) as err:
            sop_adopt(unit=cpd, code="PGD", version=2, positions=positions, actor=None)
        assert err.value.field == "roles"
    with pytest.raises(NotFound):
        sop_adopt(unit=krj, code="PGD", version=99, positions={}, actor=None)
    assert not SopAdoption.objects.exists()


def _page(client: Client, code: str = "PGD") -> str:
    response = client.get(reverse("sops:detail", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_sop_page_shows_who_fills_each_column_in_the_officers_unit(demo_org):
    anonymous = _page(Client())
    assert 'id="pelaksana"' not in anonymous  # the public page names no one
    client = Client()
    client.force_login(demo_org.user("kasi.krj"))
    html = _page(client)
    assert "Pelaksana di unit Anda" in html and "Kecamatan Kerjo" in html
    assert "Kasi Ketentraman dan Ketertiban" in html and "Sutrisno, S.H." in html
    assert "belum ditetapkan: jabatan berkode sama" in html
    assert "<select" not in html  # a Kasi reads it; the Camat sets it


def test_the_units_head_sets_the_columns_on_the_sop_page_and_others_may_not(demo_org):
    kasi_pem = _kasi_pem(demo_org)
    form = {"unit": "CPD", "versi": "2", "role.kasi_trantib": str(kasi_pem.pk)}
    kasi = Client()
    kasi.force_login(demo_org.user("kasi.cpd"))
    assert kasi.post(reverse("sops:adopt", args=["PGD"]), form).status_code == 404
    outsider = Client()
    outsider.force_login(demo_org.user("camat.krj"))  # heads another kecamatan
    assert outsider.post(reverse("sops:adopt", args=["PGD"]), form).status_code == 404
    assert not SopAdoption.objects.exists()

    camat = Client()
    camat.force_login(demo_org.user("camat.cpd"))
    assert '<select name="role.kasi_trantib"' in _page(camat)
    response = camat.post(reverse("sops:adopt", args=["PGD"]), form, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pelaksana SOP PGD di Kecamatan Cipondoh disimpan" in html
    assert "ditetapkan untuk versi 2" in html
    assert f'<option value="{kasi_pem.pk}" selected>Kasi Pemerintahan (kasi_pem)' in html
    assert role_positions(demo_org.unit("CPD").pk, "PGD", 2) == {"kasi_trantib": "kasi_pem"}
    # A refusal comes back on the page, in one line, and changes nothing.
    bad = {**form, "role.kasi_trantib": str(demo_org.position("KRJ", "kasi_trantib").pk)}
    html = camat.post(reverse("sops:adopt", args=["PGD"]), bad, follow=True).content.decode()
    assert "Pilih jabatan Kecamatan Cipondoh untuk peran Kasi Trantib" in html
    assert role_positions(demo_org.unit("CPD").pk, "PGD", 2)["kasi_trantib"] == "kasi_pem"
