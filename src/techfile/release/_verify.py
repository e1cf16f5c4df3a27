"""Verifying a release bundle before install: python-tuf's client workflow over local media.

``tuf.ngclient.Updater`` does the work, with `BundleFetcher` in place of the network: it
loads the trusted root, newer roots the bundle carries, then timestamp, snapshot and targets,
checking signatures, versions, hashes and expiry as the TUF specification's client workflow
(§5.3-§5.6) says. Then every file targets.json lists is checked against its length and hash
(§5.7.3), and no other file may sit in the bundle's ``targets/`` folder.

Expiry is checked against an explicit reference time. python-tuf fixes it when the updater
is made and offers no argument for it; like the TUF conformance suite's clients we set the
trusted set's ``reference_time`` before ``refresh`` (the initial root is not checked for
expiry until then), and refuse to run if that attribute ever disappears.

A failed check is a `ReleaseRejected` result that names the attack (STYLE D4). Bad input (a
missing or malformed metadata file, a missing bundle) raises `ReleaseInputError`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import Metadata, Root, Targets
from tuf.ngclient import Updater

from techfile.errors import Location
from techfile.release._fetcher import METADATA_URL, TARGETS_URL, BundleFetcher
from techfile.release._metadata import parse_metadata, read_bytes, read_root
from techfile.release._result import (
    Failure,
    ReleaseRejected,
    ReleaseVerified,
    RoleState,
    Target,
    Verification,
)
from techfile.release._roles import Role
from techfile.release._state import (
    HISTORY,
    ROLE_FILES,
    StateSnapshot,
    UntrustedStateError,
    commit,
    copy_into,
    read_state,
    trusted_metadata,
)
from techfile.release.errors import ReleaseError, ReleaseInputError

__all__ = ["LABEL_FIELD", "verify_bundle"]

LABEL_FIELD = "x-techfile-release"
"""Field of targets metadata holding ``{"label": ...}`` (a signed, unrecognised TUF field)."""


_PINNED_BY = {
    Role.ROOT: "the trusted root",
    Role.TIMESTAMP: "the trusted timestamp",
    Role.SNAPSHOT: "timestamp.json",
    Role.TARGETS: "snapshot.json",
}
"""The file that pins each role's version, length and hash (TUF specification §5.5, §5.6)."""


def _ignore(_: str) -> None:
    return None


class _Context:
    """What a rejection message needs: the bundle's metadata as found, and the state."""

    def __init__(
        self, bundle: Path, at: dt.datetime, state: StateSnapshot | None, root: Root
    ) -> None:
        self.bundle = bundle
        self.at = at
        self.state = state
        self.root = root
        self.found: dict[Role, Metadata[Any]] = {}
        self.raw: dict[Role, bytes] = {}
        self.roots: dict[str, Metadata[Any]] = {}

    def reject(self, reason: Failure, message: str, file: str | None) -> ReleaseRejected:
        return ReleaseRejected(
            self.bundle,
            self.at,
            reason,
            message,
            file,
            self.state.folder if self.state else None,
            self.state.counter if self.state else None,
        )


def _read_bundle(bundle: Path, context: _Context) -> None:
    if not bundle.is_dir():
        raise ReleaseInputError(Location(bundle), "no such bundle folder")
    for role in ROLE_FILES:
        path = bundle / "metadata" / f"{role}.json"
        data = read_bytes(path, f"the bundle's TUF {role} metadata")
        context.found[role] = parse_metadata(path, data, role)
        context.raw[role] = data
    for path in sorted((bundle / "metadata").glob("*.root.json")):
        root = parse_metadata(path, read_bytes(path, "TUF root metadata"), Role.ROOT)
        context.roots[f"metadata/{path.name}"] = root


def _set_reference_time(updater: Updater, at: dt.datetime) -> None:
    trusted = getattr(updater, "_trusted_set", None)
    if trusted is None or not hasattr(trusted, "reference_time"):
        msg = "this python-tuf version does not let the reference time be set; expiry unchecked"
        raise ReleaseError(msg)
    trusted.reference_time = at


def _stage(fetcher: BundleFetcher) -> tuple[Role, str]:
    """The role being loaded when python-tuf stopped, and its bundle file."""
    last = fetcher.requested[-1] if fetcher.requested else "metadata/root.json"
    name = last.rsplit("/", 1)[-1].removesuffix(".json").rsplit(".", 1)[-1]
    return (Role(name) if name in set(Role) else Role.ROOT), last


