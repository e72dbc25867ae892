"""Version 2 of the seeds PPW, PPL and PUR: the text of each seed is unchanged; only what the
fields naming the unit's own officers record is (people picked from the unit, ``members``,
instead of typed names). The photo fields open the camera (``capture``) and PPW's waits count
from the day each Surat Teguran was delivered (``starts_at``): neither is part of the signed
document, so version 1 carries them too, in place, and keeps its signed part. PPW version 3
(issue 11) supersedes version 2 for new cases: cases already on version 2 run as below."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from trantib.cases import services
from trantib.cases.models import Task, TaskStatus
from trantib.engine.loader import load_file
from trantib.engine.spec import Capture, FieldType, SOPSpec, SopStatus
from trantib.sops import registry
from trantib.sops.models import SopVersion
from trantib.sops.services import sop_library_sync
from trantib.sops.tests.test_sop_command import library  # noqa: F401 — the fixture

LIBRARY = Path(__file__).resolve().parents[1] / "library"
FILES = {"PPW": "patroli", "PPL": "ketertiban", "PUR": "unjuk-rasa"}
# The fields that name the unit's own officers: free text in v1, the unit's people in v2.
OFFICERS = {
    "PPW": {("susun_jadwal", "personil"), ("siapkan_petugas", "personil")},
    "PPL": {("siapkan_anggota", "anggota")},
    "PUR": {("pengarahan_anggota", "anggota")},
}
WIB = ZoneInfo("Asia/Jakarta")


def _path(code: str, version: int) -> Path:
    return LIBRARY / FILES[code] / f"{code}.v{version}.yaml"


def _load(path: Path) -> SOPSpec:
    spec, problems = load_file(path)
    assert not [p for p in problems if p.severity == "error"], problems
    return spec


def _fields(spec: SOPSpec, kind: FieldType) -> set[tuple[str, str]]:
    return {(s.id, f.name) for s in spec.steps for f in s.records if f.type is kind}


@pytest.mark.parametrize("code", FILES)
def test_version_2_supersedes_version_1_and_new_cases_run_the_newest(code):
    spec = registry.get(code, 2)
    assert (spec.supersedes, spec.status) == (1, SopStatus.PUBLISHED)
    assert registry.get(code, 1).status is SopStatus.PUBLISHED  # old cases stay on it
    assert registry.get(code).version == (3 if code == "PPW" else 2)  # PPW v3: issue 11


@pytest.mark.parametrize("code", FILES)
def test_version_2_differs_from_version_1_only_in_the_officers_it_records(code):
    v1 = registry.get(code, 1).signed_part()
    v2 = registry.get(code, 2).signed_part()
    assert _fields(v2, FieldType.MEMBERS) == OFFICERS[code]
    assert _fields(v1, FieldType.MEMBERS) == set()
    steps = []
    for old, new in zip(v1.steps, v2.steps, strict=True):
        records = []
        for was, now in zip(old.records, new.records, strict=True):
            if (new.id, now.name) in OFFICERS[code]:
                # The same field, label and obligation: only what it holds changed.
                assert (was.type, now.type) == (FieldType.LIST, FieldType.MEMBERS)
                assert (was.name, was.label, was.required) == (now.name, now.label, now.required)
                now = was
            records.append(now)
        steps.append(dataclasses.replace(new, records=tuple(records)))
    back = dataclasses.replace(v2, version=1, supersedes=None, steps=tuple(steps))
    assert back == v1


@pytest.mark.parametrize("code", FILES)
@pytest.mark.parametrize("version", [1, 2])
def test_the_photo_fields_open_the_camera_and_the_letters_do_not(code, version):
    spec = registry.get(code, version)
    files = [f for s in spec.steps for f in s.records if f.type is FieldType.FILES]
    photos = [f for f in files if f.label.startswith("Dokumentasi")]
    assert photos, code
    assert all(f.capture is Capture.PHOTO for f in photos)
    # Drafts, signed letters and proofs may be PDFs: the camera would refuse them.
    assert all(f.capture is None for f in files if f not in photos)


@pytest.mark.parametrize("version", [1, 2])
def test_ppws_teguran_waits_count_from_the_day_each_letter_was_delivered(version):
    spec = registry.get("PPW", version)
    for n in (1, 2, 3):
        assert spec.step(f"tunggu_{n}").starts_at == f"teguran_{n}.tanggal_serah"
    # The Surat Pernyataan's step records no delivery day: its wait counts from its save.
    assert spec.step("tunggu_pernyataan").starts_at == ""


def _without_the_products_hints(text: str) -> str:
    text = text.replace(", capture: photo}", "}")
    return re.sub(r"(?m)^    starts_at: .*\n", "", text)


@pytest.mark.parametrize("code", FILES)
def test_version_1_with_capture_and_starts_at_keeps_its_signed_part(code, tmp_path):
    text = _path(code, 1).read_text(encoding="utf-8")
    as_signed = tmp_path / _path(code, 1).name
    as_signed.write_text(_without_the_products_hints(text), encoding="utf-8")
    before = _load(as_signed)
    assert _fields(before, FieldType.FILES) and all(
        f.capture is None and not s.starts_at for s in before.steps for f in s.records
    )
    assert _load(_path(code, 1)).signed_part() == before.signed_part()


@pytest.mark.django_db
def test_a_recorded_version_1_takes_capture_and_starts_at_in_place(library):  # noqa: F811
    ppw = library / "patroli" / "PPW.v1.yaml"
    hinted = ppw.read_text(encoding="utf-8")
    ppw.write_text(_without_the_products_hints(hinted), encoding="utf-8")
    sop_library_sync()
    ppw.write_text(hinted, encoding="utf-8")
    result = sop_library_sync()
    assert (result.created, result.updated) == (0, 1)
    row = SopVersion.objects.get(code="PPW", version=1)
    assert row.content == hinted and row.status == SopVersion.Status.PUBLISHED


# -- the wait, on a case ------------------------------------------------------------------------


def _live(case) -> Task:
    return Task.objects.get(case=case, status__in=[TaskStatus.OPEN, TaskStatus.CLAIMED])


@pytest.fixture
def ppw_v2_in_force(tmp_path, settings):
    """The library without PPW version 3: new PPW cases run version 2, as they did before."""
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    (copy / "patroli" / "PPW.v3.yaml").unlink()
    settings.TRANTIB_SOP_LIBRARY = copy
    registry.reload()
    yield
    registry.library.cache_clear()


def test_a_teguran_delivered_two_days_before_it_was_recorded_falls_due_seven_days_after_delivery(
    demo_org, ppw_v2_in_force
):
    kasat = demo_org.person("kasat.pptng")
    start = dt.datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
    case = services.case_start(
        sop_code="PPW",
        unit=demo_org.unit("PPTNG"),
        actor=kasat,
        subject="PKL di trotoar Jl. Daan Mogot",
        entry="beri_teguran",
        data={
            "pelanggar": {"nama": "Hendra"},
            "lokasi": {"address": "Trotoar Jl. Daan Mogot km 2"},
            "perda": "Perda Ketertiban Umum",
            "nomor_surat_pernyataan": "300.1/SP-014",
        },
        now=start,
    )
    assert case.sop_version.version == 2
    statement = _live(case)
    # Without a recorded day, the Surat Pernyataan's 15 days count from the save.
    assert statement.due_at == start + dt.timedelta(days=15)
    services.deadlines_sweep(now=statement.due_at + dt.timedelta(minutes=1))
    checked = statement.due_at + dt.timedelta(hours=2)
    services.task_complete(
        task=_live(case),
        actor=kasat,
        decision="tidak mentaati",
        data={"hasil_pemeriksaan": "Masih berjualan"},
        now=checked,
    )
    recorded = dt.datetime(2026, 12, 18, 15, 30, tzinfo=WIB)  # Friday afternoon
    services.task_complete(
        task=_live(case),
        actor=kasat,
        data={"nomor_surat": "300.1/ST-I-021", "tanggal_serah": "2026-12-16"},  # Wednesday
        now=recorded,
    )
    wait = _live(case)
    assert (wait.step_id, wait.kind) == ("tunggu_1", "wait")
    assert wait.created_at == recorded
    # Seven days from the delivery day's opening hour (around the clock: calendar days),
    # not from Friday's click.
    assert wait.due_at == dt.datetime(2026, 12, 23, 8, 0, tzinfo=WIB)
    assert services.deadlines_sweep(now=wait.due_at - dt.timedelta(minutes=1)).fired == 0
    assert services.deadlines_sweep(now=wait.due_at + dt.timedelta(minutes=1)).fired == 1
    wait.refresh_from_db()
    assert wait.status == TaskStatus.DONE
    assert _live(case).step_id == "cek_1"
