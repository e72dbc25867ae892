"""The Perda catalogue of a unit: its Perda/Perkada, their articles and warning ladder.

A new Perda gets the national ladder (Permendagri 54/2011: 15 / 7 / 3 / 3 calendar days,
:data:`~trantib.enforcement.models.DEFAULT_LADDER`); the unit changes it where its own Perda
says otherwise (Perda Sragen 8/2018: 7 / 5 / 3). Only the unit's heads (a supervising position
in the unit or above it) or an administrator edit the catalogue; every change is audited on
the Perda's chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.models import OrgUnit, Person
from trantib.cases import services as case_services
from trantib.core.audit import audit_record
from trantib.core.errors import Invalid, NotAllowed
from trantib.core.text import has_control_characters

from ..models import (
    DEFAULT_LADDER,
    Article,
    Enforcement,
    LadderRung,
    Perda,
    RegulationKind,
    Rung,
    Sanction,
)
from ..numbers import fine_parse, whole

TITLE_MAX = 300
ARTICLE_TEXT_MAX = 4000
RUNG_DAYS_MAX = 365


class PerdaEvent:
    CREATED = "perda.created"
    CHANGED = "perda.changed"
    ARTICLE_ADDED = "perda.article_added"
    ARTICLE_CHANGED = "perda.article_changed"
    ARTICLE_REMOVED = "perda.article_removed"
    LADDER_CHANGED = "perda.ladder_changed"


def may_edit_catalogue(person: Person | None, unit: OrgUnit) -> bool:
    """The unit's heads (a supervising position in it or above it) or an administrator."""
    if person is None:
        return False
    user = person.user
    if user is not None and user.is_superuser:
        return True
    return case_services.supervises(person, unit)


def _refuse_unless_head(actor: Person, unit: OrgUnit) -> None:
    if not may_edit_catalogue(actor, unit):
        raise NotAllowed(
            _("Hanya pimpinan unit atau administrator yang dapat mengubah katalog Perda."),
            field="unit",
        )


