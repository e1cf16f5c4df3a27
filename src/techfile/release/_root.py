"""The root of trust: TUF root metadata naming the keys and thresholds of every role.

The manufacturer makes it once (version 1), keeps it in the repository, and installs it on
every device as the trusted root; each release bundle carries a copy. ``consistent_snapshot``
is off: a bundle holds exactly one release, so its files need no version prefixes.

Rules enforced: every role has at least one key and a threshold between 1 and its number of
keys; the root is signed by at least its threshold of root keys, so it verifies by itself
(TUF specification §5.3.4); its expiry is in the future.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from securesystemslib.signer import CryptoSigner, Key
from tuf.api.metadata import Metadata, Root
from tuf.api.metadata import Role as TufRole
from tuf.api.serialization.json import JSONSerializer

from techfile.errors import InputError, Location
from techfile.project import atomic_write_bytes
from techfile.release._roles import Role, RoleKey
from techfile.release.errors import ReleaseInputError

__all__ = ["RootInfo", "create_root", "root_info", "serialize"]


@dataclass(frozen=True, slots=True)
class RootInfo:
    """What a root says: its version, expiry, and every role's keys and threshold."""

    version: int
    """Root version (1 for a new root)."""
    expires: dt.datetime
    """When it expires (UTC)."""
    keyids: Mapping[Role, tuple[str, ...]]
    """Key ids of each role."""
    thresholds: Mapping[Role, int]
    """Signatures each role needs."""


def serialize(metadata: Metadata[Any]) -> bytes:
    """Metadata as python-tuf writes it: sorted keys, one-space indent, a final newline."""
    return metadata.to_bytes(JSONSerializer(compact=False)) + b"\n"


def root_info(root: Root) -> RootInfo:
    """Summarise root metadata."""
    return RootInfo(
        root.version,
        root.expires,
        {r: tuple(root.roles[r.value].keyids) for r in Role},
        {r: root.roles[r.value].threshold for r in Role},
    )


def _keys_of(role: Role, keys: Sequence[RoleKey]) -> list[RoleKey]:
    return [k for k in keys if not k.roles or role in k.roles]


def create_root(  # noqa: PLR0913  # one keyword per setting of the new root
    path: Path,
    keys: Sequence[RoleKey],
    *,
    expires: dt.datetime,
    now: dt.datetime,
    thresholds: Mapping[Role, int] | None = None,
    overwrite: bool = False,
) -> RootInfo:
    """Write root metadata version 1 for ``keys`` to ``path``, signed by the root keys.

    Args:
        path: The root file to write.
        keys: Keys and the roles they are for; a key without roles serves every role.
        expires: Expiry; choose the end of the devices' support period.
        now: The current time (to check ``expires``).
        thresholds: Signatures each role needs (default 1).
        overwrite: Replace an existing file.

    Raises:
        InputError: A role has no key, a threshold is out of range, the root keys given
            cannot sign (public keys only), or the file exists.
    """
    if path.exists() and not overwrite:
        raise ReleaseInputError(
            Location(path), "exists already", hint="pass --force to replace the root"
        )
    if expires <= now:
        msg = f"--expires: {expires.isoformat()} is not in the future"
        raise InputError(msg)
    root = Root(expires=expires, consistent_snapshot=False)
    wanted = dict(thresholds or {})
    for role in Role:
        given = _keys_of(role, keys)
        if not given:
            msg = f"no key for the {role} role: give --key {role}=FILE (or --key FILE for all)"
            raise InputError(msg)
        for key in given:
            public: Key = key.key.public_key if isinstance(key.key, CryptoSigner) else key.key
            root.add_key(public, role.value)
        threshold = wanted.pop(role, 1)
        count = len(root.roles[role.value].keyids)
        if not 1 <= threshold <= count:
            msg = f"--threshold {role}={threshold}: must be between 1 and {count} (its keys)"
            raise InputError(msg)
        root.roles[role.value] = TufRole(root.roles[role.value].keyids, threshold)
    metadata = Metadata(root)
    signers = [k.key for k in _keys_of(Role.ROOT, keys) if isinstance(k.key, CryptoSigner)]
    if len(signers) < root.roles[Role.ROOT].threshold:
        msg = (
            f"the root needs {root.roles[Role.ROOT].threshold} signature(s) of root keys, "
            f"but {len(signers)} private root key(s) were given"
        )
        raise InputError(msg)
    for signer in signers:
        metadata.sign(signer, append=True)
    atomic_write_bytes(path, serialize(metadata))
    return root_info(root)
