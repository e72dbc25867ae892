"""The case pages through the Django test client: Tugas Saya, the case list, the case page and
its task form, the start form, attachments — access, errors beside their fields, query counts."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trantib.cases import selectors, services, views
from trantib.cases.models import Attachment, Case, Task, TaskKind, TaskStatus
from trantib.demo.letters import case_start_written, task_complete_written

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LONG_AGO = timezone.now() - dt.timedelta(days=30)


def start_pgd(demo_org, subject="Warung buka melewati jam malam", now=None) -> Case:
    """A KRJ complaint: the Staf has recorded the report; 'staf_sampaikan' waits for the Staf."""
    return case_start_written(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject=subject,
        data={"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"},
        now=now,
    )


def live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])


def complete(demo_org, case: Case, username: str, **kw) -> Task:
    return task_complete_written(task=live(case), actor=demo_org.person(username), **kw)


def pgd_at_camat(demo_org) -> Case:
    case = start_pgd(demo_org)
    complete(demo_org, case, "staf.krj")
    complete(demo_org, case, "kasi.krj")
    assert live(case).step_id == "camat_arahkan"
    return case


def ppl_at_verification(demo_org) -> Case:
    """A CPD PPL case waiting for the Sekcam's decision on the draft."""
    case = case_start_written(
        sop_code="PPL",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("kasi.cpd"),
        subject="Dugaan lokalisasi di Jl. Kali Pasir",
        data={
            "sumber": "Kelurahan Cipondoh",
            "lokasi": {"address": "Jl. Kali Pasir"},
            "uraian": "Laporan warga",
        },
    )
    complete(demo_org, case, "camat.cpd", data={"perintah": "Tertibkan"})
    kasi = demo_org.person("kasi.cpd")
    draft = services.attachment_add(
        case=case, actor=kasi, name="draft.png", content=io.BytesIO(PNG), task=live(case)
    )
    complete(demo_org, case, "kasi.cpd", data={"draft": [draft.pk]}, attachments=[draft.pk])
    assert live(case).step_id == "verifikasi_surat_perintah"
    return case


def html_of(response) -> str:
    return response.content.decode()


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


# -- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["cases:my_tasks", "cases:list", "cases:start"], ids=["tugas", "kasus", "baru"]
)
def test_every_case_page_sends_an_anonymous_visitor_to_the_login_page(client, name) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_outsider_gets_404_on_a_cipondoh_case_its_task_and_its_attachment(
    demo_org, outsider: AbstractUser
) -> None:
    case = ppl_at_verification(demo_org)
    task = live(case)
    attachment = Attachment.objects.filter(case=case).first()
    assert attachment is not None
    client = Client()
    client.force_login(outsider)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    post = client.post(reverse("cases:task_complete", args=[task.pk]), {"decision": "ada koreksi"})
    assert post.status_code == 404
    assert client.post(reverse("cases:task_claim", args=[task.pk])).status_code == 404
    assert client.get(reverse("cases:attachment", args=[attachment.pk])).status_code == 404
    assert case.number not in html_of(client.get(reverse("cases:list")))
    live_task = live(case)
    assert (live_task.status, live_task.step_id) == (TaskStatus.OPEN, "verifikasi_surat_perintah")


def test_changes_are_post_only(demo_org) -> None:
    case = start_pgd(demo_org)
    client = client_for(demo_org, "staf.krj")
    response = client.get(reverse("cases:task_complete", args=[live(case).pk]))
    assert response.status_code == 405


# -- Tugas Saya ---------------------------------------------------------------------------


def test_tugas_saya_shows_the_task_offered_to_the_officers_position(demo_org) -> None:
    case = start_pgd(demo_org)
    task = live(case)
    html = html_of(client_for(demo_org, "staf.krj").get(reverse("cases:my_tasks")))
    assert case.number in html
    assert task.title in html
    assert "Pengamanan Pelaksanaan Perda" in html  # the SOP
    assert "Kecamatan Kerjo" in html  # the unit
    assert "WIB" in html and "sisa" in html  # due in the unit's zone, and the time left
    assert reverse("cases:detail", args=[case.pk]) in html
    assert "Terlambat" not in html
    # The next officer does not see it yet.
    other = html_of(client_for(demo_org, "kasi.krj").get(reverse("cases:my_tasks")))
    assert case.number not in other


