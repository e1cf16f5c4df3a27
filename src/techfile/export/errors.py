"""Errors of the export to other formats.

Tree::

    techfile.errors.Error
    └── ExportError            a document could not be built or written
        └── ExtraMissingError  the optional dependency the format needs is not installed
"""

from __future__ import annotations

from techfile.errors import Error

__all__ = ["ExportError", "ExtraMissingError"]


class ExportError(Error):
    """A document could not be built from the catalog and assessment, or not written."""


class ExtraMissingError(ExportError):
    """The format needs an optional dependency (an extra) that is not installed (STYLE E5)."""

    def __init__(self, what: str, extra: str) -> None:
        self.what = what
        self.extra = extra
        super().__init__(f"{what} needs the '{extra}' extra: pip install 'techfile[{extra}]'")
