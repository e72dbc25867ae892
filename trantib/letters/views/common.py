"""What the letter pages share: the access-checked letter, the person acting, who belongs to a
unit, and the service error put beside the input it names."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from trantib.accounts.middleware import PersonRequest
from trantib.accounts.models import OrgUnit, Person
from trantib.accounts.selectors import assignments_active
from trantib.cases.services import supervises
from trantib.core.errors import NotAllowed, NotFound, ServiceError

from ..models import Letter
from ..selectors import letter_get_for_user

PAGE_SIZE = 25
UPLOAD_MAX_BYTES = 20 * 1024 * 1024


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
    """An officer of ``unit`` (an active assignment there) or its head (supervising above)."""
    if person is None:
        return False
    held = {a.position.unit_id for a in assignments_active(person)}
    return unit.pk in held or supervises(person, unit)


def errors_for(exc: ServiceError, known: tuple[str, ...]) -> dict[str, str]:
    """The error keyed by the input it names, or ``all`` when it names none of ``known``."""
    key = exc.field if exc.field in known else "all"
    return {key: exc.message}


def read_upload(request: PersonRequest, name: str) -> tuple[bytes, str] | None:
    """The content and name of the file uploaded as ``name`` (None: none chosen). Files over
    20 MB are refused before they are read."""
    from trantib.core.errors import Invalid

    upload = request.FILES.get(name)
    if upload is None or not upload.size:
        return None
    if upload.size > UPLOAD_MAX_BYTES:
        raise Invalid(_("Berkas paling besar 20 MB."), field=name)
    return upload.read(), upload.name or name
