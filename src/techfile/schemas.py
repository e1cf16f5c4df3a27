"""The published JSON Schemas, by name (``techfile schema NAME``).

Every JSON output of techfile has a stable, documented schema; this registry names them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from techfile.assess import gaps_schema
from techfile.catalog._json import diff_schema, requirements_schema
from techfile.classify._json import classification_schema
from techfile.datagov import datagov_schema
from techfile.decisionlog._json import (
    AuditJson,
    ConsistencyProofJson,
    InclusionProofJson,
    ProofCheckJson,
    StatsJson,
    schema_of,
)
from techfile.evaluate import evaluation_schema
from techfile.evidence._json import list_schema, verify_schema
from techfile.project._schema import facts_schema, manifest_schema
from techfile.release import key_schema, root_schema, sign_schema
from techfile.release import verify_schema as release_verify_schema
from techfile.risk import risk_check_schema, risks_schema
from techfile.sbom._json import sbom_schema
from techfile.sbom.vulns import vulns_schema
from techfile.security import security_docs_schema

__all__ = ["SCHEMAS", "schema"]

SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "catalog-diff": diff_schema,
    "classification": classification_schema,
    "datagov": datagov_schema,
    "evaluation": evaluation_schema,
    "evidence-list": list_schema,
    "evidence-verify": verify_schema,
    "facts": facts_schema,
    "gaps": gaps_schema,
    "log-audit": lambda: schema_of(AuditJson),
    "log-consistency-proof": lambda: schema_of(ConsistencyProofJson),
    "log-inclusion-proof": lambda: schema_of(InclusionProofJson),
    "log-proof-check": lambda: schema_of(ProofCheckJson),
    "log-stats": lambda: schema_of(StatsJson),
    "manifest": manifest_schema,
    "release-key": key_schema,
    "release-root": root_schema,
    "release-sign": sign_schema,
    "release-verify": release_verify_schema,
    "requirements": requirements_schema,
    "risk-check": risk_check_schema,
    "risks": risks_schema,
    "sbom": sbom_schema,
    "security-docs": security_docs_schema,
    "vulns": vulns_schema,
}
"""Schema producers by name."""


def schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema called ``name``.

    Raises:
        KeyError: No schema has that name.
    """
    return SCHEMAS[name]()
