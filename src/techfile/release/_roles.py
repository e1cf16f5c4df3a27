"""The four TUF top-level roles, which key signs for which, and metadata validity times.

A key is named on the command line as ``ROLE=FILE``, ``ROLE,ROLE=FILE`` or just ``FILE``
(every role the command needs). Validity times are ISO 8601 dates or times (UTC when no
offset is given) or a duration from now: ``90d`` or ``12w``.

Rules enforced: role names are the TUF top-level roles; TUF writes expiry to the second, so
times are truncated to whole seconds; a time without an offset is UTC, never local time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from securesystemslib.signer import CryptoSigner, SSlibKey

from techfile.errors import InputError

__all__ = [
    "BUNDLE_ROLES",
    "KeySpec",
    "Role",
    "RoleKey",
    "expiry_from",
    "parse_key_spec",
    "time_from",
]


class Role(StrEnum):
    """A TUF top-level role (TUF specification §2.1)."""

    ROOT = "root"
    """Names the keys of every role; the device's trust anchor."""
    TARGETS = "targets"
    """Lists the release's files with their lengths and hashes."""
    SNAPSHOT = "snapshot"
    """Pins the version and hash of targets.json (against mix-and-match)."""
    TIMESTAMP = "timestamp"
    """Pins the version and hash of snapshot.json (against freeze and rollback)."""


BUNDLE_ROLES = (Role.TARGETS, Role.SNAPSHOT, Role.TIMESTAMP)
"""The roles that sign each release bundle (root is signed once, by `create_root`)."""

_DURATION = re.compile(r"^(?P<count>[0-9]{1,5})(?P<unit>[dw])$")


@dataclass(frozen=True, slots=True)
class KeySpec:
    """A key file given on the command line, with the roles it is for."""

    roles: tuple[Role, ...]
    """The roles named (empty: every role the command needs)."""
    path: Path
    """The key file."""


@dataclass(frozen=True, slots=True)
class RoleKey:
    """A loaded key and the roles it is for."""

    roles: tuple[Role, ...]
    """The roles named (empty: every role the command needs that lists the key)."""
    key: CryptoSigner | SSlibKey
    """A signer (private key) or only the public key."""
    source: Path | None = None
    """The file it came from, for messages."""

    @property
    def keyid(self) -> str:
        """The key id TUF metadata uses."""
        public = self.key.public_key if isinstance(self.key, CryptoSigner) else self.key
        return public.keyid


def parse_key_spec(text: str) -> KeySpec:
    """Read ``ROLE[,ROLE]=FILE`` or ``FILE``.

    Raises:
        InputError: A role name is unknown or the file part is empty.
    """
    names, sep, path = text.rpartition("=")
    if not sep:
        return KeySpec((), Path(text))
    if not path:
        msg = f"--key {text!r}: expected ROLE=FILE, found no file"
        raise InputError(msg)
    roles: list[Role] = []
    for name in names.split(","):
        try:
            roles.append(Role(name.strip().lower()))
        except ValueError as e:
            known = ", ".join(r.value for r in Role)
            msg = f"--key {text!r}: unknown role {name!r}; roles are {known}"
            raise InputError(msg) from e
    return KeySpec(tuple(dict.fromkeys(roles)), Path(path))


def time_from(text: str, *, option: str) -> dt.datetime:
    """An ISO 8601 date or time as an aware UTC time, truncated to the second.

    Raises:
        InputError: The text is not an ISO 8601 date or time.
    """
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError as e:
        msg = f"{option}: expected an ISO 8601 date or time (2027-06-30T12:00Z), found {text!r}"
        raise InputError(msg) from e
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0)


def expiry_from(text: str, now: dt.datetime, *, option: str = "--expires") -> dt.datetime:
    """An expiry time: ``90d``/``12w`` from ``now``, or an ISO 8601 date or time.

    Raises:
        InputError: The text is neither, or the time is not after ``now``.
    """
    match = _DURATION.match(text.strip())
    if match:
        days = int(match["count"]) * (7 if match["unit"] == "w" else 1)
        when = now.replace(microsecond=0) + dt.timedelta(days=days)
    else:
        when = time_from(text, option=option)
    if when <= now:
        msg = f"{option}: {when.isoformat()} is not in the future (now {now.isoformat()})"
        raise InputError(msg)
    return when
