"""Read and check the requirement catalogs (``catalog/data/requirements/*.yaml``).

Each file is one legal source: its header, optionally the condition under which the whole source
applies (the MDR file only to MDR devices), and its entries. The crosswalk file holds links.
`check_catalog` proves ids are unique, parents and crosswalk targets exist and conditions only
read known facts (STYLE B6).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import yaml
from pydantic import Field

from techfile.catalog._conditions import Condition, condition_to_data, fact_names
from techfile.catalog._edge import ConditionModel, SourceModel, StrictModel
from techfile.catalog._requirements import (
    Catalog,
    CrosswalkLink,
    EvidenceKind,
    Relation,
    Requirement,
    RequirementId,
)
from techfile.catalog._source import Source
from techfile.errors import Error, InputError
from techfile.located import load_yaml, validate

__all__ = [
    "APPLICABILITY_FACTS",
    "CatalogDataError",
    "check_catalog",
    "dump_catalog",
    "load_catalog",
    "requirements_dir",
]

APPLICABILITY_FACTS = frozenset(
    {
        # from the classification
        "regulation", "class", "ai_act_high_risk", "is_ai_system", "notified_body_required",
        "sterile", "measuring_function", "implantable",
        # from the manifest's characteristics
        "software_only", "connected", "has_ml_model", "lay_users", "energy_or_radiation",
        "has_alarms", "incorporates_substances", "processes_personal_data",
    }
)  # fmt: skip
"""The facts an ``applies_when`` may read."""

_ID_PATTERN = r"^[A-Z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)*$"


class CatalogDataError(Error):
    """The catalog files do not fit together (a defect of the data, not of the user's input)."""


class _RequirementModel(StrictModel):
    id: str = Field(pattern=_ID_PATTERN)
    citation: str = Field(min_length=1)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    parent: str | None = None
    applies_when: ConditionModel | None = None
    evidence_kinds: list[EvidenceKind] = Field(min_length=1)


class _LinkModel(StrictModel):
    from_: str = Field(alias="from")
    to: str
    relation: Relation
    rationale: str = Field(min_length=1)


class _CatalogFileModel(StrictModel):
    source: SourceModel
    applies_when: ConditionModel | None = None
    requirements: list[_RequirementModel] = Field(default_factory=list)
    links: list[_LinkModel] = Field(default_factory=list)


def requirements_dir() -> Path:
    """The folder of the bundled requirement catalogs."""
    return Path(str(resources.files("techfile.catalog") / "data" / "requirements"))


@functools.cache
def load_catalog(folder: Path | None = None) -> Catalog:
    """Load and check every catalog file of a folder (the bundled catalog by default).

    Raises:
        InputError: A file is malformed (located).
        CatalogDataError: Ids collide or references dangle.
    """
    folder = folder or requirements_dir()
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        msg = f"{folder}: no catalog files (*.yaml)"
        raise InputError(msg)
    catalog = _merge(validate(_CatalogFileModel, load_yaml(p, fast=True)) for p in paths)
    problems = check_catalog(catalog)
    if problems:
        raise CatalogDataError(f"{folder}: " + "; ".join(problems[:20]))
    return catalog


def _merge(files: Iterable[_CatalogFileModel]) -> Catalog:
    sources: list[Source] = []
    scopes: dict[str, Condition | None] = {}
    requirements: dict[RequirementId, Requirement] = {}
    links: list[CrosswalkLink] = []
    duplicates: list[str] = []
    for f in files:
        source = f.source.build()
        sources.append(source)
        scopes[source.id] = f.applies_when.build() if f.applies_when else None
        for r in f.requirements:
            rid = RequirementId(r.id)
            if rid in requirements:
                duplicates.append(rid)
            requirements[rid] = Requirement(
                rid,
                source.id,
                r.citation,
                r.title,
                r.summary,
                frozenset(r.evidence_kinds),
                RequirementId(r.parent) if r.parent else None,
                r.applies_when.build() if r.applies_when else None,
            ).with_hash()
        links += [
            CrosswalkLink(RequirementId(k.from_), RequirementId(k.to), k.relation, k.rationale)
            for k in f.links
        ]
    if duplicates:
        raise CatalogDataError("duplicate requirement ids: " + ", ".join(sorted(set(duplicates))))
    return Catalog(tuple(sources), scopes, requirements, tuple(links))


def check_catalog(catalog: Catalog) -> list[str]:
    """Return every dangling reference or unknown fact in a catalog (empty when sound)."""
    problems: list[str] = []
    for r in catalog:
        if r.parent is not None and r.parent not in catalog.requirements:
            problems.append(f"{r.id}: parent {r.parent} does not exist")
        if r.applies_when is not None:
            unknown = set(fact_names(r.applies_when)) - APPLICABILITY_FACTS
            problems += [f"{r.id}: applies_when reads unknown fact {n}" for n in sorted(unknown)]
    for source_id, scope in catalog.scopes.items():
        if scope is not None:
            unknown = set(fact_names(scope)) - APPLICABILITY_FACTS
            problems += [f"{source_id}: applies_when reads unknown fact {n}" for n in unknown]
    for link in catalog.links:
        for end in (link.source, link.target):
            if end not in catalog.requirements:
                problems.append(f"crosswalk {link.source} -> {link.target}: {end} does not exist")
        if link.source == link.target:
            problems.append(f"crosswalk links {link.source} to itself")
    return problems


def dump_catalog(catalog: Catalog, folder: Path) -> list[Path]:
    """Write a catalog back as one YAML file per source (inverse of `load_catalog`)."""
    written: list[Path] = []
    folder.mkdir(parents=True, exist_ok=True)
    for source in catalog.sources:
        data: dict[str, object] = {"source": _source_data(source)}
        scope = catalog.scopes.get(source.id)
        if scope is not None:
            data["applies_when"] = condition_to_data(scope)
        entries = [r.data() for r in catalog if r.source_id == source.id]
        if entries:
            data["requirements"] = entries
        if source.id == "crosswalk":
            data["links"] = [
                {
                    "from": k.source,
                    "to": k.target,
                    "relation": str(k.relation),
                    "rationale": k.rationale,
                }
                for k in catalog.links
            ]
        path = folder / f"{source.id}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        written.append(path)
    return written


def _source_data(source: Source) -> dict[str, object]:
    data: dict[str, object] = {"id": source.id, "title": source.title}
    if source.act is not None:
        data["act"] = source.act
    data |= {
        "kind": source.kind,
        "version": source.version,
        "legal_status_as_of": source.legal_status_as_of,
    }
    if source.entry_into_force is not None:
        data["entry_into_force"] = source.entry_into_force
    if source.amended_by:
        data["amended_by"] = [
            {"act": a.act, "in_force": a.in_force, "summary": a.summary} for a in source.amended_by
        ]
    return data
