"""What the incoming-letter pages share: the access-checked fetch, who may record, where a
letter's dispositions stand, and the agenda's rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Position
from trantib.accounts.selectors import positions_for_user
from trantib.core.errors import NotFound

from .. import selectors
from ..models import Disposition, IncomingLetter
from ..services import incoming as services
from ..uploads import KIND_BY_EXT
from ..views.common import PAGE_SIZE, actor_of

__all__ = ["PAGE_SIZE", "actor_of"]

SCAN_CONTENT_TYPES = {f".{ext}": kind.content_type for ext, kind in KIND_BY_EXT.items()}


# -- helpers ------------------------------------------------------------------------------


def incoming_or_404(request: PersonRequest, incoming_id: int) -> IncomingLetter:
    try:
        return selectors.incoming_get_for_user(request.user, incoming_id)
    except NotFound:
        raise Http404(_("Surat masuk tidak ditemukan.")) from None


def recording_units(request: PersonRequest) -> list[OrgUnit]:
    person = request.person
    if person is None:
        return []
    units = {p.unit.pk: p.unit for p in positions_for_user(request.user).select_related("unit")}
    return [
        u for u in sorted(units.values(), key=lambda u: u.code) if services.may_record(person, u)
    ]


@dataclass(frozen=True)
class DispositionStatus:
    """Where the letter's dispositions stand: "belum" (none yet), "proses" (one is open),
    "lewat" (one is open past its due date), "selesai" (all reported done)."""

    code: str
    label: str

    @property
    def badge(self) -> str:
        return {"selesai": "done", "proses": "open", "lewat": "danger"}.get(self.code, "")


def disposition_status(incoming: IncomingLetter, today: dt.date) -> DispositionStatus:
    dispositions = list(incoming.dispositions.all())
    if not dispositions:
        return DispositionStatus("belum", _("Belum didisposisi"))
    open_ = [d for d in dispositions if d.done_at is None]
    if not open_:
        return DispositionStatus("selesai", _("Selesai"))
    if any(d.due_on and d.due_on < today for d in open_):
        return DispositionStatus("lewat", _("Lewat batas waktu"))
    return DispositionStatus("proses", _("Didisposisi"))


def jabatan_names(dispositions: list[Disposition], unit: OrgUnit) -> dict[str, str]:
    codes = {d.to_role for d in dispositions}
    return dict(Position.objects.filter(unit=unit, code__in=codes).values_list("code", "name"))


def to_text(d: Disposition, names: dict[str, str]) -> str:
    jabatan = names.get(d.to_role, d.to_role)
    return f"{jabatan} ({d.to_person.full_name})" if d.to_person else jabatan


@dataclass
class Row:
    incoming: IncomingLetter
    status: DispositionStatus
    to: list[str]


def rows_of(items: list[IncomingLetter]) -> list[Row]:
    names: dict[tuple[int, str], str] = {}
    units = {i.unit_id: i.unit for i in items}
    for unit in units.values():
        wanted = [d for i in items if i.unit_id == unit.pk for d in i.dispositions.all()]
        names.update({(unit.pk, k): v for k, v in jabatan_names(wanted, unit).items()})
    today = {u.pk: u.today() for u in units.values()}
    return [
        Row(
            incoming=i,
            status=disposition_status(i, today[i.unit_id]),
            to=[
                to_text(d, {k[1]: v for k, v in names.items() if k[0] == i.unit_id})
                for d in i.dispositions.all()
            ],
        )
        for i in items
    ]
