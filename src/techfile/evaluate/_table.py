"""Reading the cases of an evaluation from a CSV or Parquet table, with located errors.

One row is one case. The columns play roles (`Columns`): the reference-standard label, the
model's score and/or the device's binary prediction, optionally a patient or cluster id and
any number of subgroup columns. The file is read into memory once and its SHA-256 taken of
exactly the bytes pyarrow parses, so a report or evidence record names the data it rests on.

Rules enforced (`EvaluationTableError`, exit 2), each naming the file, the line (CSV) or row
(Parquet), the column, what was expected and what was found:

* the file exists, has a known format (``.csv``, ``.tsv``, ``.parquet``) and is not empty;
  it has at least one data row; each column named by a role exists (with "did you mean");
* labels are binary: 0/1 or true/false, or two values of which ``positive`` names one;
* scores are finite numbers and, unless ``score_kind`` is ``any``, probabilities in [0, 1];
* predictions are binary like labels;
* no label, score, prediction or id is missing: a case without them is never dropped
  silently, since which cases were excluded is part of the evidence (STARD 2015 item 16,
  handling of missing and indeterminate results);
* a missing subgroup value is kept as its own level, `MISSING_LEVEL`.

CSV: the first line is the header; empty fields and pyarrow's usual null spellings (``NA``,
``NaN``, ``null``, ...) are missing, as in ``techfile datagov``, so the two reports agree.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from techfile._tables import TableFormat, open_table
from techfile.errors import Location
from techfile.evaluate._values import (
    Locator,
    ScoreKind,
    binary_column,
    score_column,
    text_column,
)
from techfile.evaluate.errors import EvaluationInputError, EvaluationTableError

__all__ = [
    "MISSING_LEVEL",
    "Columns",
    "EvaluationTable",
    "ScoreKind",
    "TableFormat",
    "read_table",
]

MISSING_LEVEL: Final = "(missing)"
"""The subgroup level of a case whose group value is missing: reported, never dropped."""


@dataclass(frozen=True, slots=True)
class Columns:
    """The role each column of the table plays."""

    label: str
    """The reference standard: 1 (or the ``positive`` value) when the condition is present."""
    score: str | None = None
    """The model's continuous output, if any."""
    prediction: str | None = None
    """The device's binary output, if it is given rather than derived from a threshold."""
    id: str | None = None
    """Patient or cluster id: cases with the same id are resampled together."""
    groups: tuple[str, ...] = ()
    """Subgroup columns (sex, age band, site, scanner)."""
    positive: str | None = None
    """The label value of the positive class, when labels are not 0/1 or true/false."""
    score_kind: ScoreKind = ScoreKind.PROBABILITY
    """Whether scores must be probabilities."""

    def __post_init__(self) -> None:
        if self.score is None and self.prediction is None:
            raise EvaluationInputError(
                "columns", "a score or a prediction column is needed", found="neither"
            )
        roles = [c for c in (self.label, self.score, self.prediction) if c is not None]
        if len(set(roles)) != len(roles):
            raise EvaluationInputError(
                "columns",
                "the label, score and prediction must be different columns",
                found=", ".join(repr(c) for c in roles),
            )
        if len(set(self.groups)) != len(self.groups):
            raise EvaluationInputError(
                "groups", "each group column may be named once", found=", ".join(self.groups)
            )

    def needed(self) -> tuple[str, ...]:
        """Every column named by a role, once each, in role order."""
        named = (self.label, self.score, self.prediction, self.id, *self.groups)
        return tuple(dict.fromkeys(c for c in named if c is not None))


@dataclass(frozen=True, slots=True, eq=False)
class EvaluationTable:
    """The checked cases of an evaluation, one entry per row of the table."""

    path: Path
    """The file read."""
    format: TableFormat
    """CSV or Parquet."""
    sha256: str
    """SHA-256 of the file's bytes."""
    columns: Columns
    """The roles of the columns."""
    labels: npt.NDArray[np.bool_]
    """Reference standard per case (True: positive)."""
    scores: npt.NDArray[np.float64] | None
    """Score per case, if a score column was named."""
    predictions: npt.NDArray[np.bool_] | None
    """Binary prediction per case, if a prediction column was named."""
    ids: npt.NDArray[np.object_] | None
    """Cluster id per case as text, if an id column was named."""
    groups: Mapping[str, npt.NDArray[np.object_]] = field(default_factory=dict)
    """Per group column, the level of each case as text (`MISSING_LEVEL` where missing)."""
    positive_label: str = "1"
    """The label value counted as positive, as written in the table."""

    @property
    def rows(self) -> int:
        """Number of cases."""
        return int(self.labels.size)