def _signers(context: _Context, role: Role, file: str) -> str:
    found = context.roots.get(file) if role is Role.ROOT else context.found.get(role)
    signed = sorted(found.signatures) if found else []
    trusted = context.root.roles[role.value]
    return (
        f"signed by {', '.join(k[:12] for k in signed) or 'no key'}; "
        f"the trusted root accepts {trusted.threshold} of "
        f"{', '.join(k[:12] for k in trusted.keyids)}"
    )


def _expired(context: _Context) -> tuple[str, str]:
    candidates: list[tuple[str, dt.datetime]] = [("root.json", context.root.expires)]
    candidates += [(f"{r}.json", m.signed.expires) for r, m in context.found.items()]
    for name, expires in candidates:
        if expires <= context.at:
            return name, f"{name} expired at {expires.isoformat()}"
    return "timestamp.json", "metadata expired"


def _is_rollback(context: _Context) -> bool:
    if context.state is None:
        return False
    for role in ROLE_FILES:
        trusted = context.state.versions.get(role)
        found = context.found.get(role)
        if trusted is not None and found is not None and found.signed.version < trusted:
            return True
    return False


def _classify(
    error: tuf_errors.RepositoryError, stage: tuple[Role, str], context: _Context
) -> ReleaseRejected:
    role, file = stage
    name = file.rsplit("/", 1)[-1]
    at = context.at.isoformat()
    if isinstance(error, tuf_errors.UnsignedMetadataError):
        message = (
            f"wrong key: {name} is not signed by trusted {role} keys "
            f"({_signers(context, role, file)})"
        )
        return context.reject(Failure.WRONG_KEY, message, file)
    if isinstance(error, tuf_errors.ExpiredMetadataError):
        name, detail = _expired(context)
        message = f"freeze: {detail}; reference time {at}; refusing a stale release"
        return context.reject(Failure.EXPIRED, message, f"metadata/{name}")
    if isinstance(error, tuf_errors.BadVersionNumberError) and role is not Role.ROOT:
        if _is_rollback(context):
            found = context.found[Role.TARGETS].signed.version
            message = (
                f"rollback: the bundle's release counter {found} is older than release "
                f"{context.state.counter if context.state else '?'} the device trusts ({error})"
            )
            return context.reject(Failure.ROLLBACK, message, file)
        message = f"mix-and-match: {name} is not the version {_PINNED_BY[role]} pins ({error})"
        return context.reject(Failure.MIX_AND_MATCH, message, file)
    if isinstance(error, tuf_errors.LengthOrHashMismatchError):
        message = (
            f"mix-and-match: {name} does not match the hash or length {_PINNED_BY[role]} "
            f"pins ({error})"
        )
        return context.reject(Failure.MIX_AND_MATCH, message, file)
    return context.reject(Failure.INVALID_METADATA, f"{name}: {error}", file)


def _refresh(updater: Updater, fetcher: BundleFetcher, context: _Context) -> ReleaseRejected | None:
    try:
        updater.refresh()
    except tuf_errors.RepositoryError as e:
        return _classify(e, _stage(fetcher), context)
    except tuf_errors.DownloadLengthMismatchError as e:
        role, file = _stage(fetcher)
        name = file.rsplit("/", 1)[-1]
        message = f"mix-and-match: {name} is longer than {_PINNED_BY[role]} pins ({e})"
        return context.reject(Failure.MIX_AND_MATCH, message, file)
    except tuf_errors.DownloadError as e:
        where = context.bundle / (fetcher.requested[-1] if fetcher.requested else "")
        raise ReleaseInputError(Location(where), f"cannot be read ({e})") from e
    return None


def _roles(work: Path) -> tuple[RoleState, ...]:
    roots = sorted((work / HISTORY).glob("*.root.json"), key=lambda p: int(p.name.split(".")[0]))
    newest: Metadata[Root] = Metadata.from_bytes(roots[-1].read_bytes())
    found: list[tuple[Role, Metadata[Any]]] = [(Role.ROOT, newest)]
    found += [(r, trusted_metadata(work, r)[0]) for r in ROLE_FILES]
    states = []
    for role, metadata in found:
        keys = newest.signed.roles[role.value]
        states.append(
            RoleState(
                role,
                metadata.signed.version,
                metadata.signed.expires,
                tuple(keys.keyids),
                keys.threshold,
                tuple(k for k in keys.keyids if k in metadata.signatures),
            )
        )
    return tuple(states)


