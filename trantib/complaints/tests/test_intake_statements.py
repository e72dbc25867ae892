"""What one intake costs the database: the statements of a complaint filed through the API
and through the SMS webhook, counted, and the rows they leave as the slower path left them
(``late_from`` written once, and right)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from trantib.api.services import api_token_create
from trantib.api.tests.support import ApiClient
from trantib.cases.models import Case, Task, TaskStatus
from trantib.cases.services import late_from_of_case
from trantib.complaints.models import Complaint

pytestmark = pytest.mark.django_db

SECRET = "test-sms-secret"  # config/settings_test.py
KARAOKE = "Warung karaoke di Dusun Ngasem buka sampai pukul 02.00 setiap malam Minggu"


def _statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


def _case_row_right(complaint: Complaint) -> None:
    case = Case.objects.get(pk=complaint.case_id)
    expected = Case.objects.filter(pk=case.pk).values_list(late_from_of_case(), flat=True).get()
    assert case.late_from == expected is not None
    live = Task.objects.get(case=case, status=TaskStatus.OPEN)
    assert case.late_from == live.due_at  # the Staf's next step, the only one not done


# On PostgreSQL the case opens through the start's fast path (``cases/services/faststart.py``):
# its number, ids and the SOP version in one statement, every row in a second.
STATEMENTS_FAST = {"api": 14, "sms": 20}


def _fast() -> bool:
    return connection.vendor == "postgresql"


def _late_from_written_once(sqls: list[str]) -> None:
    """Once: by an UPDATE on the ORM path, with the case's row on the fast path."""
    updates = sum('SET "late_from"' in s for s in sqls)
    if _fast():
        assert updates == 0
        assert sum(s.startswith('WITH w0 AS (INSERT INTO "cases_case"') for s in sqls) == 1
    else:
        assert updates == 1


def _counted(sqls: list[str], head: str) -> int:
    return sum(1 for s in sqls if s.lstrip().upper().startswith(head))


def test_a_complaint_through_the_api_takes_one_statement_per_row_it_needs(
    demo_org: Any, complaint_categories: Any
) -> None:
    _row, token = api_token_create(user=demo_org.user("staf.krj"), name="test")
    client = ApiClient(token)
    body = {"channel": "phone", "category": "hiburan", "description": KARAOKE}
    client.post("/complaints", {**body, "kelurahan": "Kuto"})  # the first of the year's count
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/complaints", {**body, "reporter_phone": "0812 3456 7890"})
    assert response.status_code == 201, response.content
    sqls = _statements(queries)
    # The token and its person in one read; the officer's positions read once (not three
    # times); the case number in one statement; late_from written once; no savepoint but
    # the transaction's own (a savepoint here: the test runs inside a transaction).
    assert _counted(sqls, "SAVEPOINT") == 1
    position_reads = (
        'SELECT 1 AS "a" FROM "accounts_assignment"',
        'SELECT "accounts_position"',
        'SELECT p."unit_id", p."code"',  # positions_held
    )
    # Once for both checks; the answer reads the intake units only for a confidential one.
    assert sum(s.startswith(position_reads) for s in sqls) == 1
    assert sum("core_counter" in s for s in sqls) == 1
    _late_from_written_once(sqls)
    assert sum('FROM "accounts_person"' in s and "api_apitoken" not in s for s in sqls) <= 2
    assert len(sqls) <= (STATEMENTS_FAST["api"] if _fast() else 25), "\n".join(sqls)
    _case_row_right(Complaint.objects.get(tracking=response.json()["tracking"]))


def test_a_complaint_by_sms_takes_one_statement_per_row_it_needs(complaint_categories: Any) -> None:
    def sms(n: int) -> Any:
        text = f"LAPOR pkl Lapak nomor {n} menutup trotoar di depan Pasar Kerjo, Desa Kuto"
        return Client().post(
            "/sms/masuk/",
            {"id": f"gw-{n}", "from": f"0812-2900-44{n:02d}", "text": text},
            headers={"X-Trantib-Secret": SECRET},
        )

    sms(1)
    with CaptureQueriesContext(connection) as queries:
        response = sms(2)
    assert response.status_code == 200 and response.json()["status"] == "complaint"
    sqls = _statements(queries)
    # The transaction's own (a savepoint in a test) and complaint_file's: a refused report
    # still gets its help reply.
    assert _counted(sqls, "SAVEPOINT") == 2
    assert sum("complaints_routingrule" in s for s in sqls) == 1
    assert sum("core_ratewindow" in s for s in sqls) == 1
    assert sum("core_counter" in s for s in sqls) == 1
    _late_from_written_once(sqls)
    assert len(sqls) <= (STATEMENTS_FAST["sms"] if _fast() else 31), "\n".join(sqls)
    _case_row_right(Complaint.objects.get(tracking=response.json()["tracking"]))