def test_tugas_saya_puts_an_overdue_task_first_with_a_terlambat_badge(demo_org) -> None:
    fresh = start_pgd(demo_org, subject="Baru saja dilaporkan")
    late = start_pgd(demo_org, subject="Dilaporkan sebulan lalu", now=LONG_AGO)
    html = html_of(client_for(demo_org, "staf.krj").get(reverse("cases:my_tasks")))
    assert html.index(late.number) < html.index(fresh.number)
    assert html.count("badge danger") == 1
    assert html.index("Terlambat") < html.index(late.number) < html.index(fresh.number)
    assert re.search(r"terlambat \d+ hari", html)


def test_tugas_saya_runs_the_same_queries_for_one_task_or_many(
    demo_org, django_assert_max_num_queries
) -> None:
    client = client_for(demo_org, "staf.krj")
    start_pgd(demo_org)
    # 8: 5, the unread count and the registers in the navigation, and the clocks of the cases
    # as a whole (a complaint's answer).
    with django_assert_max_num_queries(8):
        client.get(reverse("cases:my_tasks"))
    for i in range(8):
        start_pgd(demo_org, subject=f"Laporan {i}")
    with django_assert_max_num_queries(8):
        html = html_of(client.get(reverse("cases:my_tasks")))
    assert html.count('class="task-card') == 9


def test_tugas_saya_shows_a_long_list_a_page_at_a_time_counting_each_group_whole(
    demo_org,
) -> None:
    size = views.MY_TASKS_PAGE
    late = [start_pgd(demo_org, subject=f"Lama {i}", now=LONG_AGO) for i in range(2)]
    fresh = [start_pgd(demo_org, subject=f"Baru {i}") for i in range(size)]
    client = client_for(demo_org, "staf.krj")
    first = html_of(client.get(reverse("cases:my_tasks")))
    assert first.count('class="task-card') == size
    assert f"{size + 2} tugas menunggu" in first and "Halaman 1 dari 2" in first
    # The late ones first, then the rest; each group's badge counts all of it, on every page.
    assert all(c.number in first for c in late)
    assert re.findall(r'group-count">(\d+)<', first) == ["2", str(size)]
    second = html_of(client.get(reverse("cases:my_tasks"), {"halaman": 2}))
    assert second.count('class="task-card') == 2 and "Halaman 2 dari 2" in second
    assert re.findall(r'group-count">(\d+)<', second) == [str(size)]
    # Numbered on within the group: the second page's rows go on from the first page's.
    assert f'<ol class="task-list" start="{size - 1}">' in second
    on_both = [c.number for c in [*late, *fresh] if c.number in first and c.number in second]
    assert on_both == []


def test_the_home_page_counts_tasks_and_unread_notifications(demo_org) -> None:
    case = start_pgd(demo_org, now=LONG_AGO)
    start_pgd(demo_org)
    services.task_mark_overdue(task_id=live(case).pk)
    html = html_of(client_for(demo_org, "staf.krj").get(reverse("home")))
    counts = re.findall(r"<strong>(\d+)</strong>", html)
    assert counts[:2] == ["2", "1"]
    assert "tugas menunggu" in html and "pemberitahuan belum dibaca" in html
    assert reverse("cases:my_tasks") in html


def test_the_nav_links_tugas_saya_and_kasus_for_a_signed_in_user(demo_org, client) -> None:
    assert reverse("cases:my_tasks") not in html_of(client.get(reverse("sops:list")))
    html = html_of(client_for(demo_org, "staf.krj").get(reverse("sops:list")))
    assert f'href="{reverse("cases:my_tasks")}"' in html
    assert f'href="{reverse("cases:list")}"' in html


# -- the case list ------------------------------------------------------------------------


