"""Metrics of a binary decision: values, intervals and the undefined cells."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import (  # type: ignore[import-untyped]  # scikit-learn ships no type hints
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
)

from techfile.errors import InputError
from techfile.evaluate import (
    CONFUSION_METRICS,
    BinaryMetrics,
    ConfusionCounts,
    IntervalMethod,
    Metric,
    MetricName,
    MetricResult,
    ProportionMethod,
    Undefined,
    UndefinedReason,
    binary_metrics,
    confusion_counts,
    metrics_from_counts,
    wilson_interval,
)
from techfile.evaluate._confusion import point_estimate

# A test set of 100 positives and 200 negatives: TP 80, FN 20, FP 30, TN 170.
COUNTS = ConfusionCounts(tp=80, fp=30, fn=20, tn=170)


def _arrays(counts: ConfusionCounts) -> tuple[np.ndarray, np.ndarray]:
    labels = np.array([1] * counts.tp + [0] * counts.fp + [1] * counts.fn + [0] * counts.tn)
    predictions = np.array([1] * counts.tp + [1] * counts.fp + [0] * counts.fn + [0] * counts.tn)
    return labels, predictions


def _estimated(result: MetricResult) -> Metric:
    assert isinstance(result, Metric), result
    return result


def _undefined(result: MetricResult) -> Undefined:
    assert isinstance(result, Undefined), result
    return result


def test_counts_match_sklearn() -> None:
    rng = np.random.default_rng(7)
    labels, predictions = rng.integers(0, 2, 500), rng.integers(0, 2, 500)
    tn, fp, fn, tp = confusion_matrix(labels, predictions, labels=[0, 1]).ravel()
    assert confusion_counts(labels, predictions) == ConfusionCounts(
        tp=int(tp), fp=int(fp), fn=int(fn), tn=int(tn)
    )


def test_estimates_match_definitions_and_sklearn() -> None:
    labels, predictions = _arrays(COUNTS)
    metrics = binary_metrics(labels, predictions)
    assert metrics.counts == COUNTS
    assert _estimated(metrics.sensitivity).estimate == pytest.approx(
        recall_score(labels, predictions)
    )
    assert _estimated(metrics.specificity).estimate == pytest.approx(170 / 200)
    assert _estimated(metrics.ppv).estimate == pytest.approx(precision_score(labels, predictions))
    assert _estimated(metrics.npv).estimate == pytest.approx(170 / 190)
    assert _estimated(metrics.accuracy).estimate == pytest.approx(250 / 300)
    assert _estimated(metrics.f1).estimate == pytest.approx(f1_score(labels, predictions))
    assert _estimated(metrics.lr_positive).estimate == pytest.approx(0.8 / 0.15)
    assert _estimated(metrics.lr_negative).estimate == pytest.approx(0.2 / 0.85)
    assert _estimated(metrics.prevalence).estimate == pytest.approx(100 / 300)


def test_proportions_carry_their_wilson_interval_and_denominator() -> None:
    metrics = metrics_from_counts(COUNTS)
    sensitivity = _estimated(metrics.sensitivity)
    assert sensitivity.interval == wilson_interval(80, 100)
    assert sensitivity.n == 100
    assert _estimated(metrics.ppv).n == 110
    assert _estimated(metrics.npv).n == 190
    assert _estimated(metrics.accuracy).n == 300


def test_clopper_pearson_can_be_chosen() -> None:
    metrics = metrics_from_counts(COUNTS, method=ProportionMethod.CLOPPER_PEARSON)
    assert _estimated(metrics.sensitivity).interval.method is IntervalMethod.CLOPPER_PEARSON
    assert _estimated(metrics.f1).interval.method is IntervalMethod.CLOPPER_PEARSON_MAPPED


def test_likelihood_ratios_use_the_log_method() -> None:
    # Simel, Samsa and Matchar (1991): SE(ln LR+) = sqrt(1/a - 1/(a+c) + 1/b - 1/(b+d)).
    metrics = metrics_from_counts(COUNTS, alpha=0.05)
    lr = _estimated(metrics.lr_positive)
    se = math.sqrt(1 / 80 - 1 / 100 + 1 / 30 - 1 / 200)
    assert lr.interval.lower == pytest.approx(lr.estimate * math.exp(-1.959963984540054 * se))
    assert lr.interval.upper == pytest.approx(lr.estimate * math.exp(1.959963984540054 * se))
    assert lr.interval.method is IntervalMethod.LOG_RATIO
    negative = _estimated(metrics.lr_negative)
    se_negative = math.sqrt(1 / 20 - 1 / 100 + 1 / 170 - 1 / 200)
    assert math.log(negative.interval.upper / negative.estimate) == pytest.approx(
        1.959963984540054 * se_negative
    )


def test_f1_interval_is_the_mapped_jaccard_interval() -> None:
    f1 = _estimated(metrics_from_counts(COUNTS).f1)
    jaccard = wilson_interval(80, 130)
    assert f1.interval.lower == pytest.approx(2 * jaccard.lower / (1 + jaccard.lower))
    assert f1.interval.upper == pytest.approx(2 * jaccard.upper / (1 + jaccard.upper))
    assert f1.estimate in f1.interval
    assert f1.n == 130


def test_every_estimate_lies_in_its_interval() -> None:
    for result in metrics_from_counts(COUNTS).results():
        metric = _estimated(result)
        assert metric.estimate in metric.interval, metric


def test_results_cover_every_confusion_metric_once() -> None:
    names = [r.name for r in metrics_from_counts(COUNTS).results()]
    assert sorted(names) == sorted(CONFUSION_METRICS)


@pytest.mark.parametrize(
    ("counts", "metric", "reason", "n"),
    [
        pytest.param(
            ConfusionCounts(0, 0, 0, 0), "sensitivity", UndefinedReason.EMPTY, 0, id="empty-group"
        ),
        pytest.param(
            ConfusionCounts(0, 0, 0, 0), "accuracy", UndefinedReason.EMPTY, 0, id="empty-accuracy"
        ),
        pytest.param(
            ConfusionCounts(0, 12, 0, 40),
            "sensitivity",
            UndefinedReason.EMPTY,
            0,
            id="negatives-only",
        ),
        pytest.param(
            ConfusionCounts(30, 0, 5, 0),
            "specificity",
            UndefinedReason.EMPTY,
            0,
            id="positives-only",
        ),
        pytest.param(
            ConfusionCounts(30, 0, 5, 0),
            "lr_positive",
            UndefinedReason.EMPTY,
            0,
            id="positives-only-lr",
        ),
        pytest.param(
            ConfusionCounts(0, 0, 40, 60), "ppv", UndefinedReason.EMPTY, 0, id="no-predicted-pos"
        ),
        pytest.param(
            ConfusionCounts(6, 10, 3, 50), "sensitivity", UndefinedReason.TOO_FEW, 9, id="9-pos"
        ),
        pytest.param(
            ConfusionCounts(6, 1, 3, 50), "ppv", UndefinedReason.TOO_FEW, 7, id="7-pred-pos"
        ),
        pytest.param(
            ConfusionCounts(50, 0, 10, 60),
            "lr_positive",
            UndefinedReason.ZERO_CELL,
            120,
            id="no-false-positives",
        ),
        pytest.param(
            ConfusionCounts(0, 20, 50, 60),
            "lr_positive",
            UndefinedReason.ZERO_CELL,
            130,
            id="no-true-positives",
        ),
        pytest.param(
            ConfusionCounts(50, 20, 0, 60),
            "lr_negative",
            UndefinedReason.ZERO_CELL,
            130,
            id="no-false-negatives",
        ),
        pytest.param(
            ConfusionCounts(50, 60, 10, 0),
            "lr_negative",
            UndefinedReason.ZERO_CELL,
            120,
            id="no-true-negatives",
        ),
        pytest.param(
            ConfusionCounts(0, 0, 0, 60), "f1", UndefinedReason.EMPTY, 0, id="f1-all-true-neg"
        ),
    ],
)
def test_undefined_cells(
    counts: ConfusionCounts, metric: str, reason: UndefinedReason, n: int
) -> None:
    result = _undefined(_by_name(metrics_from_counts(counts), MetricName(metric)))
    assert result.reason is reason
    assert result.n == n
    assert result.detail


def test_min_n_is_a_parameter() -> None:
    counts = ConfusionCounts(6, 10, 3, 50)
    assert isinstance(metrics_from_counts(counts).sensitivity, Undefined)
    sensitivity = _estimated(metrics_from_counts(counts, min_n=1).sensitivity)
    assert sensitivity.estimate == pytest.approx(6 / 9)
    assert sensitivity.interval == wilson_interval(6, 9)
    assert isinstance(metrics_from_counts(COUNTS, min_n=101).sensitivity, Undefined)
    assert isinstance(metrics_from_counts(COUNTS, min_n=100).sensitivity, Metric)


@pytest.mark.parametrize("min_n", [0, -1, 2.5, True])
def test_bad_min_n_is_an_input_error(min_n: int) -> None:
    with pytest.raises(InputError, match="min_n"):
        metrics_from_counts(COUNTS, min_n=min_n)


def test_single_class_group_from_arrays() -> None:
    metrics = binary_metrics(np.zeros(40, dtype=int), np.r_[np.ones(5), np.zeros(35)])
    assert isinstance(metrics.sensitivity, Undefined)
    assert _undefined(metrics.sensitivity).reason is UndefinedReason.EMPTY
    # F1 rests on TP + FP + FN = 5 cases here: below the minimum.
    assert _undefined(metrics.f1).reason is UndefinedReason.TOO_FEW
    assert _estimated(metrics.specificity).estimate == pytest.approx(35 / 40)


def test_empty_arrays_give_undefined_everywhere() -> None:
    metrics = binary_metrics(np.array([], dtype=int), np.array([], dtype=int))
    assert metrics.counts == ConfusionCounts(0, 0, 0, 0)
    assert all(isinstance(r, Undefined) for r in metrics.results())


def test_boolean_and_float_codes_are_accepted() -> None:
    labels, predictions = _arrays(COUNTS)
    assert confusion_counts(labels.astype(bool), predictions.astype(float)) == COUNTS
    assert confusion_counts(list(labels), list(predictions)) == COUNTS


def test_counts_refuse_negative_or_fractional_cells() -> None:
    with pytest.raises(ValueError, match="whole numbers"):
        ConfusionCounts(-1, 0, 0, 0)
    with pytest.raises(ValueError, match="whole numbers"):
        ConfusionCounts(1.5, 0, 0, 0)  # type: ignore[arg-type]  # the check under test


def test_point_estimates_on_weighted_counts() -> None:
    assert point_estimate(MetricName.SENSITIVITY, 8.0, 3.0, 2.0, 17.0) == pytest.approx(0.8)
    assert math.isnan(point_estimate(MetricName.SENSITIVITY, 0.0, 3.0, 0.0, 17.0))
    assert math.isnan(point_estimate(MetricName.LR_POSITIVE, 8.0, 0.0, 2.0, 17.0))
    assert point_estimate(MetricName.LR_POSITIVE, 0.0, 3.0, 2.0, 17.0) == 0.0
    with pytest.raises(ValueError, match="confusion"):
        point_estimate(MetricName.AUROC, 1.0, 1.0, 1.0, 1.0)


def test_point_estimates_agree_with_the_closed_form() -> None:
    metrics = metrics_from_counts(COUNTS)
    for result in metrics.results():
        expected = _estimated(result).estimate
        got = point_estimate(result.name, COUNTS.tp, COUNTS.fp, COUNTS.fn, COUNTS.tn)
        assert got == pytest.approx(expected), result.name


def _by_name(metrics: BinaryMetrics, name: MetricName) -> MetricResult:
    (result,) = (r for r in metrics.results() if r.name is name)
    return result


@pytest.mark.parametrize(
    ("n", "cells", "metric", "truth"),
    [
        pytest.param(200, (0.2, 0.05, 0.05, 0.7), MetricName.F1, 0.8, id="f1-n200"),
        pytest.param(1000, (0.02, 0.01, 0.03, 0.94), MetricName.F1, 0.5, id="f1-rare"),
        pytest.param(
            400,
            (0.2, 0.08, 0.05, 0.67),
            MetricName.LR_POSITIVE,
            (0.2 / 0.25) / (0.08 / 0.75),
            id="lr-pos",
        ),
        pytest.param(
            400,
            (0.2, 0.08, 0.05, 0.67),
            MetricName.LR_NEGATIVE,
            (0.05 / 0.25) / (0.67 / 0.75),
            id="lr-neg",
        ),
    ],
)
def test_closed_form_intervals_cover_the_truth(
    n: int, cells: tuple[float, float, float, float], metric: MetricName, truth: float
) -> None:
    # 2000 multinomial test sets (TP, FP, FN, TN); the coverage of a correct 95% interval then
    # has a standard error of about 0.005, and [0.93, 0.97] allows four of them either side.
    rng = np.random.default_rng(99)
    covered = defined = 0
    for _ in range(2000):
        tp, fp, fn, tn = (int(k) for k in rng.multinomial(n, cells))
        result = _by_name(metrics_from_counts(ConfusionCounts(tp, fp, fn, tn)), metric)
        if isinstance(result, Metric):
            defined += 1
            covered += truth in result.interval
    assert defined > 1900
    assert 0.93 <= covered / defined <= 0.97
