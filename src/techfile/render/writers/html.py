"""HTML: one self-contained file (inline CSS, no external resources) with a linked contents list.

The same HTML, with its print styles, is what the PDF writer lays out.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
import markupsafe

from techfile.project import atomic_write_text
from techfile.render import _model as m
from techfile.render.writers.interface import OutputFormat

__all__ = ["HtmlWriter", "render_html"]


def _printable(value: object) -> object:
    """Control characters (other than tab and newline) become U+FFFD, as in the DOCX."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return "".join(c if c.isprintable() or c in "\t\n" else "\ufffd" for c in value)
    return value


def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: (resources.files("techfile.render") / "templates" / name).read_text(
            encoding="utf-8"
        )
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.finalize = _printable
    env.tests["link"] = lambda cell: isinstance(cell, m.Link)
    env.tests["table"] = lambda block: isinstance(block, m.Table)
    env.tests["para"] = lambda block: isinstance(block, m.Para)
    env.tests["items"] = lambda block: isinstance(block, m.Items)
    env.tests["missing"] = lambda block: isinstance(block, m.Missing)
    env.tests["figure"] = lambda block: isinstance(block, m.Figure)
    # A figure's SVG is drawn by techfile; matplotlib escapes every text it writes into it.
    env.filters["svg"] = lambda figure: markupsafe.Markup(figure.svg)  # noqa: S704  # see above
    return env


def render_html(document: m.TechnicalFile) -> str:
    """The technical file as one HTML page."""
    template = _environment().get_template("technical-file.html.j2")
    return template.render(doc=document, sections=document.sections)


class HtmlWriter:
    """Writes ``technical-file.html``."""

    __slots__ = ()
    format = OutputFormat.HTML

    def write(self, document: m.TechnicalFile, out: Path) -> Path:
        """Write the HTML file atomically."""
        path = out / "technical-file.html"
        atomic_write_text(path, render_html(document))
        return path
