"""Work arrives and is seen: a task offered to a position, a correction sent back, a deadline
that approaches, the morning digest; the unread count in the navigation; notices also by
e-mail or SMS through the outbox when the person chose it; Tugas Saya in three groups."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from trantib.accounts.services import person_notify_channels_set
from trantib.cases import services
from trantib.cases.models import Notification, Task
from trantib.cases.services import case_late_refresh
from trantib.cases.tests.test_views import (
    client_for,
    complete,
    html_of,
    live,
    ppl_at_verification,
    start_pgd,
)
from trantib.core.errors import Invalid
from trantib.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
WEDNESDAY = dt.date(2026, 12, 2)  # a working day: the SOP calendar counts office hours


def _wib(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour, minute), tzinfo=dt.timezone(dt.timedelta(hours=7))
    )


def unread_badge(html: str) -> int:
    """The unread count the navigation shows (0 when it shows none)."""
    nav = html[html.index('<nav class="nav"') : html.index("</nav>")]
    found = re.search(r'<span class="badge count"[^>]*>(\d+)</span>', nav)
    return int(found.group(1)) if found else 0


def notices(username: str, demo_org, kind: str | None = None) -> list[Notification]:
    qs = Notification.objects.filter(recipient=demo_org.person(username))
    return list(qs.filter(kind=kind) if kind else qs)


def test_a_completed_step_tells_the_next_position_and_the_count_goes_down_when_opened(
    demo_org,
) -> None:
    case = start_pgd(demo_org)
    # The Staf who recorded the complaint sees the next task on the page: no notice to them.
    assert notices("staf.krj", demo_org) == []
    client = client_for(demo_org, "kasi.krj")
    assert unread_badge(html_of(client.get(reverse("cases:list")))) == 0

    complete(demo_org, case, "staf.krj")

    task = live(case)
    [notice] = notices("kasi.krj", demo_org)
    assert notice.kind == Kind.TASK_OFFERED
    assert (notice.case, notice.task) == (case, task)
    assert case.number in notice.message and "Tugas baru" in notice.message
    html = html_of(client.get(reverse("cases:list")))
    assert unread_badge(html) == 1
    assert 'href="/pemberitahuan/"' in html and "Pemberitahuan" in html
    listing = html_of(client.get(reverse("cases:notifications")))
    assert reverse("cases:notification_open", args=[notice.pk]) in listing
    assert reverse("cases:notification_settings") in listing

    opened = client.get(reverse("cases:notification_open", args=[notice.pk]))

    assert opened.status_code == 302
    assert opened["Location"] == f"{reverse('cases:detail', args=[case.pk])}#tugas-{task.pk}"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert unread_badge(html_of(client.get(reverse("cases:list")))) == 0


def test_nobody_opens_a_notice_of_someone_else(demo_org) -> None:
    case = start_pgd(demo_org)
    complete(demo_org, case, "staf.krj")
    [notice] = notices("kasi.krj", demo_org)
    response = client_for(demo_org, "camat.krj").get(
        reverse("cases:notification_open", args=[notice.pk])
    )
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_correction_loop_sends_the_work_back_with_the_note(demo_org) -> None:
    case = ppl_at_verification(demo_org)
    complete(
        demo_org,
        case,
        "sekcam.cpd",
        decision="ada koreksi",
        data={"koreksi": "Nomor Perda pada konsiderans salah."},
    )
    assert live(case).step_id == "draft_surat_perintah"
    returned = notices("kasi.cpd", demo_org, Kind.TASK_RETURNED)
    assert len(returned) == 1
    assert returned[0].task == live(case)
    assert "Dikembalikan untuk koreksi" in returned[0].message
    assert "Nomor Perda pada konsiderans salah." in returned[0].message
    # The same step offered the first time was a plain offer, not a return.
    assert notices("kasi.cpd", demo_org, Kind.TASK_OFFERED)


def test_an_approaching_deadline_is_warned_once(demo_org, settings) -> None:
    settings.TRANTIB_DEADLINE_LEAD_MINUTES = 10
    case = start_pgd(demo_org, now=_wib(WEDNESDAY, 9))
    task = live(case)  # the Staf's step: 15 minutes
    assert task.due_at == _wib(WEDNESDAY, 9, 15)
    assert services.deadlines_warn(now=_wib(WEDNESDAY, 9, 4)) == 0  # not yet within the lead

    assert services.deadlines_warn(now=_wib(WEDNESDAY, 9, 10)) == 1
    assert services.deadlines_warn(now=_wib(WEDNESDAY, 9, 11)) == 0  # still one notice

    [warned] = notices("staf.krj", demo_org, Kind.TASK_DUE_SOON)
    assert warned.task == task and "tinggal 5 menit" in warned.message


def test_after_a_hand_over_the_new_units_people_are_offered_the_work_and_warned(
    demo_org, settings
) -> None:
    """Review finding 4: the holders of the re-offered task's position in the new unit get the
    usual offer, and a warning the old unit already had does not keep theirs back."""
    settings.TRANTIB_DEADLINE_LEAD_MINUTES = 10
    case = start_pgd(demo_org, now=_wib(WEDNESDAY, 9))
    task = live(case)
    assert services.deadlines_warn(now=_wib(WEDNESDAY, 9, 10)) == 1
    assert len(notices("staf.krj", demo_org, Kind.TASK_DUE_SOON)) == 1

    services.case_handover(
        case=case,
        actor=demo_org.person("camat.krj"),
        to_unit=demo_org.unit("CPD"),
        reason="Lokasi di wilayah Cipondoh",
        now=_wib(WEDNESDAY, 9, 11),
    )
    [offered] = notices("staf.cpd", demo_org, Kind.TASK_OFFERED)
    assert offered.task == task and offered.unit == demo_org.unit("CPD")
    assert "Tugas baru untuk jabatan Anda" in offered.message and case.number in offered.message
    assert notices("camat.krj", demo_org, Kind.TASK_OFFERED) == []  # the actor is not told

    assert services.deadlines_warn(now=_wib(WEDNESDAY, 9, 12)) == 1
    [warned] = notices("staf.cpd", demo_org, Kind.TASK_DUE_SOON)
    assert warned.task == task and "tinggal 3 menit" in warned.message
    assert services.deadlines_warn(now=_wib(WEDNESDAY, 9, 13)) == 0  # once per person
    assert len(notices("staf.krj", demo_org, Kind.TASK_DUE_SOON)) == 1


def test_a_task_shorter_than_the_lead_is_not_warned_on_top_of_its_offer(demo_org) -> None:
    start_pgd(demo_org, now=_wib(WEDNESDAY, 9))  # 15 minutes against the default 2 hours
    assert services.deadlines_warn(now=_wib(WEDNESDAY, 9, 10)) == 0


def test_a_reassigned_task_is_told_to_the_new_holder(demo_org) -> None:
    case = start_pgd(demo_org)
    complete(demo_org, case, "staf.krj")
    services.task_reassign(
        task=live(case),
        actor=demo_org.person("camat.krj"),
        assignee=demo_org.person("kasi.krj"),
    )
    [assigned] = notices("kasi.krj", demo_org, Kind.TASK_ASSIGNED)
    assert "mengalihkan tugas" in assigned.message


def test_a_person_who_chose_email_and_sms_gets_the_notice_through_the_outbox(demo_org) -> None:
    kasi = demo_org.person("kasi.krj")
    kasi.email, kasi.phone = "kasi.krj@trantib.example", "0812-3456-7890"
    kasi.save(update_fields=["email", "phone"])
    person_notify_channels_set(person=kasi, email=True, sms=True, actor=kasi)
    case = start_pgd(demo_org)

    complete(demo_org, case, "staf.krj")

    [notice] = notices("kasi.krj", demo_org)
    sent = {m.channel: m for m in OutboxMessage.objects.filter(kind="notice")}
    assert set(sent) == {"email", "sms"}
    assert sent["email"].recipient == "kasi.krj@trantib.example"
    assert sent["sms"].recipient == "+6281234567890"
    for message in sent.values():
        assert notice.message in message.body
        assert reverse("cases:notification_open", args=[notice.pk]) in message.body
        assert message.case == case


@pytest.mark.parametrize(
    ("public", "served", "base"),
    [
        ("", "http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        (
            "https://trantib.example.go.id/",
            "http://127.0.0.1:8123",
            "https://trantib.example.go.id",
        ),
    ],
)
def test_a_notice_sent_outside_the_app_carries_an_absolute_link(
    demo_org, settings, public, served, base
) -> None:
    """Review finding 7: without ``TRANTIB_PUBLIC_URL`` the link uses the address the server
    serves on (as a citizen's links do), never a bare path."""
    settings.TRANTIB_PUBLIC_URL, settings.TRANTIB_SERVED_URL = public, served
    kasi = demo_org.person("kasi.krj")
    kasi.email = "kasi.krj@trantib.example"
    kasi.save(update_fields=["email"])
    person_notify_channels_set(person=kasi, email=True, sms=False, actor=kasi)
    case = start_pgd(demo_org)
    complete(demo_org, case, "staf.krj")
    [notice] = notices("kasi.krj", demo_org)
    [message] = OutboxMessage.objects.filter(kind="notice")
    link = message.body.rsplit("\n", 1)[-1]
    assert link == f"{base}/pemberitahuan/{notice.pk}/"
    assert re.fullmatch(r"https?://[^/\s]+/pemberitahuan/\d+/", link)


def test_people_who_did_not_choose_a_channel_get_nothing_outside_the_app(demo_org) -> None:
    case = start_pgd(demo_org)
    complete(demo_org, case, "staf.krj")
    assert notices("kasi.krj", demo_org)
    assert not OutboxMessage.objects.filter(kind="notice").exists()


def test_a_channel_without_an_address_is_refused_naming_it(demo_org) -> None:
    kasi = demo_org.person("kasi.krj")
    kasi.email, kasi.phone = "", ""
    kasi.save(update_fields=["email", "phone"])
    with pytest.raises(Invalid) as email:
        person_notify_channels_set(person=kasi, email=True, sms=False)
    assert email.value.field == "email" and "e-mail" in email.value.message
    with pytest.raises(Invalid) as sms:
        person_notify_channels_set(person=kasi, email=False, sms=True)
    assert sms.value.field == "sms" and "ponsel" in sms.value.message
    kasi.refresh_from_db()
    assert (kasi.notify_email, kasi.notify_sms) == (False, False)


def test_the_settings_page_saves_the_choice_or_says_what_is_missing(demo_org) -> None:
    kasi = demo_org.person("kasi.krj")
    kasi.email, kasi.phone = "kasi.krj@trantib.example", ""
    kasi.save(update_fields=["email", "phone"])
    client = client_for(demo_org, "kasi.krj")
    url = reverse("cases:notification_settings")
    assert "Pengaturan pemberitahuan" in html_of(client.get(url))

    refused = client.post(url, {"sms": "on"})
    assert refused.status_code == 422
    assert "Nomor ponsel Anda belum tercatat" in html_of(refused)

    saved = client.post(url, {"email": "on"})
    assert saved.status_code == 302
    kasi.refresh_from_db()
    assert (kasi.notify_email, kasi.notify_sms) == (True, False)


def test_the_morning_digest_comes_once_a_day_from_the_hour(demo_org) -> None:
    thursday = WEDNESDAY + dt.timedelta(days=1)
    start_pgd(demo_org, subject="Warung buka malam", now=_wib(WEDNESDAY, 10))  # late by now
    start_pgd(demo_org, subject="Parkir liar", now=_wib(WEDNESDAY, 15, 55))  # due Thursday

    assert services.digests_send(now=_wib(thursday, 5, 59)) == 0  # before 06.00 local time
    made = services.digests_send(now=_wib(thursday, 6, 5))
    again = services.digests_send(now=_wib(thursday, 9, 0))

    assert made >= 1 and again == 0
    [digest] = notices("staf.krj", demo_org, Kind.DIGEST)
    assert digest.day == thursday and digest.case is None
    assert "1 tugas jatuh tempo hari ini, 1 terlambat" in digest.message
    assert "KRJ/PGD/2026/0001" in digest.message and "KRJ/PGD/2026/0002" in digest.message
    opened = client_for(demo_org, "staf.krj").get(
        reverse("cases:notification_open", args=[digest.pk])
    )
    assert opened["Location"] == reverse("cases:my_tasks")
    # The next day brings the next digest.
    assert services.digests_send(now=_wib(thursday + dt.timedelta(days=1), 6, 1)) >= 1
    assert len(notices("staf.krj", demo_org, Kind.DIGEST)) == 2


def test_tugas_saya_groups_late_today_and_the_rest(demo_org) -> None:
    now = timezone.now()
    zone = demo_org.unit("KRJ").zone()
    midnight = dt.datetime.combine(
        timezone.localtime(now, zone).date() + dt.timedelta(days=1), dt.time(), tzinfo=zone
    )
    cases = {
        "late": start_pgd(demo_org, subject="Yang terlambat"),
        "today": start_pgd(demo_org, subject="Yang hari ini"),
        "later": start_pgd(demo_org, subject="Yang lusa"),
    }
    due = {
        "late": now - dt.timedelta(hours=1),
        "today": now + (midnight - now) / 2,
        "later": midnight + dt.timedelta(days=1),
    }
    for key, case in cases.items():
        Task.objects.filter(pk=live(case).pk).update(due_at=due[key])
        case_late_refresh(case.pk)  # a row written by the test, not a service

    html = html_of(client_for(demo_org, "staf.krj").get(reverse("cases:my_tasks")))

    late, today, later = (html.index(f'id="grup-{k}"') for k in ("late", "today", "later"))
    assert late < html.index(cases["late"].number) < today
    assert today < html.index(cases["today"].number) < later
    assert later < html.index(cases["later"].number)
    assert "Jatuh tempo hari ini" in html and "Lainnya" in html
    assert html.count('class="badge group-count">1<') == 3


def test_tugas_saya_hides_empty_groups(demo_org) -> None:
    case = start_pgd(demo_org)
    Task.objects.filter(pk=live(case).pk).update(due_at=timezone.now() + dt.timedelta(days=3))
    case_late_refresh(case.pk)  # a row written by the test, not a service
    html = html_of(client_for(demo_org, "staf.krj").get(reverse("cases:my_tasks")))
    assert 'id="grup-later"' in html
    assert 'id="grup-late"' not in html and 'id="grup-today"' not in html
