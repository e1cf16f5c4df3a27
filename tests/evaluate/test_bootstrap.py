"""Percentile bootstrap: coverage, reproducibility, strata, clusters, memory and progress."""

from __future__ import annotations

import math
import tracemalloc
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pytest

from techfile.evaluate import (
    BootstrapResult,
    IntervalMethod,
    Metric,
    MetricName,
    Resampling,
    ResamplingUnit,
    Undefined,
    UndefinedReason,
    auroc,
    bootstrap,
    bootstrap_metric,
    metric_statistic,
)


@dataclass
class RecordingObserver:
    """Keeps every progress report."""

    reports: list[tuple[int, int]] = field(default_factory=list)

    def replicate_done(self, done: int, total: int) -> None:
        self.reports.append((done, total))


@dataclass
class WeightProbe:
    """A statistic that reports a function of the weights, to see what the bootstrap draws."""

    probe: str
    labels: npt.NDArray[np.bool_]
    clusters: npt.NDArray[np.intp] | None = None
    seen: list[npt.NDArray[np.float64]] = field(default_factory=list)

    @property
    def name(self) -> MetricName:
        return MetricName.SENSITIVITY

    def __call__(self, weights: npt.NDArray[np.float64], /) -> float:
        self.seen.append(weights.copy())
        if self.probe == "positive-weight":
            return float(weights[self.labels].sum())
        if self.probe == "nan-when-resampled":
            return 1.0 if np.all(weights == 1.0) else math.nan
        return float(weights.sum())


def _result(outcome: BootstrapResult | Undefined) -> BootstrapResult:
    assert isinstance(outcome, BootstrapResult), outcome
    return outcome


def _sample(
    rng: np.random.Generator, positives: int, negatives: int, sensitivity: float
) -> tuple[npt.NDArray[np.int_], npt.NDArray[np.int_]]:
    labels = np.r_[np.ones(positives, dtype=int), np.zeros(negatives, dtype=int)]
    predictions = np.r_[
        (rng.random(positives) < sensitivity).astype(int),
        (rng.random(negatives) < 0.1).astype(int),
    ]
    return labels, predictions


@pytest.mark.parametrize("resampling", [Resampling.POISSON, Resampling.STRATIFIED])
def test_coverage_of_the_true_sensitivity_is_close_to_nominal(resampling: Resampling) -> None:
    # 200 simulated test sets of 100 positives (true sensitivity 0.85) and 100 negatives, 500
    # replicates each. With 200 data sets the coverage of a correct 95% interval has a standard
    # error of about 0.015; the tolerance [0.90, 0.99] allows for that and for the known slight
    # under-coverage of percentile intervals for a proportion at n = 100. Seeded: deterministic.
    rng = np.random.default_rng(20240613)
    true_sensitivity, simulations, covered = 0.85, 200, 0
    for simulation in range(simulations):
        labels, predictions = _sample(rng, 100, 100, true_sensitivity)
        result = _result(
            bootstrap_metric(
                MetricName.SENSITIVITY,
                labels,
                predictions,
                seed=simulation,
                replicates=500,
                resampling=resampling,
            )
        )
        covered += true_sensitivity in result.metric.interval
    assert 0.90 <= covered / simulations <= 0.99


def test_same_seed_same_interval_other_seed_other_interval() -> None:
    labels, predictions = _sample(np.random.default_rng(1), 60, 90, 0.8)

    def run(seed: int) -> BootstrapResult:
        return _result(
            bootstrap_metric(MetricName.SPECIFICITY, labels, predictions, seed=seed, replicates=300)
        )

    assert run(5) == run(5)
    assert run(5).metric.interval != run(6).metric.interval
    assert run(5).seed == 5