def read_table(path: Path, columns: Columns, data: bytes | None = None) -> EvaluationTable:
    """Read and check the cases of an evaluation.

    Args:
        path: A ``.csv``, ``.tsv`` or ``.parquet`` file.
        columns: The roles of its columns.
        data: The file's bytes, if already read (a collector that pinned them passes them).

    Returns:
        The checked cases.

    Raises:
        EvaluationTableError: The file, a column or a value is bad (located).
    """
    file = open_table(path, data, EvaluationTableError)
    fmt, data = file.format, file.data
    locator = Locator(path, fmt, data)
    if fmt is TableFormat.PARQUET:
        arrow = _parquet(path, data, columns)
    else:
        arrow = _csv(path, data, columns, file.delimiter)
    if arrow.num_rows == 0:
        line = 2 if fmt is TableFormat.CSV else None
        raise EvaluationTableError(
            Location(path, line), "the table has no data rows", expected="at least one case"
        )
    labels, positive = binary_column(locator, arrow, columns.label, columns.positive, "label")
    scores = (
        None
        if columns.score is None
        else score_column(locator, arrow, columns.score, columns.score_kind)
    )
    predictions = None
    if columns.prediction is not None:
        predictions, _ = binary_column(
            locator, arrow, columns.prediction, columns.positive, "prediction"
        )
    ids = None
    if columns.id is not None:
        ids, missing = text_column(arrow.column(columns.id))
        if missing.any():
            raise locator.error(
                f"{int(missing.sum())} missing id(s)",
                rows=np.flatnonzero(missing),
                column=columns.id,
                expected="an id in every row",
                found="an empty cell",
                hint="give every case its patient or cluster id",
            )
    groups = {}
    for name in columns.groups:
        levels, missing = text_column(arrow.column(name))
        levels[missing] = MISSING_LEVEL
        groups[name] = levels
    return EvaluationTable(
        path,
        fmt,
        hashlib.sha256(data).hexdigest(),
        columns,
        labels,
        scores,
        predictions,
        ids,
        groups,
        positive,
    )


def _check_names(path: Path, names: Sequence[str], columns: Columns) -> None:
    for name in columns.needed():
        count = list(names).count(name)
        if count == 1:
            continue
        if count > 1:
            raise EvaluationTableError(
                Location(path, 1),
                "the column name is ambiguous",
                field=name,
                expected="each column name once",
                found=f"{count} columns named {name!r}",
            )
        close = difflib.get_close_matches(name, list(names), n=1)
        raise EvaluationTableError(
            Location(path, 1),
            "no such column",
            field=name,
            expected=f"a column named {name!r}",
            found=f"columns {', '.join(map(repr, names))}",
            hint=f"did you mean {close[0]!r}?" if close else "check the column name",
        )


def _parquet(path: Path, data: bytes, columns: Columns) -> pa.Table:
    try:
        names = pq.ParquetFile(pa.BufferReader(data)).schema_arrow.names
        _check_names(path, names, columns)
        return pq.read_table(pa.BufferReader(data), columns=list(columns.needed()))
    except (pa.ArrowException, OSError, ValueError) as e:
        raise EvaluationTableError(Location(path), f"not a readable Parquet file ({e})") from e


def _csv(path: Path, data: bytes, columns: Columns, delimiter: str) -> pa.Table:
    text = data.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise EvaluationTableError(Location(path, 1), "the file is empty", expected="a header row")
    header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    _check_names(path, header, columns)
    try:
        return pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(use_threads=False),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter),
            convert_options=pa_csv.ConvertOptions(
                include_columns=list(columns.needed()), strings_can_be_null=True
            ),
        )
    except (pa.ArrowException, ValueError) as e:
        raise EvaluationTableError(Location(path), f"not a readable CSV file ({e})") from e
