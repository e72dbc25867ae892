"""The errors services raise, one per answer a user can be given.

Pages, the API and the CLI map them in one place each: ``NotAllowed`` → 403, ``NotFound`` →
404, ``Conflict`` → 409, ``Invalid`` → 422. ``field`` names the input at fault (``data.arahan``,
``decision``, ``assignee``) so that a form can put the message beside it. ``kind`` tells an
API client what sort of refusal it is (``refused``: the request was well formed, the rules
said no; ``not_found``; ``auth``; ``throttled``), beside ``input``, which only the API's own
reading of a request gives (it does not fit what the operation's document says).
"""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    kind = "refused"

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(ServiceError):
    """The input cannot be used: a missing or malformed field, an unknown branch."""

    status = 422


class NotAllowed(ServiceError):
    """The person may not do this (does not hold the step's position, not a supervisor)."""

    status = 403


class NotFound(ServiceError):
    """No such thing, or not one the person may see (the two look the same on purpose)."""

    status = 404
    kind = "not_found"


class Conflict(ServiceError):
    """Someone else got there first: the task is already completed or claimed by another."""

    status = 409


class TooMany(ServiceError):
    """The client sent too much too fast (the public complaint form's limit per client)."""

    status = 429
    kind = "throttled"
