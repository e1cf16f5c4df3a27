"""Duplicate rows, and patients or feature rows shared between the splits.

Rows are compared through integer keys (`row_keys`): sorting, never comparing pairs, so the
cost is O(c n log n) for n rows and c columns, whatever the size of the table.

* **identical rows**: equal on every column;
* **identical except the id**: equal on every column but the patient id, with different ids
  (one patient entered twice, or two ids for one record);
* **near duplicates**: equal on every column but the id, the split and the time once each
  number is rounded to a grid of ``near_duplicate_resolution`` standard deviations of its
  column and text is compared without case or surrounding spaces, yet not identical. Like any
  grid method it misses pairs that straddle a grid line; it never reports rows further apart
  than one grid step per column;
* **patients across splits**: one id in more than one of train, validation and test;
* **feature rows across splits**: rows equal on every feature (all columns but id, split,
  time and label) in more than one split: the same patient under another id, or, when the
  features are few and coarse, a coincidence worth a look.

A patient in two splits makes test results optimistic (Kapoor and Narayanan 2023, Patterns
4(9):100804, "no train-test separation" and "duplicates"; AI Act Art 10(1), (3)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from techfile.datagov._finding import Finding, make_finding
from techfile.datagov._roles import Prepared, Split
from techfile.datagov._rules import FindingKind, Rules
from techfile.datagov._stats import distinct, row_keys
from techfile.datagov._table import Column, ColumnKind

__all__ = [
    "DuplicateSet",
    "Duplicates",
    "RowKeys",
    "SplitLeakage",
    "SplitPair",
    "duplicates",
    "row_keys_of",
    "split_leakage",
]

_EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class DuplicateSet:
    """Rows that are the same by one definition."""

    groups: int
    """Sets of two or more rows that are the same."""
    rows: int
    """Rows in those sets."""
    examples: tuple[tuple[int, ...], ...]
    """A few sets, as 1-based data row numbers."""


@dataclass(frozen=True, slots=True)
class Duplicates:
    """The duplicate checks."""

    identical: DuplicateSet
    """Rows equal on every column."""
    except_id: DuplicateSet | None
    """Rows equal on every column but the id, with different ids (None without --id)."""
    near: DuplicateSet
    """Rows equal after rounding, not identical (see the module docstring)."""
    compared: tuple[str, ...]
    """Columns the near-duplicate check compared."""


@dataclass(frozen=True, slots=True)
class SplitPair:
    """What two splits share."""

    first: str
    """One split."""
    second: str
    """The other."""
    patients: int
    """Ids in both (0 without --id)."""
    feature_rows: int
    """Distinct feature rows in both."""


@dataclass(frozen=True, slots=True)
class SplitLeakage:
    """Patients and feature rows in more than one split."""

    patients: int
    """Ids in more than one split (0 without --id)."""
    patient_examples: tuple[str, ...]
    """A few of those ids."""
    feature_rows: int
    """Distinct feature rows found in more than one split."""
    feature_examples: tuple[tuple[int, ...], ...]
    """A few, as 1-based row numbers."""
    pairs: tuple[SplitPair, ...]
    """Per pair of splits."""


def _sets(key: npt.NDArray[np.int64], among: npt.NDArray[np.bool_] | None = None) -> DuplicateSet:
    counts = np.bincount(key)
    repeated = counts[key] > 1
    if among is not None:
        repeated &= among
    rows = np.flatnonzero(repeated)
    keys, first = np.unique(key[rows], return_index=True)
    shown = keys[np.argsort(first)[:_EXAMPLES]]  # the sets met first, in row order
    examples = tuple(
        tuple(int(r) + 1 for r in np.flatnonzero(key == k)[:_EXAMPLES]) for k in shown.tolist()
    )
    return DuplicateSet(int(keys.size), int(rows.size), examples)


def _distinct_within(
    key: npt.NDArray[np.int64], other: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Rows whose ``key`` group holds more than one value of ``other``."""
    shifted = other - int(other.min(initial=0))
    width = int(shifted.max(initial=0)) + 1
    pairs = distinct(key * width + shifted)  # both below n: no overflow below 3e9 rows
    kinds = np.bincount(pairs // width, minlength=int(key.max(initial=0)) + 1)
    return np.asarray(kinds[key] > 1, dtype=np.bool_)


def _presence(key: npt.NDArray[np.int64], split: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """For each key, whether it has rows in each split (keys x splits), in O(n)."""
    size = int(key.max(initial=0)) + 1
    return np.column_stack(
        [np.bincount(key[split == i], minlength=size) > 0 for i in range(len(Split))]
    )


def _near_codes(column: Column, resolution: float) -> npt.NDArray[np.int64]:
    if column.numbers is not None:
        values = column.numbers
        spread = float(np.nanstd(values)) if (~column.missing).any() else 0.0
        if spread > 0.0:
            grid = np.round(np.where(column.missing, 0.0, values) / (resolution * spread))
            codes = np.full(values.shape, -1, dtype=np.int64)
            _, inverse = np.unique(grid[~column.missing], return_inverse=True)
            codes[~column.missing] = inverse.reshape(-1)
            return codes
        return column.codes
    folded = [level.strip().casefold() for level in column.levels]
    _, canonical = np.unique(np.array(folded, dtype=object), return_inverse=True)
    mapping = np.append(np.asarray(canonical, dtype=np.int64).reshape(-1), -1)
    return mapping[column.codes]  # -1 indexes the appended -1: missing stays missing


@dataclass(frozen=True, slots=True, eq=False)
class RowKeys:
    """Row keys shared by the duplicate and split checks, each computed once."""

    features: npt.NDArray[np.int64]
    """Equal for rows equal on every feature (not id, split, time or label)."""
    has_features: bool
    """Whether there is any feature column (else every row has the same empty features)."""
    content: npt.NDArray[np.int64]
    """Equal for rows equal on features and label."""
    except_id: npt.NDArray[np.int64]
    """Equal for rows equal on every column but the id."""
    identical: npt.NDArray[np.int64]
    """Equal for rows equal on every column."""


def row_keys_of(prepared: Prepared) -> RowKeys:
    """Compute the row keys, each extending the previous one by the remaining columns."""
    n = prepared.table.n_rows
    roles = prepared.roles
    features = [
        c.codes
        for c in prepared.features
        if c.kind is not ColumnKind.OTHER and c.name != roles.label
    ]
    feature_key = row_keys(features, n)
    label = [prepared.label.codes] if prepared.label is not None else []
    content = row_keys([feature_key, *label], n)
    table = prepared.table.columns
    rest = [table[name].codes for name in (roles.split, roles.time) if name is not None]
    except_id = row_keys([content, *rest], n)
    ident = [prepared.id.codes] if prepared.id is not None else []
    return RowKeys(
        feature_key, bool(features), content, except_id, row_keys([except_id, *ident], n)
    )


def duplicates(prepared: Prepared, keys: RowKeys, rules: Rules) -> tuple[Duplicates, list[Finding]]:
    """Identical, identical-but-for-the-id and near-duplicate rows."""
    n = prepared.table.n_rows
    roles = prepared.roles
    identical = _sets(keys.identical)
    except_id = None
    if prepared.id is not None:
        except_id = _sets(keys.except_id, _distinct_within(keys.except_id, prepared.id.codes))
    skipped = {roles.id, roles.split, roles.time}
    near_columns = [
        c
        for c in prepared.table.columns.values()
        if c.kind is not ColumnKind.OTHER and c.name not in skipped
    ]
    resolution = rules.thresholds.near_duplicate_resolution.value
    near_key = row_keys([_near_codes(c, resolution) for c in near_columns], n)
    near = _sets(near_key, _distinct_within(near_key, keys.content))
    found = Duplicates(identical, except_id, near, tuple(c.name for c in near_columns))
    checks = [
        (FindingKind.EXACT_DUPLICATES, identical, "rows identical on every column"),
        (FindingKind.NEAR_DUPLICATES, near, "rows equal after rounding but not identical"),
    ]
    if except_id is not None:
        what = f"rows identical except {roles.id}"
        checks.insert(1, (FindingKind.DUPLICATES_EXCEPT_ID, except_id, what))
    findings = [
        make_finding(
            rules,
            kind,
            "table",
            f"{found_set.rows} {what}, in {found_set.groups} set(s);"
            f" e.g. rows {_rows(found_set.examples)}",
        )
        for kind, found_set, what in checks
        if found_set.groups
    ]
    return found, findings


def _rows(examples: Sequence[tuple[int, ...]]) -> str:
    return "; ".join(", ".join(map(str, e)) for e in examples[:3])


def split_leakage(
    prepared: Prepared, keys: RowKeys, rules: Rules
) -> tuple[SplitLeakage | None, list[Finding]]:
    """Ids and feature rows that occur in more than one split (None without a split column)."""
    if prepared.split is None:
        return None, []
    split = prepared.split
    roles = prepared.roles
    present = prepared.splits_present()
    order = list(Split)
    features = _presence(keys.features, split)
    if not keys.has_features:
        features[:] = False
    shared_rows = features.sum(axis=1)[keys.features] > 1
    feature_examples = _sets(keys.features, shared_rows).examples
    shared_features = int((features.sum(axis=1) > 1).sum())
    patients, patient_examples = 0, tuple[str, ...]()
    ids = _presence(prepared.id.codes, split) if prepared.id is not None else None
    if prepared.id is not None and ids is not None:
        shared_ids = np.flatnonzero(ids.sum(axis=1) > 1)
        patients = int(shared_ids.size)
        patient_examples = tuple(prepared.id.text(int(c)) for c in shared_ids[:_EXAMPLES])
    pairs = tuple(
        SplitPair(
            first.value,
            second.value,
            int((ids[:, order.index(first)] & ids[:, order.index(second)]).sum())
            if ids is not None
            else 0,
            int((features[:, order.index(first)] & features[:, order.index(second)]).sum()),
        )
        for i, first in enumerate(present)
        for second in present[i + 1 :]
    )
    found = SplitLeakage(patients, patient_examples, shared_features, feature_examples, pairs)
    findings = []
    if patients:
        findings.append(
            make_finding(
                rules,
                FindingKind.PATIENT_ACROSS_SPLITS,
                f"{roles.id} across {roles.split}",
                f"{patients} patient id(s) in more than one split"
                f" ({_pair_text(pairs, 'patients')}); e.g. {', '.join(patient_examples)}",
            )
        )
    if shared_features:
        findings.append(
            make_finding(
                rules,
                FindingKind.FEATURES_ACROSS_SPLITS,
                f"features across {roles.split}",
                f"{shared_features} feature row(s) occur in more than one split"
                f" ({_pair_text(pairs, 'feature_rows')}); e.g. rows {_rows(feature_examples)}",
            )
        )
    return found, findings


def _pair_text(pairs: Sequence[SplitPair], attribute: str) -> str:
    shown = [
        f"{p.first}/{p.second}: {getattr(p, attribute)}" for p in pairs if getattr(p, attribute)
    ]
    return ", ".join(shown)
