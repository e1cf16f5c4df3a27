"""The SBOM as evidence: a signed record of kind ``sbom`` for the technical file.

The record pins the SBOM file. Its details summarise the inventory the technical file shows:
counts by component type, the models and datasets with their SHA-256, components without a
licence or a hash, and components whose declared support has ended by the recording date
(MDCG 2019-16 rev.1 §3.8: third-party components in the product lifecycle). Its outcome is
INFO: an inventory states, it does not check; the requirements that ask for one are linked by
the catalog's evidence kinds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from techfile.catalog import EvidenceKind
from techfile.evidence import Draft, Outcome, Subject
from techfile.sbom._bom import PROPERTY_PREFIX
from techfile.sbom._read import SbomDocument

__all__ = ["sbom_details", "sbom_draft"]

_ML_TYPES = ("machine-learning-model", "data")


def sbom_details(document: SbomDocument, today: dt.date) -> dict[str, object]:
    """The figures the technical file shows for an SBOM."""
    components = document.components
    ended = []
    for c in components:
        end = c.property(f"{PROPERTY_PREFIX}support:end")
        level = c.property(f"{PROPERTY_PREFIX}support:level")
        if level == "end_of_life" or (end is not None and end < today.isoformat()):
            ended.append({"name": c.name, "version": c.version, "level": level, "end": end})
    return {
        "spec_version": document.spec_version,
        "serial_number": document.serial_number,
        "components": len(components),
        "by_type": dict(sorted(Counter(c.type for c in components).items())),
        "ml": [
            {"type": c.type, "name": c.name, "version": c.version, "sha256": list(c.sha256)}
            for c in components
            if c.type in _ML_TYPES
        ],
        "without_hash": sorted(c.name for c in components if not c.sha256),
        "with_support": sum(
            1 for c in components if c.property(f"{PROPERTY_PREFIX}support:level") is not None
        ),
        "support_ended": ended,
    }


def sbom_draft(document: SbomDocument, subject: Subject, today: dt.date) -> Draft:
    """The evidence draft of an SBOM pinned by ``subject``."""
    details = sbom_details(document, today)
    ml = len(details["ml"])  # type: ignore[arg-type]  # a list built above
    ended = len(details["support_ended"])  # type: ignore[arg-type]  # a list built above
    summary = (
        f"CycloneDX {document.spec_version} SBOM: {len(document.components)} components "
        f"({ml} models or datasets); {ended} past end of support"
    )
    return Draft(EvidenceKind.SBOM, (subject,), Outcome.INFO, summary, details)
