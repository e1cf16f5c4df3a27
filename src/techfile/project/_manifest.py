"""The manufacturer's project on disk: reading and writing ``techfile.yaml``.

A manifest holds the device's identity and its classification facts. Reading it checks the
schema (located errors, "did you mean" for unknown keys) and the consistency of the facts
(contradictions located at the first field involved). Writing is atomic: a crash leaves the old
file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from techfile.catalog import EvidenceKind
from techfile.classify import Facts, find_contradictions
from techfile.errors import InputError, LocatedInputError
from techfile.located import LocatedDocument, load_yaml, parse_yaml, validate
from techfile.project._datasets import Datasets, datasets_from_model
from techfile.project._evaluation import plan_from_model
from techfile.project._models import FactsFileModel, ManifestModel
from techfile.project._sbom import SbomConfig, sbom_from_model
from techfile.project._security import SecurityConfig, security_from_model

if TYPE_CHECKING:  # the statistics load only for a manifest with an evaluation plan
    from techfile.evaluate import EvaluationPlan

__all__ = [
    "MANIFEST_NAME",
    "DeviceIdentity",
    "Manifest",
    "atomic_write_bytes",
    "atomic_write_text",
    "load_facts",
    "load_manifest",
    "parse_manifest",
    "write_manifest",
]

MANIFEST_NAME = "techfile.yaml"


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _default_mode()


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """Who makes the device and what it is for (MDR Annex II section 1.1)."""

    name: str
    """Trade name."""
    manufacturer: str
    """The legal manufacturer's name."""
    manufacturer_address: str | None
    """Registered address."""
    manufacturer_srn: str | None
    """EUDAMED single registration number."""
    version: str
    """Software version."""
    udi_di: str | None
    """Basic UDI-DI or UDI-DI, where assigned."""
    intended_purpose: str
    """The intended purpose, as in the instructions for use."""
    intended_users: tuple[str, ...]
    """Intended users."""
    patient_population: str
    """Intended patient population."""
    use_environment: tuple[str, ...]
    """Use environments."""


@dataclass(frozen=True, slots=True)
class CollectSpec:
    """One artefact that ``techfile evidence collect`` turns into a record."""

    kind: EvidenceKind
    """The collector to use."""
    path: Path
    """The artefact, relative to the project root."""
    requirements: tuple[str, ...]
    """Requirements the whole artefact supports (besides those it names itself)."""
    options: Mapping[str, object]
    """Collector options (e.g. a coverage threshold)."""


@dataclass(frozen=True, slots=True)
class EvidenceConfig:
    """Where the project keeps evidence and its key, and what to collect."""

    folder: Path = Path("evidence")
    """Evidence records folder, relative to the project root."""
    key: Path = Path("keys/evidence")
    """Key stem: ``.key`` (encrypted private key) and ``.pub.json`` beside it."""
    collect: tuple[CollectSpec, ...] = ()
    """Artefacts to collect."""


@dataclass(frozen=True, slots=True)
class Standard:
    """A standard or common specification the manufacturer applies."""

    id: str
    """Reference, e.g. "IEC 62304:2006+A1:2015"."""
    title: str
    """Title."""
    harmonised: bool
    """Whether it is harmonised (cited in the Official Journal)."""
    requirements: tuple[str, ...]
    """Requirements it is used for."""


@dataclass(frozen=True, slots=True)
class ItEnvironment:
    """The minimum IT environment and security measures (MDR Annex I 23.4(ab))."""

    hardware: str | None = None
    """Minimum hardware."""
    it_network: str | None = None
    """IT network characteristics."""
    security_measures: tuple[str, ...] = ()
    """IT security measures, including protection against unauthorised access."""


@dataclass(frozen=True, slots=True)
class Declaration:
    """Details of the EU declaration of conformity not derived from the facts."""

    signatory: str | None = None
    """Name and function of the signatory."""
    place: str | None = None
    """Place of issue."""
    notified_body: str | None = None
    """Notified body, "name (number)"."""
    certificate: str | None = None
    """Certificate identification."""
    personal_data_statement: bool = False
    """The device processes personal data: add the data-protection statement (Annex V 5)."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """A read and checked ``techfile.yaml``."""

    path: Path
    """Where it was read from."""
    device: DeviceIdentity | None
    """The device (None for a stand-alone facts file)."""
    facts: Facts
    """The classification facts given (possibly none)."""
    characteristics: Mapping[str, bool] = field(default_factory=dict)
    """Characteristics stated (applicability facts); absent ones are unknown."""
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    """Requirement id -> the manufacturer's justification for not applying it."""
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)
    """Evidence settings."""
    standards: tuple[Standard, ...] = ()
    """Standards and common specifications applied."""
    it_environment: ItEnvironment | None = None
    """IT requirements for the instructions for use."""
    declaration: Declaration = field(default_factory=Declaration)
    """Declaration of conformity details."""
    datasets: Datasets | None = None
    """Reference population and datasheet answers (``datasets:``), if given."""
    evaluation: EvaluationPlan | None = None
    """Threshold, confidence level and acceptance criteria (``evaluation:``), if given."""
    sbom: SbomConfig | None = None
    """Support periods, models and datasets for the SBOM (``sbom:``), if given."""
    security: SecurityConfig | None = None
    """Vulnerability disclosure and support period (``security:``), if given."""

    @property
    def root(self) -> Path:
        """The project folder (where ``techfile.yaml`` lies)."""
        return self.path.parent


