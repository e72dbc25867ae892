"""What the letter pages share (the incoming-letter pages too): the access-checked letter, the
person acting, who belongs to a unit, an uploaded file read within its limit, and the service
error put beside the input it names."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Person
from trantib.core.errors import NotAllowed, NotFound, ServiceError

from ..models import Letter
from ..selectors import letter_get_for_user
from ..services import member_of as _member_of
from ..uploads import FILE_MAX, size_check

PAGE_SIZE = 25


def letter_or_404(request: PersonRequest, letter_id: int) -> Letter:
    try:
        return letter_get_for_user(request.user, letter_id)
    except NotFound:
        raise Http404(_("Surat tidak ditemukan.")) from None


def actor_of(request: PersonRequest) -> Person:
    person = request.person
    if person is None:
        raise NotAllowed(_("Akun ini tidak terhubung dengan data pegawai."))
    return person


def member_of(person: Person | None, unit: OrgUnit) -> bool:
    """An officer of ``unit`` or its head: the services' one rule."""
    return _member_of(person, unit)


def errors_for(exc: ServiceError, known: tuple[str, ...]) -> dict[str, str]:
    """The error keyed by the input it names, or ``all`` when it names none of ``known``."""
    key = exc.field if exc.field in known else "all"
    return {key: exc.message}


def read_upload(
    request: PersonRequest, name: str, *, limit: int = FILE_MAX
) -> tuple[bytes, str] | None:
    """The content and name of the file uploaded as ``name`` (None: none chosen). A file over
    ``limit`` (:mod:`trantib.letters.uploads`) is refused from its size before it is read."""
    upload = request.FILES.get(name)
    if upload is None or not upload.size:
        return None
    size_check(upload.size, field=name, name=upload.name or "", limit=limit)
    return upload.read(limit + 1), upload.name or name
