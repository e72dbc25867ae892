from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from trantib.accounts.models import Assignment, OrgUnit, Person, Position
from trantib.accounts.selectors import holders_of
from trantib.demo import DEMO_PASSWORD, demo_org_load
from trantib.sops import registry
from trantib.sops.models import SopVersion

MODELS = [User, OrgUnit, Position, Person, Assignment]


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_loading_the_demo_organisation_twice_creates_nothing_new(demo_org):
    before = row_counts()
    ids = {m.__name__: set(m.objects.values_list("pk", flat=True)) for m in MODELS}
    second = demo_org_load()
    assert row_counts() == before
    assert {m.__name__: set(m.objects.values_list("pk", flat=True)) for m in MODELS} == ids
    assert second == demo_org.logins
    assert before["OrgUnit"] == 10
    assert before["User"] == 41  # 40 officers and the administrator


def test_a_second_load_repairs_an_edited_demo_row_but_keeps_passwords(demo_org):
    OrgUnit.objects.filter(code="KRJ").update(name="Salah")
    user = demo_org.user("kasi.krj")
    user.set_password("ganti-sendiri")
    user.save()
    demo_org_load()
    assert OrgUnit.objects.get(code="KRJ").name == "Kecamatan Kerjo"
    assert authenticate(username="kasi.krj", password="ganti-sendiri") is not None


def test_every_demo_row_passes_its_own_validation(demo_org):
    for model in [OrgUnit, Position, Person, Assignment]:
        for obj in model.objects.all():
            obj.full_clean()


def test_every_demo_login_signs_in_with_the_demo_password(demo_org):
    usernames = {login.username for login in demo_org.logins}
    assert usernames == set(User.objects.values_list("username", flat=True))
    for username in ["admin", "camat.cpd", "kasi.krj", "banit1.binmas", "tim.ppkb"]:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    admin = demo_org.user("admin")
    assert admin.is_superuser and admin.is_staff
    assert not demo_org.user("camat.cpd").is_staff


def test_every_demo_person_has_a_login_and_an_active_position(demo_org):
    for person in Person.objects.select_related("user"):
        assert person.user is not None
        assert person.assignments.filter(valid_until__isnull=True).exists()


def test_police_have_an_nrp_and_civil_servants_a_nip(demo_org):
    banit = demo_org.person("banit1.binmas")
    assert banit.kind == Person.Kind.POLRI and len(banit.nrp) == 8 and not banit.nip
    camat = demo_org.person("camat.krj")
    assert camat.kind == Person.Kind.ASN and len(camat.nip) == 18
    assert camat.nip[14] == "2"  # the Camat of Kerjo is a woman


def test_the_tree_and_time_zones_match_the_real_organisation(demo_org):
    tng = demo_org.unit("PEMKOT-TNG")
    assert set(tng.descendants().values_list("code", flat=True)) == {"CPD", "KRW", "PPTNG"}
    assert demo_org.unit("KRJ").parent.code == "PEMKAB-KRA"
    assert demo_org.unit("BINMAS").parent.code == "POLRES-GTO"
    assert demo_org.unit("BINMAS").timezone == "Asia/Makassar"
    assert demo_org.unit("PPKB").timezone == "Asia/Pontianak"
    assert "KALENGKONGAN NO.31" in demo_org.unit("BINMAS").address
    assert demo_org.unit("KRJ").kop()[:2] == [
        "PEMERINTAH KABUPATEN KARANGANYAR",
        "KECAMATAN KERJO",
    ]


def test_the_plh_camat_of_karawaci_covers_today(demo_org):
    krw = demo_org.unit("KRW")
    plh = Assignment.objects.get(acting=Assignment.Acting.PLH)
    assert plh.person == demo_org.person("sekcam.cpd")
    assert plh.position == demo_org.position("KRW", "camat")
    assert plh.valid_from < krw.today() < plh.valid_until
    assert demo_org.person("sekcam.cpd") in holders_of(krw, "camat")


@pytest.mark.parametrize("spec", registry.current(), ids=lambda s: s.code)
def test_some_demo_unit_has_a_holder_for_every_role_of_each_library_sop(demo_org, spec):
    roles = {role.id for role in spec.roles if not role.external}
    candidates = [
        unit
        for unit in OrgUnit.objects.all()
        if all(holders_of(unit, role).exists() for role in roles)
    ]
    assert candidates, f"no demo unit holds all of {sorted(roles)} for {spec.code}"


def test_the_demo_command_loads_the_library_and_prints_the_logins(db):
    out = StringIO()
    call_command("demo", "--no-history", stdout=out)  # the history: test_history.py
    text = out.getvalue()
    assert SopVersion.objects.count() == len(registry.library().specs) > len(registry.current()) > 0
    assert "trantib-demo" in text
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Username"))
    assert header.split() == ["Username", "Password", "Person", "Position", "Unit"]
    camat = next(line for line in lines if line.startswith("camat.cpd "))
    assert "H. Rahmat Hidayat, S.STP., M.Si." in camat and camat.rstrip().endswith("CPD")
    assert any(line.startswith("sekcam.cpd ") and "Plh. Camat Karawaci" in line for line in lines)
    for username in User.objects.values_list("username", flat=True):
        assert any(line.startswith(f"{username} ") for line in lines), username


def test_running_the_demo_command_twice_changes_no_row_counts(db):
    call_command("demo", "--no-history", stdout=StringIO())
    before = {**row_counts(), "SopVersion": SopVersion.objects.count()}
    call_command("demo", "--no-history", stdout=StringIO())
    assert {**row_counts(), "SopVersion": SopVersion.objects.count()} == before
