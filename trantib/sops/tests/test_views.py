"""The public SOP library pages: list, detail, downloads; no login needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from trantib.sops import registry

pytestmark = pytest.mark.django_db

LIBRARY = Path(__file__).resolve().parents[1] / "library"


def test_the_library_lists_every_sop_in_force_without_a_login(
    client: Client, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):  # the session; SOPs come from files, not the DB
        response = client.get(reverse("sops:list"))
    assert response.status_code == 200
    html = response.content.decode()
    for spec in registry.current():
        assert reverse("sops:detail", args=[spec.code]) in html
        assert spec.code in html
    pgd = registry.get("PGD")
    assert pgd.identity.nomor in html
    assert pgd.identity.instansi[0] in html
    assert f'data-label="Baris" class="num c-rows">{len(pgd.rows)}</td>' in html
    assert all(role.name in html for role in pgd.roles)


def test_the_detail_page_shows_the_identity_the_downloads_and_the_document(
    client: Client,
) -> None:
    spec = registry.get("PGD")
    response = client.get(reverse("sops:detail", args=["PGD"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert spec.identity.nomor in html
    assert spec.name in html
    assert f'href="{reverse("sops:pdf", args=["PGD"])}"' in html
    assert f'href="{reverse("sops:bpmn", args=["PGD"])}"' in html
    assert "Unduh PDF" in html
    assert "Unduh BPMN" in html
    # The embedded official document, unescaped: its article and its flowchart SVG.
    assert '<article class="sop-document" data-sop="PGD"' in html
    assert "<svg" in html
    assert "&lt;svg" not in html
    for step in spec.steps:
        assert f'data-step="{step.id}"' in html


def test_an_unknown_sop_is_a_404_page_not_a_server_error(client: Client) -> None:
    response = client.get(reverse("sops:detail", args=["TIDAK-ADA"]))
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_a_version_that_exists_is_shown_on_request(client: Client) -> None:
    spec = registry.get("PGD")
    response = client.get(reverse("sops:detail", args=["PGD"]), {"versi": spec.version})
    assert response.status_code == 200
    assert f'data-version="{spec.version}"' in response.content.decode()


def test_a_version_that_does_not_exist_is_a_404(client: Client) -> None:
    response = client.get(reverse("sops:detail", args=["PGD"]), {"versi": "99"})
    assert response.status_code == 404


@pytest.mark.parametrize("versi", ["abc", "-1", "1.5", "１"])
def test_a_version_that_is_not_a_number_is_a_400_with_a_message(client: Client, versi: str) -> None:
    response = client.get(reverse("sops:detail", args=["PGD"]), {"versi": versi})
    assert response.status_code == 400
    assert "Versi harus berupa angka" in response.content.decode()


def test_the_pdf_download_is_an_attachment_named_after_code_and_version(client: Client) -> None:
    spec = registry.get("PGD")
    response = client.get(reverse("sops:pdf", args=["PGD"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="PGD-v{spec.version}.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_of_an_unknown_sop_is_a_404(client: Client) -> None:
    assert client.get(reverse("sops:pdf", args=["TIDAK-ADA"])).status_code == 404


def test_the_bpmn_download_is_xml(client: Client) -> None:
    response = client.get(reverse("sops:bpmn", args=["PGD"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert b"definitions" in response.content
    assert response["Content-Disposition"].startswith('attachment; filename="PGD-v')


def test_the_library_speaks_english_after_the_visitor_chose_it(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": reverse("sops:list")})
    response = client.get(reverse("sops:detail", args=["PGD"]))
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert "Download PDF" in html
    assert "Unduh PDF" not in html


@pytest.fixture
def two_versions(tmp_path, settings):
    """A library holding PGD v1 and its successor v2 (published): v2 is in force."""
    library = tmp_path / "library"
    library.mkdir()
    v1 = LIBRARY / "pengaduan" / "PGD.v1.yaml"
    text = v1.read_text(encoding="utf-8")
    (library / "PGD.v1.yaml").write_text(text, encoding="utf-8")
    v2 = text.replace("\nversion: 1\n", "\nversion: 2\nsupersedes: 1\n", 1)
    (library / "PGD.v2.yaml").write_text(v2, encoding="utf-8")
    settings.TRANTIB_SOP_LIBRARY = library
    lib = registry.reload()
    assert not lib.errors, lib.errors
    yield library
    registry.library.cache_clear()


def test_an_earlier_version_is_shown_as_such_and_its_downloads_follow_it(
    client: Client, two_versions
) -> None:
    detail = reverse("sops:detail", args=["PGD"])
    current = client.get(detail).content.decode()
    assert 'data-version="2"' in current
    assert f'href="{detail}?versi=1"' in current  # the other version is offered

    response = client.get(detail, {"versi": "1"})
    html = response.content.decode()
    assert 'data-version="1"' in html
    assert "Anda melihat versi 1. Versi yang berlaku adalah versi 2." in html
    assert f'href="{reverse("sops:pdf", args=["PGD"])}?versi=1"' in html

    pdf = client.get(reverse("sops:pdf", args=["PGD"]), {"versi": "1"})
    assert pdf["Content-Disposition"] == 'attachment; filename="PGD-v1.pdf"'
