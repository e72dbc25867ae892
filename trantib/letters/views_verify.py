"""The public verification page ``/verifikasi/<code>/``: what the QR code on a letter opens.

No login. It shows only what identifies the letter as an official act — the kind, number and
date, the issuing unit, the signer's jabatan, its state and the SHA-256 of the official PDF —
never the hal, the addressee, the violator, a reporter or the signer's NIP (the letter's body
holds people's data; the official PDF is not offered for download for the same reason). A
visitor may upload a PDF: the page says whether it is byte for byte the official copy and, for
a PAdES-signed file, whether its signature is intact and chains to the unit's CA.

Each GET and POST counts against a per-client limit (``TRANTIB_VERIFY_RATE_LIMIT`` per
``TRANTIB_VERIFY_RATE_WINDOW`` seconds, shared with the API's check; past it a 429 page). The
check itself is :func:`trantib.letters.verification.upload_check`, as for the API and the
CLI. An upload over
``MAX_UPLOAD`` is refused from its Content-Length before its body is read: the view is CSRF
exempt for that check only, and the check of the token follows (Django's recipe for upload
handling before CSRF).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from trantib.core.dates import date_id, datetime_id
from trantib.core.errors import Invalid, TooMany

from .models import Letter, LetterState, SignMode
from .selectors import letter_by_code
from .signing import Validation
from .uploads import FILE_MAX
from .verification import upload_check, verify_rate_take

MAX_UPLOAD = FILE_MAX
# The multipart wrapping around the file (boundaries, headers, the CSRF token).
BODY_SLACK = 64 * 1024


@dataclass(frozen=True)
class PublicLetter:
    """What the public page may say about a letter."""

    kind_name: str
    number: str
    dated: str
    unit_name: str
    signer_title: str
    state: str  # "sah", "dibatalkan", "belum"
    sign_mode: str
    cancelled_on: str
    sha256: str


@dataclass(frozen=True)
class Check:
    """An uploaded PDF compared with the official copy, and its own signature checked."""

    filename: str
    sha256: str
    identical: bool | None  # None: the letter has no official copy yet
    signature: Validation
    signed_at: str  # the signature's claimed time on the unit's clock, or ""


_MODES = {
    SignMode.WET: gettext_lazy("Tanda tangan basah (salinan pindaian)"),
    SignMode.ELECTRONIC: gettext_lazy("Tanda tangan elektronik di Trantib"),
    SignMode.EXTERNAL: gettext_lazy("Tanda tangan elektronik di luar Trantib"),
}


def _public(letter: Letter) -> PublicLetter:
    zone = letter.unit.zone()
    if letter.state == LetterState.CANCELLED:
        state = "dibatalkan"
    elif letter.state == LetterState.SIGNED:
        state = "sah"
    else:
        state = "belum"
    cancelled = (
        date_id(timezone.localtime(letter.cancelled_at, zone).date()) if letter.cancelled_at else ""
    )
    return PublicLetter(
        kind_name=letter.kind_name,
        number=letter.number,
        dated=date_id(letter.dated) if letter.dated else "",
        unit_name=letter.unit.name,
        signer_title=letter.signer_title,
        state=state,
        sign_mode=str(_MODES[SignMode(letter.sign_mode)]) if letter.sign_mode else "",
        cancelled_on=cancelled,
        sha256=letter.official_sha256,
    )


def _limited(request: HttpRequest) -> TooMany | None:
    try:
        verify_rate_take(request)
    except TooMany as exc:
        return exc
    return None


def _page(
    request: HttpRequest,
    letter: Letter,
    *,
    check: Check | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"letter": _public(letter), "check": check, "error": error, "max_mb": 10}
    response = render(request, "letters/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt
def letter_verify(request: HttpRequest, code: str) -> HttpResponse:
    limited = _limited(request)
    if limited is not None:
        response = render(
            request, "letters/verify_limited.html", {"message": limited.message}, status=429
        )
        response["Retry-After"] = str(settings.TRANTIB_VERIFY_RATE_WINDOW)
        return response
    letter = letter_by_code(code)
    if letter is None:
        response = render(request, "letters/verify_missing.html", status=404)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    if request.method != "POST":
        return _page(request, letter)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD + BODY_SLACK:
        return _page(request, letter, error=_too_big(), status=413)
    return _upload(request, letter)


def _too_big() -> str:
    return _("Berkas terlalu besar: paling besar %(mb)s MB.") % {"mb": MAX_UPLOAD // 2**20}


@csrf_protect
def _upload(request: HttpRequest, letter: Letter) -> HttpResponse:
    uploaded = request.FILES.get("berkas")
    if uploaded is None:
        return _page(request, letter, error=_("Pilih berkas PDF untuk diperiksa."), status=422)
    if uploaded.size is not None and uploaded.size > MAX_UPLOAD:
        return _page(request, letter, error=_too_big(), status=413)
    content = uploaded.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _page(request, letter, error=_too_big(), status=413)
    name = (uploaded.name or "")[:120]
    try:
        checked = upload_check(letter, content, name=name)
    except Invalid as exc:
        return _page(request, letter, error=exc.message, status=422)
    signature = checked.signature
    check = Check(
        filename=name,
        sha256=checked.sha256,
        identical=checked.identical,
        signature=signature,
        signed_at=datetime_id(signature.signed_at, letter.unit.zone())
        if signature.signed_at
        else "",
    )
    return _page(request, letter, check=check)
