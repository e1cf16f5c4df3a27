"""Write the OSCAL documents of a project: catalog, profile and assessment results.

compliance-trestle (the ``oscal`` extra) is imported only here, when an export runs, so that
techfile works without it (STYLE E5). The three files are written atomically, each next to the
others, since the profile imports ``catalog.json`` by a relative href.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from techfile.assess import ProjectAssessment
from techfile.catalog import Catalog
from techfile.export.errors import ExportError, ExtraMissingError
from techfile.project import atomic_write_text

__all__ = ["ASSESSMENT_RESULTS_FILE", "CATALOG_FILE", "PROFILE_FILE", "export_oscal"]

CATALOG_FILE = "catalog.json"
"""The OSCAL catalog's file name (the profile's import href)."""
PROFILE_FILE = "profile.json"
"""The OSCAL profile's file name."""
ASSESSMENT_RESULTS_FILE = "assessment-results.json"
"""The OSCAL assessment results' file name."""


def export_oscal(result: ProjectAssessment, catalog: Catalog, out: Path) -> list[Path]:
    """Write the catalog, the device's profile and its assessment results as OSCAL JSON.

    The same catalog and assessment give byte-identical files: no date is "now" and every
    UUID is derived from content.

    Args:
        result: The project's assessment (`techfile.assess.assess_project`).
        catalog: The catalog it was assessed against.
        out: The folder to write into (created if missing).

    Returns:
        The files written: catalog, profile, assessment results.

    Raises:
        ExtraMissingError: compliance-trestle is not installed.
        ExportError: A document cannot be expressed in OSCAL or cannot be written.
    """
    try:
        # Lazy: the oscal extra is optional, and trestle is slow to import.
        from techfile.export._catalog import build_catalog  # noqa: PLC0415  # optional extra
        from techfile.export._profile import build_profile  # noqa: PLC0415  # optional extra
        from techfile.export._results import build_assessment_results  # noqa: PLC0415  # optional extra
    except ImportError as e:
        if e.name is None or not e.name.startswith("trestle"):
            raise
        raise ExtraMissingError("OSCAL export", "oscal") from e
    try:
        documents = {
            CATALOG_FILE: build_catalog(catalog),
            PROFILE_FILE: build_profile(result, catalog),
            ASSESSMENT_RESULTS_FILE: build_assessment_results(result, catalog),
        }
    except ValidationError as e:
        msg = f"the assessment cannot be expressed in OSCAL: {e}"
        raise ExportError(msg) from e
    written: list[Path] = []
    for name, document in documents.items():
        path = out / name
        text = document.oscal_serialize_json(pretty=True) + "\n"
        try:
            atomic_write_text(path, text)
        except OSError as e:
            msg = f"{path}: cannot write the OSCAL document ({e.strerror or e})"
            raise ExportError(msg) from e
        written.append(path)
    return written
