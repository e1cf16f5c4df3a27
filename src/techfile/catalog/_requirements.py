"""Requirements of both regimes as typed, frozen values, with the crosswalk between them.

A catalog entry never carries a status (STYLE B4): assessment builds its own objects that refer
to requirements by id. Each entry's ``content_hash`` changes whenever its citation, title,
summary, applicability or accepted evidence change, which lets an evidence link go "suspect".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

import rfc8785

from techfile.catalog._conditions import Condition, condition_to_data
from techfile.catalog._source import Source

__all__ = [
    "Catalog",
    "CrosswalkLink",
    "EvidenceKind",
    "Relation",
    "Requirement",
    "RequirementId",
]

RequirementId = NewType("RequirementId", str)
"""A stable requirement id, e.g. ``MDR.AI.17.2`` or ``AIA.AIV.2.g``."""


class EvidenceKind(StrEnum):
    """The kinds of evidence a requirement accepts and a record can be."""

    DOCUMENT = "document"
    JUNIT = "junit"
    COVERAGE = "coverage"
    SARIF = "sarif"
    SBOM = "sbom"
    VULNERABILITY_SCAN = "vulnerability_scan"
    VEX = "vex"
    EVALUATION = "evaluation"
    DATAGOV = "datagov"
    RISK = "risk"
    DECISION_LOG = "decision_log"
    RELEASE = "release"
    CLINICAL_EVALUATION = "clinical_evaluation"
    USABILITY = "usability"
    PMS = "pms"


class Relation(StrEnum):
    """How two linked requirements relate (crosswalk)."""

    EQUIVALENT = "equivalent"
    """The same obligation: evidence for one satisfies the other."""
    OVERLAPS = "overlaps"
    """Substantially the same subject; each has points the other lacks."""
    SUPPORTS = "supports"
    """Evidence for one helps show the other but does not cover it."""
    REFINES = "refines"
    """The target reads the source in more detail (guidance, state of the art)."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement of a legal source, in our own words, with its citation."""

    id: RequirementId
    """Stable id."""
    source_id: str
    """The source file it comes from."""
    citation: str
    """Act, article or annex, paragraph."""
    title: str
    """Short title in our words."""
    summary: str
    """What the manufacturer must do or show, in our words."""
    evidence_kinds: frozenset[EvidenceKind]
    """Kinds of evidence that can show it is met."""
    parent: RequirementId | None = None
    """The grouping entry it belongs to."""
    applies_when: Condition | None = None
    """When it applies (None: always, within its source's scope)."""
    content_hash: str = field(default="", compare=False)
    """sha256 of the entry's canonical content (set by `with_hash`)."""

    def data(self) -> dict[str, object]:
        """Return the entry as plain data, in catalog-file form."""
        data: dict[str, object] = {
            "id": self.id,
            "citation": self.citation,
            "title": self.title,
            "summary": self.summary,
        }
        if self.parent is not None:
            data["parent"] = self.parent
        if self.applies_when is not None:
            data["applies_when"] = condition_to_data(self.applies_when)
        data["evidence_kinds"] = sorted(kind.value for kind in self.evidence_kinds)
        return data

    def with_hash(self) -> Requirement:
        """Return the entry with its content hash computed (RFC 8785 canonical JSON)."""
        canonical = rfc8785.dumps(self.data())  # type: ignore[arg-type]  # plain JSON values
        digest = hashlib.sha256(canonical).hexdigest()
        return Requirement(
            self.id,
            self.source_id,
            self.citation,
            self.title,
            self.summary,
            self.evidence_kinds,
            self.parent,
            self.applies_when,
            digest,
        )


@dataclass(frozen=True, slots=True)
class CrosswalkLink:
    """A relation between requirements of different sources."""

    source: RequirementId
    """The ``from`` requirement."""
    target: RequirementId
    """The ``to`` requirement."""
    relation: Relation
    """How they relate."""
    rationale: str
    """Why, in our words."""


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every requirement of every source, and the crosswalk."""

    sources: tuple[Source, ...]
    """The sources, in file order."""
    scopes: Mapping[str, Condition | None]
    """Per source id: the condition under which the whole source applies."""
    requirements: Mapping[RequirementId, Requirement]
    """Requirements by id, in file order."""
    links: tuple[CrosswalkLink, ...]
    """Crosswalk links."""
    _children: Mapping[str, tuple[Requirement, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _links_of: Mapping[str, tuple[CrosswalkLink, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        # Indexes so that walking the tree or the crosswalk stays linear in the catalog's size.
        children: dict[str, list[Requirement]] = {}
        for requirement in self.requirements.values():
            if requirement.parent is not None:
                children.setdefault(requirement.parent, []).append(requirement)
        links: dict[str, list[CrosswalkLink]] = {}
        for link in self.links:
            links.setdefault(link.source, []).append(link)
            links.setdefault(link.target, []).append(link)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})
        object.__setattr__(self, "_links_of", {k: tuple(v) for k, v in links.items()})

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements.values())

    def __len__(self) -> int:
        return len(self.requirements)

    def get(self, requirement_id: str) -> Requirement | None:
        """Return a requirement by id, or None."""
        return self.requirements.get(RequirementId(requirement_id))

    def children(self, requirement_id: str) -> tuple[Requirement, ...]:
        """Return the entries whose parent is ``requirement_id``."""
        return self._children.get(requirement_id, ())

    def linked(self, requirement_id: str, *relations: Relation) -> tuple[RequirementId, ...]:
        """Return the requirements linked to one, both directions, by the given relations."""
        found: list[RequirementId] = []
        for link in self._links_of.get(requirement_id, ()):
            if relations and link.relation not in relations:
                continue
            if link.source == requirement_id:
                found.append(link.target)
            elif link.target == requirement_id:
                found.append(link.source)
        return tuple(found)

    def search(self, text: str) -> tuple[Requirement, ...]:
        """Return the entries whose id, citation, title or summary contain ``text``."""
        needle = text.casefold()
        return tuple(
            r
            for r in self
            if any(needle in part.casefold() for part in (r.id, r.citation, r.title, r.summary))
        )
