"""A finding against a violator, and the enforcement case that walks its warning ladder.

:func:`finding_open` records one finding (the violator, the articles violated, the place, the
photos) as an :class:`~trantib.enforcement.models.Enforcement` and opens its case at the entry
step of the unit's SOP that binds the ``violation_finding`` contract (PPW's ``beri_teguran``).
That step waits for its Surat Pernyataan (the letters app's guard), so the case opens with it
live for the Kasat; :class:`FindingGuard` fills its violator, place and articles from the
register when it completes, so nobody types them again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trantib.accounts.models import OrgUnit, Person
from trantib.cases import services as case_services
from trantib.cases.models import Case
from trantib.core.audit import audit_record
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.engine.bindings import ContractName
from trantib.engine.spec import Binding, SOPSpec, SopStatus, Step
from trantib.sops import registry

from ..models import Article, Enforcement, FindingSource, Violator
from ..numbers import text_checked, whole
from ..selectors.ladder import articles_for_unit, articles_text, enforcement_for_case
from ..selectors.violators import is_enforcement_officer

FILLED_NOTE = gettext_lazy("diisi dari register penegakan")
PLACE_MAX = 300
DESCRIPTION_MAX = 4000


class AuditType:
    FINDING_OPENED = "enforcement.finding_opened"
    STATUS_CHANGED = "enforcement.status_changed"


def articles_pick(*, unit: OrgUnit, data: Mapping[str, Any], prefix: str) -> list[Article]:
    """The articles ticked in ``enforcement/_article_pick.html`` (``{prefix}-articles``): at
    least one, each an article of a Perda in force in ``unit``."""
    field = f"{prefix}-articles"
    getlist = getattr(data, "getlist", None)
    raw = getlist(field) if getlist is not None else data.get(field)
    if raw is None or raw == "":
        raw = []
    if not isinstance(raw, list | tuple):
        raw = [raw]
    ids = [whole(v, field=field, message=_("Pilihan pasal tidak dikenal.")) for v in raw]
    if not ids:
        raise Invalid(_("Pilih sedikitnya satu pasal yang dilanggar."), field=field)
    found = {a.pk: a for a in articles_for_unit(unit).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise Invalid(_("Pasal yang dipilih tidak ada di katalog Perda unit ini."), field=field)
    return [found[i] for i in dict.fromkeys(ids)]


def finding_entry(unit: OrgUnit) -> tuple[SOPSpec, Step, Binding]:
    """The SOP the unit runs whose entry step binds ``violation_finding``, that step and its
    binding; Conflict when the unit runs none (it lacks a position for one of its roles)."""
    from trantib.accounts.models import Position

    codes = set(Position.objects.filter(unit=unit).values_list("code", flat=True))
    for spec in registry.current():
        if spec.status != SopStatus.PUBLISHED:
            continue
        found = spec.binding(ContractName.VIOLATION_FINDING)
        if found is None or not found[0].entry:
            continue
        if set(case_services.role_map(spec, unit).values()) <= codes:
            return spec, found[0], found[1]
    raise Conflict(
        _("Unit %(unit)s tidak menjalankan SOP penegakan Perda (langkah temuan pelanggaran).")
        % {"unit": unit.code},
        field="unit",
    )


def violator_value(violator: Violator) -> dict[str, str]:
    """The violator as a ``person`` field records it: {nama, nik, alamat}."""
    where = ", ".join(p for p in (violator.address, violator.desa, violator.kecamatan) if p)
    nik = violator.nik or (violator.owner.nik if violator.owner_id and violator.owner else "")
    value = {"nama": violator.name, "nik": nik, "alamat": where}
    return {k: v for k, v in value.items() if v}


def place_value(enforcement: Enforcement) -> dict[str, Any]:
    value: dict[str, Any] = {}
    if enforcement.place:
        value["address"] = enforcement.place
    if enforcement.latitude is not None and enforcement.longitude is not None:
        value.update(lat=enforcement.latitude, lon=enforcement.longitude)
    return value


def _uploads(photos: Sequence[Any]) -> list[tuple[str, IO[bytes]]]:
    out: list[tuple[str, IO[bytes]]] = []
    for photo in photos:
        if isinstance(photo, tuple):
            out.append(photo)
        else:
            out.append((str(getattr(photo, "name", "foto.jpg")), photo))
    return out


def _coordinate(value: Any, low: float, high: float, field: str, label: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid(_("%(label)s harus berupa angka.") % {"label": label}, field=field) from None
    if not low <= number <= high:
        raise Invalid(
            _("%(label)s harus antara %(low)s dan %(high)s.")
            % {"label": label, "low": low, "high": high},
            field=field,
        )
    return number


@transaction.atomic
def finding_open(
    *,
    unit: OrgUnit,
    actor: Person,
    violator: Violator,
    articles: Sequence[Article],
    place: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    description: str = "",
    found_at: dt.datetime,
    source: str,
    photos: Sequence[Any] = (),
    parent_case: Case | None = None,
    now: dt.datetime | None = None,
) -> Enforcement:
    """Record a finding and open its enforcement case at the unit's ``violation_finding``
    entry step (linked to ``parent_case``). ``photos``: uploaded files (or (name, file)
    pairs), kept as the step's files. A repeat: the violator had an enforcement in the unit."""
    now = now or timezone.now()
    if violator.unit_id != unit.pk:
        raise Invalid(_("Pelanggar tidak terdaftar di unit ini."), field="violator")
    if source not in FindingSource.values:
        raise Invalid(_("Sumber temuan tidak dikenal."), field="source")
    articles = list(articles)
    if not articles:
        raise Invalid(_("Pilih sedikitnya satu pasal yang dilanggar."), field="articles")
    in_force = set(articles_for_unit(unit).values_list("pk", flat=True))
    if any(a.pk not in in_force for a in articles):
        raise Invalid(
            _("Pasal yang dipilih tidak ada di katalog Perda unit ini."), field="articles"
        )
    place = text_checked(place, field="place", label=_("Lokasi")).strip()
    if len(place) > PLACE_MAX:
        raise Invalid(_("Lokasi paling panjang 300 karakter."), field="place")
    description = text_checked(description, field="description", label=_("Uraian")).strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(_("Uraian temuan paling panjang 4000 karakter."), field="description")
    lat = _coordinate(latitude, -90, 90, "latitude", _("Lintang"))
    lon = _coordinate(longitude, -180, 180, "longitude", _("Bujur"))
    if (lat is None) != (lon is None):
        raise Invalid(_("Isi lintang dan bujur, atau kosongkan keduanya."), field="latitude")
    if not place and lat is None:
        raise Invalid(_("Isi lokasi temuan atau tandai titiknya di peta."), field="place")
    if found_at is None or timezone.is_naive(found_at):
        raise Invalid(_("Waktu temuan wajib diisi."), field="found_at")
    if found_at > now + dt.timedelta(minutes=5):
        raise Invalid(_("Waktu temuan tidak boleh di masa depan."), field="found_at")
    if parent_case is not None and parent_case.unit_id != unit.pk:
        raise Invalid(_("Kasus asal temuan bukan kasus unit ini."), field="parent_case")
    if not is_enforcement_officer(actor, unit):
        raise NotAllowed(
            _("Hanya petugas penegakan unit %(unit)s yang dapat mencatat temuan.")
            % {"unit": unit.name},
            field="unit",
        )
    spec, step, binding = finding_entry(unit)
    repeat = Enforcement.objects.filter(unit=unit, violator=violator).exists()
    enforcement = Enforcement.objects.create(
        unit=unit,
        violator=violator,
        perda=articles[0].perda,
        source=source,
        place=place,
        latitude=lat,
        longitude=lon,
        description=description,
        found_at=found_at,
        found_by=actor,
        repeat=repeat,
    )
    enforcement.articles.set(articles)
    data = {
        binding.field("violator"): violator_value(violator),
        binding.field("place"): place_value(enforcement),
        binding.field("articles"): articles_text(articles),
    }
    files = _uploads(photos)
    subject = _("%(name)s — %(articles)s") % {
        "name": violator.name,
        "articles": ", ".join(str(a) for a in articles),
    }
    case = case_services.case_start_held(
        sop_code=spec.code,
        unit=unit,
        actor=actor,
        subject=subject[:300],
        entry=step.id,
        data={k: v for k, v in data.items() if k},
        parent=parent_case,
        now=now,
    )
    # The finding's photos belong to the case, not to the Kasat's step: the officer who took
    # them need not hold its position.
    for name, content in files:
        case_services.attachment_add(case=case, actor=actor, name=name, content=content, now=now)
    enforcement.case = case
    enforcement.save(update_fields=["case"])
    audit_record(
        subject=enforcement,
        type=AuditType.FINDING_OPENED,
        actor_id=actor.pk,
        unit_id=unit.pk,
        at=now,
        data={
            "case": case.number,
            "violator": violator.pk,
            "articles": [a.pk for a in articles],
            "perda": enforcement.perda_id,
            "source": source,
            "place": place,
            "latitude": lat,
            "longitude": lon,
            "found_at": found_at.isoformat(),
            "repeat": repeat,
            "parent": parent_case.number if parent_case else None,
            "photos": len(files),
        },
    )
    return enforcement


