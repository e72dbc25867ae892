"""What every page's navigation shows about cases: the person's unread notices."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from .models import Notification


def notices(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """``unread_notices``: a callable, so that the COUNT runs only on a page that shows it to
    someone logged in, and once per page (one query on the ``notification_unread`` index;
    through the login when the person has not been read yet, which saves reading them)."""

    counted: list[int] = []  # once per page, however often the page asks

    def unread() -> int:
        if not counted:
            counted.append(_count(request))
        return counted[0]

    return {"unread_notices": unread}


def _count(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    unread = Notification.objects.filter(read_at__isnull=True)
    person = request.__dict__.get("person")  # already read by the view: no join
    if person is not None:
        return unread.filter(recipient_id=person.pk).count()
    return unread.filter(recipient__user_id=user.pk).count()
