"""A :class:`~.draft.Draft` written as a draft SOP file, with its review notes.

The file is written line by line (not dumped) so that each uncertain reading gets a
``# REVIEW: …`` comment right above the line it concerns, and a :class:`ReviewNote` with that
line's number. Every text is double-quoted, so no document text can change the YAML's shape.

The process the draft describes is the simplest one the table allows: one step per symbol, in
document order, each going ``next`` to the following one. A terminator first is the start, a
terminator last the end, a diamond a decision whose two branches (``ya``, ``tidak``) both go on
to the next symbol until someone writes where ``tidak`` goes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from trantib.engine.spec import IDENTITY_FIELDS, IDENTITY_LIST_FIELDS, Shape
from trantib.engine.timing import TimeStandard, TimeStandardError

from .draft import Draft, DraftRole, DraftRow, DraftSymbol

CODE_STOPWORDS = frozenset(
    {"sop", "dan", "di", "ke", "dari", "yang", "untuk", "atau", "serta", "pada", "dengan", "the"}
)


@dataclass(frozen=True)
class ReviewNote:
    """One uncertain reading: the line of the draft it concerns, the field, and why."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: REVIEW: {self.message}"


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back exactly."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _printable(code):
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _printable(code: int) -> bool:
    # PyYAML's reader accepts these in a stream; \x85, U+2028 and U+2029 are line breaks.
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    ) and code not in (0x2028, 0x2029)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def slug(text: str, prefix: str = "peran") -> str:
    """A lower-case id from a heading: ``Kasi Trantib`` → ``kasi_trantib``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text.lower()):
        if out and len(out) + 1 + len(word) > 48:
            break  # whole words only: kabid_ketertiban_dan_ketentraman_masyarakat
        out = f"{out}_{word}" if out else word[:48]
    if not out or not out[0].isalpha():
        out = f"{prefix}_{out}".rstrip("_")
    return out


def code_from(name: str) -> str:
    """Initials of the Nama SOP's words: ``Patroli Pengawasan Wilayah`` → ``PPW``."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [w for w in re.findall(r"[A-Za-z0-9]+", ascii_text) if w.lower() not in CODE_STOPWORDS]
    initials = "".join(w[0] for w in words).upper()
    initials = re.sub(r"^[^A-Z]+", "", initials)[:20]
    return initials or "SOP"


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.notes: list[ReviewNote] = []

    def add(self, line: str, field: str = "", review: list[str] | tuple[str, ...] = ()) -> None:
        indent = line[: len(line) - len(line.lstrip())]
        messages = [one_line(m) for m in review if m.strip()]
        for message in messages:
            self.lines.append(f"{indent}# REVIEW: {message}")
        self.lines.append(line)
        for message in messages:
            self.notes.append(ReviewNote(len(self.lines), field, message))


def write_draft(
    draft: Draft, *, filename: str, code: str = "", domain: str = ""
) -> tuple[str, tuple[ReviewNote, ...]]:
    """The draft SOP file for ``draft`` and its review notes."""
    out = _Lines()
    out.add("# yaml-language-server: $schema=../../../../docs/sop-format.schema.json")
    out.add(
        f"# Draft imported from {one_line(filename)} ({draft.source_kind}) by trantib sop import."
    )
    out.add("# Check every line marked REVIEW against the document, then remove the mark.")
    out.add("format: trantib-sop/1")
    code_review = []
    if not code:
        code = code_from(draft.identity.nama)
        code_review.append(
            f"kode {code} dibentuk dari huruf awal Nama SOP; ganti dengan kode unit Anda"
        )
    out.add(f"code: {quote(code)}", "code", code_review)
    out.add("version: 1")
    out.add("status: draft")
    if domain:
        out.add(f"domain: {quote(domain)}")
    out.add(f"source: {quote('Impor dari ' + one_line(filename))}")
    out.add(
        "calendar: {kind: working}",
        "calendar",
        [
            "kalender hari kerja (Senin-Jumat 08.00-16.00) dipasang sebagai bawaan; "
            "ganti dengan around_the_clock bila waktu SOP berjalan terus"
        ],
    )
    out.add(f"paper: {draft.paper}", "paper", draft.paper_review)
    _headings(out, draft)
    if draft.column_numbers:
        out.add("column_numbers: true")
    if draft.list_marks:
        out.add(f"list_marks: {draft.list_marks}")
    _identity(out, draft)
    if not draft.roles:
        draft.roles.append(DraftRole("Pelaksana", review=["kolom Pelaksana tidak terbaca"]))
    role_ids = _roles(out, draft)
    _steps(out, draft, role_ids)
    return "\n".join(out.lines) + "\n", tuple(out.notes)


