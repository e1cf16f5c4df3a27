"""The target-leakage screen: columns that give the label away.

Every feature column (not the id, split, time or label) is screened against every label
class with at least ``min_class_n`` cases in and out of it (one class versus the rest; with
two classes, once):

* **values**: the AUROC of the column alone, on the rows where it has a value. Numbers are
  their own score; for a categorical column the score of a row is the share of the class
  among the rows with the same value, after pooling values with fewer than ``min_level_n``
  rows into one (so a column of unique values cannot look predictive by being unique), which
  measures how nearly pure its levels are;
* **missingness**: the AUROC of "the value is missing" as the score, over all rows;
* **filled for one class only**: the column has values in at least ``min_level_n`` rows, all
  of one class, while other classes have rows too.

The AUROC is taken two-sided, max(A, 1 - A), so a column that predicts the other way is
caught too; at or above ``leakage_auroc`` the column is a finding. This is a screen (Kaufman
et al. 2012, ACM TKDD 6(4):15): a flagged column may be a legitimate strong predictor, and
the finding asks for a reason, not for its removal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from techfile.datagov._finding import Finding, make_finding
from techfile.datagov._roles import Prepared
from techfile.datagov._rules import FindingKind, Rules
from techfile.datagov._stats import grouped_auroc
from techfile.datagov._table import Column, ColumnKind

__all__ = ["LeakageScore", "Signal", "target_leakage"]


class Signal(StrEnum):
    """What of a column was scored."""

    VALUES = "values"
    """Its values."""
    MISSINGNESS = "missingness"
    """Whether it is missing."""
    FILLED_FOR_ONE_CLASS = "filled_for_one_class"
    """It has values only in rows of one class."""


@dataclass(frozen=True, slots=True)
class LeakageScore:
    """How well one column, on its own, separates one label class from the rest."""

    column: str
    """The column."""
    signal: Signal
    """What was scored."""
    label_class: str
    """The class it separates best."""
    auroc: float
    """Two-sided AUROC, max(A, 1 - A); 1.0 for filled-for-one-class."""
    n: int
    """Rows scored."""
    flagged: bool
    """At or above the threshold (always, for filled-for-one-class)."""


def _classes(label: Column, fewest: int) -> list[int]:
    counts = np.bincount(label.codes, minlength=label.n_levels)
    usable = [i for i, c in enumerate(counts) if c >= fewest and label.codes.size - c >= fewest]
    return usable[-1:] if label.n_levels == 2 else usable  # noqa: PLR2004  # one vs the other


def _two_sided(area: float) -> float:
    return max(area, 1.0 - area)


def _column_scores(
    column: Column, label: Column, classes: list[int], limit: float, pool: int
) -> list[LeakageScore]:
    """The values, missingness and filled-for-one-class screens of one column."""
    found: list[LeakageScore] = []
    rows = ~column.missing
    filled = int(rows.sum())
    if filled >= pool:
        best = (0.0, "")
        for c in classes:
            positive = label.codes == c
            if column.numbers is not None:  # the distinct values, in order, are the scores
                area = grouped_auroc(
                    column.codes[rows], positive[rows], np.arange(column.n_levels, dtype=float)
                )
            else:
                area = grouped_auroc(*_pooled(column, positive, rows, pool))
            best = max(best, (_two_sided(area), label.text(c)))
        found.append(
            LeakageScore(column.name, Signal.VALUES, best[1], best[0], filled, best[0] >= limit)
        )
    if column.missing.any() and filled:
        best = (0.0, "")
        gaps = column.missing.astype(np.int64)
        for c in classes:
            area = grouped_auroc(gaps, label.codes == c, np.array([0.0, 1.0]))
            best = max(best, (_two_sided(area), label.text(c)))
        found.append(
            LeakageScore(
                column.name, Signal.MISSINGNESS, best[1], best[0], gaps.size, best[0] >= limit
            )
        )
        only = np.unique(label.codes[rows])
        if filled >= pool and only.size == 1 and np.unique(label.codes).size > 1:
            found.append(
                LeakageScore(
                    column.name,
                    Signal.FILLED_FOR_ONE_CLASS,
                    label.text(int(only[0])),
                    1.0,
                    filled,
                    flagged=True,
                )
            )
    return found


def _pooled(
    column: Column, positive: npt.NDArray[np.bool_], rows: npt.NDArray[np.bool_], pool: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Each row's level (rare levels pooled), its class, and each level's share of the class."""
    codes = column.codes[rows]
    counts = np.bincount(codes, minlength=column.n_levels)
    pooled = np.where(counts[codes] >= pool, codes, column.n_levels)
    totals = np.bincount(pooled, minlength=column.n_levels + 1)
    hits = np.bincount(pooled[positive[rows]], minlength=column.n_levels + 1)
    return pooled, positive[rows], hits / np.maximum(totals, 1)


def target_leakage(
    prepared: Prepared, rules: Rules
) -> tuple[tuple[LeakageScore, ...], list[Finding]]:
    """Screen every feature column for leakage of the label (empty without a label)."""
    label = prepared.label
    if label is None:
        return (), []
    t = rules.thresholds
    classes = _classes(label, t.count("min_class_n"))
    if not classes:
        return (), []
    limit, pool = t.leakage_auroc.value, t.count("min_level_n")
    found = [
        score
        for column in prepared.features
        if column.kind is not ColumnKind.OTHER
        for score in _column_scores(column, label, classes, limit, pool)
    ]
    return tuple(found), [_finding(rules, s, label.name, limit) for s in found if s.flagged]


def _finding(rules: Rules, score: LeakageScore, label: str, limit: float) -> Finding:
    match score.signal:
        case Signal.VALUES:
            kind = FindingKind.TARGET_LEAKAGE
            text = (
                f"on its own it separates {label}={score.label_class} from the rest with"
                f" AUROC {score.auroc:.3f} (>= {limit:g}) over {score.n} rows"
            )
        case Signal.MISSINGNESS:
            kind = FindingKind.MISSINGNESS_LEAKAGE
            text = (
                f"whether it is missing separates {label}={score.label_class} from the rest"
                f" with AUROC {score.auroc:.3f} (>= {limit:g})"
            )
        case Signal.FILLED_FOR_ONE_CLASS:
            kind = FindingKind.MISSINGNESS_LEAKAGE
            text = f"it has values in {score.n} rows, all of them {label}={score.label_class}"
    return make_finding(rules, kind, score.column, text)
