"""Export of the catalog and a project's assessment to other formats: OSCAL JSON.

`export_oscal` writes three OSCAL documents built with compliance-trestle's models (the
``oscal`` extra): ``catalog.json`` (every requirement of every source, nested by parent, with
the crosswalk as links), ``profile.json`` (the device's tailoring: the applicable controls
included, the not-applicable ones excluded with their justification) and
``assessment-results.json`` (one finding per assessed requirement, one observation per trusted
evidence record). Exports are deterministic: the same inputs give the same bytes.
"""

from techfile.export._export import (
    ASSESSMENT_RESULTS_FILE,
    CATALOG_FILE,
    PROFILE_FILE,
    export_oscal,
)
from techfile.export._identity import PROPERTY_NS, control_id
from techfile.export.errors import ExportError, ExtraMissingError

__all__ = [
    "ASSESSMENT_RESULTS_FILE",
    "CATALOG_FILE",
    "PROFILE_FILE",
    "PROPERTY_NS",
    "ExportError",
    "ExtraMissingError",
    "control_id",
    "export_oscal",
]
