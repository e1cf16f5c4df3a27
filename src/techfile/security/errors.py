"""Errors of the security documents.

Tree::

    techfile.errors.Error
    └── SecurityDocsError       a document could not be written (a defect: it breaks its own
                                rules, e.g. a security.txt that fails RFC 9116)

Bad input (a ``security:`` section that is missing or out of date) raises
``techfile.errors.LocatedInputError`` located in ``techfile.yaml``.
"""

from __future__ import annotations

from techfile.errors import Error

__all__ = ["SecurityDocsError"]


class SecurityDocsError(Error):
    """A security document could not be written."""
