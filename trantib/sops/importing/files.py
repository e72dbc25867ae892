"""The file side of ``trantib sop import``: read a document, write its draft, refuse to
overwrite. The command only parses its arguments and prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trantib.engine.loader import load_text

from . import ImportRefused, ImportResult, import_document

MAX_BYTES = 20 * 1024 * 1024  # a Word SOP with a scanned logo is well under this


@dataclass(frozen=True)
class ImportedFile:
    path: Path  # where the draft was written
    result: ImportResult


def import_to_file(
    source: Path,
    output: Path | None = None,
    *,
    code: str = "",
    domain: str = "",
    force: bool = False,
) -> ImportedFile:
    """Import ``source`` and write the draft to ``output`` (default: ``<CODE>.v1.yaml`` in the
    current folder). Raises :class:`ImportRefused` (one line) for an unreadable source or an
    existing output without ``force``."""
    try:
        size = source.stat().st_size
        if size > MAX_BYTES:
            raise ImportRefused(f"{source}: the file is larger than {MAX_BYTES // 2**20} MB")
        data = source.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{source}: {exc.strerror or exc}") from None
    result = import_document(str(source), data, code=code, domain=domain)
    if output is None:
        spec, _warnings = load_text(result.yaml_text)
        output = Path(f"{spec.code}.v{spec.version}.yaml")
    if output.exists() and not force:
        raise ImportRefused(f"{output}: already exists; use --force to overwrite it")
    try:
        output.write_text(result.yaml_text, encoding="utf-8")
    except OSError as exc:
        raise ImportRefused(f"{output}: {exc.strerror or exc}") from None
    return ImportedFile(output, result)
