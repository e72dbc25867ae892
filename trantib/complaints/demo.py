"""Demo complaint setup: categories and routing rules for the kecamatan that run PGD.

Kecamatan Kerjo (Karanganyar) runs the complaint SOP of seed 002; its categories are the
kinds of Perda violation a kecamatan hears about. A routing rule sends complaints located in
Kerjo's desa (by name or inside its box on the map) to Kerjo; Cipondoh gets one category of
its own to show routing by category. Idempotent.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from trantib.accounts.models import OrgUnit

from .models import Category, RoutingRule

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
