"""The checks of a risk file: completeness, verification, acceptability and the threat model.

Each check (ids and citations in ``catalog/data/risk/risk-management.yaml``) returns findings
(the file is not complete: exit 1) and notes (worth knowing, not a failure). Every message
names the item and says what is missing. Pure: the loaded file, the trusted records, the
current artefact digests and the vulnerability findings come in; a `RiskReport` comes out.
Structural problems (duplicate ids, dangling references, cycles, unknown levels) never get
here: loading rejects them as bad input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from techfile.evidence import Verified
from techfile.risk._evidence import EvidenceState, Resolution, describe, resolve
from techfile.risk._file import RiskFile
from techfile.risk._library import CheckId, RiskData
from techfile.risk._model import ControlType, Region
from techfile.risk._vulns import Finding

__all__ = ["Problem", "RiskReport", "VulnerabilityScan", "check_risks"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing a check found."""

    check: CheckId
    """The check."""
    item: str
    """The id of the item concerned (a hazard, risk, control, threat, vulnerability)."""
    message: str
    """What is missing or wrong, for people."""


@dataclass(frozen=True, slots=True)
class VulnerabilityScan:
    """The vulnerability findings the check reads, and where they came from."""

    source: str
    """A record id or a file name."""
    findings: tuple[Finding, ...]
    """The findings."""
    stale: bool = False
    """The scan's artefacts changed since it was recorded."""


@dataclass(frozen=True, slots=True)
class RiskReport:
    """The result of checking a risk file."""

    file: RiskFile
    """The risk file checked."""
    findings: tuple[Problem, ...]
    """Problems that make the file incomplete."""
    notes: tuple[Problem, ...]
    """Advice that does not fail the check."""
    resolutions: Mapping[str, tuple[Resolution, ...]]
    """Each control's evidence references and what they found."""
    scan: VulnerabilityScan | None
    """The vulnerability findings read, if any."""

    @property
    def ok(self) -> bool:
        """True when no check found a problem."""
        return not self.findings


class _Run:
    def __init__(self, risk_file: RiskFile, data: RiskData) -> None:
        self.file = risk_file
        self.data = data
        self.findings: list[Problem] = []
        self.notes: list[Problem] = []

    def find(self, check: CheckId, item: str, message: str) -> None:
        self.findings.append(Problem(check, item, message))

    def note(self, check: CheckId, item: str, message: str) -> None:
        self.notes.append(Problem(check, item, message))


def check_risks(
    risk_file: RiskFile,
    records: Sequence[Verified],
    current: Callable[[str], str | None],
    data: RiskData,
    scan: VulnerabilityScan | None = None,
) -> RiskReport:
    """Run every check on a loaded risk file.

    Args:
        risk_file: The loaded file.
        records: The project's trusted evidence records.
        current: The current SHA-256 of a project file (None if absent), for staleness.
        data: The AI hazard library and check data.
        scan: Vulnerability findings, if a scan exists.
    """
    run = _Run(risk_file, data)
    resolutions = {
        c.id: tuple(resolve(ref, records, current) for ref in c.verified_by)
        for c in risk_file.model.controls
    }
    _hazards(run)
    _controls(run, resolutions)
    _ai_hazards(run, resolutions)
    _residual(run)
    _threat_model(run)
    _vulnerabilities(run, scan)
    _priority(run)
    return RiskReport(risk_file, tuple(run.findings), tuple(run.notes), resolutions, scan)


def _hazards(run: _Run) -> None:
    # ISO 14971:2019 clauses 5.4 and 7.6: every hazard analysed, every risk controlled.
    model = run.file.model
    check = CheckId.HAZARD_CONTROLLED
    parents = {h.parent for h in model.hazards if h.parent}
    analysed = {s.hazard for s in model.situations}
    for hazard in model.hazards:
        if hazard.id not in analysed and hazard.id not in parents:
            run.find(
                check,
                hazard.id,
                f"hazard {hazard.id} ({hazard.title}) is not analysed: "
                "no hazardous situation arises from it",
            )
    estimated = {(r.situation, r.harm) for r in model.risks}
    for situation in model.situations:
        for harm in situation.harms:
            if (situation.id, harm) not in estimated:
                run.find(
                    check,
                    situation.id,
                    f"hazardous situation {situation.id} can lead to "
                    f"harm {harm}, but no risk estimates it",
                )
    for risk in model.risks:
        if not risk.controls and not risk.acceptance:
            run.find(
                check,
                risk.id,
                f"risk {risk.id} ({risk.title}) has no control and no documented acceptance",
            )


def _controls(run: _Run, resolutions: Mapping[str, tuple[Resolution, ...]]) -> None:
    # ISO 14971:2019 clause 7.2: implementation and effectiveness of each control verified.
    check = CheckId.CONTROL_VERIFIED
    used = {c for r in run.file.model.risks for c in r.controls}
    for control in run.file.model.controls:
        name = f"control {control.id} ({control.title})"
        if not control.verified_by:
            run.find(
                check, control.id, f"{name} has no verification evidence: verified_by is empty"
            )
        for resolution in resolutions[control.id]:
            if resolution.state is not EvidenceState.VERIFIED:
                run.find(
                    check,
                    control.id,
                    f"{name} is not verified: evidence "
                    f"{describe(resolution.ref)} is {resolution.state.value} "
                    f"({resolution.detail})",
                )
        if control.id not in used:
            run.note(check, control.id, f"{name} controls no risk")


