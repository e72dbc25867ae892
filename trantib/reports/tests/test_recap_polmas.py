"""The monthly Polmas recap against a programme whose right answer is known by construction.

November 2026 in Gorontalo (WITA): 6 = Friday, 7 = Saturday, 8 = Sunday, 30 = Monday.

Satbinmas Polres Gorontalo Kota (BINMAS, the demo's):

- banit1 in Limba U Dua: Pos Khidmat on Fridays (6th: held, 40 present, two issues — one
  filed as a complaint to Kecamatan Kerjo), Pos Sapta on Saturdays (7th: held, 12 present);
- banit2 in Biawao: Pos Satria every day (6th: held, 3 present, one issue; 7th: missed; 8th:
  not yet recorded).

A second Satbinmas under the same Polres (BINMAS2, made here): Pos Satria in Dembe Jaya on
the 6th (held, 20 present, one issue filed as a complaint), 7th (missed), 8th (not recorded),
then Pos Mantap from Monday the 30th (not recorded) — and on 1 December, which is not
November's. The Kapolres (a supervising position at POLRES-GTO, made here) sees both.
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
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from trantib.accounts.models import OrgUnit, Person, Position
from trantib.accounts.services import assignment_create
from trantib.community import services
from trantib.community.models import Activity, ActivityStatus, Pos
from trantib.complaints.models import Category
from trantib.conftest import DemoOrg
from trantib.demo import complaint_setup_load
from trantib.reports.figures import drill_cases
from trantib.reports.periods import period_parse
from trantib.reports.recaps import polmas as recap
from trantib.reports.scope import scope_for

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
URL = "/laporan/rekap/polmas/"
NOVEMBER = "periode=2026-11"
RESIDENTS = ("Yusuf Mooduto", "Mooduto", "Hasan Lamatenggo", "Lamatenggo", "55551212", "77773434")


def wita(day: int, hour: int = 6, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=WITA)


def _person(name: str, login: str = "") -> Person:
    user = get_user_model().objects.create_user(username=login) if login else None
    return Person.objects.create(full_name=name, kind="polri", user=user)


def _hold(activity: Activity, attendance: int, topics: list[str]) -> None:
    services.activity_record(
        activity=activity,
        actor=activity.officer,
        held_at=dt.datetime.combine(activity.day, activity.starts_at, tzinfo=WITA),
        held_place=activity.place,
        attendance=attendance,
        topics=topics,
        warnings_kept=True,
        now=dt.datetime.combine(activity.day, dt.time(20, 0), tzinfo=WITA),
    )


@pytest.fixture
def november(demo_org: DemoOrg) -> dict[str, object]:
    complaint_setup_load()
    pkl = Category.objects.get(code="pkl")  # Kecamatan Kerjo's; its desa route there
    binmas, polres = demo_org.unit("BINMAS"), demo_org.unit("POLRES-GTO")
    binmas2 = OrgUnit.objects.create(
        code="BINMAS2",
        name="Satbinmas Dua",
        kind="satbinmas",
        parent=polres,
        timezone="Asia/Makassar",
    )
    since = dt.date(2026, 1, 1)
    kasat2, banit3 = _person("Kasat Dua"), _person("Bripka Ahmad Dua")
    kapolres = _person("AKBP Kapolres Gorontalo", "kapolres.gto")
    for person, unit, code, supervises in (
        (kasat2, binmas2, "kasat_binmas", True),
        (banit3, binmas2, "banit", False),
        (kapolres, polres, "kapolres", True),
    ):
        position = Position.objects.create(
            unit=unit, code=code, name=code.title(), supervises=supervises
        )
        assignment_create(person=person, position=position, valid_from=since)
    kanit, banit1, banit2 = (
        demo_org.person("binpolmas.binmas"),
        demo_org.person("banit1.binmas"),
        demo_org.person("banit2.binmas"),
    )

    def rule(unit, actor, officer, desa, pos, days, at=None):
        return services.rule_save(
            unit=unit,
            actor=actor,
            officer=officer,
            desa=desa,
            pos=pos,
            days=days,
            starts_at=dt.time(8, 0),
            place=f"Pos {desa}",
            now=at or wita(1),
        )

    rule(binmas, kanit, banit1, "Limba U Dua", Pos.SAPTA, "5")
    rule(binmas, kanit, banit1, "Limba U Dua", Pos.KHIDMAT, "4")
    rule(binmas, kanit, banit2, "Biawao", Pos.SATRIA, "")
    satria2 = rule(binmas2, kasat2, banit3, "Dembe Jaya", Pos.SATRIA, "")
    for day in (6, 7, 8):
        services.activities_open(now=wita(day))
    found = {
        (a.unit.code, a.pos, a.day.day): a
        for a in Activity.objects.filter(unit__in=[binmas, binmas2]).select_related("unit")
    }
    assert len(found) == 8
    khidmat = found[("BINMAS", Pos.KHIDMAT, 6)]
    _hold(khidmat, 40, ["Bahaya narkoba", "Kamtibmas jelang Natal"])
    _hold(found[("BINMAS", Pos.SAPTA, 7)], 12, ["Ronda malam"])
    _hold(found[("BINMAS", Pos.SATRIA, 6)], 3, ["Ronda malam"])
    _hold(found[("BINMAS2", Pos.SATRIA, 6)], 20, ["Sosialisasi Perda"])
    services.issue_raise(
        activity=khidmat,
        actor=banit1,
        text="Balap liar di jalan desa setiap malam Minggu",
        resident_name="Yusuf Mooduto",
        resident_contact="0813-5555-1212",
        now=wita(6, 13),
    )
    services.issue_raise(
        activity=khidmat,
        actor=banit1,
        text="Lapak PKL menutup bahu jalan di Botok",
        desa="Botok",
        resident_name="Hasan Lamatenggo",
        resident_contact="0813-7777-3434",
        category=pkl,
        now=wita(6, 13),
    )
    services.issue_raise(
        activity=found[("BINMAS", Pos.SATRIA, 6)],
        actor=banit2,
        text="Lampu jalan di lorong mati",
        now=wita(6, 14),
    )
    services.issue_raise(
        activity=found[("BINMAS2", Pos.SATRIA, 6)],
        actor=banit3,
        text="Pedagang di trotoar pasar Kuto",
        desa="Kuto",
        category=pkl,
        now=wita(6, 14),
    )
    # The 7th is missed once the 12-hour grace after it has passed; the 8th is still open.
    services.activities_mark_missed(now=wita(9, 6))
    # BINMAS2 changes its programme: Pos Mantap every day from Monday the 30th.
    services.rule_save(
        unit=binmas2,
        actor=kasat2,
        officer=banit3,
        desa="Dembe Jaya",
        pos=Pos.SATRIA,
        days="",
        starts_at=dt.time(8, 0),
        place="Pos Dembe Jaya",
        active=False,
        rule=satria2,
        now=wita(29),
    )
    rule(binmas2, kasat2, banit3, "Dembe Jaya", Pos.MANTAP, "", at=wita(30, 5))
    services.activities_open(now=wita(30), unit=binmas2)
    services.activities_open(now=wita(1, month=12), unit=binmas2)
    assert Activity.objects.filter(unit=binmas2, day=dt.date(2026, 12, 1)).exists()
    statuses = {(a.unit.code, a.pos, a.day): a.status for a in Activity.objects.all()}
    assert statuses[("BINMAS", Pos.SATRIA, dt.date(2026, 11, 7))] == ActivityStatus.MISSED
    assert statuses[("BINMAS", Pos.SATRIA, dt.date(2026, 11, 8))] == ActivityStatus.PLANNED
    return {"binmas2": binmas2, "banit1": banit1, "banit2": banit2, "banit3": banit3}


def _values(line: recap.Line) -> list[object]:
    return [f.value for f in line.figures]


def _line(table: recap.Table, label: str, desa: str = "") -> recap.Line:
    return next(x for x in (*table.lines, table.total) if x.label == label and x.desa == desa)


# -- the figures -------------------------------------------------------------------------------


def test_each_figure_of_a_satbinmas_is_the_count_known_by_construction(
    demo_org: DemoOrg, november
) -> None:
    scope = scope_for(demo_org.user("kasat.binmas"), "BINMAS")
    data = recap.polmas_recap(scope, period_parse("2026-11"))
    officers, poses = data.tables[0], data.tables[1]
    assert [t.key for t in data.tables] == ["petugas", "pos"]  # no child unit
    # planned, held, not held, not recorded, attendance, issues, complaints
    banit1 = _line(officers, "Rahmat Hulopi", "Limba U Dua")
    assert _values(banit1) == [2, 2, 0, 0, 52, 2, 1]
    assert banit1.counts.topics == ["Bahaya narkoba", "Kamtibmas jelang Natal", "Ronda malam"]
    assert _values(_line(officers, "Fadli Tangahu", "Biawao")) == [3, 1, 1, 1, 3, 1, 0]
    assert _values(officers.total) == [5, 3, 1, 1, 55, 3, 1]
    assert len(officers.lines) == 2
    assert _values(_line(poses, "Pos Sapta")) == [1, 1, 0, 0]
    assert _values(_line(poses, "Pos Mantap")) == [0, 0, 0, 0]
    assert _values(_line(poses, "Pos Satria")) == [3, 1, 1, 1]
    assert _values(_line(poses, "Pos Khidmat")) == [1, 1, 0, 0]
    assert _values(poses.total) == [5, 3, 1, 1]
    assert len(data.issues) == 3


def test_a_parent_sums_its_children_and_shows_each(demo_org: DemoOrg, november) -> None:
    scope = scope_for(demo_org.user("kapolres.gto"), "POLRES-GTO")
    data = recap.polmas_recap(scope, period_parse("2026-11"))
    officers, poses, units = data.tables
    assert units.key == "unit"
    assert _values(_line(units, "Satbinmas Polres Gorontalo Kota")) == [5, 3, 1, 1, 55, 3, 1]
    # The 1 December Pos Mantap is December's.
    assert _values(_line(units, "Satbinmas Dua")) == [4, 1, 1, 2, 20, 1, 1]
    assert _values(units.total) == [9, 4, 2, 3, 75, 4, 2]
    assert _values(officers.total) == [9, 4, 2, 3, 75, 4, 2]
    assert _values(_line(officers, "Bripka Ahmad Dua", "Dembe Jaya")) == [4, 1, 1, 2, 20, 1, 1]
    assert _values(_line(poses, "Pos Mantap")) == [1, 0, 0, 1]
    assert _values(_line(poses, "Pos Satria")) == [6, 2, 2, 2]
    assert _values(poses.total) == [9, 4, 2, 3]


def test_the_satbinmas_recap_never_counts_the_other_satbinmas(demo_org: DemoOrg, november):
    scope = scope_for(demo_org.user("kapolres.gto"), "BINMAS")
    data = recap.polmas_recap(scope, period_parse("2026-11"))
    assert _values(data.total) == [5, 3, 1, 1, 55, 3, 1]
    assert "Dembe Jaya" not in [x.desa for x in data.tables[0].lines]


# -- every number leads to its rows ---------------------------------------------------------------

ACTIVITY = re.compile(r'href="/polmas/kegiatan/([0-9]+)/"')


def _rows_behind(client: Client, user, scope, period, figure) -> tuple[int, int | None]:
    """How many rows the figure's link lists (and, for a list of activities, their attendance)."""
    parts = urlsplit(figure.href)
    params = dict(parse_qsl(parts.query))
    if parts.path == "/laporan/rincian/":
        report, name = params.pop("laporan"), params.pop("angka")
        params.pop("unit"), params.pop("periode")
        found = drill_cases(user, report, name, scope, period, params)
        page = client.get(figure.href)
        assert page.status_code == 200
        return found.count(), None
    page = client.get(figure.href)
    assert page.status_code == 200, figure.href
    body = page.content.decode()
    if parts.path == "/polmas/kegiatan/":
        hadir = sum(int(n) for n in re.findall(r"([0-9]+) hadir", body))
        return len(set(ACTIVITY.findall(body))), hadir
    assert parts.path == "/laporan/rekap/polmas/permasalahan/", figure.href
    return len(ACTIVITY.findall(body.split('id="results"')[1])), None


