"""The pytest plugin puts ``@pytest.mark.requirement`` ids into the JUnit report."""

from __future__ import annotations

import pytest

from techfile.catalog import EvidenceKind
from techfile.evidence.collectors import collector_for
from techfile.evidence.collectors.interface import Outcome


def test_marker_ids_reach_the_junit_collector(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\njunit_family = xunit1\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.requirement("MDR.AI.17.2", "AIA.15.4")
        def test_ok():
            pass

        @pytest.mark.requirement("AIA.9.8")
        def test_fails():
            assert False
        """
    )
    result = pytester.runpytest("--strict-markers", "--junitxml=report.xml")
    result.assert_outcomes(passed=1, failed=1)
    report = pytester.path / "report.xml"
    draft = collector_for(EvidenceKind.JUNIT).collect(report, root=pytester.path, options={})
    assert set(draft.requirement_ids) == {"MDR.AI.17.2", "AIA.15.4", "AIA.9.8"}
    assert draft.requirement_outcomes["MDR.AI.17.2"] is Outcome.PASS
    assert draft.requirement_outcomes["AIA.9.8"] is Outcome.FAIL
