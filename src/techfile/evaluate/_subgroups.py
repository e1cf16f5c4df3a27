"""Every metric overall, in each subgroup and in each intersection of subgroups.

AI Act Art 10(2)(f)-(g) and 15(1), Art 13(3)(b)(v) and Annex IV 2(g) and 3 ask how the device
performs for the persons and groups it will meet, not only on average; TRIPOD+AI (2024) and
STARD 2015 ask for subgroup estimates with their intervals. This module owns the cells of that
table (`Population`) and the groupings they come in (`Grouping`):

* each ``--group`` column on its own (one cell per level);
* with three or more group columns, each pair of columns;
* with two or more, the intersection of all of them (cells that occur in the data).

A missing group value is its own level, `MISSING_LEVEL`, so no case leaves the table. A metric
whose denominator is below ``min_n`` (`MIN_DENOMINATOR`) or empty is `Undefined` in that cell,
with its reason; a cell with one class has no AUROC, and says so.

Intervals are the closed forms of this package (Wilson, DeLong, Boyd, Wald), which assume that
cases are independent. With cluster ids (several cases per patient) that is false, so the
sensitivity, specificity, PPV, NPV and AUROC of every cell get percentile intervals from the
cluster bootstrap instead (`grouped_bootstrap`: every case of a drawn patient comes along); the
other metrics keep their closed-form interval, and the report notes it. A proportion of exactly
0 or 1 keeps its Wilson interval: every replicate would repeat it, and a percentile interval of
no width would claim a certainty the data do not give.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import numpy.typing as npt

from techfile.evaluate._auroc import auprc, auroc
from techfile.evaluate._confusion import ConfusionCounts, metrics_from_counts
from techfile.evaluate._grouped import GroupEstimates
from techfile.evaluate._metric import MetricName, MetricResult, Undefined
from techfile.evaluate._table import MISSING_LEVEL
from techfile.evaluate._threshold import calibration

__all__ = [
    "REPORTED_METRICS",
    "Cases",
    "Population",
    "cells_of",
    "groupings_of",
    "population",
    "with_bootstrap",
]

REPORTED_METRICS: Final = (
    MetricName.SENSITIVITY,
    MetricName.SPECIFICITY,
    MetricName.PPV,
    MetricName.NPV,
    MetricName.ACCURACY,
    MetricName.F1,
    MetricName.LR_POSITIVE,
    MetricName.LR_NEGATIVE,
    MetricName.PREVALENCE,
    MetricName.AUROC,
    MetricName.AUPRC,
    MetricName.CALIBRATION_SLOPE,
    MetricName.CALIBRATION_INTERCEPT,
)
"""The metrics of every cell, in table order: those of the binary decision (STARD 2015 item
24), then discrimination and calibration of the score (TRIPOD+AI items 12e and 23). A cell
reports the ones its inputs allow: the decision's metrics need a threshold or a prediction
column, AUROC and AUPRC a score, calibration a probability."""


@dataclass(frozen=True, slots=True, eq=False)
class Cases:
    """The checked arrays of an evaluation, ready to be cut into cells."""

    labels: npt.NDArray[np.bool_]
    """Reference standard per case."""
    decisions: npt.NDArray[np.bool_] | None
    """The device's binary decision per case (None: no threshold and no prediction)."""
    scores: npt.NDArray[np.float64] | None
    """Score per case (None: predictions only)."""
    probabilities: bool
    """Whether the scores are probabilities (calibration is assessed)."""
    ids: npt.NDArray[np.object_] | None
    """Cluster id per case, or None for independent cases."""


@dataclass(frozen=True, slots=True)
class Population:
    """A set of cases and every metric estimated on it: all cases, or one subgroup cell."""

    columns: tuple[str, ...]
    """The group columns that define it (empty for all cases)."""
    levels: tuple[str, ...]
    """Its value in each of those columns."""
    n: int
    """Cases in it."""
    positives: int
    """Cases with label 1 in it."""
    counts: ConfusionCounts | None
    """The confusion counts of the decision, when there is one."""
    metrics: tuple[MetricResult, ...]
    """The metrics computed, in the order of `REPORTED_METRICS`."""

    def __post_init__(self) -> None:
        if len(self.columns) != len(self.levels):
            raise ValueError(f"{self.columns} and {self.levels} must have the same length")

    @property
    def label(self) -> str:
        """For people: ``all cases`` or ``sex = female, age = 65+``."""
        if not self.columns:
            return "all cases"
        return ", ".join(f"{c} = {v}" for c, v in zip(self.columns, self.levels, strict=True))

    def metric(self, name: MetricName) -> MetricResult | None:
        """Return the result for a metric, or None if it was not computed for this evaluation."""
        for result in self.metrics:
            if result.name is name:
                return result
        return None


