"""Reading TUF metadata files with located errors, before any trust is placed in them.

python-tuf's ``Metadata.from_bytes`` parses and checks the format; this module only turns its
failures (and JSON syntax errors, which it would report without a line) into errors naming
the file, line and column, and checks that the file holds the role its name says.

Rules enforced: a file is UTF-8 JSON holding one TUF metadata document of the expected role.
Signatures are not checked here: that is the trusted root's job (`verify_bundle`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tuf.api.metadata import Metadata, Root
from tuf.api.serialization import DeserializationError

from techfile.errors import Location
from techfile.release._roles import Role
from techfile.release.errors import ReleaseInputError

__all__ = ["read_bytes", "read_metadata", "read_root"]


def read_bytes(path: Path, what: str) -> bytes:
    """Read a file, saying what it should have been if it is missing.

    Raises:
        ReleaseInputError: The file is missing or unreadable.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError as e:
        raise ReleaseInputError(Location(path), f"no such file (expected {what})") from e
    except IsADirectoryError as e:
        raise ReleaseInputError(Location(path), f"is a directory, expected {what}") from e
    except OSError as e:
        raise ReleaseInputError(Location(path), f"cannot be read ({e.strerror or e})") from e


def parse_metadata(path: Path, data: bytes, role: Role) -> Metadata[Any]:
    """Parse metadata bytes already read from ``path``.

    Raises:
        ReleaseInputError: Not UTF-8 JSON, not TUF metadata, or metadata of another role.
    """
    try:
        json.loads(data)
    except UnicodeDecodeError as e:
        raise ReleaseInputError(Location(path), "not UTF-8 text") from e
    except json.JSONDecodeError as e:
        raise ReleaseInputError(
            Location(path, e.lineno, e.colno),
            f"invalid JSON: {e.msg}",
            hint="restore the file from the release you received",
        ) from e
    try:
        metadata: Metadata[Any] = Metadata.from_bytes(data)
    except DeserializationError as e:
        cause = e.__cause__ or e
        raise ReleaseInputError(
            Location(path, 1, 1),
            f"not TUF metadata ({type(cause).__name__}: {cause})",
            expected=f"TUF {role} metadata",
        ) from e
    if metadata.signed.type != role.value:
        raise ReleaseInputError(
            Location(path, 1, 1),
            "metadata of the wrong role",
            field="signed._type",
            expected=role.value,
            found=repr(metadata.signed.type),
        )
    return metadata


def read_metadata(path: Path, role: Role) -> tuple[Metadata[Any], bytes]:
    """Read and parse the metadata file of ``role``, returning it and its exact bytes.

    Raises:
        ReleaseInputError: Missing, unreadable, not UTF-8 JSON, not TUF metadata, or metadata
            of another role (located by line and column where JSON says).
    """
    data = read_bytes(path, f"TUF {role} metadata")
    return parse_metadata(path, data, role), data


def read_root(path: Path) -> tuple[Metadata[Root], bytes]:
    """Read root metadata and check that it is signed by its own root keys.

    Raises:
        ReleaseInputError: The file is unusable, or its signatures do not reach the root
            threshold of its own root keys.
    """
    metadata, data = read_metadata(path, Role.ROOT)
    root: Root = metadata.signed
    result = root.get_verification_result(Role.ROOT, metadata.signed_bytes, metadata.signatures)
    if not result.verified:
        raise ReleaseInputError(
            Location(path, 1, 1),
            "the root is not signed by its own root keys",
            expected=f"{result.threshold} valid signature(s) of {sorted(result.unsigned)}",
            found=f"{len(result.signed)} valid",
            hint="use the root.json that `techfile release root` wrote",
        )
    return metadata, data