def load_manifest(path: Path) -> Manifest:
    """Read and check a ``techfile.yaml`` or a stand-alone facts file.

    A file whose only top-level key is ``classification`` is a facts file; anything else must be
    a whole manifest. A directory means its ``techfile.yaml``.

    Raises:
        InputError: The file is missing, malformed or contradictory (located).
    """
    if path.is_dir():
        path = path / MANIFEST_NAME
    document = load_yaml(path)
    return _checked(document, path)


def load_facts(path: Path) -> Facts:
    """Read only the classification facts of a manifest or facts file."""
    return load_manifest(path).facts


def parse_manifest(text: str, path: Path) -> Manifest:
    """Check manifest text as if read from ``path`` (used before writing)."""
    return _checked(parse_yaml(text, path), path)


def _checked(document: LocatedDocument, path: Path) -> Manifest:
    data = document.data
    if isinstance(data, dict) and set(data) == {"classification"}:
        facts = validate(FactsFileModel, document).classification.to_facts()
        device = None
        extras = {}
    else:
        manifest = validate(ManifestModel, document)
        facts = manifest.classification.to_facts() if manifest.classification else Facts()
        extras = _extras(manifest)
        d = manifest.device
        device = DeviceIdentity(
            d.name,
            d.manufacturer.name,
            d.manufacturer.address,
            d.manufacturer.srn,
            d.version,
            d.udi_di,
            d.intended_purpose,
            tuple(d.intended_users),
            d.patient_population,
            tuple(d.use_environment),
        )
    contradictions = find_contradictions(facts)
    if contradictions:
        errors = [
            LocatedInputError(
                document.locate(("classification", c.fields[0])),
                f"contradictory facts: {c.message}",
                field="classification." + ", classification.".join(c.fields),
                hint=f"see {c.citation}",
            )
            for c in contradictions
        ]
        errors[0].more = tuple(errors[1:])
        raise errors[0]
    return Manifest(path, device, facts, **extras)  # type: ignore[arg-type]  # keyword fields


def _extras(manifest: ManifestModel) -> dict[str, object]:
    characteristics = (
        {
            name: getattr(manifest.characteristics, name)
            for name in manifest.characteristics.model_fields_set
            if getattr(manifest.characteristics, name) is not None
        }
        if manifest.characteristics
        else {}
    )
    config = manifest.evidence
    evidence = EvidenceConfig(
        Path(config.folder),
        Path(config.key),
        tuple(
            CollectSpec(c.kind, Path(c.path), tuple(c.requirements), dict(c.options))
            for c in config.collect
        ),
    )
    nb = manifest.declaration.notified_body
    it = manifest.it_environment
    return {
        "standards": tuple(
            Standard(d.id, d.title, d.harmonised, tuple(d.requirements)) for d in manifest.standards
        ),
        "it_environment": ItEnvironment(it.hardware, it.it_network, tuple(it.security_measures))
        if it
        else None,
        "declaration": Declaration(
            manifest.declaration.signatory,
            manifest.declaration.place,
            f"{nb.name} ({nb.number})" if nb else None,
            nb.certificate if nb else None,
            manifest.declaration.personal_data_statement,
        ),
        "characteristics": characteristics,
        "not_applicable": dict(manifest.not_applicable),
        "evidence": evidence,
        "datasets": datasets_from_model(manifest.datasets) if manifest.datasets else None,
        "evaluation": plan_from_model(manifest.evaluation) if manifest.evaluation else None,
        "sbom": sbom_from_model(manifest.sbom) if manifest.sbom else None,
        "security": security_from_model(manifest.security) if manifest.security else None,
    }


def write_manifest(path: Path, data: dict[str, object], *, overwrite: bool = False) -> Manifest:
    """Check a manifest and write it atomically.

    Args:
        path: Target file.
        data: The manifest as plain values.
        overwrite: Replace an existing file.

    Raises:
        InputError: The data do not make a valid manifest, or the file exists.
    """
    if path.exists() and not overwrite:
        msg = f"{path} exists already; pass --force to replace it"
        raise InputError(msg)
    text = "# techfile manifest: see `techfile schema facts` for the classification fields.\n"
    text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    manifest = parse_manifest(text, path)
    atomic_write_text(path, text)
    return manifest


def atomic_write_text(path: Path, text: str) -> None:
    """Write a text file so that readers see the old content or the new, never a mix."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: a temporary file, flushed, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, _FILE_MODE)  # mkstemp makes 0600; a document should read like any file
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise
