"""The officer's letter pages: the register, a letter and each action on it, the draft editor,
a letter drafted by hand, the unit's settings — each shown to the right people, a 404 for an
outsider, a service's refusal beside its input and never a 500."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from PIL import Image

from trantib.core.audit import audit_events
from trantib.letters.models import Letter, LetterSettings, LetterState, Register, SignMode
from trantib.letters.services import (
    letter_draft,
    letter_initial,
    letter_number,
    letter_return,
    letter_signed_copy_attach,
    letter_submit,
)
from trantib.letters.signing import pdf_validate
from trantib.letters.tests.support import SCAN as PDF
from trantib.outbox.gateways import EmailGateway
from trantib.outbox.models import OutboxMessage

TEGURAN = {
    "tingkat": "1",
    "pelanggar_nama": "Budi Santoso",
    "lokasi": "Jl. Raya Cipondoh",
    "perda": "Perda 8/2018 Pasal 5",
    "kewajiban": "Membongkar lapak",
    "tempo": "7 hari kerja",
}


def draft(demo_org, *, actor="kasi.cpd", paraf=("sekcam",), **kw) -> Letter:
    args = {
        "unit": demo_org.unit("CPD"),
        "kind": "surat_teguran",
        "actor": demo_org.person(actor),
        "hal": "Teguran I pedagang kaki lima",
        "signer_role": "camat",
        "paraf_roles": list(paraf),
        "recipient": "Sdr. Budi Santoso\npemilik warung",
        "body": "Dengan ini kami menegur Saudara.",
        "data": TEGURAN,
    }
    args.update(kw)
    return letter_draft(**args)


def signed(demo_org, **kw) -> Letter:
    """A letter drafted, numbered and signed (wet) by the Camat of Cipondoh."""
    camat = demo_org.person("camat.cpd")
    letter = letter_submit(letter=draft(demo_org, actor="camat.cpd", paraf=(), **kw), actor=camat)
    letter = letter_number(letter=letter, actor=camat)
    return letter_signed_copy_attach(letter=letter, actor=camat, content=PDF, filename="s.pdf")


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def png(size=(40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


# -- who sees what ---------------------------------------------------------------------------


def test_every_page_of_a_letter_opens_for_its_unit_and_is_not_found_for_an_outsider(demo_org):
    letter = draft(demo_org)
    kasi, outsider = client_for(demo_org, "kasi.cpd"), client_for(demo_org, "kasi.krw")
    pages = [
        reverse("letters:letter", args=[letter.pk]),
        reverse("letters:edit", args=[letter.pk]),
        reverse("letters:pdf", args=[letter.pk]),
    ]
    for url in pages:
        assert kasi.get(url).status_code == 200, url
        assert outsider.get(url).status_code == 404, url
    for name in ("submit", "initial", "return", "number", "deliver", "email", "cancel"):
        response = outsider.post(reverse(f"letters:{name}", args=[letter.pk]), {"note": "x"})
        assert response.status_code == 404, name
    assert letter.hal not in text(outsider.get(reverse("letters:register")))
    page = text(kasi.get(reverse("letters:register")))
    assert letter.hal in page and "Surat Teguran I" in page
    pdf = kasi.get(reverse("letters:pdf", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"  # the letter page frames it
    assert Client().get(reverse("letters:register")).status_code == 302  # to the login


def test_the_letter_page_shows_the_facts_the_chain_the_preview_and_the_history(demo_org):
    letter = letter_submit(letter=draft(demo_org), actor=demo_org.person("kasi.cpd"))
    page = text(client_for(demo_org, "camat.cpd").get(reverse("letters:letter", args=[letter.pk])))
    assert "Teguran I pedagang kaki lima" in page
    assert "Sekretaris Kecamatan Cipondoh" in page  # the paraf chain
    assert "Menunggu paraf" in page
    assert f'src="/surat/{letter.pk}/surat.pdf?v=' in page  # the inline preview
    assert "Konsep dibuat" in page and "Diajukan untuk paraf" in page  # the history
    assert "Agus Setiawan" in page  # who drafted it
    assert "Paraf sebagai" not in page  # the Camat does not initial: the Sekcam does


def test_the_drafter_of_another_cannot_edit_and_is_sent_back_to_the_letter(demo_org):
    letter = draft(demo_org, actor="camat.cpd")
    response = client_for(demo_org, "kasi.cpd").get(reverse("letters:edit", args=[letter.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:letter", args=[letter.pk])


# -- the register ------------------------------------------------------------------------------


def test_the_register_filters_by_kind_state_signer_period_and_number(demo_org):
    one = signed(demo_org, hal="Teguran warung Budi")
    two = draft(demo_org, kind="nota_dinas", hal="Nota rapat koordinasi", data={"dari": "Kasi"})
    client = client_for(demo_org, "camat.cpd")

    def listed(**params) -> str:
        return text(client.get(reverse("letters:register"), params))

    assert "Nota rapat" in listed(jenis="nota_dinas")
    assert "Teguran warung" not in listed(jenis="nota_dinas")
    assert "Teguran warung" in listed(status="signed")
    assert "Nota rapat" not in listed(status="signed")
    assert "Teguran warung" in listed(penanda=one.signer_name)
    assert "Nota rapat" not in listed(penanda=one.signer_name)
    assert "Teguran warung" in listed(q=one.number[-9:])
    assert "Nota rapat" not in listed(q=one.number)
    tomorrow = (one.dated + dt.timedelta(days=1)).isoformat()
    assert "Teguran warung" not in listed(dari=tomorrow)
    assert "Teguran warung" in listed(sampai=one.dated.isoformat())
    assert "Tanggal tidak dikenal" in listed(dari="31/02/2026")  # shown, not a 500
    assert two.pk and "2 surat" in listed()


def test_the_register_filters_by_a_unit_with_its_subtree_and_by_the_sop_of_the_case(demo_org):
    from trantib.cases.services import case_start

    case = case_start(
        sop_code="PPL",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("kasi.cpd"),
        subject="Rumah kos Jl. Bouraq",
        data={"sumber": "Lurah", "lokasi": {"address": "Jl. Bouraq"}, "uraian": "Laporan warga"},
    )
    signed(demo_org, hal="Teguran dari kasus PPL", case=case)
    signed(demo_org, hal="Teguran tanpa kasus")
    krw = demo_org.person("camat.krw")
    other = letter_submit(
        letter=draft(
            demo_org, unit=demo_org.unit("KRW"), actor="camat.krw", paraf=(), hal="Teguran Karawaci"
        ),
        actor=krw,
    )
    assert other.unit.code == "KRW"
    client = client_for(demo_org, "sekda.tng")  # sees the whole city

    def listed(**params) -> str:
        return text(client.get(reverse("letters:register"), params))

    city = listed(unit="PEMKOT-TNG")
    assert all(h in city for h in ("kasus PPL", "tanpa kasus", "Teguran Karawaci"))
    cipondoh = listed(unit="CPD")
    assert "kasus PPL" in cipondoh and "tanpa kasus" in cipondoh
    assert "Teguran Karawaci" not in cipondoh
    ppl = listed(unit="CPD", sop="PPL,PUR")
    assert "kasus PPL" in ppl and "tanpa kasus" not in ppl
    assert "SOP kasus" in ppl  # the filter is shown and kept (hidden inputs) for the next change
    assert 'name="sop" value="PPL,PUR"' in ppl
    assert "Tidak ada surat yang cocok" in listed(unit="TIDAK-ADA")
    assert "Tidak ada surat yang cocok" in listed(unit="CPD\x01", sop="PPW")
    assert client.get(reverse("letters:register"), {"unit": "CPD\x00"}).status_code == 200
    # The Camat of Cipondoh asking for Karawaci sees nothing of it.
    camat = client_for(demo_org, "camat.cpd")
    page = text(camat.get(reverse("letters:register"), {"unit": "KRW"}))
    assert "Teguran Karawaci" not in page and "Tidak ada surat yang cocok" in page
    xlsx = client.get(
        reverse("letters:register_export", args=["csv"]), {"unit": "CPD", "sop": "PPL"}
    )
    body = xlsx.content.decode("utf-8")
    assert "kasus PPL" in body and "tanpa kasus" not in body


def test_perlu_tindakan_saya_lists_paraf_signature_and_returned_drafts(demo_org):
    kasi, sekcam, camat = (demo_org.person(u) for u in ("kasi.cpd", "sekcam.cpd", "camat.cpd"))
    waiting = letter_submit(letter=draft(demo_org, hal="Menunggu paraf"), actor=kasi)
    approved = letter_submit(letter=draft(demo_org, hal="Siap tanda tangan"), actor=kasi)
    letter_initial(letter=approved, actor=sekcam)
    returned = letter_submit(letter=draft(demo_org, hal="Perlu diperbaiki"), actor=kasi)
    client_for(demo_org, "sekcam.cpd").post(
        reverse("letters:return", args=[returned.pk]), {"note": "Pasal kurang"}
    )

    def todo(username: str) -> str:
        page = text(client_for(demo_org, username).get(reverse("letters:register")))
        strip = re.search(r'<section class="card todo".*?</section>', page)
        return strip.group(0) if strip else ""

    assert "Menunggu paraf" in todo("sekcam.cpd") and "Siap tanda" not in todo("sekcam.cpd")
    assert "Siap tanda tangan" in todo("camat.cpd") and "Menunggu paraf" not in todo("camat.cpd")
    assert "Perlu diperbaiki" in todo("kasi.cpd") and "Dikembalikan, perbaiki" in todo("kasi.cpd")
    assert todo("anggota1.cpd") == ""
    assert camat and waiting


def test_the_register_page_runs_a_bounded_number_of_queries(
    demo_org, django_assert_max_num_queries
):
    camat = demo_org.person("camat.cpd")
    for i in range(30):
        letter = draft(demo_org, actor="camat.cpd", paraf=(), hal=f"Surat ke-{i}")
        if i % 3 == 0:
            letter_number(letter=letter_submit(letter=letter, actor=camat), actor=camat)
    client = client_for(demo_org, "camat.cpd")
    client.get(reverse("letters:register"))  # settings rows made on first use
    # (16: the navigation's registers read the positions of the person's units, one query)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("letters:register"), {"halaman": 1})
    assert response.status_code == 200
    assert "30 surat" in text(response)


# -- the actions ------------------------------------------------------------------------------


def test_a_letter_goes_from_the_editor_through_paraf_number_scan_delivery_and_email(demo_org):
    kasi, sekcam, camat = (client_for(demo_org, u) for u in ("kasi.cpd", "sekcam.cpd", "camat.cpd"))
    letter = draft(demo_org, data={"tingkat": "1"})
    edit = reverse("letters:edit", args=[letter.pk])
    page = text(kasi.get(edit))
    assert "Nama pelanggar" in page and "Kepada Yth." in page

    # Submitting with a required field empty: saved, not submitted, the error beside it.
    form = {
        "hal": "Teguran I",
        "sifat": "Segera",
        "lampiran": "-",
        "recipient": "Sdr. Budi Santoso",
        "recipient_email": "budi@example.id",
        "body": "Dengan ini kami menegur Saudara.",
        "data.tingkat": "1",
        "data.lokasi": "Jl. Raya Cipondoh",
        "data.perda": "Perda 8/2018 Pasal 5",
        "data.kewajiban": "Membongkar lapak",
        "data.tempo": "7 hari kerja",
        "then": "submit",
    }
    response = kasi.post(edit, form)
    assert response.status_code == 422
    assert re.search(
        r'id="f-data-pelanggar-nama-error"[^>]*>Nama pelanggar wajib diisi', text(response)
    )
    letter.refresh_from_db()
    assert letter.state == LetterState.DRAFT and letter.sifat == "Segera"

    response = kasi.post(edit, {**form, "data.pelanggar_nama": "Budi Santoso"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.REVIEW

    url = reverse("letters:letter", args=[letter.pk])
    # A return needs a note; the note then stands on the page for the drafter.
    response = sekcam.post(reverse("letters:return", args=[letter.pk]), {"note": " "})
    assert response.status_code == 422
    assert "Tulis catatan" in text(response)
    sekcam.post(reverse("letters:return", args=[letter.pk]), {"note": "Pasal belum lengkap"})
    page = text(kasi.get(url))
    assert "Dikembalikan oleh Dra. Siti Nurhasanah" in page and "Pasal belum lengkap" in page
    kasi.post(edit, {**form, "data.pelanggar_nama": "Budi Santoso", "data.perda": "Pasal 5 (1)"})

    # The Camat may not initial in the Sekcam's place: refused on the page, not a 500.
    response = camat.post(reverse("letters:initial", args=[letter.pk]))
    assert response.status_code == 403
    assert "Paraf berikutnya adalah Sekretaris Kecamatan Cipondoh" in text(response)
    assert sekcam.post(reverse("letters:initial", args=[letter.pk])).status_code == 302

    response = camat.post(reverse("letters:number", args=[letter.pk]), follow=True)
    letter.refresh_from_db()
    assert letter.state == LetterState.NUMBERED
    assert letter.number in text(response)
    assert letter.number.startswith("300.1.2.1/")

    signed_copy = reverse("letters:signed_copy", args=[letter.pk])
    response = camat.post(signed_copy, {"file": io.BytesIO(b"GIF89a")})
    assert response.status_code == 422
    assert re.search(r"bukan PDF", text(response))
    scan = io.BytesIO(PDF)
    scan.name = "pindaian.pdf"
    assert camat.post(signed_copy, {"file": scan}).status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.SIGNED
    assert kasi.get(reverse("letters:pdf", args=[letter.pk])).getvalue() == PDF  # the scan

    deliver = reverse("letters:deliver", args=[letter.pk])
    today = timezone.localtime(timezone.now(), letter.unit.zone())
    response = kasi.post(
        deliver, {"received_by": "", "tanggal": "", "jam": "", "method": "langsung"}
    )
    assert response.status_code == 422
    tomorrow = (today + dt.timedelta(days=2)).date().isoformat()
    response = kasi.post(
        deliver, {"received_by": "Budi", "tanggal": tomorrow, "jam": "10:00", "method": "langsung"}
    )
    assert response.status_code == 422 and "masa depan" in text(response)
    photo = io.BytesIO(png())
    photo.name = "terima.png"
    earlier = (today - dt.timedelta(hours=1)).strftime("%H:%M")
    response = kasi.post(
        deliver,
        {
            "received_by": "Budi Santoso",
            "tanggal": today.date().isoformat(),
            "jam": earlier if today.hour else "00:00",
            "place": "Warung Budi",
            "method": "langsung",
            "photo": photo,
        },
    )
    assert response.status_code == 302
    delivery = letter.deliveries.get()
    assert delivery.received_by == "Budi Santoso" and delivery.photo
    page = text(kasi.get(url))
    assert "Warung Budi" in page
    photo_url = reverse("letters:delivery_photo", args=[letter.pk, delivery.pk])
    assert kasi.get(photo_url).status_code == 200

    # E-mail: queued once with the official PDF, sent with it attached.
    assert kasi.post(reverse("letters:email", args=[letter.pk])).status_code == 302
    response = kasi.post(reverse("letters:email", args=[letter.pk]))
    assert response.status_code == 409 and "sudah dikirim" in text(response)
    message = OutboxMessage.objects.get(kind="letter", ref=f"letter:{letter.pk}")
    assert message.recipient == "budi@example.id" and letter.number in message.subject
    EmailGateway().send(message)
    [sent] = mail.outbox
    [(name, content, kind)] = sent.attachments
    assert content == PDF and kind == "application/pdf" and name.endswith(".pdf")
    assert [e.type for e in audit_events(letter)][-2:] == ["letter_delivered", "letter_sent"]

    # Cancelling needs a reason; the number stays.
    cancel = reverse("letters:cancel", args=[letter.pk])
    assert kasi.post(cancel, {"reason": "salah"}).status_code == 403
    assert camat.post(cancel, {"reason": ""}).status_code == 422
    assert camat.post(cancel, {"reason": "Salah alamat"}).status_code == 302
    letter.refresh_from_db()
    assert letter.state == LetterState.CANCELLED and letter.number
    assert "Salah alamat" in text(kasi.get(url))


def test_the_editor_saves_the_kinds_fields_and_puts_errors_beside_them(demo_org):
    letter = draft(
        demo_org,
        kind="surat_perintah_tugas",
        hal="Penertiban PKL",
        data={},
        recipient="",
    )
    kasi = client_for(demo_org, "kasi.cpd")
    edit = reverse("letters:edit", args=[letter.pk])
    page = text(kasi.get(edit))
    assert "Kepada (petugas)" in page and "Kepada Yth." not in page  # a judul letter
    danru, anggota = demo_org.person("danru.cpd"), demo_org.person("anggota1.cpd")
    assert f'value="{danru.pk}"' in page  # the unit's people as checkboxes
    form = {
        "hal": "Penertiban PKL",
        "body": "",
        "tembusan": "Camat Cipondoh\nArsip",
        "data.dasar": "Perda 8/2018\nLaporan warga",
        "data.personel": [str(danru.pk), str(anggota.pk)],
        "data.untuk": "Menertibkan PKL di Jl. Raya",
        "data.waktu": "Senin, 08.00",
        "data.tempat": "Jl. Raya Cipondoh",
        "then": "preview",
    }
    response = kasi.post(edit, form)
    assert response.status_code == 302 and response["Location"].endswith("#pratinjau")
    letter.refresh_from_db()
    assert letter.data["dasar"] == ["Perda 8/2018", "Laporan warga"]
    assert letter.data["personel"] == [danru.pk, anggota.pk]
    assert letter.tembusan == "Camat Cipondoh\nArsip"

    response = kasi.post(edit, {**form, "hal": " ", "then": "save"})
    assert response.status_code == 422
    assert 'id="f-hal-error"' in text(response)
    outsider = demo_org.person("kasi.krw")
    response = kasi.post(edit, {**form, "data.personel": [str(outsider.pk + 10_000)]})
    assert response.status_code == 422 and "bukan pegawai unit ini" in text(response)


def test_a_letter_is_drafted_by_hand_with_its_signer_and_paraf(demo_org):
    kasi = client_for(demo_org, "kasi.cpd")
    page = text(kasi.get(reverse("letters:new")))
    assert "Camat Cipondoh" in page and "Sekretaris Kecamatan Cipondoh" in page
    response = kasi.post(
        reverse("letters:new"),
        {"kind": "nota_dinas", "unit": "CPD", "hal": "", "signer_role": "camat"},
    )
    assert response.status_code == 422
    response = kasi.post(
        reverse("letters:new"),
        {
            "kind": "nota_dinas",
            "unit": "CPD",
            "hal": "Laporan kegiatan",
            "signer_role": "camat",
            "paraf_1": "sekcam",
        },
    )
    letter = Letter.objects.get(hal="Laporan kegiatan")
    assert response["Location"] == reverse("letters:edit", args=[letter.pk])
    assert letter.paraf_roles == ["sekcam"] and letter.created_by == demo_org.person("kasi.cpd")
    # A unit the person is not in is not offered, and cannot be posted.
    response = kasi.post(
        reverse("letters:new"),
        {"kind": "nota_dinas", "unit": "KRW", "hal": "x", "signer_role": "camat"},
    )
    assert not Letter.objects.filter(unit__code="KRW").exists()


def test_electronic_signing_is_offered_when_the_unit_signs_in_trantib(demo_org):
    LetterSettings.objects.update_or_create(
        unit=demo_org.unit("CPD"), defaults={"sign_mode": SignMode.ELECTRONIC}
    )
    camat = demo_org.person("camat.cpd")
    letter = letter_submit(letter=draft(demo_org, actor="camat.cpd", paraf=()), actor=camat)
    client = client_for(demo_org, "camat.cpd")
    page = text(client.get(reverse("letters:letter", args=[letter.pk])))
    assert "Tandatangani secara elektronik" in page and "Beri nomor dan cetak" not in page
    assert client_for(demo_org, "kasi.cpd").post(
        reverse("letters:sign", args=[letter.pk]), {"passphrase": ""}
    ).status_code in (403, 409)
    letter.refresh_from_db()
    assert letter.state == LetterState.APPROVED and not letter.number
    response = client.post(reverse("letters:sign", args=[letter.pk]), {"passphrase": ""})
    assert response.status_code in (200, 302)
    letter.refresh_from_db()
    assert letter.state == LetterState.SIGNED and letter.number
    assert letter.sign_mode == SignMode.ELECTRONIC
    response = client.get(reverse("letters:pdf", args=[letter.pk]))
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    result = pdf_validate(pdf, unit=letter.unit)
    assert result.signed and result.intact and result.trusted, result


# -- the unit's settings ----------------------------------------------------------------------


def test_only_the_units_head_changes_its_letter_settings_and_each_save_is_audited(demo_org):
    url = reverse("letters:settings")
    assert client_for(demo_org, "kasi.cpd").get(url).status_code == 403
    camat = client_for(demo_org, "camat.cpd")
    assert "Pengaturan surat Kecamatan Cipondoh" in text(camat.get(url))
    form = {
        "unit": "CPD",
        "kop_lines": "PEMERINTAH KOTA TANGERANG\nKECAMATAN CIPONDOH",
        "address_lines": "Jl. KH. Hasyim Ashari No. 23",
        "place": "Tangerang",
        "font": "bookman",
        "font_size": "12",
        "paper": "A4",
        "margin_top": "20",
        "margin_right": "20",
        "margin_bottom": "20",
        "margin_left": "30",
        "sign_mode": "tte_luar",
    }
    logo = io.BytesIO(b"GIF89a not a png")
    logo.name = "logo.gif"
    response = camat.post(url, {**form, "logo": logo})
    assert response.status_code == 422 and "PNG atau JPEG" in text(response)
    big = io.BytesIO(png((1200, 1200)) + b"\0" * (1024 * 1024))
    big.name = "besar.png"
    assert "1 MB" in text(camat.post(url, {**form, "logo": big}))
    logo = io.BytesIO(png())
    logo.name = "logo.png"
    assert camat.post(url, {**form, "logo": logo}).status_code == 302
    row = LetterSettings.objects.get(unit__code="CPD")
    assert (row.font, row.paper, row.margin_left, row.sign_mode) == (
        "bookman",
        "A4",
        30,
        "tte_luar",
    )
    assert row.logo.name.endswith(".png")
    [event] = audit_events(row)
    assert event.type == "letter_settings_saved"
    assert event.data["changes"]["font"] == {"before": "arial", "after": "bookman"}
    assert 'src="data:image/png;base64,' in text(camat.get(url))


def test_a_register_is_added_with_its_pattern_checked_and_its_next_number_previewed(demo_org):
    camat = client_for(demo_org, "camat.cpd")
    save = reverse("letters:register_save")
    form = {
        "unit": "CPD",
        "register": "",
        "regbaru-name": "Register teguran",
        "regbaru-kind": "surat_teguran",
        "regbaru-klasifikasi": "300.1.2",
        "regbaru-unit_code": "Trantib",
        "regbaru-pattern": "{klasifikasi}/{nomor}/{tahun}",
        "regbaru-serial_digits": "3",
    }
    response = camat.post(save, form)
    assert response.status_code == 422 and "token yang tidak dikenal: nomor" in text(response)
    form["regbaru-pattern"] = "{klasifikasi}/{urut}/{unit}/{bulan_romawi}/{tahun}"
    assert camat.post(save, form).status_code == 302
    register = Register.objects.get(unit__code="CPD", kind="surat_teguran")
    assert register.serial_digits == 3
    assert audit_events(register).get().type == "letter_register_saved"
    assert camat.post(save, form).status_code == 422  # the unit has one for that kind

    year = demo_org.unit("CPD").today().year
    preview = camat.get(
        reverse("letters:number_preview"),
        {
            "unit": "CPD",
            "prefix": f"reg{register.pk}",
            f"reg{register.pk}-pattern": "{urut}/{tahun}",
            f"reg{register.pk}-serial_digits": "2",
        },
    )
    assert f"01/{year}" in text(preview)
    bad = camat.get(
        reverse("letters:number_preview"),
        {"unit": "CPD", "prefix": "regbaru", "regbaru-pattern": "{tahun}"},
    )
    assert "harus memuat {urut}" in text(bad)
    page = text(camat.get(reverse("letters:settings")))
    assert "300.1.2/001/Trantib/" in page  # the next number beside the register
    outsider = client_for(demo_org, "camat.krw")
    assert outsider.post(save, {**form, "register": str(register.pk)}).status_code == 404
    register.refresh_from_db()
    assert register.unit.code == "CPD" and register.name == "Register teguran"


def test_the_word_download_is_a_drafts_working_copy_and_a_marked_copy_once_numbered(demo_org):
    letter = draft(demo_org)
    client = client_for(demo_org, "kasi.cpd")
    page = text(client.get(reverse("letters:letter", args=[letter.pk])))
    response = client.get(reverse("letters:docx", args=[letter.pk]))
    assert "Unduh Word (konsep)" in page
    assert response.status_code == 200 and response.content.startswith(b"PK")

    letter = signed(demo_org)
    camat = client_for(demo_org, "camat.cpd")
    page = text(camat.get(reverse("letters:letter", args=[letter.pk])))
    assert "Unduh Word (salinan)" in page and "Unduh PDF" in page
    response = camat.get(reverse("letters:docx", args=[letter.pk]))
    assert response.status_code == 200
    words = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "SALINAN" in words


def test_the_editor_of_a_returned_letter_shows_who_returned_it_when_and_why(demo_org):
    kasi, sekcam = demo_org.person("kasi.cpd"), demo_org.person("sekcam.cpd")
    letter = letter_submit(letter=draft(demo_org), actor=kasi)
    letter_return(letter=letter, actor=sekcam, note="Pasal Perda belum lengkap")
    returned_at = audit_events(letter).get(type="letter_returned").at
    page = text(client_for(demo_org, "kasi.cpd").get(reverse("letters:edit", args=[letter.pk])))
    note = page[page.index("returned-note") :][:600]
    assert "Dikembalikan oleh Dra. Siti Nurhasanah" in note
    assert letter.unit.time_text(returned_at) in note
    assert "Pasal Perda belum lengkap" in note
    assert page.index("returned-note") < page.index('name="hal"')  # at the top of the editor


def test_the_body_is_the_kinds_wording_made_from_the_fields_and_is_rebuilt_on_request(demo_org):
    letter = draft(demo_org, body="", data={"tingkat": "2", "pelanggar_nama": "Budi"})
    assert letter.body.startswith("Berdasarkan hasil pengawasan petugas, Saudara Budi di ……")
    kasi = client_for(demo_org, "kasi.cpd")
    edit = reverse("letters:edit", args=[letter.pk])
    page = text(kasi.get(edit))
    assert "Berdasarkan hasil pengawasan petugas, Saudara Budi" in page  # in the textarea
    assert "masih memuat titik-titik" in page and "Susun ulang isi dari isian" in page
    form = {
        "hal": letter.hal,
        "sifat": "Biasa",
        "recipient": "Sdr. Budi",
        "body": "Teks yang ditulis ulang oleh penyusun.",
        "data.tingkat": "2",
        "data.pelanggar_nama": "Budi",
        "data.surat_sebelumnya": "Surat Teguran I Nomor 300.1/0001/CPD/2026 tanggal 3 Agustus 2026",
        "data.lokasi": "Jl. Raya Cipondoh",
        "data.perda": "Perda 8/2018 Pasal 5",
        "data.kewajiban": "Membongkar lapak.",
        "data.tempo": "3 hari kerja",
    }
    assert kasi.post(edit, {**form, "then": "save"}).status_code == 302
    letter.refresh_from_db()
    assert letter.body == "Teks yang ditulis ulang oleh penyusun."  # the fields leave it be
    assert kasi.post(edit, {**form, "then": "rebuild"}).status_code == 302
    letter.refresh_from_db()
    assert letter.body.startswith(
        "Menindaklanjuti Surat Teguran I Nomor 300.1/0001/CPD/2026 tanggal 3 Agustus 2026, "
        "berdasarkan hasil pengawasan petugas, Saudara Budi di Jl. Raya Cipondoh telah "
        "melanggar Perda 8/2018 Pasal 5."
    )
    assert "dengan Surat Teguran II ini Saudara wajib:\n\nMembongkar lapak." in letter.body
    assert "dalam waktu 3 (tiga) hari kerja sejak surat ini diterima." in letter.body
    assert "……" not in letter.body
    [rebuilt] = [e for e in audit_events(letter) if e.type == "letter_edited"][-1:]
    assert rebuilt.data["changes"]["body"]["before"] == "Teks yang ditulis ulang oleh penyusun."
    assert "masih memuat titik-titik" not in text(kasi.get(edit))


def test_paraf_koordinasi_is_listed_by_the_drafter_and_printed_as_a_stamp_table(demo_org):
    kasi = client_for(demo_org, "kasi.cpd")
    response = kasi.post(
        reverse("letters:new"),
        {
            "kind": "surat_pemberitahuan",
            "unit": "CPD",
            "hal": "Koordinasi penertiban",
            "signer_role": "camat",
            "coordination": "Kepala Bagian Hukum\n\nKapolsek Cipondoh ",
        },
    )
    letter = Letter.objects.get(hal="Koordinasi penertiban")
    assert response["Location"] == reverse("letters:edit", args=[letter.pk])
    assert letter.coordination == [
        {"jabatan": "Kepala Bagian Hukum"},
        {"jabatan": "Kapolsek Cipondoh"},
    ]
    edit = reverse("letters:edit", args=[letter.pk])
    page = text(kasi.get(edit))
    assert "Paraf koordinasi" in page and "Kepala Bagian Hukum\nKapolsek Cipondoh" in (
        kasi.get(edit).content.decode()
    )
    form = {"hal": letter.hal, "sifat": "Biasa", "recipient": "Sdr. Rina", "body": "Isi."}
    kasi.post(edit, {**form, "coordination": "Kepala Dinas Perhubungan"})
    letter.refresh_from_db()
    assert letter.coordination == [{"jabatan": "Kepala Dinas Perhubungan"}]
    assert "Kepala Dinas Perhubungan" in text(kasi.get(reverse("letters:letter", args=[letter.pk])))
    pdf = kasi.get(reverse("letters:pdf", args=[letter.pk])).content
    assert b"%PDF" in pdf[:8]
    [event] = [e for e in audit_events(letter) if e.type == "letter_edited"]
    assert event.data["changes"]["coordination"]["after"] == [
        {"jabatan": "Kepala Dinas Perhubungan"}
    ]


def test_the_site_nav_leads_to_the_letters_and_htmx_gets_only_the_results(demo_org):
    draft(demo_org, hal="Surat untuk htmx")
    client = client_for(demo_org, "kasi.cpd")
    page = text(client.get(reverse("home")))
    assert f'href="{reverse("letters:register")}"' in page and ">Surat</a>" in page
    fragment = text(client.get(reverse("letters:register"), HTTP_HX_REQUEST="true"))
    assert fragment.lstrip().startswith('<section id="results"')
    assert "Surat untuk htmx" in fragment and "<html" not in fragment


def test_an_sms_cannot_carry_an_attachment_and_an_email_keeps_its_file(demo_org):
    from trantib.core.errors import Invalid
    from trantib.outbox.services import outbox_enqueue

    unit = demo_org.unit("CPD")
    with pytest.raises(Invalid) as refused:
        outbox_enqueue(
            unit=unit,
            channel="sms",
            recipient="081234567890",
            body="x",
            attachment=("a.pdf", PDF),
        )
    assert refused.value.field == "attachment"
    message = outbox_enqueue(
        unit=unit,
        channel="email",
        recipient="warga@example.id",
        subject="Surat",
        body="Terlampir.",
        attachment=("surat.pdf", PDF),
    )
    message.refresh_from_db()
    assert message.attachment_name == "surat.pdf"
    with message.attachment.open("rb") as stored:
        assert stored.read() == PDF
