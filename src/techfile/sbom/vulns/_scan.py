"""A vulnerability scan: the SBOM's PyPI components against an offline OSV export, triaged.

`scan` reads the export once (indexed by PEP 503 name, `load_database`), matches every
``pkg:pypi`` component of the SBOM against the advisories of its name (`match`), and applies
the project's triage decisions (`load_vex`): a finding whose decision is ``not_affected``,
``false_positive``, ``resolved`` or ``resolved_with_pedigree`` is resolved; every other finding
stays unresolved and is handed to the risk file as a threat (`ScanReport.threats`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cyclonedx.model.impact_analysis import ImpactAnalysisState

from techfile.sbom import SbomDocument
from techfile.sbom.vulns._database import DatabaseInfo, load_database
from techfile.sbom.vulns._match import Basis, match, normalise_name
from techfile.sbom.vulns._osv import Severity
from techfile.sbom.vulns._triage import Triage, VexDocument

__all__ = ["Finding", "ScanReport", "Threat", "scan"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One advisory affecting one component."""

    id: str
    """The advisory's OSV id."""
    aliases: tuple[str, ...]
    """Its other ids (CVE, GHSA)."""
    summary: str
    """One line."""
    severity: Severity
    """The database's qualitative severity."""
    cvss: tuple[str, ...]
    """CVSS vectors."""
    package: str
    """The component's name."""
    version: str
    """The component's version."""
    purl: str
    """The component's package URL."""
    basis: Basis
    """Why it matched (listed version, range, or a range that could not be evaluated)."""
    fixed: tuple[str, ...]
    """Versions that fix it, per the advisory."""
    triage: Triage | None
    """The project's decision, if any."""

    @property
    def resolved(self) -> bool:
        """Whether a triage decision resolves it."""
        return self.triage is not None and self.triage.resolves

    @property
    def exploitable(self) -> bool | None:
        """True if triaged exploitable, False if resolved, None while not assessed."""
        if self.triage is None or self.triage.state is ImpactAnalysisState.IN_TRIAGE:
            return None
        return self.triage.state is ImpactAnalysisState.EXPLOITABLE


@dataclass(frozen=True, slots=True)
class Threat:
    """An unresolved finding as the risk file reads it (a security threat to assess)."""

    id: str
    """Advisory id."""
    package: str
    """Affected component."""
    version: str
    """Its version."""
    severity: Severity
    """Qualitative severity."""
    exploitable: bool | None
    """True if triaged exploitable; None while not yet assessed."""
    aliases: tuple[str, ...]
    """Other ids."""
    summary: str
    """One line."""


@dataclass(frozen=True, slots=True)
class ScanReport:
    """What a scan found and how current its data were."""

    sbom: Path
    """The SBOM scanned."""
    serial_number: str | None
    """Its serial number."""
    components: int
    """Components in the SBOM."""
    scanned: int
    """PyPI components (with a version) matched."""
    database: DatabaseInfo
    """The OSV export read."""
    vex: Path | None
    """The triage file applied."""
    findings: tuple[Finding, ...]
    """Every finding, sorted by package, version and id."""
    skipped_ranges: int
    """Ranges not evaluated offline (``GIT``: needs the repository; unknown types)."""
    unused_triage: tuple[Triage, ...]
    """Triage decisions that match no finding (stale, or for another SBOM)."""

    @property
    def unresolved(self) -> tuple[Finding, ...]:
        """Findings no triage decision resolves."""
        return tuple(f for f in self.findings if not f.resolved)

    def threats(self) -> tuple[Threat, ...]:
        """The unresolved findings, as threats for the security risk analysis."""
        return tuple(
            Threat(f.id, f.package, f.version, f.severity, f.exploitable, f.aliases, f.summary)
            for f in self.unresolved
        )


def _triage(statements: Sequence[Triage], ids: set[str], name: str, version: str) -> Triage | None:
    return next((t for t in statements if t.covers(ids, name, version)), None)


def scan(sbom: SbomDocument, osv_db: Path, vex: VexDocument | None = None) -> ScanReport:
    """Match the SBOM's PyPI components against an offline OSV export.

    Args:
        sbom: The validated SBOM.
        osv_db: ``PyPI/all.zip`` or a folder of OSV JSON records.
        vex: The project's triage decisions, if any.

    Raises:
        OsvInputError: The export is unreadable (located).
    """
    components = sbom.pypi()
    database = load_database(osv_db, {c.name for c in components})
    statements = vex.statements if vex else ()
    findings: list[Finding] = []
    skipped = 0
    used: set[int] = set()
    for component in components:
        key = component.purl.name if component.purl else component.name
        for advisory in database.by_name.get(normalise_name(key), ()):
            verdict = match(advisory, component.name, component.version)
            skipped += len(verdict.skipped)
            if verdict.basis is None:
                continue
            ids = {advisory.id, *advisory.aliases}
            decision = _triage(statements, ids, component.name, component.version)
            if decision is not None:
                used.add(id(decision))
            findings.append(
                Finding(
                    advisory.id,
                    advisory.aliases,
                    advisory.summary,
                    advisory.severity,
                    advisory.cvss,
                    component.name,
                    component.version,
                    component.purl.to_string() if component.purl else component.bom_ref,
                    verdict.basis,
                    verdict.fixed,
                    decision,
                )
            )
    findings.sort(key=lambda f: (f.package.lower(), f.version, f.id))
    return ScanReport(
        sbom=sbom.path,
        serial_number=sbom.serial_number,
        components=len(sbom.components),
        scanned=len(components),
        database=database.info,
        vex=vex.path if vex else None,
        findings=tuple(findings),
        skipped_ranges=skipped,
        unused_triage=tuple(t for t in statements if id(t) not in used),
    )
