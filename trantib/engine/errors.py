"""Problems found in SOP files, and the one exception the loader raises."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"  # a layout convention, not a rule: the SOP still loads


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, printed as ``FILE:LINE: field: message``."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


class SOPValidationError(Exception):
    """An SOP file is not valid. ``problems`` lists every error found (warnings too)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.field))
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        super().__init__("\n".join(str(p) for p in errors) or "invalid SOP")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]
