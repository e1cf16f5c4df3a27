"""Errors of evidence handling.

Tree::

    techfile.errors.Error
    ├── EvidenceError              evidence could not be recorded or read
    │   └── EvidenceKeyError       a key is missing, locked or unusable
    └── techfile.errors.InputError
        └── EvidenceInputError     an artefact or record is malformed (located where possible)

A record that fails signature verification is not an exception: ``verify`` returns it as a
`Rejected` result (STYLE D4).
"""

from __future__ import annotations

from techfile.errors import Error, InputError

__all__ = ["EvidenceError", "EvidenceInputError", "EvidenceKeyError"]


class EvidenceError(Error):
    """Evidence could not be recorded or read."""


class EvidenceKeyError(EvidenceError):
    """A signing or verification key is missing, locked by a wrong passphrase, or unusable."""


class EvidenceInputError(InputError):
    """An artefact or evidence record is malformed."""
