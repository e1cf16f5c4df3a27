"""The published report: it round-trips exactly, follows its schema, and becomes evidence."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from techfile.catalog import EvidenceKind, load_catalog
from techfile.errors import InputError
from techfile.evaluate import (
    AcceptanceCriterion,
    Columns,
    EvaluationInputError,
    EvaluationPlan,
    EvaluationReport,
    Limit,
    MetricName,
    Subgroup,
    evaluate,
    evaluation_schema,
    evidence_draft,
    read_table,
    report_from_json,
    report_json,
)
from techfile.evidence import Outcome, Subject, Verified, sign_draft, verify_record
from techfile.testing import throwaway_signer


def _report(tmp_path: Path, *, auroc: float | None = 0.7, ids: bool = True) -> EvaluationReport:
    lines = ["y,p,sex,age,pid"]
    for i in range(200):
        label = i % 4 == 0
        score = min(1.0, (0.45 if label else 0.05) + (i * 29 % 100) / 190)
        lines.append(f"{int(label)},{score:.3f},{'fm'[i % 2]},{'<>'[i % 3 == 0]}65,{i // 2}")
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    criteria = (
        ()
        if auroc is None
        else (
            AcceptanceCriterion(MetricName.AUROC, Limit.AT_LEAST, auroc, "state of the art"),
            AcceptanceCriterion(
                MetricName.SPECIFICITY, Limit.AT_LEAST, 0.5, "clinical need", Subgroup("sex", "f")
            ),
        )
    )
    columns = Columns("y", score="p", groups=("sex", "age"), id="pid" if ids else None)
    plan = EvaluationPlan(threshold=0.5, criteria=criteria)
    return evaluate(read_table(path, columns), plan, replicates=80, source="data/cases.csv")


@pytest.mark.parametrize("ids", [True, False], ids=["clustered", "independent"])
def test_the_report_round_trips_exactly_through_json(tmp_path: Path, *, ids: bool) -> None:
    report = _report(tmp_path, ids=ids)
    document = json.loads(json.dumps(report_json(report)))
    jsonschema.validate(document, evaluation_schema())
    assert report_from_json(document) == report


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(evaluation_schema())


def test_a_document_of_another_kind_is_refused(tmp_path: Path) -> None:
    document = report_json(_report(tmp_path))
    document["schema"] = "techfile.datagov/1"
    with pytest.raises(EvaluationInputError, match=r"not a techfile\.evaluation/1 document"):
        report_from_json(document)
    broken = report_json(_report(tmp_path))
    broken["overall"]["metrics"][0]["interval"]["lower"] = 2.0  # above its upper limit
    with pytest.raises(EvaluationInputError, match="inconsistent"):
        report_from_json(broken)


def test_the_evidence_record_carries_the_report_and_links_what_it_shows(tmp_path: Path) -> None:
    report = _report(tmp_path, auroc=0.7)
    draft = evidence_draft(report, Subject("data/cases.csv", report.table.sha256))
    assert draft.kind is EvidenceKind.EVALUATION
    assert draft.outcome is Outcome.PASS
    assert draft.requirement_outcomes == {
        "AIA.10.2.f": Outcome.INFO,
        "AIA.13.3.b.v": Outcome.INFO,
        "AIA.15.1": Outcome.PASS,
        "AIA.15.3": Outcome.INFO,
        "AIA.9.8": Outcome.PASS,
        "AIA.AIV.2.g": Outcome.INFO,
        "AIA.AIV.3": Outcome.INFO,
    }
    catalog = load_catalog()
    for rid in draft.requirement_ids:  # every link exists and accepts evaluation evidence
        requirement = catalog.get(rid)
        assert requirement is not None
        assert EvidenceKind.EVALUATION in requirement.evidence_kinds
    signer, key = throwaway_signer()
    verified = verify_record(sign_draft(draft, signer, catalog=catalog), [key])
    assert isinstance(verified, Verified)
    assert report_from_json(dict(verified.record.details)) == report


def test_a_failed_criterion_fails_the_record_and_art_9_8(tmp_path: Path) -> None:
    report = _report(tmp_path, auroc=0.99)
    draft = evidence_draft(report, Subject("data/cases.csv", report.table.sha256))
    assert draft.outcome is Outcome.FAIL
    assert draft.requirement_outcomes["AIA.9.8"] is Outcome.FAIL
    assert "1 of 2 acceptance criteria passed" in draft.summary


def test_without_criteria_there_is_no_claim_on_art_9_8(tmp_path: Path) -> None:
    report = _report(tmp_path, auroc=None)
    draft = evidence_draft(report, Subject("data/cases.csv", report.table.sha256))
    assert draft.outcome is Outcome.INFO
    assert "AIA.9.8" not in draft.requirement_outcomes


def test_a_table_that_changed_is_not_recorded(tmp_path: Path) -> None:
    report = _report(tmp_path)
    with pytest.raises(InputError, match="changed while it was being evaluated"):
        evidence_draft(report, Subject("data/cases.csv", "0" * 64))
