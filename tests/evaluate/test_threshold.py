"""The operating point at a fixed threshold, calibration slope and intercept, and the ECE."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
import statsmodels.api as sm  # type: ignore[import-untyped]  # no stubs published
from scipy.special import expit, logit

from techfile.evaluate import (
    ConfusionCounts,
    ExpectedCalibrationError,
    IntervalMethod,
    Metric,
    MetricResult,
    Undefined,
    UndefinedReason,
    binary_metrics,
    calibration,
    expected_calibration_error,
    operating_point,
)


def _estimated(result: MetricResult) -> Metric:
    assert isinstance(result, Metric), result
    return result


def _miscalibrated(
    seed: int, n: int = 800, slope: float = 0.6, shift: float = 0.4
) -> tuple[npt.NDArray[np.int_], npt.NDArray[np.float64]]:
    """Labels drawn from true risks, and predictions too extreme (slope) and too low (shift)."""
    rng = np.random.default_rng(seed)
    linear = rng.normal(-0.5, 1.5, size=n)
    labels = (rng.random(n) < expit(slope * linear + shift)).astype(int)
    return labels, expit(linear)


def test_operating_point_is_score_at_least_threshold() -> None:
    labels = np.array([1, 1, 1, 0, 0, 0] * 5)
    scores = np.array([0.9, 0.5, 0.2, 0.5, 0.4, 0.1] * 5)
    point = operating_point(labels, scores, 0.5)
    assert point.threshold == 0.5
    # 0.5 is at the threshold, so it counts as positive for both classes.
    assert point.metrics.counts == ConfusionCounts(tp=10, fp=5, fn=5, tn=10)
    assert point.metrics == binary_metrics(labels, scores >= 0.5)


def test_calibration_matches_statsmodels_glm() -> None:
    labels, probabilities = _miscalibrated(1)
    result = calibration(labels, probabilities)
    x = logit(probabilities)
    slope_fit = sm.GLM(labels, sm.add_constant(x), family=sm.families.Binomial()).fit()
    slope = _estimated(result.slope)
    assert slope.estimate == pytest.approx(slope_fit.params[1], rel=1e-8)
    lower, upper = slope_fit.conf_int(alpha=0.05)[1]
    assert slope.interval.lower == pytest.approx(lower, rel=1e-6)
    assert slope.interval.upper == pytest.approx(upper, rel=1e-6)
    assert slope.interval.method is IntervalMethod.WALD

    intercept_fit = sm.GLM(
        labels, np.ones((x.size, 1)), family=sm.families.Binomial(), offset=x
    ).fit()
    intercept = _estimated(result.intercept)
    assert intercept.estimate == pytest.approx(intercept_fit.params[0], rel=1e-8)
    lower, upper = intercept_fit.conf_int(alpha=0.05)[0]
    assert intercept.interval.lower == pytest.approx(lower, rel=1e-6)
    assert intercept.interval.upper == pytest.approx(upper, rel=1e-6)
    assert result.clipped == 0


def test_calibration_finds_the_simulated_miscalibration() -> None:
    labels, probabilities = _miscalibrated(2, n=20_000)
    result = calibration(labels, probabilities)
    assert 0.6 in _estimated(result.slope).interval
    assert _estimated(result.intercept).estimate > 0  # predictions too low on average


def test_well_calibrated_predictions_have_slope_one_intercept_zero() -> None:
    labels, probabilities = _miscalibrated(3, n=20_000, slope=1.0, shift=0.0)
    result = calibration(labels, probabilities)
    # Within four standard errors (about 0.015 each at n = 20 000), not within the 95% interval,
    # which misses the truth one time in twenty by design.
    slope, intercept = _estimated(result.slope), _estimated(result.intercept)
    assert slope.estimate == pytest.approx(
        1.0, abs=4 * (slope.interval.upper - slope.estimate) / 1.96
    )
    assert intercept.estimate == pytest.approx(
        0.0, abs=4 * (intercept.interval.upper - intercept.estimate) / 1.96
    )


def test_probabilities_of_zero_and_one_are_clipped_and_counted() -> None:
    labels, probabilities = _miscalibrated(4)
    probabilities[:3] = [0.0, 1.0, 1.0]
    result = calibration(labels, probabilities)
    assert result.clipped == 3
    assert math.isfinite(_estimated(result.slope).estimate)


def test_complete_separation_does_not_converge() -> None:
    labels = np.r_[np.ones(20, dtype=int), np.zeros(20, dtype=int)]
    probabilities = np.r_[np.linspace(0.6, 0.9, 20), np.linspace(0.1, 0.4, 20)]
    result = calibration(labels, probabilities)
    assert isinstance(result.slope, Undefined)
    assert result.slope.reason is UndefinedReason.NOT_CONVERGED


def test_calibration_needs_both_classes() -> None:
    result = calibration(np.zeros(40, dtype=int), np.linspace(0.1, 0.9, 40))
    assert isinstance(result.slope, Undefined)
    assert result.slope.reason is UndefinedReason.EMPTY
    assert isinstance(result.intercept, Undefined)


def test_ece_by_hand() -> None:
    # Bin [0.1, 0.2): 4 cases, mean 0.15, 1 positive (0.25) -> gap 0.10.
    # Bin [0.8, 0.9): 2 cases, mean 0.85, 2 positives (1.0) -> gap 0.15.
    # Bin [0.9, 1.0]: 2 cases at 1.0 (the last bin includes 1), 1 positive -> gap 0.5.
    labels = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    probabilities = np.array([0.1, 0.14, 0.16, 0.2 - 1e-9, 0.84, 0.86, 1.0, 1.0])
    result = expected_calibration_error(labels, probabilities)
    assert isinstance(result, ExpectedCalibrationError)
    expected = (4 * abs(0.25 - probabilities[:4].mean()) + 2 * 0.15 + 2 * 0.5) / 8
    assert result.value == pytest.approx(expected)
    assert [b.n for b in result.bins] == [0, 4, 0, 0, 0, 0, 0, 0, 2, 2]
    assert math.isnan(result.bins[0].observed)
    assert result.bins[-1].upper == 1.0


def test_ece_of_perfect_bins_is_zero_and_of_no_cases_undefined() -> None:
    labels = np.array([0, 0, 0, 1] * 5)
    assert expected_calibration_error(labels, np.full(20, 0.25)).value == pytest.approx(0.0)  # type: ignore[union-attr]  # an ECE, checked below
    empty = expected_calibration_error(np.array([], dtype=int), np.array([]))
    assert isinstance(empty, Undefined)
    assert len(expected_calibration_error(labels, np.full(20, 0.25), bins=15).bins) == 15  # type: ignore[union-attr]  # as above
