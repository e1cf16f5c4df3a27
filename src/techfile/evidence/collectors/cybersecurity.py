"""Collectors for the cybersecurity evidence: the SBOM, the vulnerability scan, the triage.

* ``sbom``: a CycloneDX JSON SBOM, validated against its schema (no options).
* ``vulnerability_scan``: the artefact is the SBOM; the scan runs at collection time against
  the OSV export named by option ``osv_db`` (required) with the triage file of option ``vex``
  (optional), both relative to the project folder. The record pins the SBOM, the export (when
  it is one file) and the triage file, so no hand-edited report can turn a finding into a
  pass, and the record goes stale when any of them changes.
* ``vex``: the project's triage decisions (``vex.yaml``, no options).

The libraries are imported inside ``collect``: they build on ``techfile.evidence``, which lists
this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors._artefact import read_artefact
from techfile.evidence.collectors._options import check_names, option_error, optional_text
from techfile.evidence.collectors.interface import Draft, subject_of

__all__ = ["SbomCollector", "VexCollector", "VulnerabilityScanCollector"]


class SbomCollector:
    """Reads a CycloneDX JSON SBOM (MDR Annex I 17.2; MDCG 2019-16 rev.1 §3.8)."""

    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.SBOM

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Validate the SBOM at ``path`` and summarise its inventory.

        Raises:
            EvidenceInputError: The file is unreadable or changed while read.
            SbomInputError: It is not a valid CycloneDX SBOM (located).
        """
        from techfile.sbom import read_sbom, sbom_draft  # noqa: PLC0415  # see the module

        check_names(options, (), path)
        subject, _ = read_artefact(path, root)
        return sbom_draft(read_sbom(path), subject, dt.datetime.now(dt.UTC).date())


class VulnerabilityScanCollector:
    """Scans an SBOM against an offline OSV export (MDCG 2019-16 rev.1 §3.7-3.8).

    Options: ``osv_db`` (required) and ``vex`` (optional), paths relative to the project.
    """

    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.VULNERABILITY_SCAN

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Scan the SBOM at ``path``; FAIL while a finding is unresolved, else PASS.

        Raises:
            EvidenceInputError: An option is missing or bad, or a file is unreadable.
            SbomInputError, OsvInputError, VexInputError: An input is malformed (located).
        """
        from techfile.sbom import read_sbom  # noqa: PLC0415  # see the module
        from techfile.sbom.vulns import load_vex, scan, scan_draft  # noqa: PLC0415  # see the module

        check_names(options, ("osv_db", "vex"), path)
        database = optional_text(options, "osv_db", path)
        if database is None:
            raise option_error(path, "osv_db", "the OSV export's path (PyPI/all.zip)", None)
        triage = optional_text(options, "vex", path)
        subjects = [read_artefact(path, root)[0]]
        if (root / database).is_file():
            subjects.append(subject_of(root / database, root))
        if triage is not None:
            subjects.append(subject_of(root / triage, root))
        vex = load_vex(root / triage) if triage is not None else None
        report = scan(read_sbom(path), root / database, vex)
        return scan_draft(report, tuple(subjects))


class VexCollector:
    """Reads the project's triage decisions (``vex.yaml``)."""

    __slots__ = ()
    kind: EvidenceKind = EvidenceKind.VEX

    def collect(self, path: Path, *, root: Path, options: Mapping[str, object]) -> Draft:
        """Check the decisions at ``path`` and list them.

        Raises:
            EvidenceInputError: The file is unreadable or changed while read.
            VexInputError: It is malformed (located).
        """
        from techfile.sbom.vulns import load_vex, vex_draft  # noqa: PLC0415  # see the module

        check_names(options, (), path)
        subject, _ = read_artefact(path, root)
        return vex_draft(load_vex(path), subject)
