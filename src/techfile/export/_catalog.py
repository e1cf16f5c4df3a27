"""The techfile catalog as an OSCAL catalog, built with compliance-trestle's models.

Mapping (each rule keeps the export lossless for what a reviewer needs):

- one group per legal source: id from the source id, its title, and properties for its
  version, legal status date, kind, act, entry into force and amending acts;
- one control per requirement, nested under its ``parent``; the control id is the techfile id
  as an OSCAL token (`control_id`), the original id is the ``techfile-id`` property and the
  OSCAL ``label``; the citation, content hash and accepted evidence kinds are properties; the
  summary is the ``statement`` part (id ``<control>_smt``);
- each crosswalk link is a control link on its ``from`` requirement: ``href`` ``#<to-control>``,
  ``rel`` the relation (equivalent, overlaps, supports, refines), text the rationale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from trestle.oscal.catalog import Catalog as OscalCatalog
from trestle.oscal.catalog import Control, Group2
from trestle.oscal.common import Link, Part, Property

from techfile.catalog import Catalog, Requirement, RequirementId, Source
from techfile.export._document import (
    PLACEHOLDER,
    catalog_date,
    content_uuid,
    metadata,
    oscal_prop,
    techfile_prop,
)
from techfile.export._identity import control_ids, one_line, statement_id, token
from techfile.export.errors import ExportError

__all__ = ["build_catalog"]

_CHILDLESS: tuple[Requirement, ...] = ()


def build_catalog(catalog: Catalog) -> OscalCatalog:
    """Return the catalog as an OSCAL catalog (deterministic: same catalog, same model).

    Raises:
        ExportError: Two requirement ids map to one control id, or a parent or crosswalk link
            names a requirement the catalog lacks.
    """
    ids = control_ids(catalog.requirements)
    orphans = [r.id for r in catalog if r.parent is not None and r.parent not in ids]
    if orphans:
        msg = f"requirements {', '.join(orphans)} name a parent the catalog lacks"
        raise ExportError(msg)
    links = _crosswalk(catalog, ids)
    children: dict[RequirementId | None, list[Requirement]] = defaultdict(list)
    for requirement in catalog:
        children[requirement.parent].append(requirement)

    def control(requirement: Requirement) -> Control:
        nested = [control(c) for c in children.get(requirement.id, _CHILDLESS)]
        return _control(requirement, ids[requirement.id], links.get(requirement.id), nested)

    groups = [
        _group(source, [control(r) for r in children[None] if r.source_id == source.id])
        for source in catalog.sources
    ]
    day = catalog_date(catalog)
    document = OscalCatalog(
        uuid=PLACEHOLDER,
        metadata=metadata(
            title="techfile requirement catalog: " + ", ".join(s.id for s in catalog.sources),
            last_modified=day,
            version=day.date().isoformat(),
            props=[techfile_prop("requirements", str(len(catalog)))],
            remarks=(
                "Control ids are techfile requirement ids in lower case; the techfile-id "
                "property keeps the original id. Crosswalk links go from the 'from' requirement "
                "to the 'to' requirement, with the relation as rel."
            ),
        ),
        groups=groups or None,
    )
    document.uuid = content_uuid("catalog", document)
    return document


def _crosswalk(catalog: Catalog, ids: Mapping[str, str]) -> dict[RequirementId, list[Link]]:
    links: dict[RequirementId, list[Link]] = defaultdict(list)
    for link in catalog.links:
        if link.source not in ids or link.target not in ids:
            msg = f"crosswalk link {link.source} -> {link.target} names an unknown requirement"
            raise ExportError(msg)
        links[link.source].append(
            Link(
                href=f"#{ids[link.target]}",
                rel=link.relation.value,
                text=one_line(link.rationale) or None,
            )
        )
    return links


def _control(
    requirement: Requirement,
    cid: str,
    links: Sequence[Link] | None,
    nested: Sequence[Control],
) -> Control:
    props = [
        oscal_prop("label", requirement.id),
        techfile_prop("techfile-id", requirement.id),
        techfile_prop("citation", requirement.citation),
    ]
    if requirement.content_hash:
        props.append(techfile_prop("content-hash", requirement.content_hash))
    props += [techfile_prop("evidence-kind", kind) for kind in sorted(requirement.evidence_kinds)]
    return Control(
        id=cid,
        title=one_line(requirement.title),
        props=props,
        links=list(links) if links else None,
        parts=[Part(id=statement_id(cid), name="statement", prose=requirement.summary.strip())],
        controls=list(nested) or None,
    )


def _group(source: Source, controls: list[Control]) -> Group2:
    props: list[Property] = [
        techfile_prop("source-id", source.id),
        techfile_prop("version", source.version),
        techfile_prop("legal-status-as-of", source.legal_status_as_of.isoformat()),
        techfile_prop("source-kind", source.kind),
    ]
    if source.act:
        props.append(techfile_prop("act", source.act))
    if source.entry_into_force is not None:
        props.append(techfile_prop("entry-into-force", source.entry_into_force.isoformat()))
    props += [techfile_prop("amended-by", amendment.act) for amendment in source.amended_by]
    return Group2(
        id=token(source.id), title=one_line(source.title), props=props, controls=controls or None
    )
