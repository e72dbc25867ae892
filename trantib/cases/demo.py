"""Demo cases: the seed SOPs running in the demo organisation, in several states, so that a
newcomer who logs in after ``make run`` sees a living system.

Every case is made through the services, as the officers of the demo organisation, with the
clock set back (``now=``) so that steps took plausible times and one task is overdue:

- PGD in Kecamatan Kerjo: complaints filed through the complaint service (SMS, counter,
  phone) — one just received, one waiting two weeks for the Camat's direction (overdue), one
  handled to the end and its reporter answered by phone;
- PPW in Satpol PP Kota Tangerang: this week's daily patrols planned (two done), and last
  month's programme whose finding opened a linked enforcement case, now after Surat Teguran I;
- PPL and PUR in Kecamatan Cipondoh, each waiting at a decision (the PPL after one correction);
- POLMAS in Satbinmas Gorontalo: a recorded Pos Sapta visit.

``demo_cases_load()`` is idempotent: each story is keyed on its case's subject and skipped when
that case exists, so a second run creates nothing. Run ``demo_org_load()`` first.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils import timezone

from trantib.accounts.models import OrgUnit, Person

from . import selectors, services
from .models import Case, Task

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class DemoCase:
    """One line of the summary ``trantib demo`` prints."""

    number: str
    sop: str
    status: str
    active: tuple[str, ...]
    subject: str
    created: bool


@dataclass(frozen=True)
class DemoCasesResult:
    cases: list[DemoCase]
    overdue: int  # tasks marked overdue by the sweep at the end of this load

    @property
    def created(self) -> int:
        return sum(c.created for c in self.cases)


# -- small sample files -------------------------------------------------------------------


def _png(width: int = 48, height: int = 32) -> bytes:
    """A small grey-green picture: a real PNG, so a downloaded demo photo opens."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = b"\x00" + bytes([96, 128, 96]) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _pdf(title: str) -> bytes:
    """A one-page PDF with one line of text (a draft letter)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


# -- driving a case -----------------------------------------------------------------------


def _person(username: str) -> Person:
    return Person.objects.get(user__username=username)


def _local(unit: OrgUnit, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=unit.zone())


def _live(case: Case, step: str, occurrence: str = "") -> Task:
    for task in selectors.case_live_tasks(case):
        if task.step_id == step and (not occurrence or task.occurrence == occurrence):
            return task
    raise LookupError(f"{case.number}: no live task for {step} {occurrence}".strip())


def _do(
    case: Case,
    step: str,
    username: str,
    at: dt.datetime,
    *,
    data: dict[str, Any] | None = None,
    decision: str = "",
    occurrence: str = "",
    files: dict[str, tuple[str, bytes]] | None = None,
) -> Task:
    """Complete the live ``step`` of ``case`` as ``username`` at ``at``; ``files`` maps a field
    to a file uploaded for it first."""
    task = _live(case, step, occurrence)
    actor = _person(username)
    uploads = {field: [(name, BytesIO(body))] for field, (name, body) in (files or {}).items()}
    return services.task_complete(
        task=task, actor=actor, data=data, decision=decision, uploads=uploads, now=at
    )


def _start(sop: str, unit: str, username: str, subject: str, at: dt.datetime, **kw: Any) -> Case:
    return services.case_start(
        sop_code=sop,
        unit=OrgUnit.objects.get(code=unit),
        actor=_person(username),
        subject=subject,
        now=at,
        **kw,
    )


# -- the stories --------------------------------------------------------------------------
# Each takes "now" and returns the case it made; the subject is its key.

PGD_NEW = "Warung karaoke di Desa Tamansari buka melewati pukul 24.00"
PGD_WAITING = "Lapak pasar tiban menutup jalan desa di Dusun Gondang"
PGD_CLOSED = "Musik hajatan di Desa Kwadungan terlalu keras hingga larut malam"
PPW_PLANNED = "Patroli pengawasan wilayah Kota Tangerang: jadwal pekan ini"
PPW_FINDING = "Patroli pengawasan wilayah Kota Tangerang: bulan lalu, ada temuan"
PPL_DECISION = "Penertiban lapak PKL di bahu Jl. KH. Hasyim Ashari"
PUR_DECISION = "Pengamanan unjuk rasa warga di depan Kantor Kecamatan Cipondoh"
POLMAS_VISIT = "Sambang Pos Sapta di Kelurahan Heledulaa Selatan"

KERJO = {"lat": -7.6012, "lon": 111.0671, "address": "Desa Tamansari, Kecamatan Kerjo"}
DAAN_MOGOT = {"lat": -6.1781, "lon": 106.6300, "address": "Trotoar Jl. Daan Mogot km 2"}
HASYIM_ASHARI = {"lat": -6.1945, "lon": 106.6856, "address": "Jl. KH. Hasyim Ashari, Cipondoh"}
KANTOR_CPD = {"lat": -6.1929, "lon": 106.6889, "address": "Kantor Kecamatan Cipondoh"}


def _complaint(
    channel: str, category: str, story: str, text: str, at: dt.datetime, **kw: Any
) -> Case:
    """A PGD case is a complaint's case: filed through the complaint service like a real one
    (its description starts with the story's key)."""
    from trantib.complaints.demo import complaint_setup_load
    from trantib.complaints.models import Category
    from trantib.complaints.services import complaint_file

    complaint_setup_load()
    if channel in ("counter", "phone"):
        kw["actor"] = _person("staf.krj")
    return complaint_file(
        channel=channel,
        category=Category.objects.get(code=category),
        description=f"{story}. {text}",
        now=at,
        **kw,
    ).case


def _pgd_new(now: dt.datetime) -> Case:
    return _complaint(
        "sms",
        "hiburan",
        PGD_NEW,
        "Masih buka sampai pukul 02.00 dan mengganggu istirahat warga sekitar.",
        now - 2 * MINUTE,
        kelurahan="Tamansari",
        reporter_phone="081229007788",
    )


def _pgd_waiting(now: dt.datetime) -> Case:
    t = now - 14 * DAY
    case = _complaint(
        "counter",
        "pkl",
        PGD_WAITING,
        "Terjadi setiap Kamis pagi; kendaraan warga tidak dapat lewat.",
        t,
        kelurahan="Sumberejo",
        reporter_name="Sukardi",
    )
    _do(case, "staf_sampaikan", "staf.krj", t + 10 * MINUTE)
    _do(case, "kasi_teruskan", "kasi.krj", t + HOUR)
    return case  # waits at camat_arahkan (10 menit) for two weeks: overdue


def _pgd_closed(now: dt.datetime) -> Case:
    t = now - 10 * DAY
    case = _complaint(
        "phone",
        "kebisingan",
        PGD_CLOSED,
        "Terjadi pada Sabtu malam; warga sekitar tidak dapat tidur.",
        t,
        kelurahan="Kwadungan",
        reporter_name="Sri Lestari",
        reporter_phone="085725001122",
    )
    _do(case, "staf_sampaikan", "staf.krj", t + 8 * MINUTE)
    _do(case, "kasi_teruskan", "kasi.krj", t + 40 * MINUTE)
    _do(
        case,
        "camat_arahkan",
        "camat.krj",
        t + 48 * MINUTE,
        data={"arahan": "Kasi Trantib menemui tuan rumah bersama Kepala Desa."},
    )
    _do(
        case,
        "koordinasi_tindak",
        "kasi.krj",
        t + DAY,
        data={"tindakan": "Tuan rumah sepakat menghentikan musik pukul 22.00."},
    )
    _do(
        case,
        "bukti_penyelesaian",
        "kasi.krj",
        t + DAY + HOUR,
        files={"bukti": ("foto-pertemuan.png", _png())},
    )
    _do(case, "lapor_camat", "kasi.krj", t + DAY + HOUR + 4 * MINUTE)
    _do(
        case,
        "informasi_pelapor",
        "staf.krj",
        t + DAY + 2 * HOUR,
        data={
            "saluran": "Telepon",
            "waktu": timezone.localtime(t + DAY + 2 * HOUR).isoformat(timespec="minutes"),
            "isi": "Pelapor diberi tahu bahwa musik dihentikan pukul 22.00.",
        },
    )
    return case


def _patrol_programme(
    subject: str, opened: dt.datetime, days: list[dt.date], number: str
) -> tuple[Case, OrgUnit]:
    unit = OrgUnit.objects.get(code="PPTNG")
    month = timezone.localtime(opened, unit.zone()).date().replace(day=1)
    case = _start(
        "PPW",
        "PPTNG",
        "kasat.pptng",
        subject,
        opened,
        data={"bulan": month.isoformat(), "nomor_surat_tugas": number},
    )
    _do(
        case,
        "susun_rencana",
        "kabid.pptng",
        opened + 20 * MINUTE,
        data={"koordinasi": "Polres Metro Tangerang Kota, Kodim 0506/Tangerang"},
    )
    _do(
        case,
        "susun_jadwal",
        "kasie.pptng",
        opened + HOUR,
        data={
            "jadwal": [d.isoformat() for d in days],
            "personil": ["Ahmad Fauzi", "Rina Marlina"],
        },
    )
    return case, unit


def _patrol(case: Case, unit: OrgUnit, day: dt.date, username: str, **data: Any) -> None:
    _do(
        case,
        "patroli",
        username,
        _local(unit, day, 11, 30),
        occurrence=day.isoformat(),
        data={
            "rute": {"address": "Jl. Daan Mogot, Jl. Sudirman, Pasar Anyar"},
            "hasil": "Wilayah aman dan tertib.",
            **data,
        },
    )


def _ppw_planned(now: dt.datetime) -> Case:
    unit = OrgUnit.objects.get(code="PPTNG")
    today = timezone.localtime(now, unit.zone()).date()
    days = [today + k * DAY for k in range(-2, 5)]
    case, unit = _patrol_programme(
        PPW_PLANNED, now - 3 * DAY, days, f"300.1/112/Satpol PP/{today.year}"
    )
    _patrol(case, unit, days[0], "petugas1.pptng")
    _patrol(case, unit, days[1], "petugas2.pptng")
    return case  # five patrols to go, today's first


def _ppw_finding(now: dt.datetime) -> Case:
    opened = now - 24 * DAY
    unit = OrgUnit.objects.get(code="PPTNG")
    d0 = timezone.localtime(opened, unit.zone()).date()
    days = [d0 + k * DAY for k in (1, 2, 3)]
    finding = "Sdr. Hendra (PKL), berjualan di trotoar Jl. Daan Mogot km 2"
    case, unit = _patrol_programme(PPW_FINDING, opened, days, f"300.1/098/Satpol PP/{d0.year}")
    _patrol(case, unit, days[0], "petugas1.pptng")
    _patrol(case, unit, days[1], "petugas2.pptng")
    _patrol(
        case,
        unit,
        days[2],
        "petugas1.pptng",
        hasil="Satu PKL berjualan di trotoar; sudah diberi imbauan lisan.",
        temuan=[finding],
    )
    _do(case, "terima_laporan", "kasie.pptng", _local(unit, days[2], 15))
    _do(
        case,
        "evaluasi",
        "kabid.pptng",
        _local(unit, days[2], 16),
        data={"evaluasi": "Tiga patroli terlaksana; satu pelanggaran Perda.", "temuan": [finding]},
    )
    decided = _local(unit, d0 + 4 * DAY, 9)
    _do(case, "ada_temuan", "kasat.pptng", decided, decision="ya")
    _do(case, "buka_penegakan", "kasat.pptng", decided + 5 * MINUTE)
    case.refresh_from_db()
    if "selesai_patroli" in case.state.get("active", []):
        _do(case, "selesai_patroli", "kasat.pptng", decided + 10 * MINUTE)
    child = selectors.case_children(case).get()
    _do(
        child,
        "beri_teguran",
        "kasat.pptng",
        decided + HOUR,
        data={
            "pelanggar": {"nama": "Hendra", "pekerjaan": "Pedagang kaki lima"},
            "lokasi": DAAN_MOGOT,
            "perda": "Perda Kota Tangerang tentang Ketertiban Umum: larangan berjualan di trotoar",
            "nomor_surat_pernyataan": f"300.1/SP-014/Satpol PP/{d0.year}",
        },
    )
    wait = _live(child, "tunggu_pernyataan")
    if wait.due_at is None:
        raise LookupError(f"{child.number}: the 15-day wait has no deadline")
    fired = wait.due_at + 5 * MINUTE
    services.wait_fire(task_id=wait.pk, now=fired)
    _do(
        child,
        "cek_pernyataan",
        "kasat.pptng",
        fired + 2 * HOUR,
        data={"hasil_pemeriksaan": "Pelanggar masih berjualan di trotoar."},
        decision="tidak mentaati",
    )
    served = fired + DAY
    _do(
        child,
        "teguran_1",
        "kasat.pptng",
        served,
        data={
            "nomor_surat": f"300.1/ST-I-021/Satpol PP/{d0.year}",
            "tanggal_serah": timezone.localtime(served, unit.zone()).date().isoformat(),
        },
    )
    return case  # closed; its enforcement case waits 7 days after Surat Teguran I


def _ppl_decision(now: dt.datetime) -> Case:
    t = now - 2 * DAY
    case = _start(
        "PPL",
        "CPD",
        "kasi.cpd",
        PPL_DECISION,
        t,
        data={
            "sumber": "Laporan Lurah Cipondoh",
            "lokasi": HASYIM_ASHARI,
            "uraian": "Belasan lapak PKL berdiri di bahu jalan dan mengganggu lalu lintas.",
        },
    )
    _do(
        case,
        "perintah_camat",
        "camat.cpd",
        t + HOUR,
        data={"perintah": "Siapkan Surat Perintah penertiban PKL."},
    )
    draft = _pdf("Draf Surat Perintah Penertiban PKL")
    _do(
        case,
        "draft_surat_perintah",
        "kasi.cpd",
        t + 2 * HOUR,
        files={"draft": ("draf-surat-perintah.pdf", draft)},
    )
    _do(case, "verifikasi_surat_perintah", "sekcam.cpd", t + 4 * HOUR, decision="ada koreksi")
    revised = _pdf("Draf Surat Perintah Penertiban PKL (perbaikan)")
    _do(
        case,
        "draft_surat_perintah",
        "kasi.cpd",
        t + DAY,
        files={"draft": ("draf-surat-perintah-2.pdf", revised)},
    )
    return case  # the Sekcam verifies the corrected draft


def _pur_decision(now: dt.datetime) -> Case:
    t = now - 3 * HOUR
    unit = OrgUnit.objects.get(code="CPD")
    tomorrow = timezone.localtime(now, unit.zone()).date() + DAY
    case = _start(
        "PUR",
        "CPD",
        "camat.cpd",
        PUR_DECISION,
        t,
        data={
            "waktu_unjuk_rasa": _local(unit, tomorrow, 9).isoformat(timespec="minutes"),
            "lokasi": KANTOR_CPD,
            "hasil_koordinasi": "Polsek Cipondoh mengamankan jalur; perwakilan warga diterima.",
            "perintah": "Siapkan pengamanan dan Surat Perintah.",
        },
    )
    _do(
        case,
        "arahan_danru",
        "kasi.cpd",
        t + 30 * MINUTE,
        data={"arahan": "Danru menyusun rencana pengamanan dengan 10 personel."},
    )
    _do(
        case,
        "draft_surat_perintah",
        "danru.cpd",
        t + 90 * MINUTE,
        data={"rencana": "Dua regu di depan kantor, satu regu di jalur kendaraan."},
        files={"draft": ("draf-sprin-unjuk-rasa.pdf", _pdf("Draf Surat Perintah Pengamanan"))},
    )
    return case  # the Kasi checks the draft


def _polmas_visit(now: dt.datetime) -> Case:
    t = now - DAY
    unit = OrgUnit.objects.get(code="BINMAS")
    return _start(
        "POLMAS",
        "BINMAS",
        "banit1.binmas",
        POLMAS_VISIT,
        t,
        data={
            "waktu": timezone.localtime(t, unit.zone()).isoformat(timespec="minutes"),
            "lokasi": {"address": "Pos Kamling RW 03, Kelurahan Heledulaa Selatan"},
            "peserta": ["Ketua RW 03", "Babinsa", "Warga (12 orang)"],
            "keluhan": "Balap liar di jalan lingkar pada malam Minggu.",
            "peringatan_dipatuhi": True,
        },
    )


STORIES: list[tuple[str, str, Callable[[dt.datetime], Case]]] = [
    ("PGD", PGD_NEW, _pgd_new),
    ("PGD", PGD_WAITING, _pgd_waiting),
    ("PGD", PGD_CLOSED, _pgd_closed),
    ("PPW", PPW_PLANNED, _ppw_planned),
    ("PPW", PPW_FINDING, _ppw_finding),
    ("PPL", PPL_DECISION, _ppl_decision),
    ("PUR", PUR_DECISION, _pur_decision),
    ("POLMAS", POLMAS_VISIT, _polmas_visit),
]


def _summary(case: Case, created: bool) -> DemoCase:
    return DemoCase(
        number=case.number,
        sop=case.sop_code,
        status=case.status,
        active=tuple(case.state.get("active", [])),
        subject=case.subject,
        created=created,
    )


def story_case(sop: str, key: str) -> Case | None:
    """The case a story made: by its subject, or — a complaint's case — by the start of the
    complaint's description."""
    found = Case.objects.filter(sop_code=sop, parent=None)
    return (
        found.filter(subject=key).first()
        or found.filter(complaint__description__startswith=key).first()
    )


def demo_cases_load(*, now: dt.datetime | None = None) -> DemoCasesResult:
    """Make the demo cases that do not exist yet, then mark what is late (as the worker
    would). Each story is one transaction: a failure leaves none of it behind."""
    now = now or timezone.now()
    lines: list[DemoCase] = []
    made = False
    for sop, subject, story in STORIES:
        existing = story_case(sop, subject)
        if existing is None:
            with transaction.atomic():
                case = story(now)
            made = True
        else:
            case = existing
        case.refresh_from_db()
        lines.append(_summary(case, existing is None))
        lines.extend(_summary(c, existing is None) for c in selectors.case_children(case))
    overdue = services.deadlines_sweep(now=now).overdue if made else 0
    return DemoCasesResult(cases=lines, overdue=overdue)
