"""DOCX: the technical file as an editable Word document (the ``docx`` extra, python-docx).

The document itself is built in `_wordml`; this module imports python-docx only when a DOCX is
written, and makes the package reproducible: python-docx stamps every zip entry with the
current time, so the entries are re-packed in the same order with the edition date, and a
rebuild without changes gives the same bytes. The file is replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from techfile.project import atomic_write_bytes
from techfile.render import _model as m
from techfile.render.writers.interface import OutputFormat, WriterError

__all__ = ["DocxWriter", "render_docx"]

INSTALL_HINT = "DOCX needs the 'docx' extra: pip install 'techfile[docx]'"
"""The one-line hint when python-docx is not installed (STYLE E5)."""

_ZIP_EPOCH = 1980  # the first year a zip timestamp can hold


def _reproducible_zip(data: bytes, date: dt.date) -> bytes:
    """The same zip with every entry dated ``date`` 00:00 and fixed attributes."""
    stamp = (max(date.year, _ZIP_EPOCH), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same bytes whichever system builds it
            info.external_attr = 0
            target.writestr(info, source.read(entry))
    return out.getvalue()


def render_docx(document: m.TechnicalFile) -> bytes:
    """The technical file as DOCX bytes.

    Raises:
        WriterError: python-docx is not installed.
    """
    try:
        import docx  # noqa: F401, PLC0415  # the optional extra, imported on use
    except ImportError as e:
        raise WriterError(INSTALL_HINT) from e
    from techfile.render.writers._wordml import word_document  # noqa: PLC0415  # needs docx

    return _reproducible_zip(word_document(document), document.control.date)


class DocxWriter:
    """Writes ``technical-file.docx``."""

    __slots__ = ()
    format = OutputFormat.DOCX

    def write(self, document: m.TechnicalFile, out: Path) -> Path:
        """Build the Word document and write it atomically.

        Raises:
            WriterError: python-docx is not installed.
        """
        path = out / "technical-file.docx"
        atomic_write_bytes(path, render_docx(document))
        return path
