"""PDF: the HTML rendering laid out for paged media by WeasyPrint (the ``pdf`` extra).

The page layout comes from the print styles of the HTML template, so the PDF and the HTML show
the same content. Rules this writer enforces:

- no network: every URL WeasyPrint asks for is refused (the HTML is self-contained anyway);
- no clock: the title, author and dates in the PDF come from the document control, and font
  subsetting by fontTools is pinned to the edition date through ``SOURCE_DATE_EPOCH``
  (https://reproducible-builds.org/specs/source-date-epoch/), so a rebuild without changes
  gives the same bytes;
- the file is replaced atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from techfile.project import atomic_write_bytes
from techfile.render import _model as m
from techfile.render.writers.html import render_html
from techfile.render.writers.interface import OutputFormat, WriterError

__all__ = ["PdfWriter", "render_pdf"]

_log = logging.getLogger(__name__)

INSTALL_HINT = "PDF needs the 'pdf' extra: pip install 'techfile[pdf]'"
"""The one-line hint when WeasyPrint is not installed (STYLE E5)."""

_ENVIRONMENT_LOCK = threading.Lock()
"""``SOURCE_DATE_EPOCH`` is process-wide: one PDF at a time may pin it."""


def _weasyprint() -> ModuleType:
    """Import WeasyPrint on first use; its system libraries load only then."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            import weasyprint  # type: ignore[import-untyped]  # noqa: PLC0415  # the optional extra, untyped
        except ImportError as e:
            raise WriterError(INSTALL_HINT) from e
        except OSError as e:  # pango, harfbuzz or fontconfig missing: WeasyPrint's dlopen fails
            msg = f"PDF needs WeasyPrint's system libraries (Pango, HarfBuzz): {e}"
            raise WriterError(msg) from e
    # WeasyPrint 70 warns on import when libharfbuzz-subset is missing; it then subsets fonts
    # with fontTools. Pass the advice on to the log rather than to the user's warning filters.
    for warning in caught:
        _log.warning("weasyprint: %s", warning.message)
    module: ModuleType = weasyprint
    return module


def _refusing_fetcher(weasyprint: ModuleType) -> Any:  # noqa: ANN401  # WeasyPrint is untyped
    """A URL fetcher that refuses every URL: the PDF is built offline from the HTML alone."""
    # WeasyPrint checks the scheme against ``allowed_protocols`` before opening anything; an
    # empty set refuses them all, and WeasyPrint logs the refused resource and goes on.
    return weasyprint.urls.URLFetcher(allowed_protocols=frozenset())


@contextlib.contextmanager
def _source_date(date: dt.date) -> Iterator[None]:
    """Pin ``SOURCE_DATE_EPOCH`` to the edition date while the PDF is written."""
    epoch = dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC).timestamp()
    with _ENVIRONMENT_LOCK:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
        try:
            yield
        finally:
            if before is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


def render_pdf(document: m.TechnicalFile) -> bytes:
    """The technical file as PDF bytes.

    Raises:
        WriterError: WeasyPrint is missing or could not lay out the document.
    """
    weasyprint = _weasyprint()
    day = document.control.date.isoformat()
    try:
        html = weasyprint.HTML(
            string=render_html(document), url_fetcher=_refusing_fetcher(weasyprint)
        )
        with _source_date(document.control.date):
            laid_out = html.render()
            metadata = laid_out.metadata
            metadata.title = document.title
            metadata.authors = [document.manufacturer]
            metadata.created = day
            metadata.modified = day
            # custom_metadata keeps the HTML's ``techfile-input-hash`` in the PDF information.
            data = laid_out.write_pdf(custom_metadata=True)
    except Exception as e:
        msg = f"WeasyPrint could not lay out the technical file: {type(e).__name__}: {e}"
        raise WriterError(msg) from e
    if not isinstance(data, bytes):  # write_pdf without a target returns the bytes
        msg = "WeasyPrint returned no PDF"
        raise WriterError(msg)
    return data


class PdfWriter:
    """Writes ``technical-file.pdf``."""

    __slots__ = ()
    format = OutputFormat.PDF

    def write(self, document: m.TechnicalFile, out: Path) -> Path:
        """Lay out the HTML rendering as PDF and write it atomically.

        Raises:
            WriterError: WeasyPrint is missing or could not lay out the document.
        """
        path = out / "technical-file.pdf"
        atomic_write_bytes(path, render_pdf(document))
        return path
