"""Published JSON of ``techfile evidence list --json`` and ``evidence verify --json``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from techfile.evidence._ledger import Ledger, changed_subjects

__all__ = ["list_json", "list_schema", "verify_json", "verify_schema"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")


class RecordJson(_Out):
    """A trusted evidence record."""

    record: str = Field(description="SHA-256 of the envelope (its file name).")
    kind: str
    outcome: str
    summary: str
    recorded_at: str
    requirements: list[str]
    stale: list[str] = Field(description="Artefacts changed since the record was made.")


class ListJson(_Out):
    """``techfile evidence list --json``."""

    schema_: Literal["techfile.evidence-list/1"] = Field(
        default="techfile.evidence-list/1", alias="schema"
    )
    records: list[RecordJson]


class RejectedJson(_Out):
    """An untrusted record and why."""

    record: str
    reason: str


class VerifyJson(_Out):
    """``techfile evidence verify --json``."""

    schema_: Literal["techfile.evidence-verify/1"] = Field(
        default="techfile.evidence-verify/1", alias="schema"
    )
    verified: list[str]
    rejected: list[RejectedJson]


def list_json(ledger: Ledger, current: Callable[[str], str | None]) -> dict[str, Any]:
    """The trusted records with their freshness."""
    records = [
        RecordJson(
            record=v.record.digest,
            kind=v.record.kind.value,
            outcome=v.record.outcome.value,
            summary=v.record.summary,
            recorded_at=v.record.recorded_at.isoformat(),
            requirements=[link.requirement for link in v.record.links],
            stale=list(changed_subjects(v, current)),
        )
        for v in ledger.verified
    ]
    return ListJson(records=records).model_dump(mode="json", by_alias=True)


def verify_json(ledger: Ledger) -> dict[str, Any]:
    """Which records verified and which were rejected."""
    model = VerifyJson(
        verified=[v.record.digest for v in ledger.verified],
        rejected=[RejectedJson(record=r.name, reason=r.reason) for r in ledger.rejected],
    )
    return model.model_dump(mode="json", by_alias=True)


def list_schema() -> dict[str, Any]:
    """JSON Schema of ``evidence list --json``."""
    return ListJson.model_json_schema(by_alias=True) | {"$id": "techfile.evidence-list/1"}


def verify_schema() -> dict[str, Any]:
    """JSON Schema of ``evidence verify --json``."""
    return VerifyJson.model_json_schema(by_alias=True) | {"$id": "techfile.evidence-verify/1"}
