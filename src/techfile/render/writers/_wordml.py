"""The technical file as WordprocessingML, built with python-docx (imported only by `docx`).

python-docx supplies the package, the styles of its default template, the core properties and
the settings; the body is built as WordprocessingML elements directly, because the python-docx
API has no bookmarks, internal hyperlinks, fields or header rows (ECMA-376 Part 1, 17.13.6
bookmarks, 17.16.22 hyperlink, 17.16.18 complex fields, 17.4.49 tblHeader).

Rules: headings use Word's ``Heading 1``..``Heading 6`` styles by section depth, with the
section number in the text; every section and anchored table row carries a bookmark and every
`Link` is a hyperlink to one; a ``TOC`` field opens the document and Word is asked to update
fields on opening; nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt

from techfile.render import _model as m

__all__ = ["bookmark_name", "word_document"]

_FILL = {
    m.Tone.GOOD: "E6F4E6",
    m.Tone.WARN: "FFF3CD",
    m.Tone.BAD: "F8D7DA",
    m.Tone.MUTED: "F4F4F4",
}
"""Row shading per tone: the colours of the HTML rendering."""
_TEXT = {
    m.Tone.GOOD: "155724",
    m.Tone.WARN: "856404",
    m.Tone.BAD: "721C24",
    m.Tone.MUTED: "666666",
}
"""Text colour per tone."""
_HEADER_FILL = "E8E8E8"
_LINK = "0563C1"
_MISSING = "C00000"
_CITATION = "555555"
_TABLE_SIZE = 8.5
_TEXT_WIDTH_TWIPS = 10318  # A4 (210 mm) less 2 x 14 mm margins, at 56.7 twips per mm
_TOC_LEVELS = 3  # as the field's \o "1-3" switch
_BOOKMARK_LENGTH = 40  # Word ignores longer bookmark names
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SETTINGS_AFTER_UPDATE_FIELDS = frozenset(
    qn(f"w:{name}")
    for name in (
        "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
        "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
        "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
        "decimalSymbol", "listSeparator",
    )
)  # fmt: skip
"""Children of ``w:settings`` that follow ``w:updateFields`` (ECMA-376 Part 1, 17.15.1.78)."""


def bookmark_name(anchor: str) -> str:
    """The Word bookmark of an anchor: ASCII letters, digits and ``_``, a letter first, <= 40."""
    name = "".join(c if c.isascii() and c.isalnum() else "_" for c in anchor)
    if not name[:1].isalpha():
        name = f"b_{name}"
    if len(name) > _BOOKMARK_LENGTH:
        name = f"{name[:31]}_{hashlib.sha256(anchor.encode()).hexdigest()[:8]}"
    return name


def _el(tag: str, **attrs: str) -> BaseOxmlElement:
    element: BaseOxmlElement = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _with(parent: BaseOxmlElement, *children: BaseOxmlElement) -> BaseOxmlElement:
    for child in children:
        parent.append(child)
    return parent


def _run(
    text: str, *, bold: bool = False, italic: bool = False, colour: str = "", size: float = 0
) -> BaseOxmlElement:
    """A run; line breaks in the text become ``w:br``."""
    props = _el("w:rPr")  # children in schema order: b, i, color, sz, u
    if bold:
        props.append(_el("w:b"))
    if italic:
        props.append(_el("w:i"))
    if colour:
        props.append(_el("w:color", val=colour))
    if size:
        props.append(_el("w:sz", val=str(round(size * 2))))
    run = _with(_el("w:r"), props) if len(props) else _el("w:r")
    for i, line in enumerate(_NOT_XML.sub("\ufffd", text).split("\n")):
        if i:
            run.append(_el("w:br"))
        t = _el("w:t")
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(t)
    return run


def _hyperlink(text: str, target: str, size: float = 0) -> BaseOxmlElement:
    run = _run(text, colour=_LINK, size=size)
    run[0].append(_el("w:u", val="single"))
    return _with(_el("w:hyperlink", anchor=bookmark_name(target), history="1"), run)


def _field(*parts: BaseOxmlElement) -> BaseOxmlElement:
    return _with(_el("w:r"), *parts)


class _Body:
    """Builds body elements; numbers the bookmarks and knows the template's style ids."""

    def __init__(self, word: WordDocument) -> None:
        self._styles: dict[str, str] = {s.name: s.style_id for s in word.styles}
        self._bookmarks = 0
        self._part = word.part
        self._pictures = 0

    def picture(self, png: bytes, description: str) -> BaseOxmlElement:
        """A run that shows a PNG at its own size (its DPI), described for screen readers.

        python-docx adds the image part and its relationship; the drawing's id is numbered
        here, because the body is built apart from the document, where python-docx looks
        for the ids in use.
        """
        self._pictures += 1
        inline = self._part.new_pic_inline(io.BytesIO(png))
        inline.docPr.set("id", str(self._pictures))
        inline.docPr.set("name", f"Figure {self._pictures}")
        inline.docPr.set("descr", _NOT_XML.sub("", description))
        return _with(_el("w:r"), _with(_el("w:drawing"), inline))

    def style(self, name: str) -> str:
        return self._styles[name]

    def paragraph(
        self,
        *content: BaseOxmlElement,
        style: str = "",
        keep_next: bool = False,
        page_break: bool = False,
        border: str = "",
        indent: int = 0,
    ) -> BaseOxmlElement:
        """A ``w:p``; its properties are appended in schema order (17.3.1.26)."""
        props = _el("w:pPr")
        if style:
            props.append(_el("w:pStyle", val=self.style(style)))
        if keep_next:
            props.append(_el("w:keepNext"))
        if page_break:
            props.append(_el("w:pageBreakBefore"))
        if border:
            left = _el("w:left", val="single", sz="24", space="6", color=border)
            props.append(_with(_el("w:pBdr"), left))
        if indent:
            props.append(_el("w:ind", left=str(indent)))
        paragraph = _with(_el("w:p"), props) if len(props) else _el("w:p")
        return _with(paragraph, *content)

    def bookmarked(self, anchor: str, *content: BaseOxmlElement) -> list[BaseOxmlElement]:
        """The content between a bookmark's start and end."""
        if not anchor:
            return list(content)
        self._bookmarks += 1
        ident = str(self._bookmarks)
        start = _el("w:bookmarkStart", id=ident, name=bookmark_name(anchor))
        return [start, *content, _el("w:bookmarkEnd", id=ident)]

    def cell(self, cell: m.Cell, *, bold: bool = False, colour: str = "") -> BaseOxmlElement:
        if isinstance(cell, m.Link):
            return _hyperlink(cell.text, cell.target, _TABLE_SIZE)
        return _run(cell, bold=bold, colour=colour, size=_TABLE_SIZE)

    def table(self, table: m.Table) -> list[BaseOxmlElement]:
        """Caption, then the table: a repeated bold header row and shaded rows by tone."""
        found: list[BaseOxmlElement] = []
        if table.caption:
            found.append(self.paragraph(_run(table.caption), style="Caption", keep_next=True))
        widths = _column_widths(table)
        tbl = _with(
            _el("w:tbl"),
            _with(
                _el("w:tblPr"),
                _el("w:tblStyle", val=self.style("Table Grid")),
                _el("w:tblW", w="5000", type="pct"),
                _el("w:tblLook", val="04A0", firstRow="1", lastRow="0", noHBand="0", noVBand="1"),
            ),
            _with(_el("w:tblGrid"), *(_el("w:gridCol", w=str(w)) for w in widths)),
        )
        header = [[self.cell(h, bold=True)] for h in table.header]
        tbl.append(self._row(header, widths, [_HEADER_FILL] * len(header), header_row=True))
        anchors = table.row_anchors or ("",) * len(table.rows)
        for at, (row, anchor) in enumerate(zip(table.rows, anchors, strict=True)):
            tones = [table.tone_of(at, column) for column in range(len(row))]
            cells = [
                [self.cell(c, colour=_TEXT[tone] if tone == m.Tone.MUTED else "")]
                for c, tone in zip(row, tones, strict=True)
            ]
            cells[0] = self.bookmarked(anchor, *cells[0])
            tbl.append(self._row(cells, widths, [_FILL.get(tone, "") for tone in tones]))
        found.append(tbl)
        found.append(self.paragraph())  # Word needs a paragraph between adjacent tables
        return found

    def _row(
        self,
        cells: list[list[BaseOxmlElement]],
        widths: list[int],
        fills: list[str],
        *,
        header_row: bool = False,
    ) -> BaseOxmlElement:
        """A ``w:tr`` that is never split across pages; the header row repeats on each page.

        ``fills`` gives each cell's shading (a hex colour, or empty for none).
        """
        row_props = _with(_el("w:trPr"), _el("w:cantSplit"))
        if header_row:
            row_props.append(_el("w:tblHeader"))
        tr = _with(_el("w:tr"), row_props)
        for content, width, fill in zip(cells, widths, fills, strict=True):
            props = _with(_el("w:tcPr"), _el("w:tcW", w=str(width), type="dxa"))
            if fill:
                props.append(_el("w:shd", val="clear", color="auto", fill=fill))
            tr.append(_with(_el("w:tc"), props, self.paragraph(*content)))
        return tr

    def block(self, block: m.Block) -> list[BaseOxmlElement]:
        match block:
            case m.Table():
                return self.table(block)
            case m.Para(text=text, tone=tone):
                return [self.paragraph(_run(text, colour=_TEXT.get(tone, "")))]
            case m.Items(items=items):
                return [
                    self.paragraph(
                        _hyperlink(i.text, i.target) if isinstance(i, m.Link) else _run(i),
                        style="List Bullet",
                    )
                    for i in items
                ]
            case m.Missing(what=what, gap=gap):
                parts = [_run(f"missing: {what}", colour=_MISSING)]
                if gap is not None:
                    parts += [
                        _run(" (see ", colour=_MISSING),
                        _hyperlink(gap.text, gap.target),
                        _run(")", colour=_MISSING),
                    ]
                return [self.paragraph(*parts, border=_MISSING)]
            case m.Figure(caption=caption, description=description, png=png) if png:
                return [
                    self.paragraph(self.picture(png, description or caption), keep_next=True),
                    self.paragraph(_run(f"Figure: {caption}"), style="Caption"),
                ]
            case m.Figure(caption=caption, description=description):
                # No image to show: the caption and the description stand in for the figure.
                text = f"Figure: {caption}" + (f" {description}" if description else "")
                note = " (drawn in the HTML and PDF editions)"
                return [self.paragraph(_run(text + note, italic=True, colour=_CITATION))]

    def section(self, section: m.Section, depth: int) -> list[BaseOxmlElement]:
        """A section's heading (bookmarked), citation, blocks and sub-sections."""
        level = min(depth, 6)
        title = _run(f"{section.number} {section.title}")
        found = [
            self.paragraph(
                *self.bookmarked(section.anchor, title),
                style=f"Heading {level}",
                page_break=depth == 1,
            )
        ]
        if section.citation:
            citation = _run(section.citation, italic=True, colour=_CITATION, size=_TABLE_SIZE)
            found.append(self.paragraph(citation))
        for block in section.blocks:
            found += self.block(block)
        for child in section.children:
            found += self.section(child, depth + 1)
        return found

    def contents(self, document: m.TechnicalFile) -> list[BaseOxmlElement]:
        """The ``TOC`` field, pre-filled with links so that it reads before Word updates it."""
        entries = [
            (depth, s)
            for top in document.sections
            for depth, s in _with_depth(top, 1)
            if depth <= _TOC_LEVELS
        ]
        begin = _field(_el("w:fldChar", fldCharType="begin", dirty="true"))
        instruction = _el("w:instrText")
        instruction.text = ' TOC \\o "1-3" \\h \\z \\u '
        instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        separate = _field(_el("w:fldChar", fldCharType="separate"))
        end = _field(_el("w:fldChar", fldCharType="end"))
        found = [self.paragraph(_run("Contents"), style="TOC Heading")]
        for i, (depth, s) in enumerate(entries):
            parts = [_hyperlink(f"{s.number} {s.title}", s.anchor)]
            if i == 0:
                parts = [begin, _field(instruction), separate, *parts]
            if i == len(entries) - 1:
                parts.append(end)
            found.append(self.paragraph(*parts, indent=240 * (depth - 1)))
        return found


