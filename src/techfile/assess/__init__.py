"""The gap analysis: every applicable requirement with its status and the evidence behind it.

`assess` is pure (requirements, applicability, trusted records and a digest function in, a
`GapReport` out); `assess_project` is its edge, reading a project's manifest, key and evidence.
Statuses are a union (`Met`, `Partial`, `Missing`, `Stale`, `NotApplicable`); the report also
lists the untrusted records and the sources outside the device's regime.
"""

from techfile.assess._assess import GapReport, assess
from techfile.assess._json import gaps_schema, requirement_rows, to_json
from techfile.assess._project import ProjectAssessment, assess_project, device_lookup
from techfile.assess._sheets import gaps_csv, trace_rows, write_xlsx
from techfile.assess._status import (
    Assessment,
    EvidenceRef,
    Met,
    Missing,
    NotApplicable,
    Partial,
    Stale,
    Status,
    StatusName,
    status_name,
)

__all__ = [
    "Assessment",
    "EvidenceRef",
    "GapReport",
    "Met",
    "Missing",
    "NotApplicable",
    "Partial",
    "ProjectAssessment",
    "Stale",
    "Status",
    "StatusName",
    "assess",
    "assess_project",
    "device_lookup",
    "gaps_csv",
    "gaps_schema",
    "requirement_rows",
    "status_name",
    "to_json",
    "trace_rows",
    "write_xlsx",
]
