"""Missing values per column, per group level and over time, and shifts in them.

A column's missing share is reported with its Wilson interval. For each column with missing
values, the share is compared across the levels of each group column and across time periods
(month, quarter or year: the finest giving at most ``max_periods`` periods over the table's
span). A difference is a finding when both

* a test of homogeneity (Pearson's chi-square, or its Monte Carlo version when expected
  counts are below 5) rejects at ``shift_alpha``, Bonferroni-divided by the number of tests
  of that analysis (so many columns do not raise false alarms), and
* the spread of the share (highest minus lowest stratum) is at least ``missing_difference``,

counting only strata with enough rows (``min_subgroup_n`` for group levels, ``min_period_n``
for periods). Missing values concentrated in some groups bear on bias (AI Act Art 10(2)(f));
any missing value is a gap (Art 10(2)(h)) and bears on completeness (Art 10(3)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from techfile.datagov._finding import Finding, make_finding
from techfile.datagov._roles import Prepared
from techfile.datagov._rules import FindingKind, Rules
from techfile.datagov._stats import HomogeneityTest, homogeneity_p
from techfile.datagov._table import Column
from techfile.evaluate import wilson_interval

__all__ = [
    "ColumnMissing",
    "Missingness",
    "PeriodUnit",
    "Stratified",
    "Stratum",
    "missingness",
]


_TEST_NAMES = {HomogeneityTest.CHI_SQUARE: "chi-square", HomogeneityTest.MONTE_CARLO: "Monte Carlo"}


class PeriodUnit(StrEnum):
    """The length of the periods missingness is counted over."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class ColumnMissing:
    """Missing values of one column in the whole table."""

    column: str
    """The column."""
    missing: int
    """Rows without a value."""
    share: float
    """missing / rows."""
    lower: float
    """Lower limit of the 95% Wilson interval of the share."""
    upper: float
    """Upper limit."""


@dataclass(frozen=True, slots=True)
class Stratum:
    """Missing values of one column in one group level or period."""

    name: str
    """The level or period (``2024-03``, ``2024-Q1``, ``2024``)."""
    n: int
    """Rows in the stratum."""
    missing: int
    """Rows without a value."""
    tested: bool
    """Whether the stratum had enough rows to enter the test."""


@dataclass(frozen=True, slots=True)
class Stratified:
    """One column's missing values across the levels of a group column or across periods."""

    column: str
    """The column with missing values."""
    by: str
    """The group column, or ``time``."""
    strata: tuple[Stratum, ...]
    """Each level or period."""
    spread: float
    """Highest minus lowest missing share among the tested strata."""
    p_value: float | None
    """Test of homogeneity over the tested strata (None: not computable)."""
    method: HomogeneityTest | None
    """How the p-value was computed."""
    shifted: bool
    """Significant after the Bonferroni division and at least ``missing_difference`` wide."""


@dataclass(frozen=True, slots=True)
class Missingness:
    """Everything about missing values."""

    columns: tuple[ColumnMissing, ...]
    """Every column."""
    by_group: tuple[Stratified, ...]
    """Columns with missing values, per group column."""
    unit: PeriodUnit | None
    """Period length over time (None without a time column or dates)."""
    over_time: tuple[Stratified, ...]
    """Columns with missing values, per period."""
    undated: int
    """Rows without a time, left out of the analysis over time."""


def missingness(prepared: Prepared, rules: Rules) -> tuple[Missingness, list[Finding]]:
    """Count missing values and test for differences between groups and periods."""
    table = prepared.table
    n = table.n_rows
    columns = tuple(
        ColumnMissing(c.name, int(c.missing.sum()), float(c.missing.mean()), *_wilson(c, n))
        for c in table.columns.values()
    )
    gappy = [c for c in table.columns.values() if c.missing.any()]
    t = rules.thresholds
    findings: list[Finding] = []
    group_tasks = [
        (c, g.name, g.codes, g.levels) for g in prepared.groups for c in gappy if c.name != g.name
    ]
    by_group = _tested(group_tasks, t.count("min_subgroup_n"), rules)
    findings += [
        _finding(rules, FindingKind.MISSINGNESS_BY_GROUP, s) for s in by_group if s.shifted
    ]
    unit: PeriodUnit | None = None
    over_time: tuple[Stratified, ...] = ()
    undated = 0
    if prepared.time is not None:
        dated = ~np.isnan(prepared.time)
        undated = int((~dated).sum())
        if dated.any():
            unit, periods, names = _periods(prepared.time, dated, t.count("max_periods"))
            tasks = [(c, "time", periods, names) for c in gappy if c.name != prepared.roles.time]
            over_time = _tested(tasks, t.count("min_period_n"), rules)
            findings += [
                _finding(rules, FindingKind.MISSINGNESS_SHIFT, s) for s in over_time if s.shifted
            ]
    return Missingness(columns, by_group, unit, over_time, undated), findings


