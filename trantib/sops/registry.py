"""The SOP library the running product uses: the folder in ``settings.TRANTIB_SOP_LIBRARY`` (the
shipped library, part of the package, never written by the web) together with the folder in
``settings.TRANTIB_SOP_UPLOADS`` (the SOP files written through the web, one folder per unit).

One library of both: a code's versions may come from either folder, by the same rules; the same
``CODE.vN`` in both is an error naming both files. A file of the uploads folder that does not
load and is not published is a draft still being written on the web: it is set aside (its page
shows its problems), not a library error, so a draft in progress never stops ``sop sync`` or
``manage.py check``.

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
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from trantib.engine.errors import Problem
from trantib.engine.library import Library, library_files, load_files
from trantib.engine.spec import SOPSpec

Stamp = tuple[int, int]  # (mtime_ns, size); (-1, -1): gone

# Of the library last loaded: each spec file's text, and the stamp of every file and folder.
_texts: dict[str, str] = {}
_digests: dict[str, str] = {}
_stamps: dict[str, Stamp] = {}
# Of the uploads folder: drafts set aside because they do not load, with their problems.
_aside: dict[str, list[Problem]] = {}

_PUBLISHED = re.compile(r"^status:[ \t]*published\b", re.MULTILINE)


def library_root() -> Path:
    return Path(settings.TRANTIB_SOP_LIBRARY)


def uploads_root() -> Path:
    """The folder of SOP files written through the web (it may not exist yet)."""
    return Path(settings.TRANTIB_SOP_UPLOADS)


def roots() -> list[Path]:
    return [library_root(), uploads_root()]


def _stamp(path: Path | str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def _stamps_of(*roots: Path) -> dict[str, Stamp]:
    stamps: dict[str, Stamp] = {}
    for root in roots:
        paths = [root, *library_files(root)] if root.is_dir() else [root]
        folders = {p.parent for p in paths[1:]}
        stamps.update({str(p): _stamp(p) for p in [*paths, *folders]})
    return stamps


def _read(path: Path | str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _load(shipped: Path, uploads: Path) -> tuple[Library, dict[str, list[Problem]]]:
    """Both folders as one library, and the uploads folder's drafts set aside."""
    if not shipped.is_dir():
        problem = Problem(str(shipped), 0, "library", "the SOP library folder does not exist")
        return Library(problems=[problem]), {}
    uploaded = [str(p) for p in library_files(uploads)] if uploads.is_dir() else []
    paths = [str(p) for p in library_files(shipped)] + uploaded
    aside: dict[str, list[Problem]] = {}
    while True:
        lib = load_files([Path(p) for p in paths if p not in aside])
        bad = {
            p.path
            for p in lib.errors
            if p.path in uploaded and p.path not in aside and not _PUBLISHED.search(_read(p.path))
        }
        if not bad:
            break
        # Loaded again without them: a draft another one names is set aside in its turn.
        for path in bad:
            aside[path] = [p for p in lib.problems if p.path == path]
    lib.problems = [_both_folders(p, shipped, uploads) for p in lib.problems]
    return lib, aside


def _both_folders(problem: Problem, shipped: Path, uploads: Path) -> Problem:
    """The library's "also defined in" said plainly when the two files are in both folders."""
    marker = " is also defined in "
    if problem.field != "version" or marker not in problem.message:
        return problem
    head, other = problem.message.split(marker, 1)
    here, there = Path(problem.path), Path(other)
    if not (here.is_relative_to(uploads) and there.is_relative_to(shipped)):
        return problem
    code, _word, version = head.partition(" version ")
    message = (
        f"{code} v{version} is both in the shipped library ({there}) and in the uploads folder "
        f"({here}); one version comes from one folder: remove the uploaded file or give it "
        "the next version number"
    )
    return Problem(problem.path, problem.line, problem.field, message, problem.severity)


@lru_cache(maxsize=1)
def library() -> Library:
    shipped, uploads = library_root(), uploads_root()
    for _attempt in range(3):
        before = _stamps_of(shipped, uploads)
        lib, aside = _load(shipped, uploads)
        texts = {spec.path: _read(spec.path) for spec in lib.specs}
        if _stamps_of(shipped, uploads) == before:  # nothing changed while it loaded
            break
    _aside.clear()
    _aside.update(aside)
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
    if any(str(root) not in _stamps for root in roots()) or any(
        _stamp(p) != st for p, st in _stamps.items()
    ):
        lib = reload()
    return lib


def set_aside() -> dict[str, list[Problem]]:
    """The uploads folder's drafts that do not load (path → their problems), as last loaded."""
    return dict(_aside)


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
