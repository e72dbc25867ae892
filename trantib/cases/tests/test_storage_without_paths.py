"""Uploaded and generated files go through the storage API only, so the files can live in a
bucket (TRANTIB_STORAGE=s3) and an app server needs nothing local.

The suite keeps Django's filesystem storage; here the default storage is an in-memory one whose
``path()`` fails the test (a bucket has no local path either; Django's own storages raise
NotImplementedError there, which code could catch and quietly print without a logo). With it an
attachment is uploaded through the page and the API and read back through both, printed in the
case file; a letter is signed, its official PDF kept and downloaded through the page and the
API; the unit's logo prints on the letter and on a lembar disposisi; an incoming letter's scan
is kept and served. ``MEDIA_ROOT`` stays untouched throughout. The same runs again on
django-storages' S3Storage with Trantib's options against a bucket moto emulates in-process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils._os import safe_join

from config.storage import s3_options
from trantib.api.services import api_token_create
from trantib.cases.models import Attachment
from trantib.cases.tests.test_views import complete, live, pgd_at_camat
from trantib.letters.models import SignMode
from trantib.letters.services import (
    disposition_create,
    incoming_record,
    letter_draft,
    letter_settings_save,
    letter_sign_electronic,
    letter_submit,
    settings_for,
)
from trantib.letters.tests.support import SCAN, png


class NoLocalPathStorage(InMemoryStorage):
    """Files kept in memory, as a bucket keeps them: asking for a file's local path fails.
    (Django's InMemoryStorage answers ``path()`` with a made-up path under MEDIA_ROOT and uses
    it for its own bookkeeping, which keeps doing so below.)"""

    def path(self, name: str) -> str:
        raise AssertionError(f"a local path was asked for {name!r}")

    def _relative_path(self, name: str) -> str:
        return os.path.relpath(safe_join(self.location, name), self.location)

    def _resolve(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return super()._resolve(name, *args, **kwargs)
        except AssertionError:  # its FileExistsError message names the made-up path
            raise FileExistsError(f"{name} exists and is not a directory.") from None


MEMORY = {
    "default": {"BACKEND": f"{__name__}.NoLocalPathStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

PHOTO = png((120, 80))
LOGO = png((60, 60))


BUCKET, REGION = "trantib-berkas", "ap-southeast-3"


@pytest.fixture(params=["memory", "s3"])
def storage(request, settings, tmp_path, monkeypatch):
    """The default storage: an in-memory one without paths, or django-storages' S3Storage
    with Trantib's options (config/storage.py) on a bucket that moto emulates in-process (the
    S3 service is the outside world: nothing leaves the machine)."""
    settings.MEDIA_ROOT = tmp_path / "media"  # must never appear
    if request.param == "memory":
        with override_settings(STORAGES=MEMORY):
            assert isinstance(Attachment.file.field.storage, NoLocalPathStorage)
            yield request.param
    else:
        moto = pytest.importorskip("moto")
        import boto3

        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            monkeypatch.setenv(name, "testing")
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
        stores = {
            **MEMORY,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": s3_options(bucket=BUCKET, region=REGION),
            },
        }
        with moto.mock_aws():
            boto3.client("s3", region_name=REGION).create_bucket(
                Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
            with override_settings(STORAGES=stores):
                yield request.param
    assert not (tmp_path / "media").exists()


def _keys() -> set[str]:
    """The objects in the emulated bucket."""
    import boto3

    listed = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET)
    return {o["Key"] for o in listed.get("Contents", [])}


def _client(demo_org, username: str) -> Client:
    client = Client()
    client.force_login(demo_org.user(username))
    return client


def _api(demo_org, username: str) -> dict[str, str]:
    _row, token = api_token_create(user=demo_org.user(username), name="storage")
    return {"Authorization": f"Bearer {token}"}


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _images(pdf: bytes, tmp_path: Path) -> list[tuple[int, int]]:
    """Each image's width and height in the PDF (poppler's pdfimages)."""
    path = tmp_path / "printed.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(  # noqa: S603
        ["pdfimages", "-list", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    return [(int(line.split()[3]), int(line.split()[4])) for line in listed]


def test_attachments_are_uploaded_served_and_printed_without_a_local_path(
    demo_org, tmp_path, storage
):
    case = pgd_at_camat(demo_org)
    complete(demo_org, case, "camat.krj", data={"arahan": "Tertibkan"})
    complete(demo_org, case, "kasi.krj", data={"tindakan": "Teguran lisan"})
    task = live(case)
    assert task.step_id == "bukti_penyelesaian"

    # the page: the step's photo uploaded with the completion
    kasi = _client(demo_org, "kasi.krj")
    upload = SimpleUploadedFile("bukti.png", PHOTO, content_type="image/png")
    done = kasi.post(reverse("cases:task_complete", args=[task.pk]), {"data.bukti": upload})
    assert done.status_code == 302
    on_page = Attachment.objects.get(case=case, name="bukti.png")
    # the API: a scan added to the case
    headers = _api(demo_org, "kasi.krj")
    added = Client().post(
        f"/api/v1/cases/{case.pk}/attachments",
        {"file": SimpleUploadedFile("berita.pdf", SCAN, content_type="application/pdf")},
        headers=headers,
    )
    assert added.status_code == 201, added.content
    by_api = Attachment.objects.get(pk=added.json()["id"])

    storage = Attachment.file.field.storage
    for attachment, content in ((on_page, PHOTO), (by_api, SCAN)):
        assert storage.exists(attachment.file.name)
        with attachment.file.open("rb") as stored:
            assert stored.read() == content
        page = kasi.get(reverse("cases:attachment", args=[attachment.pk]))
        assert _body(page) == content
        api = Client().get(f"/api/v1/attachments/{attachment.pk}", headers=headers)
        assert _body(api) == content

    # the printed case file carries the photo, read from the storage
    printed = _body(kasi.get(reverse("cases:file_pdf", args=[case.pk])))
    assert (120, 80) in _images(printed, tmp_path)
    if storage == "s3":  # the keys are the rows' names, as in the folder
        assert {on_page.file.name, by_api.file.name} <= _keys()


def test_a_signed_letter_its_logo_and_an_incoming_scan_need_no_local_path(
    demo_org, tmp_path, storage
):
    unit = demo_org.unit("CPD")
    camat = demo_org.person("camat.cpd")
    letter_settings_save(
        unit=unit, actor=camat, changes={"sign_mode": SignMode.ELECTRONIC}, logo=LOGO
    )
    assert settings_for(unit).logo.name
    letter = letter_draft(
        unit=unit,
        kind="surat_teguran",
        actor=camat,
        hal="Teguran I pemanfaatan trotoar",
        signer_role="camat",
        recipient="Sdr. Budi Santoso",
        body="Dengan ini kami menegur Saudara.",
        data={
            "tingkat": "1",
            "pelanggar_nama": "Budi Santoso",
            "pelanggar_nik": "3671011203850004",
            "lokasi": "Jl. Raya Cipondoh",
            "perda": "Perda 8/2018 Pasal 5",
            "kewajiban": "Membongkar lapak",
            "tempo": "7 hari kerja",
        },
    )
    letter = letter_sign_electronic(
        letter=letter_submit(letter=letter, actor=camat), actor=camat, passphrase=""
    )
    with letter.official_pdf.open("rb") as stored:
        official = stored.read()
    assert official.startswith(b"%PDF") and letter.official_pdf.size == len(official)
    assert (60, 60) in _images(official, tmp_path)  # the logo, read through the storage

    client = _client(demo_org, "camat.cpd")
    assert _body(client.get(reverse("letters:pdf", args=[letter.pk]))) == official
    api = Client().get(f"/api/v1/letters/{letter.pk}/pdf", headers=_api(demo_org, "camat.cpd"))
    assert _body(api) == official

    today = unit.today()
    incoming = incoming_record(
        unit=unit,
        actor=demo_org.person("staf.cpd"),
        received_on=today,
        sender="Ketua RW 05 Kelurahan Poris Plawad",
        number="012/RW05/XII/2026",
        dated=today - dt.timedelta(days=2),
        subject="Permohonan penertiban lapak",
        scan=SCAN,
        scan_name="surat-rw05.pdf",
    )
    disposition_create(
        incoming=incoming,
        actor=camat,
        to_role="kasi_trantib",
        instruction="Tinjau lokasi",
        sifat="Segera",
        due_on=today + dt.timedelta(days=5),
    )
    assert _body(client.get(reverse("letters:incoming_scan", args=[incoming.pk]))) == SCAN
    sheet = _body(client.get(reverse("letters:incoming_disposition_pdf", args=[incoming.pk])))
    assert (60, 60) in _images(sheet, tmp_path)  # its kop's logo too
    if storage == "s3":
        import boto3

        names = {letter.official_pdf.name, incoming.scan.name, settings_for(unit).logo.name}
        assert names <= _keys()
        # private: only the owner has a grant, nobody else may read an object by its URL
        grants = boto3.client("s3", region_name=REGION).get_object_acl(
            Bucket=BUCKET, Key=letter.official_pdf.name
        )["Grants"]
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
        assert all("URI" not in g["Grantee"] for g in grants)


def test_a_second_file_of_the_same_name_keeps_the_first_on_either_storage(storage):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    first = default_storage.save("letters/surat.pdf", ContentFile(b"first"))
    second = default_storage.save("letters/surat.pdf", ContentFile(b"second"))
    assert first != second
    with default_storage.open(first) as f:
        assert f.read() == b"first"


# -- the settings (config/storage.py) --------------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]


def _storage_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The default storage as Django builds it, in a child process with only ``env`` set (a
    bucket is never contacted: django-storages connects at the first file)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "TRANTIB_", "DATABASE_URL", "AWS_"))
    }
    shown = (
        "import django, json; django.setup(); from django.core.files.storage import storages; "
        "s = storages['default']; print(json.dumps([type(s).__name__] + [getattr(s, a, None) "
        "for a in ('bucket_name', 'endpoint_url', 'region_name', 'access_key', "
        "'file_overwrite', 'default_acl')]))"
    )
    return subprocess.run(  # noqa: S603 — this Python, a fixed script
        [sys.executable, "-c", shown],
        cwd=ROOT,
        env=clean
        | {"DJANGO_SETTINGS_MODULE": "config.settings", "TRANTIB_VAR_DIR": str(tmp_path)}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_default_is_the_folder_and_s3_is_the_bucket_named_with_boto3s_own_keys(tmp_path):
    done = _storage_settings(tmp_path)
    assert json.loads(done.stdout)[0] == "FileSystemStorage", done.stderr
    done = _storage_settings(
        tmp_path,
        TRANTIB_STORAGE="s3",
        TRANTIB_S3_BUCKET="trantib-berkas",
        TRANTIB_S3_ENDPOINT_URL="https://s3.example.go.id",
        TRANTIB_S3_REGION="id-jkt-1",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="not-a-real-secret",
    )
    assert json.loads(done.stdout) == [
        "S3Storage",
        "trantib-berkas",
        "https://s3.example.go.id",
        "id-jkt-1",
        "AKIAEXAMPLE",
        False,  # a second file of the same name gets a name of its own, as in the folder
        None,  # private objects: served only through Trantib's access-checked views
    ], done.stderr


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"TRANTIB_STORAGE": "nfs"}, "TRANTIB_STORAGE: 'nfs' is not one of files, s3."),
        (
            {"TRANTIB_STORAGE": "s3"},
            "TRANTIB_S3_BUCKET: TRANTIB_STORAGE=s3 needs the name of the bucket.",
        ),
        (
            {
                "TRANTIB_STORAGE": "s3",
                "TRANTIB_S3_BUCKET": "b",
                "TRANTIB_S3_ENDPOINT_URL": "minio:9000",
            },
            "TRANTIB_S3_ENDPOINT_URL: 'minio:9000' is not an http(s) URL "
            "(e.g. https://s3.example.go.id; leave it empty for AWS S3 itself).",
        ),
    ],
)
def test_a_wrong_storage_setting_is_refused_in_one_line_naming_it(tmp_path, env, line):
    done = _storage_settings(tmp_path, **env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"Trantib: {line}"]
