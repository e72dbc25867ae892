"""Demo complaint setup: categories and routing rules for the kecamatan that run PGD.

Kecamatan Kerjo (Karanganyar) runs the complaint SOP of seed 002; its categories are the
kinds of Perda violation a kecamatan hears about. A routing rule sends complaints located in
Kerjo's desa (by name or inside its box on the map) to Kerjo; Cipondoh gets one category of
its own to show routing by category. Idempotent.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.utils import timezone

from trantib.accounts.models import OrgUnit

from .models import Category, Complaint, RoutingRule

KRJ_CATEGORIES = [
    ("pkl", "Pedagang kaki lima di fasilitas umum", "PKL,DAGANG,LAPAK"),
    ("hiburan", "Tempat hiburan melanggar jam operasional", "KARAOKE,HIBURAN"),
    ("bangunan", "Bangunan tanpa izin", "IMB,PBG,BANGUNAN"),
    ("reklame", "Reklame atau spanduk liar", "SPANDUK,BALIHO"),
    ("kebisingan", "Kebisingan dan gangguan ketenteraman", "BISING,MUSIK"),
    ("lainnya", "Dugaan pelanggaran Perda lainnya", "LAIN"),
]

# Desa of Kecamatan Kerjo, and a box around it (degrees).
KRJ_DESA = [
    "Botok",
    "Gempolan",
    "Ganten",
    "Karangrejo",
    "Kwadungan",
    "Plosorejo",
    "Sumberejo",
    "Tamansari",
    "Tawangsari",
    "Kuto",
]
KRJ_BOX = (Decimal("-7.6400"), Decimal("-7.5300"), Decimal("111.0000"), Decimal("111.1000"))
# Kerjo's office, the centre of its maps.
KRJ_CENTRE = (-7.5862, 111.0496)


@transaction.atomic
def complaint_setup_load() -> int:
    """Make the demo categories and rules that do not exist yet; returns how many were made."""
    made = 0
    krj = OrgUnit.objects.get(code="KRJ")
    for code, name, keywords in KRJ_CATEGORIES:
        _, created = Category.objects.get_or_create(
            code=code, defaults={"unit": krj, "name": name, "keywords": keywords}
        )
        made += created
    cpd = OrgUnit.objects.filter(code="CPD").first()
    if cpd is not None:
        _, created = Category.objects.get_or_create(
            code="cpd-pkl",
            defaults={
                "unit": cpd,
                "name": "PKL di trotoar (Cipondoh)",
                "keywords": "",
            },
        )
        made += created
    if not RoutingRule.objects.filter(unit=krj).exists():
        min_lat, max_lat, min_lon, max_lon = KRJ_BOX
        rules = [RoutingRule(unit=krj, priority=10, kelurahan=desa) for desa in KRJ_DESA]
        rules.append(
            RoutingRule(
                unit=krj,
                priority=20,
                min_lat=min_lat,
                max_lat=max_lat,
                min_lon=min_lon,
                max_lon=max_lon,
            )
        )
        RoutingRule.objects.bulk_create(rules)
        made += len(rules)
    return made


# -- demo complaints ----------------------------------------------------------------------------

DEMO_COMPLAINTS: list[dict[str, object]] = [
    {
        "key": "sms-baru",
        "channel": "sms",
        "category": "hiburan",
        "description": "Karaoke di Dusun Ngasem, Desa Tamansari masih buka pukul 01.00 dan "
        "sangat bising",
        "kelurahan": "Tamansari",
        "latitude": "-7.590100",
        "longitude": "111.051200",
        "reporter_phone": "081229004411",
        "hours_ago": 3,
    },
    {
        "key": "web-duplikat",
        "channel": "web",
        "category": "hiburan",
        "description": "Suara musik karaoke dekat balai Desa Tamansari sampai lewat tengah malam",
        "kelurahan": "Tamansari",
        "latitude": "-7.590500",
        "longitude": "111.051500",
        "reporter_name": "Wahyu Hidayat",
        "reporter_email": "wahyu.hidayat@example.com",
        "hours_ago": 1,
    },
    {
        "key": "loket-rahasia",
        "channel": "counter",
        "category": "bangunan",
        "description": "Bangunan gudang baru di tepi Jalan Kerjo–Jenawi tanpa papan PBG, "
        "menutup saluran air",
        "kelurahan": "Gempolan",
        "address": "Jl. Kerjo–Jenawi km 2",
        "latitude": "-7.578300",
        "longitude": "111.062400",
        "reporter_name": "Suparmi",
        "reporter_phone": "085640012233",
        "confidential": True,
        "hours_ago": 50,
        "advance": 3,
    },
    {
        "key": "anonim-web",
        "channel": "web",
        "category": "pkl",
        "description": "Lapak pedagang menutup trotoar depan Pasar Kerjo setiap pagi",
        "kelurahan": "Kuto",
        "latitude": "-7.584900",
        "longitude": "111.046100",
        "anonymous": True,
        "hours_ago": 26,
    },
    {
        "key": "telepon-selesai",
        "channel": "phone",
        "category": "reklame",
        "description": "Spanduk liar dipasang di pohon sepanjang jalan Desa Botok",
        "kelurahan": "Botok",
        "latitude": "-7.600200",
        "longitude": "111.038800",
        "reporter_name": "Darmanto",
        "reporter_phone": "081325557788",
        "hours_ago": 120,
        "advance": 99,
    },
]

_ANSWER = (
    "Spanduk liar di Desa Botok sudah diturunkan petugas Trantib Kecamatan Kerjo. "
    "Terima kasih atas laporan Anda."
)


def demo_complaints_load(*, now: dt.datetime | None = None) -> list[Complaint]:
    """File the demo complaints that are not there yet (matched by their description), each
    through the same service as the real channels, and move some of them on."""
    from trantib.accounts.models import Person
    from trantib.cases import services as case_services
    from trantib.cases.models import Task, TaskStatus

    from . import services

    now = now or timezone.now()
    complaint_setup_load()
    staf = Person.objects.get(user__username="staf.krj")
    people = {
        login: Person.objects.get(user__username=login)
        for login in ("staf.krj", "kasi.krj", "camat.krj")
    }
    steps: list[tuple[str, str, dict[str, str] | str]] = [
        ("staf_sampaikan", "staf.krj", {}),
        ("kasi_teruskan", "kasi.krj", {}),
        ("camat_arahkan", "camat.krj", {"arahan": "Cek ke lokasi bersama Danru, laporkan."}),
        ("koordinasi_tindak", "kasi.krj", {"tindakan": "Koordinasi dengan desa; ditertibkan."}),
        ("bukti_penyelesaian", "kasi.krj", "bukti"),
        ("lapor_camat", "kasi.krj", {}),
        ("informasi_pelapor", "staf.krj", {"saluran": "SMS", "isi": _ANSWER}),
    ]
    made = []
    for story in DEMO_COMPLAINTS:
        fields = {k: v for k, v in story.items() if k not in ("key", "hours_ago", "advance")}
        if Complaint.objects.filter(description=fields["description"]).exists():
            continue
        at = now - dt.timedelta(hours=int(story["hours_ago"]))  # type: ignore[call-overload]
        fields["category"] = Category.objects.get(code=fields["category"])
        if fields["channel"] in ("counter", "phone"):
            fields["actor"] = staf
        with transaction.atomic():
            complaint = services.complaint_file(now=at, **fields)  # type: ignore[arg-type]
            for step, login, data in steps[: int(story.get("advance", 0))]:  # type: ignore[call-overload]
                at += dt.timedelta(hours=2)
                task = Task.objects.get(case=complaint.case, step_id=step, status=TaskStatus.OPEN)
                if isinstance(data, str):  # the step's evidence photo
                    photo: list[tuple[str, IO[bytes]]] = [("bukti.png", io.BytesIO(_PNG))]
                    case_services.task_complete(
                        task=task, actor=people[login], uploads={data: photo}, now=at
                    )
                else:
                    case_services.task_complete(task=task, actor=people[login], data=data, now=at)
        made.append(complaint)
    return made


# A 1x1 PNG: the demo's evidence photo.
_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
