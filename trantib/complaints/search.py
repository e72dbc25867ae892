"""The search box's answers from complaints: complaints themselves, and places.

Complaints are found by tracking number (exact, through its unique index), by kelurahan, and
by their content (uraian, alamat) — not by their case's number: the cases provider finds the
case by it, and a whole case number must stay the only hit, to open the case at once. A
confidential complaint's content is matched, and quoted, only for the intake roles of its unit
— who may see its reporter (:func:`selectors.reporter_for`): a search for a name must not point
at the complaint of a reporter who asked not to be known. The reporter's identity is never
searched.

Places ("Tempat") are the units the user sees, by name or code, and the kelurahan/desa and
addresses the user's complaints name (addresses of confidential complaints only for who may
read their content), each with how many complaints name it, linked to the list of those
complaints.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trantib.accounts.selectors import positions_for_user, units_for_user
from trantib.core.dates import date_id
from trantib.core.search import SearchHit, UserLike

from .models import Complaint
from .selectors import complaint_list_for_user
from .services import intake_units_of, tracking_normalise


def _content_readable(user: UserLike) -> Q:
    """The complaints whose content (uraian, alamat) ``user`` may search and read here: not
    confidential, or of a unit where the user holds an intake role today (as
    :func:`selectors.intake_unit_ids`; one query)."""
    held = positions_for_user(user).values_list("unit_id", "code")
    return Q(confidential=False) | Q(unit_id__in=sorted(intake_units_of(held)))


def _with_content(qs: QuerySet[Complaint], content: Q) -> QuerySet[Complaint]:
    return (
        qs.annotate(content_shown=ExpressionWrapper(content, output_field=BooleanField()))
        .select_related(None)
        .select_related("unit", "category")
    )


def _complaint_hit(complaint: Complaint, *, exact: bool = False) -> SearchHit:
    received = date_id(complaint.received_at.astimezone(complaint.unit.zone()).date())
    parts = [complaint.category.name, complaint.kelurahan, received]
    if getattr(complaint, "content_shown", False):
        text = " ".join(complaint.description.split())
        parts.append(text if len(text) <= 80 else f"{text[:79]}…")
    return SearchHit(
        kind=_("Pengaduan"),
        title=complaint.tracking,
        subtitle=" · ".join(p for p in parts if p),
        url=reverse("complaints:detail", args=[complaint.pk]),
        unit_code=complaint.unit.code,
        exact=exact,
    )


def complaints_search(user: UserLike, query: str, limit: int) -> list[SearchHit]:
    content = _content_readable(user)
    readable = _with_content(complaint_list_for_user(user), content)
    normal = tracking_normalise(query)
    if normal:
        exact = readable.filter(tracking=normal).first()
        if exact is not None:
            return [_complaint_hit(exact, exact=True)]
    words = Q(description__icontains=query) | Q(address__icontains=query)
    match = Q(kelurahan__icontains=query) | (content & words)
    rows = readable.filter(match).order_by("-received_at", "-pk")[:limit]
    return [_complaint_hit(c) for c in rows]


def _place_hit(name: str, count: int, *, what: str) -> SearchHit:
    return SearchHit(
        kind=what,
        title=name,
        subtitle=ngettext("%(n)s pengaduan", "%(n)s pengaduan", count) % {"n": count},
        url=f"{reverse('complaints:list')}?{urlencode({'q': name})}",
    )


def places_search(user: UserLike, query: str, limit: int) -> list[SearchHit]:
    units = (
        units_for_user(user)
        .filter(Q(name__icontains=query) | Q(code=query.upper()))
        .order_by("name")[:limit]
    )
    # A case number starts with its unit's code: the case list finds the unit's cases by it.
    hits = [
        SearchHit(
            kind=unit.get_kind_display(),
            title=unit.name,
            subtitle=_("Kasus unit ini (nomor %(code)s/…)") % {"code": unit.code},
            url=f"{reverse('cases:list')}?{urlencode({'q': f'{unit.code}/'})}",
            unit_code=unit.code,
        )
        for unit in units
    ]
    readable = complaint_list_for_user(user).select_related(None).order_by()
    desa = (
        readable.filter(kelurahan__icontains=query)
        .values("kelurahan")
        .annotate(n=Count("pk"))
        .order_by("-n", "kelurahan")[:limit]
    )
    hits += [_place_hit(row["kelurahan"], row["n"], what=_("Kelurahan/desa")) for row in desa]
    addresses = (
        readable.filter(_content_readable(user), address__icontains=query)
        .values("address")
        .annotate(n=Count("pk"))
        .order_by("-n", "address")[:limit]
    )
    hits += [_place_hit(row["address"], row["n"], what=_("Alamat")) for row in addresses]
    return hits[:limit]
