"""What signing and verifying a release bundle give back: values with their reasons.

Verification returns `ReleaseVerified` or `ReleaseRejected` (STYLE C3). A rejection names
the attack or defect it found (`Failure`), the bundle file concerned, and a message that says
what was expected and what was found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from techfile.release._roles import Role

__all__ = [
    "Failure",
    "ReleaseRejected",
    "ReleaseVerified",
    "RoleState",
    "SignedBundle",
    "Target",
    "Verification",
]


class Failure(StrEnum):
    """Why a bundle must not be installed."""

    ROLLBACK = "rollback"
    """Older than the release the device already trusts (TUF §5.4.3, §5.5.5)."""
    EXPIRED = "expired"
    """Metadata expired at the reference time: a freeze attack or a stale bundle (§5.3.10,
    §5.4.4, §5.5.6, §5.6.6)."""
    MIX_AND_MATCH = "mix_and_match"
    """Metadata files from different releases: versions or hashes do not match the file that
    pins them (§5.5.2, §5.5.4, §5.6.2, §5.6.4)."""
    WRONG_KEY = "wrong_key"
    """Not signed by the threshold of keys the trusted root names for the role."""
    TARGET_MISMATCH = "target_mismatch"
    """A file's length or hash differs from targets.json: tampered or damaged (§5.7.3)."""
    TARGET_MISSING = "target_missing"
    """A file that targets.json lists is not in the bundle."""
    UNLISTED_FILE = "unlisted_file"
    """A file in the bundle's targets folder that targets.json does not list."""
    COUNTER_REUSED = "counter_reused"
    """The release counter the device trusts, reused for different metadata."""
    UNTRUSTED_STATE = "untrusted_state"
    """The device's saved state is not signed by trusted keys (damaged or tampered)."""
    INVALID_METADATA = "invalid_metadata"
    """Metadata that is signed but breaks another rule (e.g. a root of the wrong version)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A file of the release, as targets.json pins it."""

    path: str
    """Path within the bundle's ``targets/`` folder (forward slashes)."""
    length: int
    """Length in bytes."""
    sha256: str
    """Hex SHA-256."""


@dataclass(frozen=True, slots=True)
class RoleState:
    """One role's trusted metadata after verification."""

    role: Role
    """The role."""
    version: int
    """Its metadata version."""
    expires: dt.datetime
    """When it expires."""
    keyids: tuple[str, ...]
    """The keys the trusted root names for it."""
    threshold: int
    """Signatures it needs."""
    signed_by: tuple[str, ...]
    """The trusted keys whose signatures verified."""


@dataclass(frozen=True, slots=True)
class SignedBundle:
    """A bundle `sign_bundle` wrote."""

    bundle: Path
    """The bundle folder."""
    counter: int
    """Release counter: the version of targets, snapshot and timestamp."""
    label: str | None
    """The release's label (e.g. the software version), if given."""
    expires: dt.datetime
    """When targets, snapshot and timestamp expire."""
    root_version: int
    """Version of the root the bundle carries."""
    targets: tuple[Target, ...]
    """Its files."""
    signed_by: dict[Role, tuple[str, ...]]
    """Key ids that signed each bundle role."""
    warnings: tuple[str, ...] = ()
    """Things to know (e.g. the root expires before the bundle)."""


@dataclass(frozen=True, slots=True)
class ReleaseVerified:
    """The bundle may be installed: every check passed."""

    bundle: Path
    """The bundle folder."""
    reference_time: dt.datetime
    """The time expiry was checked against."""
    counter: int
    """Release counter (the trusted targets version)."""
    label: str | None
    """The release's label, if any."""
    roles: tuple[RoleState, ...]
    """Root, timestamp, snapshot, targets: versions, expiry, keys."""
    targets: tuple[Target, ...]
    """Every file, verified."""
    state: Path | None
    """The device state folder used (None: no rollback check against earlier releases)."""
    trusted_before: int | None
    """The release counter the state held before (None: no state, or an empty one)."""
    already_trusted: bool = False
    """The state held exactly this release already (a re-verification)."""
    state_updated: bool = False
    """The state now holds this release."""

    @property
    def expires(self) -> dt.datetime:
        """The earliest expiry of the bundle's metadata: install before then."""
        return min(r.expires for r in self.roles)


@dataclass(frozen=True, slots=True)
class ReleaseRejected:
    """The bundle must not be installed."""

    bundle: Path
    """The bundle folder."""
    reference_time: dt.datetime
    """The time expiry was checked against."""
    reason: Failure
    """What was found."""
    message: str
    """What was expected and found, for people."""
    file: str | None
    """The bundle file concerned (relative to the bundle), where known."""
    state: Path | None
    """The device state folder used."""
    trusted_before: int | None
    """The release counter the state holds (unchanged)."""


Verification = ReleaseVerified | ReleaseRejected
"""The result of `verify_bundle`."""
