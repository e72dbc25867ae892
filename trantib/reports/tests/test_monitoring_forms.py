"""Monitoring forms through their services: only the unit's assessor writes; a draft takes the
pre-fill, the assessor's judgement, notes, actions and paraf; a changed row loses its paraf;
finalising needs every row initialled and every row with a task assessed, refuses figures that
changed since they were read, freezes them, and makes the form read-only; one final form per
unit, SOP and period; every change audited."""

from __future__ import annotations

import pytest

from trantib.cases.models import Case
from trantib.core.audit import audit_events
from trantib.core.errors import Conflict, Invalid, NotAllowed
from trantib.reports.models_monitoring import FormStatus, MonitoringForm, MonitoringRow
from trantib.reports.monitoring import services
from trantib.reports.monitoring.prefill import BAIK, TIDAK_BAIK, monitoring_prefill
from trantib.reports.monitoring.services import RowInput
from trantib.reports.periods import period_parse

from . import monitoring_support as support
from .monitoring_support import at, complete

pytestmark = pytest.mark.django_db
S1 = period_parse("2026-S1")


def _draft(demo_org, rows=None, login="camat.krj") -> MonitoringForm:
    return services.monitoring_form_create(
        unit=demo_org.unit("KRJ"),
        code="PGD",
        period=S1,
        actor=demo_org.person(login),
        rows=rows,
        now=at(7, 2, 9),
    )


def _all_initialled(form: MonitoringForm, **changes: RowInput) -> list[RowInput]:
    out = []
    for row in form.rows.all():
        given = changes.get(row.no) or RowInput(
            position=row.position,
            assessment=row.assessment,
            keep_prefill=row.keep_prefill,
            note=row.note,
            action=row.action,
        )
        out.append(RowInput(**{**given.__dict__, "position": row.position, "paraf": True}))
    return out


def test_a_draft_takes_the_prefilled_assessments_and_is_audited(demo_org):
    support.build_pgd(demo_org)
    form = _draft(demo_org)
    rows = {r.no: r for r in form.rows.all()}
    assert form.status == FormStatus.DRAFT and form.sop_version.version == 2
    assert [r.no for r in form.rows.all()] == ["1", "2", "3", "4", "5", "6", "7"]
    assert (rows["1"].assessment, rows["2"].assessment, rows["4"].assessment) == (
        BAIK,
        TIDAK_BAIK,
        "",
    )
    assert all(r.keep_prefill and not r.paraf_by_id and not r.figures for r in rows.values())
    assert rows["3"].procedure.startswith("Camat menerima laporan pengaduan")
    event = audit_events(form).get()
    assert (
        event.type == "monitoring_form_created"
        and event.actor_id == demo_org.person("camat.krj").pk
    )
    assert event.data["period"] == "2026-S1" and len(event.data["rows"]) == 7


@pytest.mark.parametrize("login", ["kasi.krj", "staf.krj", "camat.cpd"])
def test_only_the_units_assessor_may_save_a_form(demo_org, login):
    support.build_pgd(demo_org)
    with pytest.raises(NotAllowed) as err:
        _draft(demo_org, login=login)
    assert "Hanya penilai Kecamatan Kerjo (Camat Kerjo)" in err.value.message
    assert not MonitoringForm.objects.exists()


def test_the_assessor_role_is_set_per_unit_by_its_head(demo_org):
    unit = demo_org.unit("KRJ")
    camat, kasi = demo_org.person("camat.krj"), demo_org.person("kasi.krj")
    with pytest.raises(NotAllowed):
        services.monitoring_settings_set(
            unit=unit, actor=kasi, roles=["kasi_trantib"], threshold=80
        )
    with pytest.raises(Invalid):
        services.monitoring_settings_set(unit=unit, actor=camat, roles=["kasat"], threshold=80)
    with pytest.raises(Invalid):
        services.monitoring_settings_set(unit=unit, actor=camat, roles=[], threshold=0)
    settings = services.monitoring_settings_set(
        unit=unit, actor=camat, roles=["kasi_trantib"], threshold=90
    )
    assert services.is_assessor(kasi, unit) and not services.is_assessor(camat, unit)
    assert audit_events(settings).get().data["after"] == {
        "roles": ["kasi_trantib"],
        "threshold": 90,
    }
    support.build_pgd(demo_org)
    form = _draft(demo_org, login="kasi.krj")
    assert form.threshold == 90


