"""``trantib org import``: units, positions, people and their assignments from CSV or XLSX files
that a kecamatan administrator fills in a spreadsheet (the layout: ``docs/organisation-import.md``,
examples in ``trantib/accounts/examples/``).

Four kinds of row, each in its own sheet of a workbook (``Unit``, ``Jabatan``, ``Pegawai``,
``Penugasan``) or its own CSV file (its name begins with the kind: ``unit.csv``,
``02-jabatan.csv``). Every row is read and checked — its columns, its references to units,
positions and people in the files or already in the database — and then written through the
services (:mod:`.org`, :func:`assignment_create`), each with its audit event, in one transaction.
When any row is refused, nothing is kept and every problem is returned as
``FILE:LINE: column: message``.

Rows are keyed so that importing the same files again changes nothing: a unit by its code, a
position by its unit and code, a person by NIP, else NRP, else login, an assignment by person,
position, status and start date (a changed end date updates it). A column left out of a file
leaves that field as it is; a column present and empty empties it. The import never deletes.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    ActingStatus,
    Assignment,
    OrgUnit,
    Person,
    PersonKind,
    Position,
    UnitKind,
    UnitTimeZone,
    digits_normalise,
)
from .org import Saved, person_save, position_save, unit_save

UNIT, POSITION, PERSON, ASSIGNMENT = "unit", "jabatan", "pegawai", "penugasan"
KINDS = (UNIT, POSITION, PERSON, ASSIGNMENT)  # also the order they are written in

# Each kind's columns, required ones first; a header is read case-blind, spaces as "_".
COLUMNS: dict[str, dict[str, bool]] = {
    UNIT: {
        "kode": True,
        "nama": True,
        "jenis": True,
        "induk": False,
        "zona_waktu": False,
        "alamat": False,
        "kop": False,
        "aktif": False,
    },
    POSITION: {"unit": True, "kode": True, "nama": True, "pengawas": False},
    PERSON: {
        "nama": True,
        "jenis": True,
        "nip": False,
        "nrp": False,
        "pangkat": False,
        "telepon": False,
        "email": False,
        "login": False,
    },
    ASSIGNMENT: {
        "pegawai": True,
        "unit": True,
        "jabatan": True,
        "status": False,
        "mulai": True,
        "sampai": False,
    },
}
IGNORED_COLUMNS = frozenset({"keterangan", "catatan"})  # the administrator's own notes

# The model's field → the column that holds it, for the model's own validation messages.
_FIELD_COLUMN: dict[str, dict[str, str]] = {
    UNIT: {
        "code": "kode",
        "name": "nama",
        "kind": "jenis",
        "parent": "induk",
        "timezone": "zona_waktu",
        "address": "alamat",
        "kop_lines": "kop",
        "active": "aktif",
        NON_FIELD_ERRORS: "kode",
    },
    POSITION: {
        "unit": "unit",
        "code": "kode",
        "name": "nama",
        "supervises": "pengawas",
        NON_FIELD_ERRORS: "kode",
    },
    PERSON: {
        "full_name": "nama",
        "kind": "jenis",
        "nip": "nip",
        "nrp": "nrp",
        "pangkat": "pangkat",
        "phone": "telepon",
        "email": "email",
        "user": "login",
        NON_FIELD_ERRORS: "nip",
    },
    ASSIGNMENT: {
        "person": "pegawai",
        "position": "jabatan",
        "acting": "status",
        "valid_from": "mulai",
        "valid_until": "sampai",
        NON_FIELD_ERRORS: "mulai",
    },
}

_UNIT_KINDS = {
    **{k.value: k for k in UnitKind},
    "lainnya": UnitKind.OTHER,
    "pemkot": UnitKind.PEMDA,
    "pemkab": UnitKind.PEMDA,
    "pemprov": UnitKind.PEMDA,
}
_PERSON_KINDS = {**{k.value: k for k in PersonKind}, "lainnya": PersonKind.OTHER}
_ACTING = {
    "": ActingStatus.DEFINITIVE,
    "definitif": ActingStatus.DEFINITIVE,
    "plt": ActingStatus.PLT,
    "plh": ActingStatus.PLH,
}
_ZONES = {
    **{z.value.lower(): z for z in UnitTimeZone},
    "wib": UnitTimeZone.JAKARTA,
    "wita": UnitTimeZone.MAKASSAR,
    "wit": UnitTimeZone.JAYAPURA,
}
_YES = {"ya", "y", "1", "true", "yes", "x", "v"}
_NO = {"tidak", "t", "0", "false", "no", "n", "", "-"}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
_CSV_KIND = re.compile(r"^[0-9 _.-]*(unit|jabatan|pegawai|penugasan)", re.IGNORECASE)


# -- problems and rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    where: str  # the file as given; a workbook's sheet in brackets: "org.xlsx[Pegawai]"
    line: int  # 1-based: the CSV line or the sheet's row where the row starts
    column: str  # the column's name as documented ("nip"), or "berkas"/"kolom" for the file
    message: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.column}: {self.message}"


class ImportRefused(Exception):
    """At least one row was refused: nothing was saved. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class Row:
    where: str
    line: int
    values: dict[str, Any]  # column → the cell as read (text, number, date, bool or None)
    problems: list[Problem] = field(default_factory=list)

    def has(self, column: str) -> bool:
        return column in self.values

    def refuse(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.where, self.line, column, message))

    def text(self, column: str, *, digits: bool = False) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("ya") if value else _("tidak")
        if isinstance(value, float):
            if digits:
                # Excel keeps 15 significant digits: an 18-digit NIP typed as a number has
                # already lost its last digits; it must be typed as text.
                self.refuse(
                    column,
                    _(
                        "tertulis sebagai angka, sehingga digit terakhirnya hilang; format "
                        "kolom ini sebagai Teks lalu ketik ulang nomornya."
                    ),
                )
                return ""
            return str(int(value)) if value.is_integer() else str(value)
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value).strip()

    def flag(self, column: str) -> bool:
        value = self.values.get(column)
        if isinstance(value, bool):
            return value
        word = self.text(column).lower()
        if word in _YES:
            return True
        if word not in _NO:
            self.refuse(column, _("isi 'ya' atau 'tidak', bukan %(value)r.") % {"value": word})
        return False

    def date(self, column: str) -> dt.date | None:
        value = self.values.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = self.text(column)
        if not text:
            return None
        for pattern in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 — a date only
            except ValueError:
                continue
        self.refuse(
            column,
            _("tanggal %(value)r tidak dikenal; tulis TTTT-BB-HH atau HH-BB-TTTT.")
            % {"value": text},
        )
        return None

    def choice(self, column: str, choices: dict[str, Any], shown: Iterable[str]) -> Any:
        word = re.sub(r"[\s.]+", "_", self.text(column).lower()).strip("_")
        if word in choices:
            return choices[word]
        self.refuse(
            column,
            _("%(value)r tidak dikenal; isi salah satu: %(known)s.")
            % {"value": self.text(column), "known": ", ".join(shown)},
        )
        return None


