"""The SOP files written through the web, as their administrator sees them (reads only; the
changes are in :mod:`trantib.sops.services_lifecycle`).

Each file lives at ``<TRANTIB_SOP_UPLOADS>/<UNIT>/<CODE>.v<N>.yaml``: the folder names the unit
whose SOP administrator manages it (decision 0016). The registry loads the folder with the
shipped library; here a file is read on its own and checked as the library would check it
(its own rules, then the checks between files: the same ``CODE.vN`` twice, a sub-procedure
naming an SOP that does not exist), so its page shows every problem at its line.

Who administers a unit's SOP files is who sets its SOP columns (``sop_adopt``): a superuser,
or the holder today (also Plt./Plh.) of a supervising position of the unit or a unit above it
(:func:`trantib.sops.selectors.units_adoptable_by`). A code belongs to the unit whose folder
holds its first version written on the web; codes of the shipped library to nobody: only a
superuser writes their next version, since a published version is in force in every unit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trantib.accounts.models import OrgUnit, Person
from trantib.engine.errors import Problem, Severity, SOPValidationError
from trantib.engine.loader import FILENAME_PATTERN, load_text
from trantib.engine.spec import SOPSpec, SopStatus
from trantib.engine.validate import check_library

from . import registry
from .models import SopVersion
from .selectors import units_adoptable_by

MAX_BYTES = 2 * 1024 * 1024  # an SOP file is a few dozen kB; a Word document a few hundred
NAME = re.compile(r"^(?P<code>[A-Z][A-Z0-9-]{0,19})\.v(?P<version>[1-9][0-9]{0,5})$")
STATUS_LINE = re.compile(r"^status:[ \t]*(?P<value>[a-z]+)[ \t]*(?P<rest>#.*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Note:
    """A note of the import's review (what the importer could not read for sure), at a line."""

    line: int
    message: str


@dataclass
class SopFile:
    """One file of the uploads folder: its text, what it loads to and every problem in it."""

    unit_code: str
    code: str
    version: int
    path: Path
    text: str
    spec: SOPSpec | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    source_kind: str = ""

    @property
    def name(self) -> str:
        return f"{self.code}.v{self.version}"

    @property
    def filename(self) -> str:
        return f"{self.name}.yaml"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def published(self) -> bool:
        """Published, by its text: a file whose ``status`` says so is never edited again."""
        found = STATUS_LINE.search(self.text)
        return found is not None and found["value"] == SopStatus.PUBLISHED

    @property
    def lines(self) -> list[tuple[int, str, list[Problem], list[Note]]]:
        """Each line of the text with the problems and review notes at it."""
        at: dict[int, list[Problem]] = {}
        for p in self.problems:
            at.setdefault(max(p.line, 1), []).append(p)
        noted: dict[int, list[Note]] = {}
        for n in self.notes:
            noted.setdefault(max(n.line, 1), []).append(n)
        rows = self.text.split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        last = max([len(rows), *at, *noted]) if rows or at or noted else 0
        rows += [""] * (last - len(rows))
        return [(i, t, at.get(i, []), noted.get(i, [])) for i, t in enumerate(rows, start=1)]


def admin_units(user: Any, person: Person | None) -> list[OrgUnit]:
    """The units whose SOP files ``user`` administers (the rule of ``sop_adopt``)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return units_adoptable_by(person, superuser=bool(getattr(user, "is_superuser", False)))


def unit_folder(unit_code: str) -> Path:
    return registry.uploads_root() / unit_code


def file_path(unit_code: str, code: str, version: int) -> Path:
    return unit_folder(unit_code) / f"{code}.v{version}.yaml"


def review_path(path: Path) -> Path:
    """The import's review notes beside the file (not ``.yaml``: the library does not read it)."""
    return path.with_name(path.name.removesuffix(".yaml") + ".review.json")


