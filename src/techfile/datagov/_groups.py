"""Who is in the data: rows per group, representation against the reference, label balance.

For every group column and every scope (the whole table and each split):

* the share of each level with Goodman simultaneous intervals (see `_stats`), compared with
  the declared reference population: a level whose reference share lies above the interval
  is under-represented (AI Act Art 10(3)-(4)); a level the reference does not name is
  reported, since its representativeness cannot be judged;
* levels with fewer than ``min_subgroup_n`` rows, including levels of the table that a split
  lacks (Art 10(2)(e), (h));
* the share of each label class per level, with simultaneous intervals over the classes,
  Pearson's chi-square test of independence of label and group (information, not a finding),
  and levels with fewer than ``min_class_n`` cases of a class.

Level names are matched to the reference ignoring case and surrounding spaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats

from techfile.datagov._finding import Finding, make_finding
from techfile.datagov._roles import ALL, Prepared
from techfile.datagov._rules import FindingKind, Rules
from techfile.datagov._stats import IntervalMethod, Share, simultaneous_shares
from techfile.datagov._table import Column
from techfile.project import ReferencePopulation

__all__ = [
    "BalanceRow",
    "GroupBalance",
    "LevelShare",
    "Representation",
    "Standing",
    "label_balance",
    "representation",
]

_LISTED = 5


class Standing(StrEnum):
    """A level's share compared with its reference share."""

    BELOW = "below"
    """The reference share lies above the interval: under-represented."""
    WITHIN = "within"
    """The reference share lies inside the interval."""
    ABOVE = "above"
    """The reference share lies below the interval: over-represented."""
    NOT_IN_REFERENCE = "not_in_reference"
    """The reference population does not name this level."""
    NO_REFERENCE = "no_reference"
    """No reference population is declared for the column."""


@dataclass(frozen=True, slots=True)
class LevelShare:
    """One level of a group column in one scope."""

    share: Share
    """Count, share and simultaneous interval."""
    reference: float | None
    """The declared share of the intended population, if any."""
    standing: Standing
    """How the share compares with it."""


@dataclass(frozen=True, slots=True)
class Representation:
    """A group column's make-up in one scope."""

    column: str
    """The group column."""
    scope: str
    """``all`` or a split."""
    n: int
    """Rows with a value in the column."""
    missing: int
    """Rows without one."""
    confidence: float
    """Family-wise confidence level of the intervals (1 - alpha)."""
    method: IntervalMethod
    """How the intervals were made."""
    levels: tuple[LevelShare, ...]
    """Every level of the table and of the reference, sorted."""
    reference_source: str | None
    """Where the reference shares come from (None: no reference for this column)."""


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """The label classes within one group level (or the whole scope)."""

    level: str
    """The group level, or ``all``."""
    n: int
    """Rows."""
    classes: tuple[Share, ...]
    """Each class's count and share, with intervals simultaneous over the classes."""


@dataclass(frozen=True, slots=True)
class GroupBalance:
    """Label balance across the levels of one group column (or overall) in one scope."""

    column: str | None
    """The group column; None for the scope as a whole."""
    scope: str
    """``all`` or a split."""
    method: IntervalMethod
    """How the intervals were made."""
    rows: tuple[BalanceRow, ...]
    """One row per level with data."""
    p_value: float | None
    """Pearson chi-square test of independence of label and group (None: not computable)."""


