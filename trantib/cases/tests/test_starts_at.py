"""A field task is due relative to the event the SOP plans (``starts_at``), not to the click
that offered it: PUR's handling falls due an hour after the demonstration begins."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from trantib.cases import services
from trantib.cases.models import Task
from trantib.demo.letters import case_start_written, task_complete_written

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# PUR up to the members' handling, as the people of Cipondoh: (step, who, data, file field).
PUR_TO_HANDLING = [
    ("arahan_danru", "kasi.cpd", {"arahan": "Susun rencana pengamanan"}, ""),
    ("draft_surat_perintah", "danru.cpd", {"rencana": "Dua ring pengamanan"}, "draft"),
    ("periksa_surat_perintah", "kasi.cpd", {}, ""),
    ("paraf_surat_perintah", "sekcam.cpd", {}, ""),
    (
        "validasi_surat_perintah",
        "camat.cpd",
        {"nomor_surat_perintah": "300/061-Trantib/2026", "tanggal_surat_perintah": "2026-12-03"},
        "",
    ),
    ("perintah_danru", "kasi.cpd", {}, ""),
    ("pengarahan_anggota", "danru.cpd", {"jumlah_personel": 20}, ""),
]


def _live(case) -> Task:
    return Task.objects.get(case=case, status__in=["open", "claimed"], kind="work")


def _walk_pur(demo_org, *, demonstration: str, now: dt.datetime) -> Task:
    case = case_start_written(
        sop_code="PUR",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("camat.cpd"),
        subject="Unjuk rasa pedagang pasar",
        data={
            "waktu_unjuk_rasa": demonstration,
            "lokasi": {"address": "Kantor Kecamatan Cipondoh"},
            "hasil_koordinasi": "Polsek menyiagakan 30 personel",
            "perintah": "Siapkan pengamanan",
        },
        now=now,
    )
    for i, (step, who, data, files) in enumerate(PUR_TO_HANDLING, start=1):
        task = _live(case)
        assert task.step_id == step
        task_complete_written(
            task=task,
            actor=demo_org.person(who),
            data=data,
            decision="tidak ada koreksi" if step == "periksa_surat_perintah" else "",
            uploads={files: [("draft.pdf", io.BytesIO(PDF))]} if files else None,
            now=now + dt.timedelta(minutes=10 * i),
        )
    handling = _live(case)
    assert handling.step_id == "penanganan"
    return handling


def test_the_handling_of_a_demonstration_is_due_an_hour_after_it_begins(demo_org):
    now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=WIB)  # Thursday
    handling = _walk_pur(demo_org, demonstration="2026-12-05T09:00", now=now)
    # Offered on Thursday, due Saturday 10.00: not red two days before the crowd arrives.
    assert handling.due_at == dt.datetime(2026, 12, 5, 10, 0, tzinfo=WIB)
    assert handling.created_at == now + dt.timedelta(minutes=70)
    # The step before it, with no starts_at, still counts from its offer (30 Menit).
    briefing = Task.objects.get(case=handling.case, step_id="pengarahan_anggota")
    assert briefing.due_at == briefing.created_at + dt.timedelta(minutes=30)


def test_a_demonstration_time_sent_with_another_offset_counts_in_that_offset(demo_org):
    now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=WIB)
    handling = _walk_pur(demo_org, demonstration="2026-12-05T09:00:00+08:00", now=now)
    assert handling.due_at == dt.datetime(2026, 12, 5, 9, 0, tzinfo=WIB)


def test_a_demonstration_time_the_calendar_cannot_hold_is_refused_not_a_500(demo_org):
    """Review findings 5 and 9: a datetime is read whole and its year bounded by the engine
    (the API and the page alike), so an impossible hour or year 9999 is refused at the step
    that records it instead of breaking a later one; the page stores 4-digit ISO values."""
    from trantib.cases.forms import StepForm
    from trantib.core.errors import Invalid
    from trantib.engine import runtime
    from trantib.engine.spec import FieldType, RecordField, Step, StepKind

    now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=WIB)
    for typed in ("2026-12-05T25:00", "9999-12-31T23:30", "0001-01-01T00:00", "2026-12-05Tpagi"):
        with pytest.raises(Invalid) as refused:
            _walk_pur(demo_org, demonstration=typed, now=now)
        assert refused.value.field == "data.waktu_unjuk_rasa", typed
    with pytest.raises(Invalid, match="antara tahun 1900 dan 2100"):
        _walk_pur(demo_org, demonstration="9999-12-31T23:30", now=now)

    field = RecordField(name="waktu", label="Waktu", type=FieldType.DATETIME, required=True)
    step = Step(id="s", no="1", kind=StepKind.PROCESS, role="r", activity="a", records=(field,))
    form = StepForm(step, {"data.waktu": "31/12/9999 23.30"})
    assert not form.is_valid()
    form = StepForm(step, {"data.waktu": "5/12/2026 9.05"})
    assert form.is_valid() and form.data["waktu"] == "2026-12-05T09:05"
    assert runtime.check_data(step, form.data) == {"waktu": "2026-12-05T09:05"}


@pytest.fixture
def pur_v2(tmp_path, settings):
    """The library with a PUR v2 whose second step counts from the demonstration's hour, so the
    step that records that hour is still correctable while the timed task is live."""
    import shutil
    from pathlib import Path

    import trantib
    from trantib.sops import registry

    copy = tmp_path / "library"
    shutil.copytree(Path(trantib.__file__).parent / "sops" / "library", copy)
    path = copy / "unjuk-rasa" / "PUR.v1.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = (
        "    title: Memberi arahan dan perintah kepada Danru untuk menyiapkan rencana pelaksanaan\n"
    )
    assert text.count(anchor) == 1
    v2 = text.replace("\nversion: 1\n", "\nversion: 2\nsupersedes: 1\n", 1).replace(
        anchor, anchor + "    starts_at: perintah_camat.waktu_unjuk_rasa\n", 1
    )
    (copy / "unjuk-rasa" / "PUR.v2.yaml").write_text(v2, encoding="utf-8")
    settings.TRANTIB_SOP_LIBRARY = copy
    lib = registry.reload()
    assert not lib.errors, lib.errors
    yield copy
    registry.library.cache_clear()


def test_correcting_the_field_a_live_task_counts_from_re_times_it(demo_org, pur_v2):
    """Review finding 9: the corrected hour moves the due time of the live task timed from it,
    in the same transaction, and the correction's event carries the new due time."""
    from trantib.cases.models import Event, EventType

    now = dt.datetime(2026, 12, 3, 10, 0, tzinfo=WIB)
    case = case_start_written(
        sop_code="PUR",
        unit=demo_org.unit("CPD"),
        actor=demo_org.person("camat.cpd"),
        subject="Unjuk rasa pedagang pasar",
        data={
            "waktu_unjuk_rasa": "2026-12-05T09:00",
            "lokasi": {"address": "Kantor Kecamatan Cipondoh"},
            "hasil_koordinasi": "Polsek menyiagakan 30 personel",
            "perintah": "Siapkan pengamanan",
        },
        now=now,
    )
    assert case.sop_version.version == 2
    briefing = _live(case)
    assert briefing.step_id == "arahan_danru"
    before = briefing.due_at
    first = Task.objects.get(case=case, step_id="perintah_camat")
    services.field_correct(
        task=first,
        actor=demo_org.person("camat.cpd"),
        field="waktu_unjuk_rasa",
        value="2026-12-06T13:00",
        reason="Massa mengundurkan jadwal",
        now=now + dt.timedelta(minutes=5),
    )
    briefing.refresh_from_db()
    assert briefing.due_at - before == dt.timedelta(days=1, hours=4)
    assert briefing.due_at > dt.datetime(2026, 12, 6, 13, 0, tzinfo=WIB)
    event = Event.objects.get(case=case, type=EventType.FIELD_CORRECTED)
    [moved] = event.data["due"]
    assert moved["task"] == briefing.pk
    assert dt.datetime.fromisoformat(moved["after"]) == briefing.due_at
    assert dt.datetime.fromisoformat(moved["before"]) == before
    # The worker is asked to look at the task at its new due time (database backend: a row).
    jobs = DBTaskResult.objects.filter(args_kwargs__args=[briefing.pk])
    assert sorted(j.run_after for j in jobs) == [before, briefing.due_at]
