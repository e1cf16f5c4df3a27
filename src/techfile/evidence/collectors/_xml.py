"""Safe XML reading for the XML collectors (JUnit, Cobertura), with line numbers kept.

Every XML artefact goes through `parse_xml`, which parses with defusedxml (entity expansion
and external entities refused: "billion laughs" and XXE) and remembers where each element
starts, so that a bad attribute deep in a 50 000-line report is reported at its line.

Rules enforced: the stdlib parser is never used directly; every parse failure, refused
construct included, becomes an `ArtefactError` naming file, line and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from techfile.errors import Location
from techfile.evidence.collectors._artefact import ArtefactError

__all__ = ["XmlDocument", "parse_xml"]


@dataclass(frozen=True, slots=True)
class XmlDocument:
    """A parsed XML artefact and where each of its elements starts."""

    path: Path
    """The file it was read from."""
    root: Element
    """The document element."""
    starts: Mapping[Element, tuple[int, int]]
    """1-based (line, column) of each element's start tag."""

    def locate(self, element: Element) -> Location:
        """Return the place of ``element``'s start tag (the file alone if unknown)."""
        line, column = self.starts.get(element, (None, None))
        return Location(self.path, line, column)

    def error(self, element: Element, problem: str, **parts: str) -> ArtefactError:
        """Return an error located at ``element`` (``parts``: field, expected, found, hint)."""
        return ArtefactError(self.locate(element), problem, **parts)


class _LocatingBuilder(TreeBuilder):
    """A tree builder that records where expat is when each element starts."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.starts: dict[Element, tuple[int, int]] = {}

    def start(self, tag: str, attrs: dict[str, str], /) -> Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            expat = self.parser.parser
            # expat counts lines from 1 and columns from 0.
            self.starts[element] = (expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)
        return element


def parse_xml(data: bytes, path: Path) -> XmlDocument:
    """Parse an XML artefact, refusing entity tricks, and keep its element positions.

    Raises:
        ArtefactError: The bytes are not well-formed XML, or use entity declarations or
            external references (refused: they are how XML bombs and XXE work).
    """
    builder = _LocatingBuilder()
    parser = DefusedXMLParser(target=builder)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ParseError as e:
        line, offset = e.position
        reason = ErrorString(e.code)
        raise ArtefactError(
            Location(path, line, offset + 1),
            f"invalid XML: {reason}",
            hint="the file may be truncated or not XML; produce it again",
        ) from e
    except DefusedXmlException as e:
        expat = parser.parser
        location = Location(path, expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)
        raise ArtefactError(
            location, f"refused: {_refusal(e)}", hint="evidence reports never need DTD entities"
        ) from e
    if not isinstance(root, Element):  # pragma: no cover  # TreeBuilder always returns one
        raise ArtefactError(Location(path), "no XML document element found")
    return XmlDocument(path, root, builder.starts)


def _refusal(error: DefusedXmlException) -> str:
    # DTDs stay allowed (Cobertura and JaCoCo name theirs); entities are what bombs are made of.
    if isinstance(error, EntitiesForbidden):
        return f"XML entity expansion (entity '{error.name}' declared)"
    return f"XML external reference ({error})"
