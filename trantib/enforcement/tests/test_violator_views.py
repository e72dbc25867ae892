"""The register's pages as an officer uses them: create with look-alikes, edit, photos, the
history with letters, sanctions and a tipiring hearing, and the repeat flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from trantib.conftest import DemoOrg
from trantib.core.audit import audit_events
from trantib.enforcement import selectors, services
from trantib.enforcement.models import CourtRecord, FindingSource, SanctionApplied, Violator
from trantib.enforcement.tests import ladder_support as support
from trantib.letters.tests import support as letter_support
from trantib.letters.tests.sop_desk import WIB, Desk

from .conftest import NIK_BUDI

NOW = dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB)


def _officer(demo_org: DemoOrg, login: str = "petugas1.pptng") -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _new(**fields: str) -> dict[str, str]:
    return {"unit": "", **{f"v-{k}": v for k, v in fields.items()}}


def test_an_officer_registers_a_person_with_a_photo_and_lands_on_the_page(demo_org: DemoOrg):
    client = _officer(demo_org)
    post = _new(kind="orang", name="Sri Rahayu", nik="3671015708920003", desa="Sukasari")
    post["unit"] = str(demo_org.unit("PPTNG").pk)
    post["photos"] = SimpleUploadedFile("wajah.jpg", letter_support.jpeg(), "image/jpeg")
    response = client.post("/penegakan/pelanggar/baru/", post)
    violator = Violator.objects.get(name="Sri Rahayu")
    assert (
        response.status_code == 302
        and response["Location"] == f"/penegakan/pelanggar/{violator.pk}/"
    )
    page = client.get(response["Location"]).content.decode()
    assert "Perempuan, lahir 17 Agustus 1992" in page
    photo = violator.photos.get()
    assert f"/penegakan/pelanggar/{violator.pk}/foto/{photo.pk}/" in page
    assert client.get(f"/penegakan/pelanggar/{violator.pk}/foto/{photo.pk}/").status_code == 200
    assert [e.type for e in audit_events(violator)] == ["violator.created", "violator.photo_added"]


def test_the_create_form_shows_look_alikes_and_saves_after_the_officer_confirms(
    demo_org: DemoOrg, budi: Violator
):
    client = _officer(demo_org)
    post = _new(kind="orang", name="Budi Hartono", desa="Cibodas", address="Jl. Gatot Subroto 14")
    response = client.post("/penegakan/pelanggar/baru/", post)
    page = response.content.decode()
    assert response.status_code == 422 and "Mungkin sudah terdaftar" in page
    assert f'name="v-violator" value="{budi.pk}"' in page and 'value="Budi Hartono"' in page
    # Picking the suggestion opens the existing violator; nothing new is created.
    picked = client.post("/penegakan/pelanggar/baru/", {**post, "v-violator": str(budi.pk)})
    assert picked["Location"] == f"/penegakan/pelanggar/{budi.pk}/"
    assert Violator.objects.filter(name="Budi Hartono").count() == 1
    # "A different person": saved.
    other = client.post("/penegakan/pelanggar/baru/", {**post, "v-different": "1"})
    assert other.status_code == 302 and Violator.objects.filter(name="Budi Hartono").count() == 2


def test_a_bad_nik_on_the_form_is_shown_beside_its_field(demo_org: DemoOrg):
    client = _officer(demo_org)
    response = client.post(
        "/penegakan/pelanggar/baru/", _new(kind="orang", name="Dodi", nik="3671013102850001")
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="v-nik-error"' in page and "Tanggal lahir pada NIK tidak ada: 31-02-85." in page


def test_a_staf_or_supervisor_cannot_open_the_create_or_edit_forms(
    demo_org: DemoOrg, budi: Violator
):
    client = _officer(demo_org, "sekda.tng")
    assert client.get("/penegakan/pelanggar/baru/").status_code == 404
    assert client.get(f"/penegakan/pelanggar/{budi.pk}/ubah/").status_code == 404
    page = client.get(f"/penegakan/pelanggar/{budi.pk}/").content.decode()
    assert "Catat sanksi" not in page and "Tambah foto" not in page


def test_an_officer_edits_a_violator_and_the_change_is_audited_with_before_and_after(
    demo_org: DemoOrg, budi: Violator
):
    client = _officer(demo_org)
    page = client.get(f"/penegakan/pelanggar/{budi.pk}/ubah/")
    assert page.status_code == 200 and NIK_BUDI in page.content.decode()
    post = {
        "name": "Budi Hartono",
        "nik": NIK_BUDI,
        "phone": "0812-7766-5544",
        "address": "Jl. Gatot Subroto No. 16",
        "desa": "Cibodas",
        "kecamatan": "Cibodas",
        "latitude": "-6.2",
        "longitude": "106.61",
        "note": "",
    }
    response = client.post(f"/penegakan/pelanggar/{budi.pk}/ubah/", post)
    assert response.status_code == 302
    budi.refresh_from_db()
    assert budi.address == "Jl. Gatot Subroto No. 16" and budi.latitude == pytest.approx(-6.2)
    changed = list(audit_events(budi))[-1]
    assert changed.type == "violator.changed"
    assert changed.data["changed"]["address"] == [
        "Jl. Gatot Subroto No. 14 RT 02/RW 05",
        "Jl. Gatot Subroto No. 16",
    ]
    bad = client.post(f"/penegakan/pelanggar/{budi.pk}/ubah/", {**post, "latitude": "abc"})
    assert bad.status_code == 422 and 'id="id_latitude-error"' in bad.content.decode()


def test_a_photo_that_is_not_an_image_is_refused(demo_org: DemoOrg, budi: Violator):
    client = _officer(demo_org)
    response = client.post(
        f"/penegakan/pelanggar/{budi.pk}/foto/",
        {"photos": SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")},
    )
    assert response.status_code == 422
    assert "Unggah foto berformat JPEG, PNG, WebP atau GIF." in response.content.decode()


def test_the_list_filters_by_kind_desa_and_repeat(demo_org: DemoOrg, warung: Violator):
    client = _officer(demo_org)
    assert "Warung Makan" not in client.get("/penegakan/pelanggar/?jenis=orang").content.decode()
    assert "Warung Makan" in client.get("/penegakan/pelanggar/?jenis=usaha").content.decode()
    assert "Budi Hartono" in client.get("/penegakan/pelanggar/?desa=Cibodas").content.decode()
    none = client.get("/penegakan/pelanggar/?desa=Karawaci").content.decode()
    assert "Tidak ada pelanggar yang cocok dengan filter ini." in none
    assert "Budi Hartono" not in client.get("/penegakan/pelanggar/?berulang=1").content.decode()


def test_the_list_filters_by_the_unit_source_and_days_of_an_enforcement_on_the_units_clock(
    demo_org: DemoOrg,
):
    tibum, _reklame = support.catalogue(demo_org, NOW)
    article = support.article(tibum, "Pasal 14")

    def found(name: str, nik: str, at: dt.datetime, source: str) -> None:
        services.finding_open(
            unit=demo_org.unit("PPTNG"),
            actor=demo_org.person("petugas1.pptng"),
            violator=support.violator(demo_org, name, nik),
            articles=[article],
            place="Jl. Sudirman",
            found_at=at,
            source=source,
            now=at + dt.timedelta(minutes=5),
        )

    # 31 October 23.59 WIB is 16.59 UTC: still October on the unit's clock, as 1 October 00.00.
    found(
        "Last Minute", "3671010101800001", dt.datetime(2026, 10, 31, 23, 59, tzinfo=WIB), "patroli"
    )
    found("First Minute", "3671010101800002", dt.datetime(2026, 10, 1, 0, 0, tzinfo=WIB), "manual")
    found("September", "3671010101800003", dt.datetime(2026, 9, 30, 23, 59, tzinfo=WIB), "patroli")
    client = _officer(demo_org)

    def names(**params: str) -> set[str]:
        page = client.get("/penegakan/pelanggar/", params).content.decode()
        return {n for n in ("Last Minute", "First Minute", "September") if n in page}

    october = {"dari": "2026-10-01", "sampai": "2026-10-31"}
    assert names(**october) == {"Last Minute", "First Minute"}
    assert names(**october, sumber="patroli") == {"Last Minute"}
    assert names(**october, sumber="patroli", unit="PPTNG") == {"Last Minute"}
    assert names(**october, unit="PEMKOT-TNG") == {"Last Minute", "First Minute"}  # its subtree
    assert names(dari="2026-10-01", sampai="2026-10-30") == {"First Minute"}
    assert names(sampai="2026-09-30") == {"September"}
    assert names(**october, unit="KRW") == set()
    page = client.get("/penegakan/pelanggar/", {**october, "sumber": "patroli"}).content.decode()
    assert "sumber: Patroli" in page and "1 Oktober 2026 s.d. 31 Oktober 2026" in page
    assert 'type="hidden" name="sumber" value="patroli"' in page  # kept when filters change
    for bad in ({"dari": "2026-13-01"}, {"sumber": "tebakan"}, {"dari": "1/10/2026"}):
        page = client.get("/penegakan/pelanggar/", bad).content.decode()
        assert "Filter temuan tidak dapat dibaca" in page and "First Minute" not in page
    assert client.get("/penegakan/pelanggar/", {"unit": "PP\x00TNG"}).status_code == 200
    csv_text = client.get("/penegakan/pelanggar/ekspor.csv", october | {"sumber": "patroli"})
    assert "Last Minute" in csv_text.content.decode() and "First" not in csv_text.content.decode()


def _finding(demo_org: DemoOrg, violator: Violator, perda, label: str, at: dt.datetime):
    return services.finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        violator=violator,
        articles=[support.article(perda, label)],
        place="Trotoar Jl. Sudirman",
        found_at=at - dt.timedelta(hours=1),
        source=FindingSource.PATROL,
        now=at,
    )


def test_the_violator_page_shows_the_whole_history_and_the_repeat(
    demo_org: DemoOrg, budi: Violator
):
    tibum, reklame = support.catalogue(demo_org, NOW)
    first = _finding(demo_org, budi, tibum, "Pasal 12 ayat (1)", NOW)
    desk = Desk(demo_org, NOW + dt.timedelta(minutes=5))
    letter = desk.draft(first.case, "beri_teguran", "kasat.pptng")
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    # One enforcement on record: the next finding is a repeat.
    assert selectors.violator_is_repeat(Violator.objects.get(pk=budi.pk)) is True
    second = _finding(demo_org, budi, reklame, "Pasal 9", NOW + dt.timedelta(days=3))
    assert second.repeat is True
    client = _officer(demo_org, "kasie.pptng")
    page = client.get(f"/penegakan/pelanggar/{budi.pk}/").content.decode()
    assert "Pelanggaran berulang (2 kali)" in page
    assert "Pasal 12 ayat (1) Perda 8/2018" in page and "Pasal 9 Perda 3/2020" in page
    assert first.case.number in page and second.case.number in page
    letter.refresh_from_db()
    assert letter.number and letter.number in page and "Tingkat tercapai" in page
    listed = client.get("/penegakan/pelanggar/?berulang=1").content.decode()
    assert "Budi Hartono" in listed and "Pelanggaran berulang (2)" in listed
    # A sanction and a tipiring hearing recorded from the page, audited on the enforcement.
    sanction = client.post(
        f"/penegakan/pelanggar/{budi.pk}/sanksi/",
        {
            "enforcement": first.pk,
            "sanction": "penyitaan",
            "applied_on": "21 Juli 2026",
            "reference": "BA/12/VII/2026",
        },
    )
    assert sanction.status_code == 302
    court = client.post(
        f"/penegakan/pelanggar/{budi.pk}/sidang/",
        {
            "enforcement": first.pk,
            "hearing_on": "28/7/2026",
            "court": "Pengadilan Negeri Tangerang",
            "attendance": "verstek",
            "verdict": "Denda",
            "fine": "Rp 500.000",
            "paid_on": "2026-07-30",
        },
    )
    assert court.status_code == 302
    row = CourtRecord.objects.get()
    assert (row.fine, row.attendance, row.paid_on) == (500_000, "verstek", dt.date(2026, 7, 30))
    assert SanctionApplied.objects.get().reference == "BA/12/VII/2026"
    page = client.get(f"/penegakan/pelanggar/{budi.pk}/").content.decode()
    assert "Penyitaan barang · 21 Juli 2026 · BA/12/VII/2026" in page
    assert "28 Juli 2026 · Pengadilan Negeri Tangerang · Verstek (tidak hadir)" in page
    assert [e.type for e in audit_events(first)][-2:] == [
        "enforcement.sanction_applied",
        "enforcement.court_recorded",
    ]
    refused = client.post(
        f"/penegakan/pelanggar/{budi.pk}/sidang/",
        {"enforcement": first.pk, "hearing_on": "28/7/2026", "court": "PN", "attendance": "x"},
    )
    assert refused.status_code == 422
    assert "Pilih kehadiran: hadir atau verstek." in refused.content.decode()
