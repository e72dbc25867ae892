"""A Perda catalogue and violators for the ladder's tests (through the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from trantib.enforcement.models import Article, Perda, Violator
from trantib.enforcement.services import article_save, ladder_set, perda_create


def catalogue(demo_org: Any, now: dt.datetime) -> tuple[Perda, Perda]:
    """PPTNG's catalogue: a Perda on the national ladder and one with a local 7/5/3 ladder."""
    kasat = demo_org.person("kasat.pptng")
    unit = demo_org.unit("PPTNG")
    tibum = perda_create(
        unit=unit,
        actor=kasat,
        number="8",
        year=2018,
        title="Ketertiban Umum dan Ketenteraman Masyarakat",
        now=now,
    )
    article_save(
        perda=tibum,
        actor=kasat,
        label="Pasal 12 ayat (1)",
        text="Setiap orang dilarang berdagang di trotoar.",
        sanctions=["penghentian", "penyitaan"],
        fine_max=5_000_000,
        now=now,
    )
    article_save(perda=tibum, actor=kasat, label="Pasal 14", text="Dilarang.", now=now)
    reklame = perda_create(
        unit=unit, actor=kasat, number="3", year=2020, title="Penyelenggaraan Reklame", now=now
    )
    article_save(
        perda=reklame,
        actor=kasat,
        label="Pasal 9",
        text="Reklame wajib berizin.",
        sanctions=["pembongkaran", "denda"],
        now=now,
    )
    ladder_set(
        perda=reklame,
        actor=kasat,
        rungs={
            "pernyataan": (7, False),
            "teguran_1": (5, True),
            "teguran_2": (3, True),
            "teguran_3": (3, True),
        },
        now=now,
    )
    return tibum, reklame


def article(perda: Perda, label: str) -> Article:
    return Article.objects.get(perda=perda, label=label)


def violator(demo_org: Any, name: str = "Sutarman", nik: str = "3671010101800001") -> Violator:
    return Violator.objects.create(
        unit=demo_org.unit("PPTNG"),
        kind=Violator.Kind.PERSON,
        name=name,
        nik=nik,
        address="Kp. Babakan RT 03/RW 02",
        desa="Babakan",
        kecamatan="Tangerang",
        created_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
    )
