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
    # One query: the number's own letter (if any) among the matches, put first. A letter's
    # number is written as the register made it (upper and lower case both occur).
    rows = letter_list_for_user(user, query=query)[:limit]
    hits = [_hit(letter, exact=letter.number.casefold() == query.casefold()) for letter in rows]
    return sorted(hits, key=lambda hit: not hit.exact)
