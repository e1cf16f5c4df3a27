"""The root of every error techfile raises.

Tree::

    Error                      the job could not be done (CLI exit 1)
    └── InputError             the input is malformed or contradictory (CLI exit 2)
        └── LocatedInputError  ... and we know the file, line, column and field

Problems that a check *finds* (gaps, failed verification) are results, never exceptions
(STYLE D4). Packages add their own subclasses in their ``interface.py`` or ``errors.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Error", "InputError", "LocatedInputError", "Location"]


class Error(Exception):
    """Base of all techfile errors: the job could not be done."""

    def diagnostics(self) -> str:
        """Say what happened, why it matters and what to do, for a person at a terminal."""
        return str(self)


class InputError(Error):
    """The input given to techfile is malformed, contradictory or of the wrong kind."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where in an input file a problem sits (1-based line and column)."""

    path: Path | None
    """The file, or None for input that did not come from a file."""
    line: int | None = None
    """1-based line number."""
    column: int | None = None
    """1-based column number."""

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


class LocatedInputError(InputError):
    """Bad input whose place in a file is known.

    The message reads ``FILE:LINE:COL: field F: expected E, found X (hint: H)`` so editors and
    CI annotate it.
    """

    def __init__(  # noqa: PLR0913  # the parts of a located message, keyword-only
        self,
        location: Location,
        problem: str,
        *,
        field: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.location = location
        self.problem = problem
        self.field = field
        self.expected = expected
        self.found = found
        self.hint = hint
        self.more: tuple[LocatedInputError, ...] = ()
        """Further problems found in the same input, reported together."""
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [f"{self.location}:"]
        if self.field:
            parts.append(f"field '{self.field}':")
        parts.append(self.problem)
        text = " ".join(parts)
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found}"
        return text

    def diagnostics(self) -> str:
        """Say where the problem is, what was expected and how to fix it."""
        lines = []
        for error in (self, *self.more):
            lines.append(str(error))
            if error.hint:
                lines.append(f"  hint: {error.hint}")
        return "\n".join(lines)