def _wilson(column: Column, n: int) -> tuple[float, float]:
    interval = wilson_interval(int(column.missing.sum()), n)
    return interval.lower, interval.upper


def _tested(
    tasks: Sequence[tuple[Column, str, npt.NDArray[np.int64], Sequence[str]]],
    fewest: int,
    rules: Rules,
) -> tuple[Stratified, ...]:
    """Stratify each column's missing values and test them, Bonferroni over the tasks."""
    t = rules.thresholds
    level = t.shift_alpha.value / max(len(tasks), 1)
    found = []
    for column, by, strata_codes, names in tasks:
        present = strata_codes >= 0
        k = len(names)
        totals = np.bincount(strata_codes[present], minlength=k)
        events = np.bincount(strata_codes[present & column.missing], minlength=k)
        strata = tuple(
            Stratum(names[i], int(totals[i]), int(events[i]), bool(totals[i] >= fewest))
            for i in range(k)
            if totals[i]
        )
        tested = [s for s in strata if s.tested]
        shares = [s.missing / s.n for s in tested]
        spread = max(shares) - min(shares) if shares else 0.0
        test = homogeneity_p([s.missing for s in tested], [s.n for s in tested], level=level)
        p, method = test if test is not None else (None, None)
        shifted = p is not None and p < level and spread >= t.missing_difference.value
        found.append(Stratified(column.name, by, strata, spread, p, method, shifted))
    return tuple(found)


def _finding(rules: Rules, kind: FindingKind, s: Stratified) -> Finding:
    tested = [x for x in s.strata if x.tested]
    low = min(tested, key=lambda x: x.missing / x.n)
    high = max(tested, key=lambda x: x.missing / x.n)
    where = "over time" if s.by == "time" else f"across {s.by}"
    return make_finding(
        rules,
        kind,
        f"{s.column} {where}",
        f"missing in {low.missing / low.n:.1%} of {low.name} ({low.n} rows) but"
        f" {high.missing / high.n:.1%} of {high.name} ({high.n} rows);"
        f" {_TEST_NAMES[s.method] if s.method else 'test'} p = {s.p_value:.2g}",
    )


def _periods(
    times: npt.NDArray[np.float64], dated: npt.NDArray[np.bool_], max_periods: int
) -> tuple[PeriodUnit, npt.NDArray[np.int64], list[str]]:
    """Each row's period (-1 if undated), the unit chosen and the periods' names."""
    months = np.full(times.shape, -1, dtype=np.int64)
    stamps = times[dated].astype(np.int64).astype("datetime64[s]")
    months[dated] = stamps.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    first, last = int(months[dated].min()), int(months[dated].max())
    if last - first + 1 <= max_periods:
        unit, index = PeriodUnit.MONTH, months
    elif last // 3 - first // 3 + 1 <= max_periods:
        unit, index = PeriodUnit.QUARTER, np.where(dated, months // 3, -1)
    else:
        unit, index = PeriodUnit.YEAR, np.where(dated, months // 12, -1)
    used = np.unique(index[dated])
    codes = np.full(times.shape, -1, dtype=np.int64)
    codes[dated] = np.searchsorted(used, index[dated])
    return unit, codes, [_period_name(unit, int(p)) for p in used]


def _period_name(unit: PeriodUnit, value: int) -> str:
    match unit:
        case PeriodUnit.MONTH:
            return f"{1970 + value // 12}-{value % 12 + 1:02d}"
        case PeriodUnit.QUARTER:
            return f"{1970 + value // 4}-Q{value % 4 + 1}"
        case PeriodUnit.YEAR:
            return f"{1970 + value}"
