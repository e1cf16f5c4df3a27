"""Scans and triage decisions as evidence: records of kind ``vulnerability_scan`` and ``vex``.

A scan record pins the SBOM, the OSV export (when it is one file) and the triage file; its
details are the published scan JSON (``techfile schema vulns``), whose ``threats`` list is what
the risk file reads. Its outcome is FAIL while a finding is unresolved, PASS otherwise: MDCG
2019-16 rev.1 §3.7-3.8 asks that known vulnerabilities be assessed and handled before release.

A VEX record pins ``vex.yaml``; its details list the decisions. Its outcome is INFO: a
decision states, it does not check.
"""

from __future__ import annotations

from collections import Counter

from techfile.catalog import EvidenceKind
from techfile.evidence import Draft, Outcome, Subject
from techfile.sbom.vulns._json import report_json
from techfile.sbom.vulns._scan import ScanReport
from techfile.sbom.vulns._triage import VexDocument

__all__ = ["scan_draft", "scan_summary", "vex_draft"]


def scan_summary(report: ScanReport) -> str:
    """One line: findings, unresolved, and the database's date."""
    db = report.database
    date = db.date.date().isoformat() if db.date else "unknown"
    return (
        f"{report.scanned} PyPI components against {db.records} OSV records (data of {date}): "
        f"{len(report.findings)} finding(s), {len(report.unresolved)} unresolved"
    )


def scan_draft(report: ScanReport, subjects: tuple[Subject, ...]) -> Draft:
    """The evidence draft of a scan; ``subjects`` pin the SBOM, export and triage file."""
    return Draft(
        kind=EvidenceKind.VULNERABILITY_SCAN,
        subjects=subjects,
        outcome=Outcome.FAIL if report.unresolved else Outcome.PASS,
        summary=scan_summary(report),
        details=report_json(report),
    )


def vex_draft(vex: VexDocument, subject: Subject) -> Draft:
    """The evidence draft of the project's triage decisions."""
    states = Counter(t.state.value for t in vex.statements)
    counts = ", ".join(f"{n} {s}" for s, n in sorted(states.items())) or "none"
    return Draft(
        kind=EvidenceKind.VEX,
        subjects=(subject,),
        outcome=Outcome.INFO,
        summary=f"{len(vex.statements)} triage decision(s): {counts}",
        details={
            "author": vex.author,
            "statements": [
                {
                    "id": t.id,
                    "purl": t.purl,
                    "state": t.state.value,
                    "justification": t.justification.value if t.justification else None,
                    "response": [r.value for r in t.responses],
                    "detail": t.detail,
                }
                for t in vex.statements
            ],
        },
    )
