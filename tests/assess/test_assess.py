"""The gap analysis on a small catalog: every status, and why it was given."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.assess import (
    GapReport,
    Met,
    Missing,
    NotApplicable,
    Partial,
    Stale,
    StatusName,
    assess,
    status_name,
)
from techfile.catalog import (
    MISSING,
    Catalog,
    EvidenceKind,
    FactValue,
    RequirementId,
    applicability,
    load_catalog,
)
from techfile.evidence import Draft, Outcome, Subject, Verified, sign_draft, verify_record
from techfile.testing import throwaway_signer

WHEN = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
FILES = {"reports/junit.xml": "aa" * 32, "reports/sast.sarif": "bb" * 32, "docs/plan.md": "cc" * 32}


@pytest.fixture
def catalog(asset: Callable[..., Path]) -> Catalog:
    return load_catalog.__wrapped__(asset("catalog", "mini"))


def _facts(**values: FactValue) -> Callable[[str], FactValue]:
    return lambda name: values.get(name, MISSING)


def _record(
    catalog: Catalog,
    kind: EvidenceKind,
    name: str,
    ids: tuple[str, ...],
    outcome: Outcome = Outcome.PASS,
) -> Verified:
    signer, key = throwaway_signer()
    draft = Draft(kind, (Subject(name, FILES[name]),), outcome, f"{kind} {outcome}", {}, ids)
    result = verify_record(sign_draft(draft, signer, catalog=catalog, recorded_at=WHEN), [key])
    assert isinstance(result, Verified)
    return result


def _report(
    catalog: Catalog,
    records: list[Verified],
    *,
    files: dict[str, str] | None = None,
    justifications: dict[str, str] | None = None,
) -> GapReport:
    decisions, excluded = applicability(catalog, _facts(software_only=True), justifications or {})
    current = files if files is not None else FILES
    return assess(catalog, decisions, excluded, records, (), current.get)


def _status(report: GapReport, rid: str) -> object:
    return next(a.status for a in report.assessments if a.requirement.id == rid)


def test_nothing_recorded_means_missing_and_the_condition_decides_not_applicable(
    catalog: Catalog,
) -> None:
    report = _report(catalog, [])
    missing = _status(report, "LAW.1.a")
    assert isinstance(missing, Missing)
    assert "junit" in missing.reasons[0]
    sterile = _status(report, "LAW.2")
    assert isinstance(sterile, NotApplicable)
    assert sterile.basis == "catalog"
    assert "software_only is false" in sterile.justification
    assert "software_only is true" in sterile.justification
    assert report.has_gaps


def test_passing_evidence_of_an_accepted_kind_is_met(catalog: Catalog) -> None:
    junit = _record(catalog, EvidenceKind.JUNIT, "reports/junit.xml", ("LAW.1.a",))
    report = _report(catalog, [junit])
    status = _status(report, "LAW.1.a")
    assert isinstance(status, Met)
    assert status.evidence[0].subjects[0].name == "reports/junit.xml"


def test_failing_evidence_is_partial_with_the_reason(catalog: Catalog) -> None:
    junit = _record(catalog, EvidenceKind.JUNIT, "reports/junit.xml", ("LAW.1.a",), Outcome.FAIL)
    status = _status(_report(catalog, [junit]), "LAW.1.a")
    assert isinstance(status, Partial)
    assert "failed" in status.reasons[0]


def test_evidence_of_a_kind_the_requirement_does_not_accept_is_partial(catalog: Catalog) -> None:
    junit = _record(catalog, EvidenceKind.JUNIT, "reports/junit.xml", ("LAW.1.b",))
    status = _status(_report(catalog, [junit]), "LAW.1.b")
    assert isinstance(status, Partial)
    assert "accepted kind (sarif)" in status.reasons[0]


def test_one_changed_byte_of_an_artefact_makes_its_requirements_stale(catalog: Catalog) -> None:
    junit = _record(catalog, EvidenceKind.JUNIT, "reports/junit.xml", ("LAW.1.a",))
    changed = dict(FILES, **{"reports/junit.xml": "ab" * 32})
    status = _status(_report(catalog, [junit], files=changed), "LAW.1.a")
    assert isinstance(status, Stale)
    assert status.changed == ("reports/junit.xml",)
    deleted = {k: v for k, v in FILES.items() if k != "reports/junit.xml"}
    assert isinstance(_status(_report(catalog, [junit], files=deleted), "LAW.1.a"), Stale)


def test_a_section_takes_its_status_from_its_sub_points(catalog: Catalog) -> None:
    junit = _record(catalog, EvidenceKind.JUNIT, "reports/junit.xml", ("LAW.1.a",))
    half = _status(_report(catalog, [junit]), "LAW.1")
    assert isinstance(half, Partial)
    assert "LAW.1.b" in half.reasons[0]
    sarif = _record(catalog, EvidenceKind.SARIF, "reports/sast.sarif", ("LAW.1.b",))
    full = _status(_report(catalog, [junit, sarif]), "LAW.1")
    assert isinstance(full, Met)
    assert "sub-points" in full.note


def test_an_equivalent_requirement_shares_the_evidence(catalog: Catalog) -> None:
    plan = _record(catalog, EvidenceKind.DOCUMENT, "docs/plan.md", ("LAW.4",), Outcome.INFO)
    status = _status(_report(catalog, [plan]), "GUIDE.PLAN")
    assert isinstance(status, Met)
    assert status.evidence[0].via == "LAW.4"


def test_a_justification_in_the_manifest_makes_it_not_applicable(catalog: Catalog) -> None:
    why = "The device exchanges no data with any other device or system."
    report = _report(catalog, [], justifications={"LAW.3": why})
    status = _status(report, "LAW.3")
    assert status == NotApplicable(why, "manifest")
    with pytest.raises(ValueError, match="justification"):
        NotApplicable("  ", "manifest")


def test_a_changed_requirement_makes_its_link_suspect(catalog: Catalog) -> None:
    junit = _record(catalog, EvidenceKind.JUNIT, "reports/junit.xml", ("LAW.1.a",))
    requirement = catalog.requirements[RequirementId("LAW.1.a")]
    reworded = dataclasses.replace(requirement, summary="Units are tested and reviewed.")
    requirements = dict(catalog.requirements)
    requirements[requirement.id] = reworded.with_hash()
    newer = dataclasses.replace(catalog, requirements=requirements)
    status = _status(_report(newer, [junit]), "LAW.1.a")
    assert isinstance(status, Partial)
    assert "changed since it was linked" in status.reasons[0]


def test_skipped_only_tests_verify_nothing(catalog: Catalog) -> None:
    signer, key = throwaway_signer()
    draft = Draft(
        EvidenceKind.JUNIT,
        (Subject("reports/junit.xml", FILES["reports/junit.xml"]),),
        Outcome.PASS,
        "2 tests: 1 passed, 1 skipped",
        {},
        ("LAW.1.a", "LAW.4"),
        {"LAW.4": Outcome.PASS},
    )
    verified = verify_record(sign_draft(draft, signer, catalog=catalog, recorded_at=WHEN), [key])
    assert isinstance(verified, Verified)
    status = _status(_report(catalog, [verified]), "LAW.1.a")
    assert isinstance(status, Partial)
    assert "checked nothing" in status.reasons[0]


def test_counts_cover_every_status(catalog: Catalog) -> None:
    junit = _record(catalog, EvidenceKind.JUNIT, "reports/junit.xml", ("LAW.1.a",))
    report = _report(catalog, [junit], justifications={"LAW.3": "x" * 30})
    counts = report.counts()
    assert set(counts) == set(StatusName)
    assert sum(counts.values()) == len(report.assessments) == len(catalog)
    assert counts[StatusName.NOT_APPLICABLE] == 2
    assert all(status_name(a.status) in StatusName for a in report.assessments)
