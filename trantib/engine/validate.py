"""Checks that need the whole SOP, or the whole library.

Per SOP: every ``next`` and branch lands on a step; each kind has what it needs (a decision at
least two branches, a wait its deadline, a repeat its schedule); every step is reachable from an
entry; from every step some path reaches an end; every binding fulfils its contract
(:mod:`.bindings`); every letter is drafted at one step and named consistently (roles, fields
and steps it refers to exist; what it fills fits the field), :func:`check_letters`. Whether a
letter's kind and fill targets exist is the letters app's check (Django), not the engine's.
Layout conventions of the printed document (about ten rows and six role columns on a
landscape page) are only warnings.

Across the library: codes and versions are unique, and sub-procedures name an SOP and entry
that exist.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Protocol

from .bindings import CONTRACTS, Contract, LadderPeriod
from .errors import Problem
from .spec import (
    Binding,
    FieldType,
    Frequency,
    LetterInto,
    LetterNeed,
    RecordField,
    Role,
    SOPSpec,
    Step,
    StepKind,
    StepLetter,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

PAGE_ROWS = 10
PAGE_ROLES = 6


class _Reporter(Protocol):
    def error(self, path: tuple[str | int, ...], message: str) -> None: ...
    def warn(self, path: tuple[str | int, ...], message: str) -> None: ...


def _index(spec: SOPSpec, step: Step) -> int:
    return spec.steps.index(step)


def check_graph(spec: SOPSpec, r: _Reporter) -> None:
    ids = {s.id for s in spec.steps}
    dangling = False
    fields = {(s.id, f.name): f for s in spec.steps for f in s.records}
    for step in spec.steps:
        sp: tuple[str | int, ...] = ("steps", _index(spec, step))
        _check_kind(step, sp, r)
        if step.next and step.next not in ids:
            dangling = True
            r.error(
                (*sp, "next"), f"step '{step.id}' goes next to '{step.next}', which does not exist"
            )
        for i, branch in enumerate(step.branches):
            if branch.to and branch.to not in ids:
                dangling = True
                r.error(
                    (*sp, "branches", i, "to"),
                    f"branch '{branch.label}' of step '{step.id}' goes to '{branch.to}', "
                    "which does not exist",
                )
        for j, shown in enumerate(step.show_open):
            if shown not in ids:
                r.error((*sp, "show_open", j), f"show_open names '{shown}', which is not a step")
        if step.repeat and step.repeat.frequency is Frequency.SCHEDULED:
            ref = step.repeat.schedule_field
            target = _field_ref(ref)
            if target is None or target not in fields:
                r.error(
                    (*sp, "repeat", "schedule"),
                    f"'{ref}' is not a recorded field (write <step id>.<field name>)",
                )
            elif fields[target].type not in (FieldType.LIST, FieldType.DATE):
                r.error((*sp, "repeat", "schedule"), f"'{ref}' must be a list or date field")
        if step.subprocedure and step.subprocedure.for_each:
            ref = step.subprocedure.for_each
            target = _field_ref(ref)
            if target is None or target not in fields:
                r.error(
                    (*sp, "subprocedure", "for_each"),
                    f"'{ref}' is not a recorded field (write <step id>.<field name>)",
                )
        if step.subprocedure and not step.subprocedure.sop and step.subprocedure.entry:
            entry = step.subprocedure.entry
            if entry not in ids:
                r.error((*sp, "subprocedure", "entry"), f"entry '{entry}' is not a step here")
            elif not spec.step(entry).entry and entry != spec.start.id:
                r.error((*sp, "subprocedure", "entry"), f"step '{entry}' is not marked entry: true")
    if spec.start.kind not in (StepKind.START, StepKind.END):
        r.warn(
            ("steps", 0, "kind"), "the first step is usually the start terminator of the document"
        )
    if not dangling:  # with a broken edge every step below it would be reported too
        _check_reachability(spec, ids, r)
        check_starts_at(spec, r)


def check_starts_at(spec: SOPSpec, r: _Reporter) -> None:
    """A step's ``starts_at`` names a date or datetime field of another step that is recorded
    before it on every path from every entry that reaches it (else the value may not exist yet
    when the task is offered). Not on a repeat: its occurrences are timed from their schedule."""
    fields = {(s.id, f.name): f for s in spec.steps for f in s.records}
    forward = {s.id: list(s.targets) for s in spec.steps}
    entries = [spec.start.id] + [s.id for s in spec.steps if s.entry]
    for i, step in enumerate(spec.steps):
        if not step.starts_at:
            continue
        path: tuple[str | int, ...] = ("steps", i, "starts_at")
        ref = step.starts_at
        target = _field_ref(ref)
        if step.kind is StepKind.REPEAT:
            r.error(path, "a repeated step is timed from its schedule; remove starts_at")
        elif target is None or target not in fields:
            r.error(path, f"'{ref}' is not a recorded field (write <step id>.<field name>)")
        elif fields[target].type not in (FieldType.DATE, FieldType.DATETIME):
            r.error(path, f"'{ref}' is a {fields[target].type} field; it must be date or datetime")
        elif target[0] == step.id:
            r.error(path, f"'{ref}' is recorded when step '{step.id}' is completed, not before")
        else:
            for entry in entries:
                if entry == target[0] or step.id not in _walk([entry], forward):
                    continue
                without = {k: [t for t in v if t != target[0]] for k, v in forward.items()}
                if step.id in _walk([entry], without):
                    r.error(
                        path,
                        f"step '{step.id}' can be reached from '{entry}' without passing "
                        f"'{target[0]}': '{ref}' may not be recorded yet",
                    )
                    break


def _field_ref(ref: str) -> tuple[str, str] | None:
    if ref.count(".") != 1:
        return None
    step_id, name = ref.split(".")
    return step_id, name


def _check_kind(step: Step, sp: tuple[str | int, ...], r: _Reporter) -> None:
    kind = step.kind
    if kind is StepKind.DECISION:
        if not step.branches:
            r.error((*sp, "branches"), f"decision '{step.id}' needs at least one branch")
        if step.next:
            r.error((*sp, "next"), "a decision leaves through its branches, not next")
    else:
        if step.branches:
            r.error((*sp, "branches"), f"only a decision has branches; '{step.id}' is {kind}")
        if kind is StepKind.END and step.next:
            r.error((*sp, "next"), "an end step has no next step")
        if kind is not StepKind.END and not step.next:
            r.error((*sp, "next"), f"step '{step.id}' ({kind}) must say which step comes next")
    if kind is StepKind.WAIT:
        if step.deadline is None or not step.deadline.has_deadline:
            r.error((*sp, "deadline"), f"wait '{step.id}' needs a deadline such as '7 hari'")
    elif step.deadline is not None:
        r.error((*sp, "deadline"), "only a wait step has a deadline; use time for the standard")
    if step.period:
        periods = [p.value for p in LadderPeriod]
        if kind is not StepKind.WAIT:
            r.error((*sp, "period"), "only a wait step takes its period from the Perda")
        elif step.period not in periods:
            r.error(
                (*sp, "period"),
                f"unknown period '{step.period}'; periods are: {', '.join(periods)}",
            )
    if (kind is StepKind.REPEAT) != (step.repeat is not None):
        r.error(
            (*sp, "repeat"), "a repeat step needs a repeat block, and only a repeat step has one"
        )
    if (kind is StepKind.SUBPROCEDURE) != (step.subprocedure is not None):
        r.error(
            (*sp, "subprocedure"),
            "a sub-procedure step needs a subprocedure block, and only such a step has one",
        )


def _check_reachability(spec: SOPSpec, ids: set[str], r: _Reporter) -> None:
    entries = [spec.start.id] + [s.id for s in spec.steps if s.entry]
    forward: dict[str, list[str]] = {s.id: [t for t in s.targets if t in ids] for s in spec.steps}
    seen = _walk(entries, forward)
    for step in spec.steps:
        if step.id not in seen:
            r.error(
                ("steps", _index(spec, step), "id"),
                f"step '{step.id}' cannot be reached from the start",
            )
    backward: dict[str, list[str]] = {s.id: [] for s in spec.steps}
    for source, targets in forward.items():
        for target in targets:
            backward[target].append(source)
    ends = [s.id for s in spec.steps if s.kind is StepKind.END]
    if not ends:
        r.error(("steps",), "no step is of kind end: the procedure never finishes")
        return
    finishing = _walk(ends, backward)
    for step in spec.steps:
        if step.id in seen and step.id not in finishing:
            r.error(
                ("steps", _index(spec, step), "id"),
                f"no path from step '{step.id}' reaches an end step",
            )


def _walk(starts: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def check_bindings(spec: SOPSpec, r: _Reporter) -> None:
    """Each ``binds`` entry names a known contract, sits on a step kind it allows (once per SOP
    unless it allows more), binds every required role to a field of the step of a fitting type,
    and maps every required meaning of a choice role to one of the field's choices."""
    first: dict[str, str] = {}
    for i, step in enumerate(spec.steps):
        for binding in step.bindings:
            bp: tuple[str | int, ...] = ("steps", i, "binds", binding.contract)
            contract = CONTRACTS.get(binding.contract)
            if contract is None:
                known = ", ".join(sorted(CONTRACTS))
                r.error(bp, f"unknown contract '{binding.contract}'; contracts are: {known}")
                continue
            if contract.kinds and step.kind not in contract.kinds:
                kinds = " or ".join(k.value for k in contract.kinds)
                r.error(
                    bp,
                    f"{contract.name} is for {kinds} steps only; '{step.id}' is a {step.kind} step",
                )
            if contract.once and binding.contract in first:
                r.error(bp, f"{contract.name} is already bound at step '{first[binding.contract]}'")
            first.setdefault(binding.contract, step.id)
            _check_binding(step, binding, contract, bp, r)


