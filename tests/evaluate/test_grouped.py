"""Grouped bootstrap: each replicate against a direct computation, seeds, memory, coverage."""

from __future__ import annotations

import math
import tracemalloc
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]  # scikit-learn ships no type hints

from techfile.evaluate import (
    GROUPED_METRICS,
    EvaluationInputError,
    GroupedBootstrapResult,
    GroupedCases,
    Metric,
    MetricName,
    Resampling,
    ResamplingUnit,
    Undefined,
    UndefinedReason,
    auroc,
    binary_metrics,
    grouped_bootstrap,
)
from techfile.evaluate._poisson import MAX_POISSON_WEIGHT, poisson_weights

THRESHOLD = 0.5


@dataclass
class RecordingObserver:
    reports: list[tuple[int, int]] = field(default_factory=list)

    def replicate_done(self, done: int, total: int) -> None:
        self.reports.append((done, total))


@dataclass(frozen=True)
class Data:
    labels: npt.NDArray[np.bool_]
    scores: npt.NDArray[np.float64]
    groups: npt.NDArray[np.str_]
    patients: npt.NDArray[np.int64]


def tied_data(n: int = 160, seed: int = 0) -> Data:
    """Scores on a 0.1 grid (ties within and across groups, some exactly at the threshold),
    four groups of which one is tiny, and patients with two to four cases each."""
    rng = np.random.default_rng(seed)
    labels = rng.random(n) < 0.35
    scores = np.round(rng.normal(0.3 + 0.4 * labels, 0.3), 1)
    groups = rng.choice(np.array(["north", "south", "west", "tiny"]), n, p=[0.4, 0.35, 0.22, 0.03])
    labels[:2], groups[:2] = [True, False], "tiny"  # tiny holds both classes, one of them once
    patients = np.repeat(np.arange(n), rng.integers(2, 5, n))[:n]
    patients[0] = n  # a patient of its own, so that the tiny group can lose one class only
    return Data(labels, scores, groups, patients)


def exact_auroc(
    labels: npt.NDArray[np.bool_], scores: npt.NDArray[np.float64], weights: npt.NDArray[np.int64]
) -> Fraction:
    """Mann-Whitney over every weighted positive-negative pair, ties one half, exactly."""
    twice_won = 0
    for i in np.flatnonzero(labels):
        for j in np.flatnonzero(~labels):
            if scores[i] >= scores[j]:
                twice_won += (2 if scores[i] > scores[j] else 1) * int(weights[i] * weights[j])
    return Fraction(twice_won, 2 * int(weights[labels].sum()) * int(weights[~labels].sum()))


def direct(
    labels: npt.NDArray[np.bool_], scores: npt.NDArray[np.float64], weights: npt.NDArray[np.int64]
) -> list[float]:
    """The five metrics from weighted confusion counts and scikit-learn, NaN if undefined."""
    called = scores >= THRESHOLD
    tp, fn = weights[labels & called].sum(), weights[labels & ~called].sum()
    fp, tn = weights[~labels & called].sum(), weights[~labels & ~called].sum()

    def ratio(top: int, bottom: int) -> float:
        return top / bottom if bottom else math.nan

    area = math.nan
    if tp + fn and fp + tn:
        area = roc_auc_score(labels, scores, sample_weight=weights)
    return [ratio(tp, tp + fn), ratio(tn, tn + fp), ratio(tp, tp + fp), ratio(tn, tn + fn), area]


def test_metric_order_is_the_published_one() -> None:
    assert GROUPED_METRICS == (
        MetricName.SENSITIVITY,
        MetricName.SPECIFICITY,
        MetricName.PPV,
        MetricName.NPV,
        MetricName.AUROC,
    )


