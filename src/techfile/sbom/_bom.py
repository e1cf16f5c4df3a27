"""Building the device's CycloneDX 1.6 SBOM (with ML-BOM components) with cyclonedx-python-lib.

Every Python package becomes a ``library`` component with its purl (``pkg:pypi/NAME@VERSION``,
the name PEP 503-normalised as the purl spec requires), SHA-256 hashes, licences and supplier.
The support declared in ``techfile.yaml`` (``sbom.support``) becomes component properties
(``techfile:support:level``, ``techfile:support:end``): MDCG 2019-16 rev.1 §3.8 asks
manufacturers to follow third-party components' support status. Models and datasets named in
``sbom.models`` and ``sbom.datasets`` become ``machine-learning-model`` and ``data`` components
pinned by the SHA-256 of their files.

Output is deterministic: components are sorted by bom-ref, the timestamp is given by the
caller, and the serial number is a UUID derived from the SHA-256 of the document written with
a null serial, so the same inputs give the same bytes. The result is validated against the
CycloneDX 1.6 JSON schema that the library ships before it is returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

from techfile import __version__
from techfile.errors import Location
from techfile.located import load_yaml
from techfile.project import BomArtefact, Manifest, SbomConfig
from techfile.sbom._inventory import Package
from techfile.sbom.errors import SbomError, SbomInputError

__all__ = ["PROPERTY_PREFIX", "Device", "build_sbom", "purl_of"]

PROPERTY_PREFIX = "techfile:"
"""Namespace of techfile's component properties (CycloneDX property taxonomy)."""
_NULL_SERIAL = uuid.UUID(int=0)
_SERIAL_NAMESPACE = uuid.UUID("6f1c2a8e-3b1d-5c2e-9d4a-7e5b0c1f2a3d")


@dataclass(frozen=True, slots=True)
class Device:
    """The device software the SBOM describes (its ``metadata.component``)."""

    name: str
    """Device (software) name."""
    version: str
    """Version of the software."""
    manufacturer: str | None = None
    """Legal manufacturer."""


def purl_of(name: str, version: str) -> PackageURL:
    """The package URL of a PyPI distribution (name lower-cased, ``_`` as ``-``: purl spec)."""
    return PackageURL(type="pypi", name=name.lower().replace("_", "-"), version=version)


def _licences(values: Sequence[str]) -> list[object]:
    factory = LicenseFactory()
    return [factory.make_from_string(v) for v in values]


def _package(package: Package, config: SbomConfig | None) -> Component:
    purl = purl_of(package.name, package.version)
    properties = []
    if package.hash_source:
        properties.append(Property(name=f"{PROPERTY_PREFIX}hash:source", value=package.hash_source))
    support = config.support.get(package.key) if config else None
    if support is not None:
        properties.append(Property(name=f"{PROPERTY_PREFIX}support:level", value=support.level))
        if support.end_of_support is not None:
            end = support.end_of_support.isoformat()
            properties.append(Property(name=f"{PROPERTY_PREFIX}support:end", value=end))
    return Component(
        type=ComponentType.LIBRARY,
        name=package.name,
        version=package.version,
        purl=purl,
        bom_ref=purl.to_string(),
        description=package.description,
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=h) for h in package.sha256],
        licenses=_licences(package.licences),  # type: ignore[arg-type]  # License union
        supplier=OrganizationalEntity(name=package.supplier) if package.supplier else None,
        properties=properties,
    )


def _artefact(
    artefact: BomArtefact, kind: ComponentType, root: Path, where: Location, field: str
) -> Component:
    path = root / artefact.path
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as e:
        raise SbomInputError(
            where,
            f"cannot read {path} ({e.strerror or e})",
            field=field,
            expected="a file, relative to the project folder",
            found=str(artefact.path),
        ) from e
    prefix = "model" if kind is ComponentType.MACHINE_LEARNING_MODEL else "data"
    return Component(
        type=kind,
        name=artefact.name,
        version=artefact.version,
        bom_ref=f"{prefix}:{artefact.name}@{artefact.version}",
        description=artefact.description,
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=digest)],
        licenses=_licences([artefact.licence] if artefact.licence else []),  # type: ignore[arg-type]  # License union
        supplier=OrganizationalEntity(name=artefact.supplier) if artefact.supplier else None,
        properties=[Property(name=f"{PROPERTY_PREFIX}path", value=artefact.path.as_posix())],
    )


