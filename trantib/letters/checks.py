"""``manage.py check`` fails when an SOP's letter block names what the letters app lacks.

The engine checks a ``letter:`` block against its SOP (roles, recorded fields, steps); only
the letters app knows the kinds: each drafted letter must name a kind of :mod:`.kinds`, its
``data`` and ``fill`` must name that kind's fields (or, for ``fill``, a header field), a
constant for a choice field must be one of its choices, ``previous`` needs a ``dasar`` field
and ``wait`` a ``tempo`` field to write into.
"""

from __future__ import annotations

from typing import Any

from django.core import checks

from trantib.engine.spec import SOPSpec
from trantib.sops import registry

from .kinds import KINDS, FieldKind
from .sop_fill import HEADER_FIELDS


def letter_block_problems(spec: SOPSpec) -> list[str]:
    """What is wrong with ``spec``'s letter blocks, as "FILE:LINE: steps[i].letter…: …"."""
    problems: list[str] = []
    for i, step in enumerate(spec.steps):
        block = step.letter
        if block is None or not block.drafts:
            continue
        where = f"{spec.path}:{block.line}: steps[{i}].letter"
        kind = KINDS.get(block.kind)
        if kind is None:
            problems.append(
                f"{where}.kind: unknown letter kind '{block.kind}' (known: {', '.join(KINDS)})"
            )
            continue
        names = {f.name for f in kind.fields}
        for target, _ref in block.fill:
            if target not in names and target not in HEADER_FIELDS:
                problems.append(
                    f"{where}.fill.{target}: {kind.name} has no field '{target}'; its fields: "
                    f"{', '.join([*names, *HEADER_FIELDS])}"
                )
        for target, constant in block.data:
            field = kind.field(target)
            if field is None and target not in HEADER_FIELDS:
                problems.append(f"{where}.data.{target}: {kind.name} has no field '{target}'")
            elif field is not None and field.kind is FieldKind.CHOICE:
                allowed = {code for code, _label in field.choices}
                if constant not in allowed:
                    problems.append(
                        f"{where}.data.{target}: '{constant}' is not one of: "
                        f"{', '.join(sorted(allowed))}"
                    )
        if block.previous and kind.field("dasar") is None:
            problems.append(f"{where}.previous: {kind.name} has no 'dasar' to cite it in")
        if block.wait and kind.field("tempo") is None:
            problems.append(f"{where}.wait: {kind.name} has no 'tempo' to print the period in")
    return problems


@checks.register("trantib")
def check_sop_letters(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(problem, id="trantib.E101", hint="see docs/sop-format.md, Letters")
        for spec in registry.library().specs
        for problem in letter_block_problems(spec)
    ]
