"""YAML → checked data → :class:`SOPSpec`.

The loader reads a file into plain values while remembering the line of every key, checks the
shape of each field (the same rules as ``docs/sop-format.schema.json``), then hands the data to
:mod:`validate` for the checks that need the whole graph. Every problem is collected and
reported at once as ``FILE:LINE: field: message``; the only exception that escapes is
:class:`SOPValidationError`.

Limits: YAML anchors are allowed but a file may expand to at most ``MAX_NODES`` values and
``MAX_DEPTH`` levels, so a hostile file cannot exhaust memory.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, Severity, SOPValidationError
from .spec import (
    HEADING_KEYS,
    IDENTITY_FIELDS,
    IDENTITY_LIST_FIELDS,
    Approval,
    Binding,
    Branch,
    Capture,
    DrawnArrow,
    FieldType,
    Frequency,
    Headings,
    Identity,
    LetterInto,
    LetterNeed,
    Period,
    RecordField,
    Repeat,
    Role,
    Shape,
    SOPSpec,
    SopStatus,
    Step,
    StepKind,
    StepLetter,
    Subprocedure,
)
from .timing import Calendar, CalendarKind, TimeStandard, TimeStandardError

FORMAT = "trantib-sop/1"
MAX_NODES = 50_000
MAX_DEPTH = 40
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9-]{0,19}$")
FILENAME_PATTERN = re.compile(r"^(?P<code>[A-Za-z0-9-]+)\.v(?P<version>\d+)\.ya?ml$")

TOP_KEYS = {
    "format",
    "code",
    "version",
    "status",
    "domain",
    "tags",
    "calendar",
    "paper",
    "supersedes",
    "source",
    "identity",
    "roles",
    "steps",
    "case_noun",
    "headings",
    "column_numbers",
    "short_name",
    "list_marks",
}
STEP_KEYS = {
    "id",
    "no",
    "kind",
    "role",
    "activity",
    "title",
    "question",
    "requirements",
    "time",
    "output",
    "notes",
    "records",
    "next",
    "branches",
    "deadline",
    "repeat",
    "subprocedure",
    "entry",
    "binds",
    "starts_at",
    "period",
    "show_open",
    "public",
    "case_noun",
    "letter",
    "drawn",
    "drawn_as",
    "drawn_next",
    "row",
    "time_scope",
}
LETTER_KEYS = {
    "key",
    "kind",
    "needs",
    "paraf",
    "signer",
    "hal",
    "data",
    "fill",
    "previous",
    "wait",
    "into",
}
# The keys that describe the draft: written on the step that drafts the letter only.
LETTER_DRAFT_KEYS = ("paraf", "signer", "hal", "data", "fill", "previous", "wait")
ROLE_KEYS = {"id", "name", "external", "description"}
RECORD_KEYS = {"name", "label", "type", "required", "choices", "help", "capture"}
BRANCH_KEYS = {"label", "to", "loop", "drawn", "label_drawn"}
DRAWN_ARROW_KEYS = {"to", "label"}
TIME_SCOPES = ("row",)
LIST_MARKS = ("numbered", "dash")
CALENDAR_KEYS = {"kind", "workdays", "opens", "closes", "days_off"}
BINDING_KEYS = {"fields", "choices"}
STATUSES = tuple(s.value for s in SopStatus)
PAPERS = ("A4", "F4")

Path_ = tuple[str | int, ...]


class _Unloadable(Exception):
    """The YAML cannot be read at all; the problem is already recorded."""


@dataclass
class Source:
    """A file's values and the line of every key path in it."""

    path: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int:
        """The line of the deepest known prefix of ``path`` (1-based)."""
        key: Path_ = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


# -- reading YAML with line numbers ----------------------------------------------------------


