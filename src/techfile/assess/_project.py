"""Assessment of a project on disk: the edge where the manifest, keys and evidence folder are read.

The device's applicability facts are the classification's conclusions (regulation, class, AI
Act status, notified body) and the facts and characteristics stated in ``techfile.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from techfile.assess._assess import GapReport, assess
from techfile.catalog import MISSING, Catalog, FactValue, applicability, load_catalog
from techfile.classify import Classification, classify
from techfile.evidence import FolderStore, Ledger, file_digest, load_public_key, read_ledger
from techfile.project import Manifest

__all__ = ["ProjectAssessment", "assess_project", "device_lookup"]


@dataclass(frozen=True, slots=True)
class ProjectAssessment:
    """A project's classification, evidence ledger and gap report, computed together."""

    manifest: Manifest
    """The manifest read."""
    classification: Classification
    """Its classification."""
    ledger: Ledger
    """Trusted and rejected evidence."""
    report: GapReport
    """The gap report."""


def device_lookup(manifest: Manifest, result: Classification) -> Callable[[str], FactValue]:
    """Return the applicability facts of a device: classification first, then the manifest."""
    derived: dict[str, FactValue] = {
        "regulation": result.regulation.value if result.regulation else MISSING,
        "class": result.device_class.value if result.device_class else MISSING,
        "ai_act_high_risk": _known(result.ai_act_high_risk),
        "notified_body_required": _known(result.notified_body_required),
    }

    def lookup(name: str) -> FactValue:
        if name in derived:
            return derived[name]
        if name in manifest.characteristics:
            return manifest.characteristics[name]
        return manifest.facts.get(name)

    return lookup


def _known(value: bool | None) -> FactValue:  # noqa: FBT001  # a tri-state value, not a flag
    return MISSING if value is None else value


def assess_project(manifest: Manifest, catalog: Catalog | None = None) -> ProjectAssessment:
    """Classify the device, verify its evidence and assess every requirement.

    Raises:
        EvidenceKeyError: The project's public evidence key cannot be read.
    """
    catalog = catalog or load_catalog()
    result = classify(manifest.facts)
    decisions, excluded = applicability(
        catalog, device_lookup(manifest, result), manifest.not_applicable
    )
    root = manifest.root
    store = FolderStore(root / manifest.evidence.folder)
    key_stem = root / manifest.evidence.key
    keys = [load_public_key(key_stem)] if any(True for _ in store.items()) else []
    ledger = read_ledger(store, keys)
    report = assess(
        catalog, decisions, excluded, ledger.verified, ledger.rejected, file_digest(root)
    )
    return ProjectAssessment(manifest, result, ledger, report)
