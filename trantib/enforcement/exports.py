"""The enforcement app's lists as XLSX, through ``trantib.core.xlsx``: the violators register
(the filtered rows, every page; NIK, phone and street address through ``violator_display``,
masked for anyone but the enforcement roles of the violator's unit, as on the page and in the
CSV), the ladder board (its filtered rows, as the board computes them) and the Perda catalogue
(one row per article, and the ladder's periods). Refused above ``TRANTIB_EXPORT_MAX_ROWS``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.selectors import units_for_user
from trantib.core.exports import (
    back_to,
    export_filename,
    export_refused,
    filters_text,
    local_time,
    units_text,
    zone_of,
)
from trantib.core.xlsx import Sheet, xlsx_book, xlsx_response

from . import selectors
from .models import Perda, Sanction, ViolatorKind
from .selectors.board import board_articles_for_user, board_rows, rung_label
from .templatetags.enforcement_ladder import days_left_text
from .views_ladder import _board_filters
from .views_violators import _filters


def _units(request: PersonRequest) -> list[Any]:
    return list(units_for_user(request.user).order_by("path"))


def _site(request: PersonRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


# -- the violators register ---------------------------------------------------------------------

VIOLATOR_HEADERS = (
    "Unit",
    "Jenis",
    "Nama",
    "NIK",
    "NIB",
    "Jenis usaha",
    "Pemilik",
    "Telepon",
    "Alamat",
    "Desa/kelurahan",
    "Kecamatan",
    "Lintang",
    "Bujur",
    "Jumlah penegakan",
    "Dicatat",
)


@login_required
def violator_export_xlsx(request: PersonRequest) -> HttpResponse:
    filters = _filters(request)
    violators = selectors.violator_list_for_user(request.user, **filters)
    back = back_to(reverse("enforcement:violators"), request)
    refused = export_refused(request, count=violators.count(), back=back)
    if refused is not None:
        return refused
    officer = selectors.enforcement_unit_ids(request.person)
    rows, links = [], []
    for v in violators.iterator(chunk_size=1000):
        view = selectors.violator_display(v, person=request.person, officer_units=officer)
        rows.append(
            [
                v.unit.name,
                v.get_kind_display(),
                v.name,
                view.nik,
                v.nib,
                v.business_type,
                v.owner.name if v.owner else "",
                view.phone,
                view.address,
                v.desa,
                v.kecamatan,
                view.latitude,
                view.longitude,
                getattr(v, "enforcement_count", 0),
                local_time(v.created_at, v.unit.zone()),
            ]
        )
        links.append(["", "", view.url])
    units = _units(request)
    clock = zone_of(units)
    kinds = dict(ViolatorKind.choices)
    period = filters_text(
        [
            (_("Cari"), f"“{filters['query']}”" if filters["query"] else ""),
            (_("Jenis"), kinds.get(filters["kind"], "")),
            (_("Desa/kelurahan"), filters["desa"]),
            (_("Hanya pelanggaran berulang"), _("Ya") if filters["repeat"] else ""),
        ],
        zone=clock,
    )
    sheet = Sheet(
        name=_("Pelanggar"),
        headers=[_(h) for h in VIOLATOR_HEADERS],
        rows=rows,
        links=links,
        widths=[28, 9, 30, 19, 15, 20, 24, 16, 32, 18, 18, 11, 11, 10, 17],
    )
    book = xlsx_book(
        title=_("Daftar pelanggar"),
        unit=units_text(units),
        period=period,
        sheets=[sheet],
        site=_site(request),
    )
    return xlsx_response(book, export_filename("pelanggar", clock))


# -- the ladder board ---------------------------------------------------------------------------

BOARD_HEADERS = (
    "Pelanggar",
    "Desa/kelurahan",
    "Berulang",
    "Nomor kasus",
    "Unit",
    "Pasal",
    "Tingkat",
    "Nomor surat",
    "Tanggal surat",
    "Diserahkan",
    "Tenggat",
    "Sisa waktu",
    "Lewat tenggat",
    "Tindakan berikutnya",
    "Pelaksana",
    "Kunjungan terakhir",
    "Hasil kunjungan",
)


@login_required
def board_xlsx(request: PersonRequest) -> HttpResponse:
    """The board's rows as the board shows them (its filters, sorted by deadline)."""
    now = timezone.now()
    filters = _board_filters(request)
    rows = board_rows(request.user, filters, now=now)
    refused = export_refused(
        request, count=len(rows), back=back_to(reverse("enforcement:board"), request)
    )
    if refused is not None:
        return refused
    values, links = [], []
    for r in rows:
        e = r.enforcement
        zone = e.unit.zone()
        case = e.case
        letter = r.letter
        check = r.last_check
        result = ""
        if check is not None:
            result = _("mentaati") if check.complied else _("tidak mentaati")
        values.append(
            [
                r.violator.name,
                r.desa,
                _("Ya") if e.repeat else "",
                case.number if case else "",
                e.unit.name,
                "; ".join(str(a) for a in r.articles),
                r.rung_label,
                (letter.number or _("konsep")) if letter is not None else "",
                letter.dated if letter is not None else None,
                local_time(r.delivered_at, zone),
                local_time(r.deadline, zone),
                days_left_text(r),
                _("Ya") if r.overdue else "",
                r.task.title if r.task is not None else "",
                ", ".join(r.owners),
                local_time(check.visited_at, zone) if check is not None else None,
                result,
            ]
        )
        letter_url = reverse("letters:letter", args=[letter.pk]) if letter is not None else ""
        links.append([r.violator.url, "", "", r.case_url, "", "", "", letter_url])
    units = _units(request)
    clock = zone_of(units)
    chosen = board_articles_for_user(request.user).filter(pk=filters.article or 0).first()
    article = str(chosen) if chosen is not None else ""
    period = filters_text(
        [
            (_("Tingkat"), rung_label(filters.rung) if filters.rung else ""),
            (_("Pasal"), article),
            (_("Desa/kelurahan"), filters.desa),
            (_("Lewat tenggat saja"), _("Ya") if filters.overdue else ""),
        ],
        zone=clock,
        now=now,
        everything=_("Semua penegakan berjalan"),
    )
    sheet = Sheet(
        name=_("Papan tangga teguran"),
        headers=[_(h) for h in BOARD_HEADERS],
        rows=values,
        links=links,
        widths=[28, 18, 9, 24, 28, 36, 18, 28, 13, 17, 17, 20, 9, 36, 28, 17, 14],
    )
    book = xlsx_book(
        title=_("Papan tangga teguran"),
        unit=units_text(units),
        period=period,
        sheets=[sheet],
        site=_site(request),
    )
    return xlsx_response(book, export_filename("papan-penegakan", clock, now))