def _counts(column: Column, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    codes = column.codes[mask]
    return np.bincount(codes[codes >= 0], minlength=column.n_levels).astype(np.int64)


def _key(text: str) -> str:
    return text.strip().casefold()


def _reference_for(column: str, reference: ReferencePopulation | None) -> dict[str, float] | None:
    if reference is None:
        return None
    for attribute, shares in reference.shares.items():
        if _key(attribute) == _key(column):
            return dict(shares)
    return None


def representation(
    prepared: Prepared, reference: ReferencePopulation | None, rules: Rules
) -> tuple[tuple[Representation, ...], list[Finding]]:
    """Each group column's levels per scope, against the reference where one is declared."""
    alpha = rules.thresholds.alpha.value
    smallest = rules.thresholds.count("min_subgroup_n")
    found: list[Representation] = []
    findings: list[Finding] = []
    for column in prepared.groups:
        declared = _reference_for(column.name, reference)
        by_key = {_key(level): level for level in column.levels}
        extra = sorted(
            level for k, level in ((_key(r), r) for r in declared or {}) if k not in by_key
        )
        names = list(column.levels) + extra
        for scope, mask in prepared.scopes():
            counts = list(_counts(column, mask)) + [0] * len(extra)
            n = int(sum(counts))
            if n == 0:
                continue
            shares, method = simultaneous_shares(names, counts, alpha)
            levels = tuple(_standing(s, declared) for s in shares)
            source = reference.source if declared is not None and reference else None
            found.append(
                Representation(
                    column.name, scope, n, int(mask.sum()) - n, 1 - alpha, method, levels, source
                )
            )
            findings += _representation_findings(column.name, scope, found[-1], rules)
            small = [
                f"{s.level} ({s.count})" for s in shares[: column.n_levels] if s.count < smallest
            ]
            if small:
                findings.append(
                    make_finding(
                        rules,
                        FindingKind.SMALL_SUBGROUP,
                        f"{column.name} ({scope})",
                        f"fewer than {smallest} rows in {_listed(small)}",
                    )
                )
    return tuple(found), findings


def _standing(share: Share, declared: dict[str, float] | None) -> LevelShare:
    if declared is None:
        return LevelShare(share, None, Standing.NO_REFERENCE)
    wanted = next((v for k, v in declared.items() if _key(k) == _key(share.level)), None)
    if wanted is None:
        return LevelShare(share, None, Standing.NOT_IN_REFERENCE)
    if wanted > share.upper:
        return LevelShare(share, wanted, Standing.BELOW)
    if wanted < share.lower:
        return LevelShare(share, wanted, Standing.ABOVE)
    return LevelShare(share, wanted, Standing.WITHIN)


def _representation_findings(
    column: str, scope: str, found: Representation, rules: Rules
) -> list[Finding]:
    findings = []
    for level in found.levels:
        s = level.share
        if level.standing is Standing.BELOW and level.reference is not None:
            findings.append(
                make_finding(
                    rules,
                    FindingKind.UNDER_REPRESENTED,
                    f"{column}={s.level} ({scope})",
                    f"{s.share:.1%} of {found.n} rows (simultaneous {found.confidence:.0%}"
                    f" interval {s.lower:.1%}-{s.upper:.1%}, {found.method}) against"
                    f" {level.reference:.1%} in the reference population"
                    f" ({found.reference_source})",
                )
            )
        elif level.standing is Standing.NOT_IN_REFERENCE and scope == ALL:
            findings.append(
                make_finding(
                    rules,
                    FindingKind.UNREFERENCED_LEVEL,
                    f"{column}={s.level}",
                    f"{s.count} rows have a level the reference population does not name;"
                    " their representativeness cannot be judged",
                )
            )
    return findings


def label_balance(
    prepared: Prepared, rules: Rules
) -> tuple[tuple[GroupBalance, ...], list[Finding]]:
    """The label's classes overall and per group level, in every scope."""
    label = prepared.label
    if label is None:
        return (), []
    alpha = rules.thresholds.alpha.value
    fewest = rules.thresholds.count("min_class_n")
    found: list[GroupBalance] = []
    findings: list[Finding] = []
    for scope, mask in prepared.scopes():
        for column in (None, *prepared.groups):
            table = _contingency(column, label, mask)
            rows = []
            method = IntervalMethod.WILSON
            for level, counts in table:
                shares, method = simultaneous_shares(label.levels, list(counts), alpha)
                rows.append(BalanceRow(level, int(counts.sum()), shares))
            matrix = np.array([counts for _, counts in table])
            found.append(
                GroupBalance(
                    column.name if column else None,
                    scope,
                    method,
                    tuple(rows),
                    _independence(matrix),
                )
            )
            short = [
                f"{row.level}: class {c.level} has {c.count}"
                for row in rows
                for c in row.classes
                if c.count < fewest
            ]
            if short and label.n_levels > 1:
                where = f"{column.name} ({scope})" if column else f"label {label.name} ({scope})"
                findings.append(
                    make_finding(
                        rules,
                        FindingKind.FEW_LABEL_CASES,
                        where,
                        f"fewer than {fewest} cases of a class in {_listed(short)}",
                    )
                )
    return tuple(found), findings


def _contingency(
    column: Column | None, label: Column, mask: npt.NDArray[np.bool_]
) -> list[tuple[str, npt.NDArray[np.int64]]]:
    k = label.n_levels
    if column is None:
        return [(ALL, np.bincount(label.codes[mask], minlength=k).astype(np.int64))]
    present = mask & (column.codes >= 0)
    cells = column.codes[present] * k + label.codes[present]
    matrix = np.bincount(cells, minlength=column.n_levels * k).reshape(column.n_levels, k)
    return [(lvl, matrix[i]) for i, lvl in enumerate(column.levels) if matrix[i].sum() > 0]


def _independence(matrix: npt.NDArray[np.int64]) -> float | None:
    if matrix.ndim != 2 or matrix.shape[0] < 2:  # noqa: PLR2004  # a two-way table
        return None
    kept = matrix[:, matrix.sum(axis=0) > 0]
    if kept.shape[1] < 2:  # noqa: PLR2004  # two classes at least
        return None
    return float(stats.chi2_contingency(kept, correction=False).pvalue)


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - _LISTED} more" if len(items) > _LISTED else ""
    return ", ".join(items[:_LISTED]) + more
