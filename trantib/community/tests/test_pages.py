"""The Polmas pages: access by unit, the record form on a phone, the recap and its XLSX."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from trantib.community import services
from trantib.community.models import Activity, ActivityStatus, Pos

from .conftest import wita
from .test_record import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(programme) -> Activity:
    from django.utils import timezone

    services.activities_open(now=timezone.now())
    return Activity.objects.filter(pos=Pos.SATRIA).get()


def test_another_units_programme_activity_and_recap_are_404(client, demo_org, opened) -> None:
    client.force_login(demo_org.user("camat.cpd"))
    assert client.get("/polmas/?unit=BINMAS").status_code == 404
    assert client.get(f"/polmas/kegiatan/{opened.pk}/").status_code == 404
    assert client.get("/polmas/rekap/?unit=BINMAS").status_code == 404
    assert client.get("/polmas/rekap.xlsx?unit=BINMAS").status_code == 404
    assert client.get(f"/polmas/jadwal/{opened.rule_id}/").status_code == 404


def test_the_programme_shows_the_rules_and_todays_activities(client, demo_org, opened) -> None:
    client.force_login(demo_org.user("kbo.binmas"))
    page = client.get("/polmas/?unit=BINMAS").content.decode()
    assert "Limba U Dua" in page and "Pos Kamling Biawao" in page and "Pos Satria" in page
    assert f"/polmas/kegiatan/{opened.pk}/" in page


def test_a_banit_cannot_change_the_programme(client, demo_org, programme) -> None:
    client.force_login(demo_org.user("banit1.binmas"))
    assert client.get("/polmas/jadwal/baru/?unit=BINMAS").status_code == 403


def test_the_officer_records_the_activity_through_the_form(client, demo_org, opened) -> None:
    client.force_login(demo_org.user("banit2.binmas"))
    url = f"/polmas/kegiatan/{opened.pk}/"
    assert "Catat kegiatan" in client.get(url).content.decode()
    refused = client.post(
        url + "catat/",
        {"held_at": "kemarin", "held_place": "Pos", "attendance": "3", "topics": "x"},
    )
    assert refused.status_code == 422 and "bukan tanggal dan jam" in refused.content.decode()
    from django.utils import timezone

    now = timezone.localtime(timezone.now(), opened.unit.zone())
    response = client.post(
        url + "catat/",
        {
            "held_at": now.strftime("%Y-%m-%dT%H:%M"),
            "held_place": "Pos Kamling Biawao",
            "attendance": "7",
            "attendees": "Ketua RT 01\nWarga",
            "topics": "Pencurian motor\nRonda malam",
            "kelengkapan": ["Surat perintah tugas", "Soundsystem"],
            "peralatan": ["R4 / R2"],
            "warnings_kept": "on",
            "photos": [
                SimpleUploadedFile("a.png", PNG, content_type="image/png"),
                SimpleUploadedFile("b.png", PNG, content_type="image/png"),
            ],
        },
    )
    assert response.status_code == 302
    opened.refresh_from_db()
    assert len(opened.case.tasks.get().data["dokumentasi"]) == 2
    assert opened.status == ActivityStatus.HELD and opened.attendance == 7
    assert opened.topics == ["Pencurian motor", "Ronda malam"]


def test_the_recap_and_its_xlsx_link_every_number_to_its_activities(
    client, demo_org, programme
) -> None:
    for day in (4, 5, 6):
        services.activities_open(now=wita(day))
    services.activities_mark_missed(now=wita(7, 13))  # after the 12-hour grace
    client.force_login(demo_org.user("kasat.binmas"))
    page = client.get("/polmas/rekap/?unit=BINMAS&bulan=2026-12").content.decode()
    assert "/polmas/kegiatan/?" in page and "status=missed" in page
    listing = client.get(
        "/polmas/kegiatan/?unit=BINMAS&bulan=2026-12&desa=Biawao&pos=pos_satria&status=missed"
    ).content.decode()
    assert listing.count("/polmas/kegiatan/") - 1 >= 3  # three missed Satria days
    response = client.get("/polmas/rekap.xlsx?unit=BINMAS&bulan=2026-12")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A3"].value] == [
        "Rekap kegiatan Polmas",
        "Satbinmas Polres Gorontalo Kota",
        "Desember 2026",
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6, max_row=7)]
    by_desa = {r[1]: r for r in rows}
    satria_planned = 2 + 3 * 2  # columns: officer, desa, then 3 per Pos (Sapta, Mantap, Satria…)
    assert by_desa["Biawao"][satria_planned] == 3
    assert by_desa["Biawao"][satria_planned + 2] == 3  # all missed
    link = sheet.cell(row=6, column=satria_planned + 1).hyperlink
    assert link is not None and "pos_satria" in link.target


def test_search_finds_activities_by_desa_and_topic_within_the_users_units(demo_org, opened) -> None:
    from trantib.core.search import search_run

    services.activity_record(
        activity=opened,
        actor=opened.officer,
        held_at=opened.opened_at,
        held_place="Pos Kamling",
        attendance=3,
        topics=["Pencurian kabel listrik"],
        warnings_kept=True,
        now=opened.opened_at,
    )
    kbo = demo_org.user("kbo.binmas")
    found = dict(search_run(kbo, "Biawao"))
    hits = next(h for p, h in search_run(kbo, "kabel listrik") if p.name == "polmas")
    assert hits[0].url == f"/polmas/kegiatan/{opened.pk}/"
    assert any(p.name == "polmas" for p in found)
    assert not [
        p for p, _h in search_run(demo_org.user("camat.cpd"), "Biawao") if p.name == "polmas"
    ]
