r"""Reading an offline OSV export (``PyPI/all.zip`` or a folder of ``*.json``) into an index.

The export is read once. Each record's bytes get a cheap pre-check, one regular-expression
pass that pulls out the values of its ``"name"`` and ``"modified"`` keys; only records naming a
package of the SBOM (after PEP 503 normalisation) are decoded and checked in full
(`parse_advisory`), so a scan of a large export costs about as much as reading it. The
pre-check can only let too many records through, never too few: a name value holding a JSON
escape, and a record that may write the key ``name`` itself with escapes (it holds a ``\u006``
escape of one of its letters), are parsed in full.

The database's date is the newest ``modified`` time found in the export (every record's
``"modified"`` values, pre-checked or parsed); when no record has one, the file's modification
time is used, and the report says which (`DateSource`).

Rules enforced: a corrupt zip, a member that fails its CRC, bytes that are not JSON, and a
record that names an SBOM package but lacks the OSV shape are `OsvInputError`s naming the file,
the member, and the line and column or field. Records that name no SBOM package are not decoded,
so their defects go unnoticed; the report gives how many records were parsed in full.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
import zlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from techfile.errors import Location
from techfile.sbom.vulns._match import ECOSYSTEM, normalise_name
from techfile.sbom.vulns._osv import Advisory, parse_advisory
from techfile.sbom.vulns.errors import OsvInputError

__all__ = ["Database", "DatabaseInfo", "DateSource", "load_database"]

_FIELDS = re.compile(rb'"(name|modified)"\s*:\s*"([^"]*)"')
# A key "name" written with escapes must escape one of its letters: \u006e, \u0061, \u006d,
# \u0065 (hex digits in either case). Records holding such an escape are parsed in full.
_ESCAPED_LETTER = re.compile(rb"\\u006[1de5DE]")


class DateSource(StrEnum):
    """Where the database's date comes from."""

    MODIFIED = "newest_modified"
    """The newest ``modified`` time of the records in the export."""
    FILE_MTIME = "file_mtime"
    """The export file's (or folder's newest file's) modification time."""


@dataclass(frozen=True, slots=True)
class DatabaseInfo:
    """What was read, and how current it is."""

    path: Path
    """The export: a zip file or a folder."""
    records: int
    """Records read."""
    parsed: int
    """Records decoded and checked in full (those naming a package of the SBOM)."""
    withdrawn: int
    """Parsed records that are withdrawn (they match nothing)."""
    date: dt.datetime | None
    """How current the data are (UTC), or None for an empty export."""
    date_source: DateSource
    """Where ``date`` comes from."""


@dataclass(frozen=True, slots=True)
class Database:
    """The advisories of an export that concern the wanted packages, by normalised name."""

    info: DatabaseInfo
    """What was read."""
    by_name: Mapping[str, tuple[Advisory, ...]]
    """PEP 503 name -> the advisories with a PyPI entry for it (withdrawn ones excluded)."""


def _members(path: Path) -> Iterator[tuple[str, bytes]]:
    """Each record's name (file, or ``ZIP!MEMBER``, kept as text) and bytes."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            try:
                yield str(file), file.read_bytes()
            except OSError as e:
                raise OsvInputError(Location(file), f"cannot be read ({e.strerror})") from e
        return
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as e:
        raise OsvInputError(Location(path), "no such file or folder") from e
    except (zipfile.BadZipFile, OSError) as e:
        raise OsvInputError(
            Location(path),
            "not a readable zip file",
            expected="an OSV export such as PyPI/all.zip",
            found=str(e),
            hint="download the export again",
        ) from e
    with archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.endswith(".json"):
                continue
            try:
                yield f"{path}!{info.filename}", archive.read(info)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as e:
                raise OsvInputError(
                    Location(Path(f"{path}!{info.filename}")),
                    f"corrupt zip member ({e})",
                    hint="download the export again",
                ) from e


def _scan_fields(data: bytes, wanted: Collection[str]) -> tuple[bool, list[bytes]]:
    """One pass over the raw record: does it name a wanted package? Its ``modified`` values.

    Over-inclusive by design: a name value holding a backslash (an escape) counts as wanted,
    and so does a record that may spell a ``"name"`` key with escapes; the full parse decides.
    """
    candidate = False
    modified: list[bytes] = []
    for key, raw in _FIELDS.findall(data):
        if key == b"modified":
            modified.append(raw)
        elif not candidate:
            if b"\\" in raw:
                candidate = True
            else:
                candidate = normalise_name(raw.decode("utf-8", "replace")) in wanted
    if not candidate and b"\\u006" in data:
        candidate = _ESCAPED_LETTER.search(data) is not None
    return candidate, modified


def _time(text: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _decode(where: str, data: bytes) -> object:
    try:
        return json.loads(data)
    except json.JSONDecodeError as e:
        raise OsvInputError(
            Location(Path(where), e.lineno, e.colno),
            f"invalid JSON: {e.msg}",
            hint="the export is damaged; download it again",
        ) from e
    except UnicodeDecodeError as e:
        raise OsvInputError(
            Location(Path(where)), "not UTF-8 JSON", found=f"byte offset {e.start}"
        ) from e


def load_database(path: Path, packages: Collection[str]) -> Database:
    """Read an OSV export and index the advisories of ``packages``.

    Args:
        path: ``PyPI/all.zip`` (or any zip of OSV JSON files), or a folder of them.
        packages: The package names to keep (any spelling; normalised here).

    Raises:
        OsvInputError: The export or a relevant record is unreadable (located).
    """
    wanted = frozenset(normalise_name(p) for p in packages)
    index: dict[str, list[Advisory]] = {}
    records = parsed = withdrawn = 0
    newest: dt.datetime | None = None
    for where, data in _members(path):
        records += 1
        candidate, modified = _scan_fields(data, wanted)
        for raw in modified:
            when = _time(raw.decode("ascii", "replace"))
            if when is not None and (newest is None or when > newest):
                newest = when
        if not candidate:
            continue
        advisory = parse_advisory(_decode(where, data), Location(Path(where)))
        parsed += 1
        if advisory.withdrawn is not None:
            withdrawn += 1
            continue
        names = {
            normalise_name(a.name) for a in advisory.affected if a.ecosystem == ECOSYSTEM
        } & wanted
        for name in names:
            index.setdefault(name, []).append(advisory)
    source = DateSource.MODIFIED
    if newest is None and records:
        source = DateSource.FILE_MTIME
        newest = _mtime(path)
    info = DatabaseInfo(path, records, parsed, withdrawn, newest, source)
    return Database(info, {name: tuple(found) for name, found in sorted(index.items())})


def _mtime(path: Path) -> dt.datetime:
    files = [path] if path.is_file() else list(path.rglob("*.json"))
    stamp = max(f.stat().st_mtime for f in files)
    return dt.datetime.fromtimestamp(stamp, dt.UTC)
