"""What the matrix needs to read and compare: the text of any answer (HTML, JSON, CSV, XLSX,
DOCX, PDF), a URL filled from a pattern, the smallest body an OpenAPI schema accepts, and a
fingerprint of the database that shows whether a refused request changed anything."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Model
from django.http import HttpResponseBase

PNG_NAME = "bukti.png"
# The smallest PNG: what a request uploads in place of ``PNG_NAME``, and a planted photo.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

# Rows a refused request may add or change without doing anything: sessions, rate-limit and
# login-throttle counters, the access log of logins and tokens (a failure is logged by
# design). Any other table that changes after a refused request is a failure.
BOOKKEEPING = {
    "sessions.session",
    "core.ratewindow",
    "accounts.loginthrottle",
    "accounts.accessevent",
    "api.apitoken",  # its last use is stamped; a revocation is caught by the planted token
}


def answer_text(response: HttpResponseBase) -> str:
    """The text a reader of the answer sees, whatever its format ("" for an image). A streamed
    answer (a file) is read once and put back, for the next check to read it too."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        response.streaming_content = [body]  # type: ignore[attr-defined]
    else:
        body = response.content  # type: ignore[attr-defined]
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    if kind.startswith("image/"):
        return ""
    if body.startswith(b"%PDF"):
        return _pdf_text(body)
    if body.startswith(b"PK\x03\x04"):  # XLSX, DOCX: the XML parts' text
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            parts = [
                book.read(name).decode("utf-8", "replace")
                for name in book.namelist()
                if name.endswith(".xml")
            ]
        return re.sub(r"<[^>]+>", "", "\n".join(parts))
    return body.decode("utf-8", "replace")


def _pdf_text(body: bytes) -> str:
    tool = shutil.which("pdftotext") or "pdftotext"
    done = subprocess.run(  # noqa: S603 - our own PDF into poppler's pdftotext
        [tool, "-raw", "-", "-"], input=body, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8", "replace")


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def fill(pattern: str, values: dict[str, str]) -> str:
    """``kasus/<int:case_id>/`` with ``{"case_id": "7"}`` -> ``/kasus/7/`` (also regex groups
    and the OpenAPI's ``{id}``)."""
    text = _CONVERTER.sub(lambda m: values[m.group(1)], pattern)
    text = _GROUP.sub(lambda m: values[m.group(1)], text)
    text = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], text)
    text = text.replace("^", "").replace("$", "")
    return text if text.startswith("/") else "/" + text


def placeholders(pattern: str) -> set[str]:
    return {
        *_CONVERTER.findall(pattern),
        *_GROUP.findall(pattern),
        *re.findall(r"\{(\w+)\}", pattern),
    }


def smallest(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """The smallest value ``schema`` accepts: required properties only, the first choice of
    an enum or a union, the minimum length or count."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return smallest(document["components"]["schemas"][name], document)
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            options = [s for s in schema[union] if s.get("type") != "null"] or schema[union]
            return smallest(options[0], document)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: smallest(props[name], document) for name in schema.get("required", [])}
    if kind == "array":
        return [smallest(schema.get("items", {}), document)] * int(schema.get("minItems", 0))
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-01-05"
    if schema.get("format") == "date-time":
        return "2026-01-05T10:00:00+07:00"
    if schema.get("format") == "binary":
        return PNG_NAME
    return "x" * max(int(schema.get("minLength", 1)), 5)


def _count_sql() -> str:
    """One query: the rows of every table but the bookkeeping ones, per unit where a table has
    one (so that a change shows whose it is)."""
    parts = []
    for model in apps.get_models():
        meta = model._meta
        if meta.label_lower in BOOKKEEPING or meta.proxy or not meta.managed:
            continue
        names = {f.name: f for f in meta.concrete_fields}
        table = connection.ops.quote_name(meta.db_table)
        label = f"'{meta.label_lower}'"
        column = connection.ops.quote_name(names["unit"].column) if "unit" in names else "NULL"
        unit = f"CAST({column} AS BIGINT)"  # one type in every row of the union (PostgreSQL)
        group = f" GROUP BY {column}" if "unit" in names else ""
        parts.append(f"SELECT {label}, {unit}, COUNT(*) FROM {table}{group}")  # noqa: S608
    # Names from the models' own metadata, quoted: nothing from outside goes in.
    return " UNION ALL ".join(parts)


def fingerprint(planted: dict[str, Model]) -> dict[str, Any]:
    """Row counts of every table but the bookkeeping ones (per unit), and each planted row as
    stored (read raw: this runs around every refused request)."""
    rows: dict[str, Any] = {}
    with connection.cursor() as cursor:
        cursor.execute(_count_sql())
        counts = {(label, unit): n for label, unit, n in cursor.fetchall()}
        for name, obj in planted.items():
            meta = obj._meta
            table = connection.ops.quote_name(meta.db_table)
            key = connection.ops.quote_name(meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} WHERE {key} = %s", [obj.pk])  # noqa: S608
            names = [c[0] for c in cursor.description]
            found = cursor.fetchone()
            rows[name] = dict(zip(names, found, strict=True)) if found else None
    return {"counts": counts, "rows": rows}


@dataclass(frozen=True)
class Change:
    table: str
    unit_id: int | None
    before: int
    after: int

    def __str__(self) -> str:
        where = f" (unit {self.unit_id})" if self.unit_id is not None else ""
        return f"{self.table}{where}: {self.before} -> {self.after} rows"


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[Change], list[str]]:
    """The tables whose counts changed, and the planted rows that changed (by field)."""
    keys = set(before["counts"]) | set(after["counts"])
    counted = [
        Change(
            table,
            unit,
            before["counts"].get((table, unit), 0),
            after["counts"].get((table, unit), 0),
        )
        for table, unit in sorted(keys, key=str)
        if before["counts"].get((table, unit), 0) != after["counts"].get((table, unit), 0)
    ]
    rows = []
    for name, row in after["rows"].items():
        old = before["rows"].get(name) or {}
        new = row or {}
        if old != new:
            fields = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            rows.append(f"planted {name} changed: {', '.join(fields)}")
    return counted, rows