def _check_binding(
    step: Step, binding: Binding, contract: Contract, bp: tuple[str | int, ...], r: _Reporter
) -> None:
    records = {f.name: f for f in step.records}
    bound: dict[str, str] = {}  # field name -> role
    for role_name, name in binding.fields:
        fp = (*bp, "fields", role_name)
        role = contract.role(role_name)
        if role is None:
            roles = ", ".join(ro.name for ro in contract.roles)
            r.error(fp, f"{contract.name} has no role '{role_name}'; its roles are: {roles}")
            continue
        if not name:
            continue  # already reported as empty
        if name not in records:
            names = ", ".join(records) or "nothing"
            r.error(fp, f"step '{step.id}' records no field '{name}'; it records: {names}")
            continue
        ftype = records[name].type
        if ftype not in role.types:
            wanted = " or ".join(t.value for t in role.types)
            r.error(fp, f"'{name}' is a {ftype} field; role '{role_name}' needs {wanted}")
        if name in bound:
            r.error(fp, f"'{name}' is already bound to role '{bound[name]}'")
        bound.setdefault(name, role_name)
    fields = dict(binding.fields)
    for role in contract.roles:
        if role.required and role.name not in fields:
            wanted = " or ".join(t.value for t in role.types)
            r.error(
                (*bp, "fields"),
                f"{contract.name} needs role '{role.name}': the name of a {wanted} field",
            )
    mapped: dict[str, dict[str, str]] = {}  # role -> label -> meaning
    written: set[tuple[str, str]] = set()  # (role, meaning)
    for role_name, meaning_name, label in binding.choices:
        cp = (*bp, "choices", role_name, meaning_name)
        role = contract.role(role_name)
        if role is None or not role.meanings:
            if role_name not in mapped:
                choice_roles = ", ".join(ro.name for ro in contract.roles if ro.meanings)
                r.error(
                    (*bp, "choices", role_name),
                    f"'{role_name}' is not a choice role of {contract.name}; "
                    f"its choice roles are: {choice_roles or 'none'}",
                )
            mapped[role_name] = {}
            continue
        if role.meaning(meaning_name) is None:
            names = ", ".join(m.name for m in role.meanings)
            r.error(
                cp, f"'{meaning_name}' is not a meaning of '{role_name}'; meanings are: {names}"
            )
            continue
        written.add((role_name, meaning_name))
        labels = mapped.setdefault(role_name, {})
        if label in labels:
            r.error(cp, f"'{label}' already means '{labels[label]}'")
        labels.setdefault(label, meaning_name)
        field = records.get(fields.get(role_name, ""))
        if (
            field is not None
            and field.type is FieldType.CHOICE
            and label
            and label not in field.choices
        ):
            r.error(
                cp,
                f"'{label}' is not a choice of field '{field.name}'; its choices are: "
                + ", ".join(field.choices),
            )
    for role in contract.roles:
        if not role.required and role.name not in fields:
            continue
        missing = [
            m.name for m in role.meanings if m.required and (role.name, m.name) not in written
        ]
        if missing:
            r.error(
                (*bp, "choices", role.name),
                f"{contract.name} needs the {role.name} choice(s) meaning: {', '.join(missing)}",
            )


