"""The SOP library the running product uses: the folder in ``settings.TRANTIB_SOP_LIBRARY``.

Loaded once per process and cached; ``reload()`` drops the cache (tests, ``sop validate``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from trantib.engine.library import Library, load_library
from trantib.engine.spec import SOPSpec


def library_root() -> Path:
    return Path(settings.TRANTIB_SOP_LIBRARY)


@lru_cache(maxsize=1)
def library() -> Library:
    return load_library(library_root())


def reload() -> Library:
    library.cache_clear()
    return library()


def get(code: str, version: int | None = None) -> SOPSpec:
    """The spec, or KeyError when the library has no such SOP (or it failed to load)."""
    return library().get(code, version)


def current() -> list[SOPSpec]:
    return library().current()
