"""The roles columns play in a profile (split, patient id, label, groups, time), checked.

Rules enforced, each a located `TableError` (exit 2) naming the row and column:

* every named column exists, and no column plays two roles (an excluded column plays none);
* the split column holds only ``train``, ``validation`` or ``test`` (case ignored; also
  ``training``, ``val``, ``valid``, ``dev``, ``testing``, ``holdout``), never a missing value;
* the patient id is never missing;
* the label is never missing and has at most ``max_label_levels`` classes;
* a group column is categorical or numeric with at most ``max_group_levels`` levels;
* the time column holds dates or timestamps, or ISO 8601 text (``2024-03-01``,
  ``2024-03-01T12:00:00``, with ``Z`` or an offset, ``2024-03``, ``2024``); missing times are
  allowed and left out of the analysis over time.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from techfile.datagov._rules import Thresholds
from techfile.datagov._table import Column, ColumnKind, Table, seconds
from techfile.errors import InputError

__all__ = ["ALL", "Prepared", "Roles", "Split", "prepare"]

ALL = "all"
"""The name of the scope that covers every row, beside the splits."""

_DATE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m",
    "%Y",
)


class Split(StrEnum):
    """The three datasets of AI Act Art 3(29)-(31)."""

    TRAIN = "train"
    VALIDATION = "validation"
    TEST = "test"


_SPLIT_NAMES = {
    "train": Split.TRAIN,
    "training": Split.TRAIN,
    "validation": Split.VALIDATION,
    "val": Split.VALIDATION,
    "valid": Split.VALIDATION,
    "dev": Split.VALIDATION,
    "test": Split.TEST,
    "testing": Split.TEST,
    "holdout": Split.TEST,
}


@dataclass(frozen=True, slots=True)
class Roles:
    """Which column plays which role (each optional)."""

    split: str | None = None
    """Training, validation or test membership of each row."""
    id: str | None = None
    """The patient (or subject) identifier."""
    label: str | None = None
    """The reference standard the model learns."""
    groups: tuple[str, ...] = ()
    """Subgroup attributes (sex, age band, site, ...)."""
    time: str | None = None
    """Date or time of each record."""
    excluded: tuple[str, ...] = ()
    """Columns that are not model inputs (e.g. the raw outcome the label was derived from):
    left out of the leakage screen and of the feature rows compared across splits."""

    def named(self) -> list[tuple[str, str]]:
        """Every (option, column) pair given."""
        pairs = [("--split", self.split), ("--id", self.id), ("--label", self.label)]
        pairs += [("--group", g) for g in self.groups] + [("--time", self.time)]
        pairs += [("--exclude", e) for e in self.excluded]
        return [(option, column) for option, column in pairs if column is not None]


@dataclass(frozen=True, slots=True, eq=False)
class Prepared:
    """A table with its roles checked and decoded."""

    table: Table
    """The table."""
    roles: Roles
    """The roles as given."""
    split: npt.NDArray[np.int64] | None
    """Per row, the index of its split in `Split` order (None without a split column)."""
    time: npt.NDArray[np.float64] | None
    """Per row, seconds since 1970 (NaN where missing); None without a time column."""
    label: Column | None
    """The label column."""
    id: Column | None
    """The patient id column."""
    groups: tuple[Column, ...]
    """The group columns, in the order given."""
    features: tuple[Column, ...]
    """Every column that plays no role other than group and is not excluded: what a model
    could learn from."""

    def scopes(self) -> list[tuple[str, npt.NDArray[np.bool_]]]:
        """The whole table (``all``) and each split present, as (name, row mask)."""
        found = [(ALL, np.ones(self.table.n_rows, dtype=np.bool_))]
        if self.split is not None:
            order = list(Split)
            found += [(s.value, self.split == order.index(s)) for s in self.splits_present()]
        return found

    def splits_present(self) -> tuple[Split, ...]:
        """The splits that have rows, in `Split` order."""
        if self.split is None:
            return ()
        counts = np.bincount(self.split, minlength=len(Split))
        return tuple(s for i, s in enumerate(Split) if counts[i])


def prepare(table: Table, roles: Roles, thresholds: Thresholds) -> Prepared:
    """Check the roles against the table and decode the split and time columns.

    Raises:
        InputError: A column plays two roles.
        TableError: A named column is missing or holds values its role does not allow.
    """
    named = roles.named()
    seen: dict[str, str] = {}
    for option, column in named:
        if column in seen:
            msg = f"column '{column}' is given to both {seen[column]} and {option}"
            raise InputError(msg)
        seen[column] = option
        _column(table, column, option)
    label = _label(table, roles.label, thresholds) if roles.label else None
    ident = _id(table, roles.id) if roles.id else None
    groups = tuple(_group(table, g, thresholds) for g in roles.groups)
    roles_taken = {roles.split, roles.id, roles.label, roles.time, *roles.excluded}
    return Prepared(
        table=table,
        roles=roles,
        split=_split(table, roles.split) if roles.split else None,
        time=_time(table, roles.time) if roles.time else None,
        label=label,
        id=ident,
        groups=groups,
        features=tuple(c for name, c in table.columns.items() if name not in roles_taken),
    )


def _column(table: Table, name: str, option: str) -> Column:
    column = table.columns.get(name)
    if column is None:
        close = difflib.get_close_matches(name, list(table.columns), n=1)
        hint = f"did you mean '{close[0]}'?" if close else None
        raise table.error(
            f"{option} names a column the table does not have",
            column=name,
            expected=f"one of {', '.join(table.columns)}",
            found=repr(name),
            hint=hint,
        )
    return column


def _first(mask: npt.NDArray[np.bool_]) -> int:
    return int(np.flatnonzero(mask)[0])


def _no_missing(table: Table, column: Column, what: str) -> None:
    if column.missing.any():
        count = int(column.missing.sum())
        raise table.error(
            f"{what} is missing in {count} row(s); the first is shown",
            row=_first(column.missing),
            column=column.name,
            expected="a value in every row",
            found="an empty field or NaN",
            hint=f"drop or complete the rows without {what}",
        )


def _label(table: Table, name: str, thresholds: Thresholds) -> Column:
    column = table.columns[name]
    if column.kind not in {ColumnKind.NUMERIC, ColumnKind.CATEGORICAL}:
        raise table.error(
            "the label must be a class", column=name, expected="text, 0/1 or class numbers",
            found=f"a {column.type_name} column",
        )  # fmt: skip
    _no_missing(table, column, "the label")
    limit = thresholds.count("max_label_levels")
    if column.n_levels > limit:
        raise table.error(
            "the label has too many distinct values to be a class",
            column=name,
            expected=f"at most {limit} classes",
            found=f"{column.n_levels} values",
            hint="give the class label, not a score or a measurement",
        )
    return column


def _id(table: Table, name: str) -> Column:
    column = table.columns[name]
    if column.kind is ColumnKind.OTHER:
        raise table.error(
            "the patient id must be text or a number", column=name, found=column.type_name
        )
    _no_missing(table, column, "the patient id")
    return column


def _group(table: Table, name: str, thresholds: Thresholds) -> Column:
    column = table.columns[name]
    limit = thresholds.count("max_group_levels")
    if column.kind not in {ColumnKind.NUMERIC, ColumnKind.CATEGORICAL}:
        raise table.error(
            "a group column must be categorical", column=name, found=f"a {column.type_name} column"
        )
    if column.n_levels > limit:
        raise table.error(
            "a group column has too many distinct values",
            column=name,
            expected=f"at most {limit} levels",
            found=f"{column.n_levels}",
            hint="bin it first (for example age into age bands)",
        )
    return column


def _split(table: Table, name: str) -> npt.NDArray[np.int64]:
    column = table.columns[name]
    _no_missing(table, column, "the split")
    order = list(Split)
    mapping = np.empty(column.n_levels, dtype=np.int64)
    for code, level in enumerate(column.levels):
        split = _SPLIT_NAMES.get(level.strip().lower())
        if split is None:
            raise table.error(
                "unknown split",
                row=_first(column.codes == code),
                column=name,
                expected="train, validation or test",
                found=repr(level),
                hint="also accepted: training, val, valid, dev, testing, holdout",
            )
        mapping[code] = order.index(split)
    return mapping[column.codes]


def _time(table: Table, name: str) -> npt.NDArray[np.float64]:
    column = table.columns[name]
    if column.kind is ColumnKind.TEMPORAL and column.numbers is not None:
        return column.numbers
    if column.kind is not ColumnKind.CATEGORICAL:
        raise table.error(
            "the time column must hold dates",
            column=name,
            expected="dates or ISO 8601 text such as 2024-03-01",
            found=f"a {column.type_name} column",
        )
    parsed = _parse_dates(list(column.levels))
    unparsed = np.isnan(parsed)
    if unparsed.any():
        code = _first(unparsed)
        raise table.error(
            "a value of the time column is not a date",
            row=_first(column.codes == code),
            column=name,
            expected="ISO 8601 such as 2024-03-01 or 2024-03-01T12:00:00",
            found=repr(column.levels[code]),
        )
    times = np.full(column.codes.shape, np.nan)
    present = column.codes >= 0
    times[present] = parsed[column.codes[present]]
    return times


def _parse_dates(texts: list[str]) -> npt.NDArray[np.float64]:
    """Seconds since 1970 for each text, NaN where no accepted format reads it."""
    values = pa.array([t.strip() for t in texts], type=pa.string())
    result = np.full(len(texts), np.nan)
    for fmt in _DATE_FORMATS:
        todo = np.isnan(result)
        if not todo.any():
            break
        parsed = pc.strptime(values, format=fmt, unit="s", error_is_null=True)
        found = seconds(pa.chunked_array([parsed]))
        result = np.where(todo & ~np.isnan(found), found, result)
    return result
