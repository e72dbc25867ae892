"""The access matrix: every route of the product, who may see it, and how to reach the planted
objects through it. ``test_access_matrix.py`` requests each one as anonymous, as officers of
other units, as the lowest role of the owning unit, as a supervisor above it and as its head and
the head's Plt./Plh. (``readers.py``); a route of the URL configuration or of the OpenAPI
document that is missing here fails the suite.

Adding a route: add its key (a page's URL name, ``"namespace:name"``; an API operation's
``"METHOD /api/v1/path/{param}"``) with who may see it and, when it shows or changes one object,
a ``Probe`` naming the planted object (``planted.py``) and how its path and query are filled:

- an argument or query value is a planted object's name (its id: ``{"case_id": "case"}``), an
  attribute of one (``"complaint.tracking"``), ``"{unit}"`` or ``"{unit_id}"`` (the owning
  unit's code or id), ``"{month}"`` (the planted Polmas month) or a literal after ``=``
  (``"=PPL"``); ``P(q__unit="{unit}")`` puts ``unit`` in the query;
- ``Probe(of=…)`` without arguments: a list or a form of the reader's own units, in which the
  owning unit's head finds the object (``shows``) and everybody else must not;
  ``scope=True``: the query's unit is the unit the page is about (a report), not a filter of
  the reader's own list, so others are refused outright;
- ``ok``: the positive control's statuses for one probe, where they differ from the row's;
- ``leak``: a known leak of one probe: it is marked xfail with this text until fixed (``leak``
  of the row: of all its probes), and fails the row once the leak is gone;
- ``body``: for an API operation, what goes over the smallest body its schema accepts (it must
  get past the schema: a 400/422 to an outsider fails the row, the access check was never
  reached); for a page, the form sent with POST (every page is also sent POST by the
  outsiders and anonymously: nothing may change), where ``{name}`` in a field's name or value
  is the probe's path argument ``name`` as filled (``"position-{pk}-name"``): a form that would
  succeed, so that a missing check shows as a change.

Who may see it (``Who``) decides what every reader must get (the unit's head must get ``ok``):

- PUBLIC: anyone may read; no private marker, no personal data.
- SIGNED_IN: anonymous is refused (login page, 401); others read their own units' things.
- UNIT: anonymous and other units are refused (403/404); the unit's lowest role reads.
- HEADS: as UNIT (or SIGNED_IN, for a form of the reader's own unit), and the unit's lowest
  role is refused too.
- OWN, STAFF: everyone but the owner (the administrators) is refused.

Beside the unit's own people (``readers.py``): its head's Plt./Plh. reads what the head reads;
a supervisor above the unit (the Sekda over a kecamatan) reads what the unit's people read where
who may see it is PUBLIC, SIGNED_IN or UNIT — and finds the object on the pages that name it —
and is held to what an outsider is where it is HEADS, OWN or STAFF. ``above`` turns that round
for one row, with a ``why``: a form for the roles of the unit only (False), a head's page a
supervising post above the unit holds too (True).

"Refused" for a change means no 2xx, no redirect but to the login page, and no row changed
anywhere (``reading.fingerprint``). In every 2xx answer to anyone there is no marker of an
object of a unit the reader may not see, and no personal data (``secrets``) the reader's role
does not need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Who(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed_in"  # any signed-in user: the page holds the reader's own units' things
    UNIT = "unit"  # the people of the object's unit (and the supervisors above it)
    HEADS = "heads"  # some roles of the unit only: its lowest role is refused too
    OWN = "own"  # the one user whose thing it is (a token, a notification)
    STAFF = "staff"  # the administrators


@dataclass(frozen=True)
class Probe:
    of: str = ""  # a planted object or an owning unit's code: whose markers, whose circle
    args: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    shows: bool = True  # the head's answer shows one of the object's markers
    scope: bool = False  # ``?unit=`` chooses whose figures the page shows: others are refused
    ok: tuple[int, ...] = ()  # the positive control's statuses for this probe (default: the row's)
    leak: str = ""  # a known leak of this probe only: xfail with this text until fixed


@dataclass(frozen=True)
class Entry:
    who: Who
    probes: tuple[Probe, ...] = (Probe(),)
    owner: str = ""  # the positive control's login, when not the owning unit's head
    ok: tuple[int, ...] = (200,)  # the positive control's statuses
    body: Mapping[str, Any] = field(default_factory=dict)
    passes: bool = False  # an outsider's change may succeed (a complaint passed on)
    bounce: bool = False  # refuses a reader of the unit by a redirect back, with a message
    above: bool | None = None  # a supervisor above the unit reads (None: as ``who`` says)
    why: str = ""
    leak: str = ""  # a known leak: the route is marked xfail with this text until fixed


def P(
    of: str = "",
    shows: bool = True,
    scope: bool = False,
    ok: tuple[int, ...] = (),
    leak: str = "",
    **args: str,
) -> Probe:
    """A probe whose query is given as ``q__unit="{unit}"`` beside the path arguments."""
    query = {k[3:]: v for k, v in args.items() if k.startswith("q__")}
    path = {k: v for k, v in args.items() if not k.startswith("q__")}
    return Probe(of=of, args=path, query=query, shows=shows, scope=scope, ok=ok, leak=leak)


def E(who: Who, *probes: Probe, **kw: Any) -> Entry:
    return Entry(who, probes or (Probe(),), **kw)


PUBLIC, SIGNED_IN, UNIT, HEADS, OWN, STAFF = (
    Who.PUBLIC,
    Who.SIGNED_IN,
    Who.UNIT,
    Who.HEADS,
    Who.OWN,
    Who.STAFF,
)
POST_ONLY = (405,)  # a POST-only page asked with GET: the positive control gets 405

SETTINGS = (
    "the letter settings of the units at or below a supervising post the reader holds "
    "(letters.views.settings.manageable_units): the head, and a supervisor above"
)
ENFORCERS_ONLY = "a form for the enforcement roles of the unit; a supervisor above holds none"
ORG_HEADS = (
    "a unit's head changes its positions and holders: whoever holds today (definitive, Plt. or "
    "Plh.) a supervising position of the unit or of a unit above it "
    "(accounts.selectors.unit_manageable): the head, and a supervisor above"
)
SOP_ADMINS = (
    "a unit's SOP administrator, as for its SOP columns: whoever holds today a supervising "
    "position of the unit or of a unit above it (sops.lifecycle.admin_units, decision 0016)"
)

# Routes treated alike by key prefix: Django's admin (every model's pages, generated from the
# admin registry) is for staff only; a new model in the admin is covered without a new row.
FAMILIES: dict[str, Entry] = {
    "admin:": E(STAFF, P(object_id="=1", id="=1", app_label="=cases", url="=x/")),
    "admin/": E(STAFF, P(object_id="=1", url="=cases/case/x/")),
}

MATRIX: dict[str, Entry] = {
    # -- admin pages that are not staff-only -------------------------------------------------
    "admin:login": E(PUBLIC, ok=(200, 302)),
    "admin:logout": E(PUBLIC, ok=(302, 405)),
    "admin:view_on_site": E(
        PUBLIC,
        P(content_type_id="=1", object_id="=1"),
        ok=(302, 404),
        why="Django's shortcut: a redirect to the object's own page, never its content",
    ),
    # -- web, accounts ---------------------------------------------------------------------
    "set_language": E(PUBLIC, ok=(302,)),
    "home": E(SIGNED_IN, P(of="case", shows=False)),
    "search": E(
        SIGNED_IN,
        P(of="case", q__q="=Qorvan"),
        P(of="case_krw", q__q="=Pelmora"),
        P(of="complaint", q__q="=Wendras"),
        P(of="complaint", q__q="=Pulomara", shows=False),
        P(of="violator", q__q="=Krempel"),
        P(of="incoming", q__q="=Halvors", shows=False),
        P(of="letter", q__q="=Zephyr"),
    ),
    "login": E(PUBLIC),
    "login_code": E(PUBLIC, ok=(302,), why="no login pending: back to the login page"),
    "logout": E(PUBLIC, ok=POST_ONLY),
    "account": E(SIGNED_IN, P(of="token")),
    "account_password": E(SIGNED_IN),
    "account_two_factor": E(SIGNED_IN),
    "account_two_factor_remove": E(SIGNED_IN, ok=POST_ONLY),
    "account_token_revoke": E(OWN, P(of="token", token_id="token"), ok=POST_ONLY),
    # -- the organisation: a unit's positions and who holds them ---------------------------
    # Each change is probed in Cipondoh and in Karawaci (whose Plh. Camat manages it), and with
    # Karawaci's object under Cipondoh's address: Cipondoh's head may not reach it that way.
    "org_index": E(
        SIGNED_IN,
        P(of="CPD", shows=False),
        why="the units the reader sees, their positions counted",
    ),
    "unit_page": E(
        UNIT,
        P(of="position", code="{unit}"),
        P(of="assignment", code="{unit}"),
        P(of="position_vacant", code="{unit}"),
        P(of="position_krw", code="{unit}"),
        P(of="assignment_krw", code="{unit}"),
    ),
    "unit_position_add": E(
        HEADS,
        P(of="CPD", code="{unit}"),
        P(of="KRW", code="{unit}"),
        ok=POST_ONLY,
        body={
            "position-new-code": "matriks_baru",
            "position-new-name": "Jabatan Baru Matriks",
            "position-new-supervises": "on",
        },
        above=True,
        why=ORG_HEADS,
    ),
    "unit_position_edit": E(
        HEADS,
        P(of="position", code="{unit}", pk="position"),
        P(of="position_krw", code="{unit}", pk="position_krw"),
        P(of="position_krw", code="=CPD", pk="position_krw"),
        ok=POST_ONLY,
        body={"position-{pk}-name": "Jabatan Diubah Matriks", "position-{pk}-supervises": "on"},
        above=True,
        why=ORG_HEADS,
    ),
    "unit_position_remove": E(
        HEADS,
        P(of="position_vacant", code="{unit}", pk="position_vacant"),
        P(of="position_vacant_krw", code="{unit}", pk="position_vacant_krw"),
        P(of="position_vacant_krw", code="=CPD", pk="position_vacant_krw"),
        ok=POST_ONLY,
        above=True,
        why=ORG_HEADS,
    ),
    "unit_holder_add": E(
        HEADS,
        P(of="position", code="{unit}", pk="position"),
        P(of="position_krw", code="{unit}", pk="position_krw"),
        P(of="position_krw", code="=CPD", pk="position_krw"),
        ok=POST_ONLY,
        body={
            "holder-{pk}-identity": "anggota1.cpd",
            "holder-{pk}-acting": "plt",
            "holder-{pk}-valid_from": "2026-01-05",
        },
        above=True,
        why=ORG_HEADS,
    ),
    "unit_assignment_edit": E(
        HEADS,
        P(of="assignment", code="{unit}", pk="assignment"),
        P(of="assignment_krw", code="{unit}", pk="assignment_krw"),
        P(of="assignment_krw", code="=CPD", pk="assignment_krw"),
        ok=POST_ONLY,
        body={"period-{pk}-acting": "plt", "period-{pk}-valid_from": "2020-01-06"},
        above=True,
        why=ORG_HEADS,
    ),
    "unit_assignment_remove": E(
        HEADS,
        P(of="assignment", code="{unit}", pk="assignment"),
        P(of="assignment_krw", code="{unit}", pk="assignment_krw"),
        P(of="assignment_krw", code="=CPD", pk="assignment_krw"),
        ok=POST_ONLY,
        above=True,
        why=ORG_HEADS,
    ),
    "unit_person_add": E(
        HEADS,
        P(of="CPD", code="{unit}"),
        P(of="KRW", code="{unit}"),
        ok=POST_ONLY,
        body={
            "person-new-full_name": "Pegawai Baru Matriks",
            "person-new-kind": "other",
            "person-new-username": "matriks.baru",
            "person-new-password": "Trantib-uji-2027!",
        },
        above=True,
        why=ORG_HEADS,
    ),
    # -- SOPs: the official documents, public ---------------------------------------------
    "sops:list": E(PUBLIC),
    "sops:list_xlsx": E(PUBLIC),
    "sops:detail": E(PUBLIC, P(code="=PPL")),
    "sops:pdf": E(PUBLIC, P(code="=PPL")),
    "sops:bpmn": E(PUBLIC, P(code="=PPL")),
    # A unit's head maps the SOP's columns to the unit's positions (sops.views, POST only):
    # the unit is named in the form; the camat column left to its default position.
    "sops:adopt": E(
        HEADS,
        P(of="position", code="=PPL"),
        P(of="position_krw", code="=PPL"),
        ok=POST_ONLY,
        body={"versi": "2", "unit": "{unit}", "role.camat": ""},
        above=True,
        why=(
            "a unit's head sets its SOP columns: whoever holds today a supervising position of "
            "the unit or of a unit above it (sops.selectors.units_adoptable_by)"
        ),
    ),
    # The unit's SOP administrator (sops.views_lifecycle, decision 0016): the list and the
    # upload form are a unit head's (403 to others); a file of the uploads folder (planted by
    # conftest.py: drafts MTX.v1 in Cipondoh, MTK.v1 in Karawaci) is 404 to all but its unit's.
    "sops:manage": E(HEADS, P(of="position", shows=False), above=True, why=SOP_ADMINS),
    "sops:upload": E(
        HEADS,
        P(of="position", shows=False),
        P(of="position_krw", shows=False),
        ok=POST_ONLY,
        body={"unit": "{unit}"},
        above=True,
        why=SOP_ADMINS,
    ),
    "sops:new_version": E(
        HEADS,
        P(of="position", shows=False),
        P(of="position_krw", shows=False),
        ok=POST_ONLY,
        body={"unit": "{unit}", "code": "PPL", "versi": "2"},
        above=True,
        why=SOP_ADMINS,
    ),
    "sops:file": E(
        HEADS,
        P(of="position", unit="{unit}", name="=MTX.v1", shows=False),
        P(of="position_krw", unit="{unit}", name="=MTK.v1", shows=False),
        body={"text": "code: MTX\nversion: 1\n", "base": ""},
        above=True,
        why=SOP_ADMINS,
    ),
    "sops:file_preview": E(
        HEADS,
        P(of="position", unit="{unit}", name="=MTX.v1", shows=False),
        P(of="position_krw", unit="{unit}", name="=MTK.v1", shows=False),
        above=True,
        why=SOP_ADMINS,
    ),
    "sops:file_pdf": E(
        HEADS,
        P(of="position", unit="{unit}", name="=MTX.v1", shows=False),
        P(of="position_krw", unit="{unit}", name="=MTK.v1", shows=False),
        above=True,
        why=SOP_ADMINS,
    ),
    "sops:publish": E(
        HEADS,
        P(of="position", unit="{unit}", name="=MTX.v1", shows=False),
        P(of="position_krw", unit="{unit}", name="=MTK.v1", shows=False),
        above=True,
        why=SOP_ADMINS,
    ),
    # -- cases and tasks ---------------------------------------------------------------
    "cases:my_tasks": E(SIGNED_IN, P(of="task")),
    "cases:my_tasks_xlsx": E(SIGNED_IN, P(of="task")),
    "cases:today": E(SIGNED_IN, P(of="task", shows=False), why="today's due tasks only"),
    "cases:notifications": E(SIGNED_IN, P(of="task")),
    "cases:notification_settings": E(SIGNED_IN),
    "cases:notification_open": E(OWN, P(of="notice", notice_id="notice"), ok=(302,)),
    "cases:list": E(
        SIGNED_IN, P(of="case"), P(of="case", q__unit="{unit}"), P(of="case_krw", q__unit="{unit}")
    ),
    "cases:list_xlsx": E(SIGNED_IN, P(of="case"), P(of="case", q__unit="{unit}")),
    "cases:start": E(
        HEADS,
        P(of="CPD", q__sop="=PPL", q__unit="{unit}", scope=True),
        body={"sop": "PPL", "unit": "CPD", "subject": "Uji", "sumber": "x", "uraian": "Uji"},
        owner="kasi.cpd",
    ),
    "cases:detail": E(UNIT, P(of="case", case_id="case"), P(of="case_krw", case_id="case_krw")),
    "cases:file_pdf": E(UNIT, P(of="case", case_id="case"), P(of="case_krw", case_id="case_krw")),
    "cases:attachment": E(UNIT, P(of="attachment", attachment_id="attachment", shows=False)),
    "cases:case_cancel": E(UNIT, P(of="case", case_id="case"), ok=POST_ONLY),
    "cases:case_handover": E(UNIT, P(of="case", case_id="case"), ok=POST_ONLY),
    "cases:task_claim": E(UNIT, P(of="task", task_id="task"), ok=POST_ONLY),
    "cases:task_complete": E(UNIT, P(of="task", task_id="task"), ok=POST_ONLY),
    "cases:task_reassign": E(UNIT, P(of="task", task_id="task"), ok=POST_ONLY),
    "cases:task_end_wait": E(UNIT, P(of="task", task_id="task"), ok=POST_ONLY),
    "cases:task_correct": E(UNIT, P(of="task", task_id="task", shows=False), ok=(200, 404)),
    # -- complaints ----------------------------------------------------------------------
    "complaints:report": E(PUBLIC),
    "complaints:filed": E(PUBLIC, ok=(200, 302)),
    "complaints:track": E(PUBLIC),
    "complaints:status": E(
        PUBLIC,
        P(of="complaint_public", tracking="complaint_public.tracking", shows=False),
        P(of="complaint", tracking="complaint.tracking", shows=False),
        why="whoever holds the tracking number may follow its status: never the reporter",
    ),
    "complaints:list": E(SIGNED_IN, P(of="complaint")),
    "complaints:export": E(SIGNED_IN, P(of="complaint")),
    "complaints:export_xlsx": E(SIGNED_IN, P(of="complaint")),
    "complaints:new": E(HEADS, why="the intake roles (Staf, Kasi Trantib, Camat) take complaints"),
    "complaints:map": E(SIGNED_IN),
    "complaints:map_geojson": E(SIGNED_IN, P(of="complaint_public")),
    "complaints:detail": E(UNIT, P(of="complaint", complaint_id="complaint")),
    "complaints:duplicate": E(UNIT, P(of="complaint", complaint_id="complaint"), ok=POST_ONLY),
    "complaints:public": E(UNIT, P(of="complaint", complaint_id="complaint"), ok=POST_ONLY),
    "complaints:not_authority": E(UNIT, P(of="complaint", complaint_id="complaint"), ok=POST_ONLY),
    # -- letters -------------------------------------------------------------------------
    "letters:register": E(
        SIGNED_IN,
        P(of="letter"),
        P(of="letter", q__unit="{unit}"),
        P(of="letter_signed"),
        P(of="letter_krw", q__unit="{unit}"),
    ),
    "letters:register_export": E(
        SIGNED_IN, P(of="letter", fmt="=csv"), P(of="letter", fmt="=xlsx", q__unit="{unit}")
    ),
    "letters:new": E(SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False)),
    "letters:settings": E(
        HEADS,
        P(of="CPD", q__unit="{unit}", shows=False, scope=True),
        body={"unit": "CPD"},
        above=True,
        why=SETTINGS,
    ),
    "letters:register_save": E(HEADS, ok=POST_ONLY, body={"unit": "CPD"}, above=True, why=SETTINGS),
    "letters:number_preview": E(
        HEADS, P(of="CPD", q__unit="{unit}", shows=False, scope=True), above=True, why=SETTINGS
    ),
    "letters:letter": E(
        UNIT,
        P(of="letter", letter_id="letter"),
        P(of="letter_signed", letter_id="letter_signed"),
        P(of="letter_krw", letter_id="letter_krw"),
    ),
    "letters:edit": E(
        HEADS,
        P(of="letter", letter_id="letter"),
        owner="kasi.cpd",
        bounce=True,
        why="only the drafter edits: anyone else of the unit is sent back to the letter",
    ),
    "letters:pdf": E(
        UNIT,
        P(of="letter", letter_id="letter"),
        P(of="letter_signed", letter_id="letter_signed"),
    ),
    "letters:docx": E(UNIT, P(of="letter", letter_id="letter")),
    "letters:submit": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:initial": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:return": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:number": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:signed_copy": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:sign": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:deliver": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:email": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:cancel": E(UNIT, P(of="letter", letter_id="letter"), ok=POST_ONLY),
    "letters:delivery_photo": E(
        UNIT, P(of="delivery", letter_id="letter_signed", delivery_id="delivery")
    ),
    "letters:incoming": E(SIGNED_IN, P(of="incoming"), P(of="incoming", q__unit="{unit}")),
    "letters:incoming_new": E(SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False)),
    "letters:incoming_csv": E(SIGNED_IN, P(of="incoming")),
    "letters:incoming_xlsx": E(SIGNED_IN, P(of="incoming")),
    "letters:incoming_detail": E(UNIT, P(of="incoming", incoming_id="incoming")),
    "letters:incoming_scan": E(UNIT, P(of="incoming", incoming_id="incoming", shows=False)),
    "letters:incoming_disposition_pdf": E(UNIT, P(of="incoming", incoming_id="incoming")),
    "letters:disposition_done": E(
        UNIT, P(of="disposition", disposition_id="disposition"), ok=POST_ONLY
    ),
    "letters:verify": E(
        PUBLIC,
        P(of="verification", code="letter_signed.verify_code"),
        P(of="letter_signed", code="=ZZZZZZZZZZZZ", shows=False, ok=(404,)),
        why=(
            "what a signed letter's QR code opens: its number, date, unit, signer's post and "
            "the official copy's SHA-256 (planted public), never its hal or the people in it; "
            "a code that is no letter's is a 404"
        ),
    ),
    "letters:draft_for_task": E(UNIT, P(of="task", task_id="task"), ok=POST_ONLY),
    # -- enforcement -----------------------------------------------------------------------
    "enforcement:board": E(SIGNED_IN, P(of="enforcement")),
    "enforcement:board_xlsx": E(SIGNED_IN, P(of="enforcement")),
    "enforcement:board_map": E(SIGNED_IN, P(of="enforcement", shows=False)),
    "enforcement:finding_new": E(
        SIGNED_IN,
        P(of="PPTNG", q__unit="{unit}", shows=False, scope=True),
        above=False,
        why=ENFORCERS_ONLY,
    ),
    "enforcement:check_new": E(UNIT, P(of="enforcement", enforcement_id="enforcement")),
    "enforcement:perda_list": E(SIGNED_IN, P(of="perda")),
    "enforcement:perda_xlsx": E(SIGNED_IN, P(of="perda")),
    "enforcement:perda_detail": E(UNIT, P(of="perda", perda_id="perda")),
    "enforcement:perda_ladder_default": E(UNIT, P(of="perda", perda_id="perda"), ok=POST_ONLY),
    "enforcement:violators": E(SIGNED_IN, P(of="violator")),
    "enforcement:violator_export": E(SIGNED_IN, P(of="violator")),
    "enforcement:violator_export_xlsx": E(SIGNED_IN, P(of="violator")),
    "enforcement:violator_new": E(SIGNED_IN, above=False, why=ENFORCERS_ONLY),
    "enforcement:violator_pick_search": E(
        SIGNED_IN,
        P(of="violator", q__unit="{unit_id}", q__prefix="=f0", q__q="=Krempel", scope=True),
    ),
    "enforcement:violator_pick_duplicates": E(
        SIGNED_IN,
        P(
            of="violator",
            q__unit="{unit_id}",
            q__prefix="=f0",
            shows=False,
            scope=True,
            **{"q__f0-name": "=Yosvaldi Krempelu"},
        ),
    ),
    "enforcement:violator_detail": E(UNIT, P(of="violator", violator_id="violator")),
    "enforcement:violator_edit": E(
        UNIT, P(of="violator", violator_id="violator"), above=False, why=ENFORCERS_ONLY
    ),
    "enforcement:violator_photo": E(
        UNIT, P(of="violator_photo", violator_id="violator", photo_id="violator_photo")
    ),
    "enforcement:violator_photo_upload": E(
        UNIT, P(of="violator", violator_id="violator"), ok=POST_ONLY
    ),
    "enforcement:violator_sanction": E(
        UNIT, P(of="violator", violator_id="violator"), ok=POST_ONLY
    ),
    "enforcement:violator_court": E(UNIT, P(of="violator", violator_id="violator"), ok=POST_ONLY),
    # -- patrols -----------------------------------------------------------------------------
    "patrols:list": E(SIGNED_IN, P(of="plan")),
    "patrols:reports": E(SIGNED_IN, P(of="report")),
    "patrols:areas": E(SIGNED_IN, P(of="area")),
    "patrols:area_edit": E(UNIT, P(of="area", area_id="area")),
    "patrols:plan_create": E(UNIT, P(of="plan", case_id="plan.case_id"), ok=POST_ONLY),
    "patrols:plan": E(UNIT, P(of="plan", plan_id="plan")),
    "patrols:month_report": E(UNIT, P(of="plan", plan_id="plan")),
    "patrols:month_pdf": E(UNIT, P(of="plan", plan_id="plan")),
    "patrols:month_xlsx": E(UNIT, P(of="plan", plan_id="plan")),
    "patrols:day": E(UNIT, P(of="day", day_id="day")),
    "patrols:day_report": E(
        UNIT, P(of="day", day_id="day"), P(of="report", day_id="report.day_id")
    ),
    # -- operations -------------------------------------------------------------------------
    "operations:list": E(SIGNED_IN, P(of="operation")),
    "operations:list_xlsx": E(SIGNED_IN, P(of="operation")),
    "operations:items": E(SIGNED_IN, P(of="item")),
    "operations:items_xlsx": E(SIGNED_IN, P(of="item")),
    "operations:item_photo": E(UNIT, P(of="item", item_id="item")),
    "operations:for_case": E(UNIT, P(of="case", case_id="case", shows=False), ok=(302,)),
    "operations:file": E(UNIT, P(of="operation", operation_id="operation")),
    "operations:seize": E(UNIT, P(of="operation", operation_id="operation"), ok=POST_ONLY),
    "operations:items_end": E(UNIT, P(of="operation", operation_id="operation"), ok=POST_ONLY),
    "operations:change": E(
        UNIT, P(of="operation", operation_id="operation", form="=place"), ok=POST_ONLY
    ),
    # -- Polmas --------------------------------------------------------------------------------
    "community:programme": E(SIGNED_IN, P(of="rule"), P(of="rule", q__unit="{unit}", scope=True)),
    "community:rule_new": E(HEADS, P(of="BINMAS", q__unit="{unit}", shows=False, scope=True)),
    "community:rule_edit": E(HEADS, P(of="rule", rule_id="rule")),
    "community:activities": E(
        SIGNED_IN, P(of="activity"), P(of="activity", q__unit="{unit}", scope=True)
    ),
    "community:activities_xlsx": E(
        SIGNED_IN, P(of="activity"), P(of="activity", q__unit="{unit}", scope=True)
    ),
    "community:activity": E(UNIT, P(of="activity", activity_id="activity")),
    "community:record": E(UNIT, P(of="activity", activity_id="activity"), ok=POST_ONLY),
    "community:issue": E(UNIT, P(of="activity", activity_id="activity"), ok=POST_ONLY),
    "community:recap": E(SIGNED_IN, P(of="BINMAS", q__unit="{unit}", shows=False, scope=True)),
    "community:recap_xlsx": E(SIGNED_IN, P(of="BINMAS", q__unit="{unit}", shows=False, scope=True)),
    # -- reports: a unit's figures, chosen with ?unit= -------------------------------------------
    "reports:index": E(SIGNED_IN, why="links to every report; the reports check the unit"),
    "reports:drill": E(
        SIGNED_IN,
        P(
            of="case",
            q__unit="{unit}",
            q__laporan="=recap_operations",
            q__angka="=operasi",
            shows=False,
            scope=True,
        ),
    ),
    "reports:dashboard": E(SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False, scope=True)),
    "reports:dashboard_tasks": E(
        SIGNED_IN, P(of="case", q__unit="{unit}", shows=False, scope=True)
    ),
    "reports:recap_patrols": E(SIGNED_IN, P(of="PPTNG", q__unit="{unit}", shows=False, scope=True)),
    "reports:recap_enforcement": E(
        SIGNED_IN, P(of="PPTNG", q__unit="{unit}", shows=False, scope=True)
    ),
    "reports:recap_operations": E(
        SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False, scope=True)
    ),
    "reports:recap_complaints": E(
        SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False, scope=True)
    ),
    "reports:recap_polmas": E(SIGNED_IN, P(of="BINMAS", q__unit="{unit}", shows=False, scope=True)),
    "reports:recap_polmas_issues": E(
        SIGNED_IN, P(of="BINMAS", q__unit="{unit}", shows=False, scope=True)
    ),
    "reports:spm": E(SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False, scope=True)),
    "reports:spm_recipients": E(SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False, scope=True)),
    "reports:monitoring": E(SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False, scope=True)),
    "reports:monitoring_new": E(
        SIGNED_IN, P(of="CPD", q__unit="{unit}", q__sop="=PPL", shows=False, scope=True)
    ),
    "reports:monitoring_new_pdf": E(
        SIGNED_IN, P(of="CPD", q__unit="{unit}", q__sop="=PPL", shows=False, scope=True)
    ),
    "reports:monitoring_new_xlsx": E(
        SIGNED_IN, P(of="CPD", q__unit="{unit}", q__sop="=PPL", shows=False, scope=True)
    ),
    "reports:monitoring_settings": E(
        SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False, scope=True)
    ),
    "reports:monitoring_form": E(UNIT, P(of="monitoring", pk="monitoring")),
    "reports:monitoring_form_pdf": E(UNIT, P(of="monitoring", pk="monitoring")),
    "reports:monitoring_form_xlsx": E(UNIT, P(of="monitoring", pk="monitoring")),
    "reports:evaluation": E(SIGNED_IN, P(of="CPD", q__unit="{unit}", shows=False, scope=True)),
    "reports:evaluation_new": E(
        SIGNED_IN, P(of="CPD", q__unit="{unit}", q__sop="=PPL", shows=False, scope=True)
    ),
    "reports:evaluation_detail": E(
        UNIT, P(of="evaluation", pk="evaluation"), P(of="evaluation_final", pk="evaluation_final")
    ),
    "reports:evaluation_pdf": E(
        UNIT, P(of="evaluation", pk="evaluation"), P(of="evaluation_final", pk="evaluation_final")
    ),
    "reports:evaluation_xlsx": E(UNIT, P(of="evaluation", pk="evaluation")),
    "reports:evaluation_draft_yaml": E(
        UNIT,
        P(of="evaluation_final", pk="evaluation_final"),
        P(of="evaluation", pk="evaluation", shows=False, ok=(404,)),
        P(of="evaluation_krw", pk="evaluation_krw"),
        why=(
            "the draft version last year's evaluation opened; this year's, a draft, opened none; "
            "Karawaci's found the draft Cipondoh's opened, and reads its own reason, not theirs"
        ),
    ),
    # -- public doors: SMS gateway, Open311 -----------------------------------------------------
    "sms-webhook": E(PUBLIC, ok=POST_ONLY, why="the gateway's POST needs the shared secret"),
    "open311-discovery": E(PUBLIC, P(fmt="=json")),
    "open311-services": E(PUBLIC, P(fmt="=json")),
    "open311-service": E(PUBLIC, P(code="=cpd-pkl", fmt="=json")),
    "open311-requests": E(PUBLIC, P(of="complaint_public", fmt="=json")),
    "open311-request": E(
        PUBLIC,
        P(of="complaint_public", tracking="complaint_public.tracking", fmt="=json"),
        P(of="complaint", tracking="complaint.tracking", fmt="=json", shows=False),
        ok=(200, 404),
    ),
    "open311-token": E(
        PUBLIC,
        P(of="complaint_public", token="complaint_public.tracking", fmt="=json", shows=False),
        P(of="complaint", token="complaint.tracking", fmt="=json", shows=False),
        ok=(200, 404),
    ),
    "open311/v2/^(?P<path>.*)$": E(PUBLIC, P(path="=nothing.json"), ok=(404,)),
    # -- the API's own pages -------------------------------------------------------------------
    "api:api-root": E(PUBLIC, ok=(200, 404)),
    "api:openapi-json": E(PUBLIC),
    "api:openapi-view": E(PUBLIC),
    "api:unknown_path": E(PUBLIC, P(rest="=nothing/here"), ok=(404,)),
    # -- API: auth ------------------------------------------------------------------------------
    "POST /api/v1/auth/token": E(
        PUBLIC,
        ok=(401,),
        body={"username": "camat.cpd", "password": "not-the-password"},
        why="a wrong password: refused, whoever asks",
    ),
    "GET /api/v1/auth/tokens": E(SIGNED_IN, P(of="token")),
    "DELETE /api/v1/auth/tokens/{id}": E(OWN, P(of="token", id="token")),
    # -- API: SOPs, cases, tasks, attachments -------------------------------------------------
    "GET /api/v1/sops": E(SIGNED_IN),
    "GET /api/v1/sops/{code}": E(SIGNED_IN, P(code="=PPL")),
    "GET /api/v1/cases": E(
        SIGNED_IN, P(of="case"), P(of="case", q__unit="{unit}"), P(of="case_krw", q__unit="{unit}")
    ),
    "POST /api/v1/cases": E(
        SIGNED_IN,
        P(of="CPD"),
        body={"sop": "PPL", "unit": "CPD", "subject": "Kasus uji matriks"},
    ),
    "POST /api/v1/cases/with-files": E(
        SIGNED_IN,
        P(of="CPD"),
        body={"field": "x", "payload": '{"sop": "RTHM", "unit": "CPD", "subject": "Uji"}'},
    ),
    "GET /api/v1/cases/{id}": E(UNIT, P(of="case", id="case"), P(of="case_krw", id="case_krw")),
    "GET /api/v1/cases/{id}/events": E(UNIT, P(of="case", id="case", shows=False)),
    "POST /api/v1/cases/{id}/attachments": E(UNIT, P(of="case", id="case")),
    "POST /api/v1/cases/{id}/cancel": E(UNIT, P(of="case", id="case")),
    "POST /api/v1/cases/{id}/handover": E(UNIT, P(of="case", id="case"), body={"to_unit": "KRW"}),
    "GET /api/v1/tasks/mine": E(SIGNED_IN, P(of="task")),
    "GET /api/v1/tasks/{id}": E(UNIT, P(of="task", id="task"), P(of="task_krw", id="task_krw")),
    "POST /api/v1/tasks/{id}/claim": E(UNIT, P(of="task", id="task")),
    "POST /api/v1/tasks/{id}/complete": E(UNIT, P(of="task", id="task")),
    "POST /api/v1/tasks/{id}/reassign": E(UNIT, P(of="task", id="task")),
    "POST /api/v1/tasks/{id}/correct": E(UNIT, P(of="task", id="task")),
    "POST /api/v1/tasks/{id}/end-wait": E(UNIT, P(of="task", id="task")),
    "GET /api/v1/attachments/{id}": E(UNIT, P(of="attachment", id="attachment", shows=False)),
    # -- API: complaints --------------------------------------------------------------------------
    "GET /api/v1/complaints": E(SIGNED_IN, P(of="complaint"), P(of="complaint", q__unit="{unit}")),
    "POST /api/v1/complaints": E(
        SIGNED_IN,
        P(of="CPD"),
        body={
            "channel": "phone",
            "category": "cpd-pkl",
            "description": "Uji matriks akses: lapak di trotoar",
        },
        passes=True,
        why=(
            "an officer may pass a complaint on to the unit it belongs to (complaint_file): "
            "filed, it shows no other complaint"
        ),
    ),
    "GET /api/v1/complaints/{tracking}": E(UNIT, P(of="complaint", tracking="complaint.tracking")),
    "POST /api/v1/complaints/{tracking}/public": E(
        UNIT, P(of="complaint", tracking="complaint.tracking"), body={"public": True}
    ),
    # -- API: letters ---------------------------------------------------------------------------
    "GET /api/v1/letters": E(SIGNED_IN, P(of="letter")),
    "GET /api/v1/letters/incoming": E(SIGNED_IN, P(of="incoming")),
    "POST /api/v1/letters/incoming": E(
        SIGNED_IN,
        P(of="CPD"),
        body={
            "unit": "CPD",
            "received_on": "2026-01-05",
            "dated": "2026-01-05",
            "sender": "Uji",
            "number": "1/UJI",
            "subject": "Uji matriks",
        },
    ),
    "GET /api/v1/letters/incoming/{id}": E(UNIT, P(of="incoming", id="incoming")),
    "POST /api/v1/letters/incoming/{id}/dispositions": E(
        UNIT, P(of="incoming", id="incoming"), body={"to_role": "kasi_trantib"}
    ),
    "POST /api/v1/letters/incoming/dispositions/{id}/done": E(
        UNIT, P(of="disposition", id="disposition")
    ),
    "POST /api/v1/letters/verify": E(SIGNED_IN, body={"code": "ZZZZZZZZZZZZ"}),
    "GET /api/v1/letters/{id}": E(
        UNIT,
        P(of="letter", id="letter"),
        P(of="letter_signed", id="letter_signed"),
        P(of="letter_krw", id="letter_krw"),
    ),
    "GET /api/v1/letters/{id}/pdf": E(
        UNIT, P(of="letter", id="letter"), P(of="letter_signed", id="letter_signed")
    ),
    "GET /api/v1/letters/{id}/docx": E(UNIT, P(of="letter", id="letter")),
    "POST /api/v1/letters/{id}/submit": E(UNIT, P(of="letter", id="letter")),
    "POST /api/v1/letters/{id}/initial": E(UNIT, P(of="letter", id="letter")),
    "POST /api/v1/letters/{id}/return": E(UNIT, P(of="letter", id="letter")),
    "POST /api/v1/letters/{id}/number": E(UNIT, P(of="letter", id="letter")),
    "POST /api/v1/letters/{id}/signed-copy": E(UNIT, P(of="letter", id="letter")),
    "POST /api/v1/letters/{id}/sign": E(UNIT, P(of="letter", id="letter")),
    "POST /api/v1/letters/{id}/deliver": E(
        UNIT, P(of="letter", id="letter"), body={"received_at": "2026-01-05T10:00:00+07:00"}
    ),
    "POST /api/v1/letters/{id}/cancel": E(UNIT, P(of="letter", id="letter")),
    # -- API: enforcement ---------------------------------------------------------------------
    "GET /api/v1/enforcement/violators": E(SIGNED_IN, P(of="violator")),
    "POST /api/v1/enforcement/violators": E(
        SIGNED_IN,
        P(of="PPTNG"),
        body={"unit": "PPTNG", "kind": "orang", "name": "Uji Matriks"},
    ),
    "GET /api/v1/enforcement/violators/{id}": E(UNIT, P(of="violator", id="violator")),
    "GET /api/v1/enforcement/perda": E(SIGNED_IN, P(of="perda")),
    "GET /api/v1/enforcement/perda/{id}": E(UNIT, P(of="perda", id="perda")),
    # -- API: patrols ------------------------------------------------------------------------------
    "GET /api/v1/patrols/plans": E(SIGNED_IN, P(of="plan")),
    "GET /api/v1/patrols/plans/{id}": E(UNIT, P(of="plan", id="plan")),
    "GET /api/v1/patrols/days/{id}": E(
        UNIT, P(of="day", id="day"), P(of="report", id="report.day_id")
    ),
    "GET /api/v1/patrols/plans/{id}/reports": E(UNIT, P(of="report", id="plan")),
    "POST /api/v1/patrols/days/{id}/report": E(
        UNIT,
        P(of="day", id="day"),
        body={"started": "08:00", "ended": "11:00", "nihil": True},
    ),
    # -- API: operations --------------------------------------------------------------------------
    "GET /api/v1/operations": E(SIGNED_IN, P(of="operation")),
    "GET /api/v1/operations/{id}": E(UNIT, P(of="operation", id="operation")),
    "POST /api/v1/operations/{id}/incidents": E(
        UNIT, P(of="operation", id="operation"), body={"at": "2026-01-05T10:00:00+07:00"}
    ),
    "POST /api/v1/operations/{id}/results": E(
        UNIT, P(of="operation", id="operation"), body={"violator": 1, "action": "teguran"}
    ),
    # -- API: Polmas ----------------------------------------------------------------------------
    "GET /api/v1/polmas/programme": E(SIGNED_IN, P(of="rule", q__unit="{unit}", scope=True)),
    "GET /api/v1/polmas/activities": E(
        SIGNED_IN, P(of="activity", q__unit="{unit}", q__month="{month}", scope=True)
    ),
    "GET /api/v1/polmas/activities/{id}": E(UNIT, P(of="activity", id="activity")),
    "POST /api/v1/polmas/activities/{id}/record": E(
        UNIT,
        P(of="activity", id="activity"),
        body={"held_at": "2026-01-05T10:00:00+08:00", "attendance": 3, "topics": ["x"]},
    ),
    "POST /api/v1/polmas/activities/{id}/issues": E(UNIT, P(of="activity", id="activity")),
    # -- API: search ---------------------------------------------------------------------------
    "GET /api/v1/search": E(
        SIGNED_IN,
        P(of="case", q__q="=Qorvan"),
        P(of="case_krw", q__q="=Pelmora"),
        P(of="complaint", q__q="=Wendras"),
        P(of="complaint", q__q="=Pulomara", shows=False),
        P(of="violator", q__q="=Krempel"),
        P(of="letter", q__q="=Zephyr"),
    ),
}