@pytest.fixture
def krj_cases(demo_org) -> dict[str, Case]:
    """Three KRJ cases the Camat sees: a fresh and a late complaint, and a PPL case."""
    fresh = start_pgd(demo_org, subject="Parkir liar di depan pasar")
    late = start_pgd(demo_org, subject="Warung remang-remang", now=LONG_AGO)
    ppl = case_start_written(
        sop_code="PPL",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("kasi.krj"),
        subject="Laporan lokalisasi di Desa Tamansari",
        data={"sumber": "Desa Tamansari", "lokasi": "Desa Tamansari", "uraian": "Laporan"},
    )
    return {"fresh": fresh, "late": late, "ppl": ppl}


def test_the_case_list_shows_the_cases_of_the_users_units(demo_org, krj_cases) -> None:
    html = html_of(client_for(demo_org, "camat.krj").get(reverse("cases:list")))
    for case in krj_cases.values():
        assert case.number in html
        assert reverse("cases:detail", args=[case.pk]) in html
    assert "3 kasus" in html
    assert html.count("badge danger") == 1  # the late one


def test_the_case_lists_terlambat_badges_are_the_cases_the_overdue_filter_finds(
    demo_org,
) -> None:
    # Late and fresh cases, one late case moved on to its next step, one late task claimed: each
    # row's badge (read with the row) against the filter "Terlambat: ya" of the same list.
    now = timezone.now()
    cases = [
        start_pgd(demo_org, subject=f"Laporan {i}", now=now - dt.timedelta(days=days))
        for i, days in enumerate((0, 0, 1, 2, 5, 30, 30, 60))
    ]
    complete(demo_org, cases[5], "staf.krj")
    services.task_claim(task=live(cases[6]), actor=demo_org.person("staf.krj"))
    html = html_of(client_for(demo_org, "camat.krj").get(reverse("cases:list")))
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    badged = {c.number for c in cases for row in rows if c.number in row and "badge danger" in row}
    user = demo_org.user("camat.krj")
    late = {c.number for c in selectors.case_list_for_user(user, overdue=True)}
    assert badged == late
    assert 0 < len(late) < len(cases)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sop": "PPL"}, {"ppl"}),
        ({"sop": "PGD"}, {"fresh", "late"}),
        ({"status": "open"}, {"fresh", "late", "ppl"}),
        ({"status": "closed"}, set()),
        ({"terlambat": "ya"}, {"late"}),
        ({"terlambat": "tidak"}, {"fresh", "ppl"}),
        ({"q": "remang"}, {"late"}),
        ({"dari": timezone.localdate().isoformat()}, {"fresh", "ppl"}),
        ({"sampai": (LONG_AGO + dt.timedelta(days=1)).date().isoformat()}, {"late"}),
        ({"dari": "bukan tanggal"}, {"fresh", "late", "ppl"}),
    ],
    ids=lambda v: "-".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else None,
)
def test_the_case_list_filters(demo_org, krj_cases, params, expected) -> None:
    response = client_for(demo_org, "camat.krj").get(reverse("cases:list"), params)
    assert response.status_code == 200
    html = html_of(response)
    shown = {key for key, case in krj_cases.items() if case.number in html}
    assert shown == expected


def test_the_case_list_search_finds_a_case_by_its_number(demo_org, krj_cases) -> None:
    number = krj_cases["ppl"].number
    html = html_of(client_for(demo_org, "camat.krj").get(reverse("cases:list"), {"q": number}))
    assert number in html
    assert krj_cases["fresh"].number not in html


def test_an_htmx_filter_request_gets_only_the_results(demo_org, krj_cases) -> None:
    response = client_for(demo_org, "camat.krj").get(
        reverse("cases:list"), {"sop": "PPL"}, headers={"HX-Request": "true"}
    )
    html = html_of(response)
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html and "<form" not in html
    assert krj_cases["ppl"].number in html and krj_cases["fresh"].number not in html


def test_the_full_case_list_page_carries_the_htmx_filter_form(demo_org, krj_cases) -> None:
    html = html_of(client_for(demo_org, "camat.krj").get(reverse("cases:list"), {"sop": "PPL"}))
    assert 'hx-get="/kasus/"' in html and 'hx-target="#results"' in html
    assert '<option value="PPL" selected>' in html