def _ai_hazards(run: _Run, resolutions: Mapping[str, tuple[Resolution, ...]]) -> None:
    # AI Act Art 9(2)(a) and 9(10): AI risks analysed in the same risk management.
    check = CheckId.AI_HAZARDS_ADDRESSED
    model = run.file.model
    for library in run.data.hazards:
        hazards = [h for h in model.hazards if library.id in h.ai_hazards]
        if not hazards and library.id not in model.ai_hazards_not_applicable:
            run.find(
                check,
                library.id,
                f"AI hazard {library.id} ({library.title}) is neither "
                "addressed by a hazard nor justified under ai_hazards_not_applicable",
            )
            continue
        kinds = {
            r.record.kind
            for h in hazards
            for risk in run.file.risks_of_hazard(h.id)
            for c in risk.controls
            for r in resolutions[c]
            if r.record is not None and r.state is EvidenceState.VERIFIED
        }
        if hazards and not kinds & set(library.verification):
            typical = ", ".join(k.value for k in library.verification)
            ids = ", ".join(h.id for h in hazards)
            run.note(
                check,
                library.id,
                f"AI hazard {library.id} ({ids}): no control is verified "
                f"by the evidence kinds that typically show it ({typical}); link such "
                "evidence when it is recorded",
            )


def _residual(run: _Run) -> None:
    # ISO 14971:2019 clauses 7.3, 7.4 and 8; MDR Annex I sections 1, 4 and 8.
    check = CheckId.RESIDUAL_ACCEPTABLE
    for risk in run.file.model.risks:
        after = run.file.residual(risk)
        if after.region is Region.UNACCEPTABLE and not risk.benefit_risk:
            run.find(
                check,
                risk.id,
                f"residual risk {risk.id} ({after.severity}/"
                f"{after.probability}) is unacceptable under the policy and has no "
                "benefit_risk justification",
            )
    overall = run.file.model.overall_residual
    if not overall.acceptable:
        run.find(
            check, "overall_residual", "the overall residual risk is evaluated as not acceptable"
        )


def _threat_model(run: _Run) -> None:
    # MDCG 2019-16 rev.1 sections 3.2 and 3.4: threats on every element, linked to safety.
    check = CheckId.THREAT_MODEL
    security = run.file.model.security
    if not security.assets:
        run.find(check, "security", "no threat model: security.assets lists no asset")
    targeted = {t for threat in security.threats for t in threat.targets}
    elements = [(a.id, a.title) for a in security.assets]
    elements += [(f.id, f.title) for f in security.data_flows]
    for element_id, title in elements:
        if element_id not in targeted:
            run.find(check, element_id, f"{element_id} ({title}) has no threat analysed")
    for threat in security.threats:
        if not threat.risks:
            run.find(check, threat.id, f"threat {threat.id} ({threat.title}) is linked to no risk")
            continue
        covered = {run.file.risks[r].harm for r in threat.risks}
        for harm in threat.harms:
            if harm not in covered:
                run.find(
                    check,
                    threat.id,
                    f"threat {threat.id} can lead to harm {harm}, but "
                    "none of its risks estimates that harm",
                )
        if not threat.harms:
            run.note(check, threat.id, f"threat {threat.id} names no safety harm")


def _vulnerabilities(run: _Run, scan: VulnerabilityScan | None) -> None:
    # MDCG 2019-16 rev.1 sections 2.3-2.4: an exploitable vulnerability is foreseeable misuse.
    check = CheckId.VULNERABILITIES_LINKED
    threats = run.file.model.security.threats
    if scan is None:
        run.note(
            check,
            "vulnerability_scan",
            "no vulnerability scan recorded: vulnerabilities were not checked",
        )
        return
    if scan.stale:
        run.find(
            check,
            scan.source,
            f"the vulnerability scan {scan.source} is stale: its "
            "artefacts changed since it was recorded",
        )
    reported = set().union(*(f.names for f in scan.findings)) if scan.findings else set()
    for finding in scan.findings:
        where = f"{finding.id} in {finding.package} {finding.version} ({finding.severity})"
        if not finding.counts_as_exploitable:
            run.note(check, finding.id, f"vulnerability {where} is judged not exploitable")
            continue
        linked = [t for t in threats if finding.names & set(t.vulnerabilities)]
        if not linked:
            run.find(
                check,
                finding.id,
                f"exploitable vulnerability {where} is not linked to a risk: no threat names it",
            )
    for threat in threats:
        for vulnerability in threat.vulnerabilities:
            if vulnerability not in reported:
                run.note(
                    check,
                    threat.id,
                    f"threat {threat.id} names {vulnerability}, which "
                    f"the scan {scan.source} does not report",
                )


def _priority(run: _Run) -> None:
    # ISO 14971:2019 clause 7.1 and MDR Annex I section 4: design first, information last.
    check = CheckId.CONTROL_PRIORITY
    for risk in run.file.model.risks:
        types = {run.file.controls[c].type for c in risk.controls}
        if types == {ControlType.INFORMATION_FOR_SAFETY}:
            run.note(
                check,
                risk.id,
                f"risk {risk.id} is controlled by information for safety "
                "only; record why design and protective measures are not practicable",
            )
