"""The demo's letters: the units' settings and registers, a month of letters in every state,
incoming letters with their dispositions, all through the letters services and idempotent."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.utils import timezone

from trantib.cases.models import Case, Task
from trantib.core.models import AuditEvent
from trantib.demo import (
    demo_cases_load,
    demo_incoming_load,
    demo_letter_setup_load,
    demo_letters_load,
)
from trantib.letters.models import (
    Delivery,
    Disposition,
    IncomingLetter,
    Letter,
    LetterSettings,
    LetterState,
    Register,
    Review,
    SigningCredential,
)
from trantib.letters.services import pending_review, settings_for
from trantib.letters.signing import pdf_validate

pytestmark = pytest.mark.django_db

MODELS = [
    Letter,
    Review,
    Delivery,
    IncomingLetter,
    Disposition,
    LetterSettings,
    Register,
    SigningCredential,
    Case,
    Task,
    AuditEvent,
]


@dataclass(frozen=True)
class Loaded:
    now: dt.datetime
    letters: list
    incoming: list


def load(now: dt.datetime, *, cases: bool) -> Loaded:
    """As ``trantib demo`` does: settings, letters, (cases), incoming letters."""
    demo_letter_setup_load(now=now)
    letters = demo_letters_load(now=now)
    if cases:
        demo_cases_load(now=now)
    return Loaded(now=now, letters=letters, incoming=demo_incoming_load(now=now))


@pytest.fixture
def loaded(demo_org) -> Loaded:
    return load(timezone.now(), cases=False)


def cpd(hal_start: str) -> Letter:
    return Letter.objects.get(unit__code="CPD", case=None, hal__startswith=hal_start)


def test_cipondoh_has_a_month_of_letters_in_every_state(loaded):
    states = set(Letter.objects.filter(unit__code="CPD", case=None).values_list("state", flat=True))
    assert states == set(LetterState.values)
    # A Nota Dinas waits for the Sekcam's paraf; a letter went back to the Kasi with a note.
    nota = cpd("Pendataan pedagang kaki lima")
    assert nota.kind == "nota_dinas" and nota.state == LetterState.REVIEW
    assert pending_review(nota).role == "sekcam"
    returned = cpd("Pemberitahuan pembongkaran bangunan liar")
    assert returned.state == LetterState.RETURNED
    assert returned.created_by.user.username == "kasi.cpd"
    review = returned.reviews.get(outcome=Review.Outcome.RETURNED)
    assert review.person.user.username == "sekcam.cpd" and "dasar hukum" in review.note
    # The Surat Perintah Tugas names its team; signed on paper, its printed PDF is the scan.
    spt = Letter.objects.get(unit__code="CPD", kind="surat_perintah_tugas", case=None)
    assert spt.state == LetterState.SIGNED and len(spt.data["personel"]) == 4
    assert spt.sign_mode == "basah" and spt.signer_name.startswith("H. Rahmat Hidayat")
    with spt.official_pdf.open("rb") as f:
        assert f.read().startswith(b"%PDF-")
    # The Surat Teguran was delivered, with a photo of the tanda terima.
    teguran = Letter.objects.get(unit__code="CPD", kind="surat_teguran", case=None)
    delivery = teguran.deliveries.get()
    assert delivery.received_by == "Wawan Hermawan" and delivery.photo
    assert delivery.received_at >= teguran.signed_at
    # A cancelled letter keeps its number and says why.
    cancelled = cpd("Undangan rapat koordinasi")
    assert cancelled.state == LetterState.CANCELLED and cancelled.number
    assert "ditunda" in cancelled.cancel_reason
    assert cpd("Jadwal patroli gabungan").state == LetterState.NUMBERED
    assert cpd("Tanggapan atas pengaduan").state == LetterState.APPROVED
    # Dated across the last weeks, on working days.
    dated = [x.created_at for x in Letter.objects.filter(unit__code="CPD", case=None)]
    assert max(dated) - min(dated) > dt.timedelta(days=21)
    assert all(timezone.localtime(d).weekday() < 5 for d in dated)


def test_satpol_pp_signs_electronically_and_its_letter_validates_as_of_its_signing(loaded):
    reply = Letter.objects.get(unit__code="PPTNG", kind="surat_pemberitahuan", case=None)
    assert reply.sign_mode == "elektronik" and reply.state == LetterState.SIGNED
    assert reply.signed_at < loaded.now - dt.timedelta(days=14)
    asked = cpd("Permohonan dukungan personel")
    assert asked.number in reply.body  # the reply cites the Camat's letter
    with reply.official_pdf.open("rb") as f:
        result = pdf_validate(f.read(), unit=reply.unit, at=reply.signed_at)
    assert result.valid, result.problem


def test_the_units_letter_settings_are_the_files(demo_org):
    first = demo_letter_setup_load()
    assert first.units == 6 and first.saved > 0
    assert demo_letter_setup_load().saved == 0
    cipondoh = settings_for(demo_org.unit("CPD"))
    assert (cipondoh.paper, cipondoh.sign_mode, cipondoh.place) == ("F4", "basah", "Cipondoh")
    assert cipondoh.logo and cipondoh.kop() == ["PEMERINTAH KOTA TANGERANG", "KECAMATAN CIPONDOH"]
    assert cipondoh.address()[0].startswith("Jl. KH. Hasyim Ashari")
    modes = dict(LetterSettings.objects.values_list("unit__code", "sign_mode"))
    assert modes["PPTNG"] == "elektronik" and modes["KRW"] == "tte_luar"
    papers = dict(LetterSettings.objects.values_list("unit__code", "paper"))
    assert papers["PPTNG"] == "A4" and papers["KRJ"] == "F4"


def test_every_register_numbers_in_date_order_without_gaps(demo_org):
    load(timezone.now(), cases=True)
    numbered = Letter.objects.exclude(serial=None).select_related("register__unit")
    by_register: dict[tuple[int, int], list[Letter]] = defaultdict(list)
    for letter in numbered:
        by_register[letter.register_id, letter.year].append(letter)
    units = {r.unit.code for r in Register.objects.filter(letters__isnull=False)}
    assert {"CPD", "PPTNG", "KRJ"} <= units
    for letters in by_register.values():
        letters.sort(key=lambda x: x.serial)
        assert [x.serial for x in letters] == list(range(1, len(letters) + 1))
        dates = [x.dated for x in letters]
        assert dates == sorted(dates), [(x.number, x.dated) for x in letters]
    pattern = {
        "CPD": "/Trantib/",
        "PPTNG": "/SATPOLPP/",
        "KRJ": "/KRJ/",
    }
    for letter in numbered:
        if letter.unit.code in pattern:
            assert pattern[letter.unit.code] in letter.number
    kerjo = numbered.get(unit__code="KRJ")
    assert kerjo.number.split("/")[-2] in {
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
        "XI",
        "XII",
    }
    # The patrol cases' letters are signed electronically too, after the stand-alone ones.
    assert Letter.objects.filter(unit__code="PPTNG", case__isnull=False, sign_mode="elektronik")


def test_incoming_letters_have_scans_and_dispositions_done_pending_and_opening_a_case(loaded):
    per_unit = defaultdict(list)
    for incoming in IncomingLetter.objects.order_by("agenda_serial"):
        per_unit[incoming.unit.code].append(incoming)
        with incoming.scan.open("rb") as f:
            assert f.read().startswith(b"%PDF-")
    assert {code: len(found) for code, found in per_unit.items()} == {
        "CPD": 5,
        "PPTNG": 4,
        "KRJ": 4,
    }
    for found in per_unit.values():
        assert [i.agenda_serial for i in found] == list(range(1, len(found) + 1))
    dispositions = Disposition.objects.filter(incoming__unit__code="CPD")
    assert dispositions.filter(done_at__isnull=False).exists()
    today = timezone.localdate()
    pending = dispositions.filter(done_at=None, due_on__gte=today)
    assert pending.exists()
    opened = dispositions.get(case__isnull=False)
    assert opened.case.sop_code == "PUR" and opened.case.status == "open"
    assert opened.case.unit.code == "CPD"
    # Satpol PP received the Camat's letter itself: its number and its official PDF.
    sent = cpd("Permohonan dukungan personel")
    received = IncomingLetter.objects.get(unit__code="PPTNG", number=sent.number)
    assert received.scan_sha256 == sent.official_sha256
    # The case the disposition opened does not start late (the first screen stays calm).
    live = Task.objects.filter(case=opened.case, status__in=("open", "claimed"))
    assert live and all(t.due_at is None or t.due_at > loaded.now for t in live)


def test_a_second_load_creates_nothing(loaded):
    before = {m.__name__: m.objects.count() for m in MODELS}
    again = load(loaded.now + dt.timedelta(minutes=5), cases=False)
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    assert not any(x.created for x in again.letters + again.incoming)
