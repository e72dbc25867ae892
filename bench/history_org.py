"""The province of the large-history benchmark: 30 units, their positions and people, and the
reference rows the cases point at (complaint categories, Perda with articles and ladders,
patrol areas, Polmas rules, letter registers). Small, so it is written through the ORM in
the spawned Django process (:mod:`bench.history` boots it); the millions of case rows are
COPY'd afterwards by :mod:`bench.history_cases`.

The tree (one login at the root sees all of it, as the benchmark's province head must)::

    PPBTN  Satpol PP Provinsi Banten (root; its Kasat supervises)
    ├─ PEMKOT-SRG / PEMKOT-CLG / PEMKAB-LBK / PEMKAB-PDG   (Sekda supervises)
    │   ├─ PP-SRG …          Satpol PP of the kab/kota (PPW: patrols and the warning ladder)
    │   └─ 6/5/4/4 kecamatan (PGD complaints, PPL, PUR; Camat supervises)
    └─ POLRES-SRG → BINMAS-SRG  (POLMAS; 70 Bhabinkamtibmas at full size)

In life a Polres is not under a provincial Satpol PP; it sits there so that the province
login covers all 30 units. Everything is invented and deterministic (seeded).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

PASSWORD = "trantib-bench"  # noqa: S105 — every login of the benchmark province
SINCE = dt.date(2021, 1, 4)  # every definitive assignment starts here

KABKOTA = (
    # code, Pemda name, kind word, kecamatan names, busy-ness weights
    (
        "SRG",
        "Kota Serang",
        "PEMKOT",
        ("Serang", "Cipocok Jaya", "Curug", "Kasemen", "Taktakan", "Walantaka"),
        (3.0, 1.6, 0.8, 1.2, 1.0, 0.9),
    ),
    (
        "CLG",
        "Kota Cilegon",
        "PEMKOT",
        ("Cilegon", "Cibeber", "Citangkil", "Grogol", "Jombang"),
        (1.8, 1.0, 1.1, 0.8, 1.3),
    ),
    (
        "LBK",
        "Kabupaten Lebak",
        "PEMKAB",
        ("Rangkasbitung", "Cibadak", "Kalanganyar", "Warunggunung"),
        (1.5, 0.7, 0.6, 0.6),
    ),
    (
        "PDG",
        "Kabupaten Pandeglang",
        "PEMKAB",
        ("Pandeglang", "Cadasari", "Karang Tanjung", "Labuan"),
        (1.3, 0.5, 0.6, 0.9),
    ),
)
KECAMATAN_ROLES = (
    ("camat", "Camat {name}", True, 1),
    ("sekcam", "Sekretaris Kecamatan {name}", False, 1),
    ("kasi_trantib", "Kasi Ketentraman dan Ketertiban Umum", False, 1),
    ("danru", "Komandan Regu", False, 2),
    ("anggota_trantib", "Anggota Trantib", False, 4),
    ("staf", "Staf Pelayanan", False, 2),
)
SATPOL_ROLES = (
    ("kasat_pol_pp", "Kepala Satuan Polisi Pamong Praja {name}", True, 1),
    ("kabid_trantibum", "Kepala Bidang Ketertiban Umum dan Ketenteraman Masyarakat", False, 1),
    ("kasie_ops", "Kepala Seksi Operasional dan Pengendalian", False, 1),
    ("petugas_ops", "Petugas Operasional", False, 8),
)
BINMAS_ROLES = (
    ("kasat_binmas", "Kasat Binmas Polres Serang Kota", True, 1),
    ("kbo_binmas", "KBO Binmas", False, 1),
    ("kanit_binkamsa", "Kanit Binkamsa", False, 1),
    ("kanit_binpolmas", "Kanit Binpolmas", False, 1),
    ("kanit_bintibmas", "Kanit Bintibmas", False, 1),
    ("banit", "Bhabinkamtibmas", False, 0),  # the count depends on the size
)
FIRST = [
    "Agus",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Gilang",
    "Hendra",
    "Irfan",
    "Joko",
    "Kurniawan",
    "Lukman",
    "Maman",
    "Nanang",
    "Omar",
    "Purnomo",
    "Rahmat",
    "Slamet",
    "Taufik",
    "Udin",
    "Wahyu",
    "Yusuf",
    "Zainal",
    "Ahmad",
    "Bayu",
    "Cecep",
    "Dadang",
    "Endang",
    "Fikri",
    "Asep",
    "Ujang",
    "Iwan",
    "Rudi",
    "Suherman",
    "Tatang",
    "Wawan",
    "Yayat",
]
FIRST_F = [
    "Ani",
    "Dewi",
    "Eka",
    "Fitri",
    "Hana",
    "Indah",
    "Lina",
    "Maya",
    "Nurul",
    "Putri",
    "Rina",
    "Sari",
    "Tuti",
    "Wulan",
    "Yanti",
    "Siti",
    "Ratna",
    "Euis",
    "Neneng",
    "Lilis",
]
LAST = [
    "Saputra",
    "Hidayat",
    "Setiawan",
    "Pratama",
    "Kurniawan",
    "Wijaya",
    "Santoso",
    "Nugroho",
    "Rahman",
    "Hakim",
    "Maulana",
    "Permana",
    "Suryadi",
    "Gunawan",
    "Firmansyah",
    "Ramadhan",
    "Syahputra",
    "Hermawan",
    "Sulaeman",
    "Mulyana",
    "Supriatna",
    "Wahyudi",
    "Iskandar",
]
DESA_WORDS = [
    "Suka",
    "Mekar",
    "Jaya",
    "Sari",
    "Karya",
    "Mulya",
    "Tani",
    "Asih",
    "Rahayu",
    "Makmur",
    "Indah",
    "Damai",
    "Baru",
    "Lestari",
    "Wangi",
    "Mukti",
    "Harja",
    "Bakti",
    "Tirta",
    "Cipta",
]
DESA_PREFIX = [
    "Suka",
    "Cimanuk",
    "Cibeureum",
    "Kebon",
    "Pasir",
    "Ranca",
    "Kadu",
    "Lebak",
    "Tegal",
    "Sindang",
    "Banjar",
    "Karang",
]
CATEGORIES = (
    ("pkl", "Pedagang kaki lima di fasilitas umum", 0.24),
    ("bising", "Kebisingan dan gangguan ketenteraman", 0.17),
    ("bangunan", "Bangunan tanpa izin / di sempadan", 0.10),
    ("reklame", "Reklame liar", 0.08),
    ("parkir", "Parkir liar", 0.12),
    ("hiburan", "Tempat hiburan malam", 0.06),
    ("sampah", "Pembuangan sampah sembarangan", 0.13),
    ("miras", "Peredaran minuman keras", 0.05),
    ("gepeng", "Gelandangan dan pengemis", 0.05),
)
PERDA = (
    (
        "Ketertiban Umum dan Ketenteraman Masyarakat",
        (
            ("Pasal 12 ayat (1)", "Berdagang di trotoar, badan jalan dan saluran air.", 0.34),
            ("Pasal 14", "Mendirikan bangunan di sempadan sungai dan fasilitas umum.", 0.12),
            ("Pasal 18", "Parkir di tempat yang dilarang.", 0.12),
            ("Pasal 21 ayat (2)", "Membuang limbah dan sampah ke saluran umum.", 0.10),
        ),
    ),
    (
        "Penyelenggaraan Reklame",
        (
            ("Pasal 9", "Memasang reklame tanpa izin.", 0.12),
            ("Pasal 17 ayat (3)", "Reklame di ruang milik jalan.", 0.05),
        ),
    ),
    (
        "Penyelenggaraan Usaha Hiburan",
        (
            ("Pasal 6", "Usaha hiburan tanpa izin.", 0.08),
            ("Pasal 11 ayat (1)", "Beroperasi melewati jam yang ditetapkan.", 0.07),
        ),
    ),
)
SANCTIONS = (
    ("penghentian", "penyitaan", "pembongkaran"),
    ("penghentian", "penyegelan", "pembongkaran"),
    ("penghentian", "denda"),
    ("penghentian", "denda"),
    ("pembongkaran", "pencabutan_izin"),
    ("pembongkaran",),
    ("penutupan", "pencabutan_izin"),
    ("penghentian", "penutupan"),
)
AREA_WORDS = (
    "Alun-alun",
    "Pasar Induk",
    "Terminal",
    "Stasiun",
    "Jalan Protokol",
    "Taman Kota",
    "Bantaran Sungai",
    "Kawasan Kuliner",
)


@dataclass
class UnitInfo:
    id: int
    code: str
    name: str
    kind: str
    zone: str
    parent_code: str = ""
    weight: float = 1.0
    kabkota: str = ""
    holders: dict[str, list[int]] = field(default_factory=dict)  # role → person ids
    desa: list[str] = field(default_factory=list)
    register_id: int | None = None
    register_code: str = ""
    position_names: dict[str, str] = field(default_factory=dict)


@dataclass
class Org:
    """What the case generator needs to know of the province, as plain data."""

    units: dict[str, UnitInfo]
    people: dict[int, dict[str, str]]  # id → name, pangkat, id line
    categories: dict[str, list[tuple[int, str, str, float]]]  # kabkota → (id, code, name, w)
    perda: dict[str, list[dict[str, Any]]]  # satpol unit code → articles
    areas: dict[str, list[int]]  # satpol unit code → area ids
    polmas_rules: list[dict[str, Any]]
    personas: dict[str, str]  # persona → username
    sop_versions: dict[str, tuple[int, int]]  # code → (SopVersion id, version)


def _nip(rng: random.Random, serial: int, female: bool) -> str:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 30 * 365))
    start_year = birth.year + rng.randint(20, 30)
    start = f"{start_year}{rng.randint(1, 12):02d}"
    return f"{birth:%Y%m%d}{start}{2 if female else 1}{serial % 1000:03d}"


def _nrp(rng: random.Random, serial: int) -> str:
    return f"{rng.randint(70, 99):02d}{rng.randint(1, 12):02d}{serial % 10000:04d}"


def _person_name(rng: random.Random, female: bool) -> str:
    first = rng.choice(FIRST_F if female else FIRST)
    return f"{first} {rng.choice(LAST)}"


def _desa_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(DESA_PREFIX)}{rng.choice(DESA_WORDS).lower()}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def org_build(*, seed: int, banit: int) -> Org:
    """Create the province through the ORM (on an empty, migrated database)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from trantib.accounts.models import Assignment, OrgUnit, Person, Position
    from trantib.complaints.models import Category
    from trantib.enforcement.models import DEFAULT_LADDER, Article, LadderRung, Perda
    from trantib.letters.models import Register
    from trantib.patrols.models import Area
    from trantib.sops.models import SopVersion

    rng = random.Random(seed * 7 + 1)
    user_model = get_user_model()
    password = make_password(PASSWORD)  # hashed once: every user shares it
    created = dt.datetime(2021, 12, 1, 2, 0, tzinfo=dt.UTC)
    units: dict[str, UnitInfo] = {}
    people: dict[int, dict[str, str]] = {}
    serial = [100]
    taken_desa: set[str] = set()
    personas: dict[str, str] = {}

    def unit_add(
        code: str, name: str, kind: str, parent: str = "", kop: tuple[str, ...] = ()
    ) -> UnitInfo:
        row = OrgUnit(
            code=code,
            name=name,
            kind=kind,
            parent_id=units[parent].id if parent else None,
            timezone="Asia/Jakarta",
            address=f"Jl. Jenderal Sudirman No. {rng.randint(1, 200)}, {name}",
            kop_lines="\n".join(kop or ("PEMERINTAH PROVINSI BANTEN", name.upper())),
        )
        row.save()
        info = UnitInfo(row.pk, code, name, kind, row.timezone, parent)
        units[code] = info
        return info

    def staff(info: UnitInfo, roles: tuple[tuple[str, str, bool, int], ...], police: bool) -> None:
        short = info.name.replace("Kecamatan ", "").replace("Satuan Polisi Pamong Praja ", "")
        for role, title, supervises, count in roles:
            pos = Position.objects.create(
                unit_id=info.id,
                code=role,
                name=title.format(name=short),
                supervises=supervises,
            )
            info.position_names[role] = pos.name
            n = count or banit
            for i in range(n):
                serial[0] += 1
                female = rng.random() < 0.3 and role not in ("banit", "petugas_ops", "danru")
                login = f"{role.replace('_', '')}{i + 1 if n > 1 else ''}.{info.code.lower()}"
                user = user_model.objects.create(
                    username=login, password=password, email=f"{login}@bench.example"
                )
                kind = "polri" if police else ("asn" if rng.random() < 0.85 else "other")
                nip = _nip(rng, serial[0], female) if kind == "asn" else ""
                nrp = _nrp(rng, serial[0]) if kind == "polri" else ""
                person = Person.objects.create(
                    user=user,
                    full_name=_person_name(rng, female),
                    kind=kind,
                    nip=nip,
                    nrp=nrp,
                    pangkat="Penata (III/c)" if kind == "asn" else ("Bripka" if police else ""),
                )
                Assignment.objects.create(person=person, position=pos, valid_from=SINCE)
                info.holders.setdefault(role, []).append(person.pk)
                people[person.pk] = {
                    "name": person.full_name,
                    "pangkat": person.pangkat,
                    "id_line": person.identity_line,
                    "login": login,
                }

    with transaction.atomic():
        root = unit_add(
            "PPBTN",
            "Satuan Polisi Pamong Praja Provinsi Banten",
            "satpol_pp",
            kop=("PEMERINTAH PROVINSI BANTEN", "SATUAN POLISI PAMONG PRAJA"),
        )
        staff(root, SATPOL_ROLES, police=False)
        root.weight = 0.4
        personas["province"] = people[root.holders["kasat_pol_pp"][0]]["login"]
        for code, name, word, kecamatan, weights in KABKOTA:
            pemda = unit_add(f"{word}-{code}", f"Pemerintah {name}", "pemda", "PPBTN")
            staff(pemda, (("sekda", f"Sekretaris Daerah {name}", True, 1),), police=False)
            pemda.kabkota = code
            pp = unit_add(
                f"PP-{code}",
                f"Satuan Polisi Pamong Praja {name}",
                "satpol_pp",
                pemda.code,
                kop=(f"PEMERINTAH {name.upper()}", "SATUAN POLISI PAMONG PRAJA"),
            )
            pp.kabkota = code
            pp.weight = 1.3 if code == "SRG" else 1.0
            staff(pp, SATPOL_ROLES, police=False)
            if code == "SRG":
                personas["kasat"] = people[pp.holders["kasat_pol_pp"][0]]["login"]
            for kname, weight in zip(kecamatan, weights, strict=True):
                kc = f"{code}-{kname[:3].upper()}{'J' if kname == 'Cipocok Jaya' else ''}"
                if kc in units:
                    kc = f"{kc}2"
                kec = unit_add(
                    kc,
                    f"Kecamatan {kname}",
                    "kecamatan",
                    pemda.code,
                    kop=(f"PEMERINTAH {name.upper()}", f"KECAMATAN {kname.upper()}"),
                )
                kec.weight, kec.kabkota = weight, code
                kec.desa = _desa_names(rng, rng.randint(7, 12), taken_desa)
                staff(kec, KECAMATAN_ROLES, police=False)
                if kname == "Serang":
                    personas["camat"] = people[kec.holders["camat"][0]]["login"]
        polres = unit_add(
            "POLRES-SRG",
            "Polres Serang Kota",
            "polres",
            "PPBTN",
            kop=("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH BANTEN", "RESOR SERANG KOTA"),
        )
        staff(polres, (("kapolres", "Kapolres Serang Kota", True, 1),), police=True)
        binmas = unit_add(
            "BINMAS-SRG",
            "Satbinmas Polres Serang Kota",
            "satbinmas",
            "POLRES-SRG",
            kop=("KEPOLISIAN NEGARA REPUBLIK INDONESIA", "RESOR SERANG KOTA", "SATBINMAS"),
        )
        staff(binmas, BINMAS_ROLES, police=True)
        binmas.desa = [d for u in units.values() if u.kabkota == "SRG" for d in u.desa]

        # Letter registers: one general register per unit.
        for info in units.values():
            reg = Register.objects.create(
                unit_id=info.id,
                kind="",
                name=f"Buku agenda surat keluar {info.name}",
                klasifikasi="",
                unit_code=info.code.replace("-", ""),
                pattern="{klasifikasi}/{urut}/{unit}/{tahun}",
                serial_digits=4,
            )
            info.register_id, info.register_code = reg.pk, reg.unit_code

        # Complaint categories: managed by each kab/kota's Satpol PP.
        categories: dict[str, list[tuple[int, str, str, float]]] = {}
        for code, *_ in KABKOTA:
            for slug, cname, w in CATEGORIES:
                cat = Category.objects.create(
                    unit_id=units[f"PP-{code}"].id,
                    code=f"{code.lower()}-{slug}",
                    name=cname,
                    keywords=slug.upper(),
                    sop_code="PGD",
                )
                categories.setdefault(code, []).append((cat.pk, cat.code, cname, w))

        # Perda catalogue, ladder and patrol areas of every Satpol PP.
        perda: dict[str, list[dict[str, Any]]] = {}
        areas: dict[str, list[int]] = {}
        for info in units.values():
            if info.kind != "satpol_pp":
                continue
            arts: list[dict[str, Any]] = []
            for i, (title, articles) in enumerate(PERDA):
                p = Perda.objects.create(
                    unit_id=info.id,
                    kind="perda",
                    number=str(3 + 4 * i),
                    year=2016 + 2 * i,
                    title=title,
                )
                for rung, days in DEFAULT_LADDER:
                    LadderRung.objects.create(perda=p, rung=rung, days=days, working_days=False)
                for j, (label, text, w) in enumerate(articles):
                    sanctions = list(SANCTIONS[(i * 3 + j) % len(SANCTIONS)])
                    a = Article.objects.create(
                        perda=p, label=label, text=text, sanctions=sanctions, fine_max=5_000_000
                    )
                    arts.append(
                        {
                            "id": a.pk,
                            "perda_id": p.pk,
                            "label": label,
                            "perda": f"Perda {p.number}/{p.year}",
                            "weight": w,
                            "sanctions": sanctions,
                        }
                    )
            perda[info.code] = arts
            areas[info.code] = []
            for k in range(8):
                a = Area.objects.create(
                    unit_id=info.id,
                    name=f"{AREA_WORDS[k]} {info.name.split()[-1]} {k + 1}",
                    description="Wilayah patroli rutin",
                    created_at=created,
                )
                areas[info.code].append(a.pk)

        rules = _polmas_rules(rng, binmas, created)

    sop_versions = {
        v.code: (v.pk, v.version)
        for v in SopVersion.objects.filter(status="published").order_by("code", "version")
    }
    return Org(
        units=units,
        people=people,
        categories=categories,
        perda=perda,
        areas=areas,
        polmas_rules=rules,
        personas=personas,
        sop_versions=sop_versions,
    )