def read_source(text: str, path: str) -> Source:
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        problem_mark = getattr(exc, "problem_mark", None)
        context_mark = getattr(exc, "context_mark", None)
        mark = problem_mark or context_mark
        line = mark.line + 1 if mark is not None else 1
        message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        if context and context_mark is not None and context_mark.line + 1 != line:
            message += f" ({context.removeprefix('while ')} that started on line "
            message += f"{context_mark.line + 1})"
        raise SOPValidationError(
            [Problem(path, line, "yaml", f"malformed YAML: {message}")]
        ) from None
    except (ValueError, RecursionError) as exc:  # e.g. a NUL byte
        raise SOPValidationError([Problem(path, 1, "yaml", f"unreadable file: {exc}")]) from None
    source = Source(path=path, data=None)
    if node is None:
        raise SOPValidationError([Problem(path, 1, "yaml", "the file is empty")])
    counter = [0]
    with contextlib.suppress(_Unloadable):
        source.data = _convert(node, (), source, problems, counter, 0)
    if problems:
        raise SOPValidationError(problems)
    return source


def _convert(
    node: yaml.Node,
    path: Path_,
    source: Source,
    problems: list[Problem],
    counter: list[int],
    depth: int,
) -> Any:
    counter[0] += 1
    line = node.start_mark.line + 1
    if counter[0] > MAX_NODES or depth > MAX_DEPTH:
        problems.append(Problem(source.path, line, _dotted(path), "the file is too large or deep"))
        raise _Unloadable
    source.lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(
                    Problem(
                        source.path,
                        line,
                        _dotted(path),
                        "'<<' merge keys are not supported",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(
                        source.path,
                        key_node.start_mark.line + 1,
                        _dotted(path),
                        "keys must be plain words",
                    )
                )
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in result:
                problems.append(
                    Problem(
                        source.path,
                        key_node.start_mark.line + 1,
                        _dotted(child),
                        "this key is written twice",
                    )
                )
                continue
            source.lines[child] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, child, source, problems, counter, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, i), source, problems, counter, depth + 1)
            for i, item in enumerate(node.value)
        ]
    try:
        return yaml.constructor.SafeConstructor().construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        problems.append(Problem(source.path, line, _dotted(path), f"bad value: {exc}"))
        return None


