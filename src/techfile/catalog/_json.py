"""Published JSON of ``techfile catalog list|search|show --json`` and ``catalog diff --json``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from techfile.catalog._diff import CatalogDiff
from techfile.catalog._requirements import Catalog, Requirement

__all__ = ["diff_json", "diff_schema", "requirements_json", "requirements_schema"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class LinkJson(_Out):
    """A crosswalk link."""

    from_: str = Field(alias="from")
    to: str
    relation: str
    rationale: str


class RequirementJson(_Out):
    """A catalog entry."""

    id: str
    source: str
    citation: str
    title: str
    summary: str
    parent: str | None
    applies_when: dict[str, Any] | None
    evidence_kinds: list[str]
    content_hash: str
    crosswalk: list[LinkJson]


class RequirementsJson(_Out):
    """``techfile catalog list|search|show --json``."""

    schema_: Literal["techfile.requirements/1"] = Field(
        default="techfile.requirements/1", alias="schema"
    )
    requirements: list[RequirementJson]


class ChangeJson(_Out):
    """A changed requirement."""

    id: str
    fields: list[str]


class DiffJson(_Out):
    """``techfile catalog diff --json``."""

    schema_: Literal["techfile.catalog-diff/1"] = Field(
        default="techfile.catalog-diff/1", alias="schema"
    )
    added: list[str]
    removed: list[str]
    changed: list[ChangeJson]


def requirements_json(catalog: Catalog, chosen: Iterable[Requirement]) -> dict[str, Any]:
    """Requirements with their crosswalk links."""
    entries = []
    for r in chosen:
        data = r.data()
        links = [
            LinkJson.model_validate(
                {
                    "from": k.source,
                    "to": k.target,
                    "relation": k.relation.value,
                    "rationale": k.rationale,
                }
            )
            for k in catalog.links
            if r.id in (k.source, k.target)
        ]
        entries.append(
            RequirementJson(
                id=r.id,
                source=r.source_id,
                citation=r.citation,
                title=r.title,
                summary=r.summary,
                parent=r.parent,
                applies_when=data.get("applies_when"),
                evidence_kinds=sorted(k.value for k in r.evidence_kinds),
                content_hash=r.content_hash,
                crosswalk=links,
            )
        )
    return RequirementsJson(requirements=entries).model_dump(mode="json", by_alias=True)


def diff_json(diff: CatalogDiff) -> dict[str, Any]:
    """The difference between two catalog versions."""
    model = DiffJson(
        added=list(diff.added),
        removed=list(diff.removed),
        changed=[ChangeJson(id=c.id, fields=list(c.fields)) for c in diff.changed],
    )
    return model.model_dump(mode="json", by_alias=True)


def requirements_schema() -> dict[str, Any]:
    """JSON Schema of ``catalog list|search|show --json``."""
    return RequirementsJson.model_json_schema(by_alias=True) | {"$id": "techfile.requirements/1"}


def diff_schema() -> dict[str, Any]:
    """JSON Schema of ``catalog diff --json``."""
    return DiffJson.model_json_schema(by_alias=True) | {"$id": "techfile.catalog-diff/1"}
