"""Where a decision log is kept: the `LogStore` interface and its SQLite and PostgreSQL stores.

`open_store` picks the store from a URL:

* ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or ``sqlite:///:memory:``;
* ``postgresql://user@host:port/database`` (or ``postgres://``), which needs the
  ``postgres`` extra: ``pip install 'techfile[postgres]'``.
"""

from __future__ import annotations

from techfile.decisionlog.errors import LogSetupError
from techfile.decisionlog.store.interface import (
    BackendUnavailableError,
    Batch,
    LeafRow,
    LogIdentity,
    LogStore,
    MissingDataError,
    Payload,
    PayloadTile,
    StoreConflictError,
    StoredCheckpoint,
    StoreError,
    TileRow,
)
from techfile.decisionlog.store.sqlite import SqliteStore

__all__ = [
    "BackendUnavailableError",
    "Batch",
    "LeafRow",
    "LogIdentity",
    "LogStore",
    "MissingDataError",
    "Payload",
    "PayloadTile",
    "SqliteStore",
    "StoreConflictError",
    "StoreError",
    "StoredCheckpoint",
    "TileRow",
    "open_store",
    "sqlite_path",
]

_SQLITE = "sqlite:///"
_POSTGRES = ("postgresql://", "postgres://")


def sqlite_path(url: str) -> str | None:
    """Return the database path a ``sqlite:///`` URL names, or None for another URL."""
    if not url.startswith(_SQLITE) or url == _SQLITE:
        return None
    return url.removeprefix(_SQLITE)


def _postgres(url: str) -> LogStore:
    try:
        # Imported here: psycopg is an extra, and a SQLite user should not need it.
        from techfile.decisionlog.store.postgres import PostgresStore  # noqa: PLC0415
    except ImportError as e:
        if not (e.name or "").startswith("psycopg"):
            raise
        raise BackendUnavailableError(
            "PostgreSQL support is not installed: pip install 'techfile[postgres]'"
        ) from e
    return PostgresStore(url)


def open_store(url: str) -> LogStore:
    """Open (and create if needed) the store a URL names.

    Args:
        url: A ``sqlite:///`` or ``postgresql://`` URL.

    Returns:
        The store, ready to use.

    Raises:
        LogSetupError: The URL names no supported store.
        BackendUnavailableError: The store's driver is not installed.
        StoreError: The database cannot be opened or set up.
    """
    path = sqlite_path(url)
    if path is not None:
        return SqliteStore(path)
    if url.startswith(_POSTGRES):
        return _postgres(url)
    scheme = url.split(":", 1)[0] if ":" in url else url
    raise LogSetupError(
        f"unsupported decision log URL scheme {scheme!r}: use sqlite:///PATH or postgresql://..."
    )
