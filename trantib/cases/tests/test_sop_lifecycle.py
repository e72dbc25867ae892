"""The SOP lifecycle as a unit's administrator lives it (issue 14, item 5): a draft is synced,
edited, published and started — the case runs the file as edited, never the text recorded
before the edit; a draft itself never starts a case; a published file edited in place keeps
running as it was published, and ``sop sync`` says what to do."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from trantib.cases import services
from trantib.cases.models import Case, Task, TaskStatus
from trantib.core.errors import Invalid
from trantib.sops import registry
from trantib.sops.models import SopVersion
from trantib.sops.services import sop_library_sync

pytestmark = pytest.mark.django_db

LIBRARY = Path(__file__).resolve().parents[2] / "sops" / "library"
WIB = dt.timezone(dt.timedelta(hours=7))
MONDAY = dt.datetime(2026, 11, 30, 8, 30, tzinfo=WIB)
REPORT = {"saluran": "SMS", "uraian": "Warung karaoke buka sampai pukul 02.00"}


@pytest.fixture
def library(tmp_path, settings):
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    settings.TRANTIB_SOP_LIBRARY = copy
    registry.reload()
    yield copy
    registry.library.cache_clear()


def _draft_v3(library: Path) -> Path:
    """PGD v3 as a draft: v2's text with its version fields moved."""
    v2 = library / "pengaduan" / "PGD.v2.yaml"
    v3 = library / "pengaduan" / "PGD.v3.yaml"
    text = v2.read_text(encoding="utf-8")
    head = "version: 2\nsupersedes: 1\nstatus: published"
    assert head in text
    v3.write_text(text.replace(head, "version: 3\nsupersedes: 2\nstatus: draft"), encoding="utf-8")
    return v3


def _edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _start(demo_org, now=MONDAY) -> Case:
    return services.case_start(
        sop_code="PGD",
        unit=demo_org.unit("KRJ"),
        actor=demo_org.person("staf.krj"),
        subject="Warung buka melewati jam malam",
        data=REPORT,
        now=now,
    )


def _live(case: Case) -> Task:
    return Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])


def _page(demo_org, username: str, case: Case) -> str:
    client = Client()
    client.force_login(demo_org.user(username))
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _sync() -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command("sop", "sync", stdout=io.StringIO(), stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, err.getvalue()


def test_a_draft_never_starts_a_case_and_the_version_in_force_runs_instead(demo_org, library):
    _draft_v3(library)
    sop_library_sync()
    assert registry.get("PGD").version == 2  # the newest published version is in force
    case = _start(demo_org)
    assert case.sop_version.version == 2
    # A code with drafts only is refused, naming it, on every way in (they share the service).
    for name in ("PGD.v1.yaml", "PGD.v2.yaml"):
        path = library / "pengaduan" / name
        _edit(path, ("status: published", "status: draft"))
    with pytest.raises(Invalid, match=r"SOP PGD belum berlaku \(masih draf\)") as err:
        _start(demo_org)
    assert err.value.field == "sop"


def test_a_synced_draft_edited_and_published_runs_the_content_as_edited(demo_org, library):
    v3 = _draft_v3(library)
    assert _sync()[0] == 0
    recorded = SopVersion.objects.get(code="PGD", version=3)
    assert recorded.status == SopVersion.Status.DRAFT
    # The administrator edits the synced draft (a step renamed, its title reworded) and
    # publishes it, but nobody syncs: the next start must run the file as it now reads.
    _edit(
        v3,
        ("kasi_teruskan", "kasi_periksa"),
        (
            "title: Meneruskan berkas pengaduan kepada Camat",
            "title: Memeriksa berkas dan meneruskannya kepada Camat",
        ),
        ("status: draft", "status: published"),
    )

    case = _start(demo_org)

    text = v3.read_text(encoding="utf-8")
    row = SopVersion.objects.get(pk=case.sop_version_id)
    assert (row.version, row.status) == (3, SopVersion.Status.PUBLISHED)
    assert row.sha256 == hashlib.sha256(text.encode()).hexdigest() and row.content == text
    spec = services.case_spec(Case.objects.get(pk=case.pk))
    assert spec.step("kasi_periksa").display_title.startswith("Memeriksa berkas")
    services.task_complete(
        task=_live(case),
        actor=demo_org.person("staf.krj"),
        data={},
        requirements=[],
        now=MONDAY + dt.timedelta(minutes=5),
    )
    task = _live(case)
    assert (task.step_id, task.title) == (
        "kasi_periksa",
        "Memeriksa berkas dan meneruskannya kepada Camat",
    )
    assert "Memeriksa berkas dan meneruskannya kepada Camat" in _page(demo_org, "kasi.krj", case)
    # The case goes on: the Kasi's step is done and the Camat's is offered; the page still opens.
    services.task_complete(
        task=task,
        actor=demo_org.person("kasi.krj"),
        data={},
        requirements=[],
        now=MONDAY + dt.timedelta(minutes=10),
    )
    assert _live(case).step_id == "camat_arahkan"
    _page(demo_org, "camat.krj", case)
    # A sync afterwards finds the version as the start recorded it.
    assert _sync() == (0, "")


def test_a_published_file_edited_in_place_keeps_running_as_published(demo_org, library):
    sop_library_sync()
    v2 = library / "pengaduan" / "PGD.v2.yaml"
    as_published = v2.read_text(encoding="utf-8")
    _edit(
        v2,
        ("kasi_teruskan", "kasi_periksa"),
    )

    case = _start(demo_org)

    row = SopVersion.objects.get(pk=case.sop_version_id)
    assert row.content == as_published  # the version as signed and published
    services.task_complete(
        task=_live(case), actor=demo_org.person("staf.krj"), data={}, requirements=[], now=MONDAY
    )
    assert _live(case).step_id == "kasi_teruskan"
    _page(demo_org, "kasi.krj", case)
    code, err = _sync()
    assert code == 1
    assert err.splitlines()[0].startswith(f"{v2}:")
    assert "PGD v2 is published and was edited; save the change as a new version" in err
