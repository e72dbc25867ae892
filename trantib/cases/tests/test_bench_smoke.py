"""The benchmark's code runs end to end with tiny counts (SQLite in a temporary folder, a real
gunicorn on loopback for the intake part) and writes its tables. No timing is asserted:
numbers belong in docs/PERFORMANCE.md, not here."""

from __future__ import annotations

from bench import run


def test_the_benchmark_writes_its_tables_and_profile_for_sqlite(tmp_path):
    out = tmp_path / "PERFORMANCE.md"
    argv = [
        "--backends",
        "sqlite",
        "--completions",
        "12",
        "--cases-per-worker",
        "2",
        "--long-steps",
        "8",
        "--long-cases",
        "1",
        "--profile-completions",
        "6",
        "--intakes",
        "3",
        "--var-dir",
        str(tmp_path / "var"),
        "--output",
        str(out),
    ]

    assert run.main(argv) == 0

    text = out.read_text()
    # Each intake run: 3 timed complaints and 3 warm-up ones per client, each a full intake
    # (complaint, case with its first step done, receipt queued), counted in the database.
    for row in (
        "| SQLite | REST API (`POST /api/v1/complaints`) | 1 | 3 |",
        "| SQLite | REST API (`POST /api/v1/complaints`) | 2 | 3 |",
        "| SQLite | SMS webhook (`POST /sms/masuk/`) | 1 | 3 |",
        "| SQLite | SMS webhook (`POST /sms/masuk/`) | 2 | 3 |",
    ):
        line = next(line for line in text.splitlines() if line.startswith(row))
        clients = int(row.split("|")[3])
        made = 3 + 3 * clients
        assert line.endswith(f"| 0 | {made} of {made} | {made} | {made} |"), line
    assert "Every request was a full intake" in text
    for row in (
        "| SQLite | 1 | services (`task_complete`) | 12 |",
        "| SQLite | 1 | raw SQL floor | 12 |",
        "| SQLite | 2 | services (`task_complete`) | 12 |",
        "| SQLite | 2 | raw SQL floor | 12 |",
    ):
        assert row in text
    assert "## Step 1 vs step 8 of a long case" in text
    assert "| SQLite | " in text.split("## Step 1 vs step 8")[1].split("## Where")[0]
    assert "Queries of one `draft_surat_perintah` completion" in text
    assert "Queries of one `verifikasi_surat_perintah` completion" in text
    assert "`trantib/cases/services/steps.py:" in text  # the profile names our functions
    # Every chain the benchmark wrote, through the services or in raw SQL, verifies.
    assert "SQLite (services and raw rows alike): 0 problems." in text
    assert "PostgreSQL" not in text.split("## Results")[1]


def test_the_benchmark_skips_postgresql_with_a_note_when_no_server_answers(tmp_path):
    out = tmp_path / "PERFORMANCE.md"
    argv = [
        "--backends",
        "postgres",
        "--pg-url",
        "postgres://postgres@127.0.0.1:1/trantib_bench",
        "--intakes",
        "3",
        "--var-dir",
        str(tmp_path / "var"),
        "--output",
        str(out),
    ]

    assert run.main(argv) == 0

    text = out.read_text()
    assert "| PostgreSQL | – | – | – | – | skipped: no PostgreSQL server answered" in text
    assert "the targets, which are about PostgreSQL, are not judged in this run" in text
