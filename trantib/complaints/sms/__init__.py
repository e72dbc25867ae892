"""Complaints by SMS: the SMS language (``language``), the inbound service that files a
complaint, answers a status question or sends the help reply, once per gateway message
(``services``), and the gateway's webhook at ``/sms/masuk/`` (``views``, ``urls``)."""

from .language import (
    HELP_REPLY_MAX,
    STATUS_REPLY_MAX,
    Parsed,
    category_match,
    help_text,
    kelurahan_find,
    place_find,
    sms_parse,
    status_text,
)
from .services import SmsOutcome, sms_receive

__all__ = [
    "HELP_REPLY_MAX",
    "STATUS_REPLY_MAX",
    "Parsed",
    "SmsOutcome",
    "category_match",
    "help_text",
    "kelurahan_find",
    "place_find",
    "sms_parse",
    "sms_receive",
    "status_text",
]
