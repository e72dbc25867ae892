"""The demo organisation: a person with a login for every role of every SOP in the library.

Five trees — Kota Tangerang (two kecamatan and its Satpol PP), Kabupaten Karanganyar
(Kecamatan Kerjo), Polres Gorontalo Kota (Satbinmas) and Provinsi Kalimantan Barat (its Satpol
PP) — so that every seed and reference SOP can run, and every access rule has someone who must
be refused (Karawaci is "the other kecamatan" for Cipondoh). The people are invented; their NIPs
and NRPs are well-formed but belong to nobody.

``demo_org_load()`` is idempotent: rows are keyed on unit codes, (unit, role code) and user
names, so a second run creates nothing. Existing users keep their password.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from .models import ActingStatus, Assignment, OrgUnit, Person, PersonKind, Position, UnitKind

DEMO_PASSWORD = "trantib-demo"  # noqa: S105 (a published demo password, on purpose)
DEMO_ADMIN = "admin"
DEMO_SINCE = dt.date(2024, 1, 2)  # definitive assignments start here
EMAIL_DOMAIN = "trantib.example"  # reserved TLD: demo mail goes nowhere

ASN, POLRI, OTHER = PersonKind.ASN, PersonKind.POLRI, PersonKind.OTHER


@dataclass(frozen=True)
class DemoLogin:
    """One line of the demo-login table."""

    username: str
    password: str
    person: str
    position: str
    unit: str


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    kind: UnitKind
    parent: str | None
    timezone: str
    address: str
    kop: tuple[str, ...]


@dataclass(frozen=True)
class _Holder:
    username: str
    full_name: str
    kind: PersonKind
    pangkat: str
    nip: str = ""  # written as displayed ("YYYYMMDD YYYYMM G NNN"); spaces are dropped
    nrp: str = ""


@dataclass(frozen=True)
class _Position:
    unit: str
    code: str  # the SOP role id
    name: str
    holders: tuple[_Holder, ...]
    supervises: bool = False


def _kecamatan_kota_tangerang(code: str, name: str, people: list[_Holder]) -> list[_Position]:
    camat, sekcam, kasi, danru, anggota1, anggota2, staf = people
    return [
        _Position(code, "camat", f"Camat {name}", (camat,), supervises=True),
        _Position(code, "sekcam", f"Sekretaris Kecamatan {name}", (sekcam,)),
        _Position(code, "kasi_trantib", "Kasi Ketentraman dan Ketertiban Umum", (kasi,)),
        _Position(code, "danru", "Komandan Regu", (danru,)),
        _Position(code, "anggota_trantib", "Anggota Trantib", (anggota1, anggota2)),
        _Position(code, "staf", "Staf Pelayanan", (staf,)),
    ]


UNITS: list[_Unit] = [
    _Unit(
        "PEMKOT-TNG",
        "Pemerintah Kota Tangerang",
        UnitKind.PEMDA,
        None,
        "Asia/Jakarta",
        "Jl. Satria Sudirman No. 1, Sukaasih, Kota Tangerang, Banten 15111",
        ("PEMERINTAH KOTA TANGERANG", "SEKRETARIAT DAERAH"),
    ),
    _Unit(
        "CPD",
        "Kecamatan Cipondoh",
        UnitKind.KECAMATAN,
        "PEMKOT-TNG",
        "Asia/Jakarta",
        "Jl. KH. Hasyim Ashari No. 23, Cipondoh, Kota Tangerang, Banten 15148",
        (
            "PEMERINTAH KOTA TANGERANG",
            "KECAMATAN CIPONDOH",
            "Jl. KH. Hasyim Ashari No. 23, Cipondoh, Kota Tangerang, Banten 15148",
        ),
    ),
    _Unit(
        "KRW",
        "Kecamatan Karawaci",
        UnitKind.KECAMATAN,
        "PEMKOT-TNG",
        "Asia/Jakarta",
        "Jl. Imam Bonjol No. 85, Karawaci, Kota Tangerang, Banten 15115",
        (
            "PEMERINTAH KOTA TANGERANG",
            "KECAMATAN KARAWACI",
            "Jl. Imam Bonjol No. 85, Karawaci, Kota Tangerang, Banten 15115",
        ),
    ),
    _Unit(
        "PPTNG",
        "Satuan Polisi Pamong Praja Kota Tangerang",
        UnitKind.SATPOL_PP,
        "PEMKOT-TNG",
        "Asia/Jakarta",
        "Gedung Pusat Pemerintahan Kota Tangerang, Jl. Satria Sudirman No. 1, "
        "Kota Tangerang, Banten 15111",
        (
            "PEMERINTAH KOTA TANGERANG",
            "SATUAN POLISI PAMONG PRAJA",
            "Jl. Satria Sudirman No. 1, Kota Tangerang, Banten 15111",
        ),
    ),
    _Unit(
        "PEMKAB-KRA",
        "Pemerintah Kabupaten Karanganyar",
        UnitKind.PEMDA,
        None,
        "Asia/Jakarta",
        "Jl. Lawu No. 385, Karanganyar, Jawa Tengah 57712",
        ("PEMERINTAH KABUPATEN KARANGANYAR",),
    ),
    _Unit(
        "KRJ",
        "Kecamatan Kerjo",
        UnitKind.KECAMATAN,
        "PEMKAB-KRA",
        "Asia/Jakarta",
        "Jl. Raya Kerjo No. 1, Kerjo, Karanganyar, Jawa Tengah 57753",
        (
            "PEMERINTAH KABUPATEN KARANGANYAR",
            "KECAMATAN KERJO",
            "Jl. Raya Kerjo No. 1, Kerjo, Karanganyar, Jawa Tengah 57753",
        ),
    ),
    _Unit(
        "POLRES-GTO",
        "Polres Gorontalo Kota",
        UnitKind.POLRES,
        None,
        "Asia/Makassar",
        "Kota Gorontalo, Gorontalo",
        ("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH GORONTALO", "RESOR GORONTALO KOTA"),
    ),
    _Unit(
        "BINMAS",
        "Satbinmas Polres Gorontalo Kota",
        UnitKind.SATBINMAS,
        "POLRES-GTO",
        "Asia/Makassar",
        "JL. P. KALENGKONGAN NO.31, TLP. (0435) 821110, KOTA GORONTALO",
        (
            "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
            "DAERAH GORONTALO",
            "RESOR GORONTALO KOTA",
            "SATBINMAS POLRES GORONTALO KOTA",
            "JL. P. KALENGKONGAN NO.31, TLP. (0435) 821110, KOTA GORONTALO",
        ),
    ),
    _Unit(
        "PEMPROV-KB",
        "Pemerintah Provinsi Kalimantan Barat",
        UnitKind.PEMDA,
        None,
        "Asia/Pontianak",
        "Jl. Ahmad Yani, Pontianak, Kalimantan Barat 78121",
        ("PEMERINTAH PROVINSI KALIMANTAN BARAT",),
    ),
    _Unit(
        "PPKB",
        "Satuan Polisi Pamong Praja Provinsi Kalimantan Barat",
        UnitKind.SATPOL_PP,
        "PEMPROV-KB",
        "Asia/Pontianak",
        "Jl. Sutan Syahrir No. 1, Pontianak, Kalimantan Barat 78116",
        (
            "PEMERINTAH PROVINSI KALIMANTAN BARAT",
            "SATUAN POLISI PAMONG PRAJA",
            "Jl. Sutan Syahrir No. 1, Pontianak, Kalimantan Barat 78116",
        ),
    ),
]

H = _Holder
POSITIONS: list[_Position] = [
    _Position(
        "PEMKOT-TNG",
        "sekda",
        "Sekretaris Daerah Kota Tangerang",
        (
            H(
                "sekda.tng",
                "Dr. H. Bambang Hermawan, M.Si.",
                ASN,
                "Pembina Utama Madya (IV/d)",
                nip="19680714 199303 1 006",
            ),
        ),
        supervises=True,
    ),
    *_kecamatan_kota_tangerang(
        "CPD",
        "Cipondoh",
        [
            H(
                "camat.cpd",
                "H. Rahmat Hidayat, S.STP., M.Si.",
                ASN,
                "Pembina (IV/a)",
                nip="19780512 199803 1 002",
            ),
            H(
                "sekcam.cpd",
                "Dra. Siti Nurhasanah, M.M.",
                ASN,
                "Penata Tingkat I (III/d)",
                nip="19790823 200501 2 011",
            ),
            H(
                "kasi.cpd",
                "Agus Setiawan, S.Sos.",
                ASN,
                "Penata (III/c)",
                nip="19830306 200902 1 003",
            ),
            H("danru.cpd", "Dedi Kurniawan", ASN, "Pengatur (II/c)", nip="19870415 201001 1 008"),
            H(
                "anggota1.cpd",
                "Rizky Pratama",
                ASN,
                "Pengatur Muda (II/a)",
                nip="19950120 201903 1 002",
            ),
            H("anggota2.cpd", "Muhammad Iqbal", OTHER, "Tenaga Kontrak"),
            H(
                "staf.cpd",
                "Dewi Lestari, A.Md.",
                ASN,
                "Pengatur (II/c)",
                nip="19920918 201503 2 004",
            ),
        ],
    ),
    *_kecamatan_kota_tangerang(
        "KRW",
        "Karawaci",
        [
            H(
                "camat.krw",
                "Drs. H. Ahmad Suryadi, M.Si.",
                ASN,
                "Pembina Tingkat I (IV/b)",
                nip="19700304 199503 1 004",
            ),
            H(
                "sekcam.krw",
                "Hendra Gunawan, S.IP., M.Si.",
                ASN,
                "Penata Tingkat I (III/d)",
                nip="19800211 200312 1 005",
            ),
            H(
                "kasi.krw",
                "Yusuf Maulana, S.H.",
                ASN,
                "Penata (III/c)",
                nip="19840619 201001 1 012",
            ),
            H(
                "danru.krw",
                "Slamet Widodo",
                ASN,
                "Pengatur Tingkat I (II/d)",
                nip="19850101 200801 1 009",
            ),
            H(
                "anggota1.krw",
                "Andi Saputra",
                ASN,
                "Pengatur Muda Tingkat I (II/b)",
                nip="19930505 201803 1 001",
            ),
            H("anggota2.krw", "Ujang Supriatna", OTHER, "Tenaga Kontrak"),
            H("staf.krw", "Nur Aini", ASN, "Pengatur (II/c)", nip="19940711 201903 2 007"),
        ],
    ),
    _Position(
        "PPTNG",
        "kasat_pol_pp",
        "Kepala Satuan Polisi Pamong Praja",
        (
            H(
                "kasat.pptng",
                "Drs. Wahyu Hidayat, M.Si.",
                ASN,
                "Pembina Utama Muda (IV/c)",
                nip="19710927 199403 1 003",
            ),
        ),
        supervises=True,
    ),
    _Position(
        "PPTNG",
        "kabid_trantibum",
        "Kabid Ketertiban dan Ketentraman Masyarakat",
        (
            H(
                "kabid.pptng",
                "Iwan Kurniawan, S.H., M.H.",
                ASN,
                "Pembina (IV/a)",
                nip="19750818 199903 1 004",
            ),
        ),
    ),
    _Position(
        "PPTNG",
        "kasie_ops",
        "Kasie Operasional dan Pengendalian",
        (
            H(
                "kasie.pptng",
                "Budi Santoso, S.Sos.",
                ASN,
                "Penata Tingkat I (III/d)",
                nip="19800402 200604 1 010",
            ),
        ),
    ),
    _Position(
        "PPTNG",
        "petugas_ops",
        "Petugas Operasional",
        (
            H(
                "petugas1.pptng",
                "Ahmad Fauzi",
                ASN,
                "Pengatur (II/c)",
                nip="19900308 201403 1 002",
            ),
            H(
                "petugas2.pptng",
                "Rina Marlina",
                ASN,
                "Pengatur Muda Tingkat I (II/b)",
                nip="19960725 202012 2 001",
            ),
        ),
    ),
    _Position(
        "KRJ",
        "camat",
        "Camat Kerjo",
        (
            H(
                "camat.krj",
                "Sri Wahyuningsih, S.Sos., M.M.",
                ASN,
                "Pembina (IV/a)",
                nip="19760614 199703 2 003",
            ),
        ),
        supervises=True,
    ),
    _Position(
        "KRJ",
        "sekcam",
        "Sekretaris Kecamatan Kerjo",
        (
            H(
                "sekcam.krj",
                "Joko Purnomo, S.IP.",
                ASN,
                "Penata Tingkat I (III/d)",
                nip="19790210 200212 1 004",
            ),
        ),
    ),
    _Position(
        "KRJ",
        "kasi_trantib",
        "Kasi Ketentraman dan Ketertiban",
        (H("kasi.krj", "Sutrisno, S.H.", ASN, "Penata (III/c)", nip="19820917 200801 1 006"),),
    ),
    _Position(
        "KRJ",
        "staf",
        "Staf Pelayanan",
        (
            H(
                "staf.krj",
                "Endang Sulistyowati",
                ASN,
                "Pengatur Tingkat I (II/d)",
                nip="19860401 200901 2 005",
            ),
        ),
    ),
    _Position(
        "KRJ",
        "danru",
        "Komandan Regu",
        (
            H(
                "danru.krj",
                "Bambang Sugiarto",
                ASN,
                "Pengatur (II/c)",
                nip="19880823 201101 1 003",
            ),
        ),
    ),
    _Position(
        "KRJ",
        "anggota_trantib",
        "Anggota Trantib",
        (
            H(
                "anggota.krj",
                "Teguh Prasetyo",
                ASN,
                "Pengatur Muda (II/a)",
                nip="19970312 202006 1 001",
            ),
        ),
    ),
    _Position(
        "BINMAS",
        "kasat_binmas",
        "Kasat Binmas",
        (H("kasat.binmas", "Rudi Hartono, S.H.", POLRI, "AKP", nrp="79081145"),),
        supervises=True,
    ),
    _Position(
        "BINMAS",
        "kbo_binmas",
        "KBO Satbinmas",
        (H("kbo.binmas", "Moh. Rizal Abdullah, S.H.", POLRI, "IPTU", nrp="84031022"),),
    ),
    _Position(
        "BINMAS",
        "kanit_binkamsa",
        "Kanit Binkamsa",
        (H("binkamsa.binmas", "Yosef Pakaya", POLRI, "IPDA", nrp="82110547"),),
    ),
    _Position(
        "BINMAS",
        "kanit_binpolmas",
        "Kanit Binpolmas",
        (H("binpolmas.binmas", "Ferdy Lamatenggo", POLRI, "AIPTU", nrp="78050882"),),
    ),
    _Position(
        "BINMAS",
        "kanit_bintibmas",
        "Kanit Bintibmas",
        (H("bintibmas.binmas", "Hartati Daud, S.H.", POLRI, "AIPDA", nrp="81120334"),),
    ),
    _Position(
        "BINMAS",
        "banit",
        "Banit Satbinmas",
        (
            H("banit1.binmas", "Rahmat Hulopi", POLRI, "BRIPKA", nrp="86070291"),
            H("banit2.binmas", "Fadli Tangahu", POLRI, "BRIGPOL", nrp="93040617"),
        ),
    ),
    _Position(
        "PPKB",
        "kasat_pol_pp",
        "Kepala Satuan Polisi Pamong Praja",
        (
            H(
                "kasat.ppkb",
                "Drs. Hendrikus Sudarto, M.Si.",
                ASN,
                "Pembina Utama Muda (IV/c)",
                nip="19690505 199003 1 007",
            ),
        ),
        supervises=True,
    ),
    _Position(
        "PPKB",
        "sekretaris",
        "Sekretaris Satuan Polisi Pamong Praja",
        (
            H(
                "sekretaris.ppkb",
                "Yuliana Anggraini, S.E., M.M.",
                ASN,
                "Pembina (IV/a)",
                nip="19770130 200003 2 002",
            ),
        ),
    ),
    _Position(
        "PPKB",
        "kabid_ppd",
        "Kabid Penegakan Perda dan Perkada",
        (
            H(
                "kabid.ppkb",
                "Syarif Abdurrahman, S.H., M.H.",
                ASN,
                "Pembina (IV/a)",
                nip="19740812 199803 1 005",
            ),
        ),
    ),
    _Position(
        "PPKB",
        "kasi_penegakan",
        "Kepala Seksi Penegakan",
        (
            H(
                "kasi.ppkb",
                "Antonius Jalung, S.Sos.",
                ASN,
                "Penata Tingkat I (III/d)",
                nip="19810921 200501 1 008",
            ),
        ),
    ),
    _Position(
        "PPKB",
        "ppns",
        "PPNS",
        (
            H(
                "ppns.ppkb",
                "Rudi Hermanto, S.H.",
                ASN,
                "Penata (III/c)",
                nip="19850626 201001 1 015",
            ),
        ),
    ),
    _Position(
        "PPKB",
        "pol_pp",
        "Anggota Pol PP",
        (
            H(
                "polpp.ppkb",
                "Deni Firmansyah",
                ASN,
                "Pengatur (II/c)",
                nip="19910214 201503 1 003",
            ),
        ),
    ),
    _Position(
        "PPKB",
        "tim",
        "Tim Razia",
        (
            H(
                "tim.ppkb",
                "Heri Setiadi",
                ASN,
                "Pengatur Muda Tingkat I (II/b)",
                nip="19940309 201803 1 006",
            ),
        ),
    ),
]

# The Sekcam of Cipondoh stands in as Plh. Camat of Karawaci while its Camat is away: from two
# days before the load until five days after, so the acting official is active "today".
ACTING = [("sekcam.cpd", "KRW", "camat", ActingStatus.PLH, -2, 5)]


@transaction.atomic
def demo_org_load() -> list[DemoLogin]:
    """Create or update the demo organisation; return the logins, administrator first."""
    hashed: list[str] = []  # hashing is slow on purpose: hash once, only if a user is new

    def user_get(username: str, *, superuser: bool = False) -> AbstractUser:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@{EMAIL_DOMAIN}",
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        if created:
            if not hashed:
                hashed.append(make_password(DEMO_PASSWORD))
            user.password = hashed[0]
            user.save(update_fields=["password"])
        return user  # type: ignore[return-value]

    logins = [
        DemoLogin(DEMO_ADMIN, DEMO_PASSWORD, "—", "Administrator (superuser)", "—"),
    ]
    user_get(DEMO_ADMIN, superuser=True)

    units: dict[str, OrgUnit] = {}
    for u in UNITS:
        units[u.code], _ = OrgUnit.objects.update_or_create(
            code=u.code,
            defaults={
                "name": u.name,
                "kind": u.kind,
                "parent": units[u.parent] if u.parent else None,
                "timezone": u.timezone,
                "address": u.address,
                "kop_lines": "\n".join(u.kop),
                "active": True,
            },
        )

    people: dict[str, Person] = {}
    positions: dict[tuple[str, str], Position] = {}
    for p in POSITIONS:
        position, _ = Position.objects.update_or_create(
            unit=units[p.unit],
            code=p.code,
            defaults={"name": p.name, "supervises": p.supervises},
        )
        positions[p.unit, p.code] = position
        for h in p.holders:
            person, _ = Person.objects.update_or_create(
                user=user_get(h.username),
                defaults={
                    "full_name": h.full_name,
                    "kind": h.kind,
                    "nip": h.nip.replace(" ", ""),
                    "nrp": h.nrp,
                    "pangkat": h.pangkat,
                    "email": f"{h.username}@{EMAIL_DOMAIN}",
                },
            )
            people[h.username] = person
            assignment, _ = Assignment.objects.update_or_create(
                person=person,
                position=position,
                acting=ActingStatus.DEFINITIVE,
                defaults={"valid_from": DEMO_SINCE, "valid_until": None},
            )
            logins.append(
                DemoLogin(h.username, DEMO_PASSWORD, h.full_name, assignment.title, p.unit)
            )

    for username, unit_code, role_code, acting, days_before, days_after in ACTING:
        today = units[unit_code].today()
        assignment, _ = Assignment.objects.update_or_create(
            person=people[username],
            position=positions[unit_code, role_code],
            acting=acting,
            defaults={
                "valid_from": today + dt.timedelta(days=days_before),
                "valid_until": today + dt.timedelta(days=days_after),
            },
        )
        logins.append(
            DemoLogin(
                username,
                DEMO_PASSWORD,
                people[username].full_name,
                f"{assignment.title} ({assignment.valid_from:%d-%m-%Y} s.d. "
                f"{assignment.valid_until:%d-%m-%Y})",
                unit_code,
            )
        )
    return logins
