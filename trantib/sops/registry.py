"""The SOP library the running product uses: the folder in ``settings.TRANTIB_SOP_LIBRARY``.

Loaded once per process and cached; ``reload()`` drops the cache (tests, ``sop validate``).
``fresh()`` reloads it when a file or folder of the library changed on disk since it was loaded
(a ``stat`` of each, no read), so that a case started after an administrator edited a file runs
the file as edited, never the text this process read before. Each spec's text is kept with its
SHA-256 as it was loaded (``text_of``, ``sha256_of``): the text a case's version row records is
exactly the one its spec came from.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from trantib.engine.library import Library, library_files, load_library
from trantib.engine.spec import SOPSpec

Stamp = tuple[int, int]  # (mtime_ns, size); (-1, -1): gone

# Of the library last loaded: each spec file's text, and the stamp of every file and folder.
_texts: dict[str, str] = {}
_digests: dict[str, str] = {}
_stamps: dict[str, Stamp] = {}


def library_root() -> Path:
    return Path(settings.TRANTIB_SOP_LIBRARY)


def _stamp(path: Path | str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def _stamps_of(root: Path) -> dict[str, Stamp]:
    paths = [root, *library_files(root)] if root.is_dir() else [root]
    folders = {p.parent for p in paths[1:]}
    return {str(p): _stamp(p) for p in [*paths, *folders]}


@lru_cache(maxsize=1)
def library() -> Library:
    root = library_root()
    for _attempt in range(3):
        before = _stamps_of(root)
        lib = load_library(root)
        texts: dict[str, str] = {}
        for spec in lib.specs:
            try:
                texts[spec.path] = Path(spec.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                texts[spec.path] = ""
        if _stamps_of(root) == before:  # nothing changed while it loaded
            break
    _texts.clear()
    _texts.update(texts)
    _digests.clear()
    _digests.update({k: hashlib.sha256(t.encode()).hexdigest() for k, t in texts.items() if t})
    _stamps.clear()
    _stamps.update(before)
    return lib


def reload() -> Library:
    library.cache_clear()
    return library()


def fresh() -> Library:
    """The library, reloaded first when anything in its folder changed since it was loaded."""
    lib = library()
    # A stat of each file and folder seen at load (no walk of the tree): a file added,
    # removed or renamed changes its folder's stamp, a new folder the root's.
    root = str(library_root())
    if root not in _stamps or any(_stamp(p) != st for p, st in _stamps.items()):
        lib = reload()
    return lib


def text_of(spec: SOPSpec) -> str:
    """The text ``spec`` was loaded from ("" for a spec not from the library)."""
    return _texts.get(spec.path, "")


def sha256_of(spec: SOPSpec) -> str:
    """The SHA-256 of the text ``spec`` was loaded from, as ``sop_library_sync`` records it
    ("" for a spec not from the library)."""
    return _digests.get(spec.path, "")


def get(code: str, version: int | None = None) -> SOPSpec:
    """The spec, or KeyError when the library has no such SOP (or it failed to load)."""
    return library().get(code, version)


def current() -> list[SOPSpec]:
    return library().current()
