"""The search box's answer for letters: by number (exact first, through its index) and by
hal, read through :func:`selectors.letter_list_for_user`, which matches the hal only of the
letters the reader may open.

A Rahasia letter the reader does not work on is found by its number only and shown as its
kind and number (the hal reads "(rahasia)"), linked to the register rather than to a page
that would answer 404; so is a letter whose page is closed to the reader because it is
addressed to a confidential reporter.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from trantib.core.dates import date_id
from trantib.core.search import SearchHit, UserLike

from .models import Letter
from .selectors import letter_list_for_user, letter_shown


def _hit(letter: Letter, *, exact: bool = False) -> SearchHit:
    shown = letter_shown(letter)
    opens = not shown.restricted and (
        bool(getattr(letter, "recipient_shown", False)) or bool(getattr(letter, "works_on", False))
    )
    if opens:
        url = reverse("letters:letter", args=[letter.pk])
    else:
        url = f"{reverse('letters:register')}?{urlencode({'q': letter.number})}"
    parts = [letter.get_kind_display(), shown.hal]
    if letter.dated:
        parts.append(date_id(letter.dated))
    return SearchHit(
        kind=_("Surat"),
        title=letter.number or _("(belum bernomor)"),
        subtitle=" · ".join(p for p in parts if p),
        url=url,
        unit_code=letter.unit.code,
        exact=exact and opens,
    )


def letters_search(user: UserLike, query: str, limit: int) -> list[SearchHit]:
    exact = list(letter_list_for_user(user).filter(number=query)[:2])
    if len(exact) == 1:
        return [_hit(exact[0], exact=True)]
    return [_hit(letter) for letter in letter_list_for_user(user, query=query)[:limit]]
