"""The SOP lifecycle on the web (issue 14, item 5; decision 0016), through the pages as the
unit's SOP administrator uses them: upload → the problems at their lines → fix → preview →
publish → a case → a new version, while the running case stays on its version; a synced draft
edited on the web runs as edited; an edited published web file stops ``sop sync`` in one line;
bad input is refused beside its field, never a 500; others get 403 or 404."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from trantib.cases import services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.core.audit import audit_events
from trantib.sops import registry
from trantib.sops.models import SopVersion

pytestmark = pytest.mark.django_db

LIBRARY = Path(__file__).resolve().parents[1] / "library"
WIB = dt.timezone(dt.timedelta(hours=7))
MONDAY = dt.datetime(2026, 11, 30, 8, 30, tzinfo=WIB)
REPORT = {"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"}
TITLE = "title: Meneruskan berkas pengaduan kepada Camat"


@pytest.fixture
def uploads(tmp_path, settings):
    folder = tmp_path / "sop"
    settings.TRANTIB_SOP_UPLOADS = folder
    registry.reload()
    yield folder
    registry.library.cache_clear()


def pgdw(version: int = 1, *, status: str = "draft") -> str:
    """PGD v2 under a code of its own (PGDW), as a unit's draft."""
    text = (LIBRARY / "pengaduan" / "PGD.v2.yaml").read_text(encoding="utf-8")
    head = "code: PGD\nversion: 2\nsupersedes: 1\nstatus: published"
    assert head in text
    return text.replace(head, f"code: PGDW\nversion: {version}\nstatus: {status}")


def line_of(text: str, needle: str) -> int:
    return next(n for n, t in enumerate(text.splitlines(), 1) if needle in t)


def client_of(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def upload(client: Client, name: str, data: bytes, unit: str = "KRJ"):
    return client.post(
        reverse("sops:upload"), {"unit": unit, "file": SimpleUploadedFile(name, data)}
    )


def file_url(name: str, unit: str = "KRJ", page: str = "file") -> str:
    return reverse(f"sops:{page}", args=[unit, name])


def base_of(html: str) -> str:
    found = re.search(r'name="base" value="([0-9a-f]{64})"', html)
    assert found, "no edit form"
    return found[1]


def start(demo_org, code: str = "PGDW") -> Case:
    return services.case_start(
        sop_code=code,
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Warung buka melewati jam malam",
        data=REPORT,
        now=MONDAY,
    )


def live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])