def _polmas_rules(
    rng: random.Random, binmas: UnitInfo, created: dt.datetime
) -> list[dict[str, Any]]:
    """Each Bhabinkamtibmas holds Pos Satria every day, Pos Sapta on Saturday, Pos Khidmat on
    Friday and Pos Mantap on one weekday, in the desa they are posted to."""
    from trantib.community.models import Rule

    rules: list[dict[str, Any]] = []
    desa = binmas.desa
    for i, officer in enumerate(binmas.holders.get("banit", [])):
        place_desa = desa[i % len(desa)]
        for pos, days, hour, place in (
            ("pos_satria", "", dt.time(19, 0), f"Pos Kamling {place_desa}"),
            ("pos_sapta", "5", dt.time(8, 0), f"Balai Desa {place_desa}"),
            ("pos_khidmat", "4", dt.time(12, 0), f"Masjid Jami {place_desa}"),
            ("pos_mantap", str(rng.randint(0, 3)), dt.time(20, 0), f"Pos Ronda {place_desa}"),
        ):
            r = Rule.objects.create(
                unit_id=binmas.id,
                officer_id=officer,
                desa=place_desa,
                pos=pos,
                days=days,
                starts_at=hour,
                place=place,
                active=True,
                created_by_id=binmas.holders["kbo_binmas"][0],
                created_at=created,
                opened_through=dt.date(2026, 11, 30),
            )
            rules.append(
                {
                    "id": r.pk,
                    "officer": officer,
                    "desa": place_desa,
                    "pos": pos,
                    "days": days,
                    "starts_at": hour,
                    "place": place,
                }
            )
    return rules
