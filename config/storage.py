"""Where uploaded and generated files live (photos, scans, signed letters' PDFs, logos, the
outbox's attachments), read from the environment by ``config/settings.py``.

``TRANTIB_STORAGE=files`` (the default, the embedded install): Django's filesystem storage
under ``MEDIA_ROOT`` (``TRANTIB_VAR_DIR/media``).
``TRANTIB_STORAGE=s3``: an S3-compatible bucket through django-storages (AWS S3, MinIO, Ceph,
Wasabi, a cloud's object storage): ``TRANTIB_S3_BUCKET`` (required), ``TRANTIB_S3_ENDPOINT_URL``
(empty for AWS itself), ``TRANTIB_S3_REGION``; the keys are boto3's own: the standard
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` environment variables, or whatever else
boto3 finds (a shared credentials file, an instance role). App servers then keep nothing
locally. Every read and write of a stored file goes through the storage API (``.open()``,
``.save()``, ``.size``, ``.delete()``), never a local path.
docs/decisions/0011-object-storage-and-report-replica.md.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import environ

env = environ.Env()

KINDS = ("files", "s3")

TRANTIB_STORAGE = env.str("TRANTIB_STORAGE", default="files").strip()
TRANTIB_S3_BUCKET = env.str("TRANTIB_S3_BUCKET", default="").strip()
TRANTIB_S3_ENDPOINT_URL = env.str("TRANTIB_S3_ENDPOINT_URL", default="").strip()
TRANTIB_S3_REGION = env.str("TRANTIB_S3_REGION", default="").strip()


def storage_problem() -> str:
    """One line naming what is wrong with the storage settings, or empty."""
    if TRANTIB_STORAGE not in KINDS:
        return f"TRANTIB_STORAGE: {TRANTIB_STORAGE!r} is not one of {', '.join(KINDS)}."
    if TRANTIB_STORAGE != "s3":
        return ""
    if not TRANTIB_S3_BUCKET:
        return "TRANTIB_S3_BUCKET: TRANTIB_STORAGE=s3 needs the name of the bucket."
    if TRANTIB_S3_ENDPOINT_URL:
        parts = urllib.parse.urlsplit(TRANTIB_S3_ENDPOINT_URL)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return (
                f"TRANTIB_S3_ENDPOINT_URL: {TRANTIB_S3_ENDPOINT_URL!r} is not an http(s) URL "
                "(e.g. https://s3.example.go.id; leave it empty for AWS S3 itself)."
            )
    try:
        import boto3  # noqa: F401
    except ImportError:
        return "TRANTIB_STORAGE=s3 needs boto3: install the project's pinned dependencies."
    return ""


def s3_options(*, bucket: str, endpoint_url: str = "", region: str = "") -> dict[str, Any]:
    """django-storages' S3Storage options for the bucket."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        # The filesystem gives a second file of the same name a name of its own; so does the
        # bucket (django-storages' default would overwrite the first one).
        "file_overwrite": False,
        # Private objects: files are served through Trantib's own access-checked views, never
        # by a public URL; the bucket's policy decides the rest.
        "default_acl": None,
        "querystring_auth": True,
    }


STORAGES: dict[str, Any] = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(
                bucket=TRANTIB_S3_BUCKET,
                endpoint_url=TRANTIB_S3_ENDPOINT_URL,
                region=TRANTIB_S3_REGION,
            ),
        }
        if TRANTIB_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
