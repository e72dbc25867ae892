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
STATEMENTS_FAST = {"api": 11, "sms": 14}


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


def _values(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the written-out reads run on PostgreSQL only"
)
def test_the_written_out_reads_of_categories_and_rules_find_what_the_orm_finds(
    complaint_categories: Any,
) -> None:
    """Every complaint reads the routing rules and its category; on PostgreSQL those reads are
    written out (``routing_rules_sql``, ``categories_active_sql``). With a category switched
    off and a rule by coordinates beside the demo's rules by desa, they return the ORM's rows,
    in its order, each with its unit loaded (no query for it)."""
    from trantib.complaints import selectors
    from trantib.complaints.models import Category, RoutingRule
    from trantib.complaints.services.intake import routing_rules_orm, routing_rules_sql

    reklame = complaint_categories["reklame"]
    Category.objects.filter(pk=reklame.pk).update(active=False)
    RoutingRule.objects.create(
        unit=complaint_categories["cpd-pkl"].unit,
        priority=5,
        category=complaint_categories["cpd-pkl"],
        min_lat="-6.250000",
        max_lat="-6.100000",
        min_lon="106.600000",
        max_lon="106.750000",
    )

    def rows(objs: list[Any]) -> list[Any]:
        return [(_values(o), _values(o.unit)) for o in objs]

    orm_rules = routing_rules_orm()
    assert len(orm_rules) > 5 and any(r.min_lat is not None for r in orm_rules)
    with CaptureQueriesContext(connection) as queries:
        written = routing_rules_sql()
        assert rows(written) == rows(orm_rules)
    assert len(queries) == 1
    orm_categories = list(selectors.categories_active())
    assert reklame.pk not in [c.pk for c in orm_categories]
    assert rows(selectors.categories_active_sql()) == rows(orm_categories)
    for code in [*complaint_categories, "tidak-ada"]:
        orm = selectors.categories_active().filter(code=code).first()
        found = selectors.category_active(code)
        assert (found and rows([found])) == (orm and rows([orm])), code
    assert selectors.category_active("reklame") is None
