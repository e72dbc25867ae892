"""A letter's life through the services: draft, paraf chain, return, number, signed copy,
delivery, cancel — each refused to whoever may not, each audited."""

from __future__ import annotations

import pytest
from django.utils import timezone

from trantib.core.audit import audit_events
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.letters.models import Letter, LetterState, Register
from trantib.letters.services import (
    letter_cancel,
    letter_deliver,
    letter_draft,
    letter_edit,
    letter_initial,
    letter_number,
    letter_return,
    letter_signed_copy_attach,
    letter_submit,
)
from trantib.letters.tests.support import SCAN as PDF


def _draft(demo_org, **kw):
    kasi = demo_org.person("kasi.cpd")
    args = {
        "unit": demo_org.unit("CPD"),
        "kind": "surat_teguran",
        "actor": kasi,
        "hal": "Teguran I",
        "signer_role": "camat",
        "paraf_roles": ["sekcam"],
        "recipient": "Sdr. Budi (pemilik warung)",
        "body": "Dengan ini kami menegur Saudara.",
        "data": {
            "tingkat": "1",
            "pelanggar_nama": "Budi",
            "lokasi": "Jl. Raya Cipondoh",
            "perda": "Perda 8/2018 Pasal 5",
            "kewajiban": "Membongkar lapak",
            "tempo": "7 hari kerja",
        },
    }
    args.update(kw)
    return letter_draft(**args)


def test_a_letter_goes_from_draft_through_paraf_to_its_number_and_signed_copy(demo_org):
    kasi, sekcam, camat = (demo_org.person(u) for u in ("kasi.cpd", "sekcam.cpd", "camat.cpd"))
    letter = _draft(demo_org)
    assert letter.state == LetterState.DRAFT and letter.number == ""
    letter = letter_submit(letter=letter, actor=kasi)
    assert letter.state == LetterState.REVIEW
    with pytest.raises(NotAllowed, match="Sekretaris"):
        letter_initial(letter=letter, actor=camat)
    letter = letter_return(letter=letter, actor=sekcam, note="Pasal belum lengkap")
    assert letter.state == LetterState.RETURNED
    letter = letter_edit(
        letter=letter, actor=kasi, changes={"data": {"perda": "Perda 8/2018 Pasal 5 ayat (1)"}}
    )
    letter = letter_submit(letter=letter, actor=kasi)
    letter = letter_initial(letter=letter, actor=sekcam)
    assert letter.state == LetterState.APPROVED and letter.number == ""
    with pytest.raises(NotAllowed):
        letter_number(letter=letter, actor=sekcam)
    now = timezone.now()
    letter = letter_number(letter=letter, actor=camat, now=now)
    assert letter.state == LetterState.NUMBERED
    year = timezone.localtime(now, letter.unit.zone()).year
    assert letter.number == f"300.1.2.1/0001/CPD/{year}"
    assert letter.signer_title == "Camat Cipondoh"
    assert letter.signer_id_line == "NIP. 19780512 199803 1 002"
    with pytest.raises(Invalid):
        letter_signed_copy_attach(letter=letter, actor=camat, content=b"GIF89a", filename="x.gif")
    letter = letter_signed_copy_attach(letter=letter, actor=camat, content=PDF, filename="scan.pdf")
    assert letter.state == LetterState.SIGNED and len(letter.official_sha256) == 64
    assert letter.verify_code
    types = [e.type for e in audit_events(letter)]
    assert types == [
        "letter_drafted",
        "letter_submitted",
        "letter_returned",
        "letter_edited",
        "letter_submitted",
        "letter_initialled",
        "letter_numbered",
        "letter_signed",
    ]
    edited = audit_events(letter).get(type="letter_edited").data["changes"]["data"]
    assert edited["before"]["perda"] == "Perda 8/2018 Pasal 5"


def test_numbers_follow_each_other_per_register_and_year(demo_org):
    camat = demo_org.person("camat.cpd")
    numbers = []
    for _ in range(3):
        letter = _draft(demo_org, actor=camat, paraf_roles=[])
        letter = letter_submit(letter=letter, actor=camat)
        numbers.append(letter_number(letter=letter, actor=camat).serial)
    assert numbers == [1, 2, 3]
    register = Register.objects.get(unit=demo_org.unit("CPD"))
    register.pattern = "{klasifikasi}/{urut}/{unit}/{bulan_romawi}/{tahun}"
    register.unit_code = "Trantib"
    register.save()
    letter = letter_submit(letter=_draft(demo_org, actor=camat, paraf_roles=[]), actor=camat)
    letter = letter_number(letter=letter, actor=camat)
    assert letter.number.startswith("300.1.2.1/0004/Trantib/")


def test_a_draft_refuses_bad_input_with_the_field_named(demo_org):
    with pytest.raises(Invalid) as e:
        _draft(demo_org, data={"tingkat": "4"})
    assert e.value.field == "data.tingkat"
    with pytest.raises(Invalid) as e:
        _draft(demo_org, signer_role="bupati")
    assert e.value.field == "signer_role"
    with pytest.raises(Invalid) as e:
        _draft(demo_org, paraf_roles=["sekcam", "kasi_trantib", "danru", "camat"])
    assert e.value.field == "paraf_roles"
    letter = _draft(demo_org, data={"tingkat": "1"})
    with pytest.raises(Invalid) as e:
        letter_submit(letter=letter, actor=demo_org.person("kasi.cpd"))
    assert e.value.field == "data.pelanggar_nama"


def test_an_outsider_cannot_draft_and_a_signed_letter_cannot_change(demo_org):
    with pytest.raises(NotAllowed):
        _draft(demo_org, actor=demo_org.person("kasi.krw"))
    camat = demo_org.person("camat.cpd")
    letter = letter_submit(letter=_draft(demo_org, actor=camat, paraf_roles=[]), actor=camat)
    letter = letter_number(letter=letter, actor=camat)
    with pytest.raises(Conflict):
        letter_edit(letter=letter, actor=camat, changes={"body": "lain"})


def test_a_cancelled_letter_keeps_its_number_and_a_delivery_is_recorded(demo_org):
    camat = demo_org.person("camat.cpd")
    letter = letter_submit(letter=_draft(demo_org, actor=camat, paraf_roles=[]), actor=camat)
    letter = letter_number(letter=letter, actor=camat)
    letter = letter_signed_copy_attach(letter=letter, actor=camat, content=PDF, filename="s.pdf")
    received = timezone.now()  # not an hour ago: before the letter's date just after midnight
    with pytest.raises(Invalid):
        letter_deliver(letter=letter, actor=camat, received_by=" ", received_at=received)
    letter_deliver(
        letter=letter, actor=camat, received_by="Budi", received_at=received, place="Warung"
    )
    number = letter.number
    with pytest.raises(Invalid):
        letter_cancel(letter=letter, actor=camat, reason="")
    with pytest.raises(NotAllowed):
        letter_cancel(letter=letter, actor=demo_org.person("kasi.cpd"), reason="salah")
    letter = letter_cancel(letter=letter, actor=camat, reason="Salah alamat")
    letter.refresh_from_db()
    assert letter.state == LetterState.CANCELLED and letter.number == number
    assert Letter.objects.get(pk=letter.pk).deliveries.count() == 1
