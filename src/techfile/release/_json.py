"""The published JSON of ``techfile release`` (``techfile schema release-...``).

``release verify --json`` writes `VerifyJson`, which is also the ``details`` of a ``release``
evidence record: ``verified``, and either the trusted release (``counter``, ``roles`` with
versions, expiry and key ids, ``targets`` with lengths and SHA-256) or the ``reason`` (one of
the `Failure` values) and ``message`` of the rejection.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from techfile.release._keys import GeneratedKey, KeyType
from techfile.release._result import (
    Failure,
    ReleaseVerified,
    RoleState,
    SignedBundle,
    Target,
    Verification,
)
from techfile.release._roles import Role
from techfile.release._root import RootInfo

__all__ = [
    "KeyJson",
    "RootJson",
    "SignJson",
    "VerifyJson",
    "key_json",
    "key_schema",
    "root_json",
    "root_schema",
    "sign_json",
    "sign_schema",
    "verify_json",
    "verify_schema",
]

_BASE = "https://techfile.dev/schemas/"


class _Json(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TargetJson(_Json):
    """A file of the release."""

    path: str = Field(description="Path within the bundle's targets/ folder.")
    length: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Hex SHA-256.")


class RoleJson(_Json):
    """One role's trusted metadata."""

    role: Role
    version: int = Field(ge=1)
    expires: str = Field(description="ISO 8601 time, UTC.")
    keyids: list[str] = Field(description="Keys the trusted root names for the role.")
    threshold: int = Field(ge=1)
    signed_by: list[str] = Field(description="Trusted keys whose signatures verified.")


class KeyJson(_Json):
    """``techfile release keygen --json``."""

    schema_: str = Field(default=f"{_BASE}release-key/v1", alias="$schema")
    private: str = Field(description="Encrypted PKCS#8 PEM file.")
    public: str = Field(description="SubjectPublicKeyInfo PEM file.")
    keyid: str
    type: KeyType


class RootRoleJson(_Json):
    """A role in the root."""

    keyids: list[str]
    threshold: int = Field(ge=1)


class RootJson(_Json):
    """``techfile release root --json``."""

    schema_: str = Field(default=f"{_BASE}release-root/v1", alias="$schema")
    out: str = Field(description="The root file written.")
    version: int = Field(ge=1)
    expires: str
    roles: dict[Role, RootRoleJson]


class SignJson(_Json):
    """``techfile release sign --json``."""

    schema_: str = Field(default=f"{_BASE}release-sign/v1", alias="$schema")
    bundle: str
    counter: int = Field(ge=1, description="Release counter (targets/snapshot/timestamp version).")
    label: str | None
    expires: str
    root_version: int = Field(ge=1)
    targets: list[TargetJson]
    signed_by: dict[Role, list[str]]
    warnings: list[str]


class VerifyJson(_Json):
    """``techfile release verify --json``; the details of a ``release`` evidence record."""

    schema_: str = Field(default=f"{_BASE}release-verify/v1", alias="$schema")
    verified: bool
    bundle: str
    reference_time: str = Field(description="The time expiry was checked against (UTC).")
    reason: Failure | None = Field(description="Why the bundle was rejected (null: verified).")
    message: str
    file: str | None = Field(description="The bundle file concerned, if rejected.")
    counter: int | None = Field(description="Release counter of the verified release.")
    label: str | None
    expires: str | None = Field(description="Earliest expiry of the release's metadata.")
    roles: list[RoleJson]
    targets: list[TargetJson]
    state: str | None = Field(description="Device state folder (null: no rollback check).")
    trusted_before: int | None = Field(description="Counter the state held before.")
    already_trusted: bool
    state_updated: bool


def _target(t: Target) -> dict[str, object]:
    return {"path": t.path, "length": t.length, "sha256": t.sha256}


def _role(r: RoleState) -> dict[str, object]:
    return {
        "role": r.role,
        "version": r.version,
        "expires": r.expires.isoformat(),
        "keyids": list(r.keyids),
        "threshold": r.threshold,
        "signed_by": list(r.signed_by),
    }


def _dump(model: _Json) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


def key_json(key: GeneratedKey) -> dict[str, Any]:
    """The JSON of a new key pair."""
    return _dump(
        KeyJson(
            private=key.private.as_posix(),
            public=key.public.as_posix(),
            keyid=key.keyid,
            type=key.type,
        )
    )


def root_json(out: str, info: RootInfo) -> dict[str, Any]:
    """The JSON of a new root."""
    roles = {
        r: RootRoleJson(keyids=list(info.keyids[r]), threshold=info.thresholds[r]) for r in Role
    }
    return _dump(
        RootJson(out=out, version=info.version, expires=info.expires.isoformat(), roles=roles)
    )


def sign_json(signed: SignedBundle) -> dict[str, Any]:
    """The JSON of a signed bundle."""
    return _dump(
        SignJson.model_validate(
            {
                "bundle": signed.bundle.as_posix(),
                "counter": signed.counter,
                "label": signed.label,
                "expires": signed.expires.isoformat(),
                "root_version": signed.root_version,
                "targets": [_target(t) for t in signed.targets],
                "signed_by": {r: list(k) for r, k in signed.signed_by.items()},
                "warnings": list(signed.warnings),
            }
        )
    )


def verify_json(result: Verification, *, bundle: str | None = None) -> dict[str, Any]:
    """The JSON of a verification (``bundle`` replaces the folder's name, e.g. relative)."""
    common: dict[str, object] = {
        "bundle": bundle or result.bundle.as_posix(),
        "reference_time": result.reference_time.isoformat(),
        "state": result.state.as_posix() if result.state else None,
        "trusted_before": result.trusted_before,
    }
    if isinstance(result, ReleaseVerified):
        document = common | {
            "verified": True,
            "reason": None,
            "message": f"release {result.counter} verified: {len(result.targets)} file(s)",
            "file": None,
            "counter": result.counter,
            "label": result.label,
            "expires": result.expires.isoformat(),
            "roles": [_role(r) for r in result.roles],
            "targets": [_target(t) for t in result.targets],
            "already_trusted": result.already_trusted,
            "state_updated": result.state_updated,
        }
    else:
        document = common | {
            "verified": False,
            "reason": result.reason,
            "message": result.message,
            "file": result.file,
            "counter": None,
            "label": None,
            "expires": None,
            "roles": [],
            "targets": [],
            "already_trusted": False,
            "state_updated": False,
        }
    return _dump(VerifyJson.model_validate(document))


def _schema(model: type[_Json], name: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True)
    return schema | {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{_BASE}{name}/v1",
    }


def key_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile release keygen --json``."""
    return _schema(KeyJson, "release-key")


def root_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile release root --json``."""
    return _schema(RootJson, "release-root")


def sign_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile release sign --json``."""
    return _schema(SignJson, "release-sign")


def verify_schema() -> dict[str, Any]:
    """The JSON Schema of ``techfile release verify --json``."""
    return _schema(VerifyJson, "release-verify")
