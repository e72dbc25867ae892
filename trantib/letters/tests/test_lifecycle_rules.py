"""The rules of a letter's life the review found loose: who attaches the signed copy and what it
must be, when a delivery can have happened, the addressee's e-mail, whose officers a team may
name, a body where the body is the letter, the paraf chain, who sends a draft, and what the
audit keeps of each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.core.audit import audit_events
from trantib.core.errors import Invalid, NotAllowed
from trantib.letters.models import LetterState, SignMode
from trantib.letters.services import (
    letter_deliver,
    letter_draft,
    letter_edit,
    letter_email_send,
    letter_number,
    letter_signed_copy_attach,
    letter_submit,
    settings_for,
)
from trantib.letters.tests.support import SCAN, pdf_signed_outside, png, png_bomb
from trantib.letters.tests.test_pages import draft, signed
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_deliver


def numbered(demo_org, **kw):
    camat = demo_org.person("camat.cpd")
    letter = letter_submit(letter=draft(demo_org, actor="camat.cpd", paraf=(), **kw), actor=camat)
    return letter_number(letter=letter, actor=camat)


def outside_tte(unit) -> None:
    row = settings_for(unit)
    row.sign_mode = SignMode.EXTERNAL
    row.save()


# -- the signed copy ---------------------------------------------------------------------------


def test_only_the_signer_attaches_the_signed_copy(demo_org):
    letter = numbered(demo_org)
    for outsider_of_the_signature in ("kasi.cpd", "sekcam.cpd", "staf.cpd"):
        with pytest.raises(NotAllowed):
            letter_signed_copy_attach(
                letter=letter,
                actor=demo_org.person(outsider_of_the_signature),
                content=SCAN,
                filename="s.pdf",
            )
    letter.refresh_from_db()
    assert letter.state == LetterState.NUMBERED
    done = letter_signed_copy_attach(
        letter=letter, actor=demo_org.person("camat.cpd"), content=SCAN, filename="s.pdf"
    )
    assert done.state == LetterState.SIGNED


def test_a_signed_copy_must_be_a_pdf_that_parses(demo_org):
    letter = numbered(demo_org)
    camat = demo_org.person("camat.cpd")
    for junk in (b"%PDF-1.7\n% a signed scan\n%%EOF\n", b"%PDF-" + b"\0" * 100, b"GIF89a"):
        with pytest.raises(Invalid) as refused:
            letter_signed_copy_attach(letter=letter, actor=camat, content=junk, filename="s.pdf")
        assert refused.value.field == "file"


def test_an_outside_tte_copy_needs_an_intact_signature_and_records_its_signer(demo_org):
    outside_tte(demo_org.unit("CPD"))
    letter = numbered(demo_org)
    assert letter.sign_mode == SignMode.EXTERNAL
    camat = demo_org.person("camat.cpd")
    with pytest.raises(Invalid, match="tidak memuat tanda tangan") as unsigned:
        letter_signed_copy_attach(letter=letter, actor=camat, content=SCAN, filename="s.pdf")
    assert unsigned.value.field == "file"
    signed_pdf = pdf_signed_outside(name="H. Rahmat Hidayat")
    broken = bytearray(signed_pdf)
    broken[signed_pdf.index(b"Pindaian")] ^= 0x01  # a byte of the signed page
    with pytest.raises(Invalid, match="tidak utuh"):
        letter_signed_copy_attach(
            letter=letter, actor=camat, content=bytes(broken), filename="s.pdf"
        )
    done = letter_signed_copy_attach(
        letter=letter, actor=camat, content=signed_pdf, filename="ttd.pdf"
    )
    assert done.state == LetterState.SIGNED
    event = audit_events(done).get(type="letter_signed")
    # An outside CA (BSrE) Trantib does not know: recorded as not trusted, not refused.
    assert event.data["signature"]["signer_name"] == "H. Rahmat Hidayat"
    assert event.data["signature"]["trusted"] is False
    assert event.data["signed_by"] == "H. Rahmat Hidayat"


# -- delivery ----------------------------------------------------------------------------------


def test_a_delivery_counts_from_the_letters_date_not_from_when_its_scan_was_attached(demo_org):
    camat = demo_org.person("camat.cpd")
    letter = numbered(demo_org)
    zone = letter.unit.zone()
    handed = dt.datetime.combine(letter.dated, dt.time(9, 0), tzinfo=zone)
    # The wet-signed letter is handed over in the morning and its scan attached two days later.
    letter = letter_signed_copy_attach(
        letter=letter,
        actor=camat,
        content=SCAN,
        filename="s.pdf",
        now=handed + dt.timedelta(days=2),
    )
    delivery = letter_deliver(
        letter=letter,
        actor=camat,
        received_by="Budi",
        received_at=handed,
        now=handed + dt.timedelta(days=2),
    )
    assert delivery.received_at == handed
    before = dt.datetime.combine(letter.dated, dt.time(0, 0), tzinfo=zone) - dt.timedelta(minutes=1)
    with pytest.raises(Invalid) as refused:
        letter_deliver(
            letter=letter,
            actor=camat,
            received_by="Budi",
            received_at=before,
            now=handed + dt.timedelta(days=2),
        )
    assert refused.value.field == "received_at" and "tanggal surat" in refused.value.message


@pytest.mark.parametrize(
    "photo",
    [b"\x89PNG\r\n\x1a\n" + b"\0" * 32, b"\xff\xd8" + b"\0" * 32, png_bomb()],
    ids=["png-magic-only", "jpeg-magic-only", "png-declaring-30000x30000"],
)
def test_a_delivery_photo_must_be_a_real_image(demo_org, photo):
    letter = signed(demo_org)
    with pytest.raises(Invalid) as refused:
        letter_deliver(
            letter=letter,
            actor=demo_org.person("kasi.cpd"),
            received_by="Budi",
            received_at=timezone.now(),
            photo=photo,
            photo_name="terima.png",
        )
    assert refused.value.field == "photo"
    ok = letter_deliver(
        letter=letter,
        actor=demo_org.person("kasi.cpd"),
        received_by="Budi",
        received_at=timezone.now(),
        photo=png(),
        photo_name="terima.png",
    )
    assert ok.photo.name.endswith(".png")


# -- the addressee's e-mail --------------------------------------------------------------------


def test_the_recipient_email_is_checked_and_its_change_audited(demo_org):
    with pytest.raises(Invalid) as refused:
        draft(demo_org, recipient_email="budi di rumah")
    assert refused.value.field == "recipient_email"
    letter = draft(demo_org, recipient_email="budi@example.id")
    kasi = demo_org.person("kasi.cpd")
    with pytest.raises(Invalid):
        letter_edit(letter=letter, actor=kasi, changes={"recipient_email": "budi@"})
    letter_edit(letter=letter, actor=kasi, changes={"recipient_email": "budi.s@example.id"})
    drafted, edited = (e.data for e in audit_events(letter))
    assert drafted["recipient_email"] == "budi@example.id"
    assert edited["changes"]["recipient_email"] == {
        "before": "budi@example.id",
        "after": "budi.s@example.id",
    }


def test_the_outbox_keeps_no_address_once_the_letter_is_sent(demo_org, settings, tmp_path):
    settings.TRANTIB_OUTBOX_GATEWAYS = {"sms": "file", "email": "email"}
    settings.TRANTIB_OUTBOX_DIR = tmp_path
    letter = signed(demo_org, recipient_email="budi@example.id")
    message = letter_email_send(letter=letter, actor=demo_org.person("kasi.cpd"))
    assert message.redact_after_send and message.recipient == "budi@example.id"
    outbox_deliver(now=timezone.now() + dt.timedelta(seconds=1))
    message = OutboxMessage.objects.get(pk=message.pk)
    assert message.status == OutboxMessage.Status.SENT and message.recipient == ""
    [sent] = mail.outbox
    assert sent.to == ["budi@example.id"]
    letter.refresh_from_db()
    assert letter.recipient_email == "budi@example.id"  # the letter keeps it


# -- the team a letter names -------------------------------------------------------------------


def _sub_unit_officer(demo_org) -> Person:
    """An officer of a post under Satpol PP Kota Tangerang."""
    pos = OrgUnit.objects.create(
        code="PPTNG-POS1",
        name="Pos Satpol PP Terminal",
        kind="satpol_pp",
        parent=demo_org.unit("PPTNG"),
    )
    position = Position.objects.create(unit=pos, code="anggota_pos", name="Anggota Pos")
    person = Person.objects.create(full_name="Sigit Anggota Pos", kind="other")
    Assignment.objects.create(person=person, position=position, valid_from=dt.date(2020, 1, 1))
    return person


def test_a_team_takes_officers_of_the_unit_and_below_it_not_the_whole_city(demo_org):
    kasat = demo_org.person("kasat.pptng")
    unit = demo_org.unit("PPTNG")

    def spt(team: list[int]):
        return letter_draft(
            unit=unit,
            kind="surat_perintah_tugas",
            actor=kasat,
            hal="Penertiban terminal",
            signer_role="kasat_pol_pp",
            data={"personel": team},
        )

    below = _sub_unit_officer(demo_org)
    petugas = demo_org.person("petugas1.pptng")
    assert spt([petugas.pk, below.pk]).data["personel"] == [petugas.pk, below.pk]
    for outsider in ("kasi.cpd", "sekda.tng"):  # a kecamatan's officer, the city's Sekda
        person = demo_org.person(outsider)
        with pytest.raises(Invalid) as refused:
            spt([petugas.pk, person.pk])
        assert refused.value.field == "data.personel"
        assert person.full_name in refused.value.message
    # An assignment that ended is not an officer today.
    Assignment.objects.filter(person=below).update(valid_until=unit.today() - dt.timedelta(days=1))
    with pytest.raises(Invalid):
        spt([below.pk])


# -- the body, the paraf chain, who sends it ----------------------------------------------------


@pytest.mark.parametrize("kind", ["nota_dinas", "surat_pemberitahuan"])
def test_a_letter_whose_body_is_the_letter_needs_one_before_paraf(demo_org, kind):
    data = {"dari": "Kasi Trantib"} if kind == "nota_dinas" else {}
    letter = draft(demo_org, kind=kind, body="", recipient="Camat Cipondoh", data=data)
    kasi = demo_org.person("kasi.cpd")
    with pytest.raises(Invalid) as refused:
        letter_submit(letter=letter, actor=kasi)
    assert refused.value.field == "body"
    letter = letter_edit(letter=letter, actor=kasi, changes={"body": "Bersama ini kami sampaikan."})
    assert letter_submit(letter=letter, actor=kasi).state == LetterState.REVIEW


def test_the_paraf_chain_names_each_position_once_and_never_the_signer(demo_org):
    with pytest.raises(Invalid) as twice:
        draft(demo_org, paraf=("sekcam", "sekcam"))
    assert twice.value.field == "paraf_roles"
    with pytest.raises(Invalid) as signer:
        draft(demo_org, paraf=("sekcam", "camat"))
    assert signer.value.field == "paraf_roles"


def test_the_signer_does_not_send_another_persons_draft(demo_org):
    letter = draft(demo_org)  # the Kasi's
    with pytest.raises(NotAllowed):
        letter_submit(letter=letter, actor=demo_org.person("camat.cpd"))
    letter.refresh_from_db()
    assert letter.state == LetterState.DRAFT
    assert letter_submit(letter=letter, actor=demo_org.person("kasi.cpd")).state == (
        LetterState.REVIEW
    )


def test_the_submit_event_names_the_paraf_the_drafter_skipped(demo_org):
    # The Sekcam drafts a letter whose chain starts with his own paraf: it is skipped, and
    # the event says so.
    letter = draft(demo_org, actor="sekcam.cpd", paraf=("sekcam", "kasi_trantib"))
    letter = letter_submit(letter=letter, actor=demo_org.person("sekcam.cpd"))
    event = audit_events(letter).get(type="letter_submitted")
    assert event.data["paraf"] == ["kasi_trantib"] and event.data["skipped"] == ["sekcam"]
