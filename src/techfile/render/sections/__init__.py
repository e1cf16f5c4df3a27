"""Evidence sections of the technical file, one module per evidence kind.

`SECTIONS` lists them in document order; a new evidence kind adds a module and an entry here.
"""

from collections.abc import Mapping
from types import MappingProxyType

from techfile.catalog import EvidenceKind
from techfile.render.sections.coverage import CoverageSection
from techfile.render.sections.cybersecurity import (
    ReleaseSection,
    SbomSection,
    VexSection,
    VulnerabilityScanSection,
)
from techfile.render.sections.datagov import DatagovSection
from techfile.render.sections.document import DocumentSection
from techfile.render.sections.evaluation import EvaluationSection
from techfile.render.sections.interface import EvidenceSection, Group
from techfile.render.sections.junit import JUnitSection
from techfile.render.sections.risk import RiskSection
from techfile.render.sections.sarif import SarifSection

__all__ = ["SECTIONS", "EvidenceSection", "Group", "sections_in"]

SECTIONS: Mapping[EvidenceKind, EvidenceSection] = MappingProxyType(
    {
        s.kind: s
        for s in (
            DocumentSection(),
            DatagovSection(),
            JUnitSection(),
            EvaluationSection(),
            CoverageSection(),
            SarifSection(),
            SbomSection(),
            VulnerabilityScanSection(),
            VexSection(),
            ReleaseSection(),
            RiskSection(),
        )
    }
)
"""Evidence sections by kind, in document order."""


def sections_in(group: Group) -> tuple[EvidenceSection, ...]:
    """The sections of one group, in document order."""
    return tuple(s for s in SECTIONS.values() if s.group is group)
