"""The validated, immutable form of one SOP version.

A spec is what the loader produces from a YAML file once every check has passed. It mirrors
the Permenpan RB 35/2012 document: an identity header of thirteen items, the roles
(pelaksana), and the steps of the flowchart table. Steps are the nodes of the process graph;
the document's numbered rows (``no``) may hold several steps (a row that passes through several
roles, or a decision the text implies). Specs are frozen: a published version never changes.

Beside the document, a step may carry :class:`Binding` objects: the product's contracts the step
fulfils (see :mod:`.bindings`). They let domain code find "the field the reporter's answer is
written in" without knowing the field's name or its choices' display text. Bindings are not part
of the signed document and are never printed; :meth:`SOPSpec.signed_part` is the spec without
them (nor a step's ``starts_at``, the field its time standard counts from, nor its ``letter``,
the naskah dinas it writes or waits for: :class:`StepLetter`). Reading them::

    found = spec.binding(ContractName.REPORTER_ANSWER)  # (step, binding), or None
    step.binds.get(ContractName.REPORTER_ANSWER)  # this step's binding, or None
    binding.field("channel")  # the bound field's name: "saluran"
    binding.choice("channel", AnswerChannel.SMS)  # the label to record: "SMS"
    binding.meaning("channel", "SMS")  # a recorded label's meaning: "sms"
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from .timing import Calendar, TimeStandard


class SopStatus(StrEnum):
    """Where a version stands. The library runs the newest published version of a code."""

    DRAFT = "draft"  # being written: may still be edited in place
    PUBLISHED = "published"  # signed and in force: never edited in place, except its bindings


class StepKind(StrEnum):
    """What a step does in the flow, and which Permenpan symbol draws it."""

    START = "start"  # terminator: the first activity of the procedure
    PROCESS = "process"  # box: an activity, then ``next``
    DECISION = "decision"  # diamond: the performer chooses one labelled branch
    WAIT = "wait"  # box: nothing to do until ``deadline`` passes (e.g. 7 days to comply)
    REPEAT = "repeat"  # box: done once per scheduled occurrence within a period
    SUBPROCEDURE = "subprocedure"  # box: opens a linked case of another SOP (or entry)
    END = "end"  # terminator: the last activity; completing it closes the case


class FieldType(StrEnum):
    """The kinds of value an officer records at a step."""

    TEXT = "text"
    LONGTEXT = "longtext"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    LOCATION = "location"  # latitude/longitude, optionally an address
    FILES = "files"  # photos, scans
    PERSON = "person"  # a party: name, identity number, address
    LIST = "list"  # several lines of text (e.g. the findings of a patrol)
    MEMBERS = "members"  # people of the case's unit (the officers of a patrol), by person id


class Capture(StrEnum):
    """What a files field asks the phone for (an input hint, not part of the signed document)."""

    PHOTO = "photo"  # open the camera: evidence photographed on the spot


class LetterNeed(StrEnum):
    """How far a step's letter must have come before the step completes (``letter: needs:``)."""

    DRAFTED = "drafted"  # sent for paraf (or beyond): the draft is written
    INITIALLED = "initialled"  # this step's role has initialled it (or it is approved, beyond)
    SIGNED = "signed"  # signed: its number and date exist
    DELIVERED = "delivered"  # signed and handed to its addressee (a tanda terima)


class LetterInto(StrEnum):
    """What of a letter the product writes into a field of the step (``letter: into:``)."""

    NUMBER = "number"  # the letter's number, into a text field
    DATED = "dated"  # the letter's date, into a date field
    DELIVERED = "delivered"  # the first delivery's time, into a date or datetime field
    PDF = "pdf"  # the letter as a PDF (the signed copy once signed), into a files field