class FindingGuard:
    """The cases step guard of a step that binds ``violation_finding``: it fills the step's
    violator, place and articles from the enforcement register (shown read-only on its form).
    A case opened by hand, with no enforcement behind it, keeps what its start form recorded."""

    def applies(self, step: Step) -> bool:
        return ContractName.VIOLATION_FINDING in step.binds

    def filled(self, step: Step) -> Mapping[str, str]:
        binding = step.binds.get(ContractName.VIOLATION_FINDING)
        if binding is None:
            return {}
        return {
            name: str(FILLED_NOTE)
            for role in ("violator", "place", "articles")
            if (name := binding.field(role))
        }

    def filled_for(self, step: Step, case: Case | None, start: bool) -> Mapping[str, str]:
        """The start form asks for them (nothing in the register behind it), as does the task
        of a case started by hand; a case opened from a finding shows them read-only."""
        if start or case is None or enforcement_for_case(case) is None:
            return {}
        return self.filled(step)

    def prepare(
        self,
        *,
        spec: SOPSpec,
        case: Case,
        task: Any,
        step: Step,
        data: dict[str, Any],
        decision: str,
        actor: Person | None,
        now: dt.datetime,
    ) -> dict[str, Any]:
        binding = step.binds.get(ContractName.VIOLATION_FINDING)
        enforcement = enforcement_for_case(case)
        if binding is None or enforcement is None:
            return data
        values = {
            binding.field("violator"): violator_value(enforcement.violator),
            binding.field("place"): place_value(enforcement),
            binding.field("articles"): articles_text(
                enforcement.articles.select_related("perda").order_by("pk")
            ),
        }
        data.update({k: v for k, v in values.items() if k and v})
        return data