def sync() -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command("sop", "sync", stdout=io.StringIO(), stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, err.getvalue()


def test_the_lifecycle_from_upload_to_a_new_version_keeps_the_running_case_on_v1(demo_org, uploads):
    camat = client_of(demo_org, "camat.krj")
    broken = pgdw().replace("    role: camat\n", "    role: bupati\n", 1)
    bad_line = line_of(broken, "role: bupati")

    response = upload(camat, "pgdw.yaml", broken.encode())

    assert response.status_code == 302 and response["Location"] == file_url("PGDW.v1")
    assert (uploads / "KRJ" / "PGDW.v1.yaml").read_text(encoding="utf-8") == broken
    page = camat.get(file_url("PGDW.v1")).content.decode()
    # The problem is listed, linking to its line, and shown at that line of the text.
    assert f'<a href="#L{bad_line}">baris {bad_line}</a>' in page
    at_line = re.search(rf'<li id="L{bad_line}" class="has-problem">(.*?)</li>', page, re.S)
    assert at_line and "bupati" in at_line[1]
    # A draft with errors is no library error: sync and check go on without it.
    assert not registry.fresh().errors and sync()[0] == 0
    refused = camat.post(file_url("PGDW.v1", page="publish"))
    assert refused.status_code == 302
    assert "kesalahan" in camat.get(refused["Location"]).content.decode()
    assert not SopVersion.objects.filter(code="PGDW").exists()

    fixed = camat.post(file_url("PGDW.v1"), {"text": pgdw(), "base": base_of(page)})
    assert fixed.status_code == 302
    page = camat.get(file_url("PGDW.v1")).content.decode()
    assert "Tidak ada kesalahan" in page or "0 kesalahan" in page
    preview = camat.get(file_url("PGDW.v1", page="file_preview"))
    assert preview.status_code == 200 and "Dokumen resmi" in preview.content.decode()
    assert "bukan untuk ditandatangani" in preview.content.decode()
    pdf = camat.get(file_url("PGDW.v1", page="file_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    confirm = camat.get(file_url("PGDW.v1", page="publish")).content.decode()
    assert "Ya, terbitkan" in confirm

    assert camat.post(file_url("PGDW.v1", page="publish")).status_code == 302

    text = (uploads / "KRJ" / "PGDW.v1.yaml").read_text(encoding="utf-8")
    assert text == pgdw(status="published")  # only the status line moved, comments kept
    row = SopVersion.objects.get(code="PGDW", version=1)
    assert row.status == SopVersion.Status.PUBLISHED and row.content == text
    events = audit_events(row)
    assert [e.type for e in events] == ["sop_version_recorded", "sop_version_published"]
    assert events[1].actor_id == demo_org.person("camat.krj").pk
    page = camat.get(file_url("PGDW.v1")).content.decode()
    assert 'name="text"' not in page  # read-only now
    assert reverse("sops:detail", args=["PGDW"]) + "?versi=1#pelaksana" in page
    # Saving over a published file is refused and changes nothing.
    again = camat.post(file_url("PGDW.v1"), {"text": pgdw(), "base": "x"})
    assert again.status_code == 200 and "sudah diterbitkan" in again.content.decode()
    assert (uploads / "KRJ" / "PGDW.v1.yaml").read_text(encoding="utf-8") == text

    case = start(demo_org)
    assert case.sop_version_id == row.pk

    opened = camat.post(reverse("sops:new_version"), {"unit": "KRJ", "code": "PGDW", "versi": "1"})
    assert opened.status_code == 302 and opened["Location"] == file_url("PGDW.v2")
    v2 = (uploads / "KRJ" / "PGDW.v2.yaml").read_text(encoding="utf-8")
    assert "version: 2\nsupersedes: 1" in v2 and "status: draft" in v2
    page = camat.get(file_url("PGDW.v2")).content.decode()
    edited = v2.replace(TITLE, "title: Memeriksa dan meneruskan berkas kepada Camat")
    assert camat.post(file_url("PGDW.v2"), {"text": edited, "base": base_of(page)}).status_code
    assert camat.post(file_url("PGDW.v2", page="publish")).status_code == 302
    assert registry.fresh().get("PGDW").version == 2

    newer = start(demo_org)
    assert newer.sop_version.version == 2
    case.refresh_from_db()
    assert case.sop_version.version == 1  # the running case stays pinned
    assert services.case_spec(case).version == 1
    services.task_complete(
        task=live(case), actor=demo_org.person("staf.krj"), data={}, requirements=[], now=MONDAY
    )
    assert live(case).title == "Meneruskan berkas pengaduan kepada Camat"
    services.task_complete(
        task=live(newer), actor=demo_org.person("staf.krj"), data={}, requirements=[], now=MONDAY
    )
    assert live(newer).title == "Memeriksa dan meneruskan berkas kepada Camat"


def test_a_synced_draft_edited_on_the_web_and_published_runs_the_content_as_edited(
    demo_org, uploads
):
    camat = client_of(demo_org, "camat.krj")
    assert upload(camat, "PGDW.v1.yaml", pgdw().encode()).status_code == 302
    assert sync() == (0, "")
    assert SopVersion.objects.get(code="PGDW", version=1).status == SopVersion.Status.DRAFT
    page = camat.get(file_url("PGDW.v1")).content.decode()
    edited = pgdw().replace(TITLE, "title: Memeriksa berkas dan meneruskannya kepada Camat")
    assert camat.post(file_url("PGDW.v1"), {"text": edited, "base": base_of(page)}).status_code
    assert camat.post(file_url("PGDW.v1", page="publish")).status_code == 302

    case = start(demo_org)

    text = (uploads / "KRJ" / "PGDW.v1.yaml").read_text(encoding="utf-8")
    row = SopVersion.objects.get(pk=case.sop_version_id)
    assert row.content == text and row.sha256 == hashlib.sha256(text.encode()).hexdigest()
    services.task_complete(
        task=live(case), actor=demo_org.person("staf.krj"), data={}, requirements=[], now=MONDAY
    )
    assert live(case).title == "Memeriksa berkas dan meneruskannya kepada Camat"
    assert sync() == (0, "")


def test_an_edited_published_web_file_stops_sop_sync_in_one_line(demo_org, uploads):
    camat = client_of(demo_org, "camat.krj")
    upload(camat, "PGDW.v1.yaml", pgdw().encode())
    camat.post(file_url("PGDW.v1", page="publish"))
    path = uploads / "KRJ" / "PGDW.v1.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(TITLE, "title: Diubah di tempat"), encoding="utf-8")

    code, err = sync()

    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == (
        f"{path}:{line_of(text, 'status:')}: PGDW v1 is published and was edited; save the "
        "change as a new version: PGDW.v2.yaml with version: 2, supersedes: 1, status: draft "
        "(and put back v1 as it was recorded)"
    )
    assert lines[1:] == ["SOP library not recorded: 1 problem(s); nothing was changed"]


def test_bad_files_are_refused_beside_the_field_and_never_a_500(demo_org, uploads):
    camat = client_of(demo_org, "camat.krj")
    cases = [
        ("sop.txt", b"code: X", "Pilih berkas SOP .yaml"),
        ("PGDW.v1.yaml", b"x" * (2 * 1024 * 1024 + 1), "lebih dari 2 MB"),
        ("PGDW.v1.yaml", b"code: PGDW\nversion: 1\nnama: \xff\xfe", "bukan teks UTF-8"),
        ("catatan.yaml", b"- a\n- b\n", "KODE.vN.yaml"),
        ("PGD.v1.yaml", pgdw().replace("PGDW", "PGD").encode(), "sudah ada"),
        ("PGD.v9.yaml", pgdw(9).replace("PGDW", "PGD").encode(), "bukan milik"),
        ("PGDW.v1.yaml", pgdw(status="published").encode(), "berstatus"),
    ]
    for name, data, said in cases:
        response = upload(camat, name, data)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert said in html, (name, said)
        assert 'id="file-error"' in html
    assert not uploads.exists() or not list(uploads.rglob("*.yaml"))
    # A YAML syntax error is kept as a draft (its name says which), shown at its line.
    broken = b"code: PGDW\nversion: 1\nsteps: [a,\n"
    assert upload(camat, "PGDW.v1.yaml", broken).status_code == 302
    page = camat.get(file_url("PGDW.v1")).content.decode()
    assert "malformed YAML" in page and '<a href="#L4">baris 4</a>' in page
    assert '<li id="L4" class="has-problem">' in page  # past the last line: shown there
    # A Word document goes through the importer: refused here when it cannot read it.
    word = upload(camat, "sop.docx", b"PK\x03\x04 not really a document")
    assert word.status_code == 200 and 'id="file-error"' in word.content.decode()


def test_a_save_with_another_code_or_status_published_is_refused_and_keeps_the_text(
    demo_org, uploads
):
    camat = client_of(demo_org, "camat.krj")
    upload(camat, "PGDW.v1.yaml", pgdw().encode())
    page = camat.get(file_url("PGDW.v1")).content.decode()
    for text, said, typed in [
        (pgdw().replace("code: PGDW", "code: PGDX"), "sesuai nama berkas", "code: PGDX"),
        (pgdw().replace("version: 1", "version: 2"), "sesuai nama berkas", "version: 2"),
        (pgdw(status="published"), "tombol Terbitkan", "status: published"),
    ]:
        response = camat.post(file_url("PGDW.v1"), {"text": text, "base": base_of(page)})
        html = response.content.decode()
        assert response.status_code == 200 and said in html
        assert 'id="text-error"' in html
        textarea = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', html, re.S)
        assert textarea and typed in textarea[1]  # what was typed is not lost
    assert (uploads / "KRJ" / "PGDW.v1.yaml").read_text(encoding="utf-8") == pgdw()
    stale = camat.post(file_url("PGDW.v1"), {"text": pgdw() + "# x\n", "base": "0" * 64})
    assert stale.status_code == 200 and "telah diubah" in stale.content.decode()


def test_only_the_units_sop_administrator_reaches_the_forms_and_the_drafts(demo_org, uploads):
    upload(client_of(demo_org, "camat.krj"), "PGDW.v1.yaml", pgdw().encode())
    assert (uploads / "KRJ" / "PGDW.v1.yaml").exists()
    officer = client_of(demo_org, "staf.krj")
    assert officer.get(reverse("sops:manage")).status_code == 403
    assert upload(officer, "PGDX.v1.yaml", b"code: PGDX").status_code == 403
    assert officer.get(file_url("PGDW.v1")).status_code == 404
    outsider = client_of(demo_org, "camat.cpd")
    assert outsider.get(file_url("PGDW.v1")).status_code == 404
    assert outsider.post(file_url("PGDW.v1", page="publish")).status_code == 404
    assert upload(outsider, "PGDX.v1.yaml", b"code: PGDX", unit="KRJ").status_code == 404
    assert Client().get(reverse("sops:manage")).status_code == 302  # to the login page
    assert SopVersion.objects.filter(code="PGDW").count() == 0


def test_the_same_version_in_both_folders_is_a_library_error_naming_both(uploads):
    folder = uploads / "KRJ"
    folder.mkdir(parents=True)
    shipped = LIBRARY / "pengaduan" / "PGD.v2.yaml"
    (folder / "PGD.v2.yaml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    lib = registry.fresh()
    said = [str(p) for p in lib.errors]
    assert said == [
        f"{folder / 'PGD.v2.yaml'}:1: version: PGD v2 is both in the shipped library "
        f"({shipped}) and in the uploads folder ({folder / 'PGD.v2.yaml'}); one version "
        "comes from one folder: remove the uploaded file or give it the next version number"
    ]


def test_a_word_document_uploaded_becomes_a_draft_with_its_review_notes_at_their_lines(
    demo_org, uploads
):
    """The import on the page: the Word table of an SOP (here PGD's document layer, as Word)
    becomes the unit's draft, each uncertain reading shown at its line."""
    from trantib.sops.importing.docx_export import document_docx

    camat = client_of(demo_org, "camat.krj")
    word = document_docx(registry.get("PGD", 2))
    response = upload(camat, "sop-pengaduan.docx", word)
    assert response.status_code == 302, response.content.decode()[:500]
    drafts = sorted((uploads / "KRJ").glob("*.yaml"))
    assert len(drafts) == 1
    text = drafts[0].read_text(encoding="utf-8")
    assert "status: draft" in text and "Pelapor Datang ke Kantor Kecamatan" in text
    page = camat.get(response["Location"]).content.decode()
    assert "Pelapor Datang ke Kantor Kecamatan" in page
    # the import's review notes are shown (the calendar it cannot read from a table, at least)
    calendar_line = line_of(text, "calendar:")
    noted = re.findall(r'href="#L(\d+)">baris \d+</a> catatan impor: [^<]*kalender', page)
    assert noted == [str(calendar_line)]
    # and under that line of the file itself
    at_line = re.search(rf'<li id="L{calendar_line}" class="has-problem">.*?</li>', page, re.S)
    assert at_line is not None and "catatan impor" in at_line[0]
