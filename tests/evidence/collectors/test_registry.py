"""The collector registry: one collector per kind it names, and a clear error for the rest."""

from __future__ import annotations

import pytest

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors import (
    COLLECTORS,
    CoberturaCollector,
    DatagovCollector,
    DocumentCollector,
    EvaluationCollector,
    EvidenceInputError,
    JUnitCollector,
    ReleaseCollector,
    SarifCollector,
    SbomCollector,
    VexCollector,
    VulnerabilityScanCollector,
    collector_for,
)

EXPECTED = {
    EvidenceKind.JUNIT: JUnitCollector,
    EvidenceKind.COVERAGE: CoberturaCollector,
    EvidenceKind.SARIF: SarifCollector,
    EvidenceKind.DOCUMENT: DocumentCollector,
    EvidenceKind.EVALUATION: EvaluationCollector,
    EvidenceKind.SBOM: SbomCollector,
    EvidenceKind.VULNERABILITY_SCAN: VulnerabilityScanCollector,
    EvidenceKind.VEX: VexCollector,
    EvidenceKind.DATAGOV: DatagovCollector,
    EvidenceKind.RELEASE: ReleaseCollector,
}


@pytest.mark.parametrize("kind", list(EvidenceKind), ids=str)
def test_every_kind_has_a_collector_or_a_clear_error(kind: EvidenceKind) -> None:
    if kind in EXPECTED:
        collector = collector_for(kind)
        assert isinstance(collector, EXPECTED[kind])
        assert collector.kind is kind
        assert COLLECTORS[kind] is collector
    else:
        with pytest.raises(
            EvidenceInputError, match=f"no collector reads evidence of kind '{kind}'"
        ):
            collector_for(kind)


def test_registry_is_read_only() -> None:
    assert set(COLLECTORS) == set(EXPECTED)
    with pytest.raises(TypeError):
        COLLECTORS[EvidenceKind.SBOM] = JUnitCollector()  # type: ignore[index]  # the point
