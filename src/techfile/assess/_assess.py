"""Requirement x evidence -> status: the gap analysis, pure (no IO; digests come in as a function).

For each applicable requirement, in catalog order:
1. the evidence is every trusted record linked to it, or to a requirement the crosswalk calls
   *equivalent* (one record can satisfy linked requirements);
2. no evidence: a section with sub-points takes its status from them; otherwise Missing;
3. evidence whose artefacts all changed since recording: Stale;
4. fresh evidence that failed, is of a kind the requirement does not accept, or whose link is
   suspect (the requirement's text changed since): Partial, with the reasons;
5. otherwise Met.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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
from techfile.catalog import (
    Applicability,
    Applies,
    Catalog,
    EvidenceKind,
    Excluded,
    Relation,
    Requirement,
    RequirementId,
)
from techfile.evidence import Outcome, Rejected, Verified, changed_subjects

__all__ = ["GapReport", "assess"]

_CHECKS = frozenset({EvidenceKind.JUNIT, EvidenceKind.COVERAGE, EvidenceKind.SARIF})
"""Kinds that check something: their INFO outcome means nothing was checked."""


@dataclass(frozen=True, slots=True)
class GapReport:
    """Every requirement of the device's regime with its status, and what was left out."""

    assessments: tuple[Assessment, ...]
    """Every in-scope requirement, in catalog order."""
    excluded: tuple[Excluded, ...]
    """Sources outside the device's regime."""
    rejected: tuple[Rejected, ...]
    """Evidence records that were not trusted."""
    as_of: dt.datetime | None
    """The newest evidence timestamp (the report's date; None without evidence)."""

    def counts(self) -> dict[StatusName, int]:
        """Number of requirements per status."""
        counts = dict.fromkeys(StatusName, 0)
        for a in self.assessments:
            counts[status_name(a.status)] += 1
        return counts

    @property
    def has_gaps(self) -> bool:
        """True when any applicable requirement is Missing, Stale or Partial."""
        return any(isinstance(a.status, Missing | Stale | Partial) for a in self.assessments)


def assess(  # noqa: PLR0913, PLR0917  # the six inputs of the analysis, each a distinct kind
    catalog: Catalog,
    decisions: Sequence[Applicability],
    excluded: Sequence[Excluded],
    verified: Iterable[Verified],
    rejected: Iterable[Rejected],
    current_digest: Callable[[str], str | None],
) -> GapReport:
    """Assess every requirement against the trusted evidence.

    Args:
        catalog: The requirements and crosswalk.
        decisions: Applicability of each in-scope requirement.
        excluded: Sources out of scope.
        verified: Trusted evidence records.
        rejected: Untrusted records (reported, never counted).
        current_digest: Current SHA-256 of a project file by name, None if absent.
    """
    records = tuple(verified)
    refs = _evidence_index(catalog, records, current_digest)
    by_id = {d.requirement.id: d for d in decisions}
    statuses: dict[RequirementId, Status] = {}

    def status_of(requirement: Requirement) -> Status:
        if requirement.id not in statuses:
            statuses[requirement.id] = _status(requirement, by_id, refs, catalog, status_of)
        return statuses[requirement.id]

    assessments = tuple(
        Assessment(
            d.requirement,
            status_of(d.requirement),
            d.assumed if isinstance(d, Applies) else (),
        )
        for d in decisions
    )
    newest = max((v.record.recorded_at for v in records), default=None)
    return GapReport(assessments, tuple(excluded), tuple(rejected), newest)


def _evidence_index(
    catalog: Catalog, records: Sequence[Verified], current: Callable[[str], str | None]
) -> dict[RequirementId, list[EvidenceRef]]:
    index: dict[RequirementId, list[EvidenceRef]] = defaultdict(list)
    for verified in records:
        record = verified.record
        stale = changed_subjects(verified, current)
        for link in record.links:
            requirement = catalog.get(link.requirement)
            suspect = requirement is not None and link.content_hash != requirement.content_hash
            ref = EvidenceRef(
                record.digest,
                record.kind,
                record.summary,
                link.outcome,
                record.recorded_at,
                record.subjects,
                None,
                stale,
                suspect,
            )
            index[link.requirement].append(ref)
    return index


def _status(
    requirement: Requirement,
    decisions: dict[RequirementId, Applicability],
    refs: dict[RequirementId, list[EvidenceRef]],
    catalog: Catalog,
    status_of: Callable[[Requirement], Status],
) -> Status:
    decision = decisions.get(requirement.id)
    if decision is not None and not isinstance(decision, Applies):
        return NotApplicable(decision.justification, str(decision.basis))
    evidence = list(refs.get(requirement.id, ()))
    for other in catalog.linked(requirement.id, Relation.EQUIVALENT):
        evidence += [_via(ref, other) for ref in refs.get(other, ())]
    if not evidence:
        return _from_children(requirement, decisions, catalog, status_of)
    fresh = [e for e in evidence if not e.stale]
    if not fresh:
        changed = tuple(sorted({name for e in evidence for name in e.stale}))
        return Stale(tuple(evidence), changed)
    reasons = [
        f"record {e.record[:12]} ({e.kind}) failed: {e.summary}"
        for e in fresh
        if e.outcome is Outcome.FAIL
    ]
    reasons += [
        f"record {e.record[:12]} ({e.kind}) names it but checked nothing for it (e.g. skipped)"
        for e in fresh
        if e.outcome is Outcome.INFO and e.kind in _CHECKS
    ]
    reasons += [
        f"record {e.record[:12]}: the requirement changed since it was linked; review the link"
        for e in fresh
        if e.suspect
    ]
    if not any(e.kind in requirement.evidence_kinds for e in fresh):
        kinds = ", ".join(sorted(requirement.evidence_kinds))
        reasons.append(f"no evidence of an accepted kind ({kinds})")
    if reasons:
        return Partial(tuple(evidence), tuple(reasons))
    return Met(tuple(evidence))


def _via(ref: EvidenceRef, other: RequirementId) -> EvidenceRef:
    return EvidenceRef(
        ref.record, ref.kind, ref.summary, ref.outcome, ref.recorded_at, ref.subjects, other,
        ref.stale, ref.suspect,
    )  # fmt: skip


def _from_children(
    requirement: Requirement,
    decisions: dict[RequirementId, Applicability],
    catalog: Catalog,
    status_of: Callable[[Requirement], Status],
) -> Status:
    expected = f"evidence of kind {', '.join(sorted(requirement.evidence_kinds))}"
    children = [
        c for c in catalog.children(requirement.id) if isinstance(decisions.get(c.id), Applies)
    ]
    if not children:
        return Missing((f"no evidence linked; expected {expected}",))
    statuses = [status_of(c) for c in children]
    if all(isinstance(s, Met) for s in statuses):
        return Met((), f"all {len(children)} applicable sub-points are met")
    if all(isinstance(s, Missing) for s in statuses):
        return Missing((f"no evidence for this section or any of its {len(children)} sub-points",))
    open_points = [c.id for c, s in zip(children, statuses, strict=True) if not isinstance(s, Met)]
    reason = f"sub-points not met: {', '.join(open_points)}"
    if all(isinstance(s, Met | Stale) for s in statuses):
        changed = tuple(sorted({n for s in statuses if isinstance(s, Stale) for n in s.changed}))
        return Stale((), changed)
    return Partial((), (reason,))
