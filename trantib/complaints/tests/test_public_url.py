"""Links sent to citizens follow the address the server actually serves on when
``TRANTIB_PUBLIC_URL`` is unset: a changed PORT must not produce dead links."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from trantib.complaints import services
from trantib.complaints.models import Category
from trantib.core.management.commands.serve import served_url, served_url_export
from trantib.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _file(categories: dict[str, Category]):
    return services.complaint_file(
        channel="web",
        category=categories["pkl"],
        description="Lapak PKL menutup trotoar di depan pasar",
        latitude="-7.586200",
        longitude="111.049600",
        kelurahan="Kuto",
        reporter_name="Siti Rahayu",
        reporter_phone="0812-3456-7890",
    )


def test_the_serve_command_names_the_address_it_listens_on():
    assert served_url("127.0.0.1", 8622) == "http://127.0.0.1:8622"
    assert served_url("0.0.0.0", 8622) == "http://127.0.0.1:8622"  # noqa: S104
    assert served_url("::1", 8622) == "http://[::1]:8622"


def test_the_receipt_sms_links_to_the_port_the_server_serves_on(
    settings, monkeypatch, complaint_categories: dict[str, Category]
) -> None:
    settings.TRANTIB_PUBLIC_URL = ""
    monkeypatch.setenv("TRANTIB_SERVED_URL", "")  # restored (unset) after the test
    served_url_export("127.0.0.1", 8622)  # what `PORT=8622 make run` runs
    complaint = _file(complaint_categories)
    receipt = OutboxMessage.objects.get(case=complaint.case, channel="sms")
    assert f"http://127.0.0.1:8622/lacak/{complaint.tracking}/" in receipt.body
    assert ":8000" not in receipt.body


def test_a_set_public_url_wins_and_a_page_links_to_the_address_it_was_asked_on(
    settings, demo_org, complaint_categories: dict[str, Category]
) -> None:
    settings.TRANTIB_PUBLIC_URL = "https://trantib.example.go.id/"
    settings.TRANTIB_SERVED_URL = "http://127.0.0.1:8622"
    complaint = _file(complaint_categories)
    assert services.status_url(complaint.tracking) == (
        f"https://trantib.example.go.id/lacak/{complaint.tracking}/"
    )
    settings.TRANTIB_PUBLIC_URL = ""
    client = Client()
    client.force_login(demo_org.user("staf.krj"))
    html = client.get(
        reverse("complaints:detail", args=[complaint.pk]), HTTP_HOST="localhost:8622"
    ).content.decode()
    assert f'href="http://localhost:8622/lacak/{complaint.tracking}/"' in html