def _headings(out: _Lines, draft: Draft) -> None:
    values = draft.heading_values()
    if not values and not draft.headings_review:
        return
    out.add("headings:" if values else "headings: {}", "headings", draft.headings_review)
    for key, value in values.items():
        out.add(f"  {key}: {quote(one_line(value))}", f"headings.{key}")


def _identity(out: _Lines, draft: Draft) -> None:
    ident = draft.identity
    out.add("identity:")
    for name in IDENTITY_FIELDS:
        review = ident.review.get(name, [])
        path = f"identity.{name}"
        if name == "disahkan_oleh":
            a = ident.disahkan_oleh
            if not (a.nama or a.nip or a.pangkat):
                out.add(f"  disahkan_oleh: {quote(a.jabatan)}", path, review)
                continue
            out.add("  disahkan_oleh:", path, review)
            for key in ("jabatan", "nama", "nip", "pangkat"):
                out.add(f"    {key}: {quote(getattr(a, key))}", f"{path}.{key}")
        elif name in IDENTITY_LIST_FIELDS:
            items = [i for i in getattr(ident, name) if i.strip()]
            if not items:
                out.add(f"  {name}: []", path, review)
                continue
            out.add(f"  {name}:", path, review)
            for item in items:
                out.add(f"    - {quote(item.strip())}", path)
        else:
            value = getattr(ident, name).strip()
            if name == "nama" and not value:
                value = "(Nama SOP)"
                review = [*review, "Nama SOP tidak ditemukan di dokumen; tuliskan namanya"]
            out.add(f"  {name}: {quote(value)}", path, review)


def _roles(out: _Lines, draft: Draft) -> list[str]:
    out.add("roles:")
    ids: list[str] = []
    roles = draft.roles
    for i, role in enumerate(roles):
        name = one_line(role.name)
        review = list(role.review)
        if not name:
            name = f"Pelaksana {i + 1}"
            review.append("kolom Pelaksana tanpa judul; tuliskan jabatannya")
        base = slug(name)
        role_id, n = base, 2
        while role_id in ids:
            role_id, n = f"{base}_{n}", n + 1
        ids.append(role_id)
        external = ", external: true" if role.external else ""
        out.add(f"  - {{id: {role_id}, name: {quote(name)}{external}}}", f"roles[{i}]", review)
    return ids


@dataclass
class _Step:
    id: str
    row: DraftRow
    row_key: str
    column: int
    shape: Shape
    kind: str = "process"
    drawn_as: str = ""
    review: tuple[str, ...] = ()


def _steps(out: _Lines, draft: Draft, role_ids: list[str]) -> None:
    rows = draft.rows or [_placeholder_row(draft)]
    seen_no: dict[str, int] = {}
    steps: list[_Step] = []
    for row in rows:
        count = seen_no.get(row.no, 0) + 1
        seen_no[row.no] = count
        row_key = "" if count == 1 else f"{row.no}/{count}"
        symbols = row.symbols
        if not symbols:
            symbols = [DraftSymbol(0, Shape.PROCESS)]
            row.flag(
                "role",
                "tidak ada tanda di kolom Pelaksana; pelaksana diisi kolom pertama, "
                "periksa siapa pelaksananya",
            )
        for symbol in symbols:
            steps.append(
                _Step(f"langkah_{len(steps) + 1}", row, row_key, symbol.column, symbol.shape)
            )
    _kinds(steps)
    end_id = ""
    if steps[-1].kind == "decision":
        end_id = f"langkah_{len(steps) + 1}"
    out.add("steps:")
    for i, step in enumerate(steps):
        following = steps[i + 1].id if i + 1 < len(steps) else end_id
        _write_step(out, step, i, role_ids, following)
    if end_id:
        last = steps[-1]
        i = len(steps)
        out.add(f"  - id: {end_id}", f"steps[{i}]")
        out.add(f"    no: {quote(last.row.no)}")
        if last.row_key:
            out.add(f"    row: {quote(last.row_key)}")
        out.add("    kind: end")
        out.add(
            "    drawn: false",
            f"steps[{i}].drawn",
            [
                "langkah akhir ditambahkan (tidak tergambar): bagan berakhir pada belah "
                "ketupat, sedangkan proses perlu langkah akhir"
            ],
        )
        out.add(f"    role: {role_ids[min(last.column, len(role_ids) - 1)]}")
        out.add(f"    activity: {quote('Selesai')}")


