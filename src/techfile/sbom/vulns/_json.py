"""The published JSON of a scan (``techfile vulns --json``, ``techfile schema vulns``).

The same document is the ``details`` of the ``vulnerability_scan`` evidence record, and the
contract with the risk file: ``findings`` lists every finding with ``id``, ``package``,
``version``, ``severity``, ``exploitable`` (true when triaged exploitable, false when triaged
not affected, false positive or resolved, null while not assessed) and ``aliases``; ``threats``
is the unresolved subset in the same shape, with ``summary``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from techfile.sbom.vulns._scan import Finding, ScanReport
from techfile.sbom.vulns._triage import Triage

__all__ = ["ScanJson", "report_json", "vulns_schema"]

SCHEMA_ID = "https://techfile.dev/schemas/vulns/v1"


class _Json(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TriageJson(_Json):
    """A triage decision (CycloneDX impact analysis)."""

    id: str
    purl: str
    state: str = Field(description="CycloneDX analysis state.")
    justification: str | None
    response: list[str]
    detail: str | None


class FindingJson(_Json):
    """One advisory affecting one component."""

    id: str
    aliases: list[str]
    summary: str
    severity: Literal["critical", "high", "moderate", "low", "unknown"]
    cvss: list[str]
    package: str
    version: str
    purl: str
    basis: Literal["versions", "range", "unevaluated"] = Field(
        description="versions: listed; range: inside a range; unevaluated: possibly affected."
    )
    fixed_in: list[str]
    resolved: bool
    exploitable: bool | None = Field(
        description="True: triaged exploitable; false: triaged not affected, false positive or "
        "resolved; null: not assessed (no decision, or in triage)."
    )
    triage: TriageJson | None


class ThreatJson(_Json):
    """An unresolved finding, for the security risk analysis."""

    id: str
    package: str
    version: str
    severity: Literal["critical", "high", "moderate", "low", "unknown"]
    exploitable: bool | None = Field(description="True: triaged exploitable; null: not assessed.")
    aliases: list[str]
    summary: str


class DatabaseJson(_Json):
    """The OSV export read."""

    path: str
    records: int
    parsed: int = Field(description="Records decoded in full (those naming an SBOM package).")
    withdrawn: int
    date: str | None = Field(description="How current the data are (UTC, RFC 3339).")
    date_source: Literal["newest_modified", "file_mtime"]


class ScanJson(_Json):
    """``techfile vulns --json``."""

    schema_: str = Field(default=SCHEMA_ID, alias="$schema")
    sbom: str
    serial_number: str | None
    components: int
    scanned: int
    database: DatabaseJson
    vex: str | None
    findings: list[FindingJson]
    unresolved: int
    threats: list[ThreatJson]
    skipped_ranges: int = Field(description="GIT (and unknown) ranges not evaluated offline.")
    unused_triage: list[TriageJson]


def _triage(t: Triage) -> TriageJson:
    return TriageJson(
        id=t.id,
        purl=t.purl,
        state=t.state.value,
        justification=t.justification.value if t.justification else None,
        response=[r.value for r in t.responses],
        detail=t.detail,
    )


def _finding(f: Finding) -> FindingJson:
    return FindingJson(
        id=f.id,
        aliases=list(f.aliases),
        summary=f.summary,
        severity=f.severity.value,
        cvss=list(f.cvss),
        package=f.package,
        version=f.version,
        purl=f.purl,
        basis=f.basis.value,
        fixed_in=list(f.fixed),
        resolved=f.resolved,
        exploitable=f.exploitable,
        triage=_triage(f.triage) if f.triage else None,
    )


def report_json(report: ScanReport) -> dict[str, Any]:
    """The published JSON of a scan."""
    db = report.database
    document = ScanJson(
        sbom=report.sbom.as_posix(),
        serial_number=report.serial_number,
        components=report.components,
        scanned=report.scanned,
        database=DatabaseJson(
            path=db.path.as_posix(),
            records=db.records,
            parsed=db.parsed,
            withdrawn=db.withdrawn,
            date=db.date.isoformat().replace("+00:00", "Z") if db.date else None,
            date_source=db.date_source.value,
        ),
        vex=report.vex.as_posix() if report.vex else None,
        findings=[_finding(f) for f in report.findings],
        unresolved=len(report.unresolved),
        threats=[
            ThreatJson(
                id=t.id,
                package=t.package,
                version=t.version,
                severity=t.severity.value,
                exploitable=t.exploitable,
                aliases=list(t.aliases),
                summary=t.summary,
            )
            for t in report.threats()
        ],
        skipped_ranges=report.skipped_ranges,
        unused_triage=[_triage(t) for t in report.unused_triage],
    )
    return document.model_dump(mode="json", by_alias=True)


def vulns_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile vulns --json``."""
    schema = ScanJson.model_json_schema(by_alias=True)
    return schema | {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID}