def test_the_case_list_pages_by_25_and_keeps_the_filters(
    demo_org, django_assert_max_num_queries
) -> None:
    client = client_for(demo_org, "staf.krj")
    start_pgd(demo_org)
    with django_assert_max_num_queries(7):  # 5, the unread count and the registers in the nav
        client.get(reverse("cases:list"), {"sop": "PGD"})
    for i in range(29):
        start_pgd(demo_org, subject=f"Laporan {i}")
    with django_assert_max_num_queries(7):  # 5, the unread count and the registers in the nav
        html = html_of(client.get(reverse("cases:list"), {"sop": "PGD"}))
    assert html.count('class="c-number"') == 25
    assert "Halaman 1 dari 2" in html
    assert "?sop=PGD&amp;halaman=2" in html
    second = html_of(client.get(reverse("cases:list"), {"sop": "PGD", "halaman": "2"}))
    assert second.count('class="c-number"') == 5


# -- the case page ------------------------------------------------------------------------


def test_the_case_page_shows_header_timeline_steps_and_the_live_task_form(demo_org) -> None:
    case = start_pgd(demo_org)
    html = html_of(client_for(demo_org, "staf.krj").get(reverse("cases:detail", args=[case.pk])))
    assert case.number in html and case.subject in html
    assert f'href="/sop/PGD/?versi={case.sop_version.version}"' in html
    assert "Kecamatan Kerjo" in html and "Endang Sulistyowati" in html  # unit, opened by
    assert "Kasus dibuka" in html and "Tugas diselesaikan" in html  # the timeline
    assert "5 menit" in html  # the first step's Mutu Baku beside its actual duration
    task = live(case)
    assert reverse("cases:task_complete", args=[task.pk]) in html
    assert 'name="requirements" value="Laporan dugaan pelanggaran Perda"' in html
    assert ">Selesaikan</button>" in html
    assert "Ambil tugas" in html


def test_the_case_page_shows_no_form_to_someone_without_the_position(demo_org) -> None:
    case = start_pgd(demo_org)
    html = html_of(client_for(demo_org, "kasi.krj").get(reverse("cases:detail", args=[case.pk])))
    assert case.number in html
    assert reverse("cases:task_complete", args=[live(case).pk]) not in html
    assert "Ambil tugas" not in html