def _with_depth(section: m.Section, depth: int) -> list[tuple[int, m.Section]]:
    found = [(depth, section)]
    for child in section.children:
        found += _with_depth(child, depth + 1)
    return found


def _column_widths(table: m.Table) -> list[int]:
    """Column widths in twips, by the longest text in each column (capped), filling the page."""
    weights = []
    for i, title in enumerate(table.header):
        texts = [title] + [
            c.text if isinstance(c, m.Link) else c for c in (r[i] for r in table.rows)
        ]
        weights.append(min(max(len(t) for t in texts), 60) + 6)
    total = sum(weights)
    return [_TEXT_WIDTH_TWIPS * w // total for w in weights]


def _update_fields_on_open(word: WordDocument) -> None:
    """Ask Word to update the fields (the contents) when it opens the file (17.15.1.90)."""
    settings = word.settings.element
    flag = _el("w:updateFields", val="true")
    for child in settings:
        if child.tag in _SETTINGS_AFTER_UPDATE_FIELDS or not child.tag.startswith(qn("w:")):
            child.addprevious(flag)
            return
    settings.append(flag)


def _front_matter(body: _Body, document: m.TechnicalFile) -> list[BaseOxmlElement]:
    control = document.control
    identity = " · ".join(
        (
            document.manufacturer,
            f"version {control.version}",
            control.date.isoformat(),
            f"document {control.document_id}",
        )
    )
    digest = _run(
        f"Content hash of all inputs: {control.input_hash}",
        colour=_CITATION,
        size=_TABLE_SIZE,
    )
    return [
        body.paragraph(_run(document.title), style="Title"),
        body.paragraph(_run(identity)),
        body.paragraph(_run(document.scope, colour=_CITATION, size=_TABLE_SIZE)),
        body.paragraph(digest),
    ]


def word_document(document: m.TechnicalFile) -> bytes:
    """The technical file as DOCX bytes (zip entries still carry python-docx's timestamps)."""
    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(18)
    section.left_margin = section.right_margin = Mm(14)
    word.styles["Normal"].font.size = Pt(10)
    body = _Body(word)
    elements = _front_matter(body, document) + body.contents(document)
    for top in document.sections:
        elements += body.section(top, 1)
    end = word.element.body.sectPr
    for element in elements:
        end.addprevious(element)
    _update_fields_on_open(word)
    _core_properties(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _core_properties(word: WordDocument, document: m.TechnicalFile) -> None:
    """Title, author, dates and revision from the document control, never from the clock."""
    control = document.control
    moment = dt.datetime.combine(control.date, dt.time(), tzinfo=dt.UTC)
    props = word.core_properties
    props.title = document.title
    props.subject = document.device
    props.author = document.manufacturer
    props.last_modified_by = document.manufacturer
    props.identifier = control.document_id
    props.version = control.version
    props.comments = f"input sha256:{control.input_hash}"
    props.category = "technical documentation"
    props.created = moment
    props.modified = moment
    props.revision = len(control.history) + 1
