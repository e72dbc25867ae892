"""Addresses. Absolute ones for links that leave the site: a citizen's status page in an SMS,
a notice in an e-mail, the Open311 discovery document (:func:`absolute_url`); paths inside the
site for pages that link thousands of figures (:func:`path_to`).

For absolute addresses, one rule, one definition: ``TRANTIB_PUBLIC_URL`` when the operator set
it (the address phones use); else the address of the request being answered; outside a
request, the one the server listens on (``TRANTIB_SERVED_URL``, exported by ``trantib
serve``), so a changed ``PORT`` never produces dead links.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (starting with ``/``) as an absolute address (see the module docstring)."""
    base = str(getattr(settings, "TRANTIB_PUBLIC_URL", "")).rstrip("/")
    if base:
        return f"{base}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    served = str(getattr(settings, "TRANTIB_SERVED_URL", "")).rstrip("/")
    return f"{served}{path}"


# -- paths inside the site, for pages with thousands of links ---------------------------------

# A number no real id reaches: a path is reversed once with it and filled in afterwards.
_HOLE = 9_080_706_050_403_020
_PATHS: dict[tuple[object, ...], list[str]] = {}


def path_to(name: str, *ids: int) -> str:
    """``reverse(name, args=ids)`` for integer ids, remembered per URL configuration and script
    prefix. Django's ``reverse`` checks each candidate against its pattern anew (tens of
    microseconds); a province's recap links thousands of figures and spent most of its time
    there. The path is reversed once with a placeholder per id and filled in afterwards."""
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), name, len(ids))
    parts = _PATHS.get(key)
    if parts is None:
        parts = reverse(name, args=[_HOLE] * len(ids)).split(str(_HOLE))
        if len(parts) != len(ids) + 1:  # a converter that changed the number: no shortcut
            return reverse(name, args=ids)
        _PATHS[key] = parts
    if not ids:
        return parts[0]
    out = [parts[0]]
    for pk, rest in zip(ids, parts[1:], strict=True):
        out.append(str(int(pk)))
        out.append(rest)
    return "".join(out)
