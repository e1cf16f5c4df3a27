"""Errors of SBOM building and reading.

Tree::

    techfile.errors.Error
    ├── SbomError             the SBOM could not be built (a defect: it fails its own schema)
    └── techfile.errors.LocatedInputError
        └── SbomInputError    bad input: an unreadable environment, lock file, SBOM or config
"""

from __future__ import annotations

from techfile.errors import Error, LocatedInputError

__all__ = ["SbomError", "SbomInputError"]


class SbomError(Error):
    """The SBOM could not be built."""


class SbomInputError(LocatedInputError):
    """An input of the SBOM is malformed (file, line and field where known)."""