# -- the Perda catalogue ------------------------------------------------------------------------


@login_required
def perda_xlsx(request: PersonRequest) -> HttpResponse:
    """Every Perda/Perkada of the user's units: its articles (one row each) and its ladder."""
    units = _units(request)
    perda_list = list(
        Perda.objects.filter(unit__in=units)
        .select_related("unit")
        .prefetch_related("articles", "rungs")
        .order_by("unit__name", "-active", "-year", "number")
    )
    count = sum(max(1, len(p.articles.all())) for p in perda_list)
    refused = export_refused(request, count=count, back=reverse("enforcement:perda_list"))
    if refused is not None:
        return refused
    sanctions = dict(Sanction.choices)
    articles, article_links, ladder, ladder_links = [], [], [], []
    for p in perda_list:
        url = reverse("enforcement:perda_detail", args=[p.pk])
        state = _("Berlaku") if p.active else _("Tidak berlaku")
        for a in p.articles.all() or [None]:
            articles.append(
                [
                    p.unit.name,
                    str(p),
                    state,
                    a.label if a is not None else "",
                    a.text if a is not None else "",
                    ", ".join(str(sanctions.get(s, s)) for s in a.sanctions) if a else "",
                    a.fine_max if a is not None else None,
                ]
            )
            article_links.append(["", url])
        for r in p.rungs.all():
            ladder.append(
                [
                    p.unit.name,
                    str(p),
                    r.get_rung_display(),
                    r.days,
                    _("Hari kerja") if r.working_days else _("Hari kalender"),
                ]
            )
            ladder_links.append(["", url])
    clock = zone_of(units)
    book = xlsx_book(
        title=_("Katalog Perda dan tangga teguran"),
        unit=units_text(units),
        period=filters_text([], zone=clock, everything=_("Semua peraturan")),
        sheets=[
            Sheet(
                name=_("Pasal"),
                headers=[
                    _("Unit"),
                    _("Peraturan"),
                    _("Status"),
                    _("Pasal"),
                    _("Isi larangan/kewajiban"),
                    _("Sanksi administratif"),
                    _("Denda paling banyak (Rp)"),
                ],
                rows=articles,
                links=article_links,
                widths=[28, 48, 13, 20, 60, 40, 16],
            ),
            Sheet(
                name=_("Tangga teguran"),
                headers=[
                    _("Unit"),
                    _("Peraturan"),
                    _("Tingkat"),
                    _("Jangka waktu (hari)"),
                    _("Dihitung dalam"),
                ],
                rows=ladder,
                links=ladder_links,
                widths=[28, 48, 20, 12, 16],
            ),
        ],
        site=_site(request),
    )
    return xlsx_response(book, export_filename("katalog-perda", clock))
