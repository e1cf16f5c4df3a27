"""The profile's statistics against independent implementations (statsmodels, scikit-learn)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]  # no type hints
from statsmodels.stats.proportion import (  # type: ignore[import-untyped]  # no type hints
    multinomial_proportions_confint,
    proportion_confint,
    proportions_chisquare,
)

from techfile.datagov import IntervalMethod, simultaneous_shares
from techfile.datagov._stats import HomogeneityTest, grouped_auroc, homogeneity_p, row_keys

counts_strategy = st.lists(st.integers(0, 400), min_size=3, max_size=8).filter(lambda c: sum(c) > 0)


@settings(max_examples=200, deadline=None)
@given(counts=counts_strategy, alpha=st.sampled_from([0.01, 0.05, 0.1]))
def test_more_than_two_levels_match_goodman_in_statsmodels(counts: list[int], alpha: float) -> None:
    shares, method = simultaneous_shares([str(i) for i in range(len(counts))], counts, alpha)
    expected = multinomial_proportions_confint(counts, alpha=alpha, method="goodman")
    assert method is IntervalMethod.GOODMAN
    got = np.array([[s.lower, s.upper] for s in shares])
    np.testing.assert_allclose(got, expected, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(first=st.integers(0, 500), second=st.integers(0, 500), alpha=st.sampled_from([0.01, 0.05]))
def test_two_complementary_levels_match_one_wilson_interval(
    first: int, second: int, alpha: float
) -> None:
    if first + second == 0:
        return
    shares, method = simultaneous_shares(["a", "b"], [first, second], alpha)
    assert method is IntervalMethod.WILSON
    n = first + second
    for share, count in zip(shares, (first, second), strict=True):
        lower, upper = proportion_confint(count, n, alpha=alpha, method="wilson")
        assert share.lower == pytest.approx(lower, abs=1e-9)
        assert share.upper == pytest.approx(upper, abs=1e-9)
    # complementary: one interval is the mirror of the other
    assert shares[0].lower == pytest.approx(1 - shares[1].upper, abs=1e-12)


def test_goodman_intervals_are_wider_than_single_wilson_intervals() -> None:
    counts = [50, 30, 20]
    shares, _ = simultaneous_shares(["a", "b", "c"], counts, 0.05)
    for share, count in zip(shares, counts, strict=True):
        lower, upper = proportion_confint(count, 100, alpha=0.05, method="wilson")
        assert share.lower < lower
        assert share.upper > upper


@settings(max_examples=100, deadline=None)
@given(
    labels=st.lists(st.booleans(), min_size=2, max_size=200),
    data=st.data(),
)
def test_grouped_auroc_matches_scikit_learn_with_ties(
    labels: list[bool], data: st.DataObject
) -> None:
    scores = data.draw(st.lists(st.integers(0, 5), min_size=len(labels), max_size=len(labels)))
    truth = np.array(labels)
    values = np.array(scores, dtype=np.float64)
    distinct, groups = np.unique(values, return_inverse=True)
    area = grouped_auroc(groups.astype(np.int64), truth, distinct)
    if truth.all() or not truth.any():
        assert area == 0.5
        return
    assert area == pytest.approx(roc_auc_score(truth, values), abs=1e-12)
    # groups sharing a score are ties too, wherever they are numbered
    doubled = np.concatenate([distinct, distinct])
    split = groups + distinct.size * (np.arange(groups.size) % 2)
    assert grouped_auroc(split.astype(np.int64), truth, doubled) == pytest.approx(area, abs=1e-12)


def test_homogeneity_uses_chi_square_with_enough_expected_counts() -> None:
    events, totals = [30, 45, 60], [200, 210, 190]
    result = homogeneity_p(events, totals, level=0.01)
    assert result is not None
    p, method = result
    assert method is HomogeneityTest.CHI_SQUARE
    _, expected, _ = proportions_chisquare(events, totals)
    assert p == pytest.approx(expected, rel=1e-9)


def test_homogeneity_is_simulated_with_small_expected_counts_and_agrees_roughly() -> None:
    events, totals = [0, 1, 6, 1], [40, 35, 38, 42]
    result = homogeneity_p(events, totals, level=0.01)
    assert result is not None
    p, method = result
    assert method is HomogeneityTest.MONTE_CARLO
    _, approximate, _ = proportions_chisquare(events, totals)
    assert 0 < p < 0.05
    assert p == pytest.approx(approximate, rel=1.0)  # same order as the asymptotic value
    assert homogeneity_p(events, totals, level=0.01) == result  # reproducible


def test_homogeneity_has_nothing_to_test_without_events_or_strata() -> None:
    assert homogeneity_p([0, 0], [10, 20], level=0.01) is None
    assert homogeneity_p([10, 20], [10, 20], level=0.01) is None
    assert homogeneity_p([3], [10], level=0.01) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 3), st.integers(-1, 3)), min_size=1, max_size=60))
def test_row_keys_are_equal_exactly_for_equal_rows(rows: list[tuple[int, int]]) -> None:
    a = np.array([r[0] for r in rows], dtype=np.int64)
    b = np.array([r[1] for r in rows], dtype=np.int64)
    keys = row_keys([a, b], len(rows))
    for i, first in enumerate(rows):
        for j, second in enumerate(rows):
            assert (keys[i] == keys[j]) == (first == second)
