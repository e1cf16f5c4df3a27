"""The published JSON of ``techfile sbom --json`` (``techfile schema sbom``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SCHEMA_ID", "SbomJson", "sbom_schema"]

SCHEMA_ID = "https://techfile.dev/schemas/sbom/v1"


class _Json(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class MlJson(_Json):
    """A model or dataset component."""

    type: str
    name: str
    version: str
    sha256: list[str]


class SupportEndedJson(_Json):
    """A component whose declared support has ended."""

    name: str
    version: str
    level: str | None
    end: str | None


class SbomJson(_Json):
    """``techfile sbom --json``: what was written."""

    schema_: str = Field(default=SCHEMA_ID, alias="$schema")
    out: str = Field(description="The SBOM file written.")
    spec_version: str
    serial_number: str | None
    components: int
    by_type: dict[str, int]
    ml: list[MlJson]
    without_hash: list[str]
    with_support: int
    support_ended: list[SupportEndedJson]


def sbom_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile sbom --json``."""
    schema = SbomJson.model_json_schema(by_alias=True)
    return schema | {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID}
