"""Subgroup cells and fairness gaps against scikit-learn, statsmodels and hand counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]  # scikit-learn ships no type hints
from statsmodels.stats.proportion import (  # type: ignore[import-untyped]  # no stubs published
    proportion_confint,
)

from techfile.evaluate import (
    MISSING_LEVEL,
    Columns,
    EvaluationReport,
    Gap,
    IntervalMethod,
    Metric,
    MetricName,
    NoGap,
    Undefined,
    UndefinedReason,
    evaluate,
    newcombe_interval,
    read_table,
)
from techfile.evaluate._subgroups import groupings_of


def _write(tmp_path: Path, columns: Mapping[str, Sequence[object]]) -> Path:
    names = list(columns)
    rows = zip(*(columns[n] for n in names), strict=True)
    text = ",".join(names) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _cases(seed: int, n: int = 600) -> dict[str, list[object]]:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.4
    sex = rng.choice(["female", "male"], n)
    site = rng.choice(["a", "b", "c", ""], n, p=[0.45, 0.4, 0.13, 0.02])
    # Site b's model is worse: its scores carry less signal.
    signal = np.where(site == "b", 0.15, 0.45)
    p = np.clip(signal * y + rng.random(n) * (1 - signal), 0, 1).round(4)
    return {
        "y": y.astype(int).tolist(),
        "p": p.tolist(),
        "sex": sex.tolist(),
        "site": site.tolist(),
        "pid": (np.arange(n) // 2).tolist(),
    }


def _report(tmp_path: Path, seed: int = 3) -> EvaluationReport:
    path = _write(tmp_path, _cases(seed))
    columns = Columns("y", score="p", groups=("sex", "site"))
    return evaluate(read_table(path, columns), threshold=0.5, replicates=200)


def _mask(data: dict[str, list[object]], column: str, value: str) -> npt.NDArray[np.bool_]:
    return np.array([v == value for v in data[column]])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_cell_matches_sklearn_and_statsmodels(tmp_path: Path, seed: int) -> None:
    data = _cases(seed)
    report = evaluate(
        read_table(_write(tmp_path, data), Columns("y", score="p", groups=("sex", "site"))),
        threshold=0.5,
        replicates=100,
    )
    y = np.array(data["y"]) == 1
    p = np.array(data["p"], dtype=float)
    site = report.grouping(("site",))
    assert site is not None
    assert [c.levels for c in site.populations] == [("a",), ("b",), ("c",), (MISSING_LEVEL,)]
    for cell in site.populations:
        value = "" if cell.levels[0] == MISSING_LEVEL else cell.levels[0]
        mask = _mask(data, "site", value)
        assert cell.n == int(mask.sum())
        area = cell.metric(MetricName.AUROC)
        sensitivity = cell.metric(MetricName.SENSITIVITY)
        positives = int((y & mask).sum())
        if positives < 10 or int((~y & mask).sum()) < 10:
            assert isinstance(area, Undefined)
            continue
        assert isinstance(area, Metric)
        assert area.estimate == pytest.approx(roc_auc_score(y[mask], p[mask]), abs=1e-12)
        assert isinstance(sensitivity, Metric)
        found = int((y & mask & (p >= 0.5)).sum())
        assert sensitivity.estimate == pytest.approx(found / positives)
        low, high = proportion_confint(found, positives, alpha=0.05, method="wilson")
        assert sensitivity.interval.lower == pytest.approx(low, abs=1e-12)
        assert sensitivity.interval.upper == pytest.approx(high, abs=1e-12)


def test_intersections_cover_every_case_once(tmp_path: Path) -> None:
    report = _report(tmp_path)
    both = report.grouping(("sex", "site"))
    assert both is not None
    assert sum(c.n for c in both.populations) == report.overall.n
    assert len({c.levels for c in both.populations}) == len(both.populations)
    assert all(len(c.levels) == 2 for c in both.populations)


def test_groupings_add_pairs_only_from_three_columns() -> None:
    assert groupings_of(("a",)) == (("a",),)
    assert groupings_of(("a", "b")) == (("a",), ("b",), ("a", "b"))
    assert groupings_of(("a", "b", "c")) == (
        ("a",),
        ("b",),
        ("c",),
        ("a", "b"),
        ("a", "c"),
        ("b", "c"),
        ("a", "b", "c"),
    )


def test_a_small_cell_is_undefined_with_its_count(tmp_path: Path) -> None:
    report = _report(tmp_path)
    site = report.grouping(("site",))
    assert site is not None
    missing = site.population((MISSING_LEVEL,))
    assert missing is not None
    result = missing.metric(MetricName.SENSITIVITY)
    assert isinstance(result, Undefined)
    assert result.reason in {UndefinedReason.TOO_FEW, UndefinedReason.EMPTY}
    assert result.n == missing.positives


def test_a_single_class_group_has_no_auroc_or_sensitivity(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "y": [1, 0] * 20 + [0] * 15,
            "p": [0.8, 0.3] * 20 + [0.2] * 15,
            "g": ["mixed"] * 40 + ["healthy"] * 15,
        },
    )
    report = evaluate(read_table(path, Columns("y", score="p", groups=("g",))), threshold=0.5)
    grouping = report.grouping(("g",))
    assert grouping is not None
    healthy = grouping.population(("healthy",))
    assert healthy is not None
    for name in (MetricName.AUROC, MetricName.SENSITIVITY, MetricName.CALIBRATION_SLOPE):
        result = healthy.metric(name)
        assert isinstance(result, Undefined)
        assert result.reason is UndefinedReason.EMPTY
    specificity = healthy.metric(MetricName.SPECIFICITY)
    assert isinstance(specificity, Metric)
    assert specificity.estimate == 1.0


def test_proportion_gaps_use_newcombe_between_the_named_groups(tmp_path: Path) -> None:
    data = _cases(3)
    report = _report(tmp_path)
    site = report.grouping(("site",))
    assert site is not None
    gap = next(g for g in site.gaps if g.metric is MetricName.SENSITIVITY)
    assert isinstance(gap, Gap)
    y = np.array(data["y"]) == 1
    said = np.array(data["p"], dtype=float) >= 0.5
    rates = {}
    for level in ("a", "b", "c"):
        mask = _mask(data, "site", level)
        rates[level] = (int((y & said & mask).sum()), int((y & mask).sum()))
    high = max(rates, key=lambda k: rates[k][0] / rates[k][1])
    low = min(rates, key=lambda k: rates[k][0] / rates[k][1])
    assert gap.highest == (high,)
    assert gap.lowest == (low,)
    assert gap.compared == 3
    assert gap.without_estimate == ((MISSING_LEVEL,),)
    expected = newcombe_interval(*rates[high], *rates[low])
    assert gap.interval == expected
    assert gap.difference == pytest.approx(rates[high][0] / rates[high][1] - gap.lowest_estimate)
    assert gap.ratio == pytest.approx(gap.lowest_estimate / gap.highest_estimate)


def test_the_auroc_gap_is_bootstrapped_and_finds_the_weak_site(tmp_path: Path) -> None:
    report = _report(tmp_path)
    site = report.grouping(("site",))
    assert site is not None
    gap = next(g for g in site.gaps if g.metric is MetricName.AUROC)
    assert isinstance(gap, Gap)
    assert gap.lowest == ("b",)
    assert gap.interval is not None
    assert gap.interval.method is IntervalMethod.BOOTSTRAP_PERCENTILE
    assert 0 < gap.interval.lower < gap.difference < gap.interval.upper


def test_a_gap_needs_two_groups_with_an_estimate(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {"y": [1, 0] * 20 + [1] * 5, "p": [0.8, 0.3] * 20 + [0.9] * 5, "g": ["x"] * 40 + ["z"] * 5},
    )
    report = evaluate(read_table(path, Columns("y", score="p", groups=("g",))), threshold=0.5)
    grouping = report.grouping(("g",))
    assert grouping is not None
    gap = next(g for g in grouping.gaps if g.metric is MetricName.SENSITIVITY)
    assert isinstance(gap, NoGap)
    assert gap.compared == 1


def test_cluster_ids_give_every_cell_bootstrap_intervals(tmp_path: Path) -> None:
    data = _cases(3)
    path = _write(tmp_path, data)
    columns = Columns("y", score="p", groups=("sex",), id="pid")
    report = evaluate(read_table(path, columns), threshold=0.5, replicates=300, seed=7)
    grouping = report.grouping(("sex",))
    assert grouping is not None
    for cell in (report.overall, *grouping.populations):
        for name in (MetricName.SENSITIVITY, MetricName.AUROC):
            result = cell.metric(name)
            assert isinstance(result, Metric)
            assert result.interval.method is IntervalMethod.BOOTSTRAP_PERCENTILE
            assert result.interval.lower < result.estimate < result.interval.upper
        accuracy = cell.metric(MetricName.ACCURACY)
        assert isinstance(accuracy, Metric)
        assert accuracy.interval.method is IntervalMethod.WILSON
    again = evaluate(read_table(path, columns), threshold=0.5, replicates=300, seed=7)
    assert again == report  # the same seed gives the same intervals
    assert any("clustered" in note for note in report.notes)


def test_without_a_threshold_only_the_score_metrics_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, _cases(1))
    report = evaluate(read_table(path, Columns("y", score="p")))
    names = [m.name for m in report.overall.metrics]
    assert names == [
        MetricName.AUROC,
        MetricName.AUPRC,
        MetricName.CALIBRATION_SLOPE,
        MetricName.CALIBRATION_INTERCEPT,
    ]
    assert report.overall.counts is None
    assert any("No threshold" in note for note in report.notes)