def _dotted(path: Path_) -> str:
    """``steps[3].next``; the whole file is ``file``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "file"


# -- checking shapes ------------------------------------------------------------------------


class _Checker:
    """Collects problems while turning raw values into typed ones."""

    def __init__(self, source: Source):
        self.source = source
        self.problems: list[Problem] = []

    def error(self, path: Path_, message: str) -> None:
        self.problems.append(
            Problem(self.source.path, self.source.line(*path), _dotted(path), message)
        )

    def warn(self, path: Path_, message: str) -> None:
        self.problems.append(
            Problem(
                self.source.path, self.source.line(*path), _dotted(path), message, Severity.WARNING
            )
        )

    def mapping(self, value: Any, path: Path_, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, f"must be a mapping of keys, not {_kind(value)}")
            return {}
        for key in value:
            if key not in allowed:
                hint = _closest(key, allowed)
                self.error(
                    (*path, key), "unknown key" + (f"; did you mean '{hint}'?" if hint else "")
                )
        return value

    def text(self, value: Any, path: Path_, *, required: bool = False) -> str:
        if value is None:
            if required:
                self.error(path, "is required")
            return ""
        if isinstance(value, (bool, dict, list)):
            self.error(path, f"must be text, not {_kind(value)}")
            return ""
        if isinstance(value, (date, datetime, time)):
            value = value.isoformat()
        result = str(value).strip()
        if required and not result:
            self.error(path, "must not be empty")
        return result

    def texts(self, value: Any, path: Path_) -> tuple[str, ...]:
        """A list of lines; a single string is one line; null is none."""
        if value is None:
            return ()
        if isinstance(value, list):
            out = []
            for i, item in enumerate(value):
                line = self.text(item, (*path, i))
                if line:
                    out.append(line)
            return tuple(out)
        line = self.text(value, path)
        return (line,) if line else ()

    def boolean(self, value: Any, path: Path_) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, not {_kind(value)}")
            return False
        return value

    def integer(self, value: Any, path: Path_, *, minimum: int = 1) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(path, f"must be a whole number, not {_kind(value)}")
            return None
        if value < minimum:
            self.error(path, f"must be at least {minimum}")
            return None
        return value

    def choice(self, value: Any, path: Path_, options: tuple[str, ...]) -> str | None:
        text = self.text(value, path, required=True)
        if text and text not in options:
            self.error(path, f"'{text}' is not one of: {', '.join(options)}")
            return None
        return text or None

    def ident(self, value: Any, path: Path_) -> str:
        text = self.text(value, path, required=True)
        if text and not ID_PATTERN.match(text):
            self.error(path, f"'{text}' is not an id: use lower-case letters, digits and _")
        return text

    def time_standard(self, value: Any, path: Path_) -> TimeStandard:
        text = self.text(value, path)
        try:
            return TimeStandard.parse(text)
        except TimeStandardError as exc:
            self.error(path, str(exc))
            return TimeStandard(text=text)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        dict: "a mapping",
        list: "a list",
        bool: "true/false",
        str: "text",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _closest(word: str, options: set[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return match[0] if match else ""


# -- building the spec ----------------------------------------------------------------------


def load_text(
    text: str, path: str = "<sop>", *, check_name: bool = False
) -> tuple[SOPSpec, list[Problem]]:
    """Parse and validate one SOP. Returns the spec and any warnings; raises on errors.

    ``check_name``: the file name at ``path`` must be ``<CODE>.v<VERSION>.yaml``.
    """
    from .validate import (
        check_bindings,
        check_document,
        check_graph,
        check_layout,
        check_letters,
    )

    source = read_source(text, path)
    c = _Checker(source)
    spec = _build(c, source.data, path)
    if spec is not None:
        check_graph(spec, c)
        check_bindings(spec, c)
        check_letters(spec, c)
        check_document(spec, c)
        check_layout(spec, c)
        if check_name:
            _check_filename(spec, path, c)
    errors = [p for p in c.problems if p.severity is Severity.ERROR]
    if errors or spec is None:
        raise SOPValidationError(c.problems or [Problem(path, 1, "yaml", "invalid SOP")])
    return spec, [p for p in c.problems if p.severity is Severity.WARNING]


def load_file(path: str | Path) -> tuple[SOPSpec, list[Problem]]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SOPValidationError(
            [Problem(str(p), 1, "file", f"not UTF-8 text: {exc.reason}")]
        ) from None
    except OSError as exc:
        raise SOPValidationError([Problem(str(p), 0, "file", exc.strerror or str(exc))]) from None
    return load_text(text, str(p), check_name=True)


def _check_filename(spec: SOPSpec, path: str, c: _Checker) -> None:
    m = FILENAME_PATTERN.match(Path(path).name)
    if not m:
        c.error(("code",), "the file name must be <CODE>.v<VERSION>.yaml")
        return
    if m["code"] != spec.code:
        c.error(("code",), f"'{spec.code}' does not match the file name '{Path(path).name}'")
    if int(m["version"]) != spec.version:
        c.error(("version",), f"{spec.version} does not match the file name '{Path(path).name}'")


def _build(c: _Checker, data: Any, path: str) -> SOPSpec | None:
    top = c.mapping(data, (), TOP_KEYS)
    if not top:
        if isinstance(data, dict):
            c.error((), "the file has no content")
        return None
    fmt = top.get("format", FORMAT)
    if fmt != FORMAT:
        c.error(("format",), f"'{fmt}' is not a known format; expected '{FORMAT}'")
    code = c.text(top.get("code"), ("code",), required=True)
    if code and not CODE_PATTERN.match(code):
        c.error(("code",), f"'{code}' is not a code: use capitals, digits and '-', up to 20")
    version = c.integer(top.get("version"), ("version",)) or 0
    status = SopStatus(
        c.choice(top.get("status", SopStatus.DRAFT), ("status",), STATUSES) or SopStatus.DRAFT
    )
    paper = c.choice(top.get("paper", "A4"), ("paper",), PAPERS) or "A4"
    supersedes = None
    if top.get("supersedes") is not None:
        supersedes = c.integer(top["supersedes"], ("supersedes",))
        if supersedes is not None and version and supersedes >= version:
            c.error(("supersedes",), "must be an earlier version than this one")
    calendar = _calendar(c, top.get("calendar"))
    identity = _identity(c, top.get("identity"))
    roles = _roles(c, top.get("roles"))
    steps = _steps(c, top.get("steps"), {r.id for r in roles})
    if identity is None or not steps or not roles:
        return None
    return SOPSpec(
        code=code,
        version=version,
        status=status,
        domain=c.text(top.get("domain"), ("domain",)),
        calendar=calendar,
        identity=identity,
        roles=roles,
        steps=steps,
        paper=paper,
        tags=c.texts(top.get("tags"), ("tags",)),
        supersedes=supersedes,
        source=c.text(top.get("source"), ("source",)),
        path=path,
        case_noun=c.text(top.get("case_noun"), ("case_noun",)) or "kasus",
        headings=_headings(c, top.get("headings")),
        column_numbers=c.boolean(top.get("column_numbers"), ("column_numbers",)),
        short_name=c.text(top.get("short_name"), ("short_name",)),
        list_marks=(
            c.choice(top["list_marks"], ("list_marks",), LIST_MARKS) or ""
            if top.get("list_marks") is not None
            else ""
        ),
    )


def _headings(c: _Checker, value: Any) -> Headings:
    """The table's headings as printed; each one not written keeps the Permenpan default."""
    if value is None:
        return Headings()
    raw = c.mapping(value, ("headings",), set(HEADING_KEYS))
    given = {
        k: c.text(v, ("headings", k), required=True) for k, v in raw.items() if k in HEADING_KEYS
    }
    return Headings(**{k: v for k, v in given.items() if v})