# What of a letter fits which field type, and what the step must need for it to exist.
_INTO_TYPES = {
    LetterInto.NUMBER: (FieldType.TEXT,),
    LetterInto.DATED: (FieldType.DATE, FieldType.DATETIME),
    LetterInto.DELIVERED: (FieldType.DATE, FieldType.DATETIME),
    LetterInto.PDF: (FieldType.FILES,),
}
_INTO_NEEDS = {
    LetterInto.NUMBER: (LetterNeed.SIGNED, LetterNeed.DELIVERED),
    LetterInto.DATED: (LetterNeed.SIGNED, LetterNeed.DELIVERED),
    LetterInto.DELIVERED: (LetterNeed.DELIVERED,),
    LetterInto.PDF: tuple(LetterNeed),  # any: the letter must exist to be printed
}
MAX_PARAF = 3  # Permendagri 1/2023: at most three paraf hierarki


def check_letters(spec: SOPSpec, r: _Reporter) -> None:
    """Each letter key is drafted (``kind``) at exactly one step and every step that names it
    names a drafted key; paraf and signer are roles of this SOP inside the unit (at most three
    paraf); ``fill`` reads recorded fields (``step.field``); ``wait`` is a wait step;
    ``previous`` another letter of this SOP; ``into`` names fields of its own step, each of a
    type that fits, on a step that ``needs`` the letter far enough for the value to exist."""
    drafted: dict[str, str] = {}
    for i, step in enumerate(spec.steps):
        letter = step.letter
        if letter is not None and letter.drafts:
            if letter.key in drafted:
                r.error(
                    ("steps", i, "letter", "kind"),
                    f"letter '{letter.key}' is already drafted at step '{drafted[letter.key]}'; "
                    "later steps name it by key only",
                )
            drafted.setdefault(letter.key, step.id)
    fields = {(s.id, f.name): f for s in spec.steps for f in s.records}
    roles = {role.id: role for role in spec.roles}
    for i, step in enumerate(spec.steps):
        letter = step.letter
        if letter is None:
            continue
        lp: tuple[str | int, ...] = ("steps", i, "letter")
        if letter.key not in drafted:
            r.error(
                (*lp, "key"),
                f"no step drafts letter '{letter.key}': give one step its kind "
                "(letter: {key: …, kind: …})",
            )
        if letter.drafts:
            _check_letter_draft(step, letter, lp, roles, fields, drafted, spec, r)
        _check_letter_into(step, letter, lp, r)
        found = spec.letter_source(letter.key)
        if letter.needs is LetterNeed.INITIALLED and found is not None:
            source, block = found
            if step.role not in block.paraf and step.role != source.role:
                r.error(
                    (*lp, "needs"),
                    f"role '{step.role}' initials nothing: letter '{letter.key}' has paraf "
                    f"{', '.join(block.paraf) or 'none'}",
                )


