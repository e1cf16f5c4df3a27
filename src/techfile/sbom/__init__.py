"""The device's software bill of materials: CycloneDX 1.6 with ML-BOM components.

`from_environment` and `from_lock` inventory the Python packages; `build_sbom` writes the
SBOM (deterministic, validated against the CycloneDX 1.6 schema); `read_sbom` reads and
validates one back; `sbom_draft` makes it evidence (MDR Annex I 17.2, MDCG 2019-16 §3.8).
"""

from techfile.sbom._bom import PROPERTY_PREFIX, Device, build_sbom, purl_of
from techfile.sbom._evidence import sbom_details, sbom_draft
from techfile.sbom._inventory import Package, from_environment
from techfile.sbom._lock import from_lock
from techfile.sbom._read import SbomComponent, SbomDocument, read_sbom
from techfile.sbom.errors import SbomError, SbomInputError

__all__ = [
    "PROPERTY_PREFIX",
    "Device",
    "Package",
    "SbomComponent",
    "SbomDocument",
    "SbomError",
    "SbomInputError",
    "build_sbom",
    "from_environment",
    "from_lock",
    "purl_of",
    "read_sbom",
    "sbom_details",
    "sbom_draft",
]
