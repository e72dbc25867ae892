"""Two clocks for a complaint's tasks: the step's own Mutu Baku ("15 menit" for the Staf) and
the complaint's answer to its reporter (5 working days), each labelled, so that "terlambat"
and "sisa 4 hari kerja" never read as one flag contradicting the other. The answer deadline,
not the step's standard, decides whether a complaint's task counts as late."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trantib.cases.models import Task
from trantib.cases.panels import case_clocks_for
from trantib.complaints import selectors as complaint_selectors
from trantib.complaints.models import Category
from trantib.complaints.services import complaint_file
from trantib.complaints.templatetags.complaints import days_left_text
from trantib.demo import complaint_setup_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def hiburan(demo_org) -> Category:
    complaint_setup_load()
    return Category.objects.get(code="hiburan")


def _file(category: Category, description: str, days_ago: int):
    # Seven calendar days back: the 15-minute intake standard has long passed, while the five
    # working days of the answer end today at the earliest, never before.
    return complaint_file(
        channel="web",
        category=category,
        description=description,
        kelurahan="Tamansari",
        reporter_name="Wahyu",
        reporter_phone="081229004411",
        now=timezone.now() - dt.timedelta(days=days_ago),
    )


def _card(html: str, number: str) -> str:
    """The Tugas Saya card of the case ``number``."""
    for card in re.findall(r'<li class="task-card.*?</li>', html, re.DOTALL):
        if number in card:
            return card
    raise AssertionError(f"no card for {number}")


def _tugas_saya(demo_org) -> str:
    client = Client()
    client.force_login(demo_org.user("staf.krj"))
    return client.get(reverse("cases:my_tasks")).content.decode()


def test_a_complaint_task_shows_its_step_standard_and_the_answer_deadline_apart(demo_org, hiburan):
    complaint = _file(hiburan, "Karaoke di Dusun Ngasem masih buka pukul 01.00", days_ago=7)
    days = complaint_selectors.working_days_left(complaint)
    assert days is not None and days >= 0
    card = _card(_tugas_saya(demo_org), complaint.case.number)
    # The step's own standard, labelled, is late …
    step = re.search(r"Mutu Baku langkah \(15 menit\)</dt><dd>(.*?)</dd>", card, re.DOTALL)
    assert step and re.search(r'class="due late">terlambat \d+ hari', step[1])
    # … and the complaint's answer, labelled apart, is not.
    answer = re.search(r"Jawaban kepada pelapor</dt><dd>(.*?)</dd>", card, re.DOTALL)
    assert answer and f'<span class="due">{days_left_text(days)}</span>' in answer[1]
    # So the card carries no red "Terlambat" badge and no late border.
    assert "badge danger" not in card and 'class="task-card late"' not in card
    assert "Batas waktu" not in card


def test_a_complaint_whose_answer_is_late_leads_tugas_saya_with_the_badge(demo_org, hiburan):
    fresh = _file(hiburan, "Musik keras di balai desa sampai larut", days_ago=7)
    late = _file(hiburan, "Karaoke buka melewati tengah malam setiap Sabtu", days_ago=20)
    assert complaint_selectors.working_days_left(late) < 0
    html = _tugas_saya(demo_org)
    card = _card(html, late.case.number)
    assert 'class="task-card late"' in card and "badge danger" in card
    assert re.search(r'class="due late">terlambat \d+ hari kerja', card)
    assert html.index(late.case.number) < html.index(fresh.case.number)


def test_a_task_of_a_case_without_a_clock_keeps_its_single_deadline(demo_org, hiburan):
    complaint = _file(hiburan, "Karaoke di Dusun Ngasem masih buka pukul 01.00", days_ago=7)
    complaint.answered_at = timezone.now()  # answered: the answer clock stops
    complaint.save(update_fields=["answered_at"])
    assert case_clocks_for([complaint.case], timezone.now()) == {}
    card = _card(_tugas_saya(demo_org), complaint.case.number)
    assert "Batas waktu" in card and "Jawaban kepada pelapor" not in card
    assert "badge danger" in card  # the step's standard decides again


def test_the_case_page_labels_both_clocks_of_a_complaint_task(demo_org, hiburan):
    complaint = _file(hiburan, "Karaoke di Dusun Ngasem masih buka pukul 01.00", days_ago=7)
    task = Task.objects.get(case=complaint.case, step_id="staf_sampaikan")
    client = Client()
    client.force_login(demo_org.user("staf.krj"))
    html = client.get(reverse("cases:detail", args=[complaint.case_id])).content.decode()
    panel = html[html.index(f'id="tugas-{task.pk}"') :]
    panel = panel[: panel.index("</header>")]
    assert "Mutu Baku langkah (15 menit): batas" in panel
    assert re.search(r'class="due late">terlambat \d+ hari', panel)
    assert "Jawaban kepada pelapor: batas" in panel
    assert "badge danger" not in panel
    # The complaint's own panel says which deadline it shows.
    assert "Tenggat pengaduan ini" in html


def test_a_complaint_whose_step_passed_yesterday_is_grouped_by_its_answer_deadline(
    demo_org, hiburan
):
    # Filed yesterday: the intake step's 15 minutes passed yesterday, the answer is days away.
    complaint = _file(hiburan, "Lapak menutup trotoar depan pasar", days_ago=1)
    days = complaint_selectors.working_days_left(complaint)
    assert days is not None and days >= 3
    html = _tugas_saya(demo_org)
    assert 'id="grup-today"' not in html and 'id="grup-late"' not in html
    assert html.index('id="grup-later"') < html.index(complaint.case.number)


def test_the_case_page_reads_the_case_once_and_never_the_sop_file(demo_org, hiburan) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complaint = _file(hiburan, "Karaoke sampai subuh", days_ago=2)
    client = Client()
    client.force_login(demo_org.user("staf.krj"))
    path = reverse("cases:detail", args=[complaint.case_id])
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(path).content.decode()
    assert "Jawaban kepada pelapor" in html and complaint.tracking in html
    sql = [q["sql"] for q in ctx.captured_queries]
    # The case and its SOP version come with the page's first read; the live task's panels,
    # its clocks and the complaint's panel use that one (the SOP file stays in the library).
    assert not [q for q in sql if '"sops_sopversion"."content"' in q]
    reads = [
        q
        for q in sql
        if q.startswith('SELECT "cases_case"."id"')
        and not re.search(r'WHERE \(?"cases_case"."parent_id" =', q)
    ]
    assert len(reads) == 1, reads  # (its linked cases are read apart, by their parent)
