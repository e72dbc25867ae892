"""Loading a folder of SOP files: every ``*.yaml`` below it, each validated, then cross-checked.

The result keeps what loaded and every problem found, so one bad file never hides the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, Severity, SOPValidationError
from .loader import load_file
from .spec import SOPSpec, SopStatus
from .validate import check_library


@dataclass
class Library:
    specs: list[SOPSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    def get(self, code: str, version: int | None = None) -> SOPSpec:
        """The given version, or the newest published one (else the newest draft)."""
        matches = [s for s in self.specs if s.code == code]
        if version is not None:
            matches = [s for s in matches if s.version == version]
        if not matches:
            raise KeyError(code if version is None else f"{code} v{version}")
        published = [s for s in matches if s.status == SopStatus.PUBLISHED]
        return max(published or matches, key=lambda s: s.version)

    def current(self) -> list[SOPSpec]:
        """One spec per code: the version in force."""
        return sorted(
            (self.get(code) for code in {s.code for s in self.specs}), key=lambda s: s.code
        )


def library_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def load_files(paths: list[Path]) -> Library:
    lib = Library()
    for path in paths:
        try:
            spec, warnings = load_file(path)
        except SOPValidationError as exc:
            lib.problems.extend(exc.problems)
            continue
        lib.specs.append(spec)
        lib.problems.extend(warnings)
    lib.problems.extend(check_library(lib.specs))
    return lib


def load_library(root: Path) -> Library:
    if not root.is_dir():
        return Library(
            problems=[Problem(str(root), 0, "library", "the SOP library folder does not exist")]
        )
    return load_files(library_files(root))