def parse_name(name: str) -> tuple[str, int] | None:
    m = NAME.match(name)
    return (m["code"], int(m["version"])) if m else None


def check_text(text: str, path: Path) -> tuple[SOPSpec | None, list[Problem]]:
    """The file's spec (None when it has errors) and its problems, errors and warnings, as the
    library would find them: its own rules, then those between it and the library's files."""
    try:
        spec, warnings = load_text(text, str(path), check_name=True)
    except SOPValidationError as exc:
        return None, list(exc.problems)
    others = [s for s in registry.fresh().specs if s.path != str(path)]
    between = [p for p in check_library([*others, spec]) if p.path == str(path)]
    problems = sorted([*warnings, *between], key=lambda p: (p.line, p.field))
    errors = [p for p in between if p.severity is Severity.ERROR]
    return (None if errors else spec), problems


def sop_file_read(unit_code: str, name: str) -> SopFile | None:
    """The unit's file ``name`` (``PGD.v3``) as it is on disk now, checked; None when absent."""
    parsed = parse_name(name)
    if parsed is None:
        return None
    code, version = parsed
    path = file_path(unit_code, code, version)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = SopFile(unit_code=unit_code, code=code, version=version, path=path, text=text)
    found.spec, found.problems = check_text(text, path)
    _read_review(found)
    return found


def _read_review(found: SopFile) -> None:
    try:
        data = json.loads(review_path(found.path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    found.source_kind = str(data.get("source_kind", ""))
    found.notes = [
        Note(int(n.get("line") or 1), str(n.get("message", ""))) for n in data.get("notes", [])
    ]


def unit_files(unit_code: str) -> list[tuple[str, int, bool]]:
    """The unit's files as (code, version, published), by code then newest version first;
    read without checking them (a list page)."""
    folder = unit_folder(unit_code)
    found = []
    for path in folder.glob("*.yaml") if folder.is_dir() else []:
        m = FILENAME_PATTERN.match(path.name)
        if not m or path.suffix != ".yaml":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        status = STATUS_LINE.search(text)
        published = status is not None and status["value"] == SopStatus.PUBLISHED
        found.append((m["code"], int(m["version"]), published))
    return sorted(found, key=lambda f: (f[0], -f[1]))


def web_files(code: str) -> list[tuple[str, int]]:
    """Every file of ``code`` in the uploads folder, any unit: (unit code, version)."""
    root = registry.uploads_root()
    found = []
    for path in root.glob(f"*/{code}.v*.yaml") if root.is_dir() else []:
        m = FILENAME_PATTERN.match(path.name)
        if m and m["code"] == code:
            found.append((path.parent.name, int(m["version"])))
    return sorted(found, key=lambda f: f[1])


def versions_known(code: str) -> set[int]:
    """Every version of ``code`` anywhere: the library, the uploads folder (drafts that do not
    load included) and the database."""
    lib = {s.version for s in registry.fresh().specs if s.code == code}
    web = {v for _unit, v in web_files(code)}
    rows = set(SopVersion.objects.filter(code=code).values_list("version", flat=True))
    return lib | web | rows


def code_owner(code: str) -> str | None:
    """The unit code whose administrator writes ``code``'s versions: the unit of its first
    version written on the web; "" for a code nobody wrote yet; None for a code of the shipped
    library (or known only to the database), which only a superuser revises."""
    shipped = registry.library_root()
    in_shipped = any(
        s.code == code and Path(s.path).is_relative_to(shipped) for s in registry.fresh().specs
    )
    if in_shipped:
        return None
    web = web_files(code)
    if web:
        return web[0][0]
    if SopVersion.objects.filter(code=code).exists():
        return None
    return ""


def may_write_code(code: str, unit: OrgUnit, *, superuser: bool) -> bool:
    """Whether an administrator of ``unit`` may write a version of ``code`` into its folder."""
    if superuser:
        return True
    return code_owner(code) in ("", unit.code)