def test_result_records_how_it_was_computed() -> None:
    labels, predictions = _sample(np.random.default_rng(2), 40, 60, 0.8)
    result = _result(
        bootstrap_metric(MetricName.PPV, labels, predictions, seed=0, replicates=200, alpha=0.1)
    )
    assert result.metric.interval.method is IntervalMethod.BOOTSTRAP_PERCENTILE
    assert result.metric.interval.level == pytest.approx(0.9)
    assert result.metric.n == int(predictions.sum())  # PPV's denominator: predicted positives
    assert result.replicates == 200
    assert result.undefined_replicates == 0
    assert result.resampling is Resampling.POISSON
    assert result.unit is ResamplingUnit.CASE
    assert result.units == 100
    assert result.metric.estimate == pytest.approx(
        np.sum(labels & predictions) / np.sum(predictions)
    )


def test_observer_hears_every_replicate() -> None:
    labels, predictions = _sample(np.random.default_rng(3), 30, 30, 0.8)
    observer = RecordingObserver()
    bootstrap_metric(
        MetricName.ACCURACY, labels, predictions, seed=0, replicates=25, observer=observer
    )
    assert observer.reports == [(i, 25) for i in range(1, 26)]


def test_stratified_resampling_keeps_the_class_totals() -> None:
    labels = np.r_[np.ones(13, dtype=bool), np.zeros(29, dtype=bool)]
    probe = WeightProbe("positive-weight", labels)
    result = _result(
        bootstrap(probe, labels, seed=0, replicates=50, resampling=Resampling.STRATIFIED)
    )
    assert result.metric.interval.lower == result.metric.interval.upper == 13
    assert all(w[~labels].sum() == 29 for w in probe.seen)


def test_simple_resampling_keeps_the_total_but_not_the_class_totals() -> None:
    labels = np.r_[np.ones(13, dtype=bool), np.zeros(29, dtype=bool)]
    probe = WeightProbe("positive-weight", labels)
    result = _result(bootstrap(probe, labels, seed=0, replicates=50, resampling=Resampling.SIMPLE))
    assert all(w.sum() == 42 for w in probe.seen)
    assert result.metric.interval.lower < 13 < result.metric.interval.upper


def test_poisson_weights_vary_the_total() -> None:
    labels = np.r_[np.ones(50, dtype=bool), np.zeros(50, dtype=bool)]
    probe = WeightProbe("total", labels)
    bootstrap(probe, labels, seed=0, replicates=30)
    totals = {float(w.sum()) for w in probe.seen[1:]}
    assert len(totals) > 5
    assert all(np.all(w == np.round(w)) and np.all(w >= 0) for w in probe.seen)


@pytest.mark.parametrize("resampling", list(Resampling))
def test_clusters_are_resampled_whole(resampling: Resampling) -> None:
    ids = np.repeat(np.array(["p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08"]), 5)
    labels = np.tile([True, False, False, True, False], 8)
    probe = WeightProbe("total", labels)
    result = _result(
        bootstrap(probe, labels, seed=0, ids=ids, replicates=40, resampling=resampling)
    )
    assert result.unit is ResamplingUnit.CLUSTER
    assert result.units == 8
    for weights in probe.seen:
        per_cluster = weights.reshape(8, 5)
        assert np.all(per_cluster == per_cluster[:, :1])


def test_cluster_interval_is_wider_under_correlation_within_clusters() -> None:
    # 40 patients with 10 lesions each; whether the device finds a patient's lesions depends
    # mostly on the patient, so the 400 lesions carry far less information than 400 patients.
    rng = np.random.default_rng(11)
    patient_sensitivity = rng.choice([0.3, 0.95], size=40)
    ids = np.repeat(np.arange(40), 10)
    labels = np.ones(400, dtype=int)
    predictions = (rng.random(400) < patient_sensitivity[ids]).astype(int)

    def width(**kwargs: object) -> float:
        result = _result(
            bootstrap_metric(
                MetricName.SENSITIVITY,
                labels,
                predictions,
                seed=0,
                replicates=400,
                min_n=1,
                **kwargs,  # type: ignore[arg-type]  # ids only
            )
        )
        return result.metric.interval.upper - result.metric.interval.lower

    assert width(ids=ids) > 2 * width()


