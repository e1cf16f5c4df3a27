"""Errors of the performance evaluation.

Tree::

    techfile.errors.Error
    └── techfile.errors.InputError
        ├── EvaluationInputError       labels, predictions, scores or ids that cannot be evaluated
        │   └── EvaluationTableError   ... read from a table: located by file, row and column
        └── techfile.errors.LocatedInputError
            └── EvaluationTableError

A metric that cannot be estimated from valid data (no positives in a subgroup, too few cases)
is a result, `techfile.evaluate.Undefined`, never an exception (STYLE D4).
"""

from __future__ import annotations

from techfile.errors import InputError, LocatedInputError, Location

__all__ = ["EvaluationInputError", "EvaluationTableError"]


class EvaluationInputError(InputError):
    """An array given for evaluation is malformed: wrong values, missing values or wrong length.

    The message reads ``ARGUMENT: PROBLEM, found FOUND`` where ``ARGUMENT`` names the input
    (``labels``, ``predictions``, ``scores``, ``ids``) so that a caller reading a table can
    name the column instead.
    """

    def __init__(
        self,
        argument: str,
        problem: str,
        *,
        found: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.argument = argument
        """The input at fault: ``labels``, ``predictions``, ``scores``, ``ids`` or a parameter."""
        self.problem = problem
        """What is wrong with it."""
        self.found = found
        """The offending values or their positions, shortened."""
        self.hint = hint
        """What to do about it."""
        text = f"{argument}: {problem}"
        if found is not None:
            text += f", found {found}"
        super().__init__(text)

    def diagnostics(self) -> str:
        """Say which input is wrong, how, and how to fix it."""
        if self.hint is None:
            return str(self)
        return f"{self}\n  hint: {self.hint}"


class EvaluationTableError(EvaluationInputError, LocatedInputError):
    """A table of cases that cannot be evaluated, located by file, line or row, and column.

    Both an `EvaluationInputError`, so ``except EvaluationInputError`` catches every bad input
    to the evaluation, and a `LocatedInputError`, so the CLI prints
    ``FILE:LINE: field 'COLUMN': PROBLEM; expected E, found X``. A Parquet file has no lines:
    its row number (1 for the first data row) is part of the problem instead.
    """

    def __init__(  # noqa: PLR0913  # the parts of a located message, keyword-only
        self,
        location: Location,
        problem: str,
        *,
        field: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> None:
        LocatedInputError.__init__(
            self, location, problem, field=field, expected=expected, found=found, hint=hint
        )
        self.argument = field or str(location.path)
        """The column at fault, or the file."""

    def diagnostics(self) -> str:
        """Say where the problem is, what was expected and how to fix it."""
        return LocatedInputError.diagnostics(self)
