"""A finding opens its enforcement case at PPW's beri_teguran, filled from the register."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.http import QueryDict

from trantib.cases.models import Attachment, Case, Task, TaskStatus
from trantib.core.errors import Conflict, Invalid
from trantib.enforcement.models import Enforcement, FindingSource
from trantib.enforcement.selectors import articles_for_unit
from trantib.enforcement.services import articles_pick, finding_open
from trantib.enforcement.tests import ladder_support as support
from trantib.letters.tests import support as letter_support
from trantib.letters.tests.sop_desk import WIB, Desk

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB)


def _open(demo_org, violator, articles, **kw):
    values = {
        "unit": demo_org.unit("PPTNG"),
        "actor": demo_org.person("petugas1.pptng"),
        "violator": violator,
        "articles": articles,
        "place": "Trotoar Jl. Sudirman depan Pasar Anyar",
        "latitude": -6.1783,
        "longitude": 106.6319,
        "found_at": NOW - dt.timedelta(hours=1),
        "source": FindingSource.MANUAL,
        "now": NOW,
    }
    values.update(kw)
    return finding_open(**values)


def test_a_finding_opens_its_case_at_beri_teguran_live_for_the_kasat(demo_org):
    tibum, _reklame = support.catalogue(demo_org, NOW)
    violator = support.violator(demo_org)
    photo = ("temuan.jpg", io.BytesIO(letter_support.jpeg()))
    enforcement = _open(
        demo_org, violator, [support.article(tibum, "Pasal 12 ayat (1)")], photos=[photo]
    )
    case = enforcement.case
    assert case is not None and case.sop_code == "PPW"
    assert enforcement.perda == tibum and enforcement.repeat is False
    assert enforcement.status == Enforcement.Status.OPEN
    live = Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])
    assert (live.step_id, live.role) == ("beri_teguran", "kasat_pol_pp")
    start = case.state["data"]["_start"]
    assert start["pelanggar"] == {
        "nama": "Sutarman",
        "nik": "3671010101800001",
        "alamat": "Kp. Babakan RT 03/RW 02, Babakan, Tangerang",
    }
    assert start["perda"] == (
        "Pasal 12 ayat (1) Perda 8/2018 tentang Ketertiban Umum dan Ketenteraman Masyarakat"
    )
    assert start["lokasi"]["address"] == "Trotoar Jl. Sudirman depan Pasar Anyar"
    assert Attachment.objects.filter(case=case, name="temuan.jpg").exists()


def test_the_kasat_completes_beri_teguran_with_the_fields_filled_from_the_register(demo_org):
    tibum, _reklame = support.catalogue(demo_org, NOW)
    enforcement = _open(
        demo_org,
        support.violator(demo_org),
        [support.article(tibum, "Pasal 14"), support.article(tibum, "Pasal 12 ayat (1)")],
    )
    desk = Desk(demo_org, NOW + dt.timedelta(minutes=5))
    case = enforcement.case
    letter = desk.draft(case, "beri_teguran", "kasat.pptng")
    assert letter.data["pelanggar_nama"] == "Sutarman"
    desk.sign(desk.submit(letter, "kasat.pptng"), "kasat.pptng")
    # The officer types nothing: a different name sent with the form is overwritten.
    done = desk.complete(case, "beri_teguran", "kasat.pptng", {"pelanggar": {"nama": "X"}})
    assert done.data["pelanggar"]["nama"] == "Sutarman"
    assert done.data["perda"].startswith("Pasal 12 ayat (1), Pasal 14 Perda 8/2018")
    assert desk.active(case) == ["tunggu_pernyataan"]


def test_a_second_finding_on_the_same_violator_is_a_repeat_and_links_to_its_patrol(demo_org):
    tibum, reklame = support.catalogue(demo_org, NOW)
    violator = support.violator(demo_org)
    first = _open(demo_org, violator, [support.article(tibum, "Pasal 14")])
    patrol = first.case
    second = _open(
        demo_org,
        violator,
        [support.article(reklame, "Pasal 9")],
        source=FindingSource.PATROL,
        parent_case=patrol,
    )
    assert second.repeat is True and second.perda == reklame
    assert Case.objects.get(pk=second.case_id).parent_id == patrol.pk


def test_a_finding_is_refused_with_the_field_named(demo_org):
    tibum, _reklame = support.catalogue(demo_org, NOW)
    violator = support.violator(demo_org)
    art = [support.article(tibum, "Pasal 14")]
    with pytest.raises(Invalid) as refused:
        _open(demo_org, violator, [])
    assert refused.value.field == "articles"
    with pytest.raises(Invalid) as refused:
        _open(demo_org, violator, art, place="", latitude=None, longitude=None)
    assert refused.value.field == "place"
    with pytest.raises(Invalid) as refused:
        _open(demo_org, violator, art, latitude=200)
    assert refused.value.field == "latitude"
    with pytest.raises(Invalid) as refused:
        _open(demo_org, violator, art, found_at=NOW + dt.timedelta(days=1))
    assert refused.value.field == "found_at"
    assert not Enforcement.objects.exists()


def test_a_unit_that_runs_no_enforcement_sop_is_a_conflict(demo_org):
    _tibum, _reklame = support.catalogue(demo_org, NOW)
    violator = support.violator(demo_org)
    cpd = demo_org.unit("CPD")
    violator.unit = cpd
    violator.save()
    from trantib.enforcement.services import article_save, perda_create

    perda = perda_create(
        unit=cpd, actor=demo_org.person("camat.cpd"), number="1", year=2019, title="Tibum"
    )
    art = article_save(perda=perda, actor=demo_org.person("camat.cpd"), label="Pasal 1")
    with pytest.raises(Conflict):
        _open(demo_org, violator, [art], unit=cpd, actor=demo_org.person("camat.cpd"))


def test_the_article_picker_reads_at_least_one_article_of_the_unit(demo_org):
    tibum, _reklame = support.catalogue(demo_org, NOW)
    unit = demo_org.unit("PPTNG")
    assert [a.label for a in articles_for_unit(unit)] == [
        "Pasal 9",
        "Pasal 12 ayat (1)",
        "Pasal 14",
    ]
    posted = QueryDict(mutable=True)
    posted.setlist("f-articles", [str(support.article(tibum, "Pasal 14").pk)])
    assert [a.label for a in articles_pick(unit=unit, data=posted, prefix="f")] == ["Pasal 14"]
    with pytest.raises(Invalid) as refused:
        articles_pick(unit=unit, data=QueryDict(), prefix="f")
    assert refused.value.field == "f-articles"
    with pytest.raises(Invalid):
        articles_pick(unit=demo_org.unit("CPD"), data=posted, prefix="f")
    with pytest.raises(Invalid):
        articles_pick(unit=unit, data={"f-articles": "abc"}, prefix="f")


def test_the_article_picker_include_lists_the_units_articles_by_perda(demo_org):
    from django.template.loader import render_to_string

    tibum, _reklame = support.catalogue(demo_org, NOW)
    chosen = support.article(tibum, "Pasal 14")
    html = render_to_string(
        "enforcement/_article_pick.html",
        {"prefix": "f", "unit": demo_org.unit("PPTNG"), "selected": [chosen.pk]},
    )
    assert "Perda 8/2018" in html and "Penyelenggaraan Reklame" in html
    assert f'value="{chosen.pk}"\n                     checked' in html or "checked" in html
    assert html.count('name="f-articles"') == 3
