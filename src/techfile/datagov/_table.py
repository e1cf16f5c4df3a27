"""Reading a CSV or Parquet table into columns the profile can count, with located errors.

The file is read into memory once: its SHA-256 is taken of exactly the bytes pyarrow parses,
so the evidence record pins the data that were profiled. Each column becomes a `Column`:

* numbers (integers, floats, decimals) are NUMERIC, as float64 with NaN where missing;
* text, booleans and dictionary columns are CATEGORICAL, with sorted levels;
* dates and timestamps are TEMPORAL, as seconds since 1970 (UTC, naive times taken as UTC);
* anything else (lists, structs, bytes that are not UTF-8) is OTHER: counted for missing
  values, left out of the other checks.

Every column also carries ``codes``: equal values share a code, missing values have -1. The
duplicate and leakage checks work on codes, so they sort integers rather than compare rows.

CSV: the first line is the header; empty fields and the usual null spellings (``NA``,
``NaN``, ``null``, ...) are missing. Rules enforced (`TableError`, exit 2): the file exists
and has the right suffix, parses, has unique column names and at least one row.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from techfile._tables import DELIMITERS, TableFormat, csv_lines, open_table
from techfile.datagov.errors import TableError
from techfile.errors import Location

__all__ = ["Column", "ColumnKind", "Table", "TableFormat", "read_table", "seconds"]

_SHOWN = 60


class ColumnKind(StrEnum):
    """How a column is treated."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    TEMPORAL = "temporal"
    OTHER = "other"


@dataclass(frozen=True, slots=True, eq=False)
class Column:
    """One column, ready for counting."""

    name: str
    """The column's name in the header."""
    kind: ColumnKind
    """How it is treated."""
    type_name: str
    """The Arrow type it was read as (for messages)."""
    missing: npt.NDArray[np.bool_]
    """True where the value is missing."""
    codes: npt.NDArray[np.int64]
    """Equal values share a code (0, 1, ... in sorted order); -1 where missing."""
    n_levels: int
    """Number of distinct values."""
    names: tuple[str, ...]
    """The text of each code of a categorical column (empty for the other kinds)."""
    uniques: npt.NDArray[np.float64] | None
    """The number of each code of a numeric or temporal column (None for the other kinds)."""
    numbers: npt.NDArray[np.float64] | None
    """Numeric and temporal values (NaN where missing); None for the other kinds."""

    @property
    def levels(self) -> tuple[str, ...]:
        """The text of every code, in code order (formatted on demand for numbers)."""
        if self.uniques is None:
            return self.names
        return tuple(_number_text(v) for v in self.uniques.tolist())

    def text(self, code: int) -> str:
        """The value of one code as text (``"missing"`` for -1)."""
        if code < 0:
            return "missing"
        if self.uniques is None:
            return self.names[code]
        return _number_text(float(self.uniques[code]))


@dataclass(frozen=True, slots=True, eq=False)
class Table:
    """A read table: its columns in header order, its digest and where it came from."""

    path: Path
    """The file."""
    format: TableFormat
    """CSV or Parquet."""
    sha256: str
    """SHA-256 of the file's bytes."""
    n_rows: int
    """Number of data rows (at least 1)."""
    columns: Mapping[str, Column]
    """Columns by name, in header order."""
    data: bytes
    """The file's bytes (to find the line of a CSV row for an error)."""

    def locate(self, row: int | None = None) -> Location:
        """The place of a 0-based data row: its line in a CSV file; the file for Parquet."""
        if row is None or self.format is TableFormat.PARQUET:
            return Location(self.path)
        delimiter = DELIMITERS.get(self.path.suffix.lower(), ",")
        return Location(self.path, csv_lines(self.data, [row], delimiter)[0])

    def error(  # noqa: PLR0913  # the parts of a located message, keyword-only
        self,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> TableError:
        """A located error about a row and/or column of this table."""
        if row is not None and self.format is TableFormat.PARQUET:
            problem = f"row {row + 1}: {problem}"
        return TableError(
            self.locate(row), problem, field=column, expected=expected, found=found, hint=hint
        )


def read_table(path: Path, data: bytes | None = None) -> Table:
    """Read a CSV (``.csv``, ``.tsv``) or Parquet (``.parquet``) table.

    Args:
        path: The file; its suffix gives the format.
        data: The file's bytes, if already read (so a caller that pinned them profiles exactly
            those); read from ``path`` otherwise.

    Raises:
        TableError: The file is missing, of another format, malformed, has duplicate column
            names or no rows (located at the file, and line where known).
    """
    file = open_table(path, data, TableError)
    fmt, data = file.format, file.data
    parquet = fmt is TableFormat.PARQUET
    arrow = _parquet(path, data) if parquet else _csv(path, data, file.delimiter)
    names = arrow.column_names
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise TableError(
            Location(path, 1),
            "column names must be unique",
            found=f"{', '.join(map(repr, twice))} more than once",
        )
    if arrow.num_rows == 0:
        line = 2 if fmt is TableFormat.CSV else None
        raise TableError(Location(path, line), "the table has no rows", expected="at least one")
    columns = {name: _column(name, arrow.column(name)) for name in names}
    return Table(path, fmt, hashlib.sha256(data).hexdigest(), arrow.num_rows, columns, data)


def _parquet(path: Path, data: bytes) -> pa.Table:
    try:
        return pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as e:
        raise TableError(Location(path), f"not a readable Parquet file ({e})") from e


def _csv(path: Path, data: bytes, delimiter: str) -> pa.Table:
    bad: list[pa_csv.InvalidRow] = []

    def skip(row: pa_csv.InvalidRow) -> Literal["skip"]:
        bad.append(row)
        return "skip"

    def read(*, threads: bool) -> pa.Table:
        return pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(use_threads=threads),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, invalid_row_handler=skip),
            convert_options=pa_csv.ConvertOptions(strings_can_be_null=True),
        )

    try:
        table = read(threads=True)
        if bad and bad[0].number is None:  # only a single-threaded read knows line numbers
            bad.clear()
            read(threads=False)
    except (pa.ArrowException, ValueError) as e:
        text = str(e)
        if "Empty CSV file" in text:
            raise TableError(Location(path, 1), "the file is empty", expected="a header row") from e
        raise TableError(Location(path), f"not a readable CSV file ({text})") from e
    if bad:
        first = bad[0]
        raise TableError(
            Location(path, first.number),
            "a row has the wrong number of fields",
            expected=f"{first.expected_columns} fields as in the header",
            found=f"{first.actual_columns}: {_short(first.text)}",
            hint="quote fields that contain the delimiter",
        )
    return table


