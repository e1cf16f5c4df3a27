"""The published JSON form of a classification, and its schema.

``techfile classify --json`` prints `to_json(result)`; ``techfile schema classification`` prints
`classification_schema()`. Both come from one pydantic model, so the output cannot drift from
the schema. Field names are a contract (DESIGN.md): ``class``, ``rule``, ``trace`` ...
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from techfile.classify._facts import DeviceClass, Regulation
from techfile.classify._result import AiActOutcome, Classification, Qualification

__all__ = ["SCHEMA_VERSION", "ClassificationJson", "classification_schema", "to_json"]

SCHEMA_VERSION = "techfile.classification/1"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class TraceStepJson(_Out):
    """One legal step."""

    step: str = Field(description="The legal step taken.")
    finding: str = Field(description="What it found for this device.")
    citation: str = Field(description="The legal source of the step.")


class QuestionJson(_Out):
    """A fact a step needs."""

    field: str = Field(description="The classification fact to supply.")
    question: str = Field(description="What to answer.")
    citation: str = Field(description="The legal test the answer feeds.")


class FiredRuleJson(_Out):
    """A rule that applies."""

    rule: str
    klass: DeviceClass = Field(alias="class")
    citation: str


class DateJson(_Out):
    """A date that concerns the device."""

    id: str
    date: dt.date
    event: str
    citation: str


class FlagJson(_Out):
    """An obligation regardless of class."""

    article: str
    finding: str
    citation: str


class ReportJson(_Out):
    """The periodic post-market report."""

    report: str
    frequency: str
    period_months: int | None
    citation: str


class ClassificationJson(_Out):
    """The result of ``techfile classify --json``."""

    schema_: Literal["techfile.classification/1"] = Field(
        default="techfile.classification/1", alias="schema"
    )
    legal_status_as_of: dt.date = Field(description="The law is reflected up to this date.")
    complete: bool = Field(description="False while questions are open.")
    qualification: Qualification | None
    qualifies_as_medical_device: bool | None = Field(
        description="True when the MDR or IVDR applies; null until the facts decide it."
    )
    regulation: Regulation | None
    klass: DeviceClass | None = Field(alias="class")
    rule: str | None = Field(description='The rule that gave the class, e.g. "11(a)".')
    class_variants: list[str]
    rules_fired: list[FiredRuleJson]
    in_house: bool | None
    notified_body_required: bool | None
    notified_body_scope: str | None
    conformity_routes: list[str]
    conformity_notes: list[str]
    ai_act_outcome: AiActOutcome | None
    ai_act_high_risk: bool | None
    ai_act_conformity_routes: list[str]
    post_market_report: ReportJson | None
    dates: list[DateJson]
    flags: list[FlagJson]
    questions: list[QuestionJson]
    trace: list[TraceStepJson]


def to_json(result: Classification) -> dict[str, Any]:
    """Return the JSON-ready form of a classification."""
    report = result.post_market_report
    model = ClassificationJson(
        legal_status_as_of=result.legal_status_as_of,
        complete=result.complete,
        qualification=result.qualification,
        qualifies_as_medical_device=result.qualifies_as_medical_device,
        regulation=result.regulation,
        klass=result.device_class,
        rule=result.rule,
        class_variants=list(result.class_variants),
        rules_fired=[
            FiredRuleJson(rule=r.rule, klass=r.device_class, citation=r.citation)
            for r in result.rules_fired
        ],
        in_house=result.in_house,
        notified_body_required=result.notified_body_required,
        notified_body_scope=result.notified_body_scope,
        conformity_routes=list(result.conformity_routes),
        conformity_notes=list(result.conformity_notes),
        ai_act_outcome=result.ai_act_outcome,
        ai_act_high_risk=result.ai_act_high_risk,
        ai_act_conformity_routes=list(result.ai_act_conformity_routes),
        post_market_report=ReportJson(
            report=report.report,
            frequency=report.frequency,
            period_months=report.period_months,
            citation=report.citation,
        )
        if report
        else None,
        dates=[
            DateJson(id=d.id, date=d.date, event=d.event, citation=d.citation) for d in result.dates
        ],
        flags=[
            FlagJson(article=f.article, finding=f.finding, citation=f.citation)
            for f in result.flags
        ],
        questions=[
            QuestionJson(field=q.field, question=q.question, citation=q.citation)
            for q in result.questions
        ],
        trace=[
            TraceStepJson(step=t.step, finding=t.finding, citation=t.citation) for t in result.trace
        ],
    )
    return model.model_dump(mode="json", by_alias=True)


def classification_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``techfile classify --json``."""
    schema = ClassificationJson.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_VERSION
    return schema
