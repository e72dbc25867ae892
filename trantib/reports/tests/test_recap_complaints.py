"""The monthly complaints recap against complaints whose right answer is known by construction.

August 2026 in Kecamatan Cipondoh (WIB). Monday 17 August (Independence Day) and Tuesday 25
August (the Prophet's birthday) are national holidays; the answer is due 5 working days after
the office day of receipt (``TRANTIB_COMPLAINT_ANSWER_DAYS``, the complaints app's setting).

==  ========================  =======  ===========  ==============  ==========================
    received (WIB)            channel  category     desa            answered (WIB) → working d.
==  ========================  =======  ===========  ==============  ==========================
A   Sat  1 Aug 00:00          web      cpd-pkl      Poris Plawad    Mon 10 Aug → 5 (3,4,…,10)
B   Mon 31 Aug 23:59          sms      cpd-pkl      (none)          not answered
C   Thu 13 Aug 10:00          counter  cpd-pkl      Poris Plawad    Wed 19 Aug → 3 (14,18,19)
D   Thu 13 Aug 11:00          phone    cpd-reklame  Gondrong        Thu 20 Aug → 4
E   Fri 14 Aug 09:00          web      cpd-reklame  " poris PLAWAD" Wed 26 Aug → 6: late
F   Fri 31 Jul 23:59          web      cpd-pkl      Poris Plawad    (July: not counted)
G   Tue  1 Sep 00:00          web      cpd-pkl      Poris Plawad    (September: not counted)
H   Thu 13 Aug 10:00, Karawaci (the sibling)                        not answered
==  ========================  =======  ===========  ==============  ==========================

A's office day is Monday 3 August (received on a Saturday night); C's and D's answers run across
the weekend and Independence Day; E's sixth day skips the 25th. C runs the whole SOP and is
answered by SMS; the others are answered through "bukan kewenangan" (the reporter is told).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import zoneinfo
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from openpyxl import load_workbook

from trantib.cases import services as case_services
from trantib.cases.models import Task, TaskStatus
from trantib.complaints import services
from trantib.complaints.models import Category, Complaint
from trantib.conftest import DemoOrg
from trantib.demo import complaint_setup_load
from trantib.reports.figures import drill_cases
from trantib.reports.periods import period_parse
from trantib.reports.recaps import complaints as recap
from trantib.reports.scope import scope_for

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
REPORTER = "Wartini Susanti"
PHONE = "0812-9988-7766"
SECRETS = ("Wartini", "Susanti", "99887766", "9988-7766")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
URL = "/laporan/rekap/pengaduan/"
AUGUST = "unit=CPD&periode=2026-08"


def wib(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=WIB)


def _not_authority(complaint: Complaint, demo_org: DemoOrg, at: dt.datetime) -> None:
    services.complaint_not_authority(
        complaint=complaint,
        actor=demo_org.person("staf.cpd" if complaint.unit.code == "CPD" else "staf.krw"),
        reason="Di luar kewenangan kecamatan: jalan provinsi.",
        now=at,
    )


def _whole_sop(complaint: Complaint, demo_org: DemoOrg, answered: dt.datetime) -> None:
    """Run PGD v2 as Cipondoh's officers, an hour apart, and answer the reporter by SMS."""
    steps = [
        ("staf_sampaikan", "staf.cpd", {}),
        ("kasi_teruskan", "kasi.cpd", {}),
        ("camat_arahkan", "camat.cpd", {"arahan": "Tertibkan lapak di trotoar."}),
        ("koordinasi_tindak", "kasi.cpd", {"tindakan": "Lapak dipindahkan ke lahan pasar."}),
        ("bukti_penyelesaian", "kasi.cpd", None),
        ("lapor_camat", "kasi.cpd", {}),
    ]
    at = complaint.received_at
    for step, login, data in steps:
        at += dt.timedelta(hours=1)
        task = Task.objects.get(case=complaint.case, step_id=step, status=TaskStatus.OPEN)
        if data is None:
            case_services.task_complete(
                task=task,
                actor=demo_org.person(login),
                uploads={"bukti": [("bukti.png", io.BytesIO(PNG))]},
                now=at,
            )
        else:
            case_services.task_complete(task=task, actor=demo_org.person(login), data=data, now=at)
    task = Task.objects.get(
        case=complaint.case, step_id="informasi_pelapor", status=TaskStatus.OPEN
    )
    case_services.task_complete(
        task=task,
        actor=demo_org.person("staf.cpd"),
        data={"saluran": "SMS", "isi": "Lapak sudah dipindahkan. Terima kasih."},
        now=answered,
    )