@pytest.mark.parametrize("resampling", list(Resampling))
@pytest.mark.parametrize("clustered", [False, True], ids=["cases", "patients"])
def test_each_replicate_equals_a_direct_computation(
    resampling: Resampling, *, clustered: bool
) -> None:
    data = tied_data()
    ids = data.patients if clustered else None
    replicates = 10
    result = grouped_bootstrap(
        data.labels,
        data.scores,
        data.groups,
        threshold=THRESHOLD,
        seed=11,
        ids=ids,
        replicates=replicates,
        resampling=resampling,
        min_n=1,
        max_undefined_share=0.9,
    )
    cases = GroupedCases.of(data.labels, data.scores, data.groups, threshold=THRESHOLD, ids=ids)
    assert cases.groups == ("north", "south", "tiny", "west")
    drawn = list(cases.replicate_weights(11, replicates, resampling))
    assert not all(np.array_equal(drawn[0], weights) for weights in drawn[1:])
    undefined = 0
    for replicate, weights in enumerate(drawn):
        if clustered:  # every case of a patient carries the patient's weight
            for patient in np.unique(data.patients):
                assert np.unique(weights[data.patients == patient]).size == 1
        elif resampling is Resampling.SIMPLE:  # as many draws as cases
            assert weights.sum() == data.labels.size
        elif resampling is Resampling.STRATIFIED:  # as many positives and negatives as before
            assert weights[data.labels].sum() == data.labels.sum()
            assert weights[~data.labels].sum() == (~data.labels).sum()
        rows = [np.ones(data.labels.size, dtype=bool)] + [data.groups == g for g in cases.groups]
        for row, members in enumerate(rows):
            expected = direct(data.labels[members], data.scores[members], weights[members])
            got = result.values[replicate, row]
            np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)
            undefined += int(np.isnan(got).sum())
            # Exact rational arithmetic: AUROC is the correctly rounded Mann-Whitney ratio.
            if not math.isnan(got[4]):
                members_auroc = exact_auroc(
                    data.labels[members], data.scores[members], weights[members]
                )
                assert got[4] == float(members_auroc)
        np.testing.assert_array_equal(cases.statistics(weights), result.values[replicate])
    assert undefined > 0  # the tiny group loses a class in some replicates


def test_the_full_data_estimates_match_the_closed_form_metrics() -> None:
    data = tied_data(400, seed=3)
    result = grouped_bootstrap(
        data.labels, data.scores, data.groups, threshold=THRESHOLD, seed=0, replicates=20
    )
    for estimates in (result.overall, *result.groups):
        members = (
            np.ones(data.labels.size, dtype=bool)
            if estimates.group is None
            else data.groups == estimates.group
        )
        closed = binary_metrics(data.labels[members], data.scores[members] >= THRESHOLD, min_n=10)
        area = auroc(data.labels[members], data.scores[members], min_n=10)
        for name, expected in zip(
            GROUPED_METRICS,
            (closed.sensitivity, closed.specificity, closed.ppv, closed.npv, area),
            strict=True,
        ):
            got = estimates.metric(name)
            assert type(got) is type(expected)
            if isinstance(got, Metric) and isinstance(expected, Metric):
                assert got.estimate == pytest.approx(expected.estimate, rel=1e-12)
                assert got.n == expected.n
                assert got.interval.lower <= got.interval.upper
        assert estimates.cases == int(members.sum())
        assert estimates.positives == int(data.labels[members].sum())


def test_the_same_seed_gives_the_same_result_and_another_seed_does_not() -> None:
    data = tied_data(300)

    def run(seed: int) -> GroupedBootstrapResult:
        return grouped_bootstrap(
            data.labels, data.scores, data.groups, threshold=THRESHOLD, seed=seed, replicates=50
        )

    first, again, other = run(5), run(5), run(6)
    np.testing.assert_array_equal(first.values, again.values)
    # A longer run starts with the same replicates (chunks of replicates change nothing).
    longer = grouped_bootstrap(
        data.labels, data.scores, data.groups, threshold=THRESHOLD, seed=5, replicates=700
    )
    np.testing.assert_array_equal(longer.values[:50], first.values)
    assert first.groups == again.groups
    assert first.overall == again.overall
    assert not np.array_equal(first.values, other.values, equal_nan=True)
    assert first.seed == 5
    assert first.unit is ResamplingUnit.CASE
    assert first.units == 300


