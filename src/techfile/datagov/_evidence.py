"""The profile as evidence: a signed record of kind ``datagov`` for the technical file.

The record's subject is the table itself, pinned by SHA-256, so the evidence goes stale as
soon as the data change. Its details are the published report (``techfile schema datagov``).
Its outcome is FAIL when the profile has findings, PASS otherwise.

It links only what the profile examined, each with its own outcome (STYLE C5):

* the requirements of every check that ran (data file, ``checks``): FAIL if a finding leaves
  the requirement open (data file, ``findings``), PASS otherwise;
* the Art 10(2) point documented by each answered datasheet heading: INFO (a statement, not
  a check), unless a check already links it;
* Annex IV 2(d) (datasheets): INFO when every heading is answered, FAIL while some are gaps.

Unanswered headings link nothing, so their Art 10(2) points stay missing in ``techfile gaps``.
The parent AIA.10 and AIA.10.2 are never linked directly: their status follows their points.
"""

from __future__ import annotations

from techfile.catalog import EvidenceKind
from techfile.datagov._json import report_json
from techfile.datagov._report import DatagovReport
from techfile.datagov._rules import Rules, load_rules
from techfile.errors import InputError
from techfile.evidence import Draft, Outcome, Subject

__all__ = ["evidence_draft", "requirement_outcomes", "summary_line"]


def requirement_outcomes(report: DatagovReport, rules: Rules | None = None) -> dict[str, Outcome]:
    """The requirements the profile gives evidence for, each with its outcome."""
    rules = rules or load_rules()
    open_points = {r for f in report.findings for r in f.requirements}
    outcomes: dict[str, Outcome] = {}
    for run in report.checks:
        if run.ran:
            for requirement in run.requirements:
                failed = requirement in open_points
                if failed or requirement not in outcomes:
                    outcomes[requirement] = Outcome.FAIL if failed else Outcome.PASS
    sheet = report.datasheet
    for entry in sheet.entries:
        if entry.answer is not None:
            for requirement in entry.requirements:
                outcomes.setdefault(requirement, Outcome.INFO)
    outcomes[sheet.requirement] = Outcome.FAIL if sheet.gaps else Outcome.INFO
    return dict(sorted(outcomes.items()))


def summary_line(report: DatagovReport) -> str:
    """One line for people: the table, its size, the findings and the datasheet gaps."""
    counts = report.severity_counts()
    found = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    findings = f"{len(report.findings)} finding(s) ({found})" if report.findings else "no findings"
    sheet = report.datasheet
    gaps = f"{len(sheet.gaps)} of {len(sheet.entries)} datasheet headings unanswered"
    return f"{report.table.path}: {report.table.rows} rows; {findings}; {gaps}"


def evidence_draft(report: DatagovReport, subject: Subject, rules: Rules | None = None) -> Draft:
    """The evidence draft of a profile.

    Args:
        report: The profile.
        subject: The profiled table, pinned by digest (named relative to the project root).
        rules: The rules the profile was made with (default: the packaged data file).

    Raises:
        InputError: The subject's digest is not that of the profiled bytes (the file changed
            while it was being profiled).
    """
    if subject.sha256 != report.table.sha256:
        msg = f"{subject.name}: the table changed while it was being profiled; profile it again"
        raise InputError(msg)
    outcomes = requirement_outcomes(report, rules)
    return Draft(
        kind=EvidenceKind.DATAGOV,
        subjects=(subject,),
        outcome=Outcome.FAIL if report.has_findings else Outcome.PASS,
        summary=summary_line(report),
        details=report_json(report),
        requirement_ids=tuple(outcomes),
        requirement_outcomes=outcomes,
    )
