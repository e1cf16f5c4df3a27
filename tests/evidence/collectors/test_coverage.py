"""The Cobertura collector on real coverage.py output, legacy Cobertura, and bad files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.catalog import EvidenceKind
from techfile.errors import LocatedInputError
from techfile.evidence.collectors import (
    CoberturaCollector,
    Draft,
    EvidenceInputError,
    Outcome,
    Subject,
)

Collect = Callable[..., Draft]


@pytest.fixture
def coverage() -> CoberturaCollector:
    return CoberturaCollector()


def test_coverage_py_report(
    coverage: CoberturaCollector, collect: Collect, subject: Callable[[str], Subject]
) -> None:
    draft = collect(coverage, "coverage-py.xml", threshold=0.8)

    assert draft.kind is EvidenceKind.COVERAGE
    assert draft.subjects == (subject("coverage-py.xml"),)
    assert draft.outcome is Outcome.PASS
    assert draft.summary == "line coverage 81.2 % (threshold 80 %)"
    assert draft.requirement_ids == ()
    assert draft.details == {
        "line_rate": 0.8125,
        "lines_valid": 16,
        "lines_covered": 13,
        "branch_rate": 0.6667,
        "branches_valid": 6,
        "branches_covered": 4,
        "threshold": 0.8,
        "tool_version": "7.17.3",
        "packages": [
            {"name": "triage", "line_rate": 0.8182, "branch_rate": 0.6667},
            {"name": "triage.io", "line_rate": 0.8, "branch_rate": 1.0},
        ],
    }


@pytest.mark.parametrize(
    ("threshold", "outcome", "shown"),
    [
        (None, Outcome.PASS, "0"),
        (0, Outcome.PASS, "0"),
        (0.8125, Outcome.PASS, "81.25"),
        (0.82, Outcome.FAIL, "82"),
        (1, Outcome.FAIL, "100"),
    ],
)
def test_threshold_decides(
    coverage: CoberturaCollector,
    collect: Collect,
    threshold: float | None,
    outcome: Outcome,
    shown: str,
) -> None:
    options = {} if threshold is None else {"threshold": threshold}
    draft = collect(coverage, "coverage-py.xml", **options)

    assert draft.outcome is outcome
    assert draft.summary == f"line coverage 81.2 % (threshold {shown} %)"


def test_threshold_is_read_as_written(coverage: CoberturaCollector, collect: Collect) -> None:
    # 4 of 5 lines against 0.8: the float 0.8 is a hair above 4/5, the user meant 4/5.
    draft = collect(coverage, "coverage-four-of-five.xml", threshold=0.8)

    assert draft.outcome is Outcome.PASS
    assert draft.summary == "line coverage 80.0 % (threshold 80 %)"


def test_counts_beat_the_rounded_rate(coverage: CoberturaCollector, collect: Collect) -> None:
    # 79 996 of 100 000 lines, written line-rate="0.8": below an 80 % gate all the same.
    draft = collect(coverage, "coverage-rounded-rate.xml", threshold=0.8)

    assert draft.outcome is Outcome.FAIL
    assert draft.summary == "line coverage 79.9 % (threshold 80 %)"
    assert draft.details["line_rate"] == 0.79996


def test_legacy_cobertura_without_counts(coverage: CoberturaCollector, collect: Collect) -> None:
    # Cobertura 1.9: a DOCTYPE naming an external DTD (never fetched) and no line counts.
    draft = collect(coverage, "coverage-cobertura-legacy.xml", threshold=0.9)

    assert draft.outcome is Outcome.PASS
    assert draft.summary == "line coverage 90.0 % (threshold 90 %)"
    assert draft.details["lines_valid"] is None
    assert draft.details["branch_rate"] == 0.75
    assert draft.details["tool_version"] == "1.9.4.1"


MALFORMED = [
    ("coverage-truncated.xml", "coverage-truncated.xml:18:1: invalid XML: no element found"),
    (
        "coverage-not-cobertura.xml",
        "coverage-not-cobertura.xml:1:125: field 'root element': not a Cobertura coverage report",
    ),
    ("coverage-no-lines.xml", "coverage-no-lines.xml:2:1: field 'lines-valid'"),
    ("coverage-bad-rate.xml", "coverage-bad-rate.xml:2:1: field 'line-rate'"),
    ("coverage-rate-contradicts-counts.xml", "found '0.95'"),
    ("coverage-more-covered-than-valid.xml", "field 'lines-covered': more lines covered"),
    ("junit-pytest.xml", "junit-pytest.xml:1:39: field 'root element'"),
]


@pytest.mark.parametrize(("name", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_reports_are_refused_with_their_place(
    coverage: CoberturaCollector, collect: Collect, name: str, message: str
) -> None:
    with pytest.raises(EvidenceInputError) as raised:
        collect(coverage, name)

    assert isinstance(raised.value, LocatedInputError)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 1.5}, "option 'threshold': expected a number from 0 to 1, found 1.5"),
        ({"threshold": -0.1}, "option 'threshold': expected a number from 0 to 1"),
        ({"threshold": "80%"}, "option 'threshold': expected a number, found '80%' (str)"),
        ({"threshold": True}, "option 'threshold': expected a number, found True (bool)"),
        ({"threshold": float("nan")}, "option 'threshold': expected a number from 0 to 1"),
        ({"treshold": 0.8}, "unknown option 'treshold'; did you mean 'threshold'?"),
    ],
    ids=["above-one", "negative", "string", "bool", "nan", "misspelt"],
)
def test_bad_options_are_named(
    coverage: CoberturaCollector, collect: Collect, options: dict[str, object], message: str
) -> None:
    with pytest.raises(EvidenceInputError) as raised:
        collect(coverage, "coverage-py.xml", **options)

    assert message in str(raised.value)
    assert "coverage-py.xml" in str(raised.value)


def test_packages_listed_are_capped(coverage: CoberturaCollector, tmp_path: Path) -> None:
    packages = "".join(f'<package name="p{i}" line-rate="1" branch-rate="1"/>' for i in range(5001))
    report = tmp_path / "coverage.xml"
    report.write_text(
        '<coverage line-rate="1" lines-valid="1" lines-covered="1">'
        f"<packages>{packages}</packages></coverage>"
    )

    draft = coverage.collect(report, root=tmp_path, options={})

    assert isinstance(draft.details["packages"], list)
    assert len(draft.details["packages"]) == 5000
    assert draft.details["packages_truncated"] is True
    assert draft.details["branch_rate"] is None
