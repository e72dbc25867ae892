"""The picker include as another app's form uses it: rendered, posted back, searched."""

from __future__ import annotations

from django.template import Context, Template
from django.test import Client, RequestFactory

from trantib.conftest import DemoOrg
from trantib.core.errors import Invalid
from trantib.enforcement.models import Violator

PICKER = Template('{% include "enforcement/_violator_pick.html" with prefix="temuan" unit=unit %}')


def _render(demo_org: DemoOrg, *, post: dict | None = None, error: Invalid | None = None) -> str:
    factory = RequestFactory()
    request = factory.post("/x", post) if post is not None else factory.get("/x")
    request.user = demo_org.user("petugas1.pptng")
    request.person = demo_org.person("petugas1.pptng")  # type: ignore[attr-defined]
    context = Context({"request": request, "unit": demo_org.unit("PPTNG"), "pick_error": error})
    return PICKER.render(context)


def test_the_picker_offers_search_new_fields_and_a_plain_list_without_javascript(
    demo_org: DemoOrg, budi: Violator
):
    html = _render(demo_org)
    assert 'name="temuan-q"' in html and 'name="temuan-nik"' in html
    assert 'name="temuan-owner_name"' in html and 'name="temuan-nib"' in html
    # Without JavaScript: a plain select of the unit's register.
    assert "<noscript>" in html and f'<option value="{budi.pk}">Budi Hartono — Cibodas' in html


def test_a_refused_new_violator_comes_back_with_its_values_the_error_and_the_look_alikes(
    demo_org: DemoOrg, budi: Violator
):
    post = {"temuan-kind": "orang", "temuan-name": "Budi Hartono", "temuan-desa": "Cibodas"}
    error = Invalid("Mungkin sudah terdaftar", field="temuan-name")
    html = _render(demo_org, post=post, error=error)
    assert 'value="Budi Hartono"' in html and "Mungkin sudah terdaftar" in html
    assert f'name="temuan-violator" value="{budi.pk}"' in html
    assert 'name="temuan-different"' in html


def test_the_search_endpoint_finds_by_name_and_by_nik_for_an_officer(
    demo_org: DemoOrg, budi: Violator
):
    client = Client()
    client.force_login(demo_org.user("petugas1.pptng"))
    unit = demo_org.unit("PPTNG").pk
    url = "/penegakan/pelanggar/pilih/cari/"
    by_name = client.get(url, {"unit": unit, "prefix": "temuan", "temuan-q": "hartono"})
    assert by_name.status_code == 200 and f'value="{budi.pk}"' in by_name.content.decode()
    by_nik = client.get(url, {"unit": unit, "prefix": "temuan", "temuan-q": "36710117"})
    assert "Budi Hartono" in by_nik.content.decode()
    dups = client.get(
        "/penegakan/pelanggar/pilih/mirip/",
        {"unit": unit, "prefix": "temuan", "temuan-name": "Budi Hartono", "temuan-desa": "Cibodas"},
    )
    assert f'value="{budi.pk}"' in dups.content.decode()


def test_the_search_endpoint_does_not_match_a_nik_for_a_supervisor(
    demo_org: DemoOrg, budi: Violator
):
    client = Client()
    client.force_login(demo_org.user("sekda.tng"))
    response = client.get(
        "/penegakan/pelanggar/pilih/cari/",
        {"unit": demo_org.unit("PPTNG").pk, "prefix": "temuan", "temuan-q": "36710117"},
    )
    assert response.status_code == 200 and "Budi" not in response.content.decode()


def test_the_search_endpoint_of_another_unit_is_not_found(demo_org: DemoOrg, budi: Violator):
    client = Client()
    client.force_login(demo_org.user("kasi.krw"))
    response = client.get(
        "/penegakan/pelanggar/pilih/cari/",
        {"unit": demo_org.unit("PPTNG").pk, "prefix": "temuan", "temuan-q": "Budi"},
    )
    assert response.status_code == 404
