"""Path converters, registered when this module is first imported (``CoreConfig.ready``,
before any URL configuration is read): ``<posint:pk>`` in the pages' routes, ``{posint:id}``
in the API's.

``posint`` is an id: a plain positive integer only, digits without a leading zero, at most
2**63 - 1 (the largest BigAutoField value). ``01``, ``1.0``, `` 1``, ``1_0``, ``+1`` and ``0``
match no route, so they get the 404 of an id that does not exist, never the object behind
``1``.

``anypath`` is the rest of a path, whatever it holds: Django's ``path`` converter stops at a
newline (``.``), so a catch-all route written with it lets ``/x%0A`` fall through to the
site's HTML 404.
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1  # the largest BigAutoField value on SQLite and PostgreSQL


class PositiveIdConverter:
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # Django: this route does not match
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class AnyPathConverter:
    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PositiveIdConverter, "posint")
register_converter(AnyPathConverter, "anypath")
