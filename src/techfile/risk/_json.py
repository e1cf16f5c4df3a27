"""The risk report as JSON: ``techfile risk check --json`` and a risk record's details.

One pydantic model gives both, so the published schema (``techfile schema risk-check``)
describes the CLI output and the evidence details alike.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from techfile.risk._check import Problem, RiskReport
from techfile.risk._file import Evaluation
from techfile.risk._library import RiskData
from techfile.risk._model import RiskFileModel

__all__ = ["RiskReportJson", "report_json", "risk_check_schema", "risks_schema"]

SCHEMA_ID = "techfile.risk-check/1"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProblemJson(_Out):
    """A finding or a note."""

    check: str
    item: str
    message: str


class EvaluationJson(_Out):
    """A risk's levels and region."""

    severity: str
    probability: str
    region: str


class RiskJson(_Out):
    """One risk before and after its controls."""

    id: str
    title: str
    hazard: str
    situation: str
    harm: str
    initial: EvaluationJson
    residual: EvaluationJson
    controls: list[str]
    benefit_risk: str | None


class EvidenceJson(_Out):
    """One evidence reference of a control and what it found."""

    reference: str
    state: str = Field(description="verified, missing, stale or failed")
    record: str | None
    detail: str


class ControlJson(_Out):
    """A control, its type and its verification."""

    id: str
    title: str
    type: str
    requirements: list[str]
    evidence: list[EvidenceJson]


class AiHazardJson(_Out):
    """How a library AI hazard is handled."""

    id: str
    title: str
    status: str = Field(description="addressed, not_applicable or open")
    hazards: list[str]
    justification: str | None


class OverallJson(_Out):
    """The overall residual-risk evaluation."""

    acceptable: bool
    justification: str


class RiskReportJson(_Out):
    """The whole report."""

    schema_: str = Field(SCHEMA_ID, alias="schema")
    ok: bool
    risk_file: str
    counts: dict[str, int]
    severity_levels: list[str]
    probability_levels: list[str]
    acceptability: dict[str, dict[str, str]] = Field(
        description="The policy's region of each cell of the risk matrix, by severity level"
        " then probability level: acceptable or unacceptable (ISO 14971:2019 4.2)"
    )
    risks: list[RiskJson]
    controls: list[ControlJson]
    ai_hazards: list[AiHazardJson]
    overall_residual: OverallJson
    vulnerability_source: str | None
    findings: list[ProblemJson]
    notes: list[ProblemJson]


def _evaluation(e: Evaluation) -> EvaluationJson:
    return EvaluationJson(severity=e.severity, probability=e.probability, region=e.region.value)


def _problem(p: Problem) -> ProblemJson:
    return ProblemJson(check=p.check.value, item=p.item, message=p.message)


def report_json(report: RiskReport, data: RiskData, risk_file_name: str) -> RiskReportJson:
    """The report as its JSON model (``risk_file_name``: the file as named in the project)."""
    rf = report.file
    model = rf.model
    risks = [
        RiskJson(
            id=r.id,
            title=r.title,
            hazard=rf.situations[r.situation].hazard,
            situation=r.situation,
            harm=r.harm,
            initial=_evaluation(rf.initial(r)),
            residual=_evaluation(rf.residual(r)),
            controls=list(r.controls),
            benefit_risk=r.benefit_risk,
        )
        for r in model.risks
    ]
    controls = [
        ControlJson(
            id=c.id,
            title=c.title,
            type=c.type.value,
            requirements=list(c.requirements),
            evidence=[
                EvidenceJson(
                    reference=_reference(res.ref.model_dump(exclude_none=True)),
                    state=res.state.value,
                    record=res.record.digest if res.record else None,
                    detail=res.detail,
                )
                for res in report.resolutions[c.id]
            ],
        )
        for c in model.controls
    ]
    return RiskReportJson(
        ok=report.ok,
        risk_file=risk_file_name,
        counts=_counts(report),
        severity_levels=list(rf.severity_levels),
        probability_levels=list(rf.probability_levels),
        acceptability={
            severity: {probability: region.value for probability, region in row.items()}
            for severity, row in model.policy.acceptability.items()
        },
        risks=risks,
        controls=controls,
        ai_hazards=_ai_hazards(report, data),
        overall_residual=OverallJson(**model.overall_residual.model_dump()),
        vulnerability_source=report.scan.source if report.scan else None,
        findings=[_problem(p) for p in report.findings],
        notes=[_problem(p) for p in report.notes],
    )


def _reference(ref: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in ref.items())


def _counts(report: RiskReport) -> dict[str, int]:
    rf = report.file
    model = rf.model
    initial = [rf.initial(r).region.value for r in model.risks]
    residual = [rf.residual(r).region.value for r in model.risks]
    scan = report.scan.findings if report.scan else ()
    return {
        "hazards": len(model.hazards),
        "hazardous_situations": len(model.situations),
        "harms": len(model.harms),
        "risks": len(model.risks),
        "controls": len(model.controls),
        "assets": len(model.security.assets),
        "data_flows": len(model.security.data_flows),
        "threats": len(model.security.threats),
        "vulnerabilities": len(scan),
        "exploitable_vulnerabilities": sum(f.counts_as_exploitable for f in scan),
        "initial_unacceptable": initial.count("unacceptable"),
        "residual_unacceptable": residual.count("unacceptable"),
        "residual_benefit_risk_justified": sum(
            1
            for r in model.risks
            if rf.residual(r).region.value == "unacceptable" and r.benefit_risk
        ),
        "findings": len(report.findings),
        "notes": len(report.notes),
    }


def _ai_hazards(report: RiskReport, data: RiskData) -> list[AiHazardJson]:
    model = report.file.model
    out: list[AiHazardJson] = []
    for library in data.hazards:
        hazards = [h.id for h in model.hazards if library.id in h.ai_hazards]
        justification = model.ai_hazards_not_applicable.get(library.id)
        status = "addressed" if hazards else "not_applicable" if justification else "open"
        out.append(
            AiHazardJson(
                id=library.id,
                title=library.title,
                status=status,
                hazards=hazards,
                justification=justification,
            )
        )
    return out


def _with_meta(schema: dict[str, Any], title: str, schema_id: str) -> dict[str, Any]:
    schema["title"] = title
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = schema_id
    return schema


def risk_check_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile risk check --json``."""
    schema = RiskReportJson.model_json_schema(by_alias=True, mode="serialization")
    return _with_meta(schema, "techfile risk check report", SCHEMA_ID)


def risks_schema() -> dict[str, Any]:
    """The JSON Schema of ``risks.yaml``."""
    schema = RiskFileModel.model_json_schema()
    return _with_meta(schema, "techfile risk file (risks.yaml)", "techfile.risks/1")
