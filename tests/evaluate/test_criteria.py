"""Acceptance criteria: judged on the confidence limit, never passed without an estimate."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from statsmodels.stats.proportion import (  # type: ignore[import-untyped]  # no stubs published
    proportion_confint,
)

from techfile.errors import LocatedInputError
from techfile.evaluate import (
    AcceptanceCriterion,
    Columns,
    EvaluationInputError,
    EvaluationPlan,
    Limit,
    Metric,
    MetricName,
    Subgroup,
    Verdict,
    evaluate,
    judge,
    read_table,
    wilson_interval,
)
from techfile.project import load_manifest, parse_manifest
from techfile.project._evaluation import MetricNameText

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk" / "techfile.yaml"


def _table(tmp_path: Path, found: int, positives: int, negatives: int = 40) -> Path:
    """Cases where the device finds ``found`` of ``positives`` and clears every negative."""
    lines = ["y,p,sex"]
    lines += [
        f"1,{0.9 if i < found else 0.1},{'female' if i % 2 else 'male'}" for i in range(positives)
    ]
    lines += [f"0,0.2,{'female' if i % 2 else 'male'}" for i in range(negatives)]
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _criterion(
    limit: float, side: Limit = Limit.AT_LEAST, population: Subgroup | None = None
) -> AcceptanceCriterion:
    return AcceptanceCriterion(MetricName.SENSITIVITY, side, limit, "clinical need", population)


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        pytest.param(0.80, Verdict.PASS, id="lower-limit-above"),
        pytest.param(0.85, Verdict.FAIL, id="estimate-above-but-lower-limit-below"),
        pytest.param(0.95, Verdict.FAIL, id="estimate-below"),
    ],
)
def test_at_least_is_judged_on_the_lower_limit(
    tmp_path: Path, limit: float, expected: Verdict
) -> None:
    # 90 of 100: the Wilson lower limit is 0.8256, so 0.80 passes and 0.85 fails although the
    # estimate, 0.90, is above both.
    low, _ = proportion_confint(90, 100, alpha=0.05, method="wilson")
    assert 0.80 < low < 0.85
    plan = EvaluationPlan(threshold=0.5, criteria=(_criterion(limit),))
    report = evaluate(read_table(_table(tmp_path, 90, 100), Columns("y", score="p")), plan)
    (result,) = report.criteria
    assert result.verdict is expected
    assert f"lower 95% limit {low:.3f}" in result.reason
    assert report.failed == (() if expected is Verdict.PASS else (result,))


def test_at_most_is_judged_on_the_upper_limit() -> None:
    interval = wilson_interval(5, 100)
    metric = Metric(MetricName.SENSITIVITY, 0.05, interval, 100)
    below = judge(_criterion(interval.upper + 0.001, Limit.AT_MOST), metric)
    above = judge(_criterion(interval.upper - 0.001, Limit.AT_MOST), metric)
    assert below.verdict is Verdict.PASS
    assert above.verdict is Verdict.FAIL
    assert "upper 95% limit" in above.reason


def test_an_undefined_metric_is_not_assessable(tmp_path: Path) -> None:
    plan = EvaluationPlan(threshold=0.5, criteria=(_criterion(0.5),))
    report = evaluate(read_table(_table(tmp_path, 6, 7), Columns("y", score="p")), plan)
    (result,) = report.criteria
    assert result.verdict is Verdict.NOT_ASSESSABLE
    assert "7 positives, fewer than the minimum of 10" in result.reason
    assert report.failed == (result,)


def test_a_subgroup_criterion_reads_its_cell_and_names_missing_values(tmp_path: Path) -> None:
    plan = EvaluationPlan(
        threshold=0.5,
        criteria=(
            _criterion(0.7, population=Subgroup("sex", "female")),
            _criterion(0.7, population=Subgroup("sex", "femal")),
            _criterion(0.7, population=Subgroup("site", "x")),
        ),
    )
    table = read_table(_table(tmp_path, 90, 100), Columns("y", score="p", groups=("sex",)))
    female, typo, unread = evaluate(table, plan).criteria
    assert female.verdict is Verdict.PASS
    assert female.result is not None
    assert female.result.n == 50
    assert typo.verdict is Verdict.NOT_ASSESSABLE
    assert "no case has sex = 'femal' (values: 'female', 'male')" in typo.reason
    assert unread.verdict is Verdict.NOT_ASSESSABLE
    assert "'site' was not read" in unread.reason


def test_a_metric_the_inputs_cannot_give_is_not_assessable(tmp_path: Path) -> None:
    criterion = AcceptanceCriterion(MetricName.AUROC, Limit.AT_LEAST, 0.7, "state of the art")
    path = tmp_path / "cases.csv"
    path.write_text("y,d\n" + "1,1\n0,0\n" * 20, encoding="utf-8")
    report = evaluate(
        read_table(path, Columns("y", prediction="d")), EvaluationPlan(criteria=(criterion,))
    )
    (result,) = report.criteria
    assert result.verdict is Verdict.NOT_ASSESSABLE
    assert "no score column" in result.reason


def test_a_threshold_may_not_contradict_the_plan(tmp_path: Path) -> None:
    table = read_table(_table(tmp_path, 90, 100), Columns("y", score="p"))
    with pytest.raises(EvaluationInputError, match=r"pre-specified threshold 0\.5"):
        evaluate(table, EvaluationPlan(threshold=0.5), threshold=0.4)
    assert evaluate(table, EvaluationPlan(threshold=0.5), threshold=0.5).settings.threshold == 0.5


def test_the_confidence_level_of_the_plan_sets_every_interval(tmp_path: Path) -> None:
    table = read_table(_table(tmp_path, 90, 100), Columns("y", score="p"))
    report = evaluate(table, EvaluationPlan(threshold=0.5, confidence_level=0.9))
    sensitivity = report.overall.metric(MetricName.SENSITIVITY)
    assert isinstance(sensitivity, Metric)
    assert sensitivity.interval.level == pytest.approx(0.9)
    low, high = proportion_confint(90, 100, alpha=0.10, method="wilson")
    assert sensitivity.interval.lower == pytest.approx(low, abs=1e-12)
    assert sensitivity.interval.upper == pytest.approx(high, abs=1e-12)


# --- the evaluation: section of techfile.yaml ----------------------------------------------

_PLAN = """
evaluation:
  threshold: 0.4
  confidence_level: 0.9
  acceptance_criteria:
    - metric: sensitivity
      population: {group: sex, value: female}
      at_least: 0.8
      rationale: a missed disease delays treatment
    - metric: calibration_slope
      at_most: 1.2
      rationale: probabilities are shown to physicians
