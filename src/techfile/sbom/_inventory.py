"""The packages of an installed Python environment, read from their metadata (no import).

`from_environment` reads the ``*.dist-info`` metadata of a virtual environment, a
``site-packages`` folder or the environment of a Python interpreter, with
``importlib.metadata``. For each distribution it keeps name, version, licence (PEP 639
``License-Expression``, else ``License``, else the licence classifiers), supplier (maintainer,
else author), the ``Requires-Dist`` names (for the dependency graph), and the SHA-256 of its
``RECORD`` file, which pins the hash of every installed file (PEP 376/627).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import subprocess  # asks the target interpreter where its packages live
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from techfile.errors import Location
from techfile.sbom.errors import SbomInputError

__all__ = ["HashSource", "Package", "from_environment"]

_LICENCE_TEXT_LIMIT = 80  # longer ``License`` values are licence texts, not names
_CLASSIFIER = "License :: "
_PATHS = (
    "import json, sysconfig; "
    "print(json.dumps(sorted({sysconfig.get_path('purelib'), sysconfig.get_path('platlib')})))"
)

HashSource = str
"""Where a package's hashes come from: ``RECORD`` (installed files) or ``lock`` (archives)."""


@dataclass(frozen=True, slots=True)
class Package:
    """One third-party (or first-party) Python distribution."""

    name: str
    """The distribution name as published."""
    version: str
    """Its version."""
    sha256: tuple[str, ...] = ()
    """Hex SHA-256 digests (of ``RECORD``, or of the archives a lock file allows)."""
    hash_source: HashSource = ""
    """What ``sha256`` hashes: ``RECORD`` or ``lock``."""
    licences: tuple[str, ...] = ()
    """SPDX expression, SPDX ids or licence names."""
    supplier: str | None = None
    """Maintainer or author."""
    description: str | None = None
    """The one-line summary."""
    requires: tuple[str, ...] = ()
    """PEP 503 names of the distributions it requires (no extras)."""

    @property
    def key(self) -> str:
        """The PEP 503 normalised name."""
        return str(canonicalize_name(self.name))


def _site_paths(target: Path) -> list[Path]:
    if target.is_dir():
        if any(target.glob("*.dist-info")):
            return [target]
        found = sorted(target.glob("lib/python*/site-packages")) + sorted(
            target.glob("Lib/site-packages")
        )
        if found:
            return found
        raise SbomInputError(
            Location(target),
            "no installed packages found",
            expected="a virtual environment, a site-packages folder or a Python interpreter",
        )
    if not target.is_file():
        raise SbomInputError(Location(target), "no such file or folder")
    try:
        done = subprocess.run(  # noqa: S603  # the user's own interpreter, fixed arguments
            [str(target), "-I", "-c", _PATHS], capture_output=True, check=True, timeout=60
        )
        return [Path(p) for p in json.loads(done.stdout)]
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        raise SbomInputError(
            Location(target),
            f"cannot ask this Python where its packages are ({e})",
            expected="a Python interpreter",
        ) from e


def _field(meta: metadata.PackageMetadata, name: str) -> str | None:
    """The first value of a metadata field, or None (``get_all``: no implicit None lookups)."""
    values = meta.get_all(name)
    return str(values[0]) if values else None


def _licences(meta: metadata.PackageMetadata) -> tuple[str, ...]:
    expression = _field(meta, "License-Expression")
    if expression:
        return (expression.strip(),)
    text = (_field(meta, "License") or "").strip()
    if text and "\n" not in text and len(text) <= _LICENCE_TEXT_LIMIT and text != "UNKNOWN":
        return (text,)
    classifiers = meta.get_all("Classifier") or []
    return tuple(
        sorted(
            {c.rsplit(" :: ", 1)[-1] for c in classifiers if c.startswith(_CLASSIFIER)}
            - {"OSI Approved"}
        )
    )


def _supplier(meta: metadata.PackageMetadata) -> str | None:
    for name_field, email_field in (("Maintainer", "Maintainer-email"), ("Author", "Author-email")):
        name = (_field(meta, name_field) or "").strip()
        if name and name != "UNKNOWN":
            return name
        addresses = email.utils.getaddresses([_field(meta, email_field) or ""])
        names = [n for n, _ in addresses if n]
        if names:
            return ", ".join(names)
    return None


def _requires(dist: metadata.Distribution) -> tuple[str, ...]:
    names = set()
    for line in dist.requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and "extra" in str(requirement.marker):
            continue  # optional: only with an extra
        names.add(str(canonicalize_name(requirement.name)))
    return tuple(sorted(names))


def _package(dist: metadata.Distribution) -> Package:
    meta = dist.metadata
    record = dist.read_text("RECORD")
    digest = hashlib.sha256(record.encode("utf-8")).hexdigest() if record else None
    return Package(
        name=_field(meta, "Name") or dist.name,
        version=dist.version,
        sha256=(digest,) if digest else (),
        hash_source="RECORD" if digest else "",
        licences=_licences(meta),
        supplier=_supplier(meta),
        description=(_field(meta, "Summary") or "").strip() or None,
        requires=_requires(dist),
    )


def from_environment(target: Path) -> tuple[Package, ...]:
    """Every distribution installed in ``target``, sorted by normalised name.

    Args:
        target: A virtual environment, a ``site-packages`` folder, or a Python interpreter.

    Raises:
        SbomInputError: Nothing installed is found there, or the interpreter cannot be run.
    """
    paths = _site_paths(target)
    found: dict[str, Package] = {}
    dists: Iterable[metadata.Distribution] = metadata.distributions(path=[str(p) for p in paths])
    for dist in dists:
        if not dist.metadata or not _field(dist.metadata, "Name"):
            continue  # a broken .dist-info without METADATA
        package = _package(dist)
        found.setdefault(package.key, package)  # the first on the path wins, as at import
    return tuple(found[k] for k in sorted(found))
