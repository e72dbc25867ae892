"""Building the dashboard's test worlds through the real services, at chosen times.

``NOW`` is a Thursday in October 2026 at 10.00 WIB: no Indonesian public holiday falls between
1 September and 15 October 2026 (checked in the tests), so working hours and days can be
counted by hand. The weeks before it start on Monday 5 Oct (W-1), 28 Sep (W-2), 21 Sep (W-3).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from trantib.cases import services as case_services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.complaints import services as complaint_services
from trantib.complaints.models import Category, Complaint
from trantib.demo import complaint_setup_load

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 10, 15, 10, 0, tzinfo=WIB)
LIVE = (TaskStatus.OPEN, TaskStatus.CLAIMED)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def at(day: str, clock: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=WIB)


# -- PPL (Pelarangan Pelacuran): started by the Kasi Trantib, then the Camat's order ----------


def ppl(demo_org: Any, unit: str, when: dt.datetime, subject: str = "Laporan warga") -> Case:
    """A PPL case: its first step done by the Kasi Trantib at ``when``; the Camat's order
    (``perintah_camat``, Mutu Baku 2 jam on working hours) is then offered to the Camat."""
    return case_services.case_start(
        sop_code="PPL",
        unit=demo_org.unit(unit),
        actor=demo_org.person(f"kasi.{unit.lower()}"),
        subject=subject,
        data={
            "sumber": "Laporan kewilayahan",
            "lokasi": {"lat": -6.18, "lon": 106.68, "address": "Jl. Contoh"},
            "uraian": "Dugaan kegiatan pelacuran di rumah kos.",
        },
        now=when,
    )


def live(case: Case, step: str) -> Task:
    return Task.objects.get(case=case, step_id=step, status__in=LIVE)


def claim_order(demo_org: Any, case: Case, when: dt.datetime) -> Task:
    unit = case.unit.code.lower()
    return case_services.task_claim(
        task=live(case, "perintah_camat"), actor=demo_org.person(f"camat.{unit}"), now=when
    )


def give_order(demo_org: Any, case: Case, when: dt.datetime) -> Task:
    unit = case.unit.code.lower()
    return case_services.task_complete(
        task=live(case, "perintah_camat"),
        actor=demo_org.person(f"camat.{unit}"),
        data={"perintah": "Tertibkan."},
        now=when,
    )


# -- complaints (PGD) -------------------------------------------------------------------------


def categories() -> dict[str, Category]:
    """The demo categories (Cipondoh: cpd-pkl) and one for Karawaci, the sibling."""
    complaint_setup_load()
    krw = Category.objects.filter(code="krw-pkl").first() or Category.objects.create(
        unit=Category.objects.get(code="cpd-pkl").unit.__class__.objects.get(code="KRW"),
        code="krw-pkl",
        name="PKL di trotoar (Karawaci)",
        sop_code="PGD",
    )
    return {c.code: c for c in Category.objects.all()} | {"krw-pkl": krw}


def complaint(category: Category, when: dt.datetime, *, point: bool = True) -> Complaint:
    return complaint_services.complaint_file(
        channel="web",
        category=category,
        description="Pedagang kaki lima menutup trotoar setiap sore.",
        latitude="-6.180000" if point else None,
        longitude="106.690000" if point else None,
        kelurahan="Cipondoh Indah",
        reporter_name="Warga",
        reporter_phone="081234567890",
        now=when,
    )


def answer(demo_org: Any, complaint: Complaint, when: dt.datetime) -> None:
    """Every step of PGD v2 done by the unit's officers, at ``when``; the reporter is told
    by SMS at ``when`` (the complaint's ``answered_at``)."""
    unit = complaint.unit.code.lower()
    steps: list[tuple[str, str, Any]] = [
        ("staf_sampaikan", "staf", {}),
        ("kasi_teruskan", "kasi", {}),
        ("camat_arahkan", "camat", {"arahan": "Segera tertibkan."}),
        ("koordinasi_tindak", "kasi", {"tindakan": "Pedagang diberi teguran lisan."}),
        ("bukti_penyelesaian", "kasi", "bukti"),
        ("lapor_camat", "kasi", {}),
        ("informasi_pelapor", "staf", {"saluran": "SMS", "isi": "Sudah ditertibkan."}),
    ]
    for step, who, data in steps:
        task = live(complaint.case, step)
        person = demo_org.person(f"{who}.{unit}")
        if data == "bukti":
            case_services.task_complete(
                task=task,
                actor=person,
                uploads={"bukti": [("bukti.png", io.BytesIO(PNG))]},
                now=when,
            )
        else:
            case_services.task_complete(task=task, actor=person, data=data, now=when)


# -- pages --------------------------------------------------------------------------------


def client_for(demo_org: Any, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


_COUNTS = (
    re.compile(r"(\d+) kasus — "),  # the foundation's case list behind a figure
    re.compile(r"(\d+) langkah kerja — "),  # the dashboard's step list
    re.compile(r"(\d+) penegakan, urut menurut tenggat"),  # the enforcement board
)


def listed(client: Client, href: str) -> int:
    """How many rows the list at ``href`` says it holds (every page, not just the first)."""
    response = client.get(href)
    assert response.status_code == 200, (href, response.status_code)
    text = response.content.decode()
    for pattern in _COUNTS:
        found = pattern.search(text)
        if found:
            return int(found[1])
    # The foundation's case list prints no count line when it has no row (``{% if page %}``
    # is false for an empty page): then it must show no case either.
    if href.startswith(reverse("reports:drill")) and 'class="c-number"' not in text:
        return 0
    raise AssertionError(f"no count on {href}")
