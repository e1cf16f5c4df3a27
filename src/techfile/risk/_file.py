"""A loaded, cross-checked risk file and the evaluation of its risks against the policy.

`RiskFile` wraps the validated model with look-ups by id and applies the policy: the
probability of an estimate (given directly or combined from P1 and P2), its severity (the
harm's unless stated) and its region in the acceptability matrix (ISO 14971:2019 clause 4.2,
used in 6 and 7.3). A loaded file's references all resolve, so these look-ups cannot fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from techfile.risk._model import (
    Control,
    Estimate,
    Harm,
    Hazard,
    HazardousSituation,
    Region,
    Risk,
    RiskFileModel,
    Threat,
)

__all__ = ["Evaluation", "RiskFile"]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A risk's estimate resolved against the policy."""

    severity: str
    """Severity level id."""
    probability: str
    """Probability level id (combined from P1 and P2 where given so)."""
    region: Region
    """Its cell of the acceptability matrix."""


@dataclass(frozen=True, slots=True)
class RiskFile:
    """A ``risks.yaml`` whose references, levels and link graph have been checked."""

    path: Path
    """Where it was read from."""
    model: RiskFileModel
    """Its content."""
    hazards: Mapping[str, Hazard] = field(init=False)
    """Hazards by id."""
    harms: Mapping[str, Harm] = field(init=False)
    """Harms by id."""
    situations: Mapping[str, HazardousSituation] = field(init=False)
    """Hazardous situations by id."""
    risks: Mapping[str, Risk] = field(init=False)
    """Risks by id."""
    controls: Mapping[str, Control] = field(init=False)
    """Controls by id."""
    threats: Mapping[str, Threat] = field(init=False)
    """Threats by id."""

    def __post_init__(self) -> None:
        model = self.model
        object.__setattr__(self, "hazards", {h.id: h for h in model.hazards})
        object.__setattr__(self, "harms", {h.id: h for h in model.harms})
        object.__setattr__(self, "situations", {s.id: s for s in model.situations})
        object.__setattr__(self, "risks", {r.id: r for r in model.risks})
        object.__setattr__(self, "controls", {c.id: c for c in model.controls})
        object.__setattr__(self, "threats", {t.id: t for t in model.security.threats})

    @property
    def severity_levels(self) -> tuple[str, ...]:
        """Severity level ids, lowest first."""
        return tuple(level.id for level in self.model.policy.severity)

    @property
    def probability_levels(self) -> tuple[str, ...]:
        """Probability level ids, lowest first."""
        return tuple(level.id for level in self.model.policy.probability)

    def evaluate(self, risk: Risk, estimate: Estimate) -> Evaluation:
        """Resolve an estimate of ``risk`` to levels and its acceptability region."""
        policy = self.model.policy
        severity = estimate.severity or self.harms[risk.harm].severity
        probability = estimate.probability
        if probability is None:
            assert policy.combination is not None  # noqa: S101  # checked when loaded
            probability = policy.combination.table[str(estimate.p1)][str(estimate.p2)]
        return Evaluation(severity, probability, policy.acceptability[severity][probability])

    def initial(self, risk: Risk) -> Evaluation:
        """The risk before its controls."""
        return self.evaluate(risk, risk.initial)

    def residual(self, risk: Risk) -> Evaluation:
        """The risk after its controls (the initial estimate when it has none)."""
        return self.evaluate(risk, risk.residual or risk.initial)

    def risks_of_hazard(self, hazard_id: str) -> tuple[Risk, ...]:
        """The risks whose hazardous situation arises from ``hazard_id``."""
        return tuple(
            r for r in self.model.risks if self.situations[r.situation].hazard == hazard_id
        )