"""


def _without_plan(text: str) -> str:
    """The example manifest without its own ``evaluation:`` section."""
    return re.sub(r"^evaluation:\n(?:(?:[ #].*)?\n)*", "", text, flags=re.MULTILINE)


def _manifest(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "techfile.yaml"
    path.write_text(_without_plan(EXAMPLE.read_text(encoding="utf-8")) + extra, encoding="utf-8")
    return path


def test_the_manifest_plan_becomes_the_evaluation_plan(tmp_path: Path) -> None:
    plan = load_manifest(_manifest(tmp_path, _PLAN)).evaluation
    assert plan is not None
    assert plan.threshold == 0.4
    assert plan.confidence_level == 0.9
    first, second = plan.criteria
    assert first == AcceptanceCriterion(
        MetricName.SENSITIVITY,
        Limit.AT_LEAST,
        0.8,
        "a missed disease delays treatment",
        Subgroup("sex", "female"),
    )
    assert second.limit is Limit.AT_MOST
    assert second.population is None
    assert plan.group_columns() == ("sex",)


def test_the_example_declares_its_plan() -> None:
    plan = load_manifest(EXAMPLE).evaluation
    assert plan is not None
    assert plan.threshold == 0.5
    assert {c.metric for c in plan.criteria} == {MetricName.SENSITIVITY, MetricName.AUROC}


def test_a_manifest_without_a_plan_has_none(tmp_path: Path) -> None:
    assert load_manifest(_manifest(tmp_path, "")).evaluation is None


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        pytest.param(
            ("metric: sensitivity", "metric: sensitivty"),
            "evaluation.acceptance_criteria.0.metric",
            "'sensitivity'",
            id="unknown-metric",
        ),
        pytest.param(
            ("at_least: 0.8", "at_least: 0.8\n      at_most: 0.9"),
            "evaluation.acceptance_criteria.0",
            "exactly one of at_least and at_most",
            id="both-limits",
        ),
        pytest.param(
            ("      rationale: a missed disease delays treatment\n", ""),
            "evaluation.acceptance_criteria.0.rationale",
            "required key is missing",
            id="no-rationale",
        ),
        pytest.param(
            ("confidence_level: 0.9", "confidence_level: 95"),
            "evaluation.confidence_level",
            "less than 1",
            id="level-as-percent",
        ),
        pytest.param(
            ("at_least: 0.8", "at_lest: 0.8"),
            "evaluation.acceptance_criteria.0.at_lest",
            "unknown key",
            id="misspelt-key",
        ),
    ],
)
def test_bad_plans_are_located(
    tmp_path: Path, change: tuple[str, str], field: str, expected: str
) -> None:
    path = _manifest(tmp_path, _PLAN.replace(*change, 1))
    with pytest.raises(LocatedInputError) as caught:
        parse_manifest(path.read_text(encoding="utf-8"), path)
    assert caught.value.field == field
    assert caught.value.location.line is not None
    assert expected in caught.value.diagnostics()


def test_the_manifest_names_every_metric_with_an_interval() -> None:
    assert set(typing.get_args(MetricNameText)) == {m.value for m in MetricName} - {"ece"}
