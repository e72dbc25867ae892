"""Numbers and text from a form or the API: a clear Indonesian error naming the field, never a
500 (issue 12 review). Whole numbers are ASCII digits with a maximum ("²" is a digit to
``str.isdigit`` but not to ``int``; 25 nines overflow the database); NUL bytes are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from trantib.core.errors import Invalid
from trantib.enforcement.models import FindingSource
from trantib.enforcement.services import article_save, court_record, finding_open
from trantib.enforcement.tests import ladder_support as support

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


def _client(demo_org, login: str = "kasie.pptng") -> Client:
    client = Client()
    client.force_login(demo_org.user(login))
    return client


def _enforcement(demo_org):
    tibum, _reklame = support.catalogue(demo_org, timezone.now())
    now = timezone.now()
    return tibum, finding_open(
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("petugas1.pptng"),
        violator=support.violator(demo_org),
        articles=[support.article(tibum, "Pasal 14")],
        place="Trotoar Jl. Sudirman",
        found_at=now - dt.timedelta(hours=1),
        source=FindingSource.PATROL,
        now=now,
    )


@pytest.mark.parametrize("fine", [HUGE, "²", "١٢٣", "1_000", -5, 10**30])
def test_an_articles_fine_that_is_not_a_bounded_rupiah_amount_is_refused_by_name(demo_org, fine):
    tibum, _reklame = support.catalogue(demo_org, timezone.now())
    with pytest.raises(Invalid) as refused:
        article_save(
            perda=tibum, actor=demo_org.person("kasat.pptng"), label="Pasal 20", fine_max=fine
        )
    assert refused.value.field == "fine_max"


@pytest.mark.parametrize("fine", [HUGE, "²", "١٢٣", 10**30, -1])
def test_a_court_fine_that_is_not_a_bounded_rupiah_amount_is_refused_by_name(demo_org, fine):
    _tibum, enforcement = _enforcement(demo_org)
    with pytest.raises(Invalid) as refused:
        court_record(
            enforcement=enforcement,
            actor=demo_org.person("kasie.pptng"),
            hearing_on=timezone.localdate(),
            court="PN Tangerang",
            attendance="hadir",
            fine=fine,
        )
    assert refused.value.field == "fine"


def test_a_court_fine_written_in_rupiah_is_kept(demo_org):
    _tibum, enforcement = _enforcement(demo_org)
    row = court_record(
        enforcement=enforcement,
        actor=demo_org.person("kasie.pptng"),
        hearing_on=timezone.localdate(),
        court="PN Tangerang",
        attendance="hadir",
        fine="Rp 1.500.000",
    )
    assert row.fine == 1_500_000


@pytest.mark.parametrize(
    "url",
    [
        "/penegakan/pelanggar/pilih/cari/?unit=%C2%B2&prefix=v&q=ab",
        f"/penegakan/pelanggar/pilih/cari/?unit={HUGE}&prefix=v&q=ab",
        "/penegakan/pelanggar/pilih/cari/?unit=%D9%A1&prefix=v&q=ab",
    ],
)
def test_the_pickers_unit_that_is_not_a_number_is_a_404(demo_org, url):
    assert _client(demo_org).get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/penegakan/?pasal={HUGE}",
        "/penegakan/?pasal=%C2%B2",
        "/penegakan/?desa=a%00b",
        "/penegakan/pelanggar/?q=a%00b&desa=%00",
        f"/penegakan/pelanggar/?halaman={HUGE}",
    ],
)
def test_the_lists_filters_never_fail(demo_org, url):
    support.catalogue(demo_org, timezone.now())
    assert _client(demo_org).get(url).status_code == 200


def test_a_huge_or_odd_id_in_a_form_is_refused_by_name(demo_org):
    tibum, enforcement = _enforcement(demo_org)
    client = _client(demo_org)
    violator = enforcement.violator
    for value in (HUGE, "²"):
        court = client.post(
            f"/penegakan/pelanggar/{violator.pk}/sidang/",
            {
                "enforcement": value,
                "hearing_on": "1/7/2026",
                "court": "PN",
                "attendance": "hadir",
            },
        )
        assert court.status_code in (404, 422), court.status_code
    kasat = _client(demo_org, "kasat.pptng")
    edit = kasat.post(
        f"/penegakan/perda/{tibum.pk}/",
        {"form": "article", "article": HUGE, "label": "Pasal 1", "fine_max": ""},
    )
    assert edit.status_code in (200, 302, 404, 422), edit.status_code
    finding = kasat.post(
        "/penegakan/temuan/baru/",
        {"v-violator": HUGE, "f-articles": [HUGE], "place": "X", "found_at": "1/7/2026 10:00"},
    )
    assert finding.status_code in (200, 422), finding.status_code


def test_a_nul_byte_in_a_findings_text_or_a_visits_note_is_refused_by_name(demo_org):
    tibum, _ = support.catalogue(demo_org, timezone.now())
    now = timezone.now()
    for field, kw in (
        ("place", {"place": "Jl.\x00 Sudirman"}),
        (
            "description",
            {
                "place": "Jl. Sudirman",
                "description": "a\x00b",
            },
        ),
    ):
        with pytest.raises(Invalid) as refused:
            finding_open(
                unit=demo_org.unit("PPTNG"),
                actor=demo_org.person("petugas1.pptng"),
                violator=support.violator(demo_org, nik=f"367101010180000{len(field) % 9}"),
                articles=[support.article(tibum, "Pasal 14")],
                found_at=now - dt.timedelta(hours=1),
                source=FindingSource.PATROL,
                now=now,
                **kw,
            )
        assert refused.value.field == field
