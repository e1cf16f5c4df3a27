"""The evaluation collector: a table of test cases becomes a draft, or a located error."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from techfile.catalog import EvidenceKind
from techfile.errors import LocatedInputError
from techfile.evaluate import report_from_json
from techfile.evidence.collectors import (
    Draft,
    EvaluationCollector,
    EvidenceInputError,
    Outcome,
    Subject,
)

COLLECTOR = EvaluationCollector()
OPTIONS = {"label": "label", "score": "score", "replicates": 40}


def test_a_table_becomes_an_evaluation_pinned_by_its_digest(
    collect: Callable[..., Draft], subject: Callable[[str], Subject]
) -> None:
    draft = collect(COLLECTOR, "evaluation-cases.csv", groups="sex", **OPTIONS)
    assert draft.kind is EvidenceKind.EVALUATION
    assert draft.subjects == (subject("evaluation-cases.csv"),)
    assert draft.outcome is Outcome.INFO  # the assets folder has no evaluation plan
    report = report_from_json(draft.details)
    assert report.table.path == "evidence/evaluation-cases.csv"
    assert report.table.rows == 60
    assert report.settings.replicates == 40
    assert [g.columns for g in report.groupings] == [("sex",)]
    assert "AIA.13.3.b.v" in draft.requirement_ids


def test_a_bad_cell_is_located_in_the_artefact(collect: Callable[..., Draft]) -> None:
    with pytest.raises(EvidenceInputError) as caught:
        collect(COLLECTOR, "evaluation-label-missing.csv", **OPTIONS)
    error = caught.value
    assert isinstance(error, LocatedInputError)
    assert error.location.line == 8
    assert error.field == "label"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param({"score": "score"}, "option 'label'", id="no-label"),
        pytest.param({**OPTIONS, "treshold": 0.5}, "unknown option 'treshold'", id="unknown"),
        pytest.param({**OPTIONS, "score_kind": "logit"}, "probability or any", id="kind"),
        pytest.param({**OPTIONS, "seed": -1}, "option 'seed'", id="seed"),
        pytest.param({**OPTIONS, "groups": [1]}, "option 'groups'", id="groups"),
        pytest.param({"label": "label"}, "a score or a prediction column", id="no-score"),
    ],
)
def test_bad_options_are_named(
    collect: Callable[..., Draft], options: dict[str, object], expected: str
) -> None:
    with pytest.raises(EvidenceInputError, match=expected):
        collect(COLLECTOR, "evaluation-cases.csv", **options)


def test_the_project_plan_sets_threshold_and_criteria(
    tmp_path: Path, asset: Callable[..., Path]
) -> None:
    (tmp_path / "data").mkdir()
    table = tmp_path / "data" / "cases.csv"
    table.write_bytes(asset("evidence", "evaluation-cases.csv").read_bytes())
    manifest = Path(__file__).resolve().parents[3] / "examples" / "cardiorisk" / "techfile.yaml"
    plan = (
        "\nevaluation:\n  threshold: 0.5\n  acceptance_criteria:\n"
        "    - metric: specificity\n      population: {group: sex, value: female}\n"
        "      at_least: 0.99\n      rationale: false alarms lead to angiography\n"
    )
    example = manifest.read_text(encoding="utf-8")
    example = re.sub(r"^evaluation:\n(?:(?:[ #].*)?\n)*", "", example, flags=re.MULTILINE)
    (tmp_path / "techfile.yaml").write_text(example + plan)
    draft = COLLECTOR.collect(table, root=tmp_path, options=OPTIONS)
    assert draft.outcome is Outcome.FAIL
    report = report_from_json(draft.details)
    assert report.settings.threshold == 0.5
    assert [g.columns for g in report.groupings] == [("sex",)]  # named by the criterion
    assert draft.requirement_outcomes["AIA.9.8"] is Outcome.FAIL