def _ml_components(manifest: Manifest | None) -> list[Component]:
    config = manifest.sbom if manifest else None
    if manifest is None or config is None:
        return []
    document = load_yaml(manifest.path)
    kinds = (
        ("models", ComponentType.MACHINE_LEARNING_MODEL, config.models),
        ("datasets", ComponentType.DATA, config.datasets),
    )
    components = []
    for key, kind, artefacts in kinds:
        for i, artefact in enumerate(artefacts):
            loc = ("sbom", key, i, "path")
            where = document.locate(loc)
            components.append(
                _artefact(artefact, kind, manifest.root, where, ".".join(map(str, loc)))
            )
    return components


def _check_support(packages: Sequence[Package], manifest: Manifest | None) -> None:
    config = manifest.sbom if manifest else None
    if manifest is None or config is None:
        return
    present = {p.key for p in packages}
    unknown = [k for k in config.support if k not in present]
    if unknown:
        written = config.support_keys[unknown[0]]
        raise SbomInputError(
            load_yaml(manifest.path).locate(("sbom", "support", written)),
            "the package is not in the environment or lock file",
            field=f"sbom.support.{written}",
            hint="remove the entry or fix its name (names compare after PEP 503 normalisation)",
        )


def build_sbom(
    packages: Sequence[Package],
    *,
    device: Device,
    timestamp: dt.datetime,
    manifest: Manifest | None = None,
) -> str:
    """Build and validate the SBOM; return its JSON text.

    Args:
        packages: The Python packages (from an environment or a lock file).
        device: The software the SBOM describes.
        timestamp: The document's time (e.g. from ``SOURCE_DATE_EPOCH``), for reproducibility.
        manifest: The project, for ``sbom.support``, ``sbom.models`` and ``sbom.datasets``.

    Raises:
        SbomInputError: A model or dataset file is unreadable, or ``sbom.support`` names a
            package that is not there (located in ``techfile.yaml``).
        SbomError: The document fails the CycloneDX 1.6 schema (a defect of techfile).
    """
    _check_support(packages, manifest)
    config = manifest.sbom if manifest else None
    bom = Bom()
    bom.metadata.timestamp = timestamp.astimezone(dt.UTC)
    root = Component(
        type=ComponentType.APPLICATION,
        name=device.name,
        version=device.version,
        bom_ref=f"device:{device.name}@{device.version}",
        supplier=OrganizationalEntity(name=device.manufacturer) if device.manufacturer else None,
    )
    bom.metadata.component = root
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name="techfile", version=__version__)
    )
    by_key = {p.key: _package(p, config) for p in packages}
    ml = _ml_components(manifest)
    for component in [*by_key.values(), *ml]:
        bom.components.add(component)
    required = {r for p in packages for r in p.requires if r in by_key}
    for package in packages:
        deps = [by_key[r] for r in package.requires if r in by_key and r != package.key]
        bom.register_dependency(by_key[package.key], deps)
    top = [c for k, c in by_key.items() if k not in required] + ml
    bom.register_dependency(root, top or list(bom.components))
    for component in ml:
        bom.register_dependency(component, [])
    return _serialise(bom)


def _serialise(bom: Bom) -> str:
    bom.serial_number = _NULL_SERIAL
    draft = _text(bom)
    digest = hashlib.sha256(draft.encode("utf-8")).hexdigest()
    bom.serial_number = uuid.uuid5(_SERIAL_NAMESPACE, digest)
    text = _text(bom)
    problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if problem is not None:
        msg = f"the SBOM fails the CycloneDX 1.6 schema: {str(problem).splitlines()[0]}"
        raise SbomError(msg)
    return text


def _text(bom: Bom) -> str:
    return make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string(indent=2)