def _placeholder_row(draft: Draft) -> DraftRow:
    row = DraftRow(no="1", activity="(Kegiatan)")
    row.flag(
        "activity",
        "tabel bagan alir tidak terbaca dari dokumen; tuliskan baris-barisnya "
        "(satu langkah per simbol)",
    )
    if not draft.roles:
        draft.roles.append(DraftRole("Pelaksana", review=["kolom Pelaksana tidak terbaca"]))
    return row


def _kinds(steps: list[_Step]) -> None:
    last = len(steps) - 1
    for i, step in enumerate(steps):
        if step.shape is Shape.DECISION:
            step.kind = "decision"
        elif step.shape is Shape.TERMINATOR:
            if i == last:
                step.kind = "end"
            elif i == 0:
                step.kind = "start"
            else:
                step.kind, step.drawn_as = "process", "terminator"
                step.review = (
                    "terminator di tengah bagan: dibaca sebagai proses; periksa apakah "
                    "prosedur berakhir atau bercabang di sini",
                )
        elif i == last:
            step.kind, step.drawn_as = "end", "process"
            step.review = (
                "baris terakhir tidak bersimbol terminator: langkah ini dibaca sebagai akhir "
                "prosedur",
            )


def _write_step(out: _Lines, step: _Step, i: int, role_ids: list[str], following: str) -> None:
    row = step.row
    sp = f"steps[{i}]"
    out.add(f"  - id: {step.id}", sp)
    out.add(f"    no: {quote(row.no)}", f"{sp}.no", row.review.get("no", []))
    if step.row_key:
        out.add(f"    row: {quote(step.row_key)}", f"{sp}.row")
    out.add(f"    kind: {step.kind}", f"{sp}.kind", [*row.review.get("kind", []), *step.review])
    if step.drawn_as:
        out.add(f"    drawn_as: {step.drawn_as}", f"{sp}.drawn_as")
    out.add(
        f"    role: {role_ids[min(step.column, len(role_ids) - 1)]}",
        f"{sp}.role",
        row.review.get("role", []),
    )
    activity = row.activity.strip() or "(Kegiatan)"
    activity_review = list(row.review.get("activity", []))
    if not row.activity.strip():
        activity_review.append("kolom Kegiatan kosong; tuliskan kegiatannya")
    out.add(f"    activity: {quote(activity)}", f"{sp}.activity", activity_review)
    requirements = [r.strip() for r in row.requirements if r.strip()]
    req_review = row.review.get("requirements", [])
    if requirements:
        out.add("    requirements:", f"{sp}.requirements", req_review)
        for item in requirements:
            out.add(f"      - {quote(item)}", f"{sp}.requirements")
    time_review = list(row.review.get("time", []))
    time_text = row.time.strip()
    try:
        TimeStandard.parse(time_text)
    except TimeStandardError:
        time_review.append(
            f"waktu {quote(one_line(time_text))} tidak terbaca sebagai standar waktu "
            "(contoh: 15 menit, 3-4 jam, 2 hari); tuliskan ulang"
        )
        time_text = ""
    if time_text or time_review:
        out.add(f"    time: {quote(time_text)}", f"{sp}.time", time_review)
    if row.output.strip() or row.review.get("output"):
        out.add(
            f"    output: {quote(row.output.strip())}", f"{sp}.output", row.review.get("output", [])
        )
    if row.notes.strip() or row.review.get("notes"):
        out.add(
            f"    notes: {quote(row.notes.strip())}", f"{sp}.notes", row.review.get("notes", [])
        )
    if step.kind == "decision":
        out.add("    branches:", f"{sp}.branches")
        out.add(
            f"      - {{label: ya, to: {following}, label_drawn: false}}",
            f"{sp}.branches",
            ["cabang 'ya' dari belah ketupat menuju simbol berikutnya; periksa labelnya"],
        )
        out.add(
            f"      - {{label: tidak, to: {following}, label_drawn: false}}",
            f"{sp}.branches",
            [
                "cabang 'tidak' belum diketahui (tabel tidak memuat panah): sementara menuju "
                "simbol berikutnya; tuliskan ke mana ia kembali (loop: true) atau berakhir"
            ],
        )
    elif step.kind != "end":
        out.add(f"    next: {following}", f"{sp}.next")
