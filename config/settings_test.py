"""Test settings: production settings with fast hashing, quiet logs, files in a temp folder."""

import tempfile
from pathlib import Path

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
_TMP = Path(tempfile.mkdtemp(prefix="trantib-test-"))
MEDIA_ROOT = _TMP / "media"
STATIC_ROOT = _TMP / "static"
STATIC_ROOT.mkdir()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TRANTIB_OUTBOX_DIR = _TMP / "outbox"
# SOP files written through the web (never a developer's own var/sop/)
TRANTIB_SOP_UPLOADS = _TMP / "sop"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TRANTIB_SMS_WEBHOOK_SECRET = "test-sms-secret"
TRANTIB_MAP_TILE_URL = ""  # tests run offline: no tile layer