@pytest.mark.parametrize(
    ("login", "code"), [("kasat.binmas", "BINMAS"), ("kapolres.gto", "POLRES-GTO")]
)
def test_every_figure_opens_exactly_its_rows(
    demo_org: DemoOrg, november, login: str, code: str
) -> None:
    user = demo_org.user(login)
    client = Client()
    client.force_login(user)
    scope, period = scope_for(user, code), period_parse("2026-11")
    checked = 0
    kinds = set()
    for table in recap.polmas_recap(scope, period).tables:
        for line in (*table.lines, table.total):
            for figure in line.figures:
                rows, hadir = _rows_behind(client, user, scope, period, figure)
                kinds.add(urlsplit(figure.href).path)
                checked += 1
                if figure.label == "Jumlah hadir":
                    assert hadir is None or hadir == figure.value, (table.key, line.label)
                    assert rows == line.counts.held, (table.key, line.label)
                else:
                    assert rows == figure.value, (table.key, line.label, figure.label)
    assert checked >= 30
    expected = {"/polmas/kegiatan/", "/laporan/rekap/polmas/permasalahan/"}
    if code == "POLRES-GTO":
        expected.add("/laporan/rincian/")  # a figure over two units: the cases of its activities
    assert kinds == expected


def test_the_issue_list_holds_the_issues_of_a_row(demo_org: DemoOrg, november, client: Client):
    client.force_login(demo_org.user("kasat.binmas"))
    banit1 = november["banit1"]
    base = f"/laporan/rekap/polmas/permasalahan/?unit=BINMAS&{NOVEMBER}&satuan=BINMAS"
    page = client.get(f"{base}&petugas={banit1.pk}&desa=Limba+U+Dua").content.decode()
    assert "Balap liar" in page and "Lapak PKL" in page and "Lampu jalan" not in page
    only = client.get(f"{base}&petugas={banit1.pk}&desa=Limba+U+Dua&pengaduan=1").content.decode()
    assert "Lapak PKL" in only and "Balap liar" not in only
    assert "(KRJ)" in only  # the complaint's case number and the unit that handles it
    for bad in ("petugas=abc", "petugas=99999999999999999999", "satuan=%00", "sub=NOPE"):
        response = client.get(f"{base}&{bad}")
        assert response.status_code == 200, bad


# -- the page, the PDF, the XLSX -----------------------------------------------------------------


def test_the_page_pdf_and_xlsx_hold_the_figures(demo_org: DemoOrg, november, client: Client):
    client.force_login(demo_org.user("kapolres.gto"))
    response = client.get(f"{URL}?unit=POLRES-GTO&{NOVEMBER}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rekap Kegiatan Polmas" in page and "November 2026" in page
    assert "/polmas/kegiatan/?unit=BINMAS&amp;bulan=2026-11" in page
    assert "laporan=rekap_polmas" in page
    pdf = client.get(f"{URL}?unit=POLRES-GTO&{NOVEMBER}&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "REKAP KEGIATAN POLMAS" in text.upper() and "November 2026" in text
    assert "AKBP Kapolres Gorontalo" in text  # the Polres head signs
    lines = [line for line in text.splitlines() if re.match(r"\s*Jumlah\s+[0-9]", line)]
    assert re.findall(r"[0-9]+", lines[0])[:7] == ["9", "4", "2", "3", "75", "4", "2"]
    book = load_workbook(
        io.BytesIO(client.get(f"{URL}?unit=POLRES-GTO&{NOVEMBER}&format=xlsx").content)
    )
    assert book.sheetnames == [
        "Per Bhabinkamtibmas dan desa-ke",
        "Per kegiatan",
        "Per unit",
        "Permasalahan warga",
    ]
    sheet = book["Per unit"]
    assert sheet["A1"].value == "Rekap Kegiatan Polmas" and sheet["A3"].value == "November 2026"
    rows = {r[0]: r[1:8] for r in sheet.iter_rows(min_row=6, values_only=True) if r[0]}
    assert rows["Satbinmas Dua"] == (4, 1, 1, 2, 20, 1, 1)
    assert rows["Jumlah"] == (9, 4, 2, 3, 75, 4, 2)
    link = sheet.cell(6, 3).hyperlink
    assert link is not None and "/polmas/kegiatan/?unit=" in link.target
    assert "status=held" in link.target
    issues = list(book["Permasalahan warga"].iter_rows(min_row=6, values_only=True))
    assert len([r for r in issues if r[0]]) == 4
    assert isinstance(issues[0][0], dt.datetime | dt.date)


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


# -- privacy and access ------------------------------------------------------------------------


def test_no_residents_name_or_contact_appears_anywhere(demo_org: DemoOrg, november, client):
    client.force_login(demo_org.user("kapolres.gto"))
    query = f"unit=POLRES-GTO&{NOVEMBER}"
    texts = [
        client.get(f"{URL}?{query}").content.decode(),
        client.get(f"/laporan/rekap/polmas/permasalahan/?{query}").content.decode(),
        _pdf_text(client.get(f"{URL}?{query}&format=pdf").content),
    ]
    for xlsx in (
        client.get(f"{URL}?{query}&format=xlsx").content,
        client.get(f"/laporan/rekap/polmas/permasalahan/?{query}&format=xlsx").content,
    ):
        book = load_workbook(io.BytesIO(xlsx))
        texts.append(
            " ".join(
                str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
            )
        )
    assert "Balap liar" in texts[0] and "Balap liar" in texts[1] and "Balap liar" in texts[3]
    for text in texts:
        assert not [s for s in RESIDENTS if s in text]


def test_another_unit_gets_a_404_and_a_bad_period_a_message(demo_org: DemoOrg, november, client):
    client.force_login(demo_org.user("camat.cpd"))
    for path in (URL, "/laporan/rekap/polmas/permasalahan/"):
        assert client.get(f"{path}?unit=BINMAS&{NOVEMBER}").status_code == 404
        assert client.get(f"{path}?unit=POLRES-GTO&{NOVEMBER}").status_code == 404
    assert client.get(f"{URL}?unit=BINMAS&{NOVEMBER}&format=xlsx").status_code == 404
    # A kecamatan keeps no Polmas programme: the recap says so, with zeros.
    page = client.get(f"{URL}?unit=CPD&{NOVEMBER}")
    assert page.status_code == 200 and "tidak mempunyai program Polmas" in page.content.decode()
    client.force_login(demo_org.user("kasat.binmas"))
    for bad in ("2026-13", "2026-S1", "11-2026", "2026-11%00"):
        response = client.get(f"{URL}?unit=BINMAS&periode={bad}")
        assert response.status_code == 200, bad
        assert "eriode" in response.content.decode()
        assert client.get(f"{URL}?unit=BINMAS&periode={bad}&format=pdf").status_code == 404
    assert client.get(f"{URL}?unit=BINMAS2").status_code == 404  # not the Kasat's


def test_the_page_reads_a_few_queries_per_polmas_unit(
    demo_org: DemoOrg, november, client: Client, django_assert_max_num_queries
) -> None:
    """The community app's recap per Polmas unit (its activities and issues), never a query
    per activity or issue (13 today for two units, with the session and the navigation)."""
    client.force_login(demo_org.user("kapolres.gto"))
    url = f"{URL}?unit=POLRES-GTO&{NOVEMBER}"
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