def test_the_assessor_judges_writes_and_initials_and_a_changed_row_loses_its_paraf(demo_org):
    support.build_pgd(demo_org)
    form = _draft(demo_org)
    camat = demo_org.person("camat.krj")
    row2 = form.rows.get(no="2")
    services.monitoring_form_save(
        form=form,
        actor=camat,
        rows=[
            RowInput(
                position=row2.position,
                assessment=BAIK,
                keep_prefill=False,
                note="Terlambat karena staf cuti",
                action="Tambah staf piket",
                paraf=True,
            )
        ],
        now=at(7, 2, 10),
    )
    row2.refresh_from_db()
    assert (row2.assessment, row2.keep_prefill, row2.paraf_initials) == (BAIK, False, "SW")
    assert row2.paraf_by == camat and row2.paraf_at == at(7, 2, 10)
    saved = audit_events(form).last()
    assert saved.type == "monitoring_form_saved"
    assert saved.data["rows"][0]["after"]["assessment"] == BAIK
    # The same row changed later without a new paraf: its paraf goes.
    services.monitoring_form_save(
        form=form,
        actor=camat,
        rows=[
            RowInput(
                position=row2.position,
                assessment=BAIK,
                keep_prefill=False,
                note="Terlambat karena staf cuti",
                action="Tambah dua staf piket",
                paraf=True,
            )
        ],
        now=at(7, 2, 11),
    )
    row2.refresh_from_db()
    assert row2.paraf_at == at(7, 2, 11)  # initialled again with the change
    services.monitoring_form_save(
        form=form,
        actor=camat,
        rows=[RowInput(position=row2.position, assessment=TIDAK_BAIK, paraf=False)],
        now=at(7, 2, 12),
    )
    row2.refresh_from_db()
    assert row2.paraf_by_id is None and row2.paraf_initials == ""


def test_finalising_needs_every_row_initialled_and_every_row_with_a_task_assessed(demo_org):
    support.build_pgd(demo_org)
    form = _draft(demo_org)
    camat = demo_org.person("camat.krj")
    digest = services.form_prefill(form).digest
    with pytest.raises(Invalid, match="Baris 1, 2, 3, 4, 5, 6, 7 belum diparaf"):
        services.monitoring_form_finalise(form=form, actor=camat, digest=digest)
    services.monitoring_form_save(form=form, actor=camat, rows=_all_initialled(form))
    # Row 4 has a live task and no pre-filled judgement: the assessor must give one.
    with pytest.raises(Invalid, match="Baris 4 belum dinilai"):
        services.monitoring_form_finalise(form=form, actor=camat, digest=digest)
    row4 = form.rows.get(no="4")
    services.monitoring_form_save(
        form=form,
        actor=camat,
        rows=[RowInput(position=row4.position, assessment=BAIK, paraf=True)],
    )
    with pytest.raises(Conflict, match="Data kasus berubah"):
        services.monitoring_form_finalise(form=form, actor=camat, digest="stale")
    final = services.monitoring_form_finalise(
        form=form, actor=camat, digest=digest, now=at(7, 3, 9)
    )
    assert final.status == FormStatus.FINAL and final.finalised_at == at(7, 3, 9)
    assert final.assessor_name == camat.full_name and final.assessor_jabatan == "Camat Kerjo"
    assert final.assessor_number == camat.identity_line and final.versions == [2]
    frozen = {r.no: r.figures for r in final.rows.all()}
    assert frozen["2"]["ran"] == 3 and frozen["2"]["within"] == 1
    assert frozen["2"]["assessment"] == TIDAK_BAIK and "1 dibatalkan" in frozen["2"]["note"]
    assert frozen["5"]["tasks"] == 0
    assert [e.type for e in audit_events(final)][-1] == "monitoring_form_finalised"