class Period(StrEnum):
    """The period a repeated step's schedule covers."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Frequency(StrEnum):
    """How often a repeated step recurs within its period."""

    DAILY = "daily"
    WEEKLY = "weekly"
    SCHEDULED = "scheduled"  # on the dates an earlier step recorded (a patrol schedule)


@dataclass(frozen=True)
class Approval:
    """Disahkan oleh: who signed the SOP into force."""

    jabatan: str = ""
    nama: str = ""
    nip: str = ""  # NIP for civil servants, NRP for police; kept as written
    pangkat: str = ""


class Shape(StrEnum):
    """The Permenpan RB 35/2012 flowchart symbols a document draws."""

    TERMINATOR = "terminator"  # rounded capsule: start or end
    PROCESS = "process"  # box: an activity
    DECISION = "decision"  # diamond: a choice


SHAPE_OF_KIND: Mapping[StepKind, Shape] = MappingProxyType(
    {
        StepKind.START: Shape.TERMINATOR,
        StepKind.END: Shape.TERMINATOR,
        StepKind.DECISION: Shape.DECISION,
        StepKind.PROCESS: Shape.PROCESS,
        StepKind.WAIT: Shape.PROCESS,
        StepKind.REPEAT: Shape.PROCESS,
        StepKind.SUBPROCEDURE: Shape.PROCESS,
    }
)


@dataclass(frozen=True)
class Headings:
    """The flowchart table's column headings, as the document prints them (``headings:``).

    The defaults are the Permenpan RB 35/2012 model's. The Pelaksana columns are headed by the
    roles' names.
    """

    no: str = "No"
    kegiatan: str = "Kegiatan"
    pelaksana: str = "Pelaksana"
    mutu_baku: str = "Mutu Baku"
    kelengkapan: str = "Kelengkapan"
    waktu: str = "Waktu"
    output: str = "Output"
    keterangan: str = "Ket"


HEADING_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Headings))


@dataclass(frozen=True)
class DrawnArrow:
    """An arrow the document draws out of a symbol (``drawn_next:``), when it is not the one
    the process runs (a tick table's row-to-row order; a box with two arrows out)."""

    to: str
    label: str = ""


@dataclass(frozen=True)
class Identity:
    """The thirteen identity items of Permenpan RB 35/2012, kept as the document writes them."""

    instansi: tuple[str, ...]  # logo + nama instansi / unit kerja, one line each
    nomor: str
    tanggal_pembuatan: str
    tanggal_revisi: str
    tanggal_efektif: str
    disahkan_oleh: Approval
    nama: str
    dasar_hukum: tuple[str, ...]
    keterkaitan: tuple[str, ...]
    peringatan: tuple[str, ...]
    kualifikasi_pelaksana: tuple[str, ...]
    peralatan_perlengkapan: tuple[str, ...]
    pencatatan_pendataan: tuple[str, ...]


IDENTITY_FIELDS: tuple[str, ...] = (
    "instansi",
    "nomor",
    "tanggal_pembuatan",
    "tanggal_revisi",
    "tanggal_efektif",
    "disahkan_oleh",
    "nama",
    "dasar_hukum",
    "keterkaitan",
    "peringatan",
    "kualifikasi_pelaksana",
    "peralatan_perlengkapan",
    "pencatatan_pendataan",
)
IDENTITY_LIST_FIELDS = frozenset(
    {
        "instansi",
        "dasar_hukum",
        "keterkaitan",
        "peringatan",
        "kualifikasi_pelaksana",
        "peralatan_perlengkapan",
        "pencatatan_pendataan",
    }
)


@dataclass(frozen=True)
class Role:
    """A pelaksana column. ``external`` roles (Pelapor, TNI/Polri, Kejari) are outside the unit:
    no position holds them, and their steps are recorded by an officer on their behalf."""

    id: str
    name: str
    external: bool = False
    description: str = ""


@dataclass(frozen=True)
class RecordField:
    """One value the officer records when completing a step."""

    name: str
    label: str
    type: FieldType
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    capture: Capture | None = None  # files only: open the camera; not part of the document


@dataclass(frozen=True)
class Branch:
    """One labelled way out of a decision. ``loop`` marks a return for correction.

    ``drawn`` is False for a way out the document does not draw (the product added it so the
    process can run): the official document never prints it. ``label_drawn`` is False for an
    arrow the document draws without a label: the performer still chooses ``label``.
    """

    label: str
    to: str
    loop: bool = False
    drawn: bool = True
    label_drawn: bool = True


@dataclass(frozen=True)
class Repeat:
    """A step done once per scheduled occurrence within a period."""

    frequency: Frequency
    period: Period
    schedule_field: str = ""  # for SCHEDULED: the ``step.field`` that holds the dates


@dataclass(frozen=True)
class Subprocedure:
    """A step that opens a linked case of another SOP (or of this SOP at another entry).

    ``for_each`` names a recorded list field (``step.field``): one case per item, e.g. one
    enforcement case per violator found on patrol. ``wait``: the parent waits for the children.
    """

    sop: str  # SOP code; "" means this SOP
    entry: str = ""  # step id to start at; "" means the SOP's main start
    for_each: str = ""
    wait: bool = False


@dataclass(frozen=True)
class Binding:
    """How one step fulfils one of the product's contracts (:mod:`.bindings`).

    ``fields`` pairs each of the contract's roles with the name of a field the step records;
    ``choices`` pairs, for a choice role, each meaning the product uses with the label the SOP
    writes for it: ``("channel", "sms", "SMS")``. Checked by the loader against the contract and
    the step's records. Tuples, not dicts, so that specs stay hashable.
    """

    contract: str
    fields: tuple[tuple[str, str], ...] = ()  # (role, field name)
    choices: tuple[tuple[str, str, str], ...] = ()  # (role, meaning, label)
    line: int = 0  # line in the source file, for messages

    def field(self, role: str) -> str | None:
        """The name of the field bound to ``role``, or None when the SOP leaves it unbound."""
        return next((name for r, name in self.fields if r == role), None)

    def choice(self, role: str, meaning: str) -> str | None:
        """The label the SOP records for ``meaning`` of a choice role (``sms`` → ``"SMS"``)."""
        return next((lab for r, m, lab in self.choices if r == role and m == meaning), None)

    def meaning(self, role: str, label: str) -> str | None:
        """The meaning of a recorded label (``"SMS"`` → ``sms``); None for an unbound label."""
        return next((m for r, m, lab in self.choices if r == role and lab == label), None)


@dataclass(frozen=True)
class StepLetter:
    """The letter (naskah dinas) a step writes or waits for: the product's, not the signed
    document's (``letter:``; docs/sop-format.md, "Letters").

    One step drafts each letter (``kind`` set): how its fields fill from the case, who
    initials (``paraf``, SOP roles) and who signs. Later steps name the same letter by ``key``
    only, with what they ``need`` of it. ``into`` pairs what of the letter fills a field of
    this step (:class:`LetterInto`) with the field's name. Tuples, not dicts, so that specs
    stay hashable.
    """

    key: str
    kind: str = ""  # a letter kind code (trantib.letters.kinds); only on the drafting step
    needs: LetterNeed | None = None  # None: the step shows the letter but does not wait for it
    paraf: tuple[str, ...] = ()  # paraf hierarki, SOP roles, in order (at most three)
    signer: str = ""  # the SOP role who signs; "" = the drafting step's role
    hal: str = ""  # "" = the kind's name
    data: tuple[tuple[str, str | tuple[str, ...]], ...] = ()  # constants for the kind's fields
    fill: tuple[tuple[str, str], ...] = ()  # (kind or header field, "step.field")
    previous: str = ""  # the key of the letter before it: its number and date go into dasar
    wait: str = ""  # the wait step whose deadline is the compliance period (tempo)
    into: tuple[tuple[LetterInto, str], ...] = ()  # (what, field name of this step)
    line: int = 0

    @property
    def drafts(self) -> bool:
        """This step drafts the letter (and describes it); other steps only name it."""
        return bool(self.kind)

    def into_field(self, what: LetterInto) -> str | None:
        return next((name for w, name in self.into if w is what), None)


@dataclass(frozen=True)
class Step:
    """One node of the flow. Text fields are verbatim from the document."""

    id: str
    no: str  # the document row this step belongs to ("1", "7", "4"), shown as written
    kind: StepKind
    role: str
    activity: str
    requirements: tuple[str, ...] = ()  # Mutu Baku: Kelengkapan / Persyaratan
    time: TimeStandard = field(default_factory=TimeStandard.none)  # Mutu Baku: Waktu
    output: str = ""  # Mutu Baku: Output
    notes: str = ""  # Keterangan
    title: str = ""  # a short task title; defaults to the activity
    question: str = ""  # for decisions: what is decided
    records: tuple[RecordField, ...] = ()
    next: str = ""  # the step that follows (all kinds but decision and end)
    branches: tuple[Branch, ...] = ()
    deadline: TimeStandard | None = None  # for waits: how long until the follow-up
    # For waits: the warning ladder's rung whose period the case's Perda sets (``teguran_1``);
    # ``deadline`` counts when the case has none. The product's, not the signed document's.
    period: str = ""
    repeat: Repeat | None = None
    subprocedure: Subprocedure | None = None
    entry: bool = False  # another case may start here (see Subprocedure.entry)
    bindings: tuple[Binding, ...] = ()  # the product's contracts; not part of the document
    # The recorded field (``step.field``, a date or datetime) whose value the step's time
    # standard counts from: an operation's planned hour. Not part of the document either.
    starts_at: str = ""
    # Earlier steps whose records the task form shows open (the case file; not in the document)
    show_open: tuple[str, ...] = ()
    public: str = ""  # plain words for citizens ("Pengaduan diteruskan ke Camat"); not signed
    case_noun: str = ""  # an entry step's own word for its case ("penegakan"); not signed
    letter: StepLetter | None = None  # the letter it writes or waits for; not signed
    # The two layers (docs/sop-format.md, "The document and the process"): ``drawn`` False
    # for a step the document does not draw (the product's, to run it: a wait, an extra
    # end); ``drawn_as`` the symbol the document draws when it is not the kind's own (a
    # decision a tick table draws as a box); ``drawn_next`` the arrows the document draws
    # out of this symbol when they are not the process's own.
    drawn: bool = True
    drawn_as: Shape | None = None
    drawn_next: tuple[DrawnArrow, ...] = ()
    # The printed row this step belongs to when ``no`` repeats (a document that numbers two
    # rows "3"): steps with the same ``row`` form one row; "" = the row is ``no``.
    row: str = ""
    # "row": the step's ``time`` is the whole row's (one Waktu cell for a row that passes
    # through several roles): every step of the row is due that long after the row began.
    time_scope: str = ""
    line: int = 0  # line in the source file, for messages

    @property
    def binds(self) -> Mapping[str, Binding]:
        """This step's bindings by contract name (read-only)."""
        return MappingProxyType({b.contract: b for b in self.bindings})

    @property
    def targets(self) -> tuple[str, ...]:
        """Every step this one can lead to, in document order."""
        if self.kind is StepKind.DECISION:
            return tuple(b.to for b in self.branches)
        return (self.next,) if self.next else ()

    @property
    def display_title(self) -> str:
        return self.title or self.activity

    @property
    def shape(self) -> Shape:
        """The symbol the document draws for this step."""
        return self.drawn_as or SHAPE_OF_KIND[self.kind]

    @property
    def row_key(self) -> str:
        return self.row or self.no


@dataclass(frozen=True)
class Row:
    """One numbered row of the official document: the steps it holds, lead first."""

    no: str
    steps: tuple[Step, ...]
    key: str = ""  # the row key (``row``, else ``no``)

    @property
    def lead(self) -> Step:
        """The row's first drawn step: its activity and Mutu Baku fill the printed row."""
        return next((s for s in self.steps if s.drawn), self.steps[0])

    @property
    def drawn_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.drawn)


