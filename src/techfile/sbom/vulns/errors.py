"""Errors of vulnerability matching and VEX triage.

Tree::

    techfile.errors.LocatedInputError
    ├── OsvInputError     the OSV export is unreadable: corrupt zip, invalid JSON, bad record
    └── VexInputError     the triage file (vex.yaml) is malformed or names an unknown finding

Vulnerabilities found are results, never exceptions (STYLE D4).
"""

from __future__ import annotations

from techfile.errors import LocatedInputError

__all__ = ["OsvInputError", "VexInputError"]


class OsvInputError(LocatedInputError):
    """The OSV export cannot be read: the file or zip member, and the field where known."""


class VexInputError(LocatedInputError):
    """The VEX triage file is malformed (located by file, line and field)."""