def _finalised(demo_org) -> tuple[MonitoringForm, Case]:
    g1, _g2 = support.build_pgd(demo_org)
    form = _draft(demo_org)
    camat = demo_org.person("camat.krj")
    rows = _all_initialled(form)
    rows[3] = RowInput(position=rows[3].position, assessment=BAIK, paraf=True)
    services.monitoring_form_save(form=form, actor=camat, rows=rows)
    digest = services.form_prefill(form).digest
    return services.monitoring_form_finalise(form=form, actor=camat, digest=digest), g1


def test_a_final_form_is_read_only_and_its_figures_stay_as_they_were(demo_org):
    form, g1 = _finalised(demo_org)
    camat = demo_org.person("camat.krj")
    with pytest.raises(Conflict, match="sudah final"):
        services.monitoring_form_save(
            form=form, actor=camat, rows=[RowInput(position=1, assessment=TIDAK_BAIK)]
        )
    with pytest.raises(Conflict):
        services.monitoring_form_finalise(form=form, actor=camat, digest="x")
    # The coordination of G1 is done now: the live figures move, the final form's do not.
    row4 = MonitoringRow.objects.get(form=form, no="4")
    complete(
        demo_org,
        g1,
        "koordinasi_tindak",
        "kasi.krj",
        at(2, 5, 9),
        data={"tindakan": "Warung ditutup pukul 24.00"},
    )
    assert monitoring_prefill(unit=demo_org.unit("KRJ"), code="PGD", period=S1).rows[3].ran == 1
    row4.refresh_from_db()
    assert row4.figures["ran"] == 0 and row4.figures["live"] == 1


def test_a_second_final_form_is_refused_and_a_new_draft_replaces_a_draft(demo_org):
    form, _g1 = _finalised(demo_org)
    with pytest.raises(Conflict, match="sudah final") as err:
        _draft(demo_org)
    assert err.value.field == "periode"
    assert MonitoringForm.objects.filter(status=FormStatus.FINAL).count() == 1
    # Another period: a draft, then a second draft replaces it, kept for the trail.
    camat = demo_org.person("camat.krj")
    t1 = period_parse("2026-T1")
    first = services.monitoring_form_create(
        unit=form.unit, code="PGD", period=t1, actor=camat, now=at(7, 4, 9)
    )
    second = services.monitoring_form_create(
        unit=form.unit, code="PGD", period=t1, actor=camat, now=at(7, 4, 10)
    )
    first.refresh_from_db()
    assert first.status == FormStatus.REPLACED and first.replaced_by == second
    assert [e.type for e in audit_events(first)] == [
        "monitoring_form_created",
        "monitoring_form_replaced",
    ]
    assert audit_events(second).get().data["replaces"] == [first.pk]


def test_a_note_or_action_with_a_control_character_is_refused_naming_the_row(demo_org):
    support.build_pgd(demo_org)
    with pytest.raises(Invalid) as err:
        _draft(demo_org, rows=[RowInput(position=2, note="ok\x00")])
    assert err.value.field == "row-2-note"
    with pytest.raises(Invalid):
        _draft(demo_org, rows=[RowInput(position=2, assessment="mungkin")])
    assert not MonitoringForm.objects.exists()


def test_initials_leave_out_titles_and_degrees():
    assert services.initials("H. Rahmat Hidayat, S.STP., M.Si.") == "RH"
    assert services.initials("Drs. Wahyu Hidayat, M.Si.") == "WH"
    assert services.initials("Dedi Kurniawan") == "DK"