@dataclass(frozen=True)
class SOPSpec:
    """One version of one SOP, validated."""

    code: str
    version: int
    status: SopStatus
    domain: str
    calendar: Calendar
    identity: Identity
    roles: tuple[Role, ...]
    steps: tuple[Step, ...]
    paper: str = "A4"  # A4 or F4, landscape
    tags: tuple[str, ...] = ()
    supersedes: int | None = None
    source: str = ""  # where the document came from, free text
    path: str = ""  # the file it was loaded from
    case_noun: str = "kasus"  # what one case is called ("kegiatan", "pengaduan"); not signed
    headings: Headings = field(default_factory=Headings)  # the table's headings as printed
    column_numbers: bool = False  # the document prints a row "1 2 3 …" under the headings
    # How the document marks the items of a Kelengkapan list: "numbered" (1. 2. 3.), "dash"
    # (- - -), or "" (one item a line, unmarked).
    list_marks: str = ""
    # What the pages call this SOP when the document's Nama SOP is not a name to read in a
    # list ("SOP PATROLI PENGAWASAN WILAYAH"); "" = the Nama SOP. Not printed.
    short_name: str = ""

    def __hash__(self) -> int:
        # A spec is a cache key (``ladder_of``, the bindings): hashing every step deeply cost
        # a fifth of a millisecond a lookup. Equal specs have the same code, version and
        # path, so they hash alike; equality stays the dataclass's, field by field.
        return hash((self.code, self.version, self.path))

    @property
    def name(self) -> str:
        return self.short_name or self.identity.nama

    @property
    def start(self) -> Step:
        return self.steps[0]

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    @functools.cached_property
    def rows(self) -> tuple[Row, ...]:
        """The document's rows in order: the steps sharing a row key (``row``, else ``no``)
        form one row, placed where its first step is. Worked out once per spec (a task's
        offer asks for its row)."""
        rows: list[Row] = []
        order: dict[str, list[Step]] = {}
        for step in self.steps:
            key = step.row_key
            if key not in order:
                order[key] = []
                rows.append(Row(no=step.no, steps=(), key=key))
            order[key].append(step)
        return tuple(Row(no=r.no, steps=tuple(order[r.key]), key=r.key) for r in rows)

    def row_timed(self, step_id: str) -> Step | None:
        """The lead of the row whose time (``time_scope: row``) ``step_id`` is due by, when
        ``step_id`` is another step of such a row; None otherwise."""
        lead = self.row_of(step_id).lead
        return lead if lead.time_scope == "row" and lead.id != step_id else None

    def row_of(self, step_id: str) -> Row:
        """The row that holds ``step_id``."""
        key = self.step(step_id).row_key
        return next(r for r in self.rows if r.key == key)

    @property
    def key(self) -> str:
        return f"{self.code}.v{self.version}"

    def noun(self, entry: str = "") -> str:
        """What one case started at ``entry`` ("" = the main entry) is called: the entry
        step's own ``case_noun``, else the SOP's ("kegiatan", "pengaduan"; "kasus" by default).
        """
        step = next((s for s in self.steps if s.id == entry), None) if entry else None
        return (step.case_noun if step else "") or self.case_noun

    def bound(self, contract: str) -> tuple[tuple[Step, Binding], ...]:
        """Every step that fulfils ``contract``, with its binding, in document order."""
        return tuple((step, step.binds[contract]) for step in self.steps if contract in step.binds)

    def letter_source(self, key: str) -> tuple[Step, StepLetter] | None:
        """The step that drafts the letter ``key`` and its block, or None."""
        for step in self.steps:
            if step.letter is not None and step.letter.drafts and step.letter.key == key:
                return step, step.letter
        return None

    def binding(self, contract: str) -> tuple[Step, Binding] | None:
        """The one step that fulfils ``contract`` and its binding, or None when none does.

        For contracts a step fulfils at most once per SOP (the loader refuses a second one);
        raises ValueError for a contract bound at several steps: use :meth:`bound`.
        """
        found = self.bound(contract)
        if len(found) > 1:
            raise ValueError(f"{self.key}: {contract} is bound at {len(found)} steps")
        return found[0] if found else None

    def signed_part(self) -> SOPSpec:
        """This version as signed: without the product's additions (bindings, ``starts_at``,
        a wait's ``period``, ``show_open``, capture hints, public step labels, the case noun,
        the letters), source lines and path.

        Two files whose signed parts are equal print the same document and run the same
        process; they differ at most in those additions, comments or YAML layout.
        """
        steps = tuple(
            dataclasses.replace(
                s,
                bindings=(),
                line=0,
                starts_at="",
                period="",
                show_open=(),
                public="",
                case_noun="",
                letter=None,
                records=tuple(dataclasses.replace(f, capture=None) for f in s.records),
            )
            for s in self.steps
        )
        return dataclasses.replace(self, steps=steps, path="", case_noun="kasus")