@dataclass
class Sheet:
    kind: str
    where: str
    rows: list[Row]


# -- reading files ---------------------------------------------------------------------------


def _header(cells: Iterable[Any]) -> list[str]:
    return [re.sub(r"\s+", "_", str(c or "").strip().lower()) for c in cells]


def _sheet(
    kind: str,
    where: str,
    header_line: int,
    header: list[str],
    body: Iterable[tuple[int, list[Any]]],
) -> tuple[Sheet | None, list[Problem]]:
    """A sheet from its header and its rows (line, cells), or the problems of its header."""
    known = COLUMNS[kind]
    problems = [
        Problem(
            where,
            header_line,
            name,
            _("kolom tidak dikenal; kolom lembar %(kind)s: %(known)s.")
            % {"kind": kind, "known": ", ".join(known)},
        )
        for name in header
        if name and name not in known and name not in IGNORED_COLUMNS
    ]
    seen = Counter(h for h in header if h)
    for name, count in seen.items():
        if count > 1:
            problems.append(Problem(where, header_line, name, _("kolom ini tertulis dua kali.")))
    for name, required in known.items():
        if required and name not in header:
            problems.append(
                Problem(where, header_line, name, _("kolom wajib ini tidak ada di baris judul."))
            )
    if problems:
        return None, problems
    rows = []
    for line, cells in body:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        values = {
            name: cells[i] if i < len(cells) else None
            for i, name in enumerate(header)
            if name in known
        }
        rows.append(Row(where=where, line=line, values=values))
    return Sheet(kind=kind, where=where, rows=rows), []


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def read_csv(data: bytes, where: str) -> tuple[list[Sheet], list[Problem]]:
    """One CSV file: its kind from its name (``unit.csv``, ``02-jabatan.csv``), its separator
    (comma, semicolon as Excel writes it in Indonesia, or tab) from its first line."""
    found = _CSV_KIND.match(Path(where).name)
    if found is None:
        message = _("nama berkas CSV harus diawali jenis isinya: %(kinds)s (mis. unit.csv).")
        return [], [Problem(where, 1, "berkas", message % {"kinds": ", ".join(KINDS)})]
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[tuple[int, list[Any]]] = []
    start = 1
    try:
        for cells in reader:
            lines.append((start, [c if c.strip() else None for c in cells]))
            start = reader.line_num + 1
    except csv.Error as exc:
        return [], [Problem(where, reader.line_num, "berkas", str(exc))]
    if not lines:
        return [], [
            Problem(where, 1, "berkas", _("berkas kosong: baris pertama harus judul kolom."))
        ]
    (header_line, header), *body = lines
    sheet, problems = _sheet(found.group(1).lower(), where, header_line, _header(header), body)
    return ([sheet] if sheet else []), problems


