"""Everything a technical-file build reads, gathered once: the project, its assessment, the law.

Lookups used by several content generators (status by requirement, records by kind, the
sections that address a requirement) live here so each is computed once per build.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from techfile.assess import Assessment, ProjectAssessment
from techfile.catalog import Catalog, EvidenceKind, Requirement
from techfile.evidence import Verified
from techfile.render._model import DocumentControl, Link, anchor
from techfile.render._structure import Outline, OutlineSection

__all__ = ["BuildContext", "gspr_anchor", "requirement_anchor"]


def requirement_anchor(requirement_id: str) -> str:
    """Anchor of a requirement's row in the traceability matrix."""
    return anchor("req", requirement_id)


def gspr_anchor(requirement_id: str) -> str:
    """Anchor of a GSPR's row in the checklist."""
    return anchor("gspr", requirement_id)


@dataclass(frozen=True, slots=True)
class BuildContext:
    """The inputs of one build and the lookups derived from them."""

    project: ProjectAssessment
    """Manifest, classification, evidence ledger and gap report."""
    catalog: Catalog
    """The requirements."""
    outline: Outline
    """The document outline."""
    control: DocumentControl
    """Document control of this edition."""
    assessments: Mapping[str, Assessment] = field(default_factory=dict)
    """Assessment by requirement id (in-scope requirements only)."""
    records: Mapping[EvidenceKind, tuple[Verified, ...]] = field(default_factory=dict)
    """Trusted records by kind, oldest first."""
    addressed_in: Mapping[str, tuple[OutlineSection, ...]] = field(default_factory=dict)
    """Requirement id -> outline sections that list it (or an ancestor)."""

    @classmethod
    def create(
        cls,
        project: ProjectAssessment,
        catalog: Catalog,
        outline: Outline,
        control: DocumentControl,
    ) -> BuildContext:
        """Gather the inputs and compute the shared lookups."""
        assessments: dict[str, Assessment] = {
            a.requirement.id: a for a in project.report.assessments
        }
        by_kind: dict[EvidenceKind, list[Verified]] = defaultdict(list)
        ordered = sorted(
            project.ledger.verified, key=lambda v: (v.record.recorded_at, v.record.digest)
        )
        for verified in ordered:
            by_kind[verified.record.kind].append(verified)
        addressed: dict[str, list[OutlineSection]] = defaultdict(list)
        stack = list(outline.sections)
        while stack:
            section = stack.pop(0)
            for rid in section.requirements:
                for requirement in _with_descendants(catalog, rid):
                    addressed[requirement.id].append(section)
            stack.extend(section.children)
        return cls(
            project,
            catalog,
            outline,
            control,
            assessments,
            {k: tuple(v) for k, v in by_kind.items()},
            {k: tuple(v) for k, v in addressed.items()},
        )

    def in_scope(self, requirement_id: str) -> bool:
        """Whether the requirement belongs to the device's regime."""
        return requirement_id in self.assessments

    def descendants(self, requirement_id: str) -> tuple[Requirement, ...]:
        """The requirement and every entry below it, in catalog order, in scope only."""
        return tuple(
            r for r in _with_descendants(self.catalog, requirement_id) if self.in_scope(r.id)
        )

    def link(self, requirement_id: str) -> Link:
        """A link to the requirement's row in the traceability matrix."""
        return Link(requirement_id, requirement_anchor(requirement_id))


def _with_descendants(catalog: Catalog, requirement_id: str) -> list[Requirement]:
    """The requirement and its descendants, depth first (the catalog's own order)."""
    root = catalog.get(requirement_id)
    if root is None:
        return []
    found: list[Requirement] = []
    stack = [root]
    while stack:
        requirement = stack.pop()
        found.append(requirement)
        stack.extend(reversed(catalog.children(requirement.id)))
    return found
