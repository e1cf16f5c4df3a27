"""Signing a release bundle: the release's files and TUF metadata in one folder for local media.

Layout::

    BUNDLE/metadata/root.json, N.root.json   the root (and older roots kept beside it)
    BUNDLE/metadata/targets.json            every file with its length and SHA-256
    BUNDLE/metadata/snapshot.json           pins targets.json (version, length, SHA-256)
    BUNDLE/metadata/timestamp.json          pins snapshot.json (version, length, SHA-256)
    BUNDLE/targets/...                      the files: wheels, model weights, SBOM, VEX ...

The release counter is the version of targets, snapshot and timestamp, all three the same:
a device refuses a bundle whose counter is below the one it trusts (rollback). python-tuf's
Metadata API builds and signs the metadata; hashes are of the copies in the bundle, so what
is signed is what ships.

Rules enforced: the root verifies by itself and has not expired; each bundle role gets at
least its threshold of signatures from keys the root names for it; target names are
relative paths without ``.``/``..`` parts, unique; the new bundle is verified before it
replaces anything, and appears in one rename (a crash leaves no half bundle).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata, MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp

from techfile.errors import InputError, Location
from techfile.release._metadata import read_root
from techfile.release._result import ReleaseRejected, SignedBundle, Target
from techfile.release._roles import BUNDLE_ROLES, Role, RoleKey
from techfile.release._root import serialize
from techfile.release._verify import LABEL_FIELD, verify_bundle
from techfile.release.errors import ReleaseError, ReleaseInputError

__all__ = ["TargetSource", "sign_bundle"]

_HASHES = ["sha256"]


@dataclass(frozen=True, slots=True)
class TargetSource:
    """A file or folder to ship in the bundle."""

    path: Path
    """The file or folder on disk."""
    name: str | None = None
    """Its path in the bundle's ``targets/`` (default: its own name)."""


def _ignore(_: str) -> None:
    return None


def _signers(root: Root, keys: Sequence[RoleKey]) -> dict[Role, list[CryptoSigner]]:
    chosen: dict[Role, list[CryptoSigner]] = {r: [] for r in BUNDLE_ROLES}
    for key in keys:
        where = Location(key.source) if key.source else Location(None)
        if not isinstance(key.key, CryptoSigner):
            raise ReleaseInputError(where, "a public key cannot sign")
        if Role.ROOT in key.roles:
            msg = "the root is signed once, by `techfile release root`, not per bundle"
            raise ReleaseInputError(where, msg, hint="name targets, snapshot or timestamp")
        roles = key.roles or tuple(r for r in BUNDLE_ROLES if key.keyid in root.roles[r].keyids)
        if not roles:
            msg = f"key {key.keyid[:12]} is not a key of any bundle role in the root"
            raise ReleaseInputError(where, msg, hint="check the root with `techfile release root`")
        for role in roles:
            if key.keyid not in root.roles[role].keyids:
                msg = f"key {key.keyid[:12]} is not a {role} key of the root"
                raise ReleaseInputError(
                    where, msg, expected=f"one of {', '.join(root.roles[role].keyids)}"
                )
            if all(s.public_key.keyid != key.keyid for s in chosen[role]):
                chosen[role].append(key.key)
    for role, signers in chosen.items():
        threshold = root.roles[role].threshold
        if len(signers) < threshold:
            msg = (
                f"the {role} role needs {threshold} key(s) of the root, {len(signers)} given: "
                f"add --key {role}=FILE"
            )
            raise InputError(msg)
    return chosen


def _name_ok(name: str) -> bool:
    return "\\" not in name and all(p not in {"", ".", ".."} for p in name.split("/"))


def _files(sources: Sequence[TargetSource]) -> list[tuple[str, Path]]:
    found: dict[str, Path] = {}
    for source in sources:
        base = source.name or source.path.name
        if source.path.is_dir():
            pairs = [
                (f"{base}/{p.relative_to(source.path).as_posix()}", p)
                for p in sorted(source.path.rglob("*"))
                if p.is_file()
            ]
        elif source.path.is_file():
            pairs = [(base, source.path)]
        else:
            raise ReleaseInputError(Location(source.path), "no such file or folder")
        for name, path in pairs:
            if not _name_ok(name):
                msg = f"'{name}' is not a relative path within the bundle"
                raise ReleaseInputError(Location(path), msg, hint="give --file NAME=PATH")
            if name in found:
                msg = f"two files would be targets/{name} (also {found[name]})"
                raise ReleaseInputError(Location(path), msg, hint="rename one with NAME=PATH")
            found[name] = path
    if not found:
        msg = "nothing to sign: give at least one --file"
        raise InputError(msg)
    return sorted(found.items())


def _signed(signed: Targets | Snapshot | Timestamp, signers: Sequence[CryptoSigner]) -> bytes:
    metadata: Metadata[Any] = Metadata(signed)
    for signer in signers:
        metadata.sign(signer, append=True)
    return serialize(metadata)