def groupings_of(columns: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Return the groupings to report: each column, each pair (3+ columns), all together (2+)."""
    found: list[tuple[str, ...]] = [(c,) for c in columns]
    if len(columns) > 2:  # noqa: PLR2004  # with two columns the pair is the intersection
        found += list(itertools.combinations(columns, 2))
    if len(columns) > 1:
        found.append(tuple(columns))
    return tuple(found)


def _level_key(level: str) -> tuple[bool, str]:
    return (level == MISSING_LEVEL, level)


def cells_of(
    groups: Mapping[str, npt.NDArray[np.object_]], columns: tuple[str, ...]
) -> tuple[tuple[tuple[str, ...], ...], npt.NDArray[np.intp]]:
    """Return the cells of a grouping that occur in the data, and each case's cell.

    Cells are sorted level by level, with `MISSING_LEVEL` last in each column.

    Returns:
        The levels of each cell, and for each case the index of its cell.
    """
    keys = list(zip(*(groups[c].tolist() for c in columns), strict=True))
    distinct = sorted(set(keys), key=lambda key: tuple(_level_key(v) for v in key))
    index = {key: i for i, key in enumerate(distinct)}
    codes = np.fromiter((index[k] for k in keys), dtype=np.intp, count=len(keys))
    return tuple(distinct), codes


def population(  # noqa: PLR0913  # a cell's cases and levels, then the settings keyword-only
    cases: Cases,
    mask: npt.NDArray[np.bool_] | None,
    columns: tuple[str, ...] = (),
    levels: tuple[str, ...] = (),
    *,
    alpha: float,
    min_n: int,
) -> Population:
    """Estimate every metric the inputs allow on the cases in ``mask`` (None: all cases).

    Raises:
        EvaluationInputError: Bad settings (alpha, min_n).
    """
    truth = cases.labels if mask is None else cases.labels[mask]
    found: dict[MetricName, MetricResult] = {}
    counts = None
    if cases.decisions is not None:
        said = cases.decisions if mask is None else cases.decisions[mask]
        tp = int(np.count_nonzero(truth & said))
        fp = int(np.count_nonzero(~truth & said))
        fn = int(np.count_nonzero(truth & ~said))
        counts = ConfusionCounts(tp=tp, fp=fp, fn=fn, tn=truth.size - tp - fp - fn)
        for result in metrics_from_counts(counts, alpha=alpha, min_n=min_n).results():
            found[result.name] = result
    if cases.scores is not None:
        scores = cases.scores if mask is None else cases.scores[mask]
        found[MetricName.AUROC] = auroc(truth, scores, alpha=alpha, min_n=min_n)
        found[MetricName.AUPRC] = auprc(truth, scores, alpha=alpha, min_n=min_n)
        if cases.probabilities:
            fit = calibration(truth, scores, alpha=alpha, min_n=min_n)
            found[MetricName.CALIBRATION_SLOPE] = fit.slope
            found[MetricName.CALIBRATION_INTERCEPT] = fit.intercept
    return Population(
        columns,
        levels,
        int(truth.size),
        int(np.count_nonzero(truth)),
        counts,
        tuple(found[name] for name in REPORTED_METRICS if name in found),
    )


def with_bootstrap(
    cell: Population,
    estimates: GroupEstimates,
    metrics: Sequence[MetricName],
) -> Population:
    """Replace the closed-form intervals of ``metrics`` by the bootstrap's.

    A metric the closed form leaves undefined stays undefined with its own reason (the
    bootstrap would only repeat it); a closed-form estimate whose bootstrap is undefined (too
    many degenerate replicates) becomes that `Undefined`.
    """
    replaced: list[MetricResult] = []
    for result in cell.metrics:
        if result.name not in metrics or isinstance(result, Undefined):
            replaced.append(result)
            continue
        booted = estimates.metric(result.name)
        if isinstance(booted, Undefined):
            replaced.append(booted)
        elif result.name is not MetricName.AUROC and result.estimate in {0.0, 1.0}:
            # Every replicate repeats a proportion of 0 or 1: the percentile interval would
            # have no width. The score interval keeps its coverage there (Newcombe 1998a).
            replaced.append(result)
        else:
            replaced.append(replace(result, interval=booted.interval))
    return replace(cell, metrics=tuple(replaced))
