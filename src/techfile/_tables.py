"""What the table readers of `techfile.evaluate` and `techfile.datagov` share.

Both read a CSV or Parquet file into memory once (so its SHA-256 is taken of exactly the bytes
parsed) and locate errors the way a user counts: the physical line of a CSV file (quoted
newlines counted, the header on line 1) or the 1-based row of a Parquet file. Each raises its
own located error type, which the caller passes in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, TypeVar

from techfile.errors import LocatedInputError, Location

__all__ = ["DELIMITERS", "PARQUET_SUFFIXES", "TableFile", "TableFormat", "csv_lines", "open_table"]

DELIMITERS: Final = {".csv": ",", ".tsv": "\t", ".txt": ","}
"""The CSV suffixes read, with their delimiter."""
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".pq"})
"""The Parquet suffixes read."""

_E = TypeVar("_E", bound=LocatedInputError)


class TableFormat(StrEnum):
    """The file formats read."""

    CSV = "csv"
    PARQUET = "parquet"


@dataclass(frozen=True, slots=True)
class TableFile:
    """A table file's bytes and how to parse them."""

    format: TableFormat
    """CSV or Parquet."""
    data: bytes
    """The file's bytes."""
    delimiter: str
    """The CSV delimiter (``,`` for Parquet, unused)."""


def open_table(path: Path, data: bytes | None, error: Callable[..., _E]) -> TableFile:
    """Read a table file's bytes (unless given) and tell its format by its suffix.

    Args:
        path: The file.
        data: Its bytes, if the caller already read (and pinned) them.
        error: The located error type to raise, called as ``error(location, problem, ...)``.

    Raises:
        LocatedInputError: Of the type given: an unknown suffix, or a file that is missing or
            cannot be read.
    """
    suffix = path.suffix.lower()
    if suffix not in DELIMITERS and suffix not in PARQUET_SUFFIXES:
        raise error(
            Location(path),
            "unknown table format",
            expected="a .csv, .tsv or .parquet file",
            found=repr(path.suffix or path.name),
        )
    try:
        data = path.read_bytes() if data is None else data
    except FileNotFoundError as e:
        raise error(Location(path), "no such file") from e
    except OSError as e:
        raise error(Location(path), f"cannot be read ({e.strerror or e})") from e
    if suffix in PARQUET_SUFFIXES:
        return TableFile(TableFormat.PARQUET, data, ",")
    return TableFile(TableFormat.CSV, data, DELIMITERS[suffix])


def csv_lines(data: bytes, rows: Iterable[int], delimiter: str) -> list[int]:
    """Return the 1-based physical line where each 0-based data row of a CSV file starts.

    Quoted newlines are counted and empty lines skipped, as pyarrow skips them; a row past
    the end is placed where it would start if the file went on without empty lines.
    """
    wanted = list(rows)
    looked_for = set(wanted)
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: dict[int, int] = {}
    seen, start = -1, 1  # the header is row -1
    for record in reader:
        if record:
            if seen in looked_for:
                lines[seen] = start
            seen += 1
        start = reader.line_num + 1
    return [lines.get(row, row + 2) for row in wanted]