def _calendar(c: _Checker, value: Any) -> Calendar:
    path: Path_ = ("calendar",)
    if value is None:
        c.error(path, "is required: around_the_clock or working")
        return Calendar()
    if isinstance(value, str):
        kind = c.choice(value, path, tuple(k.value for k in CalendarKind))
        return Calendar(kind=CalendarKind(kind)) if kind else Calendar()
    raw = c.mapping(value, path, CALENDAR_KEYS)
    kind = c.choice(raw.get("kind"), (*path, "kind"), tuple(k.value for k in CalendarKind))
    cal = Calendar(kind=CalendarKind(kind) if kind else CalendarKind.AROUND_THE_CLOCK)
    opens, closes = cal.opens, cal.closes
    for key in ("opens", "closes"):
        if key in raw:
            text = c.text(raw[key], (*path, key))
            try:
                parsed = time.fromisoformat(text)
            except ValueError:
                c.error((*path, key), f"'{text}' is not a time of day like 08:00")
                continue
            if key == "opens":
                opens = parsed
            else:
                closes = parsed
    if opens >= closes:
        c.error((*path, "closes"), "must be later than opens")
        opens, closes = cal.opens, cal.closes
    workdays = cal.workdays
    if "workdays" in raw:
        days = raw["workdays"]
        if (
            not isinstance(days, list)
            or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days)
            or not days
        ):
            c.error((*path, "workdays"), "must be a list of weekday numbers, Monday = 0")
        else:
            workdays = tuple(sorted(set(days)))
    days_off: set[date] = set()
    for i, item in enumerate(raw.get("days_off") or []):
        if isinstance(item, date) and not isinstance(item, datetime):
            days_off.add(item)
        else:
            c.error((*path, "days_off", i), "must be a date like 2026-12-24")
    return Calendar(
        kind=cal.kind,
        workdays=workdays,
        opens=opens,
        closes=closes,
        extra_days_off=frozenset(days_off),
    )