def _text(value: Any, *, field: str, label: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(_("%(label)s wajib diisi.") % {"label": label}, field=field)
    if len(text) > limit:
        raise Invalid(
            _("%(label)s paling panjang %(n)s karakter.") % {"label": label, "n": limit},
            field=field,
        )
    if has_control_characters(text, unstorable_only=True):
        raise Invalid(_("%(label)s berisi karakter kendali.") % {"label": label}, field=field)
    return text


def _year(value: Any) -> int:
    year = whole(value, field="year", message=_("Tahun harus berupa angka, mis. 2018."))
    if not 1945 <= year <= 2100:
        raise Invalid(_("Tahun harus antara 1945 dan 2100."), field="year")
    return year


def _perda_snapshot(perda: Perda) -> dict[str, Any]:
    return {
        "kind": perda.kind,
        "number": perda.number,
        "year": perda.year,
        "title": perda.title,
        "active": perda.active,
    }


def _ladder_snapshot(perda: Perda) -> list[dict[str, Any]]:
    return [
        {"rung": r.rung, "days": r.days, "working_days": r.working_days}
        for r in LadderRung.objects.filter(perda=perda).order_by("pk")
    ]


def _audit(perda: Perda, type: str, actor: Person, data: dict[str, Any], now: dt.datetime) -> None:
    audit_record(
        subject=perda, type=type, actor_id=actor.pk, unit_id=perda.unit_id, at=now, data=data
    )


@transaction.atomic
def perda_create(
    *,
    unit: OrgUnit,
    actor: Person,
    number: str,
    year: Any,
    title: str,
    kind: str = RegulationKind.PERDA,
    now: dt.datetime | None = None,
) -> Perda:
    """Add a Perda/Perkada to the unit's catalogue, with the national ladder (15/7/3/3 days)."""
    now = now or timezone.now()
    _refuse_unless_head(actor, unit)
    if kind not in RegulationKind.values:
        raise Invalid(_("Jenis peraturan tidak dikenal."), field="kind")
    number = _text(number, field="number", label=_("Nomor"), limit=20)
    title = _text(title, field="title", label=_("Judul (tentang)"), limit=TITLE_MAX)
    perda = Perda(unit=unit, kind=kind, number=number, year=_year(year), title=title)
    if Perda.objects.filter(unit=unit, kind=kind, number=number, year=perda.year).exists():
        raise Invalid(_("Peraturan ini sudah ada di katalog unit."), field="number")
    perda.save()
    LadderRung.objects.bulk_create(
        [LadderRung(perda=perda, rung=rung, days=days) for rung, days in DEFAULT_LADDER]
    )
    _audit(
        perda,
        PerdaEvent.CREATED,
        actor,
        {"after": _perda_snapshot(perda), "ladder": _ladder_snapshot(perda)},
        now,
    )
    return perda


@transaction.atomic
def perda_update(
    *,
    perda: Perda,
    actor: Person,
    number: str,
    year: Any,
    title: str,
    kind: str,
    active: bool,
    now: dt.datetime | None = None,
) -> Perda:
    now = now or timezone.now()
    perda = Perda.objects.select_for_update().get(pk=perda.pk)
    _refuse_unless_head(actor, perda.unit)
    if kind not in RegulationKind.values:
        raise Invalid(_("Jenis peraturan tidak dikenal."), field="kind")
    before = _perda_snapshot(perda)
    perda.kind = kind
    perda.number = _text(number, field="number", label=_("Nomor"), limit=20)
    perda.year = _year(year)
    perda.title = _text(title, field="title", label=_("Judul (tentang)"), limit=TITLE_MAX)
    perda.active = bool(active)
    clash = Perda.objects.filter(
        unit_id=perda.unit_id, kind=perda.kind, number=perda.number, year=perda.year
    ).exclude(pk=perda.pk)
    if clash.exists():
        raise Invalid(_("Peraturan ini sudah ada di katalog unit."), field="number")
    perda.save(update_fields=["kind", "number", "year", "title", "active"])
    after = _perda_snapshot(perda)
    if after != before:
        _audit(perda, PerdaEvent.CHANGED, actor, {"before": before, "after": after}, now)
    return perda


def _sanctions(values: Sequence[str]) -> list[str]:
    out = []
    for value in values:
        if value not in Sanction.values:
            raise Invalid(_("Sanksi administratif tidak dikenal."), field="sanctions")
        if value not in out:
            out.append(value)
    return out


def _fine(value: Any) -> int | None:
    return fine_parse(value, field="fine_max")


def _article_snapshot(article: Article) -> dict[str, Any]:
    return {
        "label": article.label,
        "text": article.text,
        "sanctions": list(article.sanctions),
        "fine_max": article.fine_max,
    }


@transaction.atomic
def article_save(
    *,
    perda: Perda,
    actor: Person,
    label: str,
    text: str = "",
    sanctions: Sequence[str] = (),
    fine_max: Any = None,
    article: Article | None = None,
    now: dt.datetime | None = None,
) -> Article:
    """Add an article to the Perda (``article`` None) or change one of its articles."""
    now = now or timezone.now()
    _refuse_unless_head(actor, perda.unit)
    label = _text(label, field="label", label=_("Pasal"), limit=60)
    text = _text(text, field="text", label=_("Isi pasal"), limit=ARTICLE_TEXT_MAX, required=False)
    values = {
        "label": label,
        "text": text,
        "sanctions": _sanctions(sanctions),
        "fine_max": _fine(fine_max),
    }
    clash = Article.objects.filter(perda=perda, label=label)
    if article is not None:
        if article.perda_id != perda.pk:
            raise Invalid(_("Pasal ini bukan pasal peraturan itu."), field="article")
        clash = clash.exclude(pk=article.pk)
    if clash.exists():
        raise Invalid(_("Pasal ini sudah ada pada peraturan itu."), field="label")
    if article is None:
        article = Article.objects.create(perda=perda, **values)
        _audit(
            perda,
            PerdaEvent.ARTICLE_ADDED,
            actor,
            {"article": article.pk, "after": _article_snapshot(article)},
            now,
        )
        return article
    before = _article_snapshot(article)
    for name, value in values.items():
        setattr(article, name, value)
    article.save(update_fields=list(values))
    _audit(
        perda,
        PerdaEvent.ARTICLE_CHANGED,
        actor,
        {"article": article.pk, "before": before, "after": _article_snapshot(article)},
        now,
    )
    return article


@transaction.atomic
def article_remove(*, article: Article, actor: Person, now: dt.datetime | None = None) -> None:
    """Remove an article no finding cites yet (a cited article stays, for the record)."""
    now = now or timezone.now()
    perda = article.perda
    _refuse_unless_head(actor, perda.unit)
    if Enforcement.articles.through.objects.filter(article_id=article.pk).exists():
        raise Invalid(
            _("Pasal ini sudah dikutip pada temuan; pasal tidak dapat dihapus."), field="article"
        )
    before = _article_snapshot(article)
    pk = article.pk
    try:
        article.delete()
    except IntegrityError:
        raise Invalid(_("Pasal ini masih dipakai; tidak dapat dihapus."), field="article") from None
    _audit(perda, PerdaEvent.ARTICLE_REMOVED, actor, {"article": pk, "before": before}, now)


@transaction.atomic
def ladder_set(
    *,
    perda: Perda,
    actor: Person,
    rungs: Mapping[str, tuple[Any, bool]],
    now: dt.datetime | None = None,
) -> Perda:
    """Set the Perda's ladder: for each rung (``pernyataan``, ``teguran_1``…) its days and
    whether they are working days. A rung left out keeps its period."""
    now = now or timezone.now()
    _refuse_unless_head(actor, perda.unit)
    before = _ladder_snapshot(perda)
    for rung, (days_raw, working) in rungs.items():
        if rung not in Rung.values:
            raise Invalid(_("Tingkat teguran tidak dikenal."), field="rung")
        days = whole(
            days_raw,
            field=f"{rung}-days",
            message=_("Jangka waktu %(rung)s harus berupa angka hari.")
            % {"rung": Rung(rung).label},
        )
        if not 1 <= days <= RUNG_DAYS_MAX:
            raise Invalid(
                _("Jangka waktu %(rung)s harus 1 sampai 365 hari.") % {"rung": Rung(rung).label},
                field=f"{rung}-days",
            )
        LadderRung.objects.update_or_create(
            perda=perda, rung=rung, defaults={"days": days, "working_days": bool(working)}
        )
    after = _ladder_snapshot(perda)
    if after != before:
        _audit(perda, PerdaEvent.LADDER_CHANGED, actor, {"before": before, "after": after}, now)
    return perda
