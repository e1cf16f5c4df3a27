"""The risk file as an XLSX workbook, for reviewers who work in spreadsheets.

One sheet per part of the file (policy, risks, controls, threats, AI hazards, check results),
built from the same report as ``--json``. The bytes depend on the report only: fixed core
properties, and the zip re-written with sorted entries and one fixed timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from techfile.risk._json import EvidenceJson, RiskReportJson

__all__ = ["risk_xlsx"]

_WHEN = dt.datetime(2000, 1, 1)  # noqa: DTZ001  # a fixed stamp: the workbook carries no date
_FILL = {"acceptable": "C8E6C9", "unacceptable": "FFCDD2"}
_NO_EVIDENCE = EvidenceJson(
    reference="(none)", state="missing", record=None, detail="verified_by is empty"
)


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: list[list[str]]) -> Worksheet:
    sheet: Worksheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(header, start=1):
        longest = max([len(name), *(len(r[index - 1]) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, 8) + 2, 70)
    sheet.freeze_panes = "A2"
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"  # text stays text, never a formula
            if isinstance(cell.value, str) and cell.value in _FILL:
                cell.fill = PatternFill("solid", fgColor=_FILL[cell.value])
    return sheet


def risk_xlsx(report: RiskReportJson) -> bytes:
    """The report as XLSX bytes, identical for identical reports."""
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    _sheet(
        book,
        "Risks",
        (
            "id",
            "title",
            "hazard",
            "situation",
            "harm",
            "initial severity",
            "initial probability",
            "initial",
            "controls",
            "residual severity",
            "residual probability",
            "residual",
            "benefit-risk justification",
        ),
        [
            [
                r.id,
                r.title,
                r.hazard,
                r.situation,
                r.harm,
                r.initial.severity,
                r.initial.probability,
                r.initial.region,
                ", ".join(r.controls),
                r.residual.severity,
                r.residual.probability,
                r.residual.region,
                r.benefit_risk or "",
            ]
            for r in report.risks
        ],
    )
    _sheet(
        book,
        "Controls",
        ("id", "title", "type", "requirements", "evidence", "state", "detail"),
        [
            [c.id, c.title, c.type, ", ".join(c.requirements), e.reference, e.state, e.detail]
            for c in report.controls
            for e in c.evidence or [_NO_EVIDENCE]
        ],
    )
    _sheet(
        book,
        "AI hazards",
        ("id", "title", "status", "hazards", "justification"),
        [
            [a.id, a.title, a.status, ", ".join(a.hazards), a.justification or ""]
            for a in report.ai_hazards
        ],
    )
    _sheet(
        book,
        "Checks",
        ("kind", "check", "item", "message"),
        [["finding", p.check, p.item, p.message] for p in report.findings]
        + [["note", p.check, p.item, p.message] for p in report.notes],
    )
    _sheet(
        book,
        "Summary",
        ("measure", "value"),
        [[k, str(v)] for k, v in sorted(report.counts.items())]
        + [
            ["overall residual acceptable", "yes" if report.overall_residual.acceptable else "no"],
            ["overall residual justification", report.overall_residual.justification],
        ],
    )
    properties = book.properties
    properties.creator = "techfile"
    properties.title = f"Risk management file ({report.risk_file})"
    properties.created = _WHEN
    properties.modified = _WHEN
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save() stamps the modification time with the clock.
    with ZipFile(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _sorted_zip(buffer.getvalue())


def _sorted_zip(data: bytes) -> bytes:
    stamp = (_WHEN.year, _WHEN.month, _WHEN.day, 0, 0, 0)
    out = io.BytesIO()
    with ZipFile(io.BytesIO(data)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for name in sorted(source.namelist()):
            info = ZipInfo(name, stamp)
            info.compress_type = ZIP_DEFLATED
            info.create_system = 0  # otherwise the host's OS is written into every entry
            info.external_attr = 0
            target.writestr(info, source.read(name))
    return out.getvalue()
