"""The admin reads as Trantib's and Indonesian: every registered model's list and add page is
opened as a superuser, and no English header the walk-through found is left."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult, get_date_max

from trantib.demo import complaint_setup_load
from trantib.outbox.services import outbox_enqueue
from trantib.sops.services import sop_library_sync

pytestmark = pytest.mark.django_db

ENGLISH = (
    "Task",
    "Category",
    "Min lat",
    "Max lat",
    "Min lon",
    "Max lon",
    "Loaded at",
    "PK",
    "Enqueued",
    "Priority",
    "Queue name",
    "Administrasi Django",
    "Django administration",
)
# Headers: column titles, form labels, filter titles, section and page titles, the app list.
HEADERS = re.compile(
    r"<(th|label|h1|h2|h3|caption|title)\b[^>]*>(.*?)</\1>"
    r"|<a [^>]*class=\"section\"[^>]*>(.*?)</a>",
    re.S,
)


def headers(html: str) -> list[str]:
    out = []
    for match in HEADERS.finditer(html):
        text = match.group(2) if match.group(2) is not None else match.group(3)
        text = unescape(re.sub(r"<[^>]+>", " ", text or ""))
        if text.strip():
            out.append(" ".join(text.split()))
    return out


def english_in(texts: list[str]) -> list[tuple[str, str]]:
    return [
        (word, text)
        for text in texts
        for word in ENGLISH
        if re.search(rf"\b{re.escape(word)}(s|\b)", text, re.IGNORECASE)
    ]


@pytest.fixture
def superuser_client(demo_org) -> Client:
    # A row in every list the walk-through saw in English: an empty list shows no headers.
    complaint_setup_load()
    sop_library_sync()
    outbox_enqueue(unit=demo_org.unit("KRJ"), channel="sms", recipient="+6281234567890", body="Uji")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        priority=0,
        task_path="trantib.outbox.tasks.nothing",
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
        status="READY",
    )
    user = get_user_model().objects.create_superuser("root.admin", "root@example.org", "x")
    client = Client(raise_request_exception=False)  # a read-only model's add page is a 403
    client.force_login(user)
    return client


def test_the_admin_is_trantibs_and_has_no_english_headers_left(superuser_client) -> None:
    pages = {"index": superuser_client.get(reverse("admin:index"))}
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
            pages[f"{meta.label} {view}"] = superuser_client.get(url)
    seen: dict[str, list[str]] = {}
    for name, response in pages.items():
        if response.status_code == 403:  # read-only models have no add page
            continue
        assert response.status_code == 200, name
        seen[name] = headers(response.content.decode())
        assert seen[name], name  # the check found headers to look at
    leftovers = {name: english_in(texts) for name, texts in seen.items()}
    assert {k: v for k, v in leftovers.items() if v} == {}
    everything = " | ".join(t for texts in seen.values() for t in texts)
    # Not vacuous: the Indonesian words that replaced them are there.
    for word in (
        "Administrasi Trantib",
        "Hasil tugas latar",
        "Kategori",
        "Lintang minimum",
        "Bujur maksimum",
        "Dimuat",
        "Kode",
        "Nomor",
        "Antrean",
        "Prioritas",
    ):
        assert word in everything, word
