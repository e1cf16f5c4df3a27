"""Errors of release signing and verification.

Tree::

    techfile.errors.Error
    ├── ReleaseError               the job could not be done (e.g. the device state cannot be
    │                              written)
    └── techfile.errors.LocatedInputError
        └── ReleaseInputError      bad input: a missing or malformed key, root, metadata file,
            │                      bundle or option (file, line and field where known)
            └── ReleaseKeyError    a key file is not encrypted PKCS#8 PEM, or its passphrase
                                   is wrong

A bundle that fails verification (rollback, freeze, mix-and-match, wrong key, tampered
target) is not an exception: `verify_bundle` returns it as a `Failed` result (STYLE D4).
"""

from __future__ import annotations

from techfile.errors import Error, LocatedInputError

__all__ = ["ReleaseError", "ReleaseInputError", "ReleaseKeyError"]


class ReleaseError(Error):
    """A release could not be signed or verified for a reason other than bad input."""


class ReleaseInputError(LocatedInputError):
    """An input of signing or verification is missing or malformed (located)."""


class ReleaseKeyError(ReleaseInputError):
    """A key file cannot be used: not a PEM key, not encrypted PKCS#8, or a wrong passphrase."""
