"""The log's signing key on disk: one skey line, created once, atomically, readable by its owner.

A key file is created with a fresh Ed25519 key only if none exists, written to a temporary
file, synced, then hard-linked into place, so a process killed half way never leaves a
truncated key behind and two processes creating it at once end up with the same key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final
from uuid import uuid4

from techfile.decisionlog.checkpoint import SignerKey
from techfile.decisionlog.errors import LogSetupError
from techfile.decisionlog.store import sqlite_path

__all__ = ["key_file", "load_or_create_key", "signer_for"]

_MEMORY: Final = ":memory:"


def _create(path: Path, name: str) -> None:
    key = SignerKey.generate(name)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, f"{key.format()}\n".encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, path)  # fails if another process won the race: keep its key
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def load_or_create_key(path: Path, name: str) -> SignerKey:
    """Read the log's signer key, creating the file with a new key if there is none.

    Args:
        path: The key file.
        name: The key name for a new key (the log's origin).

    Returns:
        The signer key.

    Raises:
        LogSetupError: The file cannot be read or created.
        MalformedKeyError: The file does not hold a signer key.
    """
    try:
        if not path.exists():
            _create(path, name)
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise LogSetupError(f"cannot read or create the log key {path}: {e}") from e
    return SignerKey.parse(text)


def key_file(url: str, key: Path | None = None) -> Path | None:
    """Return the skey file a log at ``url`` uses: ``key``, or ``PATH.skey`` beside a SQLite log.

    Returns:
        The file, or None when the log keeps no key file (in memory, or none given for a
        PostgreSQL log).
    """
    if key is not None:
        return key
    path = sqlite_path(url)
    return None if path in {None, _MEMORY} else Path(f"{path}.skey")


def signer_for(url: str, key: SignerKey | Path | None, origin: str | None) -> SignerKey:
    """Return the signing key of the log at ``url``.

    Args:
        url: The log's URL.
        key: The key, its skey file (created if missing), or None: a SQLite log then keeps
            its key in ``PATH.skey`` beside the database, an in-memory log gets a fresh key.
        origin: The origin of a new log, which names a new key; by default a random one.

    Returns:
        The signer key.

    Raises:
        LogSetupError: No key was given for a PostgreSQL log, or the file is unusable.
        MalformedKeyError: The file does not hold a signer key.
    """
    name = origin or f"techfile.local/decisionlog/{uuid4().hex[:16]}"
    if isinstance(key, SignerKey):
        return key
    if key is not None:
        return load_or_create_key(key, name)
    if sqlite_path(url) == _MEMORY:
        return SignerKey.generate(name)
    path = key_file(url)
    if path is None:
        scheme = url.split("://", maxsplit=1)[0]
        raise LogSetupError(f"a {scheme} decision log needs key= (a SignerKey or an skey file)")
    return load_or_create_key(path, name)