def test_undefined_on_the_full_data_is_returned_without_resampling() -> None:
    labels, predictions = np.zeros(50, dtype=int), np.zeros(50, dtype=int)
    observer = RecordingObserver()
    result = bootstrap_metric(
        MetricName.SENSITIVITY, labels, predictions, seed=0, observer=observer
    )
    assert isinstance(result, Undefined)
    assert result.reason is UndefinedReason.EMPTY
    assert observer.reports == []
    few = bootstrap_metric(
        MetricName.SENSITIVITY, np.r_[np.ones(4), np.zeros(40)], predictions[:44], seed=0
    )
    assert isinstance(few, Undefined)
    assert few.reason is UndefinedReason.TOO_FEW


def test_undefined_replicates_are_counted_and_left_out() -> None:
    # Three positives: a Poisson replicate draws none of them with probability e^-3 (about 5%).
    labels = np.r_[np.ones(3, dtype=int), np.zeros(60, dtype=int)]
    predictions = np.r_[[1, 1, 0], np.zeros(60, dtype=int)]
    result = _result(
        bootstrap_metric(
            MetricName.SENSITIVITY, labels, predictions, seed=0, replicates=1000, min_n=1
        )
    )
    assert 20 <= result.undefined_replicates <= 90
    stratified = _result(
        bootstrap_metric(
            MetricName.SENSITIVITY,
            labels,
            predictions,
            seed=0,
            replicates=1000,
            min_n=1,
            resampling=Resampling.STRATIFIED,
        )
    )
    assert stratified.undefined_replicates == 0


def test_no_defined_replicate_is_undefined() -> None:
    labels = np.r_[np.ones(20, dtype=bool), np.zeros(20, dtype=bool)]
    result = bootstrap(WeightProbe("nan-when-resampled", labels), labels, seed=0, replicates=20)
    assert isinstance(result, Undefined)
    assert result.reason is UndefinedReason.NO_REPLICATES


def test_auroc_bootstrap_agrees_with_delong_on_a_large_sample() -> None:
    rng = np.random.default_rng(4)
    labels = (rng.random(2000) < 0.3).astype(int)
    scores = rng.normal(size=2000) + labels
    delong = auroc(labels, scores)
    assert isinstance(delong, Metric)
    boot = _result(bootstrap_metric(MetricName.AUROC, labels, scores, seed=0, replicates=1000))
    assert boot.metric.estimate == pytest.approx(delong.estimate)
    assert boot.metric.interval.lower == pytest.approx(delong.interval.lower, abs=0.006)
    assert boot.metric.interval.upper == pytest.approx(delong.interval.upper, abs=0.006)


def test_auprc_statistic_can_be_bootstrapped() -> None:
    rng = np.random.default_rng(5)
    labels = (rng.random(500) < 0.2).astype(int)
    scores = rng.random(500) + 0.5 * labels
    result = _result(bootstrap_metric(MetricName.AUPRC, labels, scores, seed=0, replicates=200))
    assert result.metric.estimate in result.metric.interval
    assert result.metric.n == int(labels.sum())


def test_memory_stays_linear_in_the_number_of_cases() -> None:
    # An n x B matrix of weights would need 100_000 * 200 * 8 bytes = 160 MB; one replicate at
    # a time needs a few vectors of n: the peak must stay under 20 vectors (16 MB).
    n, replicates = 100_000, 200
    rng = np.random.default_rng(6)
    labels = (rng.random(n) < 0.3).astype(int)
    predictions = (rng.random(n) < 0.5).astype(int)
    statistic = metric_statistic(MetricName.SENSITIVITY, labels, predictions)
    tracemalloc.start()
    try:
        bootstrap(statistic, labels, seed=0, replicates=replicates)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * n * 8
