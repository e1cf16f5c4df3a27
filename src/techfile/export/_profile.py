"""The device's tailoring of the catalog as an OSCAL profile, built with trestle's models.

Mapping:

- one import of ``catalog.json``: ``include-controls`` lists the control of every requirement
  that applies to the device (the assessment's order, which is the catalog's); the
  ``exclude-controls`` list names every requirement judged not applicable;
- each not-applicable requirement's justification and its basis (catalog condition, the
  manufacturer's manifest, or the parent section) is a back-matter resource whose
  ``techfile-id`` and ``control-id`` properties name it: OSCAL selections carry no remarks;
- each source outside the device's regime (e.g. the IVDR for an MDR device) is a back-matter
  resource with the reason, since none of its controls is imported;
- ``merge: as-is`` keeps the catalog's groups (one per legal source) in the resolved profile.
"""

from __future__ import annotations

from trestle.oscal.common import BackMatter, Resource
from trestle.oscal.profile import BooleanDatatype, Import2, Merge2, Profile, SelectControl

from techfile.assess import NotApplicable, ProjectAssessment
from techfile.catalog import Catalog
from techfile.export._document import (
    PLACEHOLDER,
    assessment_date,
    content_uuid,
    device_label,
    device_props,
    device_version,
    metadata,
    techfile_prop,
)
from techfile.export._identity import control_ids, one_line, stable_uuid
from techfile.export.errors import ExportError

__all__ = ["CATALOG_HREF", "build_profile"]

CATALOG_HREF = "catalog.json"
"""Where the profile finds the catalog: beside it, as `export_oscal` writes them."""


def build_profile(result: ProjectAssessment, catalog: Catalog) -> Profile:
    """Return the device's profile of the catalog (deterministic: same inputs, same model).

    Raises:
        ExportError: No requirement applies to the device (OSCAL needs one control to include).
    """
    ids = control_ids(catalog.requirements)
    report = result.report
    applicable = [
        ids[a.requirement.id] for a in report.assessments if not isinstance(a.status, NotApplicable)
    ]
    if not applicable:
        msg = "no requirement applies to the device, so there is no profile to export"
        raise ExportError(msg)
    resources: list[Resource] = []
    excluded: list[str] = []
    label = device_label(result)
    for assessment in report.assessments:
        status, requirement = assessment.status, assessment.requirement
        if not isinstance(status, NotApplicable):
            continue
        cid = ids[requirement.id]
        excluded.append(cid)
        resources.append(
            Resource(
                uuid=stable_uuid(label, "not-applicable", requirement.id),
                title=f"Not applicable: {requirement.id} {one_line(requirement.title)}",
                description=status.justification.strip(),
                props=[
                    techfile_prop("techfile-id", requirement.id),
                    techfile_prop("control-id", cid),
                    techfile_prop("basis", status.basis),
                ],
            )
        )
    resources += [
        Resource(
            uuid=stable_uuid(label, "out-of-scope", scope.source_id),
            title=f"Out of scope: {scope.source_id}",
            description=scope.reason.strip(),
            props=[techfile_prop("source-id", scope.source_id)],
        )
        for scope in report.excluded
    ]
    imported = Import2(
        href=CATALOG_HREF,
        include_controls=[SelectControl(with_ids=applicable)],
        exclude_controls=[SelectControl(with_ids=excluded)] if excluded else None,
    )
    document = Profile(
        uuid=PLACEHOLDER,
        metadata=metadata(
            title=f"{label}: requirements that apply",
            last_modified=assessment_date(result, catalog),
            version=device_version(result),
            props=device_props(result),
            remarks=(
                f"{len(applicable)} requirements apply and {len(excluded)} do not. The "
                "justification of each excluded control is a back-matter resource whose "
                "control-id property names it."
            ),
        ),
        imports=[imported],
        merge=Merge2(as_is=BooleanDatatype(root=True)),
        back_matter=BackMatter(resources=resources) if resources else None,
    )
    document.uuid = content_uuid("profile", document)
    return document
