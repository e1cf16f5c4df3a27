"""Tabular forms of the gap report: CSV and XLSX (gaps and the traceability matrix).

The traceability matrix has one row per requirement x evidence record x artefact, so an auditor
can follow any requirement to the bytes that support it and check the SHA-256.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from techfile.assess._assess import GapReport
from techfile.assess._json import RequirementJson, requirement_rows
from techfile.assess._status import StatusName

__all__ = ["GAP_COLUMNS", "TRACE_COLUMNS", "gaps_csv", "trace_rows", "write_xlsx"]

GAP_COLUMNS = ("id", "citation", "title", "status", "justification or reasons", "evidence")
TRACE_COLUMNS = (
    "requirement", "citation", "status", "record", "kind", "outcome", "recorded_at",
    "artefact", "sha256", "via",
)  # fmt: skip
_FILLS = {
    StatusName.MET: "C6EFCE",
    StatusName.PARTIAL: "FFEB9C",
    StatusName.MISSING: "FFC7CE",
    StatusName.STALE: "F4B183",
    StatusName.NOT_APPLICABLE: "D9D9D9",
}


def _gap_row(row: RequirementJson) -> list[str]:
    text = row.justification if row.justification is not None else "; ".join(row.reasons)
    evidence = "; ".join(f"{e.record[:12]} ({e.kind}: {e.summary})" for e in row.evidence)
    return [row.id, row.citation, row.title, row.status.value, text, evidence]


def trace_rows(report: GapReport) -> list[list[str]]:
    """The traceability matrix: requirement -> evidence -> artefact."""
    return [
        [
            row.id, row.citation, row.status.value, e.record, e.kind, e.outcome,
            e.recorded_at.isoformat(), s.name, s.sha256, e.via or "",
        ]
        for row in requirement_rows(report)
        for e in row.evidence
        for s in e.subjects
    ]  # fmt: skip


def gaps_csv(report: GapReport) -> str:
    """The gap report as CSV text (one row per requirement)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(GAP_COLUMNS)
    writer.writerows(_gap_row(r) for r in requirement_rows(report))
    return buffer.getvalue()


def write_xlsx(report: GapReport, path: Path) -> None:
    """Write the gap report and traceability matrix as an XLSX workbook."""
    book = Workbook()
    gaps = book.active
    assert gaps is not None  # noqa: S101  # a new workbook always has a sheet
    gaps.title = "Gaps"
    gaps.append(list(GAP_COLUMNS))
    for row in requirement_rows(report):
        gaps.append(_gap_row(row))
        gaps.cell(gaps.max_row, 4).fill = PatternFill("solid", fgColor=_FILLS[row.status])
    trace = book.create_sheet("Traceability")
    trace.append(list(TRACE_COLUMNS))
    for values in trace_rows(report):
        trace.append(values)
    for sheet, widths in (
        (gaps, (16, 40, 40, 14, 80, 60)),
        (trace, (16, 40, 14, 66, 12, 10, 22, 40, 66, 16)),
    ):
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
