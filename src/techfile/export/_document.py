"""What the three exported OSCAL documents share: metadata, dates, properties and UUIDs.

Dates are never "now": a catalog is dated by its sources' legal status, a device's documents
by the newest evidence (or, without evidence, by the catalog), so that exporting twice gives
the same bytes. A document's own UUID is derived from its content (a v5 UUID of the SHA-256 of
its serialisation with a placeholder UUID), so it changes exactly when the content changes, as
OSCAL asks of a document UUID.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from trestle.core.base_model import OscalBaseModel
from trestle.oscal import OSCAL_VERSION
from trestle.oscal.common import Link, Metadata, Property

from techfile.assess import ProjectAssessment
from techfile.catalog import Catalog
from techfile.export._identity import PROPERTY_NS, one_line, stable_uuid

__all__ = [
    "PLACEHOLDER",
    "assessment_date",
    "catalog_date",
    "content_uuid",
    "device_label",
    "device_props",
    "device_version",
    "metadata",
    "oscal_prop",
    "techfile_prop",
]

PLACEHOLDER = stable_uuid("placeholder")
"""The UUID a document carries until `content_uuid` replaces it."""


def content_uuid(kind: str, document: OscalBaseModel) -> str:
    """Return the UUID of a document from its content (built with the `PLACEHOLDER` UUID)."""
    digest = hashlib.sha256(document.oscal_serialize_json_bytes(canonical=True)).hexdigest()
    return stable_uuid(kind, digest)


def catalog_date(catalog: Catalog) -> dt.datetime:
    """The catalog's date: the latest legal status of its sources, at midnight UTC."""
    day = max(source.legal_status_as_of for source in catalog.sources)
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def assessment_date(result: ProjectAssessment, catalog: Catalog) -> dt.datetime:
    """The assessment's date: its newest evidence, or the catalog's date without evidence."""
    as_of = result.report.as_of
    if as_of is None:
        return catalog_date(catalog)
    # Evidence times are recorded in UTC (techfile.evidence); a naive one is read as UTC.
    return as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=dt.UTC)


def device_label(result: ProjectAssessment) -> str:
    """The device's name and version, or a neutral label for a stand-alone facts file."""
    device = result.manifest.device
    return f"{device.name} {device.version}" if device is not None else "the device"


def device_version(result: ProjectAssessment) -> str:
    """The device's version, the version of the documents about it."""
    device = result.manifest.device
    return device.version if device is not None else "unversioned"


def device_props(result: ProjectAssessment) -> list[Property]:
    """Properties naming the device and its classification, for document metadata."""
    device = result.manifest.device
    facts = result.classification
    props: list[Property] = []
    if device is not None:
        props += [
            techfile_prop("device-name", device.name),
            techfile_prop("device-version", device.version),
            techfile_prop("manufacturer", device.manufacturer),
        ]
    values = {
        "regulation": facts.regulation,
        "device-class": facts.device_class,
        "ai-act-high-risk": facts.ai_act_high_risk,
        "notified-body-required": facts.notified_body_required,
    }
    for name, value in values.items():
        if value is not None:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            props.append(techfile_prop(name, text))
    return props


def techfile_prop(name: str, value: str) -> Property:
    """Return a property in the techfile namespace (a name OSCAL does not define)."""
    return Property(name=name, value=one_line(value), ns=PROPERTY_NS)


def oscal_prop(name: str, value: str) -> Property:
    """Return a property whose name OSCAL defines (``label``, ``marking``, ...)."""
    return Property(name=name, value=one_line(value))


def metadata(  # noqa: PLR0913  # the metadata fields a document sets, keyword-only
    *,
    title: str,
    last_modified: dt.datetime,
    version: str,
    props: list[Property] | None = None,
    links: list[Link] | None = None,
    remarks: str | None = None,
) -> Metadata:
    """Return document metadata for the OSCAL version of the installed trestle models."""
    return Metadata(
        title=title,
        last_modified=last_modified,
        version=version,
        oscal_version=OSCAL_VERSION,
        props=props or None,
        links=links or None,
        remarks=remarks,
    )