def read_xlsx(data: bytes, where: str) -> tuple[list[Sheet], list[Problem]]:
    """One workbook: the sheets named after a kind (``Unit``, ``Jabatan``, ``Pegawai``,
    ``Penugasan``); any other sheet (instructions, lists) is left alone."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is no workbook
        return [], [Problem(where, 1, "berkas", _("bukan berkas Excel (.xlsx) yang dapat dibaca."))]
    sheets, problems = [], []
    for ws in book.worksheets:
        kind = ws.title.strip().lower()
        if kind not in KINDS:
            continue
        label = f"{where}[{ws.title}]"
        rows = [(n, list(cells)) for n, cells in enumerate(ws.iter_rows(values_only=True), 1)]
        rows = [(n, cells) for n, cells in rows if any(c not in (None, "") for c in cells)]
        if not rows:
            continue
        (header_line, header), *body = rows
        sheet, found = _sheet(kind, label, header_line, _header(header), body)
        problems += found
        if sheet:
            sheets.append(sheet)
    book.close()
    if not sheets and not problems:
        message = _("tidak ada lembar bernama %(kinds)s.")
        problems.append(Problem(where, 1, "berkas", message % {"kinds": ", ".join(KINDS)}))
    return sheets, problems


def read_file(path: Path, where: str | None = None) -> tuple[list[Sheet], list[Problem]]:
    """A CSV or XLSX file as sheets of rows, or the problems that keep it from being read."""
    where = where or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Problem(where, 0, "berkas", _("tidak dapat dibaca: %s") % exc.strerror)]
    if data[:2] == b"PK" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(data, where)
    return read_csv(data, where)


# -- checking and writing --------------------------------------------------------------------


@dataclass
class ImportResult:
    """What the import did, per kind."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    logins_created: int = 0

    def summary(self) -> str:
        parts = [
            _("%(kind)s %(created)d baru, %(changed)d diubah, %(unchanged)d tetap")
            % {
                "kind": kind,
                "created": c[Saved.CREATED],
                "changed": c[Saved.CHANGED],
                "unchanged": c[Saved.UNCHANGED],
            }
            for kind, c in self.counts.items()
        ]
        text = "; ".join(parts)
        if self.logins_created:
            text += "; " + _("%(n)d akun login baru (tanpa kata sandi)") % {
                "n": self.logins_created
            }
        return text


def _validation(row: Row, kind: str, exc: ValidationError) -> None:
    columns = _FIELD_COLUMN[kind]
    if not hasattr(exc, "error_dict"):
        row.refuse(columns[NON_FIELD_ERRORS], " ".join(exc.messages))
        return
    for name, errors in exc.message_dict.items():
        message = " ".join(errors)
        column = columns.get(name, columns[NON_FIELD_ERRORS])
        if kind == PERSON and name == NON_FIELD_ERRORS and "NRP" in message:
            column = "nrp"
        row.refuse(column, message)


def _saving(row: Row, kind: str, save: Callable[[], Saved], result: ImportResult) -> bool:
    """Run one row's save in a savepoint; its refusal becomes the row's problems."""
    try:
        with transaction.atomic():
            outcome = save()
    except ValidationError as exc:
        _validation(row, kind, exc)
        return False
    result.counts[kind][outcome] += 1
    return True


