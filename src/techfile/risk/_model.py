"""The schema of ``risks.yaml``: one risk file for safety, AI and security risks.

The file follows the chain of ISO 14971:2019 clause 5 (hazard, sequence of events, hazardous
situation, harm), estimates each risk before and after its controls against the manufacturer's
policy (clause 4.2: severity and probability scales and the acceptability matrix), types each
control by the priority order of clause 7.1 and links it to the evidence that verifies it
(clause 7.2). AI hazards come from the library in ``catalog/data/risk/``; security threats
(STRIDE, MDCG 2019-16 rev.1 section 3.4) name the assets and data flows they target and the
safety harms they can lead to (section 3.2). Everything here is shape only: references,
levels and cycles are checked when the file is loaded (``_load``).

These pydantic models are both the input edge and, being frozen and validated, the value the
checks read; ``docs/adr/0013-risk-file.md`` says why.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from techfile.catalog import EvidenceKind

__all__ = [
    "Asset",
    "Combination",
    "Control",
    "ControlType",
    "DataFlow",
    "Estimate",
    "EvidenceRef",
    "Harm",
    "Hazard",
    "HazardousSituation",
    "Level",
    "OverallResidual",
    "Policy",
    "Region",
    "Risk",
    "RiskFileModel",
    "Security",
    "Stride",
    "Threat",
]

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9._-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(StrEnum):
    """A cell of the acceptability matrix (ISO 14971:2019 clause 4.2)."""

    ACCEPTABLE = "acceptable"
    """The risk is acceptable without further reduction."""
    UNACCEPTABLE = "unacceptable"
    """The risk must be reduced, or accepted only on a benefit-risk justification (7.4)."""


class ControlType(StrEnum):
    """Risk control options in the priority order of ISO 14971:2019 clause 7.1 (MDR Annex I 4)."""

    INHERENT_SAFETY_BY_DESIGN = "inherent_safety_by_design"
    """Inherently safe design and manufacture (7.1 a; MDR Annex I 4(a))."""
    PROTECTIVE_MEASURE = "protective_measure"
    """Protective measures in the device or its manufacture (7.1 b; MDR Annex I 4(b))."""
    INFORMATION_FOR_SAFETY = "information_for_safety"
    """Information for safety and, where appropriate, training (7.1 c; MDR Annex I 4(c))."""


class Stride(StrEnum):
    """The STRIDE threat categories."""

    SPOOFING = "spoofing"
    TAMPERING = "tampering"
    REPUDIATION = "repudiation"
    INFORMATION_DISCLOSURE = "information_disclosure"
    DENIAL_OF_SERVICE = "denial_of_service"
    ELEVATION_OF_PRIVILEGE = "elevation_of_privilege"


class Level(_Model):
    """One level of a scale, lowest first in its list."""

    id: Id
    title: Text
    description: str = ""


class Combination(_Model):
    """P = P1 x P2, combined by a table (ISO 14971:2019 clause 5.5).

    P1 is the probability that the hazardous situation occurs, P2 that it leads to harm.
    """

    p1: list[Level] = Field(min_length=1)
    p2: list[Level] = Field(min_length=1)
    table: dict[str, dict[str, str]] = Field(
        description="P1 level -> P2 level -> probability level; every cell given."
    )


class Policy(_Model):
    """The criteria for risk acceptability (ISO 14971:2019 clause 4.2)."""

    rationale: Text = Field(description="What the criteria are based on (standards, state of art).")
    severity: list[Level] = Field(min_length=2, description="Severity levels, lowest first.")
    probability: list[Level] = Field(min_length=2, description="Probability levels, lowest first.")
    exploitability: list[Level] = Field(
        default_factory=list, description="Exploitability levels of threats, lowest first."
    )
    acceptability: dict[str, dict[str, Region]] = Field(
        description="Severity level -> probability level -> region; every cell given."
    )
    combination: Combination | None = None


class Estimate(_Model):
    """Severity and probability of a risk; severity defaults to the harm's."""

    severity: str | None = None
    probability: str | None = None
    p1: str | None = None
    p2: str | None = None

    @model_validator(mode="after")
    def _one_probability(self) -> Estimate:
        pair = (self.p1 is None, self.p2 is None)
        if self.probability is not None and pair != (True, True):
            msg = "give either probability or p1 and p2, not both"
            raise ValueError(msg)
        if self.probability is None and pair != (False, False):
            msg = "give probability, or both p1 and p2"
            raise ValueError(msg)
        return self


