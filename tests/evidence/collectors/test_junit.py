"""The JUnit collector on real pytest, Surefire and go-junit-report output, and on bad files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techfile.catalog import EvidenceKind
from techfile.errors import LocatedInputError
from techfile.evidence.collectors import (
    Draft,
    EvidenceInputError,
    JUnitCollector,
    Outcome,
    Subject,
)

Collect = Callable[..., Draft]
PASS, FAIL = Outcome.PASS, Outcome.FAIL


@pytest.fixture
def junit() -> JUnitCollector:
    return JUnitCollector()


def test_pytest_report_counts_links_and_outcomes(
    junit: JUnitCollector, collect: Collect, subject: Callable[[str], Subject]
) -> None:
    draft = collect(junit, "junit-pytest.xml")

    assert draft.kind is EvidenceKind.JUNIT
    assert draft.subjects == (subject("junit-pytest.xml"),)
    assert draft.outcome is FAIL
    assert draft.summary == "8 tests: 6 passed, 1 failed, 1 skipped"
    details = draft.details
    assert (details["tests"], details["failures"], details["errors"], details["skipped"]) == (
        8,
        1,
        0,
        1,
    )
    assert details["suites"] == ["pytest"]
    assert details["time_seconds"] == pytest.approx(0.001)
    assert "cases_truncated" not in details
    # record_property, a list property, ids in brackets (two joined by pytest's "-"), a skip.
    assert draft.requirement_ids == (
        "AIA.12.1",
        "AIA.12.2",
        "AIA.15.1",
        "AIA.15.5",
        "MDR.AI.17.1",
        "MDR.AI.17.2",
        "MDR.AI.17.4",
    )
    # MDR.AI.17.2: one property-linked pass, one bracket-linked pass, one bracket-linked fail.
    # AIA.15.5 is linked only by a skipped test: no outcome.
    assert draft.requirement_outcomes == {
        "AIA.12.1": PASS,
        "AIA.12.2": PASS,
        "AIA.15.1": PASS,
        "MDR.AI.17.1": PASS,
        "MDR.AI.17.2": FAIL,
        "MDR.AI.17.4": PASS,
    }


def test_pytest_report_lists_each_case(junit: JUnitCollector, collect: Collect) -> None:
    cases = collect(junit, "junit-pytest.xml").details["cases"]

    assert isinstance(cases, list)
    assert [(c["name"], c["outcome"], c["requirements"]) for c in cases] == [
        ("test_alarm_threshold", "pass", ["MDR.AI.17.2"]),
        ("test_audit_trail", "pass", ["AIA.12.1", "AIA.12.2"]),
        ("test_traceable[MDR.AI.17.1]", "pass", ["MDR.AI.17.1"]),
        ("test_traceable[AIA.15.1-MDR.AI.17.4]", "pass", ["AIA.15.1", "MDR.AI.17.4"]),
        ("test_robustness[0.0-MDR.AI.17.2]", "pass", ["MDR.AI.17.2"]),
        ("test_robustness[0.5-MDR.AI.17.2]", "fail", ["MDR.AI.17.2"]),
        ("test_gpu_inference[AIA.15.5]", "skipped", ["AIA.15.5"]),
        ("test_plain", "pass", []),
    ]
    assert {c["classname"] for c in cases} == {"test_triage"}


def test_pytest_errors_and_suite_properties(
    junit: JUnitCollector, collect: Collect, subject: Callable[[str], Subject]
) -> None:
    # Real pytest xunit2 output: a setup error, a failure whose teardown also errored (two
    # testcase elements), an xfail (reported as skipped), and record_testsuite_property.
    draft = collect(junit, "junit-pytest-errors.xml")

    assert draft.subjects == (subject("junit-pytest-errors.xml"),)
    assert draft.outcome is FAIL
    assert draft.summary == "5 tests: 1 passed, 1 failed, 2 errors, 1 skipped"
    assert (draft.details["failures"], draft.details["errors"]) == (1, 2)
    assert draft.requirement_ids == ("MDCG2019-16.security-testing", "SOTA.SECURITY-TESTING")
    assert draft.requirement_outcomes == {
        "MDCG2019-16.security-testing": FAIL,
        "SOTA.SECURITY-TESTING": FAIL,
    }


def test_surefire_report(
    junit: JUnitCollector, collect: Collect, subject: Callable[[str], Subject]
) -> None:
    draft = collect(junit, "junit-surefire.xml")

    assert draft.subjects == (subject("junit-surefire.xml"),)
    # The flaky test passed on rerun: its flakyFailure is not a failure.
    assert draft.summary == "5 tests: 2 passed, 1 failed, 1 error, 1 skipped"
    assert draft.outcome is FAIL
    assert draft.details["suites"] == ["com.example.triage.AlarmServiceTest"]
    assert draft.details["time_seconds"] == pytest.approx(0.407)
    # Suite properties link every case of the suite, and the suite has a failure.
    assert draft.requirement_ids == ("MDR.AI.17.1", "MDR.AI.17.4")
    assert draft.requirement_outcomes == {"MDR.AI.17.1": FAIL, "MDR.AI.17.4": FAIL}


def test_go_junit_report(junit: JUnitCollector, collect: Collect) -> None:
    draft = collect(junit, "junit-go.xml")

    assert draft.summary == "4 tests: 3 passed, 1 failed, 0 skipped"
    assert draft.outcome is FAIL
    assert draft.details["suites"] == ["example.com/triage/score"]
    assert draft.requirement_ids == ("MDR.AI.17.2",)
    assert draft.requirement_outcomes == {"MDR.AI.17.2": FAIL}


def test_nested_suites_inherit_links(junit: JUnitCollector, collect: Collect) -> None:
    draft = collect(junit, "junit-nested-suites.xml")

    assert draft.outcome is PASS
    assert draft.summary == "4 tests: 4 passed, 0 failed, 0 skipped"
    assert draft.details["time_seconds"] == 2.0
    assert draft.details["suites"] == [
        "software-system",
        "software-system.alarms",
        "software-system.cybersecurity",
        "usability",
    ]
    cases = draft.details["cases"]
    assert isinstance(cases, list)
    assert [c["requirements"] for c in cases] == [
        ["MDR.AI.17.2"],
        ["MDR.AI.17.2"],
        ["MDCG2019-16.security-testing", "MDR.AI.17.2"],
        [],
    ]
    assert draft.requirement_outcomes == {"MDCG2019-16.security-testing": PASS, "MDR.AI.17.2": PASS}


def test_declared_counts_are_not_trusted(
    junit: JUnitCollector, collect: Collect, caplog: pytest.LogCaptureFixture
) -> None:
    # The suite claims 2 tests and no failure; it holds 3 cases, one of them failed.
    with caplog.at_level(logging.WARNING):
        draft = collect(junit, "junit-declared-counts-wrong.xml")

    assert draft.outcome is FAIL
    assert draft.summary == "3 tests: 2 passed, 1 failed, 0 skipped"
    assert draft.requirement_outcomes == {"MDR.AI.17.2": FAIL}
    assert "declares tests=2 but its test cases count 3" in caplog.text
    assert "declares failures=0 but its test cases count 1" in caplog.text


MALFORMED = [
    # (asset, text the message must hold, including file:line: for syntax errors)
    ("junit-truncated.xml", "junit-truncated.xml:15:1: invalid XML: no element found"),
    ("junit-no-tests.xml", "junit-no-tests.xml:1:39: the report holds no test cases"),
    ("junit-billion-laughs.xml", "junit-billion-laughs.xml:3:"),
    ("junit-external-entity.xml", "junit-external-entity.xml:3:"),
    ("junit-bad-requirement.xml", "junit-bad-requirement.xml:6:9: field 'property requirement'"),
    ("junit-bad-time.xml", "junit-bad-time.xml:5:5: field 'time'"),
    ("junit-case-without-name.xml", "junit-case-without-name.xml:4:3: field 'name'"),
    ("coverage-py.xml", "coverage-py.xml:2:1: field 'root element': not a JUnit XML report"),
    ("sarif-bandit.sarif", "sarif-bandit.sarif:1:1: invalid XML: not well-formed (invalid token)"),
]


@pytest.mark.parametrize(("name", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_reports_are_refused_with_their_place(
    junit: JUnitCollector, collect: Collect, name: str, message: str
) -> None:
    with pytest.raises(EvidenceInputError) as raised:
        collect(junit, name)

    assert isinstance(raised.value, LocatedInputError)
    assert message in str(raised.value)


@pytest.mark.parametrize("name", ["junit-billion-laughs.xml", "junit-external-entity.xml"])
def test_entity_tricks_are_refused(junit: JUnitCollector, collect: Collect, name: str) -> None:
    with pytest.raises(EvidenceInputError, match="refused: XML entity expansion"):
        collect(junit, name)


def test_bad_link_shows_what_was_found(junit: JUnitCollector, collect: Collect) -> None:
    with pytest.raises(EvidenceInputError) as raised:
        collect(junit, "junit-bad-requirement.xml")

    assert "found 'MDR AI 17.2'" in str(raised.value)


def test_options_are_refused(junit: JUnitCollector, collect: Collect) -> None:
    with pytest.raises(EvidenceInputError, match="unknown option 'threshold'"):
        collect(junit, "junit-pytest.xml", threshold=0.8)


def test_missing_file_and_file_outside_root(
    junit: JUnitCollector, root: Path, tmp_path: Path
) -> None:
    with pytest.raises(EvidenceInputError, match="cannot read"):
        junit.collect(root / "evidence" / "absent.xml", root=root, options={})
    outside = tmp_path / "junit.xml"
    outside.write_text('<testsuite><testcase name="t"/></testsuite>')
    with pytest.raises(EvidenceInputError, match="outside the project folder"):
        junit.collect(outside, root=root, options={})


def test_a_file_rewritten_while_read_is_refused(
    junit: JUnitCollector, collect: Collect, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stale(path: Path, root: Path) -> Subject:
        return Subject(path.relative_to(root).as_posix(), "0" * 64)

    monkeypatch.setattr("techfile.evidence.collectors._artefact.subject_of", stale)
    with pytest.raises(EvidenceInputError, match="changed while it was being read"):
        collect(junit, "junit-pytest.xml")


def test_cases_listed_are_capped_but_all_counted(junit: JUnitCollector, tmp_path: Path) -> None:
    cases = "".join(f'<testcase classname="c" name="t{i}"/>' for i in range(5001))
    report = tmp_path / "big.xml"
    report.write_text(
        f'<testsuite name="big">{cases}<testcase name="x"><error/></testcase></testsuite>'
    )

    draft = junit.collect(report, root=tmp_path, options={})

    assert draft.details["tests"] == 5002
    assert draft.details["errors"] == 1
    assert isinstance(draft.details["cases"], list)
    assert len(draft.details["cases"]) == 5000
    assert draft.details["cases_truncated"] is True


def test_deeply_nested_suites_do_not_exhaust_the_stack(
    junit: JUnitCollector, tmp_path: Path
) -> None:
    depth = 20_000
    report = tmp_path / "deep.xml"
    report.write_text(
        '<testsuite name="s">' * depth + '<testcase name="t"/>' + "</testsuite>" * depth
    )

    draft = junit.collect(report, root=tmp_path, options={})

    assert draft.summary == "1 test: 1 passed, 0 failed, 0 skipped"


def test_kind_cannot_be_changed_on_an_instance(junit: JUnitCollector) -> None:
    with pytest.raises(AttributeError):
        junit.kind = EvidenceKind.SARIF  # type: ignore[misc]  # the point: it is refused


STATUS_XML = {
    "passed": "",
    "failed": '<failure message="m">trace</failure>',
    "error": '<error message="m">trace</error>',
    "skipped": '<skipped message="m"/>',
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    statuses=st.lists(st.sampled_from(sorted(STATUS_XML)), min_size=1, max_size=30),
    links=st.lists(st.sampled_from(["MDR.AI.17.2", "AIA.15.1", None]), min_size=30, max_size=30),
)
def test_counts_and_outcomes_follow_the_cases(
    junit: JUnitCollector, tmp_path: Path, statuses: list[str], links: list[str | None]
) -> None:
    body = "".join(
        f'<testcase classname="c" name="t{i}{f"[{link}]" if link else ""}">'
        f"{STATUS_XML[status]}</testcase>"
        for i, (status, link) in enumerate(zip(statuses, links, strict=False))
    )
    report = tmp_path / "generated.xml"
    report.write_text(
        f'<testsuites><testsuite name="g" tests="999">{body}</testsuite></testsuites>'
    )

    draft = junit.collect(report, root=tmp_path, options={})

    assert draft.details["tests"] == len(statuses)
    assert draft.details["failures"] == statuses.count("failed")
    assert draft.details["errors"] == statuses.count("error")
    assert draft.details["skipped"] == statuses.count("skipped")
    broken = {"failed", "error"}
    assert (draft.outcome is FAIL) == bool(broken & set(statuses))
    for rid in ("MDR.AI.17.2", "AIA.15.1"):
        linked = [s for s, link in zip(statuses, links, strict=False) if link == rid]
        expected = FAIL if broken & set(linked) else PASS if "passed" in linked else None
        assert draft.requirement_outcomes.get(rid) is expected
        assert (rid in draft.requirement_ids) == bool(linked)
