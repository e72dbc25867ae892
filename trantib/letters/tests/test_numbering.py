"""Numbers and registers: a number is never given twice in a unit, a register that could print
another's numbers is refused, a pattern is plain tokens with {urut} and {tahun} and fits the
number's column, a bad pattern saved by other means is refused at signing (never a 500), and
the register made on first use is audited."""

from __future__ import annotations

import pytest

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.core.audit import audit_events
from trantib.core.errors import Conflict, Invalid
from trantib.letters.models import LetterState, Register
from trantib.letters.numbering import REGISTER_CREATED, pattern_check, register_for
from trantib.letters.services import letter_number, letter_submit, register_save
from trantib.letters.tests.test_pages import draft


def approved(demo_org, **kw):
    """A letter the Camat of Cipondoh wrote himself: approved, ready to number."""
    camat = demo_org.person("camat.cpd")
    return letter_submit(letter=draft(demo_org, actor="camat.cpd", paraf=(), **kw), actor=camat)


def numbered(demo_org, **kw):
    return letter_number(letter=approved(demo_org, **kw), actor=demo_org.person("camat.cpd"))


def save(demo_org, register=None, **fields):
    args = {
        "unit": demo_org.unit("CPD"),
        "actor": demo_org.person("camat.cpd"),
        "register": register,
        "name": "Register teguran",
        "kind": "surat_teguran",
        "klasifikasi": "",
        "unit_code": "CPD",
        "pattern": "{klasifikasi}/{urut}/{unit}/{tahun}",
        "serial_digits": 4,
    }
    args.update(fields)
    return register_save(**args)


# -- one number, one letter ---------------------------------------------------------------------


def test_it_refuses_a_register_that_would_give_the_numbers_the_general_register_gave(demo_org):
    """The review's case: the general register numbered Teguran 0001; the head then added a
    Teguran register with the same unit code and the default pattern, whose 0001 is the same
    number."""
    first = numbered(demo_org)
    assert first.register.kind == "" and first.number.startswith("300.1.2.1/0001/CPD/")
    with pytest.raises(Invalid) as refused:
        save(demo_org)
    assert refused.value.field == "pattern" and "Register surat keluar" in refused.value.message
    assert not Register.objects.filter(kind="surat_teguran").exists()
    # Told apart by its unit code, it is accepted and numbers on its own.
    register = save(demo_org, unit_code="TGR")
    second = numbered(demo_org)
    assert second.register == register
    assert second.number.startswith("300.1.2.1/0001/TGR/")
    assert second.number != first.number


def test_a_kind_register_is_refused_when_the_general_one_prints_the_same_code(demo_org):
    # The general register prints 300.1.2.1 for a Surat Perintah Tugas too: a Teguran register
    # with the same pattern and unit code would meet it at 0001 even before any Teguran.
    save(demo_org, kind="", name="Umum")
    with pytest.raises(Invalid) as refused:
        save(demo_org)
    assert refused.value.field == "pattern"
    assert save(demo_org, pattern="{klasifikasi}/{urut}/{unit}/TGR/{tahun}").kind == "surat_teguran"


def test_a_number_is_unique_in_its_unit_even_when_two_registers_collide(demo_org):
    # Two registers saved around the service (as an old database or the admin could): the
    # second signing is refused with a clear message, and its serial is given back.
    unit = demo_org.unit("CPD")
    Register.objects.create(unit=unit, kind="", name="Umum", unit_code="CPD")
    Register.objects.create(unit=unit, kind="surat_teguran", name="Teguran", unit_code="CPD")
    spt = numbered(
        demo_org,
        kind="surat_perintah_tugas",
        hal="Penertiban",
        recipient="",
        data={
            "dasar": ["Perda 8/2018"],
            "personel": [demo_org.person("danru.cpd").pk],
            "untuk": ["Menertibkan PKL"],
        },
    )
    teguran = approved(demo_org)
    with pytest.raises(Conflict) as refused:
        letter_number(letter=teguran, actor=demo_org.person("camat.cpd"))
    assert spt.number in refused.value.message
    teguran.refresh_from_db()
    assert teguran.state == LetterState.APPROVED and teguran.number == ""


