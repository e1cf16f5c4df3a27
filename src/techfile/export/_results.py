"""The gap analysis as OSCAL assessment results, built with compliance-trestle's models.

Mapping:

- one result, dated by the assessment (`assessment_date`), reviewing every assessed control;
- one finding per assessed requirement, whose target is the control's statement part
  (``statement-id`` ``<control>_smt``): state ``satisfied`` for Met and ``not-satisfied``
  otherwise (reason ``pass``, ``fail``, or ``other`` for not applicable, which also sets the
  implementation status ``not-applicable``); the techfile status name is the ``status``
  property and the reasons, evidence or justification the description;
- one observation per trusted evidence record (its digest names it), related to the findings
  it supports; its subjects are the pinned artefacts, each a back-matter resource with the
  artefact's path and SHA-256;
- ``import-ap`` points at a back-matter placeholder: techfile writes no assessment plan, the
  controls assessed being those of the profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_never

from trestle.oscal.assessment_results import AssessmentResults, ImportAp, Result
from trestle.oscal.common import (
    BackMatter,
    ControlSelections,
    Finding,
    FindingTarget,
    FindingTargetTypeValidValues,
    Hash,
    ImplementationStatus,
    Methods,
    ObjectiveStatus,
    ObjectiveStatusStateValidValues,
    Observation,
    Reason,
    RelatedObservation,
    RelevantEvidence,
    Resource,
    ReviewedControls,
    Rlink,
    SelectControlById,
    SubjectReference,
    SubjectReferenceValidValues,
)

from techfile.assess import (
    Assessment,
    Met,
    Missing,
    NotApplicable,
    Partial,
    ProjectAssessment,
    Stale,
    Status,
    status_name,
)
from techfile.catalog import Catalog, EvidenceKind
from techfile.evidence import Subject, Verified
from techfile.export._document import (
    PLACEHOLDER,
    assessment_date,
    content_uuid,
    device_label,
    device_props,
    device_version,
    metadata,
    techfile_prop,
)
from techfile.export._identity import control_ids, one_line, stable_uuid, statement_id
from techfile.export.errors import ExportError

__all__ = ["build_assessment_results"]

_TESTED = frozenset(
    {
        EvidenceKind.JUNIT,
        EvidenceKind.COVERAGE,
        EvidenceKind.SARIF,
        EvidenceKind.VULNERABILITY_SCAN,
        EvidenceKind.EVALUATION,
    }
)
"""Kinds that record an automated check (OSCAL method TEST); the others are EXAMINE."""


def build_assessment_results(result: ProjectAssessment, catalog: Catalog) -> AssessmentResults:
    """Return the gap analysis as OSCAL assessment results (deterministic: same inputs, same model).

    Raises:
        ExportError: No requirement was assessed (OSCAL needs one reviewed control).
    """
    report = result.report
    if not report.assessments:
        msg = "no requirement was assessed, so there are no assessment results to export"
        raise ExportError(msg)
    ids = control_ids(catalog.requirements)
    label = device_label(result)
    when = assessment_date(result, catalog)
    records = sorted(result.ledger.verified, key=lambda v: v.record.digest)
    artefacts = {s: _artefact(s) for v in records for s in v.record.subjects}
    folder = result.manifest.evidence.folder.as_posix()
    observations = [_observation(v, artefacts, folder) for v in records]
    observed = {v.record.digest: o.uuid for v, o in zip(records, observations, strict=True)}
    plan = Resource(
        uuid=stable_uuid(label, "assessment-plan"),
        title="Assessment plan (placeholder)",
        description=(
            "techfile writes no OSCAL assessment plan: the controls assessed are those the "
            "profile (profile.json) includes, each against the project's signed evidence."
        ),
    )
    selection = [SelectControlById(control_id=ids[a.requirement.id]) for a in report.assessments]
    outcome = Result(
        uuid=stable_uuid(label, "result", when.isoformat()),
        title=f"techfile gap analysis of {label}",
        description=(
            f"Every requirement in the device's regime ({len(report.assessments)}) with its "
            "status, from the signed evidence in the project."
        ),
        start=when,
        end=when,
        reviewed_controls=ReviewedControls(
            control_selections=[ControlSelections(include_controls=selection)]
        ),
        observations=observations or None,
        findings=[_finding(a, ids[a.requirement.id], observed, label) for a in report.assessments],
        remarks=_untrusted(result),
    )
    document = AssessmentResults(
        uuid=PLACEHOLDER,
        metadata=metadata(
            title=f"{label}: gap analysis",
            last_modified=when,
            version=device_version(result),
            props=device_props(result),
        ),
        import_ap=ImportAp(href=f"#{plan.uuid}", remarks=plan.description),
        results=[outcome],
        back_matter=BackMatter(resources=[plan, *artefacts.values()]),
    )
    document.uuid = content_uuid("assessment-results", document)
    return document


def _artefact(subject: Subject) -> Resource:
    return Resource(
        uuid=stable_uuid("artefact", subject.name, subject.sha256),
        title=subject.name,
        description="A project file pinned by evidence; the path is relative to the project.",
        props=[techfile_prop("artefact", subject.name), techfile_prop("sha256", subject.sha256)],
        rlinks=[Rlink(href=subject.name, hashes=[Hash(algorithm="SHA-256", value=subject.sha256)])],
    )


def _observation(
    verified: Verified, artefacts: Mapping[Subject, Resource], folder: str
) -> Observation:
    record = verified.record
    return Observation(
        uuid=stable_uuid("observation", record.digest),
        title=f"{record.kind} evidence {record.digest[:12]}",
        description=record.summary.strip() or f"{record.kind} evidence",
        props=[
            techfile_prop("record-digest", record.digest),
            techfile_prop("evidence-kind", record.kind),
            techfile_prop("outcome", record.outcome),
            techfile_prop("signed-by", verified.keyid),
        ],
        methods=[Methods.TEST if record.kind in _TESTED else Methods.EXAMINE],
        subjects=[
            SubjectReference(
                subject_uuid=artefacts[subject].uuid,
                type=SubjectReferenceValidValues.resource,
                title=subject.name,
                props=[
                    techfile_prop("artefact", subject.name),
                    techfile_prop("sha256", subject.sha256),
                ],
            )
            for subject in record.subjects
        ],
        relevant_evidence=[
            RelevantEvidence(
                description=(
                    f"Signed in-toto statement (DSSE envelope) {folder}/{record.digest}.json "
                    "in the project."
                ),
            )
        ],
        collected=record.recorded_at,
    )


def _finding(assessment: Assessment, cid: str, observed: Mapping[str, str], label: str) -> Finding:
    requirement, status = assessment.requirement, assessment.status
    props = [
        techfile_prop("techfile-id", requirement.id),
        techfile_prop("status", status_name(status)),
    ]
    props += [techfile_prop("assumed-fact", fact) for fact in assessment.assumed]
    related = [] if isinstance(status, Missing | NotApplicable) else status.evidence
    uuids = dict.fromkeys(observed[e.record] for e in related if e.record in observed)
    return Finding(
        uuid=stable_uuid(label, "finding", requirement.id),
        title=f"{requirement.id} {one_line(requirement.title)}",
        description=_explain(status),
        props=props,
        target=FindingTarget(
            type=FindingTargetTypeValidValues.statement_id,
            target_id=statement_id(cid),
            status=_objective(status),
            implementation_status=(
                ImplementationStatus(state="not-applicable", remarks=status.justification)
                if isinstance(status, NotApplicable)
                else None
            ),
        ),
        related_observations=[RelatedObservation(observation_uuid=u) for u in uuids] or None,
    )


def _objective(status: Status) -> ObjectiveStatus:
    match status:
        case Met():
            return ObjectiveStatus(
                state=ObjectiveStatusStateValidValues.satisfied, reason=Reason.pass_
            )
        case Partial() | Missing() | Stale():
            return ObjectiveStatus(
                state=ObjectiveStatusStateValidValues.not_satisfied, reason=Reason.fail
            )
        case NotApplicable():
            return ObjectiveStatus(
                state=ObjectiveStatusStateValidValues.not_satisfied, reason=Reason.other
            )
        case _:
            assert_never(status)


def _explain(status: Status) -> str:
    match status:
        case Met(evidence=evidence, note=note):
            lines = [note] if note else []
            lines += [f"{e.kind} record {e.record[:12]}: {e.summary}" for e in evidence]
            return "\n".join(lines) or "met"
        case Partial(reasons=reasons) | Missing(reasons=reasons):
            return "\n".join(reasons)
        case Stale(changed=changed):
            return "the evidence's artefacts changed since it was recorded: " + ", ".join(changed)
        case NotApplicable(justification=justification, basis=basis):
            return f"not applicable ({basis}): {justification.strip()}"
        case _:
            assert_never(status)


def _untrusted(result: ProjectAssessment) -> str | None:
    rejected = result.ledger.rejected
    if not rejected:
        return None
    lines = [f"{len(rejected)} evidence record(s) were not trusted and not counted:"]
    lines += [f"- {r.name}: {r.reason}" for r in rejected]
    return "\n".join(lines)
