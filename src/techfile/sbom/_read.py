"""Reading a CycloneDX JSON SBOM: validated against its schema, then reduced to components.

The document is checked against the CycloneDX JSON schema of its own ``specVersion`` (1.4 to
1.6) with the validator cyclonedx-python-lib ships; only then are its components read.
Errors name the file, the JSON line and column (syntax) or the JSON path of the bad field
(schema), with what the schema expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from jsonschema.exceptions import ValidationError as SchemaError
from packageurl import PackageURL

from techfile.errors import Location
from techfile.sbom.errors import SbomInputError

__all__ = ["SbomComponent", "SbomDocument", "read_sbom"]

_VERSIONS = {"1.4": SchemaVersion.V1_4, "1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}


@dataclass(frozen=True, slots=True)
class SbomComponent:
    """One component of an SBOM, as matching and reporting need it."""

    bom_ref: str
    """Its ``bom-ref`` (or its purl, or its name, when it has none)."""
    type: str
    """CycloneDX component type (``library``, ``machine-learning-model``, ``data`` ...)."""
    name: str
    """Name."""
    version: str
    """Version ("" if none)."""
    purl: PackageURL | None
    """Package URL, if given and valid."""
    sha256: tuple[str, ...] = ()
    """Its SHA-256 hashes."""
    properties: tuple[tuple[str, str], ...] = ()
    """Its properties (name, value), in document order."""

    def property(self, name: str) -> str | None:
        """The value of the first property called ``name``, if any."""
        return next((v for k, v in self.properties if k == name), None)


@dataclass(frozen=True, slots=True)
class SbomDocument:
    """A validated SBOM."""

    path: Path
    """Where it was read from."""
    spec_version: str
    """CycloneDX ``specVersion``."""
    serial_number: str | None
    """``serialNumber``."""
    components: tuple[SbomComponent, ...]
    """Every component, nested ones included."""

    def pypi(self) -> tuple[SbomComponent, ...]:
        """The components with a ``pkg:pypi`` purl and a version."""
        return tuple(
            c for c in self.components if c.purl is not None and c.purl.type == "pypi" and c.version
        )


def _schema_error(path: Path, error: SchemaError) -> SbomInputError:
    where = "/".join(str(p) for p in error.absolute_path) or "(document)"
    return SbomInputError(
        Location(path),
        "the SBOM does not follow the CycloneDX schema",
        field=where,
        expected=f"{error.validator} {error.validator_value!r}"[:120],
        found=repr(error.instance)[:60],
    )


def _dicts(value: object) -> list[dict[str, object]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _component(path: Path, item: dict[str, object], where: str) -> SbomComponent:
    purl = None
    if isinstance(item.get("purl"), str):
        try:
            purl = PackageURL.from_string(str(item["purl"]))
        except ValueError as e:
            raise SbomInputError(
                Location(path),
                f"invalid package URL ({e})",
                field=f"{where}/purl",
                found=str(item["purl"])[:60],
            ) from e
    name = str(item["name"])
    version = str(item.get("version", ""))
    ref = item.get("bom-ref") or (purl.to_string() if purl else name)
    hashes = _dicts(item.get("hashes"))
    properties = _dicts(item.get("properties"))
    return SbomComponent(
        str(ref),
        str(item["type"]),
        name,
        version,
        purl,
        tuple(str(h["content"]) for h in hashes if h.get("alg") == "SHA-256"),
        tuple((str(p["name"]), str(p.get("value", ""))) for p in properties),
    )


def _walk(path: Path, items: object, where: str) -> list[SbomComponent]:
    found: list[SbomComponent] = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            found.append(_component(path, item, f"{where}/{i}"))
            found += _walk(path, item.get("components"), f"{where}/{i}/components")
    return found


def read_sbom(path: Path) -> SbomDocument:
    """Read and validate a CycloneDX JSON SBOM.

    Raises:
        SbomInputError: The file is unreadable, not JSON, not CycloneDX 1.4-1.6, or fails its
            schema (located by line and column, or by JSON path).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise SbomInputError(Location(path), "no such file") from e
    except (OSError, UnicodeDecodeError) as e:
        raise SbomInputError(Location(path), f"cannot be read as UTF-8 text ({e})") from e
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SbomInputError(Location(path, e.lineno, e.colno), f"invalid JSON: {e.msg}") from e
    version = data.get("specVersion") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("bomFormat") != "CycloneDX"
        or version not in _VERSIONS
    ):
        raise SbomInputError(
            Location(path, 1, 1),
            "not a CycloneDX JSON SBOM",
            field="specVersion",
            expected="bomFormat CycloneDX, specVersion 1.4, 1.5 or 1.6",
            found=repr(version) if isinstance(data, dict) else type(data).__name__,
        )
    problem = JsonStrictValidator(_VERSIONS[version]).validate_str(text)
    if problem is not None:
        if isinstance(problem.data, SchemaError):
            raise _schema_error(path, problem.data)
        raise SbomInputError(Location(path), f"invalid SBOM: {problem}")
    components = _walk(path, data.get("components"), "components")
    return SbomDocument(path, str(version), data.get("serialNumber"), tuple(components))
