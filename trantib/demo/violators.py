"""The demo's violators register, from ``data/violators.yaml``: persons and businesses of Satpol
PP Kota Tangerang, each with its NIK or NIB, address, map point and a few generated photos,
registered through ``trantib.enforcement.services``. Idempotent: keyed on (unit, name).
The ladder's demo opens enforcements on these violators (by name) after this has run."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db import transaction
from PIL import Image, ImageDraw

from trantib.enforcement.models import Violator
from trantib.enforcement.services import violator_create, violator_photo_add

from .complaints import unit_get
from .steps import person_get
from .yamlfile import DemoDataError, Entry, read

FILE = "violators.yaml"
KEYS = frozenset(
    {
        "unit",
        "by",
        "kind",
        "name",
        "nik",
        "phone",
        "address",
        "desa",
        "kecamatan",
        "note",
        "nib",
        "business_type",
        "owner",
        "point",
        "photos",
        "colour",
    }
)


@dataclass(frozen=True)
class DemoViolator:
    unit: str
    name: str
    kind: str
    created: bool


def photo(name: str, n: int, colour: tuple[int, int, int]) -> bytes:
    """A small JPEG: a coloured block (a stall, a shop front) with the name written on it."""
    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    shade = tuple(max(c - 50, 0) for c in colour)
    draw.rectangle((30 + 10 * n, 70, 290 - 10 * n, 220), fill=shade)
    draw.rectangle((0, 0, 320, 44), fill=(250, 250, 245))
    draw.text((12, 14), f"{name} ({n + 1})"[:48], fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _point(entry: Entry) -> tuple[float | None, float | None]:
    point = entry.raw.get("point")
    if point is None:
        return None, None
    if (
        not isinstance(point, list)
        or len(point) != 2
        or not all(isinstance(x, int | float) for x in point)
    ):
        raise entry.error("'point' must be [lat, lon]")
    return float(point[0]), float(point[1])


def _colour(entry: Entry) -> tuple[int, int, int]:
    colour = entry.raw.get("colour", [120, 120, 120])
    if not isinstance(colour, list) or len(colour) != 3:
        raise entry.error("'colour' must be [r, g, b]")
    r, g, b = (int(c) for c in colour)
    return r, g, b


@transaction.atomic
def demo_violators_load() -> list[DemoViolator]:
    shown, raw = read(FILE)
    entries = raw.get("violators")
    if not isinstance(entries, list):
        raise DemoDataError(f"{shown}: expected a list 'violators'")
    made: list[DemoViolator] = []
    for n, item in enumerate(entries, start=1):
        entry = Entry(item, f"{shown}: violator {n}", keys=KEYS)
        unit = unit_get(entry.text("unit"), entry.where)
        name = entry.text("name")
        kind = entry.text("kind")
        if Violator.objects.filter(unit=unit, name=name).exists():
            made.append(DemoViolator(unit.code, name, kind, False))
            continue
        actor = person_get(entry.text("by"), entry.where)
        owner = None
        if entry.has("owner"):
            owner = Violator.objects.filter(unit=unit, name=entry.text("owner")).first()
            if owner is None:
                raise entry.error(f"owner {entry.text('owner')!r} is not registered above")
        lat, lon = _point(entry)
        violator = violator_create(
            unit=unit,
            actor=actor,
            kind=kind,
            name=name,
            nik=entry.text("nik", ""),
            phone=entry.text("phone", ""),
            address=entry.text("address", ""),
            desa=entry.text("desa", ""),
            kecamatan=entry.text("kecamatan", ""),
            nib=entry.text("nib", ""),
            business_type=entry.text("business_type", ""),
            owner=owner,
            latitude=lat,
            longitude=lon,
            note=entry.text("note", ""),
        )
        colour = _colour(entry)
        for i in range(entry.number("photos", 0)):
            violator_photo_add(
                violator=violator,
                actor=actor,
                name=f"foto-{i + 1}.jpg",
                content=io.BytesIO(photo(name, i, colour)),
            )
        made.append(DemoViolator(unit.code, name, kind, True))
    return made
