"""The outline of the technical file as data (``catalog/data/documents/technical-file.yaml``).

Each section names its legal source, the requirements it answers and the generated content it
holds. Content generators are a closed set: a new kind of content is a new member here and a
function in the builder, never free text in code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

from pydantic import Field

from techfile.catalog import Condition, load_catalog
from techfile.catalog._edge import ConditionModel, SourceModel, StrictModel
from techfile.errors import Error
from techfile.located import load_yaml, validate

__all__ = [
    "Content",
    "DeclarationPoint",
    "Outline",
    "OutlineSection",
    "load_declaration",
    "load_outline",
]


class Content(StrEnum):
    """Generated content a section can hold."""

    DOCUMENT_CONTROL = "document_control"
    DEVICE_IDENTITY = "device_identity"
    INTENDED_PURPOSE = "intended_purpose"
    CLASSIFICATION = "classification"
    CONFORMITY = "conformity"
    DATES = "dates"
    IFU_SECURITY = "ifu_security"
    EVIDENCE_DOCUMENTS = "evidence_documents"
    EVIDENCE_CHECKS = "evidence_checks"
    EVIDENCE_RISK = "evidence_risk"
    STANDARDS = "standards"
    GSPR_CHECKLIST = "gspr_checklist"
    POST_MARKET = "post_market"
    DECLARATION = "declaration"
    HISTORY = "history"
    TRACEABILITY = "traceability"
    EVIDENCE_REGISTER = "evidence_register"
    INDEX = "index"


@dataclass(frozen=True, slots=True)
class OutlineSection:
    """A section of the outline."""

    key: str
    """Stable key (the anchor)."""
    number: str
    """Section number."""
    title: str
    """Title."""
    citation: str
    """Legal source."""
    content: tuple[Content, ...]
    """Generated content, in order."""
    requirements: tuple[str, ...]
    """Requirements answered here (with their applicable sub-points)."""
    sources: tuple[str, ...]
    """Whole sources answered here (their top-level entries)."""
    children: tuple[OutlineSection, ...]
    """Sub-sections."""


@dataclass(frozen=True, slots=True)
class Outline:
    """The outline and the version of it."""

    version: str
    """Outline version."""
    scope: str
    """What the documentation is, under which provisions (shown under the title)."""
    sections: tuple[OutlineSection, ...]
    """Top-level sections."""


class _SectionModel(StrictModel):
    key: str = Field(pattern=r"^[a-z0-9-]+$")
    number: str
    title: str
    citation: str
    content: list[Content] = Field(default_factory=list)
    requirements: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    children: list[_SectionModel] = Field(default_factory=list)

    def build(self) -> OutlineSection:
        return OutlineSection(
            self.key, self.number, self.title, self.citation, tuple(self.content),
            tuple(self.requirements), tuple(self.sources), tuple(c.build() for c in self.children),
        )  # fmt: skip


class _OutlineModel(StrictModel):
    source: SourceModel
    scope: str = Field(min_length=10)
    sections: list[_SectionModel] = Field(min_length=1)


def _default_path() -> Path:
    return Path(
        str(resources.files("techfile.catalog") / "data" / "documents" / "technical-file.yaml")
    )


@functools.cache
def load_outline(path: Path | None = None) -> Outline:
    """Load and check the outline: keys unique, requirement ids and sources in the catalog.

    Raises:
        InputError: The file is malformed (located).
        Error: It names requirements or sources the catalog does not have.
    """
    model = validate(_OutlineModel, load_yaml(path or _default_path()))
    outline = Outline(model.source.version, model.scope, tuple(s.build() for s in model.sections))
    catalog = load_catalog()
    keys: list[str] = []
    problems: list[str] = []
    stack = list(outline.sections)
    while stack:
        section = stack.pop()
        keys.append(section.key)
        problems += [
            f"{section.key}: no requirement {r}"
            for r in section.requirements
            if catalog.get(r) is None
        ]
        known = {s.id for s in catalog.sources}
        problems += [f"{section.key}: no source {s}" for s in section.sources if s not in known]
        stack.extend(section.children)
    problems += [f"section key {k} used twice" for k in set(keys) if keys.count(k) > 1]
    if problems:
        raise Error("technical-file outline: " + "; ".join(problems))
    return outline


@dataclass(frozen=True, slots=True)
class DeclarationPoint:
    """One point of the EU declaration of conformity, with the template of its draft text."""

    point: str
    """The Annex point, e.g. "MDR Annex IV 5"."""
    content: str
    """What the point must contain."""
    text: str
    """Template of the draft text; ``{fields}`` come from the manifest and classification."""
    when: Condition | None
    """When the point applies (None: always)."""


class _PointModel(StrictModel):
    point: str
    content: str
    text: str
    when: ConditionModel | None = None


class _DeclarationModel(StrictModel):
    source: SourceModel
    points: list[_PointModel] = Field(min_length=1)


@functools.cache
def load_declaration() -> tuple[DeclarationPoint, ...]:
    """The points of the EU declaration of conformity (``documents/declaration.yaml``)."""
    path = Path(
        str(resources.files("techfile.catalog") / "data" / "documents" / "declaration.yaml")
    )
    model = validate(_DeclarationModel, load_yaml(path))
    return tuple(
        DeclarationPoint(p.point, p.content, p.text, p.when.build() if p.when else None)
        for p in model.points
    )
