"""Every text a letters service stores fits its column and holds no NUL: a refusal naming the
field, never a ``DataError`` (PostgreSQL) or a ``TypeError``. Run on SQLite and on PostgreSQL
(``DATABASE_URL=postgres://…``), where a NUL or an over-long value used to be a 500."""

from __future__ import annotations

import pytest
from django.utils import timezone

from trantib.core.errors import Invalid
from trantib.letters.services import (
    disposition_create,
    disposition_done,
    incoming_record,
    letter_cancel,
    letter_deliver,
    letter_edit,
    letter_initial,
    letter_number,
    letter_return,
    letter_signed_copy_attach,
    letter_submit,
)
from trantib.letters.tests.support import SCAN
from trantib.letters.tests.test_pages import draft, signed

NUL = "Budi\x00Santoso"


def refused(call, field: str) -> Invalid:
    with pytest.raises(Invalid) as caught:
        call()
    assert caught.value.field == field, caught.value.message
    return caught.value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hal", NUL),
        ("hal", "x" * 301),
        ("lampiran", "x" * 101),
        ("recipient", NUL),
        ("recipient_address", "x" * 1001),
        ("tembusan", NUL),
        ("body", NUL),
        ("recipient_email", "bukan-email"),
        ("recipient_email", "a@" + "b" * 250 + ".id"),
    ],
)
def test_a_draft_refuses_a_nul_or_an_over_long_header_naming_the_field(demo_org, field, value):
    refused(lambda: draft(demo_org, **{field: value}), field)
    letter = draft(demo_org)
    refused(
        lambda: letter_edit(
            letter=letter, actor=demo_org.person("kasi.cpd"), changes={field: value}
        ),
        field,
    )


def test_the_kinds_own_fields_refuse_a_nul_and_an_over_long_text(demo_org):
    letter = draft(demo_org)
    kasi = demo_org.person("kasi.cpd")

    def edit(**data):
        return lambda: letter_edit(letter=letter, actor=kasi, changes={"data": data})

    refused(edit(pelanggar_nama=NUL), "data.pelanggar_nama")
    refused(edit(lokasi="x" * 301), "data.lokasi")
    refused(edit(kewajiban="x" * 5001), "data.kewajiban")
    refused(edit(dasar=["Perda 8/2018", NUL]), "data.dasar")


def test_edit_and_draft_refuse_shapes_they_cannot_read(demo_org):
    letter = draft(demo_org)
    kasi = demo_org.person("kasi.cpd")
    refused(lambda: letter_edit(letter=letter, actor=kasi, changes={"data": [1]}), "data")
    refused(lambda: letter_edit(letter=letter, actor=kasi, changes={"hal": 5}), "hal")
    refused(lambda: draft(demo_org, coordination=["Kabag Hukum", 7]), "coordination")
    refused(lambda: draft(demo_org, coordination=[NUL]), "coordination")
    refused(lambda: draft(demo_org, paraf_roles="sekcam"), "paraf_roles")
    made = draft(demo_org, coordination=[" Kabag Hukum ", ""])
    assert made.coordination == [{"jabatan": "Kabag Hukum"}]
    lines = draft(demo_org, coordination="Kabag Hukum\n\nKasat Pol PP")
    assert lines.coordination == [{"jabatan": "Kabag Hukum"}, {"jabatan": "Kasat Pol PP"}]


def test_notes_reasons_and_the_tanda_terima_refuse_a_nul(demo_org):
    kasi, sekcam, camat = (demo_org.person(u) for u in ("kasi.cpd", "sekcam.cpd", "camat.cpd"))
    letter = letter_submit(letter=draft(demo_org), actor=kasi)
    refused(lambda: letter_initial(letter=letter, actor=sekcam, note=NUL), "note")
    refused(lambda: letter_return(letter=letter, actor=sekcam, note="x" * 2001), "note")
    refused(lambda: letter_cancel(letter=letter, actor=kasi, reason=NUL), "reason")
    letter = letter_number(letter=letter_initial(letter=letter, actor=sekcam), actor=camat)
    refused(
        lambda: letter_signed_copy_attach(
            letter=letter, actor=camat, content=SCAN, filename="s.pdf", signed_by=NUL
        ),
        "signed_by",
    )
    done = signed(demo_org)
    now = timezone.now()
    refused(
        lambda: letter_deliver(letter=done, actor=kasi, received_by=NUL, received_at=now),
        "received_by",
    )
    refused(
        lambda: letter_deliver(
            letter=done, actor=kasi, received_by="Budi", received_at=now, place="x" * 301
        ),
        "place",
    )
    # A file name is the uploader's device's business: cleaned, never a refusal.
    kept = letter_signed_copy_attach(
        letter=letter, actor=camat, content=SCAN, filename="scan\x00.pdf"
    )
    assert kept.state == "signed"


def test_incoming_letters_and_dispositions_refuse_a_nul(demo_org):
    unit, staf, camat = (
        demo_org.unit("CPD"),
        demo_org.person("staf.cpd"),
        demo_org.person("camat.cpd"),
    )
    today = unit.today()

    def record(**kw):
        args = {
            "unit": unit,
            "actor": staf,
            "received_on": today,
            "sender": "Ketua RW 05",
            "number": "012/RW05",
            "dated": today,
            "subject": "Undangan rapat",
        }
        args.update(kw)
        return incoming_record(**args)

    refused(lambda: record(sender=NUL), "sender")
    refused(lambda: record(subject="x" * 501), "subject")
    refused(lambda: record(note=NUL), "note")
    incoming = record()
    refused(
        lambda: disposition_create(
            incoming=incoming, actor=camat, to_role="kasi_trantib", instruction=NUL
        ),
        "instruction",
    )
    refused(
        lambda: disposition_create(
            incoming=incoming, actor=camat, to_role="kasi\x00trantib", instruction="Hadiri"
        ),
        "to_role",
    )
    disposition = disposition_create(
        incoming=incoming, actor=camat, to_role="kasi_trantib", instruction="Hadiri"
    )
    refused(
        lambda: disposition_done(
            disposition=disposition, actor=demo_org.person("kasi.cpd"), note=NUL
        ),
        "note",
    )