def _short(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")


def _column(name: str, chunked: pa.ChunkedArray[Any]) -> Column:
    kind_type = chunked.type
    if pa.types.is_dictionary(kind_type):
        chunked = chunked.cast(kind_type.value_type)
        kind_type = chunked.type
    missing = np.asarray(chunked.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    if (
        pa.types.is_integer(kind_type)
        or pa.types.is_floating(kind_type)
        or (pa.types.is_decimal(kind_type))
    ):
        numbers = np.asarray(chunked.cast(pa.float64()).to_numpy(zero_copy_only=False))
        missing |= np.isnan(numbers)
        return _numeric(name, ColumnKind.NUMERIC, str(kind_type), numbers, missing)
    if pa.types.is_temporal(kind_type) and not (
        pa.types.is_time(kind_type) or pa.types.is_duration(kind_type)
    ):
        return _numeric(name, ColumnKind.TEMPORAL, str(kind_type), seconds(chunked), missing)
    if pa.types.is_boolean(kind_type):
        chunked = chunked.cast(pa.string())
    elif not (pa.types.is_string(kind_type) or pa.types.is_large_string(kind_type)):
        codes = _none(missing)
        return Column(name, ColumnKind.OTHER, str(kind_type), missing, codes, 0, (), None, None)
    return _categorical(name, str(kind_type), chunked, missing)


def seconds(chunked: pa.ChunkedArray[Any]) -> npt.NDArray[np.float64]:
    """Dates or timestamps as seconds since 1970-01-01 (NaN where missing)."""
    if pa.types.is_timestamp(chunked.type) and chunked.type.tz is not None:
        chunked = chunked.cast(pa.timestamp(chunked.type.unit))  # the same instant, in UTC
    as_seconds = chunked.cast(pa.timestamp("s")).cast(pa.int64())
    return np.asarray(as_seconds.cast(pa.float64()).to_numpy(zero_copy_only=False))


def _none(missing: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    return np.full(missing.shape, -1, dtype=np.int64)


def _numeric(
    name: str,
    kind: ColumnKind,
    type_name: str,
    numbers: npt.NDArray[np.float64],
    missing: npt.NDArray[np.bool_],
) -> Column:
    codes = _none(missing)
    uniques, inverse = np.unique(numbers[~missing], return_inverse=True)
    codes[~missing] = inverse.reshape(-1)
    return Column(name, kind, type_name, missing, codes, uniques.size, (), uniques, numbers)


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def _categorical(
    name: str, type_name: str, chunked: pa.ChunkedArray[Any], missing: npt.NDArray[np.bool_]
) -> Column:
    encoded = cast("pa.DictionaryArray[Any, Any]", pc.dictionary_encode(chunked).combine_chunks())
    dictionary = [str(v) for v in encoded.dictionary.to_pylist()]
    order = np.argsort(np.array(dictionary, dtype=object), kind="stable")
    rank = np.empty(len(dictionary), dtype=np.int64)
    rank[order] = np.arange(len(dictionary), dtype=np.int64)
    indices = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    codes = rank[indices] if dictionary else _none(missing)
    codes[missing] = -1
    names = tuple(dictionary[i] for i in order)
    return Column(
        name, ColumnKind.CATEGORICAL, type_name, missing, codes, len(names), names, None, None
    )