def _identity(c: _Checker, value: Any) -> Identity | None:
    path: Path_ = ("identity",)
    if value is None:
        c.error(path, "is required: the thirteen identity items of the SOP")
        return None
    raw = c.mapping(value, path, set(IDENTITY_FIELDS))
    if not isinstance(value, dict):
        return None
    for name in IDENTITY_FIELDS:
        if name not in raw:
            c.error(
                (*path, name),
                "missing identity field (write it empty if the document leaves it blank)",
            )
    values: dict[str, Any] = {}
    for name in IDENTITY_FIELDS:
        fp = (*path, name)
        if name == "disahkan_oleh":
            values[name] = _approval(c, raw.get(name), fp)
        elif name in IDENTITY_LIST_FIELDS:
            values[name] = c.texts(raw.get(name), fp)
        else:
            values[name] = c.text(raw.get(name), fp, required=(name == "nama"))
    return Identity(**values)


def _approval(c: _Checker, value: Any, path: Path_) -> Approval:
    if value is None or isinstance(value, str):
        return Approval(jabatan=(value or "").strip())
    raw = c.mapping(value, path, {"jabatan", "nama", "nip", "pangkat"})
    return Approval(
        **{k: c.text(raw.get(k), (*path, k)) for k in ("jabatan", "nama", "nip", "pangkat")}
    )


def _roles(c: _Checker, value: Any) -> tuple[Role, ...]:
    path: Path_ = ("roles",)
    if not isinstance(value, list) or not value:
        c.error(path, "must list at least one role (pelaksana)")
        return ()
    roles: list[Role] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        rp = (*path, i)
        raw = c.mapping(item, rp, ROLE_KEYS)
        if not raw:
            continue
        role_id = c.ident(raw.get("id"), (*rp, "id"))
        if role_id in seen:
            c.error((*rp, "id"), f"duplicate role id '{role_id}'")
            continue
        seen.add(role_id)
        roles.append(
            Role(
                id=role_id,
                name=c.text(raw.get("name"), (*rp, "name"), required=True),
                external=c.boolean(raw.get("external"), (*rp, "external")),
                description=c.text(raw.get("description"), (*rp, "description")),
            )
        )
    return tuple(roles)


def _steps(c: _Checker, value: Any, role_ids: set[str]) -> tuple[Step, ...]:
    path: Path_ = ("steps",)
    if not isinstance(value, list) or not value:
        c.error(path, "must list at least one step")
        return ()
    steps: list[Step] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        step = _step(c, item, (*path, i), role_ids)
        if step is None:
            continue
        if step.id in seen:
            c.error((*path, i, "id"), f"duplicate step id '{step.id}'")
            continue
        seen.add(step.id)
        steps.append(step)
    return tuple(steps)


