"""The monitoring pages: the pre-filled PPW semester form with a link behind every figure, its
PDF (pdftotext) and XLSX (openpyxl) holding every procedure row, its assessment and figures;
saving and finalising through the page (only the assessor: 403 with the message otherwise); a
final form printed as finalised; unit scoping (another kecamatan: 404, a parent reads); bad
input answered with a message or a 404, never a 500; a bounded number of queries."""

from __future__ import annotations

import io
import re
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from trantib.core.xlsx import HEADER_ROW
from trantib.reports.models_monitoring import FormStatus, MonitoringForm
from trantib.reports.monitoring import services
from trantib.reports.monitoring.prefill import BAIK

from . import monitoring_support as support

pytestmark = pytest.mark.django_db
NEW = "/laporan/monitoring/baru/"
PPW = {"sop": "PPW", "periode": "2026-S1", "unit": "PPTNG"}
PGD = {"sop": "PGD", "periode": "2026-S1", "unit": "KRJ"}
PPW_ROWS = [str(n) for n in range(1, 13)]


def client_for(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def pdf_text(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607 — poppler-utils, a test tool
        input=content,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_prefilled_ppw_form_links_every_figure_to_its_cases(demo_org):
    built = support.build(demo_org)
    client = client_for(demo_org, "kasat.pptng")
    response = client.get(NEW, PPW)
    assert response.status_code == 200
    html = response.content.decode()
    for no in PPW_ROWS:
        assert f'id="baris-{no}"' in html
    assert "Dijalankan 3 kali; 1 dari 2 (50%) dalam Mutu Baku 15 menit; median 20 menit" in html
    links = re.findall(r'href="(/laporan/rincian/\?[^"]+)"', html)
    assert links
    for link in links:
        query = {k: v[0] for k, v in parse_qs(urlparse(link.replace("&amp;", "&")).query).items()}
        assert query["laporan"] == "monitoring" and query["sop"] == "PPW"
    # "Terlambat: 1 kasus" of row 7 opens P2 only.
    late = next(
        link.replace("&amp;", "&")
        for link in links
        if "angka=overdue" in link and "baris=7" in link
    )
    listing = client.get(late).content.decode()
    assert built.p2.number in listing and built.p1.number not in listing


def test_the_ppw_semester_pdf_lists_every_procedure_row_with_its_prefilled_assessment(demo_org):
    support.build_ppw(demo_org)
    client = client_for(demo_org, "kasat.pptng")
    response = client.get(reverse("reports:monitoring_new_pdf"), PPW)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    for header in ("Nama SOP", "Nomor SOP", "Unit", "Periode", "Penilai", "Tanggal"):
        assert header in text
    assert "Patroli Pengawasan Wilayah" in text and "Semester I 2026" in text
    assert "Catatan hasil penilaian" in text and "Tindakan yang harus diambil" in text
    assert "Paraf penilai" in text
    for first_words in (
        "Merumuskan program Operasional Patroli",
        "Menyusun rencana Operasional Patroli",
        "Menyusun jadwal Operasional Patroli",
        "Melakukan deteksi dini",
        "Menerima Laporan Pelaksanaan Tugas",
        "Mengevaluasi Laporan Operasional Patroli",
        "Bila ada temuan pelanggaran Perda",
        "Bila tidak mentaati Surat Teguran",
        "Bila tidak mentaati Surat Peringatan",
        "Menyusun rencana Operasional Penertiban",
        "Menyiapkan Petugas Operasional",
        "Melakukan Tugas Penertiban non Yustitia",
    ):
        assert first_words in text, first_words
    # Rows 7 and 8 carry the pre-filled judgement and the figures; ten rows did not run.
    assert text.count("Tidak berjalan dengan baik") >= 2
    assert "Dijalankan 3 kali; 1 dari 2 (50%) dalam Mutu Baku 15 menit; median 20 menit;" in text
    assert "1 dikoreksi; 1 dibatalkan; 1 terlambat." in text
    assert "Dijalankan 1 kali; 0 dari 1 (0%) dalam Mutu Baku 15 menit; median 40 menit;" in text
    assert text.count("Tidak dijalankan dalam periode ini.") == 10
    assert "ISIAN AWAL DARI DATA KASUS" in text


def test_the_xlsx_holds_the_same_rows_assessments_and_figures(demo_org):
    support.build_ppw(demo_org)
    client = client_for(demo_org, "kasat.pptng")
    response = client.get(reverse("reports:monitoring_new_xlsx"), PPW)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    form, figures = book.worksheets
    assert [c.value for c in form[HEADER_ROW]] == [
        "No",
        "Prosedur",
        "Penilaian terhadap penerapan (Berjalan dengan baik / Tidak berjalan dengan baik)",
        "Catatan hasil penilaian",
        "Tindakan yang harus diambil",
        "Paraf penilai",
    ]
    rows = {
        r[0]: r
        for r in form.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
        if r[0] in PPW_ROWS
    }
    assert list(rows) == PPW_ROWS
    assert rows["7"][2] == "Tidak berjalan dengan baik"
    assert rows["7"][3].startswith("Dijalankan 3 kali; 1 dari 2 (50%) dalam Mutu Baku 15 menit")
    assert rows["1"][2] is None and rows["1"][3].startswith("Tidak dijalankan dalam periode ini.")
    assert form.cell(row=1, column=1).value.startswith("Formulir Monitoring Pelaksanaan SOP PPW")
    numbers = {r[0]: r for r in figures.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[0]}
    # No, Prosedur, Mutu Baku, ran, ran cases, within, timed, %, median min, corrected,
    # returned, cancelled, overdue, live, judgement.
    assert numbers["7"][2:14] == ("15 menit", 3, 2, 1, 2, 50, 20, 1, 0, 1, 1, 0)
    assert numbers["8"][3:14] == (1, 1, 0, 1, 0, 40, 0, 0, 0, 2, 1)
    ran_link = figures.cell(row=HEADER_ROW + 7, column=4).hyperlink.target
    assert "angka=ran" in ran_link and "baris=7" in ran_link


def _post_rows(count: int, **extra: str) -> dict[str, str]:
    data = {f"r{n}-present": "1" for n in range(1, count + 1)}
    data |= {f"r{n}-keep": "1" for n in range(1, count + 1)}
    data.update(extra)
    return data


def test_a_non_assessor_sees_the_form_but_saving_is_refused_with_the_message(demo_org):
    support.build_pgd(demo_org)
    client = client_for(demo_org, "kasi.krj")
    page = client.get(NEW, PGD)
    assert page.status_code == 200
    assert "Hanya penilai Kecamatan Kerjo (Camat Kerjo)" in page.content.decode()
    assert 'name="r1-assessment"' not in page.content.decode()
    refused = client.post(f"{NEW}?{_query(PGD)}", _post_rows(7, **{"r1-assessment": BAIK}))
    assert refused.status_code == 403
    assert "Hanya penilai Kecamatan Kerjo" in refused.content.decode()
    assert not MonitoringForm.objects.exists()


def _query(params: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items())


def test_the_assessor_saves_initials_finalises_and_the_final_form_prints_as_finalised(demo_org):
    support.build_pgd(demo_org)
    client = client_for(demo_org, "camat.krj")
    saved = client.post(
        f"{NEW}?{_query(PGD)}",
        _post_rows(
            7,
            **{
                "r1-assessment": BAIK,
                "r2-assessment": BAIK,  # the assessor disagrees with the pre-fill
                "r2-keep": "",  # and drops Trantib's note from the printed form
                "r2-note": "Keterlambatan karena staf cuti; sudah diganti",
                "r2-action": "Jadwal piket staf pelayanan",
                "r3-assessment": "tidak_baik",
                "r4-assessment": BAIK,
                "paraf_all": "1",
            },
        ),
    )
    form = MonitoringForm.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/laporan/monitoring/{form.pk}/"
    page = client.get(saved["Location"]).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page).group(1)
    finalised = client.post(
        saved["Location"],
        _post_rows(
            7,
            **{
                "r1-assessment": BAIK,
                "r2-assessment": BAIK,
                "r2-keep": "",
                "r2-note": "Keterlambatan karena staf cuti; sudah diganti",
                "r2-action": "Jadwal piket staf pelayanan",
                "r3-assessment": "tidak_baik",
                "r4-assessment": BAIK,
                "r1-paraf": "1",
                "r2-paraf": "1",
                "r3-paraf": "1",
                "r4-paraf": "1",
                "r5-paraf": "1",
                "r6-paraf": "1",
                "r7-paraf": "1",
                "digest": digest,
                "action": "finalise",
            },
        ),
    )
    assert finalised.status_code == 302
    form.refresh_from_db()
    assert form.status == FormStatus.FINAL
    final_page = client.get(finalised["Location"]).content.decode()
    assert 'name="r1-assessment"' not in final_page and "Formulir ini final" in final_page
    text = flat(
        pdf_text(client.get(reverse("reports:monitoring_form_pdf", args=[form.pk])).content)
    )
    assert "ISIAN AWAL" not in text and "DRAF" not in text
    assert "Sri Wahyuningsih, S.Sos., M.M., Camat Kerjo" in text
    # Row 2 prints the assessor's judgement and words, not Trantib's dropped note...
    assert "Keterlambatan karena staf cuti; sudah diganti" in text
    assert "Jadwal piket staf pelayanan" in text
    assert "Dijalankan 3 kali; 1 dari 2 (50%)" not in text
    # ...row 3 the kept note, marked as Trantib's, and every row the paraf.
    assert "Dijalankan 1 kali; 0 dari 1 (0%) dalam Mutu Baku 10 menit; median 2 jam;" in text
    assert "* Catatan disusun Trantib dari data kasus dan dipertahankan oleh penilai." in text
    assert text.count("SW ") >= 7
    # Saving a final form through the page: refused, nothing changes.
    again = client.post(finalised["Location"], _post_rows(7, **{"r1-assessment": "tidak_baik"}))
    assert again.status_code == 409 and "sudah final" in again.content.decode()
    assert form.rows.get(no="1").assessment == BAIK
    # And a second form for the same period cannot be saved from the pre-filled page.
    second = client.post(f"{NEW}?{_query(PGD)}", _post_rows(7))
    assert second.status_code == 409 and MonitoringForm.objects.count() == 1


def test_another_kecamatan_gets_404_and_a_parent_unit_reads_but_does_not_write(demo_org):
    support.build_ppw(demo_org)
    kasat = demo_org.person("kasat.pptng")
    form = services.monitoring_form_create(
        unit=demo_org.unit("PPTNG"),
        code="PPW",
        period=support_period(),
        actor=kasat,
    )
    outsider = client_for(demo_org, "kasi.krw")
    assert outsider.get(NEW, PPW).status_code == 404
    for name in (
        "reports:monitoring_form",
        "reports:monitoring_form_pdf",
        "reports:monitoring_form_xlsx",
    ):
        assert outsider.get(reverse(name, args=[form.pk])).status_code == 404
    assert outsider.post(reverse("reports:monitoring_form", args=[form.pk]), {}).status_code == 404
    sekda = client_for(demo_org, "sekda.tng")  # Pemerintah Kota Tangerang, above the Satpol PP
    assert sekda.get(reverse("reports:monitoring_form", args=[form.pk])).status_code == 200
    refused = sekda.post(
        reverse("reports:monitoring_form", args=[form.pk]),
        {"r1-present": "1", "r1-assessment": "tidak_baik"},
    )
    assert refused.status_code == 403
    listed = sekda.get("/laporan/monitoring/", {"unit": "PPTNG", "periode": "2026-S1"})
    assert reverse("reports:monitoring_form", args=[form.pk]) in listed.content.decode()


def support_period():
    from trantib.reports.periods import period_parse

    return period_parse("2026-S1")


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"sop": "NOPE", "periode": "2026-S1", "unit": "KRJ"}, 404),
        ({"sop": "<script>", "periode": "2026-S1", "unit": "KRJ"}, 404),
        ({"periode": "2026-S1", "unit": "KRJ"}, 404),
        ({"sop": "PGD", "periode": "2026-S1", "unit": "NOPE"}, 404),
        ({"sop": "PGD", "periode": "2026-S1", "unit": "KRW"}, 404),
        ({"sop": "PGD", "periode": "2026-S9", "unit": "KRJ"}, 200),
        ({"sop": "PGD", "periode": "2026-10", "unit": "KRJ"}, 200),
        ({"sop": "PGD", "periode": "x" * 500, "unit": "KRJ"}, 200),
    ],
)
def test_bad_input_gets_a_message_or_a_404_never_a_500(demo_org, params, status):
    client = client_for(demo_org, "camat.krj")
    response = client.get(NEW, params)
    assert response.status_code == status
    if status == 200:  # the default semester, with the message above it
        assert "tidak dapat dibaca" in response.content.decode() or "per semester" in (
            response.content.decode()
        )
    for name in ("reports:monitoring_new_pdf", "reports:monitoring_new_xlsx"):
        assert client.get(reverse(name), params).status_code == status


