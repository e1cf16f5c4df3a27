"""Intervals on counts against statsmodels and against published worked examples."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.proportion import (  # type: ignore[import-untyped]  # no stubs published
    proportion_confint,
)

from techfile.errors import InputError
from techfile.evaluate import (
    Interval,
    IntervalMethod,
    ProportionMethod,
    clopper_pearson_interval,
    newcombe_interval,
    proportion_interval,
    wilson_interval,
)

COUNTS = [
    (0, 1),
    (1, 1),
    (0, 10),
    (1, 10),
    (5, 10),
    (10, 10),
    (0, 50),
    (17, 50),
    (50, 50),
    (1, 1000),
    (500, 1000),
    (999, 1000),
    (0, 100_000),
    (73_412, 100_000),
]
"""Successes and n: the edges 0 and n, small and large n."""
ALPHAS = [0.05, 0.1, 0.01]


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize(("successes", "n"), COUNTS, ids=[f"{x}of{n}" for x, n in COUNTS])
def test_wilson_matches_statsmodels(successes: int, n: int, alpha: float) -> None:
    expected = proportion_confint(successes, n, alpha=alpha, method="wilson")
    interval = wilson_interval(successes, n, alpha=alpha)
    assert interval.lower == pytest.approx(max(0.0, expected[0]), abs=1e-12)
    assert interval.upper == pytest.approx(min(1.0, expected[1]), abs=1e-12)
    assert interval.level == pytest.approx(1 - alpha)
    assert interval.method is IntervalMethod.WILSON


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize(("successes", "n"), COUNTS, ids=[f"{x}of{n}" for x, n in COUNTS])
def test_clopper_pearson_matches_statsmodels_beta(successes: int, n: int, alpha: float) -> None:
    expected = proportion_confint(successes, n, alpha=alpha, method="beta")
    interval = clopper_pearson_interval(successes, n, alpha=alpha)
    assert interval.lower == pytest.approx(expected[0], abs=1e-12)
    assert interval.upper == pytest.approx(expected[1], abs=1e-12)
    assert interval.method is IntervalMethod.CLOPPER_PEARSON


@pytest.mark.parametrize(("successes", "n"), COUNTS, ids=[f"{x}of{n}" for x, n in COUNTS])
def test_limits_are_exact_at_the_edges_and_contain_the_estimate(successes: int, n: int) -> None:
    for method in ProportionMethod:
        interval = proportion_interval(successes, n, method=method)
        assert 0.0 <= interval.lower <= successes / n <= interval.upper <= 1.0
        if successes == 0:
            assert interval.lower == 0.0
        if successes == n:
            assert interval.upper == 1.0


def test_clopper_pearson_is_wider_than_wilson() -> None:
    wilson, exact = wilson_interval(3, 20), clopper_pearson_interval(3, 20)
    assert exact.lower < wilson.lower
    assert exact.upper > wilson.upper


# Newcombe (1998), Stat Med 17:873-890, Table II, method 10 (score, no continuity correction),
# 95% limits to 4 decimals. Row (a) is the example the brief cites; every row here was
# recomputed by hand from Wilson limits. Table II row (c), 6/7 vs 2/7, is left out: our
# recollection of its printed limits could not be checked against the paper. The last row is
# from Fagerland, Lydersen and Laake (2017), "Statistical Analysis of Contingency Tables",
# ch. 4: Perondi et al. (2004), 7/34 vs 1/34, Newcombe hybrid score 0.0189 to 0.3404.
NEWCOMBE_TABLE_II = [
    pytest.param(56, 70, 48, 80, 0.0524, 0.3339, id="a-56of70-48of80"),
    pytest.param(9, 10, 3, 10, 0.1705, 0.8090, id="b-9of10-3of10"),
    pytest.param(5, 56, 0, 29, -0.0381, 0.1926, id="d-5of56-0of29"),
    pytest.param(0, 10, 0, 20, -0.1611, 0.2775, id="e-0of10-0of20"),
    pytest.param(0, 10, 0, 10, -0.2775, 0.2775, id="f-0of10-0of10"),
    pytest.param(10, 10, 0, 20, 0.6791, 1.0000, id="g-10of10-0of20"),
    pytest.param(10, 10, 0, 10, 0.6075, 1.0000, id="h-10of10-0of10"),
    pytest.param(7, 34, 1, 34, 0.0189, 0.3404, id="perondi-7of34-1of34"),
]


@pytest.mark.parametrize(
    ("successes1", "n1", "successes2", "n2", "lower", "upper"), NEWCOMBE_TABLE_II
)
def test_newcombe_matches_published_examples(
    successes1: int, n1: int, successes2: int, n2: int, lower: float, upper: float
) -> None:
    interval = newcombe_interval(successes1, n1, successes2, n2)
    assert round(interval.lower, 4) == pytest.approx(lower, abs=1e-9)
    assert round(interval.upper, 4) == pytest.approx(upper, abs=1e-9)
    assert interval.method is IntervalMethod.NEWCOMBE_HYBRID


def test_newcombe_is_antisymmetric() -> None:
    forward, backward = newcombe_interval(56, 70, 48, 80), newcombe_interval(48, 80, 56, 70)
    assert forward.lower == pytest.approx(-backward.upper)
    assert forward.upper == pytest.approx(-backward.lower)


@pytest.mark.parametrize(
    ("successes", "n", "alpha"),
    [
        pytest.param(-1, 10, 0.05, id="negative-successes"),
        pytest.param(11, 10, 0.05, id="successes-above-n"),
        pytest.param(0, 0, 0.05, id="no-cases"),
        pytest.param(1.5, 10, 0.05, id="fractional-successes"),
        pytest.param(True, 10, 0.05, id="boolean-successes"),
        pytest.param(1, 10, 0.0, id="alpha-zero"),
        pytest.param(1, 10, 1.0, id="alpha-one"),
        pytest.param(1, 10, math.nan, id="alpha-nan"),
    ],
)
def test_impossible_counts_or_alpha_are_input_errors(successes: int, n: int, alpha: float) -> None:
    for method in ProportionMethod:
        with pytest.raises(InputError):
            proportion_interval(successes, n, method=method, alpha=alpha)


def test_interval_refuses_reversed_or_nan_limits() -> None:
    with pytest.raises(ValueError, match="ordered"):
        Interval(0.6, 0.4, 0.95, IntervalMethod.WILSON)
    with pytest.raises(ValueError, match="ordered"):
        Interval(math.nan, 0.4, 0.95, IntervalMethod.WILSON)
    with pytest.raises(ValueError, match="level"):
        Interval(0.1, 0.4, 95.0, IntervalMethod.WILSON)
    assert 0.3 in Interval(0.1, 0.4, 0.95, IntervalMethod.WILSON)
