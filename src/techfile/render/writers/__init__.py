"""Writers of the technical file, one module per format.

`writer_for` returns the writer of a format; PDF and DOCX need optional extras and say so.
"""

from techfile.render.writers.html import HtmlWriter, render_html
from techfile.render.writers.interface import OutputFormat, Writer, WriterError

__all__ = ["HtmlWriter", "OutputFormat", "Writer", "WriterError", "render_html", "writer_for"]


def writer_for(output: OutputFormat) -> Writer:
    """The writer of a format.

    Raises:
        WriterError: No writer for that format is available.
    """
    match output:
        case OutputFormat.HTML:
            return HtmlWriter()
        case _:
            msg = f"no writer for {output} yet"
            raise WriterError(msg)