def test_poisson_weights_follow_poisson_one() -> None:
    rng = np.random.default_rng(0)
    draws = np.concatenate([poisson_weights(rng, 1_000_001) for _ in range(4)])
    assert draws.max() <= MAX_POISSON_WEIGHT
    observed = np.bincount(draws, minlength=8)[:8]
    expected = stats.poisson.pmf(np.arange(8), 1.0) * draws.size
    # Each count within 4.5 binomial standard errors: a real bias of the table would show.
    assert np.all(np.abs(observed - expected) < 4.5 * np.sqrt(expected) + 1)
    assert draws.mean() == pytest.approx(1.0, abs=0.002)
    assert draws.var() == pytest.approx(1.0, abs=0.005)
    # Weights 8 and more come only from the refined draws (probability about 1e-5).
    assert 10 <= int(np.count_nonzero(draws >= 8)) <= 80
    again = np.random.default_rng(0)
    np.testing.assert_array_equal(poisson_weights(again, 1_000_001), draws[:1_000_001])


def _peak(
    data: tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64], npt.NDArray[np.int64]],
    replicates: int,
) -> int:
    labels, scores, groups = data
    tracemalloc.start()
    try:
        grouped_bootstrap(
            labels, scores, groups, threshold=THRESHOLD, seed=0, replicates=replicates
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_memory_stays_linear_in_the_cases_and_flat_in_the_replicates() -> None:
    n, groups = 200_000, 50
    rng = np.random.default_rng(2)
    labels = rng.random(n) < 0.2
    data = (labels, np.round(rng.normal(labels * 1.0, 1.0), 3), rng.integers(0, groups, n))
    replicates = 200
    peak = _peak(data, replicates)
    # A replicates x cases matrix of float64 weights alone would need n * B * 8 = 320 MB, and
    # even one of uint8 weights 40 MB; the sorted copies and indices take about 80 B per case.
    assert peak < 100 * n
    assert peak < n * replicates * 8 / 10
    # What grows with B is only the B x (1 + groups) x 5 table of replicate values.
    table = (replicates - 20) * (1 + groups) * 5 * 8
    assert peak - _peak(data, 20) < table + n


def test_percentile_intervals_cover_near_nominal() -> None:
    # Three groups from known binormal populations: the true metrics are known in closed form.
    # 150 data sets, 300 replicates each; per metric 450 group intervals, so the coverage has a
    # standard error of about 1 point: we require 91% to 98% for the nominal 95%.
    means = {"a": (0.0, 1.2), "b": (0.0, 0.8), "c": (0.2, 1.4)}
    prevalence, per_group, simulations = 0.3, 300, 150
    truth: dict[str, list[float]] = {}
    for name, (negative, positive) in means.items():
        sensitivity = stats.norm.sf(THRESHOLD - positive)
        specificity = stats.norm.cdf(THRESHOLD - negative)
        called = prevalence * sensitivity + (1 - prevalence) * (1 - specificity)
        ppv = prevalence * sensitivity / called
        npv = (1 - prevalence) * specificity / (1 - called)
        area = stats.norm.cdf((positive - negative) / math.sqrt(2))
        truth[name] = [sensitivity, specificity, ppv, npv, area]
    rng = np.random.default_rng(2024)
    covered = np.zeros(len(GROUPED_METRICS))
    for simulation in range(simulations):
        groups = np.repeat(list(means), per_group)
        labels = rng.random(groups.size) < prevalence
        centre = np.array([means[g][int(label)] for g, label in zip(groups, labels, strict=True)])
        scores = rng.normal(centre, 1.0)
        result = grouped_bootstrap(
            labels, scores, groups, threshold=THRESHOLD, seed=simulation, replicates=300
        )
        for estimates in result.groups:
            assert estimates.group is not None
            for column, metric in enumerate(estimates.metrics):
                assert isinstance(metric, Metric)
                covered[column] += truth[estimates.group][column] in metric.interval
    coverage = covered / (simulations * len(means))
    assert np.all((coverage >= 0.91) & (coverage <= 0.98)), coverage


def test_too_many_undefined_replicates_leave_the_metric_undefined() -> None:
    # Group "rare" has 3 positives: a Poisson replicate draws none with probability e^-3 (5%).
    rng = np.random.default_rng(8)
    labels = np.r_[np.ones(3, dtype=bool), np.zeros(30, dtype=bool), rng.random(300) < 0.3]
    scores = rng.random(labels.size)
    groups = np.array(["rare"] * 33 + ["common"] * 300)
    data = Data(labels, scores, groups, np.arange(labels.size))
    small = grouped_bootstrap(
        data.labels, data.scores, data.groups, threshold=THRESHOLD, seed=3, replicates=400, min_n=1
    )
    tiny = small.group("rare")
    assert 4 < tiny.undefined_replicates[0] < 40  # more than 1% of 400
    sensitivity = tiny.metric(MetricName.SENSITIVITY)
    assert isinstance(sensitivity, Undefined)
    assert sensitivity.reason is UndefinedReason.DEGENERATE_REPLICATES
    assert f"{tiny.undefined_replicates[0]} of 400" in sensitivity.detail
    assert "no positives drawn" in sensitivity.detail
    assert isinstance(tiny.metric(MetricName.SPECIFICITY), Metric)
    assert tiny.undefined_replicates[1] == 0
    # Allowing a larger share gives the interval over the defined replicates.
    lenient = grouped_bootstrap(
        data.labels,
        data.scores,
        data.groups,
        threshold=THRESHOLD,
        seed=3,
        replicates=400,
        min_n=1,
        max_undefined_share=0.5,
    )
    assert isinstance(lenient.group("rare").metric(MetricName.SENSITIVITY), Metric)
    assert lenient.group("rare").undefined_replicates == tiny.undefined_replicates
    # No NaN escapes: every cell is a number with an interval, or undefined with a reason.
    for estimates in (small.overall, *small.groups):
        for metric in estimates.metrics:
            if isinstance(metric, Metric):
                assert math.isfinite(metric.estimate)
                assert math.isfinite(metric.interval.lower)
                assert math.isfinite(metric.interval.upper)
            else:
                assert metric.detail


def test_the_minimum_denominator_applies_to_the_full_data() -> None:
    data = tied_data(400, seed=1)
    result = grouped_bootstrap(
        data.labels, data.scores, data.groups, threshold=THRESHOLD, seed=3, replicates=50
    )
    tiny = result.group("tiny")
    members = data.groups == "tiny"
    labels, called = data.labels[members], data.scores[members] >= THRESHOLD
    denominators = {
        MetricName.SENSITIVITY: int(labels.sum()),
        MetricName.SPECIFICITY: int((~labels).sum()),
        MetricName.PPV: int(called.sum()),
        MetricName.NPV: int((~called).sum()),
        MetricName.AUROC: min(int(labels.sum()), int((~labels).sum())),
    }
    assert min(denominators.values()) < 10 <= max(denominators.values())
    for name, n in denominators.items():
        metric = tiny.metric(name)
        if n >= 10:
            assert isinstance(metric, Metric)
        else:
            assert isinstance(metric, Undefined)
            assert metric.reason is (UndefinedReason.EMPTY if n == 0 else UndefinedReason.TOO_FEW)
            assert metric.n == n


def test_a_metric_undefined_in_every_replicate_says_so() -> None:
    labels = np.r_[np.ones(1, dtype=bool), np.zeros(30, dtype=bool)]
    scores = np.linspace(0.0, 1.0, labels.size)
    groups = np.zeros(labels.size, dtype=int)
    cases = GroupedCases.of(labels, scores, groups, threshold=THRESHOLD)
    # A seed whose single replicate gives the one positive no weight (probability e^-1).
    seed = next(s for s in range(100) if next(cases.replicate_weights(s, 1))[0] == 0)
    result = grouped_bootstrap(
        labels, scores, groups, threshold=THRESHOLD, seed=seed, replicates=1, min_n=1
    )
    sensitivity = result.group("0").metric(MetricName.SENSITIVITY)
    assert isinstance(sensitivity, Undefined)
    assert sensitivity.reason is UndefinedReason.NO_REPLICATES


def test_clusters_are_the_units() -> None:
    data = tied_data(200)
    result = grouped_bootstrap(
        data.labels,
        data.scores,
        data.groups,
        threshold=THRESHOLD,
        seed=0,
        ids=data.patients,
        replicates=10,
    )
    assert result.unit is ResamplingUnit.CLUSTER
    assert result.units == np.unique(data.patients).size


def test_progress_is_reported_after_each_replicate() -> None:
    data = tied_data(100)
    observer = RecordingObserver()
    grouped_bootstrap(
        data.labels,
        data.scores,
        data.groups,
        threshold=THRESHOLD,
        seed=0,
        replicates=7,
        observer=observer,
    )
    assert observer.reports == [(done, 7) for done in range(1, 8)]


def test_no_cases_give_undefined_metrics() -> None:
    empty = np.zeros(0)
    result = grouped_bootstrap(empty, empty, empty, threshold=THRESHOLD, seed=0, replicates=5)
    assert result.groups == ()
    assert all(
        isinstance(m, Undefined) and m.reason is UndefinedReason.EMPTY
        for m in result.overall.metrics
    )


def test_unknown_names_raise_key_errors() -> None:
    data = tied_data(100)
    result = grouped_bootstrap(
        data.labels, data.scores, data.groups, threshold=THRESHOLD, seed=0, replicates=5
    )
    with pytest.raises(KeyError):
        result.group("east")
    with pytest.raises(KeyError):
        result.overall.metric(MetricName.F1)


@pytest.mark.parametrize(
    ("settings", "argument"),
    [
        ({"seed": -1}, "seed"),
        ({"replicates": 0}, "replicates"),
        ({"max_undefined_share": 1.0}, "max_undefined_share"),
        ({"alpha": 0.0}, "alpha"),
        ({"min_n": 0}, "min_n"),
        ({"threshold": math.nan}, "threshold"),
        ({"ids": np.zeros(3)}, "ids"),
    ],
    ids=str,
)
def test_bad_settings_are_input_errors(settings: dict[str, object], argument: str) -> None:
    data = tied_data(50)
    arguments: dict[str, object] = {"threshold": THRESHOLD, "seed": 0, "replicates": 5}
    arguments |= settings
    with pytest.raises(EvaluationInputError) as caught:
        grouped_bootstrap(data.labels, data.scores, data.groups, **arguments)  # type: ignore[arg-type]
    assert caught.value.argument == argument


def test_groups_of_another_length_are_an_input_error() -> None:
    data = tied_data(50)
    with pytest.raises(EvaluationInputError) as caught:
        GroupedCases.of(data.labels, data.scores, data.groups[:-1], threshold=THRESHOLD)
    assert caught.value.argument == "groups"


@pytest.mark.parametrize(
    "weights",
    [np.full(50, 0.5), np.full(50, -1), np.ones(49), np.array(["1"] * 50), np.full(50, np.nan)],
    ids=["fractional", "negative", "short", "text", "missing"],
)
def test_statistics_need_whole_weights_per_case(weights: npt.NDArray[np.generic]) -> None:
    data = tied_data(50)
    cases = GroupedCases.of(data.labels, data.scores, data.groups, threshold=THRESHOLD)
    with pytest.raises(EvaluationInputError) as caught:
        cases.statistics(weights)
    assert caught.value.argument == "weights"


def test_large_weights_switch_to_wide_sums_and_stay_exact() -> None:
    # One weight of 14 million times 160 cases exceeds 2^31: the sums must be int64, not int32.
    data = tied_data()
    cases = GroupedCases.of(data.labels, data.scores, data.groups, threshold=THRESHOLD)
    weights = np.random.default_rng(9).integers(0, 3, data.labels.size)
    weights[np.flatnonzero(data.labels)[0]] = 14_000_000
    got = cases.statistics(weights.astype(np.float64))  # whole numbers as floats are fine
    rows = [np.ones(data.labels.size, dtype=bool)] + [data.groups == g for g in cases.groups]
    for row, members in enumerate(rows):
        expected = direct(data.labels[members], data.scores[members], weights[members])
        np.testing.assert_allclose(got[row], expected, rtol=1e-12, equal_nan=True)
        if not math.isnan(got[row, 4]):
            members_auroc = exact_auroc(
                data.labels[members], data.scores[members], weights[members]
            )
            assert got[row, 4] == float(members_auroc)
    with pytest.raises(EvaluationInputError, match="total weight"):
        cases.statistics(np.full(data.labels.size, 2**31 // 100))
