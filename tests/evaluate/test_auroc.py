"""AUROC and AUPRC against scikit-learn, and the fast DeLong variance against the direct one."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import (  # type: ignore[import-untyped]  # scikit-learn ships no type hints
    average_precision_score,
    roc_auc_score,
)

from techfile.evaluate import (
    AurocScale,
    IntervalMethod,
    Metric,
    MetricResult,
    Undefined,
    UndefinedReason,
    auprc,
    auroc,
)
from techfile.evaluate._auroc import RankedScores, fast_delong


def _direct_delong(
    positive: npt.NDArray[np.float64], negative: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """DeLong et al. (1988) by comparing every pair: O(m n), the reference for the fast one."""
    # psi(x, y) = 1 if x > y, 1/2 if x == y, 0 otherwise, for a positive x and a negative y.
    psi = (positive[:, None] > negative[None, :]) + 0.5 * (positive[:, None] == negative[None, :])
    auc = float(psi.mean())
    v10 = psi.mean(axis=1)  # one component per positive
    v01 = psi.mean(axis=0)  # one component per negative
    m, n = positive.size, negative.size
    s10 = float(((v10 - auc) ** 2).sum()) / (m - 1)
    s01 = float(((v01 - auc) ** 2).sum()) / (n - 1)
    return auc, s10 / m + s01 / n


def _estimated(result: MetricResult) -> Metric:
    assert isinstance(result, Metric), result
    return result


def _data(seed: int, n: int = 300, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:  # noqa: FBT001, FBT002  # test helper
    rng = np.random.default_rng(seed)
    labels = rng.random(n) < 0.35
    scores = rng.normal(size=n) + 1.2 * labels
    if ties:
        scores = np.round(scores, 0)
    return labels.astype(int), scores


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("ties", [False, True], ids=["continuous", "rounded"])
def test_auroc_matches_sklearn(seed: int, ties: bool) -> None:  # noqa: FBT001  # parametrised
    labels, scores = _data(seed, ties=ties)
    assert _estimated(auroc(labels, scores)).estimate == pytest.approx(
        roc_auc_score(labels, scores), abs=1e-12
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("ties", [False, True], ids=["continuous", "rounded"])
def test_auprc_matches_sklearn_average_precision(seed: int, ties: bool) -> None:  # noqa: FBT001  # parametrised
    labels, scores = _data(seed, ties=ties)
    assert _estimated(auprc(labels, scores)).estimate == pytest.approx(
        average_precision_score(labels, scores), abs=1e-12
    )


scores_with_ties = st.lists(st.integers(min_value=0, max_value=6), min_size=2, max_size=40)


@settings(max_examples=300, deadline=None)
@given(positive=scores_with_ties, negative=scores_with_ties)
def test_fast_delong_equals_direct_delong(positive: list[int], negative: list[int]) -> None:
    x, y = np.array(positive, dtype=float), np.array(negative, dtype=float)
    fast_auc, fast_variance = fast_delong(x, y)
    direct_auc, direct_variance = _direct_delong(x, y)
    assert fast_auc == pytest.approx(direct_auc, abs=1e-12)
    assert fast_variance == pytest.approx(direct_variance, rel=1e-9, abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(
    positive=st.lists(st.floats(-5, 5, allow_nan=False), min_size=2, max_size=30),
    negative=st.lists(st.floats(-5, 5, allow_nan=False), min_size=2, max_size=30),
)
def test_fast_delong_equals_direct_on_continuous_scores(
    positive: list[float], negative: list[float]
) -> None:
    x, y = np.array(positive), np.array(negative)
    assert fast_delong(x, y) == pytest.approx(_direct_delong(x, y), rel=1e-9, abs=1e-15)


def test_delong_variance_matches_a_published_value() -> None:
    # Hanley and McNeil (1982), Radiology 143:29-36, Table 1: CT ratings of 58 normal and 51
    # abnormal cases on a 5-point scale; their trapezoidal area is 0.893 and their standard
    # error 0.032 (from their exponential approximation, so DeLong's 0.0307 is only close).
    normal = np.repeat([1, 2, 3, 4, 5], [33, 6, 6, 11, 2]).astype(float)
    abnormal = np.repeat([1, 2, 3, 4, 5], [3, 2, 2, 11, 33]).astype(float)
    auc, variance = fast_delong(abnormal, normal)
    assert auc == pytest.approx(0.8932, abs=5e-5)
    assert variance == pytest.approx(_direct_delong(abnormal, normal)[1], rel=1e-12)
    assert math.sqrt(variance) == pytest.approx(0.032, abs=2e-3)


def test_logit_interval_is_inside_the_unit_interval_and_asymmetric() -> None:
    labels, scores = _data(3)
    metric = _estimated(auroc(labels, scores))
    auc, variance = fast_delong(scores[labels == 1], scores[labels == 0])
    assert metric.interval.method is IntervalMethod.DELONG_LOGIT
    assert 0.0 < metric.interval.lower < auc < metric.interval.upper < 1.0
    logit_half = 1.959963984540054 * math.sqrt(variance) / (auc * (1 - auc))
    assert math.log(metric.interval.upper / (1 - metric.interval.upper)) == pytest.approx(
        math.log(auc / (1 - auc)) + logit_half
    )
    assert metric.n == labels.size


def test_linear_interval_is_symmetric_and_clamped() -> None:
    labels, scores = _data(3)
    metric = _estimated(auroc(labels, scores, scale=AurocScale.LINEAR))
    assert metric.interval.method is IntervalMethod.DELONG_NORMAL
    assert metric.estimate - metric.interval.lower == pytest.approx(
        metric.interval.upper - metric.estimate
    )
    # Ten positives above ten negatives but for one negative scored among the top: AUROC 0.98
    # with a normal interval that would pass 1 without the clamp.
    labels = np.r_[np.ones(10), np.zeros(11)]
    scores = np.r_[np.arange(10.0) + 10.5, np.arange(10.0), [12.0]]
    clamped = _estimated(auroc(labels, scores, scale=AurocScale.LINEAR))
    assert clamped.interval.upper == 1.0


@pytest.mark.parametrize(
    ("labels", "scores", "reason"),
    [
        pytest.param(np.zeros(30), np.linspace(0, 1, 30), UndefinedReason.EMPTY, id="no-pos"),
        pytest.param(np.ones(30), np.linspace(0, 1, 30), UndefinedReason.EMPTY, id="no-neg"),
        pytest.param(
            np.r_[np.ones(5), np.zeros(30)],
            np.linspace(0, 1, 35),
            UndefinedReason.TOO_FEW,
            id="five-positives",
        ),
        pytest.param(
            np.r_[np.ones(15), np.zeros(15)],
            np.r_[np.ones(15), np.zeros(15)],
            UndefinedReason.BOUNDARY,
            id="perfect-separation",
        ),
        pytest.param(
            np.r_[np.ones(15), np.zeros(15)],
            np.full(30, 0.3),
            UndefinedReason.BOUNDARY,
            id="all-scores-tied",
        ),
        pytest.param(np.array([]), np.array([]), UndefinedReason.EMPTY, id="empty"),
    ],
)
def test_auroc_undefined(labels: np.ndarray, scores: np.ndarray, reason: UndefinedReason) -> None:
    result = auroc(labels, scores)
    assert isinstance(result, Undefined)
    assert result.reason is reason


def test_delong_needs_two_per_class_even_with_min_n_one() -> None:
    result = auroc([1, 0, 0, 0], [0.9, 0.1, 0.2, 0.3], min_n=1)
    assert isinstance(result, Undefined)
    assert result.reason is UndefinedReason.TOO_FEW


def test_auprc_interval_and_undefined() -> None:
    labels, scores = _data(5)
    metric = _estimated(auprc(labels, scores))
    assert metric.interval.method is IntervalMethod.LOGIT_POSITIVES
    assert metric.estimate in metric.interval
    assert metric.n == int(labels.sum())
    perfect = auprc(np.r_[np.ones(12), np.zeros(12)], np.r_[np.ones(12), np.zeros(12)])
    assert isinstance(perfect, Undefined)
    assert perfect.reason is UndefinedReason.BOUNDARY
    assert isinstance(auprc(np.zeros(20), np.linspace(0, 1, 20)), Undefined)


@pytest.mark.parametrize("seed", range(5))
def test_weighted_areas_equal_the_areas_of_repeated_cases(seed: int) -> None:
    labels, scores = _data(seed, n=120, ties=True)
    weights = np.random.default_rng(seed).poisson(1.0, labels.size).astype(float)
    ranked = RankedScores.of(labels.astype(bool), scores)
    repeated_labels, repeated_scores = (
        np.repeat(labels, weights.astype(int)),
        np.repeat(scores, weights.astype(int)),
    )
    assert ranked.auroc(weights) == pytest.approx(roc_auc_score(repeated_labels, repeated_scores))
    assert ranked.average_precision(weights) == pytest.approx(
        average_precision_score(repeated_labels, repeated_scores)
    )
    assert ranked.auroc(weights) == pytest.approx(
        roc_auc_score(labels, scores, sample_weight=weights)
    )


def test_weighted_areas_without_a_class_are_nan() -> None:
    ranked = RankedScores.of(np.array([True, False, True]), np.array([0.9, 0.1, 0.5]))
    assert math.isnan(ranked.auroc(np.array([1.0, 0.0, 1.0])))
    assert math.isnan(ranked.average_precision(np.array([0.0, 1.0, 0.0])))
