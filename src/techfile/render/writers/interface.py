"""The writer extension point: one module per output format, all rendering the same model.

Errors::

    techfile.errors.Error
    └── WriterError        a format could not be written (e.g. its optional extra is missing)
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Protocol

from techfile.errors import Error
from techfile.render._model import TechnicalFile

__all__ = ["OutputFormat", "Writer", "WriterError"]


class OutputFormat(StrEnum):
    """Formats of the technical file."""

    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"


class WriterError(Error):
    """A format could not be written."""


class Writer(Protocol):
    """Writes the technical file in one format."""

    @property
    def format(self) -> OutputFormat:
        """The format written."""
        ...

    def write(self, document: TechnicalFile, out: Path) -> Path:
        """Write ``technical-file.<format>`` into the folder ``out``; return its path.

        Raises:
            WriterError: The format cannot be written here.
        """
        ...
