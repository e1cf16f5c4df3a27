"""Errors of the dataset profile.

Tree::

    techfile.errors.Error
    ├── DatagovDataError              the packaged datagov data file is malformed (a defect)
    └── techfile.errors.InputError
        └── techfile.errors.LocatedInputError
            └── TableError            a table, column or value that cannot be profiled

What the profile *finds* in a valid table (an under-represented group, a patient in two
splits, a column that gives the label away) is a `Finding` in the report, never an exception
(STYLE D4).
"""

from __future__ import annotations

from techfile.errors import Error, LocatedInputError

__all__ = ["DatagovDataError", "TableError"]


class DatagovDataError(Error):
    """The datagov data file shipped with techfile is missing or malformed."""


class TableError(LocatedInputError):
    """A table that cannot be profiled, located by file, line (CSV) or row, and column.

    The message reads ``FILE:LINE: field 'COLUMN': PROBLEM; expected E, found X``; for Parquet,
    which has no lines, the row number is part of the problem.
    """
