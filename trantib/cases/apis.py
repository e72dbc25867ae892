"""The operations of /api/v1/: schema in, one selector or service call, schema out.

Reads go through the ``*_for_user`` selectors (a case of another unit is 404, as if it did not
exist); changes go through one service each, acting as the Person behind the token's user (a
login without a Person may read but not change: 403). Errors are raised, never returned: they
are mapped to ``{"message", "field"}`` in :mod:`trantib.api.errors`.
"""

from __future__ import annotations

from typing import IO, Annotated

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status, UploadedFile
from pydantic import Field, WithJsonSchema

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit
from trantib.accounts.selectors import UserLike, person_for_username, units_for_user
from trantib.api.types import (
    E400,
    E401,
    E403,
    E404,
    E409,
    E422,
    MAX_ID,
    MAX_OFFSET,
    NO_NUL,
    QUERY_INT,
    IsoDate,
    api_actor,
    api_user,
)
from trantib.core.errors import Invalid, NotFound

from . import services
from .casefile import case_file_build
from .models import Case, Task
from .schemas import (
    CASE_STATUS_PATTERN,
    CASE_STATUS_VALUES,
    AttachmentOut,
    CaseCancelIn,
    CaseDetailOut,
    CaseHandoverIn,
    CaseListOut,
    CaseStartIn,
    EventOut,
    TaskCompleteIn,
    TaskCorrectIn,
    TaskOut,
    TaskReassignIn,
    WaitEndIn,
    attachment_out,
    case_file_out,
    case_out,
    event_out,
    task_out,
)
from .selectors import (
    attachment_get_for_user,
    case_children,
    case_events,
    case_get_for_user,
    case_list_for_user,
    case_tasks,
    task_get_for_user,
    task_list_mine,
)

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Case id")]
TaskId = Annotated[int, Path(ge=1, le=MAX_ID, description="Task id")]
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Attachment id")]
FileFieldName = Annotated[str, Field(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]


# -- cases --------------------------------------------------------------------------------

cases_router = Router(tags=["cases"])


def _with_tasks(qs: QuerySet[Case]) -> QuerySet[Case]:
    """A fixed number of queries for any number of cases: tasks and children prefetched."""
    return qs.select_related("parent").prefetch_related(
        Prefetch(
            "tasks",
            queryset=Task.objects.select_related("assignee__user", "completed_by__user").order_by(
                "created_at", "pk"
            ),
            to_attr="api_tasks",
        ),
        Prefetch("children", queryset=Case.objects.order_by("pk"), to_attr="api_children"),
    )


def _case_detail(case: Case, user: UserLike) -> CaseDetailOut:
    """The case with its tasks and its case file (each completed step's record)."""
    tasks = list(case_tasks(case).select_related("assignee__user", "completed_by__user"))
    mask = services.record_mask_for(case.unit_id, user)
    out = case_out(
        case,
        services.case_spec(case),
        tasks=tasks,
        children=list(case_children(case)),
        mask=mask,
    )
    casefile = case_file_build(case, user=user, tasks=tasks)
    return CaseDetailOut(**out.model_dump(), file=case_file_out(casefile))


def _case_started(
    request: PersonRequest,
    payload: CaseStartIn,
    uploads: dict[str, list[tuple[str, IO[bytes]]]] | None = None,
) -> Status[CaseDetailOut]:
    user = api_user(request)
    unit: OrgUnit | None = units_for_user(user).filter(code=payload.unit).first()
    if unit is None:
        raise NotFound(_("Unit %(unit)s tidak ditemukan.") % {"unit": payload.unit}, field="unit")
    case = services.case_start(
        sop_code=payload.sop,
        unit=unit,
        actor=api_actor(request),
        subject=payload.subject,
        data=payload.data,
        requirements=payload.requirements,
        entry=payload.entry,
        uploads=uploads,
    )
    return Status(201, _case_detail(case_get_for_user(user, case.pk), user))


@cases_router.post(
    "",
    response={201: CaseDetailOut, **E400, **E401, **E403, **E404, **E422},
    summary="Mulai kasus",
)
def case_start(request: PersonRequest, payload: CaseStartIn) -> Status[CaseDetailOut]:
    """Start a case; a first step that needs a file starts with ``POST /cases/with-files``."""
    return _case_started(request, payload)


@cases_router.post(
    "/with-files",
    response={201: CaseDetailOut, **E400, **E401, **E403, **E404, **E422},
    summary="Mulai kasus dengan berkas",
)
def case_start_with_files(
    request: PersonRequest,
    payload: CaseStartIn,
    file: Annotated[
        list[UploadedFile],
        File(min_length=1, description="The first step's files: JPEG, PNG, WebP, GIF or PDF"),
    ],
    field: Annotated[
        list[FileFieldName],
        Form(
            min_length=1,
            description=(
                "The first step's file field each file fills (e.g. draft): one for all the "
                "files, or one per file in their order"
            ),
        ),
    ],
) -> Status[CaseDetailOut]:
    """Start a case as ``POST /cases`` does, as multipart/form-data: the same object as the
    ``payload`` part (JSON), and the first step's files (an SOP whose first step requires one,
    such as RTHM's draft SPT, starts only so). Stored in the start's transaction: a refused
    start keeps no file."""
    if len(field) not in (1, len(file)):
        raise Invalid(
            _("Sebutkan satu isian berkas untuk semua berkas, atau satu untuk setiap berkas."),
            field="field",
        )
    names = field * len(file) if len(field) == 1 else field
    uploads: dict[str, list[tuple[str, IO[bytes]]]] = {}
    for name, upload in zip(names, file, strict=True):
        uploads.setdefault(name, []).append((upload.name or "", upload))
    return _case_started(request, payload, uploads)


@cases_router.get("", response={200: CaseListOut, **E401, **E422}, summary="Daftar kasus")
def case_list(
    request: HttpRequest,
    sop: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "",
    status: Annotated[str, Query(pattern=CASE_STATUS_PATTERN, description=CASE_STATUS_VALUES)] = "",
    overdue: Annotated[bool | None, Query()] = None,
    opened_from: Annotated[IsoDate | None, Query()] = None,
    opened_to: Annotated[IsoDate | None, Query()] = None,
    unit: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "",
    q: Annotated[str, Query(max_length=200, pattern=NO_NUL, description="Number, subject")] = "",
    limit: Annotated[int, Query(ge=1, le=100), QUERY_INT] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET), QUERY_INT] = 0,
) -> CaseListOut:
    qs = case_list_for_user(
        api_user(request),
        sop=sop,
        status=status,
        overdue=overdue,
        opened_from=opened_from,
        opened_to=opened_to,
        unit=unit,
        query=q,
    )
    now = timezone.now()
    page = list(_with_tasks(qs)[offset : offset + limit])
    reader = api_user(request)
    items = [
        case_out(
            c,
            services.case_spec(c),
            tasks=c.api_tasks,  # type: ignore[attr-defined]
            children=c.api_children,  # type: ignore[attr-defined]
            now=now,
            mask=services.record_mask_for(c.unit_id, reader),
        )
        for c in page
    ]
    return CaseListOut(count=qs.count(), items=items)