class Hazard(_Model):
    """A potential source of harm (ISO 14971:2019 clause 5.4)."""

    id: Id
    title: Text
    description: str = ""
    ai_hazards: list[str] = Field(
        default_factory=list, description="Ids of library AI hazards this hazard stands for."
    )
    parent: str | None = Field(default=None, description="A broader hazard this one refines.")


class Harm(_Model):
    """Injury or damage to health, with its severity level."""

    id: Id
    title: Text
    severity: str


class HazardousSituation(_Model):
    """Circumstances exposing people to a hazard, reached by a sequence of events (5.4)."""

    id: Id
    title: Text
    hazard: str
    sequence: list[Text] = Field(min_length=1, description="The sequence of events, in order.")
    harms: list[str] = Field(min_length=1)


class Risk(_Model):
    """One hazardous situation leading to one harm, estimated before and after its controls."""

    id: Id
    title: Text
    situation: str
    harm: str
    initial: Estimate
    controls: list[str] = Field(default_factory=list)
    residual: Estimate | None = Field(
        default=None, description="After the controls (required when there are controls)."
    )
    acceptance: str | None = Field(
        default=None, description="Why the risk is accepted without a control (initial level)."
    )
    benefit_risk: str | None = Field(
        default=None, description="Benefit-risk justification of an unacceptable residual (7.4)."
    )


class EvidenceRef(_Model):
    """Evidence that verifies a control: a record by id, by artefact path or by kind."""

    record: str | None = Field(default=None, description="Record digest (12+ hex digits).")
    artefact: str | None = Field(
        default=None, description="Path of an artefact pinned by a record (the newest one)."
    )
    kind: EvidenceKind | None = Field(default=None, description="The newest record of a kind.")
    case: str | None = Field(
        default=None, description="A JUnit test case (name, parameters ignored) that must pass."
    )

    @model_validator(mode="after")
    def _one_target(self) -> EvidenceRef:
        given = [x for x in (self.record, self.artefact, self.kind) if x is not None]
        if len(given) != 1:
            msg = "name exactly one of record, artefact or kind"
            raise ValueError(msg)
        return self


class Control(_Model):
    """A risk control measure (ISO 14971:2019 clauses 7.1-7.2, 7.5)."""

    id: Id
    title: Text
    type: ControlType
    description: str = ""
    requirements: list[str] = Field(
        default_factory=list, description="Catalog requirement ids the control implements."
    )
    verified_by: list[EvidenceRef] = Field(default_factory=list)
    introduces: list[str] = Field(
        default_factory=list, description="Risks arising from this control (7.5)."
    )


class Asset(_Model):
    """Something of value to protect: data, model, software, function."""

    id: Id
    title: Text
    description: str = ""


class DataFlow(_Model):
    """Data moving between assets or to and from an outside party."""

    id: Id
    title: Text
    source: str = Field(description="An asset id, or a free-text outside party.")
    target: str = Field(description="An asset id, or a free-text outside party.")


class Threat(_Model):
    """A STRIDE threat to assets or data flows (MDCG 2019-16 rev.1 section 3.4)."""

    id: Id
    title: Text
    stride: Stride
    targets: list[str] = Field(min_length=1, description="Asset or data-flow ids.")
    exploitability: str
    harms: list[str] = Field(default_factory=list, description="Safety harms it can lead to.")
    risks: list[str] = Field(default_factory=list, description="Risks that cover it.")
    vulnerabilities: list[str] = Field(
        default_factory=list, description="Vulnerability ids (CVE, GHSA, PYSEC) it stands for."
    )


class Security(_Model):
    """The threat model (MDCG 2019-16 rev.1 sections 3.2 and 3.4)."""

    assets: list[Asset] = Field(default_factory=list)
    data_flows: list[DataFlow] = Field(default_factory=list)
    threats: list[Threat] = Field(default_factory=list)


class OverallResidual(_Model):
    """Evaluation of the overall residual risk (ISO 14971:2019 clause 8; MDR Annex I 4)."""

    acceptable: bool
    justification: Text


class RiskFileModel(_Model):
    """A whole ``risks.yaml``."""

    policy: Policy
    hazards: list[Hazard] = Field(default_factory=list)
    harms: list[Harm] = Field(default_factory=list)
    situations: list[HazardousSituation] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    controls: list[Control] = Field(default_factory=list)
    security: Security = Field(default_factory=Security)
    ai_hazards_not_applicable: dict[str, Text] = Field(
        default_factory=dict, description="Library AI hazard id -> why it does not apply."
    )
    overall_residual: OverallResidual