def test_the_kind_of_a_register_that_numbered_letters_cannot_change(demo_org):
    register = save(demo_org, unit_code="TGR")
    numbered(demo_org)
    with pytest.raises(Invalid) as refused:
        save(demo_org, register=register, kind="surat_perintah_tugas", unit_code="TGR")
    assert refused.value.field == "kind"
    register.refresh_from_db()
    assert register.kind == "surat_teguran"
    fresh = save(demo_org, unit_code="SP", kind="surat_pernyataan", name="Pernyataan")
    assert save(demo_org, register=fresh, kind="berita_acara", unit_code="SP").kind == (
        "berita_acara"
    )  # no letters yet: it may still change


def test_the_register_made_on_first_use_is_audited(demo_org):
    letter = numbered(demo_org)
    [event] = audit_events(letter.register)
    assert event.type == REGISTER_CREATED
    assert event.actor_id == demo_org.person("camat.cpd").pk
    assert event.data["automatic"] is True and event.data["kind"] == "surat_teguran"


def test_no_general_register_is_made_that_would_repeat_a_registers_numbers(demo_org):
    unit = demo_org.unit("CPD")
    Register.objects.create(unit=unit, kind="surat_teguran", name="Teguran", unit_code="CPD")
    with pytest.raises(Conflict) as refused:
        register_for(unit, "surat_perintah_tugas")
    assert refused.value.field == "register" and "Teguran" in refused.value.message
    assert not Register.objects.filter(unit=unit, kind="").exists()


# -- patterns -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "{klasifikasi}/{urut:d}/{unit}/{tahun}",
        "{klasifikasi}/{urut!r}/{unit}/{tahun}",
        "{klasifikasi}/{urut:>200}/{unit}/{tahun}",
        "{klasifikasi}/{urut[0]}/{unit}/{tahun}",
    ],
)
def test_a_pattern_with_a_format_spec_or_conversion_is_refused(pattern):
    with pytest.raises(Invalid) as refused:
        pattern_check(pattern)
    assert refused.value.field == "pattern"


def test_a_pattern_needs_the_year_and_fits_the_numbers_column():
    with pytest.raises(Invalid, match="tahun"):
        pattern_check("{klasifikasi}/{urut}/{unit}")
    with pytest.raises(Invalid, match="120"):
        pattern_check("{unit}-{unit}-{unit}/{urut}/{tahun}", unit_code="X" * 40)
    pattern_check("{unit}-{unit}/{urut}/{tahun}", unit_code="CPD")


def test_a_bad_pattern_saved_around_the_checks_is_refused_at_signing_not_a_500(demo_org):
    unit = demo_org.unit("CPD")
    Register.objects.create(
        unit=unit, kind="", name="Umum", unit_code="CPD", pattern="{urut:>200}/{tahun}"
    )
    letter = approved(demo_org)
    _row, token = api_token_create(user=demo_org.user("camat.cpd"), name="test")
    response = ApiClient(token).post(f"/letters/{letter.pk}/number")
    assert response.status_code == 409 and response.json()["field"] == "register"
    assert "Umum" in response.json()["message"]
    letter.refresh_from_db()
    assert letter.state == LetterState.APPROVED and not letter.number


def test_a_register_takes_only_a_known_classification_code(demo_org):
    with pytest.raises(Invalid) as refused:
        save(demo_org, klasifikasi="999.9", unit_code="TGR")
    assert refused.value.field == "klasifikasi" and "999.9" in refused.value.message
    assert save(demo_org, klasifikasi="300.1.2", unit_code="TGR").klasifikasi == "300.1.2"
