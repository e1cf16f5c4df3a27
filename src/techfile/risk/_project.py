"""The risk file of a project on disk: the edge where manifest, risks, ledger and scan are read.

`check_project` loads ``risks.yaml`` next to ``techfile.yaml``, verifies the project's
evidence, takes the vulnerability findings from the newest vulnerability-scan record (or a
file given), and runs the checks. `risk_draft` turns the result into an evidence draft of kind
``risk``: its subjects pin the risk file and every evidence record the controls rely on, so
the risk record goes stale when the file changes or a record it relied on is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from techfile.catalog import EvidenceKind
from techfile.evidence import (
    Draft,
    FolderStore,
    Ledger,
    Outcome,
    Subject,
    changed_subjects,
    file_digest,
    load_public_key,
    read_ledger,
    subject_of,
)
from techfile.project import Manifest, load_manifest
from techfile.risk._check import RiskReport, VulnerabilityScan, check_risks
from techfile.risk._json import report_json
from techfile.risk._library import RiskData, load_risk_data
from techfile.risk._load import RISKS_NAME, load_risks
from techfile.risk._vulns import findings_from_details, load_findings

__all__ = ["ProjectRisks", "check_project", "risk_draft"]


@dataclass(frozen=True, slots=True)
class ProjectRisks:
    """A project's risk file checked against its evidence."""

    manifest: Manifest
    """The project's manifest."""
    ledger: Ledger
    """Its evidence."""
    report: RiskReport
    """The checks' result."""

    @property
    def risk_file_name(self) -> str:
        """The risk file's path relative to the project root."""
        return self.report.file.path.relative_to(self.manifest.root).as_posix()


def _ledger(manifest: Manifest) -> Ledger:
    store = FolderStore(manifest.root / manifest.evidence.folder)
    key_stem = manifest.root / manifest.evidence.key
    keys = [load_public_key(key_stem)] if any(True for _ in store.items()) else []
    return read_ledger(store, keys)


def _scan(
    manifest: Manifest, ledger: Ledger, vulnerabilities: Path | None
) -> VulnerabilityScan | None:
    if vulnerabilities is not None:
        return VulnerabilityScan(str(vulnerabilities), load_findings(vulnerabilities))
    scans = [v for v in ledger.verified if v.record.kind is EvidenceKind.VULNERABILITY_SCAN]
    if not scans:
        return None
    newest = max(scans, key=lambda v: (v.record.recorded_at, v.record.digest))
    record = newest.record
    stale = bool(changed_subjects(newest, file_digest(manifest.root)))
    findings = findings_from_details(record.details, record.digest)
    return VulnerabilityScan(f"record {record.digest[:12]}", findings, stale)


def check_project(
    project: Path, *, vulnerabilities: Path | None = None, data: RiskData | None = None
) -> ProjectRisks:
    """Check a project's ``risks.yaml`` against its evidence.

    Args:
        project: The project folder or its ``techfile.yaml``.
        vulnerabilities: A findings file to use instead of the newest vulnerability scan.
        data: The risk data (the bundled catalog's by default).

    Raises:
        InputError: The manifest, the risk file or the findings are malformed (located).
        EvidenceKeyError: The project's public evidence key cannot be read.
    """
    data = data or load_risk_data()
    manifest = load_manifest(project)
    risk_file = load_risks(manifest.root / RISKS_NAME)
    ledger = _ledger(manifest)
    scan = _scan(manifest, ledger, vulnerabilities)
    report = check_risks(risk_file, ledger.verified, file_digest(manifest.root), data, scan)
    return ProjectRisks(manifest, ledger, report)


def risk_draft(result: ProjectRisks, data: RiskData | None = None) -> Draft:
    """The risk management report summary as an evidence draft of kind ``risk``.

    PASS when every check passed, else FAIL; it links the requirements listed in
    ``catalog/data/risk/risk-management.yaml``.

    Raises:
        EvidenceInputError: The risk file cannot be read.
    """
    data = data or load_risk_data()
    root = result.manifest.root
    report = result.report
    folder = result.manifest.evidence.folder.as_posix().rstrip("/")
    digests = {r.record.digest for rs in report.resolutions.values() for r in rs if r.record}
    if report.scan is not None and report.scan.source.startswith("record "):
        scan = max(
            (
                v.record
                for v in result.ledger.verified
                if v.record.kind is EvidenceKind.VULNERABILITY_SCAN
            ),
            key=lambda r: (r.recorded_at, r.digest),
        )
        digests.add(scan.digest)
    subjects = (
        subject_of(report.file.path, root),
        *(Subject(f"{folder}/{d}.json", d) for d in sorted(digests)),
    )
    details = report_json(report, data, result.risk_file_name)
    counts = details.counts
    summary = (
        f"{counts['hazards']} hazards, {counts['risks']} risks ({counts['initial_unacceptable']}"
        f" unacceptable before, {counts['residual_unacceptable']} after controls),"
        f" {counts['controls']} controls; {counts['findings']} finding(s)"
    )
    return Draft(
        kind=EvidenceKind.RISK,
        subjects=subjects,
        outcome=Outcome.PASS if report.ok else Outcome.FAIL,
        summary=summary,
        details=details.model_dump(mode="json", by_alias=True, exclude={"schema_"}),
        requirement_ids=data.record_requirements,
    )
