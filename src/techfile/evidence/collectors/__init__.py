"""Collectors: one per kind of engineering artefact, each turning a file into an evidence draft.

`collector_for` gives the collector of an evidence kind; `COLLECTORS` lists them all. The
protocol they implement, `Collector`, and the `Draft` they return live in ``interface``; each
implementation is a module of its own (``junit``, ``coverage``, ``sarif``, ``document``,
``datagov``, ``release``), except the three cybersecurity kinds (SBOM, vulnerability scan,
VEX), which share ``cybersecurity``.
"""

from collections.abc import Mapping
from types import MappingProxyType

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors.coverage import CoberturaCollector
from techfile.evidence.collectors.cybersecurity import (
    SbomCollector,
    VexCollector,
    VulnerabilityScanCollector,
)
from techfile.evidence.collectors.datagov import DatagovCollector
from techfile.evidence.collectors.document import DocumentCollector
from techfile.evidence.collectors.evaluation import EvaluationCollector
from techfile.evidence.collectors.interface import (
    Collector,
    Draft,
    EvidenceInputError,
    Outcome,
    Subject,
    subject_of,
)
from techfile.evidence.collectors.junit import JUnitCollector
from techfile.evidence.collectors.release import ReleaseCollector
from techfile.evidence.collectors.sarif import SarifCollector

__all__ = [
    "COLLECTORS",
    "CoberturaCollector",
    "Collector",
    "DatagovCollector",
    "DocumentCollector",
    "Draft",
    "EvaluationCollector",
    "EvidenceInputError",
    "JUnitCollector",
    "Outcome",
    "ReleaseCollector",
    "SarifCollector",
    "SbomCollector",
    "Subject",
    "VexCollector",
    "VulnerabilityScanCollector",
    "collector_for",
    "subject_of",
]

_ALL: tuple[Collector, ...] = (
    JUnitCollector(),
    CoberturaCollector(),
    SarifCollector(),
    DocumentCollector(),
    DatagovCollector(),
    EvaluationCollector(),
    SbomCollector(),
    VulnerabilityScanCollector(),
    VexCollector(),
    ReleaseCollector(),
)

COLLECTORS: Mapping[EvidenceKind, Collector] = MappingProxyType({c.kind: c for c in _ALL})
"""The collector of each evidence kind that has one (read-only)."""


def collector_for(kind: EvidenceKind) -> Collector:
    """Return the collector for evidence of ``kind``.

    Raises:
        EvidenceInputError: No collector reads that kind of evidence (yet).
    """
    try:
        return COLLECTORS[kind]
    except KeyError:
        known = ", ".join(sorted(COLLECTORS))
        msg = f"no collector reads evidence of kind '{kind}'; collectors exist for: {known}"
        raise EvidenceInputError(msg) from None