def _check_letter_draft(
    step: Step,
    letter: StepLetter,
    lp: tuple[str | int, ...],
    roles: dict[str, Role],
    fields: dict[tuple[str, str], RecordField],
    drafted: dict[str, str],
    spec: SOPSpec,
    r: _Reporter,
) -> None:
    if len(letter.paraf) > MAX_PARAF:
        r.error((*lp, "paraf"), f"at most {MAX_PARAF} paraf hierarki, not {len(letter.paraf)}")
    named: list[tuple[str, int | None, str]] = [
        ("paraf", j, role) for j, role in enumerate(letter.paraf)
    ]
    if letter.signer:
        named.append(("signer", None, letter.signer))
    for key, j, role in named:
        path: tuple[str | int, ...] = (*lp, key) if j is None else (*lp, key, j)
        if role not in roles:
            r.error(path, f"unknown role '{role}'; roles are: {', '.join(sorted(roles))}")
        elif roles[role].external:
            r.error(path, f"'{role}' is outside the unit: only the unit's officers sign or paraf")
    if roles.get(step.role) is not None and roles[step.role].external and not letter.signer:
        r.error((*lp, "signer"), f"step '{step.id}' is an outside role's: name the signer")
    for target, ref in letter.fill:
        where = _field_ref(ref)
        if where is None or where not in fields:
            r.error(
                (*lp, "fill", target),
                f"'{ref}' is not a recorded field (write <step id>.<field name>)",
            )
    if letter.wait:
        waits = {s.id: s for s in spec.steps}
        if letter.wait not in waits or waits[letter.wait].kind is not StepKind.WAIT:
            r.error((*lp, "wait"), f"'{letter.wait}' is not a wait step of this SOP")
    if letter.previous:
        if letter.previous == letter.key:
            r.error((*lp, "previous"), "a letter cannot follow itself")
        elif letter.previous not in drafted:
            r.error((*lp, "previous"), f"no step drafts a letter '{letter.previous}'")