def _check_destination(bundle: Path, *, overwrite: bool) -> None:
    if bundle.exists() and not bundle.is_dir():
        raise ReleaseInputError(Location(bundle), "exists and is not a folder")
    if bundle.is_dir() and any(bundle.iterdir()) and not overwrite:
        raise ReleaseInputError(
            Location(bundle), "exists and is not empty", hint="pass --force to replace it"
        )


def _install(staging: Path, bundle: Path) -> None:
    old = None
    if bundle.exists():
        old = bundle.with_name(f".{bundle.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        bundle.rename(old)
    staging.rename(bundle)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def sign_bundle(  # noqa: PLR0913  # keyword-only settings of one release
    bundle: Path,
    *,
    root: Path,
    keys: Sequence[RoleKey],
    files: Sequence[TargetSource],
    counter: int,
    expires: dt.datetime,
    now: dt.datetime,
    label: str | None = None,
    overwrite: bool = False,
    progress: Callable[[str], None] = _ignore,
) -> SignedBundle:
    """Write a signed release bundle to the folder ``bundle``.

    Args:
        bundle: The folder to create (absent or empty, unless ``overwrite``).
        root: The root metadata (from `create_root`); copied into the bundle.
        keys: Private keys for targets, snapshot and timestamp (at least each threshold).
        files: The files and folders to ship.
        counter: Release counter, above every earlier release's (the metadata version).
        expires: When the bundle's metadata expires (after it, devices refuse it).
        now: The signing time.
        label: A label for people, e.g. the software version.
        overwrite: Replace an existing bundle folder.
        progress: Called with each target's name before it is copied and hashed.

    Raises:
        ReleaseInputError: A key, file, the root or an option is unusable (located).
        ReleaseError: The bundle written does not verify (a defect).
    """
    if counter < 1:
        msg = f"--counter must be 1 or more, found {counter}"
        raise InputError(msg)
    metadata, root_bytes = read_root(root)
    trusted: Root = metadata.signed
    if trusted.is_expired(now):
        raise ReleaseInputError(
            Location(root), f"the root expired at {trusted.expires.isoformat()}"
        )
    if expires <= now:
        msg = f"--expires: {expires.isoformat()} is not in the future"
        raise InputError(msg)
    signers = _signers(trusted, keys)
    sources = _files(files)
    _check_destination(bundle, overwrite=overwrite)
    bundle.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{bundle.name}.", dir=bundle.parent))
    try:
        targets = _write_targets(staging, sources, progress)
        unrecognized = {LABEL_FIELD: {"label": label}} if label else {}
        targets_bytes = _signed(
            Targets(counter, None, expires, targets, None, unrecognized), signers[Role.TARGETS]
        )
        snapshot = Snapshot(
            counter,
            None,
            expires,
            {"targets.json": MetaFile.from_data(counter, targets_bytes, _HASHES)},
        )
        snapshot_bytes = _signed(snapshot, signers[Role.SNAPSHOT])
        timestamp = Timestamp(
            counter, None, expires, MetaFile.from_data(counter, snapshot_bytes, _HASHES)
        )
        folder = staging / "metadata"
        folder.mkdir()
        for older in range(1, trusted.version):
            kept = root.with_name(f"{older}.root.json")
            if kept.is_file():
                shutil.copyfile(kept, folder / kept.name)
        (folder / f"{trusted.version}.root.json").write_bytes(root_bytes)
        (folder / "root.json").write_bytes(root_bytes)
        (folder / "targets.json").write_bytes(targets_bytes)
        (folder / "snapshot.json").write_bytes(snapshot_bytes)
        (folder / "timestamp.json").write_bytes(_signed(timestamp, signers[Role.TIMESTAMP]))
        check = verify_bundle(staging, trusted_root=root, at=now)
        if isinstance(check, ReleaseRejected):
            msg = f"the bundle just written does not verify: {check.message}"
            raise ReleaseError(msg)
        _install(staging, bundle)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    warnings: tuple[str, ...] = ()
    if trusted.expires < expires:
        warnings = (
            (
                f"the root expires at {trusted.expires.isoformat()}, before the bundle: "
                "devices will refuse every bundle after that date"
            ),
        )
    return SignedBundle(
        bundle,
        counter,
        label,
        expires,
        trusted.version,
        tuple(Target(n, t.length, t.hashes["sha256"]) for n, t in sorted(targets.items())),
        {r: tuple(s.public_key.keyid for s in signers[r]) for r in BUNDLE_ROLES},
        warnings,
    )


def _write_targets(
    staging: Path, sources: list[tuple[str, Path]], progress: Callable[[str], None]
) -> dict[str, TargetFile]:
    targets: dict[str, TargetFile] = {}
    for name, path in sources:
        progress(name)
        copy = staging / "targets" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, copy)
        except OSError as e:
            raise ReleaseInputError(Location(path), f"cannot be read ({e.strerror or e})") from e
        targets[name] = TargetFile.from_file(name, str(copy), _HASHES)
    return targets
