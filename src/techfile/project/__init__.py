"""The manufacturer's project on disk: ``techfile.yaml`` and, later, risks and evidence.

`load_manifest` reads and checks a manifest (or a stand-alone facts file) with located errors;
`write_manifest` checks and writes one atomically.
"""

from techfile.project._datasets import Datasets, ReferencePopulation
from techfile.project._manifest import (
    MANIFEST_NAME,
    CollectSpec,
    Declaration,
    DeviceIdentity,
    EvidenceConfig,
    ItEnvironment,
    Manifest,
    Standard,
    atomic_write_bytes,
    atomic_write_text,
    load_facts,
    load_manifest,
    parse_manifest,
    write_manifest,
)
from techfile.project._models import FactsModel, ManifestModel
from techfile.project._sbom import BomArtefact, SbomConfig, Support, SupportLevel
from techfile.project._security import (
    ResponseTimes,
    SecurityConfig,
    SecurityTxtConfig,
    Severity,
)

__all__ = [
    "MANIFEST_NAME",
    "BomArtefact",
    "CollectSpec",
    "Datasets",
    "Declaration",
    "DeviceIdentity",
    "EvidenceConfig",
    "FactsModel",
    "ItEnvironment",
    "Manifest",
    "ManifestModel",
    "ReferencePopulation",
    "ResponseTimes",
    "SbomConfig",
    "SecurityConfig",
    "SecurityTxtConfig",
    "Severity",
    "Standard",
    "Support",
    "SupportLevel",
    "atomic_write_bytes",
    "atomic_write_text",
    "load_facts",
    "load_manifest",
    "parse_manifest",
    "write_manifest",
]