def test_saving_needs_the_period_it_names_and_a_missing_form_is_404(demo_org):
    client = client_for(demo_org, "camat.krj")
    bad = client.post(f"{NEW}?sop=PGD&periode=2026-S9&unit=KRJ", _post_rows(7))
    assert bad.status_code == 404 and not MonitoringForm.objects.exists()
    assert client.get("/laporan/monitoring/999999/").status_code == 404
    assert client.get("/laporan/monitoring/999999.pdf").status_code == 404


def test_the_settings_page_lets_the_head_choose_assessors_and_refuses_bad_input(demo_org):
    url = reverse("reports:monitoring_settings") + "?unit=KRJ"
    head = client_for(demo_org, "camat.krj")
    bad = head.post(url, {"roles": ["kasi_trantib"], "threshold": "abc"})
    assert bad.status_code == 400 and "Ambang harus angka" in bad.content.decode()
    done = head.post(url, {"roles": ["kasi_trantib"], "threshold": "75"})
    assert done.status_code == 302
    assert services.monitoring_settings(demo_org.unit("KRJ")).assessor_roles == ["kasi_trantib"]
    kasi = client_for(demo_org, "kasi.krj")
    assert kasi.post(url, {"roles": [], "threshold": "80"}).status_code == 403
    assert client_for(demo_org, "kasi.krw").get(url).status_code == 404


def test_the_prefilled_page_answers_in_a_bounded_number_of_queries(
    demo_org, django_assert_max_num_queries
):
    support.build_ppw(demo_org)
    client = client_for(demo_org, "kasat.pptng")
    client.get(NEW, PPW)  # warm the library and the session
    with django_assert_max_num_queries(20):
        assert client.get(NEW, PPW).status_code == 200
