"""Writers of the technical file, one module per format.

`writer_for` returns the writer of a format; PDF and DOCX need optional extras, which they
import only when they write, and say how to install when they are missing.
"""

from typing import assert_never

from techfile.render.writers.docx import DocxWriter
from techfile.render.writers.html import HtmlWriter, render_html
from techfile.render.writers.interface import OutputFormat, Writer, WriterError
from techfile.render.writers.pdf import PdfWriter
from techfile.render.writers.xlsx import XlsxWriter

__all__ = [
    "DocxWriter",
    "HtmlWriter",
    "OutputFormat",
    "PdfWriter",
    "Writer",
    "WriterError",
    "render_html",
    "writer_for",
]


def writer_for(output: OutputFormat) -> Writer:
    """The writer of a format; its ``write`` raises `WriterError` when an extra is missing."""
    match output:
        case OutputFormat.HTML:
            return HtmlWriter()
        case OutputFormat.PDF:
            return PdfWriter()
        case OutputFormat.DOCX:
            return DocxWriter()
        case OutputFormat.XLSX:
            return XlsxWriter()
        case _:
            assert_never(output)