@pytest.fixture
def august(demo_org: DemoOrg, settings, request) -> dict[str, Complaint]:
    # The standard in force when each complaint is received is the one it is held to.
    settings.TRANTIB_COMPLAINT_ANSWER_DAYS = getattr(request, "param", 5)
    complaint_setup_load()
    cpd, krw = demo_org.unit("CPD"), demo_org.unit("KRW")
    pkl = Category.objects.get(code="cpd-pkl")
    reklame = Category.objects.create(
        unit=cpd, code="cpd-reklame-uji", name="Reklame liar Cipondoh"
    )
    karawaci = Category.objects.create(unit=krw, code="krw-pkl", name="PKL Karawaci")
    staf = demo_org.person("staf.cpd")

    def file(at: dt.datetime, channel: str, category: Category, desa: str, **kw: object):
        return services.complaint_file(
            channel=channel,
            category=category,
            description="Lapak menutup trotoar di depan sekolah setiap pagi",
            kelurahan=desa,
            actor=staf if channel in ("counter", "phone") else None,
            now=at,
            **kw,  # type: ignore[arg-type]
        )

    made = {
        "A": file(
            wib(8, 1, 0, 0),
            "web",
            pkl,
            "Poris Plawad",
            reporter_name=REPORTER,
            reporter_phone=PHONE,
        ),
        "B": file(wib(8, 31, 23, 59), "sms", pkl, "", reporter_phone=PHONE),
        "C": file(
            wib(8, 13), "counter", pkl, "Poris Plawad", reporter_name=REPORTER, reporter_phone=PHONE
        ),
        "D": file(wib(8, 13, 11), "phone", reklame, "Gondrong", reporter_name=REPORTER),
        "E": file(wib(8, 14, 9), "web", reklame, "  poris   PLAWAD "),
        "F": file(wib(7, 31, 23, 59), "web", pkl, "Poris Plawad"),
        "G": file(wib(9, 1, 0, 0), "web", pkl, "Poris Plawad"),
        "H": file(wib(8, 13), "web", karawaci, "Bojong Jaya", reporter_name=REPORTER),
    }
    assert {c.unit.code for k, c in made.items() if k != "H"} == {"CPD"}
    assert made["H"].unit.code == "KRW"
    _not_authority(made["A"], demo_org, wib(8, 10, 14))
    _whole_sop(made["C"], demo_org, wib(8, 19, 14))
    _not_authority(made["D"], demo_org, wib(8, 20, 9))
    _not_authority(made["E"], demo_org, wib(8, 26, 10))
    _not_authority(made["F"], demo_org, wib(8, 3, 9))
    return made


def _scope(demo_org: DemoOrg, login: str, code: str):
    return scope_for(demo_org.user(login), code)


def _row(table: recap.Table, label: str) -> list[object]:
    line = next(x for x in (*table.lines, table.total) if x.label == label)
    return [f.value for f in line.figures]


# -- the figures -------------------------------------------------------------------------------


def test_each_figure_is_the_count_known_by_construction(demo_org: DemoOrg, august) -> None:
    scope = _scope(demo_org, "camat.cpd", "CPD")
    data = recap.complaint_recap(scope, period_parse("2026-08"), now=wib(10, 1))
    by_key = {t.key: t for t in data.tables}
    assert list(by_key) == ["saluran", "kategori", "desa"]  # a kecamatan has no child rows
    # received, in time, late, not answered, of which past due, median working days, share in
    # time (%). A (5 d), C (3 d), D (4 d) in time; E (6 d) late; B not answered and past its
    # due day (8 September) on 1 October: the median of 3, 4, 5, 6; 3 in time of 5 judged.
    assert _row(by_key["saluran"], "Jumlah") == [5, 3, 1, 1, 1, 4.5, 60.0]
    assert _row(by_key["saluran"], "Formulir web") == [2, 1, 1, 0, 0, 5.5, 50.0]  # A, E
    assert _row(by_key["saluran"], "SMS") == [1, 0, 0, 1, 1, None, 0.0]  # B
    assert _row(by_key["saluran"], "Datang ke kantor") == [1, 1, 0, 0, 0, 3.0, 100.0]  # C
    assert _row(by_key["saluran"], "Telepon") == [1, 1, 0, 0, 0, 4.0, 100.0]  # D
    assert _row(by_key["saluran"], "Open311") == [0, 0, 0, 0, 0, None, None]
    assert _row(by_key["kategori"], "PKL di trotoar (Cipondoh)") == [3, 2, 0, 1, 1, 4.0, 66.7]
    assert _row(by_key["kategori"], "Reklame liar Cipondoh") == [2, 1, 1, 0, 0, 5.0, 50.0]
    # "  poris   PLAWAD " is Poris Plawad: A, C, E (5, 3, 6 days).
    assert [x.label for x in by_key["desa"].lines] == [
        "Gondrong",
        "Poris Plawad",
        "(tanpa desa/kelurahan)",
    ]
    assert _row(by_key["desa"], "Poris Plawad") == [3, 2, 1, 0, 0, 5.0, 66.7]
    assert _row(by_key["desa"], "Gondrong") == [1, 1, 0, 0, 0, 4.0, 100.0]
    assert _row(by_key["desa"], "(tanpa desa/kelurahan)") == [1, 0, 0, 1, 1, None, 0.0]
    for table in data.tables:  # every table sums to the same total
        assert _row(table, "Jumlah") == [5, 3, 1, 1, 1, 4.5, 60.0]
        assert sum(x.tally.received for x in table.lines) == 5


