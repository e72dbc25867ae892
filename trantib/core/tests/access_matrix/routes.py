"""Every door of the product, read from where the product declares it: the URL configuration
(every page, feed and webhook; the admin) and the API's OpenAPI document (every operation, with
its method). A route is known by a key:

- a page by its URL name with its namespace (``cases:detail``), or by its pattern when it has
  no name (``open311/v2/^(?P<path>.*)$``);
- an API operation by method and path as the OpenAPI document writes them
  (``GET /api/v1/cases/{id}``). The URL configuration's patterns of the API that are operations
  of the document are not pages; its other patterns (the document itself, the docs page, the
  fallback 404) are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from trantib.api.api import api

API_NAMESPACE = "api"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    key: str
    kind: str  # "page" or "api"
    pattern: str  # the URL pattern as written (pages) or the OpenAPI path (operations)
    method: str = ""  # an operation's method; pages answer GET and are sent POST as well
    operation: Any = None  # the OpenAPI operation object


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str
) -> Iterator[tuple[str, str]]:
    for item in patterns:
        if isinstance(item, URLResolver):
            inner = namespace
            if item.namespace:
                inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item.url_patterns, prefix + str(item.pattern), inner)
        else:
            pattern = prefix + str(item.pattern)
            if item.name:
                yield (f"{namespace}:{item.name}" if namespace else item.name), pattern
            else:
                yield pattern, pattern


def openapi_document() -> dict[str, Any]:
    return dict(api.get_openapi_schema())


def routes(urlconf: str | None = None, document: dict[str, Any] | None = None) -> list[Route]:
    """Every route of the URL configuration ``urlconf`` (default: the project's) and of the
    OpenAPI ``document`` (default: the API's own), each once."""
    document = document if document is not None else openapi_document()
    found: dict[str, Route] = {}
    operation_ids = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            key = f"{method.upper()} {path}"
            found[key] = Route(key, "api", path, method.upper(), operation)
            operation_ids.add(operation.get("operationId", ""))
    for key, pattern in _walk(get_resolver(urlconf).url_patterns, "", ""):
        namespace, _, name = key.rpartition(":")
        if namespace == API_NAMESPACE and name in operation_ids:
            continue  # an operation of the document, known by its method and path
        found.setdefault(key, Route(key, "page", pattern))
    return sorted(found.values(), key=lambda r: r.key)


def unknown_and_gone(
    found: list[Route], known: set[str], families: tuple[str, ...]
) -> tuple[list[Route], list[str]]:
    """Routes the matrix does not know (neither listed nor in a family: a key prefix whose
    routes the matrix treats alike), and keys it lists that the product no longer has."""
    keys = {r.key for r in found}
    unknown = [r for r in found if r.key not in known and not r.key.startswith(families)]
    gone = sorted(known - keys)
    return unknown, gone
