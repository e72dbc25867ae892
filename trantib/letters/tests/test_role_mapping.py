"""An SOP letter's paraf chain and signer are columns of the SOP (decision 0015): drafted in a
unit that maps PPL's "Sekcam" column to its Wakil Camat and its "Camat" column to a Plt. post,
the Surat Perintah is initialled and signed by those positions, and the Sekcam and the Camat
of the unit are not asked. A unit that adopted nothing keeps the positions coded as the roles
(the other SOP letter tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.core.errors import Invalid, NotAllowed
from trantib.letters.models import LetterState
from trantib.sops.services import sop_adopt

from .sop_desk import WIB, Desk

pytestmark = pytest.mark.django_db


def _holder(unit: OrgUnit, code: str, name: str, login: str) -> Position:
    position = Position.objects.create(unit=unit, code=code, name=name)
    user = get_user_model().objects.create_user(username=login, password="x-Rahasia-123")
    person = Person.objects.create(user=user, full_name=login.title(), kind="asn")
    Assignment.objects.create(person=person, position=position, valid_from=dt.date(2020, 1, 1))
    return position


def test_the_paraf_and_the_signature_go_to_the_positions_the_unit_maps_the_columns_to(demo_org):
    cpd = demo_org.unit("CPD")
    wakil = _holder(cpd, "wakil_camat", "Wakil Camat", "wakil.cpd")
    plt = _holder(cpd, "camat_plt", "Plt. Camat", "plt.cpd")
    sop_adopt(
        unit=cpd,
        code="PPL",
        version=2,
        positions={"sekcam": wakil.pk, "camat": plt.pk},
        actor=demo_org.person("camat.cpd"),
    )
    desk = Desk(demo_org, dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB))
    case = desk.start(
        "PPL",
        "CPD",
        "kasi.cpd",
        "Penertiban rumah kos di Jl. Bouraq",
        data={
            "sumber": "Lurah Poris Plawad",
            "lokasi": {"address": "Jl. Bouraq No. 12, Poris Plawad"},
            "uraian": "Rumah kos diduga dipakai untuk praktik prostitusi",
        },
    )
    desk.complete(case, "perintah_camat", "plt.cpd", {"perintah": "Tertibkan minggu ini"})
    team = [desk.who(login).pk for login in ("danru.cpd", "anggota1.cpd")]
    letter = desk.draft(case, "draft_surat_perintah", "kasi.cpd", {"data": {"personel": team}})
    assert (letter.paraf_roles, letter.signer_role) == (["wakil_camat"], "camat_plt")
    letter = desk.submit(letter, "kasi.cpd")
    assert [r.role for r in letter.reviews.all()] == ["wakil_camat"]
    desk.complete(case, "draft_surat_perintah", "kasi.cpd")
    # The step of the Sekcam column waits for its paraf: the Wakil Camat's, not the Sekcam's.
    with pytest.raises(Invalid, match="belum diparaf"):
        desk.complete(case, "verifikasi_surat_perintah", "wakil.cpd", decision="tidak ada koreksi")
    with pytest.raises(NotAllowed):
        desk.initial(letter, "sekcam.cpd")
    letter = desk.initial(letter, "wakil.cpd")
    assert letter.state == LetterState.APPROVED
    desk.complete(case, "verifikasi_surat_perintah", "wakil.cpd", decision="tidak ada koreksi")
    with pytest.raises(NotAllowed, match=r"Plt\. Camat"):
        desk.sign(letter, "camat.cpd")
    letter = desk.sign(letter, "plt.cpd")
    assert letter.signer == desk.who("plt.cpd")
