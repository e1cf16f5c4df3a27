"""The packages of a pinned requirements file (``pip-compile --generate-hashes`` or ``uv export``).

Each requirement must pin one exact version (``name==1.2.3``); its ``--hash=sha256:...``
options are the SHA-256 digests of the archives pip may install, kept as the component's
hashes. Requirement syntax is parsed by ``packaging`` (PEP 508); pip options (``-i``,
``--index-url``, ``--find-links`` ...) are skipped; comments and line continuations are
handled as pip does.

Rules enforced (located by line): every requirement pins exactly one version with ``==`` or
``===``; a package appears once; hashes are ``sha256`` (the only algorithm kept).
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from techfile.errors import Location
from techfile.sbom._inventory import Package
from techfile.sbom.errors import SbomInputError

__all__ = ["from_lock"]

_HASH = re.compile(r"--hash[=\s]+(\w+):([0-9a-fA-F]+)")
_COMMENT = re.compile(r"(^|\s)#.*$")
_SHA256_HEX = 64


def _logical_lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    start, parts = 0, list[str]()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw)
        if not parts:
            start = number
        if line.rstrip().endswith("\\"):
            parts.append(line.rstrip()[:-1])
            continue
        parts.append(line)
        lines.append((start, " ".join(parts).strip()))
        parts = []
    if parts:
        lines.append((start, " ".join(parts).strip()))
    return [(n, line) for n, line in lines if line]


def _hashes(path: Path, number: int, options: str) -> tuple[str, ...]:
    digests = []
    for algorithm, digest in _HASH.findall(options):
        if algorithm != "sha256" or len(digest) != _SHA256_HEX:
            raise SbomInputError(
                Location(path, number),
                "unsupported hash",
                field="--hash",
                expected="sha256:<64 hex digits>",
                found=f"{algorithm}:{digest[:16]}...",
            )
        digests.append(digest.lower())
    return tuple(sorted(set(digests)))


def _pinned(path: Path, number: int, requirement: Requirement) -> str:
    specs = list(requirement.specifier)
    if len(specs) != 1 or specs[0].operator not in {"==", "==="} or "*" in specs[0].version:
        raise SbomInputError(
            Location(path, number),
            "the requirement does not pin one exact version",
            field=requirement.name,
            expected="name==VERSION",
            found=str(requirement.specifier) or "no version",
            hint="lock the environment (pip-compile --generate-hashes, uv export)",
        )
    return specs[0].version


def from_lock(path: Path) -> tuple[Package, ...]:
    """The pinned packages of a requirements lock file, sorted by normalised name.

    Raises:
        SbomInputError: The file cannot be read, or a line is not a pinned requirement.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise SbomInputError(Location(path), "no such file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise SbomInputError(Location(path), f"cannot be read as UTF-8 text ({e})") from e
    found: dict[str, tuple[int, Package]] = {}
    for number, line in _logical_lines(text):
        if line.startswith("-"):
            continue  # a pip option line (-i, --index-url, -r, -c, --find-links ...)
        spec, _, options = line.partition(" --")
        options = "--" + options if options else ""
        try:
            requirement = Requirement(spec.strip())
        except InvalidRequirement as e:
            raise SbomInputError(
                Location(path, number), f"not a requirement: {e}", found=spec.strip()[:60]
            ) from e
        package = Package(
            name=requirement.name,
            version=_pinned(path, number, requirement),
            sha256=_hashes(path, number, options),
            hash_source="lock" if "--hash" in options else "",
        )
        key = str(canonicalize_name(requirement.name))
        if key in found:
            raise SbomInputError(
                Location(path, number),
                "the package is listed twice",
                field=requirement.name,
                hint=f"first listed on line {found[key][0]}",
            )
        found[key] = (number, package)
    return tuple(found[k][1] for k in sorted(found))