@cases_router.get(
    "/{posint:id}", response={200: CaseDetailOut, **E401, **E404, **E422}, summary="Kasus"
)
def case_detail(request: HttpRequest, id: CaseId) -> CaseDetailOut:
    user = api_user(request)
    return _case_detail(case_get_for_user(user, id), user)


@cases_router.get(
    "/{posint:id}/events", response={200: list[EventOut], **E401, **E404, **E422}, summary="Jejak"
)
def case_event_list(request: HttpRequest, id: CaseId) -> list[EventOut]:
    user = api_user(request)
    case = case_get_for_user(user, id)
    mask = services.record_mask_for(case.unit_id, user)
    return [event_out(e, mask) for e in case_events(case).select_related("actor__user")]


@cases_router.post(
    "/{posint:id}/attachments",
    response={201: AttachmentOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Unggah lampiran",
)
def attachment_upload(
    request: PersonRequest,
    id: CaseId,
    file: Annotated[UploadedFile, File(description="JPEG, PNG, WebP, GIF or PDF")],
    task: Annotated[
        int | None,
        # A form cannot send null: the document says what may be sent, an id or nothing.
        WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID}),
        Form(None, ge=1, le=MAX_ID, description="Task id on the case"),
    ] = None,
) -> Status[AttachmentOut]:
    user = api_user(request)
    case = case_get_for_user(user, id)
    on_task = task_get_for_user(user, task) if task is not None else None
    attachment = services.attachment_add(
        case=case, actor=api_actor(request), name=file.name or "", content=file, task=on_task
    )
    return Status(201, attachment_out(attachment))


# -- tasks --------------------------------------------------------------------------------

tasks_router = Router(tags=["tasks"])


def _task_detail(task: Task, user: UserLike) -> TaskOut:
    mask = services.record_mask_for(task.case.unit_id, user)
    return task_out(task, services.case_spec(task.case), mask=mask)


@tasks_router.get("/mine", response={200: list[TaskOut], **E401}, summary="Tugas Saya")
def task_mine(request: HttpRequest) -> list[TaskOut]:
    now = timezone.now()
    user = api_user(request)
    tasks = task_list_mine(user).select_related("assignee__user", "completed_by__user")
    return [
        task_out(
            t,
            services.case_spec(t.case),
            now=now,
            mask=services.record_mask_for(t.case.unit_id, user),
        )
        for t in tasks
    ]