def test_an_unanswered_complaint_is_judged_only_once_its_due_day_has_passed(
    demo_org: DemoOrg, august
) -> None:
    """B (received Monday 31 August 23:59, its office day Tuesday 1 September) is due on
    Tuesday 8 September: until that day ends it waits, and the share leaves it out."""
    scope, august_ = _scope(demo_org, "camat.cpd", "CPD"), period_parse("2026-08")
    for now, expected in (
        (wib(9, 3), [5, 3, 1, 1, 0, 4.5, 75.0]),  # 3 in time of 4 judged
        (wib(9, 8, 15), [5, 3, 1, 1, 0, 4.5, 75.0]),  # due today is not late
        (wib(9, 9, 8), [5, 3, 1, 1, 1, 4.5, 60.0]),
    ):
        data = recap.complaint_recap(scope, august_, now=now)
        assert _row(data.tables[0], "Jumlah") == expected, now
    sms = recap.complaint_recap(scope, august_, now=wib(9, 3)).tables[0]
    assert _row(sms, "SMS") == [1, 0, 0, 1, 0, None, None]  # nothing to judge yet


@pytest.mark.parametrize("august", [3], indirect=True)
def test_the_standard_is_the_complaints_apps_setting(demo_org: DemoOrg, august) -> None:
    scope = _scope(demo_org, "camat.cpd", "CPD")
    data = recap.complaint_recap(scope, period_parse("2026-08"), now=wib(10, 1))
    # Three working days: only C (3) is in time; A (5), D (4), E (6) are late.
    assert _row(data.tables[0], "Jumlah") == [5, 1, 3, 1, 1, 4.5, 20.0]
    assert data.standard_days == 3


def _params(href: str) -> tuple[str, dict[str, str]]:
    query = dict(parse_qsl(urlsplit(href).query))
    assert query.pop("laporan") == recap.REPORT
    figure = query.pop("angka")
    query.pop("unit"), query.pop("periode")
    return figure, query


@pytest.mark.parametrize(("login", "code"), [("camat.cpd", "CPD"), ("sekda.tng", "PEMKOT-TNG")])
def test_every_figure_equals_the_count_of_its_drill(
    demo_org: DemoOrg, august, login: str, code: str
) -> None:
    user = demo_org.user(login)
    scope, period = scope_for(user, code), period_parse("2026-08")
    checked = 0
    for table in recap.complaint_recap(scope, period).tables:
        for line in (*table.lines, table.total):
            received, within, late, not_yet, overdue, median, share = line.figures
            counts = {}
            for f in line.figures:
                figure, params = _params(f.href)
                counts[f.label] = drill_cases(
                    user, recap.REPORT, figure, scope, period, params
                ).count()
                checked += 1
            for f in (received, within, late, not_yet, overdue):
                assert counts[f.label] == f.value, (table.key, line.label, f.label)
            # The median's rows are the answered ones; the share's are those in time.
            assert counts[median.label] == line.tally.within + line.tally.late
            assert counts[share.label] == within.value
    assert checked > 70


def test_the_drill_page_lists_exactly_the_cases_of_a_figure(
    demo_org: DemoOrg, august, client: Client
) -> None:
    client.force_login(demo_org.user("camat.cpd"))
    data = recap.complaint_recap(_scope(demo_org, "camat.cpd", "CPD"), period_parse("2026-08"))
    desa = next(t for t in data.tables if t.key == "desa")
    poris = next(x for x in desa.lines if x.label == "Poris Plawad")
    page = client.get(poris.figures[0].href).content.decode()  # received: A, C, E
    numbers = {august[k].case.number for k in "ACE"}
    assert all(n in page for n in numbers)
    others = {august[k].case.number for k in "BDFGH"}
    assert not [n for n in others if n in page]
    late = client.get(poris.figures[2].href).content.decode()
    assert august["E"].case.number in late and august["A"].case.number not in late


