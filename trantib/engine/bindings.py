"""The product's contracts with SOP files, as data.

Domain code needs a few things from an SOP that the document does not name: the step a
complaint's case starts at and the fields its channel, description and place go into; the step
that answers the reporter and the field its channel is recorded in. An SOP author declares them
on the step with ``binds:`` (docs/sop-format.md, "Bindings"):

.. code-block:: yaml

    binds:
      reporter_answer:
        fields: {channel: saluran, text: isi, time: waktu}
        choices:
          channel: {sms: SMS, email: E-mail, phone: Telepon, in_person: Langsung, ...}

The loader checks each binding against its :class:`Contract` here
(:func:`trantib.engine.validate.check_bindings`), and domain code reads it through
:attr:`Step.binds <trantib.engine.spec.Step.binds>` and
:meth:`SOPSpec.binding <trantib.engine.spec.SOPSpec.binding>`, keying on the contract's role and
meaning names, never on a field's name or a choice's display text::

    found = spec.binding(ContractName.REPORTER_ANSWER)  # (step, binding), or None
    step, answer = found
    answer.field("channel")  # "saluran"
    answer.choice("channel", AnswerChannel.SMS)  # "SMS", the label to record
    answer.meaning("channel", "Tidak dapat dihubungi")  # "unreachable"

A contract names the roles it needs, each a field of some types, required or optional; for a
choice role, the meanings the domain code acts on, each required or optional (the SOP maps each
to one of the field's choices; choices it leaves unmapped have no meaning for the product); the
step kinds it may sit on; and whether one SOP may bind it at several steps.

Bindings are the product's, not the signed document's: they are never printed, and a published
version may gain or change them in place (see ``SOPSpec.signed_part``).

Adding a contract (a ``letter`` a step issues, a ``violator`` a step records): add its name to
:class:`ContractName`, a :class:`Contract` to ``CONTRACTS``, a line to the format guide's table,
and, for choice roles, a ``StrEnum`` of meanings. Limits: a binding names fields of its own step
only, and values other than fields and choice labels (a letter's kind, say) need a new key in
the ``binds`` block and the loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .spec import FieldType, StepKind


class ContractName(StrEnum):
    """The contracts an SOP step may fulfil."""

    COMPLAINT_INTAKE = "complaint_intake"  # the start step a complaint's case opens with
    REPORTER_ANSWER = "reporter_answer"  # the end step that answers the reporter
    POLMAS_ACTIVITY = "polmas_activity"  # a Polmas Pos step the community register records
    PATROL_SCHEDULE = "patrol_schedule"  # the step whose schedule and team come from the plan
    PATROL_DAY = "patrol_day"  # the scheduled patrol, completed by its team's daily report
    PATROL_EVALUATION = "patrol_evaluation"  # the evaluation listing the month's findings
    VIOLATION_FINDING = "violation_finding"  # the entry step an enforcement's case opens at
    # The step whose report is drafted from the case's operation file (issue 12): a case whose
    # SOP binds it has an operation file (trantib/operations).
    OPERATION_REPORT = "operation_report"


class IntakeChannel(StrEnum):
    """How a complaint came in (the complaint's ``channel``): ``complaint_intake``'s channel."""

    COUNTER = "counter"  # the reporter came to the office
    PHONE = "phone"  # an officer took it on the phone
    SMS = "sms"  # the SMS gateway
    WEB = "web"  # the public web form
    OPEN311 = "open311"  # an Open311 client


class AnswerChannel(StrEnum):
    """How the reporter was answered: ``reporter_answer``'s channel."""

    SMS = "sms"  # sent by the outbox to the reporter's mobile number
    EMAIL = "email"  # sent by the outbox to the reporter's address
    PHONE = "phone"  # an officer called
    IN_PERSON = "in_person"  # told face to face (also for an anonymous reporter who came by)
    LETTER = "letter"  # a letter by post or by hand
    UNREACHABLE = "unreachable"  # an anonymous report left no contact: nobody can be told


class LadderPeriod(StrEnum):
    """The rungs of the warning ladder whose compliance period a wait may take from the case's
    Perda (a wait's ``period:``; docs/sop-format.md, "Periods from the Perda")."""

    PERNYATAAN = "pernyataan"  # the Surat Pernyataan the violator signs
    TEGURAN_1 = "teguran_1"
    TEGURAN_2 = "teguran_2"
    TEGURAN_3 = "teguran_3"


@dataclass(frozen=True)
class Meaning:
    """A choice the domain code acts on. ``required``: the SOP must offer it."""

    name: str
    required: bool = True


@dataclass(frozen=True)
class ContractRole:
    """A field a contract needs from the step, by what it is for rather than by name."""

    name: str
    types: tuple[FieldType, ...]  # the field types that can hold it
    required: bool = True  # the SOP must bind it
    meanings: tuple[Meaning, ...] = ()  # for a choice role: the meanings the product uses

    def meaning(self, name: str) -> Meaning | None:
        return next((m for m in self.meanings if m.name == name), None)


@dataclass(frozen=True)
class Contract:
    """What the product needs from a step to run one piece of domain code."""

    name: ContractName
    purpose: str
    roles: tuple[ContractRole, ...]
    kinds: tuple[StepKind, ...] = ()  # the step kinds it may be bound at; empty: any
    once: bool = True  # at most one step per SOP binds it

    def role(self, name: str) -> ContractRole | None:
        return next((r for r in self.roles if r.name == name), None)


def _meanings(all_: Iterable[str], *, optional: Iterable[str] = ()) -> tuple[Meaning, ...]:
    skip = set(optional)
    return tuple(Meaning(name=str(m), required=m not in skip) for m in all_)


_TEXT = (FieldType.TEXT, FieldType.LONGTEXT)

CONTRACTS: Mapping[str, Contract] = MappingProxyType(
    {
        c.name: c
        for c in (
            Contract(
                name=ContractName.COMPLAINT_INTAKE,
                purpose="the step a complaint's case starts at: what the intake records there",
                roles=(
                    # Every intake path of the product records its channel: all are required.
                    ContractRole("channel", (FieldType.CHOICE,), meanings=_meanings(IntakeChannel)),
                    ContractRole("description", _TEXT),
                    ContractRole("place", (FieldType.LOCATION,)),
                ),
                kinds=(StepKind.START,),
            ),
            Contract(
                name=ContractName.REPORTER_ANSWER,
                purpose="the last step, which tells the reporter the outcome and closes the case",
                roles=(
                    # SMS and e-mail go out through the outbox; an anonymous report is closed
                    # as unreachable (where the SOP offers it) or answered in person; phone is
                    # the fallback without a mobile number. A letter is the SOP's own business.
                    # PGD v1 predates anonymous reports: it has no "unreachable" choice.
                    ContractRole(
                        "channel",
                        (FieldType.CHOICE,),
                        meanings=_meanings(
                            AnswerChannel,
                            optional=[AnswerChannel.LETTER, AnswerChannel.UNREACHABLE],
                        ),
                    ),
                    ContractRole("text", _TEXT),
                    # Filled by the product when the outbox sends the answer.
                    ContractRole("time", (FieldType.DATETIME,), required=False),
                ),
                kinds=(StepKind.END,),
            ),
            Contract(
                name=ContractName.POLMAS_ACTIVITY,
                purpose="a Polmas Pos activity the scheduler opens and the register records",
                roles=(
                    ContractRole("time", (FieldType.DATETIME,)),
                    ContractRole("place", (FieldType.LOCATION,)),
                    ContractRole("attendees", (FieldType.LIST,)),
                    ContractRole("warnings_kept", (FieldType.BOOLEAN,)),
                    ContractRole("concerns", _TEXT, required=False),
                    ContractRole("material", _TEXT, required=False),
                    ContractRole("photos", (FieldType.FILES,), required=False),
                ),
                once=False,  # one step per Pos
            ),
            Contract(
                name=ContractName.PATROL_SCHEDULE,
                purpose="the schedule of a patrol month: its dates and team, filled from the plan",
                roles=(
                    ContractRole("days", (FieldType.LIST,)),
                    ContractRole("team", (FieldType.MEMBERS,)),
                ),
                kinds=(StepKind.PROCESS,),
            ),
            Contract(
                name=ContractName.PATROL_DAY,
                purpose="one scheduled patrol, completed by the team's daily report",
                roles=(
                    ContractRole("route", (FieldType.LOCATION,)),
                    ContractRole("result", _TEXT),
                    ContractRole("findings", (FieldType.LIST,), required=False),
                    ContractRole("photos", (FieldType.FILES,), required=False),
                ),
                kinds=(StepKind.REPEAT,),
            ),
            Contract(
                name=ContractName.PATROL_EVALUATION,
                purpose="the month's evaluation: its findings, each already an enforcement case",
                roles=(ContractRole("findings", (FieldType.LIST,)),),
                kinds=(StepKind.PROCESS,),
            ),
            Contract(
                name=ContractName.VIOLATION_FINDING,
                purpose=(
                    "the entry step an enforcement's case opens at: the violator, the place "
                    "and the articles violated, filled from the enforcement register"
                ),
                roles=(
                    ContractRole("violator", (FieldType.PERSON,)),
                    ContractRole("place", (FieldType.LOCATION,)),
                    ContractRole("articles", _TEXT),
                    # The finding's photos, kept as the step's files.
                    ContractRole("photos", (FieldType.FILES,), required=False),
                ),
                kinds=(StepKind.START, StepKind.PROCESS),
            ),
            Contract(
                name=ContractName.OPERATION_REPORT,
                purpose="the step whose report is drafted from the case's operation file",
                roles=(
                    # Where the step keeps its report: the drafted laporan's PDF (its letter's
                    # ``into: pdf``, PPL and PUR) or the report's own text or file (OPP, RTHM).
                    ContractRole("report", (FieldType.FILES, FieldType.LONGTEXT)),
                ),
            ),
        )
    }
)
