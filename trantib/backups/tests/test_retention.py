"""The retention schedule (JRA): its default lines, and ``trantib retention report``'s counts of
records past their period on data built here — counted, never deleted."""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from trantib.backups.models import Disposition, RecordType, RetentionRule
from trantib.backups.selectors import retention_report, years_before
from trantib.cases import services as cases
from trantib.cases.models import Case
from trantib.complaints.models import Category, Complaint
from trantib.complaints.services import complaint_file
from trantib.core.models import AuditEvent
from trantib.demo import complaint_setup_load
from trantib.letters.models import IncomingLetter, Letter
from trantib.letters.services import incoming_record, letter_cancel, letter_draft
from trantib.sops import registry

pytestmark = pytest.mark.django_db

TODAY = dt.date(2030, 6, 15)  # a 1 + 1 year rule's cut-off: 2028-06-15
OLD, RECENT = dt.date(2027, 3, 1), dt.date(2029, 3, 1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _rule(record_type: str, sop_code: str = "", years: tuple[int, int] = (1, 1)) -> None:
    RetentionRule.objects.create(
        record_type=record_type,
        sop_code=sop_code,
        title=f"{record_type} {sop_code}".strip(),
        active_years=years[0],
        inactive_years=years[1],
        disposition=Disposition.MUSNAH,
        legal_basis="UU No. 43 Tahun 2009 tentang Kearsipan",
    )


@pytest.fixture
def records(demo_org):
    """Kecamatan Kerjo's records, each kind finished before the cut-off, after it, or not at
    all, built through the services with their clocks set (``now=``)."""
    unit, staf = demo_org.unit("KRJ"), demo_org.person("staf.krj")
    camat, kasi = demo_org.person("camat.krj"), demo_org.person("kasi.krj")

    def pgd(subject: str, closed: dt.date | None) -> None:
        case = cases.case_start(
            sop_code="PGD",
            unit=unit,
            actor=staf,
            subject=subject,
            data={"saluran": "SMS", "uraian": subject},
            now=_at(OLD),
        )
        if closed:
            cases.case_cancel_by_officer(case=case, actor=camat, reason="Ganda", now=_at(closed))

    pgd("Selesai lama", OLD)
    pgd("Selesai baru-baru ini", RECENT)
    pgd("Masih berjalan", None)

    complaint_setup_load()
    complaint = complaint_file(
        channel="web",
        category=Category.objects.get(code="hiburan"),
        description="Warung karaoke buka sampai pukul 02.00 setiap malam Minggu",
        latitude="-7.5901",
        longitude="111.0512",
        kelurahan="Tamansari",
        now=_at(OLD),
    )
    assert complaint.unit == unit
    cases.case_cancel_by_officer(case=complaint.case, actor=camat, reason="Ganda", now=_at(OLD))

    def draft(hal: str, day: dt.date) -> Letter:
        return letter_draft(
            unit=unit,
            kind="surat_teguran",
            actor=kasi,
            hal=hal,
            signer_role="camat",
            recipient="Sdr. Budi",
            body="Dengan ini kami menegur Saudara.",
            now=_at(day),
        )

    letter_cancel(letter=draft("Batal lama", OLD), actor=camat, reason="Keliru", now=_at(OLD))
    letter_cancel(letter=draft("Batal baru", RECENT), actor=camat, reason="Keliru", now=_at(RECENT))
    draft("Masih konsep", OLD)

    for day in (OLD, RECENT):
        incoming_record(
            unit=unit,
            actor=staf,
            received_on=day,
            sender="Ketua RW 05",
            number="012/RW05/2027",
            dated=day,
            subject="Permohonan penertiban lapak",
            now=_at(day),
        )


def _counts(on: dt.date = TODAY) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (line.rule.record_type, line.rule.sop_code): (line.finished, line.past)
        for line in retention_report(on=on)
    }


def test_the_report_counts_finished_records_past_their_period(records):
    RetentionRule.objects.all().delete()
    for kind in RecordType.values:
        _rule(kind)
    _rule(RecordType.CASE, "PGD")
    cut_off = timezone.make_aware(dt.datetime(2028, 6, 15))
    counts = _counts()
    # PGD's own line takes the PGD cases (the complaint's among them); the line without a code
    # takes the other SOPs' (none here)
    assert counts[("case", "PGD")] == (3, 2)
    assert counts[("case", "")] == (0, 0)
    assert counts[("complaint", "")] == (1, 1)
    assert counts[("letter", "")] == (2, 1)  # the draft is not finished
    assert counts[("incoming_letter", "")] == (2, 1)
    past_events = AuditEvent.objects.filter(at__lt=cut_off).count()
    assert past_events > 0
    assert counts[("audit_event", "")] == (AuditEvent.objects.count(), past_events)