# -- the parent unit and the sibling -------------------------------------------------------------


def test_a_parent_sums_its_children_and_shows_each(demo_org: DemoOrg, august) -> None:
    scope = _scope(demo_org, "sekda.tng", "PEMKOT-TNG")
    data = recap.complaint_recap(scope, period_parse("2026-08"), now=wib(10, 1))
    units = next(t for t in data.tables if t.key == "unit")
    assert _row(units, "Kecamatan Cipondoh") == [5, 3, 1, 1, 1, 4.5, 60.0]
    assert _row(units, "Kecamatan Karawaci") == [1, 0, 0, 1, 1, None, 0.0]  # H
    pptng = _row(units, "Satuan Polisi Pamong Praja Kota Tangerang")
    assert pptng == [0, 0, 0, 0, 0, None, None]
    assert _row(units, "Jumlah") == [6, 3, 1, 2, 2, 4.5, 50.0]
    assert sum(x.tally.received for x in units.lines) == units.total.tally.received


def test_a_kecamatan_never_counts_its_siblings_complaint(demo_org: DemoOrg, august) -> None:
    data = recap.complaint_recap(
        _scope(demo_org, "camat.krw", "KRW"), period_parse("2026-08"), now=wib(10, 1)
    )
    assert _row(data.tables[0], "Jumlah") == [1, 0, 0, 1, 1, None, 0.0]  # H only
    cipondoh = recap.complaint_recap(_scope(demo_org, "camat.cpd", "CPD"), period_parse("2026-08"))
    desas = [x.label for x in cipondoh.tables[2].lines]
    assert "Bojong Jaya" not in desas


# -- the page, the PDF, the XLSX -----------------------------------------------------------------


def test_the_page_shows_the_figures_linked_to_their_cases(
    demo_org: DemoOrg, august, client: Client
) -> None:
    client.force_login(demo_org.user("camat.cpd"))
    response = client.get(f"{URL}?{AUGUST}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rekap Pengaduan" in page and "Agustus 2026" in page
    assert "laporan=rekap_pengaduan" in page and "angka=terlambat" in page
    assert ">4,5<" in page and ">60%<" in page
    assert "format=pdf" in page and "format=xlsx" in page


def test_the_xlsx_holds_the_same_figures_and_links(
    demo_org: DemoOrg, august, client: Client
) -> None:
    client.force_login(demo_org.user("camat.cpd"))
    response = client.get(f"{URL}?{AUGUST}&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Per saluran", "Per kategori", "Per desa-kelurahan"]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Rekap Pengaduan"
    assert sheet["A2"].value == "Kecamatan Cipondoh"
    assert sheet["A3"].value == "Agustus 2026"
    assert [c.value for c in sheet[5]][:8] == [
        "Saluran",
        "Diterima",
        "Dijawab tepat waktu",
        "Dijawab terlambat",
        "Belum dijawab",
        "Belum dijawab, lewat batas waktu",
        "Median hari kerja sampai dijawab",
        "% tepat waktu",
    ]
    rows = {r[0]: r[1:8] for r in sheet.iter_rows(min_row=6, values_only=True) if r[0]}
    assert rows["Formulir web"] == (2, 1, 1, 0, 0, 5.5, 50.0)
    assert rows["Jumlah"] == (5, 3, 1, 1, 1, 4.5, 60.0)
    web = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(r, 1).value == "Formulir web")
    link = sheet.cell(web, 3).hyperlink
    assert link is not None and "angka=tepat" in link.target and "saluran=web" in link.target
    desa = book.worksheets[2]
    rows = {r[0]: r[1:8] for r in desa.iter_rows(min_row=6, values_only=True) if r[0]}
    assert rows["Poris Plawad"] == (3, 2, 1, 0, 0, 5.0, 66.7)