def _check_letter_into(
    step: Step, letter: StepLetter, lp: tuple[str | int, ...], r: _Reporter
) -> None:
    records = {f.name: f for f in step.records}
    seen: set[str] = set()
    for what, name in letter.into:
        path = (*lp, "into", what.value)
        if name not in records:
            names = ", ".join(records) or "nothing"
            r.error(path, f"step '{step.id}' records no field '{name}'; it records: {names}")
            continue
        if name in seen:
            r.error(path, f"'{name}' is already filled from the letter")
        seen.add(name)
        if records[name].type not in _INTO_TYPES[what]:
            wanted = " or ".join(t.value for t in _INTO_TYPES[what])
            r.error(path, f"'{name}' is a {records[name].type} field; {what} needs {wanted}")
        needed = _INTO_NEEDS.get(what)
        if needed and letter.needs not in needed:
            r.error(
                path,
                f"the letter's {what} exists only once it is {' or '.join(needed)}: "
                f"write needs: {needed[0]}",
            )


def check_document(spec: SOPSpec, r: _Reporter) -> None:
    """The document layer holds together: every printed row draws a symbol, the arrows drawn
    land on drawn symbols, and a row's time is written once, on the row's lead."""
    ids = {s.id: s for s in spec.steps}
    for row in spec.rows:
        first = spec.steps.index(row.steps[0])
        if not row.drawn_steps:
            r.error(
                ("steps", first, "drawn"),
                f"row {row.no} draws no symbol: at least one of its steps is drawn",
            )
    for step in spec.steps:
        sp: tuple[str | int, ...] = ("steps", _index(spec, step))
        for i, arrow in enumerate(step.drawn_next):
            target = ids.get(arrow.to)
            if target is None:
                r.error((*sp, "drawn_next", i), f"'{arrow.to}' is not a step")
            elif not target.drawn:
                r.error((*sp, "drawn_next", i), f"'{arrow.to}' is not drawn (drawn: false)")
        if step.drawn_next and not step.drawn:
            r.error((*sp, "drawn_next"), "a step the document does not draw has no arrows drawn")
        if step.drawn_as and not step.drawn:
            r.error((*sp, "drawn_as"), "a step the document does not draw has no symbol")
        if step.time_scope == "row":
            row = spec.row_of(step.id)
            if step is not row.lead:
                r.error(
                    (*sp, "time_scope"),
                    f"only the row's first drawn step ('{row.lead.id}') holds the row's time",
                )
            elif not step.time.has_deadline:
                r.error((*sp, "time"), "a row's time needs an amount such as '1 hari'")
            for other in row.steps:
                if other is not step and other.time.text:
                    r.error(
                        ("steps", _index(spec, other), "time"),
                        f"row {row.no}'s time is '{step.time.text}' for all its steps "
                        f"(time_scope: row on '{step.id}'): remove this one",
                    )


def check_layout(spec: SOPSpec, r: _Reporter) -> None:
    rows = len(spec.rows)
    if rows > PAGE_ROWS:
        r.warn(
            ("steps",),
            f"{rows} rows: more than about {PAGE_ROWS} rows fit on one landscape "
            "page; the document will continue through off-page connectors",
        )
    if len(spec.roles) > PAGE_ROLES:
        r.warn(
            ("roles",),
            f"{len(spec.roles)} role columns: more than about {PAGE_ROLES} make the "
            "columns narrow on one page",
        )


def check_library(specs: Iterable[SOPSpec]) -> list[Problem]:
    """Problems between files: duplicate versions, sub-procedures naming unknown SOPs."""
    problems: list[Problem] = []
    by_key: dict[tuple[str, int], SOPSpec] = {}
    codes: dict[str, list[SOPSpec]] = {}
    all_specs = list(specs)
    for spec in all_specs:
        key = (spec.code, spec.version)
        if key in by_key:
            problems.append(
                Problem(
                    spec.path,
                    1,
                    "version",
                    f"{spec.code} version {spec.version} is also defined in {by_key[key].path}",
                )
            )
        by_key[key] = spec
        codes.setdefault(spec.code, []).append(spec)
    for spec in all_specs:
        for i, step in enumerate(spec.steps):
            sub = step.subprocedure
            if not sub or not sub.sop or sub.sop == spec.code:
                continue
            if sub.sop not in codes:
                problems.append(
                    Problem(
                        spec.path,
                        step.line,
                        f"steps[{i}].subprocedure.sop",
                        f"no SOP with code '{sub.sop}' in the library",
                    )
                )
                continue
            if sub.entry:
                target = max(codes[sub.sop], key=lambda s: s.version)
                if sub.entry not in {s.id for s in target.steps if s.entry} | {target.start.id}:
                    problems.append(
                        Problem(
                            spec.path,
                            step.line,
                            f"steps[{i}].subprocedure.entry",
                            f"'{sub.entry}' is not an entry step of {sub.sop}",
                        )
                    )
    return problems
