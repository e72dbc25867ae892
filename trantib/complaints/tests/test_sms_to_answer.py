"""The issue's check: a complaint taken from SMS runs through seed 002 to the end, and the
reporter's notification appears in the outbox and is delivered by the file gateway.

The SMS comes in through the webhook as the gateway posts it; the people of Kecamatan Kerjo
do every step of PGD v2 through the REST API (claim, upload, complete), as
``trantib/cases/tests/test_scenarios.py`` does; the outbox worker's pass then delivers the
answer, which the file gateway writes into ``TRANTIB_OUTBOX_DIR``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from trantib.cases.models import CaseStatus
from trantib.complaints.models import Complaint
from trantib.demo import DEMO_PASSWORD
from trantib.outbox.models import OutboxMessage
from trantib.outbox.services import outbox_deliver

API = "/api/v1"
SENDER = "081229004411"
NUMBER = "+6281229004411"
REPORT = (
    "LAPOR hiburan Karaoke di Dusun Ngasem, Desa Tamansari masih buka pukul 01.00 dan sangat bising"
)
ANSWER = (
    "Karaoke di Dusun Ngasem sudah ditegur dan kini tutup pukul 23.00. Terima kasih atas "
    "laporan Anda."
)
# A 1x1 PNG: the evidence photo of bukti_penyelesaian.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
# PGD v2 after the report, as seed 002 assigns it in Kerjo: step, who, data, files.
STEPS: list[tuple[str, str, dict[str, Any], str]] = [
    ("staf_sampaikan", "staf.krj", {}, ""),
    ("kasi_teruskan", "kasi.krj", {}, ""),
    ("camat_arahkan", "camat.krj", {"arahan": "Tegur pengelola karaoke, laporkan hasilnya."}, ""),
    (
        "koordinasi_tindak",
        "kasi.krj",
        {"instansi_terkait": "Pemerintah Desa Tamansari", "tindakan": "Teguran lisan."},
        "",
    ),
    ("bukti_penyelesaian", "kasi.krj", {}, "bukti"),
    ("lapor_camat", "kasi.krj", {}, ""),
]


class Api:
    """The REST API as the demo people, by their tokens."""

    def __init__(self) -> None:
        self.client = Client()
        self.tokens: dict[str, str] = {}

    def _headers(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            response = self.client.post(
                f"{API}/auth/token",
                {"username": username, "password": DEMO_PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 201, response.content
            self.tokens[username] = response.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def get(self, username: str, path: str) -> Any:
        response = self.client.get(f"{API}{path}", headers=self._headers(username))
        assert response.status_code == 200, (path, response.content)
        return response.json()

    def post(self, username: str, path: str, body: Any, *, status: int = 200) -> Any:
        response = self.client.post(
            f"{API}{path}",
            json.dumps(body),
            content_type="application/json",
            headers=self._headers(username),
        )
        assert response.status_code == status, (username, path, body, response.content)
        return response.json()

    def upload(self, username: str, case_id: int, task_id: int) -> int:
        response = self.client.post(
            f"{API}/cases/{case_id}/attachments",
            {"file": SimpleUploadedFile("bukti.png", PNG), "task": str(task_id)},
            headers=self._headers(username),
        )
        assert response.status_code == 201, response.content
        return int(response.json()["id"])

    def live_task(self, username: str, case_id: int, step: str) -> dict[str, Any]:
        case = self.get(username, f"/cases/{case_id}")
        (task,) = [
            t for t in case["tasks"] if t["step"] == step and t["status"] in ("open", "claimed")
        ]
        return task

    def claim(self, username: str, case_id: int, step: str) -> int:
        task = self.live_task(username, case_id, step)
        assert task["id"] in {t["id"] for t in self.get(username, "/tasks/mine")}
        claimed = self.post(username, f"/tasks/{task['id']}/claim", {})
        assert (claimed["status"], claimed["assignee"]) == ("claimed", username)
        return int(task["id"])

    def complete(self, username: str, task_id: int, data: dict[str, Any], **kw: Any) -> Any:
        body = {"data": data, "decision": "", "requirements": [], "attachments": []}
        return self.post(username, f"/tasks/{task_id}/complete", body, **kw)


def _sms(text: str, gateway_id: str) -> dict[str, Any]:
    response = Client().post(
        "/sms/masuk/",
        {"id": gateway_id, "from": SENDER, "text": text},
        headers={"X-Trantib-Secret": settings.TRANTIB_SMS_WEBHOOK_SECRET},
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


@pytest.mark.django_db
def test_an_sms_complaint_runs_through_pgd_and_its_answer_is_delivered_by_the_file_gateway(
    complaint_categories,
):
    filed = _sms(REPORT, "gw-answer-1")
    assert filed["status"] == "complaint"
    complaint = Complaint.objects.get(tracking=filed["tracking"])
    assert complaint.unit.code == "KRJ" and complaint.reporter_phone == NUMBER
    case_id = complaint.case_id
    api = Api()

    for step, who, data, files in STEPS:
        task_id = api.claim(who, case_id, step)
        if files:
            data = {**data, files: [api.upload(who, case_id, task_id)]}
        done = api.complete(who, task_id, data)
        assert (done["status"], done["completed_by"]) == ("done", who), step

    task_id = api.claim("staf.krj", case_id, "informasi_pelapor")
    # The reporter left a number: the case cannot close as if nobody could be reached.
    refused = api.complete(
        "staf.krj",
        task_id,
        {"saluran": "Tidak dapat dihubungi", "isi": "Tidak dapat dihubungi."},
        status=422,
    )
    assert refused["field"] == "data.saluran"
    refused = api.complete("staf.krj", task_id, {"saluran": "E-mail", "isi": ANSWER}, status=422)
    assert refused["field"] == "data.saluran"
    assert not OutboxMessage.objects.filter(kind="complaint_answer").exists()
    assert api.get("staf.krj", f"/cases/{case_id}")["status"] == "open"

    done = api.complete("staf.krj", task_id, {"saluran": "SMS", "isi": ANSWER})
    assert done["status"] == "done"
    case = api.get("staf.krj", f"/cases/{case_id}")
    assert case["status"] == "closed" and case["closed_at"]
    assert all(t["status"] == "done" for t in case["tasks"])
    complaint.refresh_from_db()
    assert complaint.case.status == CaseStatus.CLOSED
    assert complaint.answered_at is not None
    assert (complaint.answer_channel, complaint.answer_text) == ("SMS", ANSWER)

    (answer,) = OutboxMessage.objects.filter(kind="complaint_answer")
    assert (answer.channel, answer.recipient, answer.body) == ("sms", NUMBER, ANSWER)
    assert answer.status == OutboxMessage.Status.PENDING and answer.unit.code == "KRJ"

    result = outbox_deliver()
    assert result.sent == 2 and result.dead == result.failed == 0  # the receipt and the answer
    answer.refresh_from_db()
    assert answer.status == OutboxMessage.Status.SENT and answer.sent_at is not None
    written = Path(settings.TRANTIB_OUTBOX_DIR) / f"{answer.idempotency_key}.txt"
    content = written.read_text(encoding="utf-8")
    assert ANSWER in content and NUMBER in content
    receipt = OutboxMessage.objects.get(kind="complaint_received")
    assert receipt.status == OutboxMessage.Status.SENT
    assert filed["tracking"] in (
        Path(settings.TRANTIB_OUTBOX_DIR) / f"{receipt.idempotency_key}.txt"
    ).read_text(encoding="utf-8")

    # The reporter asks by SMS afterwards and reads the outcome.
    status = _sms(f"CEK {filed['tracking']}", "gw-answer-2")
    assert status["status"] == "status"
    assert status["reply"].startswith(f"Pengaduan {filed['tracking']}: Selesai.")
    assert "Karaoke di Dusun Ngasem sudah ditegur" in status["reply"]