def _step(c: _Checker, value: Any, sp: Path_, role_ids: set[str]) -> Step | None:
    raw = c.mapping(value, sp, STEP_KEYS)
    if not raw:
        return None
    step_id = c.ident(raw.get("id"), (*sp, "id"))
    if not step_id:
        return None
    no = c.text(raw.get("no"), (*sp, "no"), required=True)
    kind_text = c.choice(raw.get("kind"), (*sp, "kind"), tuple(k.value for k in StepKind))
    kind = StepKind(kind_text) if kind_text else StepKind.PROCESS
    role = c.text(raw.get("role"), (*sp, "role"), required=True)
    if role and role not in role_ids:
        hint = _closest(role, role_ids)
        c.error(
            (*sp, "role"),
            f"unknown role '{role}'"
            + (
                f"; did you mean '{hint}'?"
                if hint
                else f"; roles are: {', '.join(sorted(role_ids))}"
            ),
        )
    next_id = c.text(raw.get("next"), (*sp, "next"))
    branches = _branches(c, raw.get("branches"), (*sp, "branches"))
    deadline = None
    if raw.get("deadline") is not None:
        deadline = c.time_standard(raw.get("deadline"), (*sp, "deadline"))
    return Step(
        id=step_id,
        no=no,
        kind=kind,
        role=role,
        activity=c.text(raw.get("activity"), (*sp, "activity"), required=True),
        title=c.text(raw.get("title"), (*sp, "title")),
        question=c.text(raw.get("question"), (*sp, "question")),
        requirements=c.texts(raw.get("requirements"), (*sp, "requirements")),
        time=c.time_standard(raw.get("time"), (*sp, "time")),
        output=c.text(raw.get("output"), (*sp, "output")),
        notes=c.text(raw.get("notes"), (*sp, "notes")),
        records=_records(c, raw.get("records"), (*sp, "records")),
        next=next_id,
        branches=branches,
        deadline=deadline,
        repeat=_repeat(c, raw.get("repeat"), (*sp, "repeat")),
        subprocedure=_subprocedure(c, raw.get("subprocedure"), (*sp, "subprocedure")),
        entry=c.boolean(raw.get("entry"), (*sp, "entry")),
        bindings=_bindings(c, raw.get("binds"), (*sp, "binds")),
        starts_at=c.text(raw.get("starts_at"), (*sp, "starts_at")),
        period=c.text(raw.get("period"), (*sp, "period")),
        show_open=c.texts(raw.get("show_open"), (*sp, "show_open")),
        public=c.text(raw.get("public"), (*sp, "public")),
        case_noun=_entry_noun(c, raw, sp),
        letter=_letter(c, raw.get("letter"), (*sp, "letter"), step_id),
        drawn=_default_true(c, raw, "drawn", sp),
        drawn_as=_drawn_as(c, raw.get("drawn_as"), (*sp, "drawn_as")),
        drawn_next=_drawn_next(c, raw.get("drawn_next"), (*sp, "drawn_next")),
        row=c.text(raw.get("row"), (*sp, "row")),
        time_scope=(
            c.choice(raw["time_scope"], (*sp, "time_scope"), TIME_SCOPES) or ""
            if raw.get("time_scope") is not None
            else ""
        ),
        line=c.source.line(*sp),
    )


def _default_true(c: _Checker, raw: dict[str, Any], key: str, path: Path_) -> bool:
    """A flag that is true unless written false (``drawn``, ``label_drawn``): written without a
    value it is refused, not read as false."""
    if key not in raw:
        return True
    if raw[key] is None:
        c.error((*path, key), "must be true or false, not empty")
        return True
    return c.boolean(raw[key], (*path, key))


def _drawn_as(c: _Checker, value: Any, path: Path_) -> Shape | None:
    if value is None:
        return None
    shape = c.choice(value, path, tuple(s.value for s in Shape))
    return Shape(shape) if shape else None


def _drawn_next(c: _Checker, value: Any, path: Path_) -> tuple[DrawnArrow, ...]:
    """The arrows drawn out of a symbol: a list of step ids or of {to, label}."""
    if value is None:
        return ()
    if not isinstance(value, list):
        c.error(path, f"must be a list of step ids or of {{to, label}}, not {_kind(value)}")
        return ()
    if not value:
        c.error(path, "must name at least one step (leave the key out for the process's arrows)")
        return ()
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append(DrawnArrow(to=c.text(item, (*path, i), required=True)))
            continue
        raw = c.mapping(item, (*path, i), DRAWN_ARROW_KEYS)
        if raw:
            out.append(
                DrawnArrow(
                    to=c.text(raw.get("to"), (*path, i, "to"), required=True),
                    label=c.text(raw.get("label"), (*path, i, "label")),
                )
            )
    return tuple(out)


def _entry_noun(c: _Checker, raw: dict[str, Any], sp: Path_) -> str:
    """An entry step's own word for its case; on any other step it would never be read."""
    noun = c.text(raw.get("case_noun"), (*sp, "case_noun"))
    if noun and raw.get("entry") is not True:
        c.error((*sp, "case_noun"), "only an entry step (entry: true) may name its case")
    return noun