@tasks_router.get("/{posint:id}", response={200: TaskOut, **E401, **E404, **E422}, summary="Tugas")
def task_detail(request: HttpRequest, id: TaskId) -> TaskOut:
    user = api_user(request)
    return _task_detail(task_get_for_user(user, id), user)


@tasks_router.post(
    "/{posint:id}/claim",
    response={200: TaskOut, **E401, **E403, **E404, **E409, **E422},
    summary="Ambil tugas",
)
def task_claim(request: PersonRequest, id: TaskId) -> TaskOut:
    task = task_get_for_user(api_user(request), id)
    return _task_detail(services.task_claim(task=task, actor=api_actor(request)), api_user(request))


@tasks_router.post(
    "/{posint:id}/complete",
    response={200: TaskOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Selesaikan tugas",
)
def task_complete(request: PersonRequest, payload: TaskCompleteIn, id: TaskId) -> TaskOut:
    task = task_get_for_user(api_user(request), id)
    done = services.task_complete(
        task=task,
        actor=api_actor(request),
        data=payload.data,
        decision=payload.decision,
        requirements=payload.requirements,
        attachments=payload.attachments,
    )
    return _task_detail(done, api_user(request))


@tasks_router.post(
    "/{posint:id}/reassign",
    response={200: TaskOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Alihkan tugas",
)
def task_reassign(request: PersonRequest, payload: TaskReassignIn, id: TaskId) -> TaskOut:
    task = task_get_for_user(api_user(request), id)
    assignee = person_for_username(payload.assignee)
    if assignee is None:
        raise Invalid(
            _("Pengguna %(name)s tidak ditemukan.") % {"name": payload.assignee},
            field="assignee",
        )
    return _task_detail(
        services.task_reassign(task=task, actor=api_actor(request), assignee=assignee),
        api_user(request),
    )


# -- attachments --------------------------------------------------------------------------

attachments_router = Router(tags=["attachments"])


@attachments_router.get(
    "/{posint:id}",
    response={**E401, **E404, **E422},
    summary="Unduh lampiran",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, with its content type",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}}
                    for t in services.ACCEPTED_TYPES
                },
            }
        }
    },
)
def attachment_download(request: HttpRequest, id: AttachmentId) -> FileResponse:
    attachment = attachment_get_for_user(api_user(request), id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("Berkas lampiran tidak ditemukan."), field="attachment") from None
    return FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.name,
    )


# -- amending a case (cases/services/amend.py) ----------------------------------------------


@cases_router.post(
    "/{posint:id}/cancel",
    response={200: CaseDetailOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Batalkan kasus",
)
def case_cancel(request: PersonRequest, payload: CaseCancelIn, id: CaseId) -> CaseDetailOut:
    case = case_get_for_user(api_user(request), id)
    services.case_cancel_by_officer(
        case=case, actor=api_actor(request), reason=payload.reason, children=payload.children
    )
    return _case_detail(case_get_for_user(api_user(request), id), api_user(request))


@cases_router.post(
    "/{posint:id}/handover",
    response={200: CaseDetailOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Serahkan kasus ke unit lain",
)
def case_handover(request: PersonRequest, payload: CaseHandoverIn, id: CaseId) -> CaseDetailOut:
    case = case_get_for_user(api_user(request), id)
    to_unit = OrgUnit.objects.filter(code=payload.to_unit).first()
    if to_unit is None:
        raise Invalid(
            _("Unit %(unit)s tidak ditemukan.") % {"unit": payload.to_unit}, field="to_unit"
        )
    moved = services.case_handover(
        case=case, actor=api_actor(request), to_unit=to_unit, reason=payload.reason
    )
    # What was done, even when the case now lies outside the caller's units.
    return _case_detail(moved, api_user(request))


@tasks_router.post(
    "/{posint:id}/correct",
    response={200: TaskOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Koreksi isian langkah",
)
def task_correct(request: PersonRequest, payload: TaskCorrectIn, id: TaskId) -> TaskOut:
    task = task_get_for_user(api_user(request), id)
    done = services.field_correct(
        task=task,
        actor=api_actor(request),
        field=payload.field,
        value=payload.value,
        reason=payload.reason,
    )
    return _task_detail(done, api_user(request))


@tasks_router.post(
    "/{posint:id}/end-wait",
    response={200: TaskOut, **E400, **E401, **E403, **E404, **E409, **E422},
    summary="Akhiri tenggat lebih awal",
)
def task_end_wait(request: PersonRequest, payload: WaitEndIn, id: TaskId) -> TaskOut:
    task = task_get_for_user(api_user(request), id)
    ended = services.wait_end_early(task=task, actor=api_actor(request), evidence=payload.evidence)
    return _task_detail(ended, api_user(request))
