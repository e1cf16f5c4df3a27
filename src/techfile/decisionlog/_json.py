"""The published JSON of ``techfile log``: proof files, audit, statistics and proof checks.

Each document names its schema in a ``schema`` field and is written from one pydantic model,
which also gives its published JSON Schema (``techfile schema log-...``). Proof files are
read back through the same models, so what ``log prove --json`` writes is exactly what
``log verify-proof`` accepts. Hashes are lowercase hex; checkpoints are signed notes
(c2sp.org/tlog-checkpoint), as the log stores them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from techfile.decisionlog._audit import AuditFailed, AuditResult
from techfile.decisionlog._proofs import ConsistencyProof, InclusionProof, SignedCheckpoint
from techfile.decisionlog._stats import LogStats
from techfile.decisionlog.merkle import leaf_hash
from techfile.decisionlog.records import Action

__all__ = [
    "AuditJson",
    "ConsistencyProofJson",
    "InclusionProofJson",
    "ProofCheckJson",
    "StatsJson",
    "audit_json",
    "consistency_json",
    "inclusion_json",
    "schema_of",
    "stats_json",
]

_Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, lowercase hex.")]
_Size = Annotated[int, Field(ge=0)]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid", strict=True)


class InclusionProofJson(_Out):
    """``techfile log prove --json``: one entry's inclusion proof and its checkpoint."""

    schema_: Literal["techfile.log-inclusion-proof/1"] = Field(
        default="techfile.log-inclusion-proof/1", alias="schema"
    )
    origin: str = Field(description="The log's origin, as the checkpoint names it.")
    index: _Size = Field(description="The entry's 0-based index.")
    tree_size: _Size = Field(description="Size of the tree the checkpoint signs.")
    leaf: str = Field(description="The leaf data: a record's salted commitment or a tombstone.")
    leaf_hash: _Hex = Field(description="RFC 9162 leaf hash, SHA-256(0x00 || leaf).")
    hashes: list[_Hex] = Field(description="The audit path, the leaf's sibling first.")
    checkpoint: str = Field(description="The signed checkpoint note the path leads to.")


class ConsistencyProofJson(_Out):
    """``techfile log consistency --json``: a consistency proof between two checkpoints."""

    schema_: Literal["techfile.log-consistency-proof/1"] = Field(
        default="techfile.log-consistency-proof/1", alias="schema"
    )
    origin: str
    old_size: Annotated[int, Field(ge=1)]
    new_size: Annotated[int, Field(ge=1)]
    hashes: list[_Hex] = Field(description="RFC 9162 SUBPROOF order.")
    old_checkpoint: str = Field(description="The signed checkpoint of the old size.")
    new_checkpoint: str = Field(description="The signed checkpoint of the new size.")


class AuditJson(_Out):
    """``techfile log audit --json``."""

    schema_: Literal["techfile.log-audit/1"] = Field(default="techfile.log-audit/1", alias="schema")
    origin: str
    ok: bool
    size: _Size | None = Field(description="Entries audited (when the audit passed).")
    checkpoints: _Size | None = Field(description="Checkpoints verified (when it passed).")
    first_bad_index: _Size | None = Field(description="The first bad entry (when it failed).")
    part: Literal["leaf", "node", "payload", "checkpoint"] | None
    reason: str | None
    checkpoint_size: _Size | None = Field(description="Size of the checkpoint involved.")


class StatsJson(_Out):
    """``techfile log stats --json``."""

    schema_: Literal["techfile.log-stats/1"] = Field(default="techfile.log-stats/1", alias="schema")
    origin: str
    size: _Size
    checkpoints: _Size
    latest_checkpoint: _Size | None
    decisions: _Size
    oversight: dict[Action, _Size] = Field(description="Oversight records by action.")
    oversight_erased: _Size = Field(description="Oversight records whose action was erased.")
    overseen_decisions: _Size
    override_rate: Annotated[float, Field(ge=0, le=1)] | None = Field(
        description="Overrides per readable oversight record; null without any."
    )
    erased: _Size
    first_recorded: dt.datetime | None
    last_recorded: dt.datetime | None


class ProofCheckJson(_Out):
    """``techfile log verify-proof --json``."""

    schema_: Literal["techfile.log-proof-check/1"] = Field(
        default="techfile.log-proof-check/1", alias="schema"
    )
    ok: bool
    kind: Literal["inclusion", "consistency"]
    origin: str
    tree_size: _Size = Field(description="Size of the (newer) checkpoint the proof is for.")
    detail: str = Field(description="What was shown, or why the proof was rejected.")


def _hex(values: tuple[bytes, ...]) -> list[str]:
    return [value.hex() for value in values]


def inclusion_json(proof: InclusionProof, origin: str) -> InclusionProofJson:
    """Return the proof file of an inclusion proof."""
    return InclusionProofJson(
        origin=origin,
        index=proof.index,
        tree_size=proof.checkpoint.checkpoint.size,
        leaf=proof.leaf.decode("utf-8", errors="replace"),
        leaf_hash=leaf_hash(proof.leaf).hex(),
        hashes=_hex(proof.hashes),
        checkpoint=proof.checkpoint.note,
    )


def consistency_json(
    proof: ConsistencyProof, origin: str, old: SignedCheckpoint, new: SignedCheckpoint
) -> ConsistencyProofJson:
    """Return the proof file of a consistency proof between two signed checkpoints."""
    return ConsistencyProofJson(
        origin=origin,
        old_size=proof.old_size,
        new_size=proof.new_size,
        hashes=_hex(proof.hashes),
        old_checkpoint=old.note,
        new_checkpoint=new.note,
    )


def audit_json(result: AuditResult, origin: str) -> AuditJson:
    """Return the JSON of an audit result."""
    if isinstance(result, AuditFailed):
        return AuditJson(
            origin=origin,
            ok=False,
            size=None,
            checkpoints=None,
            first_bad_index=result.first_bad_index,
            part=result.part.value,
            reason=result.reason,
            checkpoint_size=result.checkpoint_size,
        )
    return AuditJson(
        origin=origin,
        ok=True,
        size=result.size,
        checkpoints=result.checkpoints,
        first_bad_index=None,
        part=None,
        reason=None,
        checkpoint_size=None,
    )


def stats_json(stats: LogStats, origin: str) -> StatsJson:
    """Return the JSON of a log's statistics."""
    return StatsJson(
        origin=origin,
        size=stats.size,
        checkpoints=stats.checkpoints,
        latest_checkpoint=stats.latest_checkpoint,
        decisions=stats.decisions,
        oversight=dict(stats.oversight),
        oversight_erased=stats.oversight_erased,
        overseen_decisions=stats.overseen_decisions,
        override_rate=stats.override_rate,
        erased=stats.erased,
        first_recorded=stats.first_recorded,
        last_recorded=stats.last_recorded,
    )


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """Return the published JSON Schema of one of this module's documents."""
    schema = model.model_json_schema(by_alias=True)
    default = model.model_fields["schema_"].default
    return schema | {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": default}
