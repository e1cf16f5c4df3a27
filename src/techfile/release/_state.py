"""The device's trusted state: the TUF metadata of the last release it accepted.

The state folder has python-tuf's client layout (``root_history/N.root.json``,
``timestamp.json``, ``snapshot.json``, ``targets.json``). Rollback protection rests on it: a
bundle older than what the state holds is refused (TUF specification §5.4.3, §5.5.5).

python-tuf treats a local file that does not verify as absent, which is right for a cache
but would quietly drop the rollback check on a device whose state was damaged or tampered
with. So the state is checked here first, and a state file that does not verify against
the trusted root chain is a finding, never ignored. Verification runs on a copy; the state
changes only after the whole bundle verified, timestamp last (the file that anchors the
rollback check).

Rules enforced: every state file parses (else bad input, located) and is signed by the
threshold of its role's keys in the newest root the chain reaches (else untrusted state).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuf.api.exceptions import UnsignedMetadataError
from tuf.api.metadata import Metadata, Root

from techfile.project import atomic_write_bytes
from techfile.release._metadata import read_metadata
from techfile.release._roles import Role
from techfile.release.errors import ReleaseError

__all__ = [
    "HISTORY",
    "ROLE_FILES",
    "StateSnapshot",
    "UntrustedStateError",
    "commit",
    "copy_into",
    "read_state",
    "trusted_metadata",
]

HISTORY = "root_history"
"""Folder of versioned roots in a python-tuf client's metadata folder."""
ROLE_FILES = (Role.TIMESTAMP, Role.SNAPSHOT, Role.TARGETS)
"""The state files besides the roots, in the order python-tuf loads them."""


class UntrustedStateError(Exception):
    """A state file does not verify: reported as a rejection, not raised to callers."""


@dataclass(frozen=True, slots=True)
class StateSnapshot:
    """What the state held before verification."""

    folder: Path
    """The state folder."""
    versions: dict[Role, int] = field(default_factory=dict)
    """Version of each state file present."""
    files: dict[Role, bytes] = field(default_factory=dict)
    """Exact bytes of each state file present."""

    @property
    def counter(self) -> int | None:
        """The release counter the device trusts (its targets version), if any."""
        return self.versions.get(Role.TARGETS)


def _newest_root(folder: Path, trusted: Metadata[Root]) -> Root:
    """Follow ``root_history`` from the trusted root, each step signed by old and new keys."""
    root: Root = trusted.signed
    while True:
        path = folder / HISTORY / f"{root.version + 1}.root.json"
        if not path.is_file():
            return root
        metadata, _ = read_metadata(path, Role.ROOT)
        try:
            root.verify_delegate(Role.ROOT, metadata.signed_bytes, metadata.signatures)
            metadata.signed.verify_delegate(Role.ROOT, metadata.signed_bytes, metadata.signatures)
        except UnsignedMetadataError as e:
            msg = f"{path} is not signed by the trusted root keys ({e})"
            raise UntrustedStateError(msg) from e
        root = metadata.signed


def read_state(folder: Path, trusted: Metadata[Root]) -> StateSnapshot:
    """Read and check the device state in ``folder`` (missing or empty: no earlier release).

    Raises:
        ReleaseInputError: A state file is not valid TUF metadata (located).
        UntrustedStateError: A state file is not signed by the trusted keys, or the state is
            incomplete (e.g. targets without the timestamp that pins it).
    """
    if not folder.exists():
        return StateSnapshot(folder)
    root = _newest_root(folder, trusted)
    snapshot = StateSnapshot(folder)
    for role in ROLE_FILES:
        path = folder / f"{role}.json"
        if not path.is_file():
            continue
        metadata, data = read_metadata(path, role)
        try:
            root.verify_delegate(role, metadata.signed_bytes, metadata.signatures)
        except UnsignedMetadataError as e:
            msg = f"{path} is not signed by the trusted {role} keys ({e}): damaged or tampered"
            raise UntrustedStateError(msg) from e
        snapshot.versions[role] = metadata.signed.version
        snapshot.files[role] = data
    present = [r for r in ROLE_FILES if r in snapshot.versions]
    if present and present != list(ROLE_FILES[: len(present)]):
        missing = ", ".join(f"{r}.json" for r in ROLE_FILES if r not in snapshot.versions)
        msg = f"{folder} is incomplete: {missing} missing"
        raise UntrustedStateError(msg)
    return snapshot


def copy_into(state: StateSnapshot, work: Path) -> None:
    """Copy the state into python-tuf's working metadata folder ``work``."""
    history = state.folder / HISTORY
    if history.is_dir():
        shutil.copytree(history, work / HISTORY, dirs_exist_ok=True)
    for role, data in state.files.items():
        (work / f"{role}.json").write_bytes(data)


def commit(work: Path, folder: Path) -> None:
    """Make the verified metadata in ``work`` the device's state, timestamp last.

    Raises:
        ReleaseError: The state folder cannot be written.
    """
    try:
        roots = sorted(
            (work / HISTORY).glob("*.root.json"), key=lambda p: int(p.name.split(".")[0])
        )
        for path in roots:
            atomic_write_bytes(folder / HISTORY / path.name, path.read_bytes())
        if roots:
            atomic_write_bytes(folder / "root.json", roots[-1].read_bytes())
        for role in reversed(ROLE_FILES):
            path = work / f"{role}.json"
            if path.is_file():
                atomic_write_bytes(folder / path.name, path.read_bytes())
    except OSError as e:
        msg = f"cannot write the device state {folder}: {e.strerror or e}"
        raise ReleaseError(msg) from e


def trusted_metadata(work: Path, role: Role) -> tuple[Metadata[Any], bytes]:
    """Read metadata python-tuf verified and persisted in ``work``."""
    return read_metadata(work / f"{role}.json", role)