def _check_targets(
    targets: Targets, context: _Context, progress: Callable[[str], None]
) -> tuple[tuple[Target, ...], ReleaseRejected | None]:
    folder = (context.bundle / "targets").resolve()
    checked: list[Target] = []
    for name in sorted(targets.targets):
        info = targets.targets[name]
        progress(name)
        path = (folder / name).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            message = f"incomplete bundle: targets/{name} is listed in targets.json but missing"
            return (), context.reject(Failure.TARGET_MISSING, message, f"targets/{name}")
        with path.open("rb") as handle:
            try:
                info.verify_length_and_hashes(handle)
            except tuf_errors.LengthOrHashMismatchError as e:
                message = f"tampered target: targets/{name} does not match targets.json ({e})"
                return (), context.reject(Failure.TARGET_MISMATCH, message, f"targets/{name}")
        checked.append(Target(name, info.length, info.hashes.get("sha256", "")))
    listed = set(targets.targets)
    extra = (
        sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if not p.is_dir() and p.relative_to(folder).as_posix() not in listed
        )
        if folder.is_dir()
        else []
    )
    if extra:
        message = f"unlisted file(s) in the bundle: {', '.join(f'targets/{e}' for e in extra)}"
        return (), context.reject(Failure.UNLISTED_FILE, message, f"targets/{extra[0]}")
    return tuple(checked), None


def _same_as_trusted(work: Path, context: _Context) -> ReleaseRejected | None:
    """Refuse a bundle whose metadata files are not exactly the metadata now trusted.

    python-tuf keeps its trusted copy when versions are equal, without using the bundle's.
    """
    for role in ROLE_FILES:
        if trusted_metadata(work, role)[1] == context.raw[role]:
            continue
        file = f"metadata/{role}.json"
        if role is Role.TIMESTAMP:
            counter = context.found[role].signed.version
            message = (
                f"counter reused: the device already trusts release {counter} with other "
                "metadata; a new release needs a higher counter"
            )
            return context.reject(Failure.COUNTER_REUSED, message, file)
        message = f"mix-and-match: {role}.json is not the one the trusted timestamp pins"
        return context.reject(Failure.MIX_AND_MATCH, message, file)
    return None


def verify_bundle(  # noqa: PLR0913  # keyword-only settings of one verification
    bundle: Path,
    *,
    trusted_root: Path,
    state: Path | None = None,
    at: dt.datetime | None = None,
    update_state: bool = True,
    progress: Callable[[str], None] = _ignore,
) -> Verification:
    """Verify a bundle on local media against the device's trusted root and state.

    Args:
        bundle: The bundle folder (``metadata/`` and ``targets/``).
        trusted_root: The root metadata the device trusts (installed at manufacture).
        state: The device's state folder, holding the last release it accepted; it is
            created if missing. None: check without rollback protection.
        at: Reference time for expiry (default now).
        update_state: Save the release in ``state`` when it verifies.
        progress: Called with each target's path before it is hashed.

    Returns:
        `ReleaseVerified`, or `ReleaseRejected` naming the attack found.

    Raises:
        ReleaseInputError: The bundle, a metadata file, the trusted root or a state file is
            missing or malformed (located).
        ReleaseError: The state cannot be written.
    """
    at = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    root_metadata, root_bytes = read_root(trusted_root)
    context = _Context(bundle, at, None, root_metadata.signed)
    _read_bundle(bundle, context)
    if state is not None and state.exists() and not state.is_dir():
        raise ReleaseInputError(Location(state), "the device state is not a folder")
    try:
        snapshot = read_state(state, root_metadata) if state is not None else None
    except UntrustedStateError as e:
        return context.reject(Failure.UNTRUSTED_STATE, f"untrusted device state: {e}", None)
    context.state = snapshot
    with tempfile.TemporaryDirectory(prefix="techfile-release-") as tmp:
        work = Path(tmp)
        if snapshot is not None:
            copy_into(snapshot, work)
        fetcher = BundleFetcher(bundle)
        updater = Updater(
            str(work),
            METADATA_URL,
            target_base_url=TARGETS_URL,
            fetcher=fetcher,
            bootstrap=root_bytes,
        )
        _set_reference_time(updater, at)
        rejected = _refresh(updater, fetcher, context) or _same_as_trusted(work, context)
        if rejected is not None:
            return rejected
        targets: Targets = trusted_metadata(work, Role.TARGETS)[0].signed
        checked, rejected = _check_targets(targets, context, progress)
        if rejected is not None:
            return rejected
        roles = _roles(work)
        counter = targets.version
        already = snapshot is not None and snapshot.counter == counter
        if state is not None and update_state and not already:
            commit(work, state)
    label = targets.unrecognized_fields.get(LABEL_FIELD, {})
    return ReleaseVerified(
        bundle,
        at,
        counter,
        label.get("label") if isinstance(label, dict) else None,
        roles,
        checked,
        state,
        snapshot.counter if snapshot else None,
        already_trusted=already,
        state_updated=state is not None and update_state and not already,
    )