class _Importer:
    def __init__(self, sheets: list[Sheet], actor: Person | None):
        self.actor = actor
        self.rows = {k: [r for s in sheets if s.kind == k for r in s.rows] for k in KINDS}
        self.result = ImportResult()
        self.units: dict[str, OrgUnit | None] = {}  # None: its row was refused
        self.positions: dict[tuple[str, str], Position | None] = {}
        self.people: dict[str, Person | None] = {}  # by NIP, NRP and login
        self.people_refused = 0  # person rows refused before their key could be read

    def problems(self) -> list[Problem]:
        """Every problem: units first, then positions, people, assignments (the order they
        are written in), each kind by file and line."""
        return [
            p
            for k in KINDS
            for p in sorted(
                (p for r in self.rows[k] for p in r.problems), key=lambda p: (p.where, p.line)
            )
        ]

    def run(self) -> ImportResult:
        self._units()
        self._positions()
        self._people()
        self._assignments()
        return self.result

    # units: parents before their units, whether the parent is in the file or not
    def _units(self) -> None:
        rows: dict[str, Row] = {}
        for row in self.rows[UNIT]:
            code = row.text("kode").upper()
            if code in rows:
                row.refuse(
                    "kode",
                    _("unit %(code)s sudah ada di baris %(line)d.")
                    % {"code": code, "line": rows[code].line},
                )
                continue
            if code:
                rows[code] = row
        existing = OrgUnit.objects.in_bulk(
            [*rows, *(r.text("induk").upper() for r in rows.values())], field_name="code"
        )
        done: set[str] = set()

        def place(code: str, trail: tuple[str, ...]) -> None:
            if code in done:
                return
            row = rows[code]
            parent_code = row.text("induk").upper()
            if parent_code in trail or parent_code == code:
                row.refuse(
                    "induk",
                    _("susunan induk berputar: %(codes)s.")
                    % {"codes": " → ".join([*trail, code, parent_code])},
                )
                done.add(code)
                self.units[code] = None
                return
            if parent_code in rows:
                place(parent_code, (*trail, code))
            done.add(code)
            self._unit(row, code, parent_code, existing)

        for code in rows:
            place(code, ())
        for row in self.rows[UNIT]:
            if not row.text("kode"):
                row.refuse("kode", _("wajib diisi."))

    def _unit(self, row: Row, code: str, parent_code: str, existing: dict[str, OrgUnit]) -> None:
        unit = existing.get(code) or OrgUnit(code=code)
        parent: OrgUnit | None = None
        parent_refused = False
        if parent_code:
            if parent_code in self.units:
                parent = self.units[parent_code]
                parent_refused = parent is None
            elif parent_code in existing:
                parent = existing[parent_code]
            else:
                row.refuse(
                    "induk",
                    _(
                        "unit induk %(code)s tidak dikenal: tidak ada di berkas "
                        "maupun di basis data."
                    )
                    % {"code": parent_code},
                )
        if row.has("nama") or unit.pk is None:
            unit.name = row.text("nama")
        if row.has("jenis") or unit.pk is None:
            kind = row.choice("jenis", _UNIT_KINDS, [*(k.value for k in UnitKind), "lainnya"])
            if kind:
                unit.kind = kind
        if row.has("induk"):
            unit.parent = parent
        if row.has("zona_waktu") and row.text("zona_waktu"):
            zone = row.choice("zona_waktu", _ZONES, ["WIB", "WITA", "WIT", "Asia/Pontianak"])
            if zone:
                unit.timezone = zone
        if row.has("alamat"):
            unit.address = row.text("alamat")
        if row.has("kop"):
            lines = re.split(r"\s*[\n|]\s*", row.text("kop"))
            unit.kop_lines = "\n".join(line for line in lines if line)
        if row.has("aktif") and row.text("aktif"):
            unit.active = row.flag("aktif")
        if row.problems or parent_refused:
            self.units[code] = None
            return
        saved = _saving(row, UNIT, lambda: unit_save(unit=unit, actor=self.actor), self.result)
        self.units[code] = unit if saved else None

    def _unit_of(self, row: Row, column: str) -> tuple[str, OrgUnit | None, bool]:
        """The unit a row names: (code, unit, known); known but None: its row was refused."""
        code = row.text(column).upper()
        if not code:
            row.refuse(column, _("wajib diisi."))
            return code, None, False
        if code in self.units:
            return code, self.units[code], True
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            row.refuse(
                column,
                _("unit %(code)s tidak dikenal: tidak ada di berkas maupun di basis data.")
                % {"code": code},
            )
            return code, None, False
        self.units[code] = unit
        return code, unit, True

    def _positions(self) -> None:
        lines: dict[tuple[str, str], int] = {}
        for row in self.rows[POSITION]:
            unit_code, unit, _known = self._unit_of(row, "unit")
            code = row.text("kode")
            key = (unit_code, code)
            if key in lines:
                row.refuse(
                    "kode",
                    _("jabatan %(code)s di unit %(unit)s sudah ada di baris %(line)d.")
                    % {"code": code, "unit": unit_code, "line": lines[key]},
                )
                continue
            lines[key] = row.line
            if unit is None:
                self.positions[key] = None
                continue
            position = Position.objects.filter(unit=unit, code=code).first() or Position(
                unit=unit, code=code
            )
            if row.has("nama") or position.pk is None:
                position.name = row.text("nama")
            if row.has("pengawas"):
                position.supervises = row.flag("pengawas")
            if row.problems:
                self.positions[key] = None
                continue
            saved = _saving(
                row,
                POSITION,
                functools.partial(position_save, position=position, actor=self.actor),
                self.result,
            )
            self.positions[key] = position if saved else None

    def _people(self) -> None:
        users = get_user_model()._default_manager
        lines: dict[str, int] = {}
        for row in self.rows[PERSON]:
            nip = digits_normalise(row.text("nip", digits=True))
            nrp = digits_normalise(row.text("nrp", digits=True))
            login = row.text("login")
            keys = [k for k in (nip, nrp, login) if k]
            if row.problems:
                self.people_refused += 1
                continue
            if not keys:
                row.refuse(
                    "nip", _("isi NIP, NRP atau login, agar baris ini dikenali saat impor ulang.")
                )
                continue
            repeated = [lines[k] for k in keys if k in lines]
            if repeated:
                row.refuse(
                    "nip" if nip else "nrp" if nrp else "login",
                    _("pegawai ini sudah ada di baris %(line)d.") % {"line": repeated[0]},
                )
                continue
            for k in keys:
                lines[k] = row.line
            # The first identifier given is the key (NIP, else NRP, else login): a NIP not on
            # file is a new person, even when the NRP is someone's (the model then refuses it).
            if nip:
                found = Person.objects.filter(nip=nip).first()
            elif nrp:
                found = Person.objects.filter(nrp=nrp).first()
            else:
                found = Person.objects.filter(user__username=login).first()
            person = found or Person()
            if row.has("nama") or person.pk is None:
                person.full_name = row.text("nama")
            if row.has("jenis") or person.pk is None:
                kind = row.choice("jenis", _PERSON_KINDS, ["asn", "polri", "lainnya"])
                if kind:
                    person.kind = kind
            for column, name in (("nip", "nip"), ("nrp", "nrp")):
                if row.has(column):
                    setattr(person, name, nip if column == "nip" else nrp)
            if row.has("pangkat"):
                person.pangkat = row.text("pangkat")
            if row.has("telepon"):
                person.phone = row.text("telepon", digits=True)
            if row.has("email"):
                person.email = row.text("email")
            new_login = ""
            if login:
                user = users.filter(username=login).first()
                holder = Person.objects.filter(user=user).first() if user else None
                if holder is not None and holder.pk != person.pk:
                    row.refuse(
                        "login",
                        _("login %(login)s sudah dipakai %(name)s.")
                        % {"login": login, "name": holder.full_name},
                    )
                elif person.user_id is not None and person.user_id != getattr(user, "pk", None):
                    row.refuse(
                        "login",
                        _(
                            "pegawai ini sudah punya login %(login)s; login diganti lewat "
                            "admin, bukan lewat impor."
                        )
                        % {"login": person.user.username},  # type: ignore[union-attr]
                    )
                elif user is None:
                    new_login = login
                else:
                    person.user = user  # type: ignore[assignment]
            if row.problems:
                for k in keys:
                    self.people[k] = None
                continue

            def save(person: Person = person, new_login: str = new_login) -> Saved:
                if new_login:
                    user = users.model(username=new_login, email=person.email)
                    user.set_unusable_password()
                    try:
                        user.full_clean(exclude=["password", "email"])
                    except ValidationError as exc:
                        raise ValidationError({"user": exc.messages}) from None
                    user.save()
                    person.user = user
                return person_save(person=person, actor=self.actor)

            saved = _saving(row, PERSON, save, self.result)
            if saved and new_login:
                self.result.logins_created += 1
            for k in keys:
                self.people[k] = person if saved else None

    def _person_of(self, row: Row) -> tuple[Person | None, bool]:
        key = digits_normalise(row.text("pegawai", digits=True))
        if not key:
            row.refuse("pegawai", _("wajib diisi: NIP, NRP atau login pegawai."))
            return None, False
        if key in self.people:
            return self.people[key], True
        person = (
            Person.objects.filter(nip=key).first()
            or Person.objects.filter(nrp=key).first()
            or Person.objects.filter(user__username=row.text("pegawai")).first()
        )
        if person is None:
            message = _(
                "pegawai %(key)s tidak dikenal: tidak ada di lembar pegawai maupun di basis data."
            )
            if self.people_refused:
                message += " " + _("(Atau barisnya di lembar pegawai ditolak: lihat di atas.)")
            row.refuse("pegawai", message % {"key": row.text("pegawai")})
            return None, False
        self.people[key] = person
        return person, True

    def _assignments(self) -> None:
        lines: dict[tuple[Any, ...], int] = {}
        for row in self.rows[ASSIGNMENT]:
            person, _known = self._person_of(row)
            unit_code, unit, _unit_known = self._unit_of(row, "unit")
            code = row.text("jabatan")
            position: Position | None = None
            if not code:
                row.refuse("jabatan", _("wajib diisi: kode jabatan di unit itu."))
            elif (unit_code, code) in self.positions:
                position = self.positions[unit_code, code]
            elif unit is not None:
                position = Position.objects.filter(unit=unit, code=code).first()
                if position is None:
                    row.refuse(
                        "jabatan",
                        _(
                            "jabatan %(code)s tidak ada di unit %(unit)s: "
                            "tambahkan di lembar jabatan."
                        )
                        % {"code": code, "unit": unit_code},
                    )
            acting = row.choice("status", _ACTING, ["definitif", "plt", "plh"])
            start = row.date("mulai")
            end = row.date("sampai")
            if start is None and not row.text("mulai"):
                row.refuse("mulai", _("wajib diisi: tanggal mulai memegang jabatan."))
            if start and end and end < start:
                row.refuse("sampai", _("tanggal 'sampai' tidak boleh sebelum 'mulai'."))
            if row.problems or person is None or position is None or start is None:
                continue  # a refused person, unit or position was reported on its own row
            key = (person.pk or id(person), position.pk, acting, start)
            if key in lines:
                row.refuse(
                    "mulai",
                    _("penugasan yang sama sudah ada di baris %(line)d.") % {"line": lines[key]},
                )
                continue
            lines[key] = row.line
            found = Assignment.objects.filter(
                person=person, position=position, acting=acting, valid_from=start
            ).first()

            save = functools.partial(
                self._assignment_save,
                found=found,
                person=person,
                position=position,
                acting=acting,
                start=start,
                end=end,
                end_given=row.has("sampai"),
            )
            _saving(row, ASSIGNMENT, save, self.result)

    def _assignment_save(
        self,
        *,
        found: Assignment | None,
        person: Person,
        position: Position,
        acting: ActingStatus,
        start: dt.date,
        end: dt.date | None,
        end_given: bool,
    ) -> Saved:
        from . import assignment_create
        from .org import assignment_period_set

        if found is None:
            assignment_create(
                person=person,
                position=position,
                acting=acting,
                valid_from=start,
                valid_until=end,
                actor=self.actor,
            )
            return Saved.CREATED
        if not end_given:
            return Saved.UNCHANGED
        return assignment_period_set(
            assignment=found, valid_from=start, valid_until=end, actor=self.actor
        )


def org_import(
    *, sheets: list[Sheet], actor: Person | None = None, dry_run: bool = False
) -> ImportResult:
    """Check every row of ``sheets`` and write them all, or nothing: raises
    :class:`ImportRefused` with every problem found when any row is refused. ``dry_run``
    checks everything the same way and keeps nothing."""
    with transaction.atomic():
        importer = _Importer(sheets, actor)
        result = importer.run()
        problems = importer.problems()
        if problems:
            raise ImportRefused(problems)
        if dry_run:
            transaction.set_rollback(True)
    return result


def org_import_files(
    *, paths: list[Path], actor: Person | None = None, dry_run: bool = False
) -> ImportResult:
    """:func:`org_import` of CSV/XLSX files; a file that cannot be read refuses the import."""
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    for path in paths:
        found, trouble = read_file(path)
        sheets += found
        problems += trouble
    if problems:
        raise ImportRefused(problems)
    return org_import(sheets=sheets, actor=actor, dry_run=dry_run)
