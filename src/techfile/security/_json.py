"""The published JSON of ``techfile security docs --json`` (``techfile schema security-docs``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from techfile.security._docs import SecurityDocs
from techfile.security._support import Coverage

__all__ = ["SecurityDocsJson", "security_docs_json", "security_docs_schema"]

SCHEMA_ID = "https://techfile.dev/schemas/security-docs/v1"


class _Json(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FileJson(_Json):
    """A document written."""

    name: str
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ComponentJson(_Json):
    """A component's declared support against the device's."""

    name: str
    level: str = Field(description="active, security_only or end_of_life.")
    end: str | None = Field(description="Last day of support (ISO date), if declared.")
    coverage: Coverage


class SecurityDocsJson(_Json):
    """``techfile security docs --json``: what was written and what needs a plan."""

    schema_: str = Field(default=SCHEMA_ID, alias="$schema")
    files: list[FileJson]
    support_end: str = Field(description="Last day of security updates for the device.")
    support_ended: bool
    security_txt_expires: str = Field(description="security.txt's Expires (RFC 3339).")
    components: list[ComponentJson]
    warnings: list[str]


def security_docs_json(docs: SecurityDocs) -> dict[str, Any]:
    """The JSON of written security documents."""
    document = SecurityDocsJson.model_validate(
        {
            "files": [
                {"name": f.name, "path": f.path.as_posix(), "sha256": f.sha256} for f in docs.files
            ],
            "support_end": docs.support.device_end.isoformat(),
            "support_ended": docs.support.ended,
            "security_txt_expires": docs.expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "components": [
                {
                    "name": c.name,
                    "level": c.level.value,
                    "end": c.end.isoformat() if c.end else None,
                    "coverage": c.coverage,
                }
                for c in docs.support.components
            ],
            "warnings": list(docs.warnings),
        }
    )
    return document.model_dump(mode="json", by_alias=True)


def security_docs_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile security docs --json``."""
    schema = SecurityDocsJson.model_json_schema(by_alias=True)
    return schema | {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID}