def _branches(c: _Checker, value: Any, path: Path_) -> tuple[Branch, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        c.error(path, f"must be a list of {{label, to}}, not {_kind(value)}")
        return ()
    out = []
    labels: set[str] = set()
    for i, item in enumerate(value):
        raw = c.mapping(item, (*path, i), BRANCH_KEYS)
        if not raw:
            continue
        label = c.text(raw.get("label"), (*path, i, "label"), required=True)
        if label.lower() in labels:
            c.error((*path, i, "label"), f"duplicate branch label '{label}'")
        labels.add(label.lower())
        out.append(
            Branch(
                label=label,
                to=c.text(raw.get("to"), (*path, i, "to"), required=True),
                loop=c.boolean(raw.get("loop"), (*path, i, "loop")),
                drawn=_default_true(c, raw, "drawn", (*path, i)),
                label_drawn=_default_true(c, raw, "label_drawn", (*path, i)),
            )
        )
    return tuple(out)


def _records(c: _Checker, value: Any, path: Path_) -> tuple[RecordField, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        c.error(path, f"must be a list of fields, not {_kind(value)}")
        return ()
    out = []
    names: set[str] = set()
    for i, item in enumerate(value):
        fp = (*path, i)
        raw = c.mapping(item, fp, RECORD_KEYS)
        if not raw:
            continue
        name = c.ident(raw.get("name"), (*fp, "name"))
        if name in names:
            c.error((*fp, "name"), f"duplicate field name '{name}'")
        names.add(name)
        type_text = c.choice(
            raw.get("type", "text"), (*fp, "type"), tuple(t.value for t in FieldType)
        )
        ftype = FieldType(type_text) if type_text else FieldType.TEXT
        choices = c.texts(raw.get("choices"), (*fp, "choices"))
        if ftype is FieldType.CHOICE and len(choices) < 2:
            c.error((*fp, "choices"), "a choice field needs at least two choices")
        capture_text = None
        if raw.get("capture") is not None:
            options = tuple(k.value for k in Capture)
            capture_text = c.choice(raw.get("capture"), (*fp, "capture"), options)
        if capture_text and ftype is not FieldType.FILES:
            c.error((*fp, "capture"), "only a files field opens the camera (capture)")
        out.append(
            RecordField(
                name=name,
                label=c.text(raw.get("label"), (*fp, "label"), required=True),
                type=ftype,
                required=c.boolean(raw.get("required"), (*fp, "required")),
                choices=choices,
                help=c.text(raw.get("help"), (*fp, "help")),
                capture=Capture(capture_text) if capture_text else None,
            )
        )
    return tuple(out)


def _repeat(c: _Checker, value: Any, path: Path_) -> Repeat | None:
    if value is None:
        return None
    raw = c.mapping(value, path, {"frequency", "period", "schedule"})
    if not raw:
        return None
    freq = c.choice(raw.get("frequency"), (*path, "frequency"), tuple(f.value for f in Frequency))
    period = c.choice(raw.get("period"), (*path, "period"), tuple(p.value for p in Period))
    schedule = c.text(raw.get("schedule"), (*path, "schedule"))
    if freq == Frequency.SCHEDULED and not schedule:
        c.error(
            (*path, "schedule"),
            "a scheduled repeat names the field with the dates, as <step id>.<field name>",
        )
    if not freq or not period:
        return None
    return Repeat(frequency=Frequency(freq), period=Period(period), schedule_field=schedule)


def _subprocedure(c: _Checker, value: Any, path: Path_) -> Subprocedure | None:
    if value is None:
        return None
    raw = c.mapping(value, path, {"sop", "entry", "for_each", "wait"})
    if not raw:
        return None
    return Subprocedure(
        sop=c.text(raw.get("sop"), (*path, "sop")),
        entry=c.text(raw.get("entry"), (*path, "entry")),
        for_each=c.text(raw.get("for_each"), (*path, "for_each")),
        wait=c.boolean(raw.get("wait"), (*path, "wait")),
    )


def _bindings(c: _Checker, value: Any, path: Path_) -> tuple[Binding, ...]:
    """The shape of ``binds``; :func:`validate.check_bindings` checks it against the contracts."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        c.error(path, f"must be a mapping of contract names, not {_kind(value)}")
        return ()
    out = []
    for contract, block in value.items():
        bp = (*path, contract)
        raw = c.mapping(block, bp, BINDING_KEYS)
        fields: list[tuple[str, str]] = []
        for role, name in _pairs(c, raw.get("fields"), (*bp, "fields")):
            fields.append((role, c.text(name, (*bp, "fields", role), required=True)))
        choices: list[tuple[str, str, str]] = []
        for role, labels in _pairs(c, raw.get("choices"), (*bp, "choices")):
            for meaning, label in _pairs(c, labels, (*bp, "choices", role)):
                text = c.text(label, (*bp, "choices", role, meaning), required=True)
                choices.append((role, meaning, text))
        out.append(
            Binding(
                contract=contract,
                fields=tuple(fields),
                choices=tuple(choices),
                line=c.source.line(*bp),
            )
        )
    return tuple(out)


def _letter(c: _Checker, value: Any, path: Path_, step_id: str) -> StepLetter | None:
    """The shape of ``letter``; :func:`validate.check_letters` checks it against the SOP."""
    if value is None:
        return None
    raw = c.mapping(value, path, LETTER_KEYS)
    if not raw:
        return None
    key = c.ident(raw["key"], (*path, "key")) if "key" in raw else step_id
    kind = c.text(raw.get("kind"), (*path, "kind"))
    if not kind:
        for name in LETTER_DRAFT_KEYS:
            if name in raw:
                c.error(
                    (*path, name),
                    f"'{name}' describes the draft: write it on the step that drafts the letter "
                    "(the one with kind)",
                )
    needs = None
    if raw.get("needs") is not None:
        text = c.choice(raw["needs"], (*path, "needs"), tuple(n.value for n in LetterNeed))
        needs = LetterNeed(text) if text else None
    data: list[tuple[str, str | tuple[str, ...]]] = []
    for name, constant in _pairs(c, raw.get("data"), (*path, "data")):
        if isinstance(constant, list):
            data.append((name, c.texts(constant, (*path, "data", name))))
        else:
            data.append((name, c.text(constant, (*path, "data", name), required=True)))
    fill = [
        (name, c.text(ref, (*path, "fill", name), required=True))
        for name, ref in _pairs(c, raw.get("fill"), (*path, "fill"))
    ]
    into: list[tuple[LetterInto, str]] = []
    for what, name in _pairs(c, raw.get("into"), (*path, "into")):
        known = tuple(i.value for i in LetterInto)
        if what not in known:
            c.error((*path, "into", what), f"'{what}' is not one of: {', '.join(known)}")
            continue
        into.append((LetterInto(what), c.text(name, (*path, "into", what), required=True)))
    return StepLetter(
        key=key,
        kind=kind,
        needs=needs,
        paraf=c.texts(raw.get("paraf"), (*path, "paraf")),
        signer=c.text(raw.get("signer"), (*path, "signer")),
        hal=c.text(raw.get("hal"), (*path, "hal")),
        data=tuple(data),
        fill=tuple(fill),
        previous=c.text(raw.get("previous"), (*path, "previous")),
        wait=c.text(raw.get("wait"), (*path, "wait")),
        into=tuple(into),
        line=c.source.line(*path),
    )


def _pairs(c: _Checker, value: Any, path: Path_) -> list[tuple[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, dict):
        c.error(path, f"must be a mapping, not {_kind(value)}")
        return []
    return list(value.items())
