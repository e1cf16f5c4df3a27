"""The published JSON of ``techfile gaps --json`` and its schema, from one pydantic model."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from techfile.assess._assess import GapReport
from techfile.assess._project import ProjectAssessment
from techfile.assess._status import (
    EvidenceRef,
    Met,
    Missing,
    NotApplicable,
    Partial,
    Stale,
    StatusName,
    status_name,
)

__all__ = ["GapsJson", "gaps_schema", "to_json"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class SubjectJson(_Out):
    """An artefact pinned by digest."""

    name: str
    sha256: str


class EvidenceJson(_Out):
    """A record supporting a requirement."""

    record: str = Field(description="SHA-256 of the evidence envelope (its file name).")
    kind: str
    summary: str
    outcome: str
    recorded_at: dt.datetime
    subjects: list[SubjectJson]
    via: str | None = Field(description="Equivalent requirement it was linked to, if not this.")
    stale: list[str] = Field(description="Artefacts changed since recording.")
    suspect: bool = Field(description="The requirement changed since the link was made.")


class RequirementJson(_Out):
    """One requirement and its status."""

    id: str
    citation: str
    title: str
    source: str
    status: StatusName
    justification: str | None = Field(description="Why not applicable (only then).")
    reasons: list[str] = Field(description="What is lacking (partial, missing, stale).")
    evidence: list[EvidenceJson]
    assumed: list[str] = Field(description="Facts not stated; applicability assumed.")


class ExcludedJson(_Out):
    """A source outside the device's regime."""

    source: str
    reason: str


class RejectedJson(_Out):
    """An untrusted evidence record."""

    record: str
    reason: str


class ClassificationSummaryJson(_Out):
    """The classification the applicability rests on."""

    regulation: str | None
    klass: str | None = Field(alias="class")
    ai_act_high_risk: bool | None
    complete: bool


class GapsJson(_Out):
    """The result of ``techfile gaps --json``."""

    schema_: Literal["techfile.gaps/1"] = Field(default="techfile.gaps/1", alias="schema")
    device: str | None
    as_of: dt.datetime | None = Field(description="Newest evidence timestamp.")
    classification: ClassificationSummaryJson
    summary: dict[StatusName, int]
    has_gaps: bool
    requirements: list[RequirementJson]
    excluded_sources: list[ExcludedJson]
    rejected_records: list[RejectedJson]


def _evidence(ref: EvidenceRef) -> EvidenceJson:
    return EvidenceJson(
        record=ref.record,
        kind=ref.kind.value,
        summary=ref.summary,
        outcome=ref.outcome.value,
        recorded_at=ref.recorded_at,
        subjects=[SubjectJson(name=s.name, sha256=s.sha256) for s in ref.subjects],
        via=ref.via,
        stale=list(ref.stale),
        suspect=ref.suspect,
    )


def requirement_rows(report: GapReport) -> list[RequirementJson]:
    """One row per requirement (shared by JSON, CSV and XLSX)."""
    rows: list[RequirementJson] = []
    for a in report.assessments:
        status = a.status
        evidence: tuple[EvidenceRef, ...] = ()
        reasons: tuple[str, ...] = ()
        justification = None
        match status:
            case Met():
                evidence = status.evidence
                reasons = (status.note,) if status.note else ()
            case Partial():
                evidence, reasons = status.evidence, status.reasons
            case Missing():
                reasons = status.reasons
            case Stale():
                evidence = status.evidence
                reasons = tuple(f"artefact changed since recording: {n}" for n in status.changed)
            case NotApplicable():
                justification = status.justification
        rows.append(
            RequirementJson(
                id=a.requirement.id,
                citation=a.requirement.citation,
                title=a.requirement.title,
                source=a.requirement.source_id,
                status=status_name(status),
                justification=justification,
                reasons=list(reasons),
                evidence=[_evidence(e) for e in evidence],
                assumed=list(a.assumed),
            )
        )
    return rows


def to_json(result: ProjectAssessment) -> dict[str, Any]:
    """Return the JSON-ready gap report of a project."""
    report = result.report
    device = result.manifest.device
    model = GapsJson(
        device=device.name if device else None,
        as_of=report.as_of,
        classification=ClassificationSummaryJson(
            regulation=result.classification.regulation,
            klass=result.classification.device_class,
            ai_act_high_risk=result.classification.ai_act_high_risk,
            complete=result.classification.complete,
        ),
        summary=report.counts(),
        has_gaps=report.has_gaps,
        requirements=requirement_rows(report),
        excluded_sources=[
            ExcludedJson(source=e.source_id, reason=e.reason) for e in report.excluded
        ],
        rejected_records=[RejectedJson(record=r.name, reason=r.reason) for r in report.rejected],
    )
    return model.model_dump(mode="json", by_alias=True)


def gaps_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``techfile gaps --json``."""
    schema = GapsJson.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "techfile.gaps/1"
    return schema