def test_without_its_own_line_an_sop_falls_under_the_line_without_a_code(records):
    RetentionRule.objects.all().delete()
    _rule(RecordType.CASE, years=(1, 1))
    _rule(RecordType.CASE, "PPW", years=(0, 1))
    assert _counts() == {("case", ""): (3, 2), ("case", "PPW"): (0, 0)}
    # Ten years on everything finished is past; a longer period keeps more inside it
    assert _counts(dt.date(2040, 1, 1))[("case", "")] == (3, 3)
    RetentionRule.objects.filter(sop_code="").update(active_years=5)
    assert _counts()[("case", "")] == (3, 0)


def test_the_command_lists_the_schedule_and_deletes_nothing(records):
    RetentionRule.objects.all().delete()
    _rule(RecordType.CASE, "PGD")
    _rule(RecordType.LETTER)
    before = (Case.objects.count(), Complaint.objects.count(), Letter.objects.count())
    before += (IncomingLetter.objects.count(), AuditEvent.objects.count())
    out = io.StringIO()
    call_command("retention", "report", "--on", TODAY.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == [
        "record", "type", "SOP", "active", "inactive", "disposition", "finished", "past",
        "retention", "finished", "before",
    ]  # fmt: skip
    assert lines[2].split() == ["case", "PGD", "1", "1", "musnah", "3", "2", "2028-06-15"]
    assert lines[3].split() == ["letter", "-", "1", "1", "musnah", "2", "1", "2028-06-15"]
    assert lines[4].startswith("3 record(s) past their retention period. Nothing was deleted")
    after = (Case.objects.count(), Complaint.objects.count(), Letter.objects.count())
    after += (IncomingLetter.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_a_bad_day_is_refused_in_one_line(db):
    with pytest.raises(CommandError) as refused:
        call_command("retention", "report", "--on", "15/06/2030")
    assert str(refused.value) == "--on: not a date like 2026-12-31: '15/06/2030'"


def test_a_period_ending_on_29_february_falls_back_to_the_28th():
    assert years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)
    assert years_before(dt.date(2030, 6, 15), 2) == dt.date(2028, 6, 15)


def test_the_default_schedule_covers_every_kind_of_record_and_known_sops(db):
    """The data migration's lines (run again here: a transactional test elsewhere may have
    emptied the table); running it twice changes nothing."""
    seed = importlib.import_module("trantib.backups.migrations.0002_default_retention_rules")
    RetentionRule.objects.all().delete()
    seed.seed(apps, None)
    seed.seed(apps, None)
    rules = list(RetentionRule.objects.all())
    assert len(rules) == len(seed.DEFAULTS)
    assert {r.record_type for r in rules} == set(RecordType.values)
    assert ("case", "") in {(r.record_type, r.sop_code) for r in rules}
    for rule in rules:
        assert rule.disposition in Disposition.values and rule.legal_basis and rule.years > 0
        if rule.sop_code:
            assert registry.get(rule.sop_code).code == rule.sop_code


def test_the_admin_shows_the_schedule_read_only(client, demo_org):
    RetentionRule.objects.all().delete()
    _rule(RecordType.CASE, "PGD", years=(2, 3))
    rule = RetentionRule.objects.get(sop_code="PGD")
    client.force_login(demo_org.user("admin"))
    listing = client.get(reverse("admin:backups_retentionrule_changelist"))
    assert listing.status_code == 200 and "case PGD" in listing.text
    detail = client.get(reverse("admin:backups_retentionrule_change", args=[rule.pk]))
    assert detail.status_code == 200 and 'name="active_years"' not in detail.text
    assert client.get(reverse("admin:backups_retentionrule_add")).status_code == 403
    deleted = client.post(reverse("admin:backups_retentionrule_delete", args=[rule.pk]))
    assert deleted.status_code == 403 and RetentionRule.objects.filter(pk=rule.pk).exists()
