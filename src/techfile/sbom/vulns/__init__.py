"""Offline vulnerability matching (OSV) and triage (VEX) for the device's SBOM.

`scan` matches the SBOM's PyPI components against an OSV export read from disk (no network),
following the OSV schema's evaluation rules with PEP 440 versions and PEP 503 names, and
applies the project's triage decisions (`load_vex`). `report_json` is ``techfile vulns
--json``; `cyclonedx_vex` and `openvex` write the decisions as VEX documents; `scan_draft` and
`vex_draft` make evidence (MDR Annex I 17.2, 18.8; MDCG 2019-16 rev.1 §3.7-3.8).
"""

from techfile.sbom.vulns._database import Database, DatabaseInfo, DateSource, load_database
from techfile.sbom.vulns._evidence import scan_draft, scan_summary, vex_draft
from techfile.sbom.vulns._json import report_json, vulns_schema
from techfile.sbom.vulns._match import ECOSYSTEM, Basis, Match, match, normalise_name, parse_version
from techfile.sbom.vulns._osv import (
    Advisory,
    Affected,
    Event,
    EventKind,
    Range,
    Severity,
    parse_advisory,
)
from techfile.sbom.vulns._scan import Finding, ScanReport, Threat, scan
from techfile.sbom.vulns._triage import RESOLVING, Triage, VexDocument, load_vex
from techfile.sbom.vulns._vexdoc import OPENVEX_CONTEXT, cyclonedx_vex, openvex
from techfile.sbom.vulns.errors import OsvInputError, VexInputError

__all__ = [
    "ECOSYSTEM",
    "OPENVEX_CONTEXT",
    "RESOLVING",
    "Advisory",
    "Affected",
    "Basis",
    "Database",
    "DatabaseInfo",
    "DateSource",
    "Event",
    "EventKind",
    "Finding",
    "Match",
    "OsvInputError",
    "Range",
    "ScanReport",
    "Severity",
    "Threat",
    "Triage",
    "VexDocument",
    "VexInputError",
    "cyclonedx_vex",
    "load_database",
    "load_vex",
    "match",
    "normalise_name",
    "openvex",
    "parse_advisory",
    "parse_version",
    "report_json",
    "scan",
    "scan_draft",
    "scan_summary",
    "vex_draft",
    "vulns_schema",
]
