"""The published JSON Schemas, by name (``techfile schema NAME``).

Every JSON output of techfile has a stable, documented schema; this registry names them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from techfile.assess import gaps_schema
from techfile.catalog._json import diff_schema, requirements_schema
from techfile.classify._json import classification_schema
from techfile.decisionlog._json import (
    AuditJson,
    ConsistencyProofJson,
    InclusionProofJson,
    ProofCheckJson,
    StatsJson,
    schema_of,
)
from techfile.evidence._json import list_schema, verify_schema
from techfile.project._schema import facts_schema, manifest_schema

__all__ = ["SCHEMAS", "schema"]

SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "catalog-diff": diff_schema,
    "classification": classification_schema,
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
    "requirements": requirements_schema,
}
"""Schema producers by name."""


def schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema called ``name``.

    Raises:
        KeyError: No schema has that name.
    """
    return SCHEMAS[name]()