def test_completing_through_the_form_moves_the_case_to_the_next_officer(demo_org) -> None:
    case = start_pgd(demo_org)
    task = live(case)
    response = client_for(demo_org, "staf.krj").post(
        reverse("cases:task_complete", args=[task.pk]),
        {"requirements": ["Laporan dugaan pelanggaran Perda"]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    assert f"Tugas “{task.title}” selesai." in html_of(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.requirements_checked == ["Laporan dugaan pelanggaran Perda"]
    nxt = live(case)
    assert (nxt.step_id, nxt.role) == ("kasi_teruskan", "kasi_trantib")
    assert case.number in html_of(client_for(demo_org, "kasi.krj").get(reverse("cases:my_tasks")))


def test_a_missing_required_field_comes_back_beside_the_field_with_the_values_kept(
    demo_org,
) -> None:
    case = pgd_at_camat(demo_org)
    task = live(case)
    response = client_for(demo_org, "camat.krj").post(
        reverse("cases:task_complete", args=[task.pk]),
        {"requirements": ["Laporan dugaan pelanggaran Perda"], "data.arahan": "  "},
    )
    assert response.status_code == 422
    html = html_of(response)
    error = re.search(r'<p class="error" id="f-arahan-error" role="alert">([^<]+)</p>', html)
    assert error is not None and "wajib diisi" in error.group(1)
    assert 'aria-describedby="f-arahan-error"' in html
    assert 'value="Laporan dugaan pelanggaran Perda" checked' in html
    assert live(case).pk == task.pk


def test_a_number_that_is_not_a_number_is_refused_beside_its_field(demo_org) -> None:
    case = ppl_at_members(demo_org)
    client = client_for(demo_org, "anggota1.cpd")
    task = live(case)
    response = client.post(
        reverse("cases:task_complete", args=[task.pk]),
        {
            "data.waktu_pelaksanaan": "kemarin",
            "data.jumlah_personel": "enam",
            "data.laporan_lapangan": "Tertib",
        },
    )
    assert response.status_code == 422
    html = html_of(response)
    assert re.search(r'id="f-waktu_pelaksanaan-error"[^>]*>[^<]*harus berupa tanggal', html)
    assert re.search(r'id="f-jumlah_personel-error"[^>]*>[^<]*harus berupa angka', html)
    assert 'value="enam"' in html


def test_a_decision_is_taken_with_its_own_button(demo_org) -> None:
    case = ppl_at_verification(demo_org)
    client = client_for(demo_org, "sekcam.cpd")
    task = live(case)
    page = html_of(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Apakah draft surat perintah dapat diparaf tanpa koreksi?" in page
    assert 'name="decision" value="tidak ada koreksi"' in page
    assert 'name="decision" value="ada koreksi"' in page
    response = client.post(
        reverse("cases:task_complete", args=[task.pk]),
        {"decision": "ada koreksi", "data.koreksi": "Perbaiki dasar hukum"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.decision == "ada koreksi" and task.data == {"koreksi": "Perbaiki dasar hukum"}
    assert live(case).step_id == "draft_surat_perintah"  # back for correction


def test_a_wrong_decision_comes_back_beside_the_decision_buttons(demo_org) -> None:
    case = ppl_at_verification(demo_org)
    task = live(case)
    response = client_for(demo_org, "sekcam.cpd").post(
        reverse("cases:task_complete", args=[task.pk]),
        {"decision": "mungkin", "data.koreksi": "Catatan"},
    )
    assert response.status_code == 422
    html = html_of(response)
    error = re.search(r'<p class="error" id="decision-error" role="alert">([^<]+)</p>', html)
    assert error is not None and "“ada koreksi”" in error.group(1)
    assert ">Catatan</textarea>" in html
    assert live(case).pk == task.pk


def test_a_double_submit_gets_the_409_already_completed_message(demo_org) -> None:
    case = start_pgd(demo_org)
    task = live(case)
    client = client_for(demo_org, "staf.krj")
    url = reverse("cases:task_complete", args=[task.pk])
    assert client.post(url, {}).status_code == 302
    again = client.post(url, {})
    assert again.status_code == 409
    html = html_of(again)
    assert "Tugas ini sudah diselesaikan oleh Endang Sulistyowati" in html
    assert 'class="alert error"' in html
    assert Task.objects.filter(case=case, step_id="kasi_teruskan").count() == 1


def test_completing_a_task_of_another_position_is_refused_with_403(demo_org) -> None:
    case = start_pgd(demo_org)
    task = live(case)
    response = client_for(demo_org, "kasi.krj").post(
        reverse("cases:task_complete", args=[task.pk]), {}
    )
    assert response.status_code == 403
    assert "Anda tidak memegang jabatan itu" in html_of(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_claiming_takes_the_task_and_a_second_claimant_gets_409(demo_org) -> None:
    case = case_start_written(
        sop_code="PGD",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("staf.cpd"),
        subject="Pedagang di trotoar",
        data={"saluran": "SMS", "uraian": "Pedagang kaki lima"},
    )
    for step, who in [("staf_sampaikan", "staf.cpd"), ("kasi_teruskan", "kasi.cpd")]:
        assert live(case).step_id == step
        complete(demo_org, case, who)
    complete(demo_org, case, "camat.cpd", data={"arahan": "Tindak lanjuti"})
    assert live(case).step_id == "koordinasi_tindak"
    task = live(case)
    kasi = client_for(demo_org, "kasi.cpd")
    response = kasi.post(reverse("cases:task_claim", args=[task.pk]), follow=True)
    assert "Anda mengambil tugas" in html_of(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.CLAIMED and task.assignee == demo_org.person("kasi.cpd")
    assert "Dikerjakan oleh" in html_of(kasi.get(reverse("cases:detail", args=[case.pk])))


def ppl_at_members(demo_org) -> Case:
    """A PPL case in Cipondoh driven past the verification to the Anggota Trantib step."""
    case = ppl_at_verification(demo_org)
    complete(demo_org, case, "sekcam.cpd", decision="tidak ada koreksi")
    complete(demo_org, case, "camat.cpd")  # the signed Surat Perintah's number and date
    complete(demo_org, case, "kasi.cpd", data={"arahan": "Siapkan regu"})
    complete(demo_org, case, "danru.cpd", data={"jumlah_personel": 6})
    return case


def test_a_second_claim_by_another_holder_gets_409(demo_org) -> None:
    case = ppl_at_members(demo_org)  # the Anggota Trantib step: two holders in Cipondoh
    task = live(case)
    assert task.role == "anggota_trantib"
    first = client_for(demo_org, "anggota1.cpd")
    assert first.post(reverse("cases:task_claim", args=[task.pk])).status_code == 302
    second = client_for(demo_org, "anggota2.cpd")
    response = second.post(reverse("cases:task_claim", args=[task.pk]))
    assert response.status_code == 409
    assert "sudah diambil oleh" in html_of(response)
    # The one who holds it sees the form; the other sees who works on it.
    page = html_of(second.get(reverse("cases:detail", args=[case.pk])))
    assert reverse("cases:task_complete", args=[task.pk]) not in page


def test_a_supervisor_reassigns_a_task_among_the_holders_of_its_position(demo_org) -> None:
    case = ppl_at_members(demo_org)
    task = live(case)
    camat = client_for(demo_org, "camat.cpd")
    page = html_of(camat.get(reverse("cases:detail", args=[case.pk])))
    anggota2 = demo_org.person("anggota2.cpd")
    assert reverse("cases:task_reassign", args=[task.pk]) in page
    assert f'<option value="{anggota2.pk}"' in page
    url = reverse("cases:task_reassign", args=[task.pk])
    wrong = camat.post(url, {"assignee": demo_org.person("kasi.cpd").pk})
    assert wrong.status_code == 422
    assert "Pilih petugas yang memegang jabatan tugas ini." in html_of(wrong)
    assert camat.post(url, {"assignee": anggota2.pk}).status_code == 302
    task.refresh_from_db()
    assert task.assignee == anggota2
    # Not a supervisor: no form, and a POST is refused.
    kasi = client_for(demo_org, "kasi.cpd")
    assert url not in html_of(kasi.get(reverse("cases:detail", args=[case.pk])))
    refused = kasi.post(url, {"assignee": anggota2.pk})
    assert refused.status_code == 403


def test_files_are_uploaded_with_the_task_and_served_to_the_units_people(demo_org) -> None:
    case = pgd_at_camat(demo_org)
    complete(demo_org, case, "camat.krj", data={"arahan": "Tertibkan"})
    complete(demo_org, case, "kasi.krj", data={"tindakan": "Teguran lisan"})
    task = live(case)
    assert task.step_id == "bukti_penyelesaian"
    client = client_for(demo_org, "kasi.krj")
    missing = client.post(reverse("cases:task_complete", args=[task.pk]), {})
    assert missing.status_code == 422
    assert re.search(r'id="f-bukti-error"[^>]*>Lampirkan “Bukti penyelesaian”', html_of(missing))
    text = SimpleUploadedFile("catatan.txt", b"bukan foto", content_type="text/plain")
    refused = client.post(reverse("cases:task_complete", args=[task.pk]), {"data.bukti": text})
    assert refused.status_code == 422
    assert "tidak diterima" in html_of(refused)
    assert Attachment.objects.filter(case=case).count() == 0  # nothing kept from the refusal
    upload = SimpleUploadedFile("draft-2.png", PNG, content_type="image/png")
    done = client.post(reverse("cases:task_complete", args=[task.pk]), {"data.bukti": upload})
    assert done.status_code == 302
    task.refresh_from_db()
    attachment = Attachment.objects.get(case=case, name="draft-2.png")
    assert task.data == {"bukti": [attachment.pk]} and attachment.task == task
    page = html_of(client.get(reverse("cases:detail", args=[case.pk])))
    assert reverse("cases:attachment", args=[attachment.pk]) in page
    download = client_for(demo_org, "camat.krj").get(
        reverse("cases:attachment", args=[attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG


def test_a_wait_task_and_a_party_are_shown_on_the_case_page(demo_org) -> None:
    case = case_start_written(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=demo_org.person("kasat.pptng"),
        subject="PKL di trotoar Jl. Merdeka",
        entry="beri_teguran",
        data={
            "pelanggar": {"nama": "Budi Santoso", "nik": "3671010101800001", "alamat": "Cikokol"},
            "lokasi": {"address": "Jl. Merdeka", "lat": -6.17, "lon": 106.63},
            "perda": "Perda 8/2018",
            "nomor_surat_pernyataan": "300/01",
        },
    )
    task = live(case)
    assert task.kind == TaskKind.WAIT
    html = html_of(client_for(demo_org, "kasat.pptng").get(reverse("cases:detail", args=[case.pk])))
    assert "Menunggu tenggat sampai" in html
    assert "Budi Santoso" in html and "3671010101800001" in html and "Cikokol" in html
    assert reverse("cases:task_complete", args=[task.pk]) not in html


# -- starting a case ----------------------------------------------------------------------


def test_the_start_page_offers_the_sops_the_person_may_start(demo_org) -> None:
    html = html_of(client_for(demo_org, "staf.krj").get(reverse("cases:start")))
    assert "?sop=PGD&amp;unit=KRJ" in html
    assert "?sop=PPL" not in html  # the Kasi starts PPL, not the Staf


def test_the_start_form_renders_the_first_steps_fields_by_type(demo_org) -> None:
    html = html_of(
        client_for(demo_org, "staf.krj").get(reverse("cases:start"), {"sop": "PGD", "unit": "KRJ"})
    )
    assert 'name="subject"' in html
    assert '<select name="data.saluran"' in html and "<option>SMS</option>" in html
    assert '<textarea name="data.uraian"' in html
    assert 'name="data.lokasi.address"' in html and 'name="data.lokasi.lat"' in html


def test_starting_a_case_from_the_form_opens_it_and_shows_it(demo_org) -> None:
    client = client_for(demo_org, "staf.krj")
    response = client.post(
        reverse("cases:start"),
        {
            "sop": "PGD",
            "unit": "KRJ",
            "subject": "Baliho tanpa izin",
            "data.saluran": "Telepon",
            "data.uraian": "Baliho besar di simpang tiga",
            "data.lokasi.address": "Simpang tiga Kerjo",
            "data.lokasi.lat": "-7,66",
            "data.lokasi.lon": "111.05",
            "requirements": ["Laporan dugaan pelanggaran Perda"],
        },
        follow=True,
    )
    case = Case.objects.get(subject="Baliho tanpa izin")
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    assert f"Pengaduan {case.number} dibuka" in html_of(response)
    first = Task.objects.get(case=case, step_id="lapor")
    assert first.data["lokasi"] == {"address": "Simpang tiga Kerjo", "lat": -7.66, "lon": 111.05}
    assert first.requirements_checked == ["Laporan dugaan pelanggaran Perda"]


def test_the_start_form_keeps_the_values_and_shows_the_errors(demo_org) -> None:
    response = client_for(demo_org, "staf.krj").post(
        reverse("cases:start"),
        {"sop": "PGD", "unit": "KRJ", "subject": "", "data.uraian": "Sudah diisi"},
    )
    assert response.status_code == 422
    html = html_of(response)
    assert re.search(r'id="f-subject-error"[^>]*>Perihal pengaduan wajib diisi', html)
    assert re.search(r'id="f-saluran-error"[^>]*>“Saluran laporan” wajib diisi', html)
    assert ">Sudah diisi</textarea>" in html
    assert not Case.objects.exists()


def test_an_sop_the_person_may_not_start_is_a_404(demo_org) -> None:
    client = client_for(demo_org, "staf.krj")
    assert client.get(reverse("cases:start"), {"sop": "PPL", "unit": "KRJ"}).status_code == 404
    post = client.post(reverse("cases:start"), {"sop": "PGD", "unit": "CPD", "subject": "x"})
    assert post.status_code == 404
    assert not Case.objects.exists()


def test_a_case_starts_at_another_entry_step_with_a_person_and_a_place(demo_org) -> None:
    client = client_for(demo_org, "kasat.pptng")
    assert "entry=beri_teguran" in html_of(client.get(reverse("cases:start")))
    response = client.post(
        reverse("cases:start"),
        {
            "sop": "PPW",
            "unit": "PPTNG",
            "entry": "beri_teguran",
            "subject": "PKL di trotoar",
            "data.pelanggar.nama": "Siti Aminah",
            "data.pelanggar.nik": "3671014101850002",
            "data.lokasi.address": "Jl. Daan Mogot",
            "data.perda": "Perda 8/2018",
            "data.nomor_surat_pernyataan": "300/02",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(subject="PKL di trotoar")
    # The step waits for its Surat Pernyataan (PPW v3): the case opens with it live, and the
    # start form's values are kept for it.
    first = live(case)
    assert (first.step_id, first.kind) == ("beri_teguran", TaskKind.WORK)
    kept = case.state["data"]["_start"]
    assert kept["pelanggar"] == {"nama": "Siti Aminah", "nik": "3671014101850002"}
    assert "nomor_surat_pernyataan" not in kept  # the letter fills it; the form did not ask
    done = complete(demo_org, case, "kasat.pptng")
    assert done.data["pelanggar"] == kept["pelanggar"]
    assert live(case).kind == TaskKind.WAIT


def test_a_first_step_that_requires_a_file_starts_from_the_form(demo_org) -> None:
    client = client_for(demo_org, "tim.ppkb")
    response = client.post(
        reverse("cases:start"),
        {
            "sop": "RTHM",
            "unit": "PPKB",
            "subject": "Reklame tanpa izin di Jl. Gajah Mada",
            "data.anggota_tim": "Ahmad\nBudi",
            "data.draft": SimpleUploadedFile("spt.pdf", b"%PDF-1.4 draf", "application/pdf"),
        },
    )
    assert response.status_code == 302, html_of(response)
    case = Case.objects.get(subject="Reklame tanpa izin di Jl. Gajah Mada")
    first = Task.objects.get(case=case, step_id="buat_spt")
    (attachment,) = Attachment.objects.filter(case=case)
    assert first.data["draft"] == [attachment.pk] and attachment.name == "spt.pdf"
    assert first.data["anggota_tim"] == ["Ahmad", "Budi"]


# -- notifications ------------------------------------------------------------------------


def test_the_notifications_page_lists_my_notices_and_marks_them_read(demo_org) -> None:
    case = case_start_written(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Pedagang di bahu jalan",
        data={"saluran": "SMS", "uraian": "Lapak menutup jalan"},
    )
    task = live(case)
    services.deadlines_sweep(now=task.due_at + dt.timedelta(minutes=1))
    client = client_for(demo_org, "camat.krj")  # the supervisor is told
    html = html_of(client.get(reverse("cases:notifications")))
    assert case.number in html and "melewati batas waktu" in html
    assert "1</strong> pemberitahuan belum dibaca" in html_of(client.get(reverse("home")))
    # Someone else's notices are not shown.
    assert case.number not in html_of(
        client_for(demo_org, "kasi.krw").get(reverse("cases:notifications"))
    )
    assert client.post(reverse("cases:notifications")).status_code == 302
    assert "0</strong> pemberitahuan belum dibaca" in html_of(client.get(reverse("home")))
    assert "Tandai sudah dibaca" not in html_of(client.get(reverse("cases:notifications")))


def test_a_bad_notice_id_marks_nothing_and_never_fails(demo_org) -> None:
    case = case_start_written(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Pedagang di bahu jalan",
        data={"saluran": "SMS", "uraian": "Lapak menutup jalan"},
    )
    services.deadlines_sweep(now=live(case).due_at + dt.timedelta(minutes=1))
    client = client_for(demo_org, "camat.krj")
    for bad in ("²", "9" * 25, "abc"):
        assert client.post(reverse("cases:notifications"), {"id": bad}).status_code == 302
    assert "1</strong> pemberitahuan belum dibaca" in html_of(client.get(reverse("home")))


def test_an_attachment_whose_file_is_gone_is_a_404(demo_org) -> None:
    case = case_start_written(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Foto hilang",
        data={"saluran": "SMS", "uraian": "x"},
    )
    attachment = services.attachment_add(
        case=case,
        actor=demo_org.person("staf.krj"),
        name="foto.png",
        content=io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
    )
    attachment.file.storage.delete(attachment.file.name)
    url = reverse("cases:attachment", args=[attachment.pk])
    assert client_for(demo_org, "staf.krj").get(url).status_code == 404