def _pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "recap.pdf")
        path.write_bytes(content)
        out = subprocess.run(  # noqa: S603 — a fixed tool on a file we wrote
            [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
            capture_output=True,
            check=True,
            text=True,
        )
    return out.stdout


def test_the_pdf_prints_the_figures_for_the_camat_to_sign(
    demo_org: DemoOrg, august, client: Client
) -> None:
    client.force_login(demo_org.user("camat.cpd"))
    response = client.get(f"{URL}?{AUGUST}&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "REKAP PENGADUAN" in text.upper() and "Agustus 2026" in text
    assert "Rahmat Hidayat" in text  # the Camat signs
    total = next(line for line in text.splitlines() if re.match(r"\s*Jumlah\s+[0-9]", line))
    assert re.findall(r"[0-9][0-9,]*%?", total)[:7] == ["5", "3", "1", "1", "1", "4,5", "60%"]
    poris = next(line for line in text.splitlines() if "Poris Plawad" in line)
    assert re.findall(r"[0-9][0-9,]*%?", poris)[:7] == ["3", "2", "1", "0", "0", "5", "66,7%"]


# -- privacy and access ------------------------------------------------------------------------


def test_no_reporter_appears_on_the_page_the_pdf_the_xlsx_or_the_drill(
    demo_org: DemoOrg, august, client: Client
) -> None:
    # The Camat is an intake role: the complaint pages show them the reporter; the recap never.
    client.force_login(demo_org.user("camat.cpd"))
    assert REPORTER in client.get(f"/pengaduan/{august['A'].pk}/").content.decode()
    data = recap.complaint_recap(_scope(demo_org, "camat.cpd", "CPD"), period_parse("2026-08"))
    texts = [
        client.get(f"{URL}?{AUGUST}").content.decode(),
        _pdf_text(client.get(f"{URL}?{AUGUST}&format=pdf").content),
        client.get(data.total.figures[0].href).content.decode(),
    ]
    for xlsx in (
        client.get(f"{URL}?{AUGUST}&format=xlsx").content,
        client.get(data.total.figures[0].href + "&format=xlsx").content,
    ):
        book = load_workbook(io.BytesIO(xlsx))
        texts.append(
            " ".join(
                str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
            )
        )
    assert august["A"].case.number in texts[2]
    for text in texts:
        assert not [s for s in SECRETS if s in text]


def test_another_kecamatan_gets_a_404_and_a_bad_period_a_message(
    demo_org: DemoOrg, august, client: Client
) -> None:
    client.force_login(demo_org.user("kasi.krw"))
    assert client.get(f"{URL}?{AUGUST}").status_code == 404
    assert client.get(f"{URL}?{AUGUST}&format=pdf").status_code == 404
    assert client.get(f"{URL}?{AUGUST}&format=xlsx").status_code == 404
    drill = f"/laporan/rincian/?laporan=rekap_pengaduan&angka=diterima&{AUGUST}"
    assert client.get(drill).status_code == 404
    client.force_login(demo_org.user("camat.cpd"))
    for bad in ("2026-13", "2026-T3", "Agustus", "9999-01", "2026-08%00"):
        response = client.get(f"{URL}?unit=CPD&periode={bad}")
        assert response.status_code == 200, bad
        assert "Periode" in response.content.decode() or "periode" in response.content.decode()
        # A download never falls back to another month.
        assert client.get(f"{URL}?unit=CPD&periode={bad}&format=pdf").status_code == 404, bad
        assert client.get(f"{URL}?unit=CPD&periode={bad}&format=xlsx").status_code == 404, bad
    assert client.get(f"{URL}?unit=%00").status_code == 404
    assert client.get(f"{URL}?unit=NOPE").status_code == 404
    # An unknown child unit in a drill selects nothing; it is not an error.
    drill = f"/laporan/rincian/?laporan=rekap_pengaduan&angka=diterima&{AUGUST}&sub=KRW"
    assert client.get(drill).status_code == 200


def test_the_default_period_is_the_last_complete_month(
    demo_org: DemoOrg, august, client: Client
) -> None:
    from django.utils import timezone

    from trantib.reports.periods import period_last_complete

    client.force_login(demo_org.user("camat.cpd"))
    expected = period_last_complete("month", timezone.now().astimezone(WIB).date())
    page = client.get(URL).content.decode()
    assert expected.label in page


def test_the_page_reads_a_fixed_number_of_queries(
    demo_org: DemoOrg, august, client: Client, django_assert_max_num_queries
) -> None:
    """One query for the month's complaints whatever their number (9 today, with the session
    and the navigation)."""
    client.force_login(demo_org.user("sekda.tng"))
    client.get(f"{URL}?unit=PEMKOT-TNG&periode=2026-08")
    with django_assert_max_num_queries(12):
        assert client.get(f"{URL}?unit=PEMKOT-TNG&periode=2026-08").status_code == 200
