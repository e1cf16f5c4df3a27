"""Checking the values of one column of a table of cases, with errors located in the file.

`Locator` turns 0-based data rows into what the user counts: the physical line of a CSV file
(quoted newlines counted; the header is line 1) or the 1-based row of a Parquet file. The
checks: `binary_column` (labels, predictions), `score_column` (finite numbers, probabilities in
[0, 1] unless ``any``), `text_column` (ids and groups as text, with the missing cells). Every
missing label, score or prediction is an error that names its rows; nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from techfile._tables import DELIMITERS, TableFormat, csv_lines
from techfile.errors import Location
from techfile.evaluate.errors import EvaluationTableError

__all__ = [
    "DELIMITERS",
    "Locator",
    "ScoreKind",
    "TableFormat",
    "binary_column",
    "score_column",
    "text_column",
]

_SHOWN: Final = 3
"""How many offending rows or values a message quotes."""
_TRUE_FALSE: Final = frozenset({"true", "false"})
_ZERO_ONE: Final = frozenset({"0", "1"})
_MISSING_HINT: Final = (
    "cases without a value are never dropped silently: complete them, or remove them and "
    "report them as excluded (STARD 2015 item 16)"
)


class ScoreKind(StrEnum):
    """What the score column holds."""

    PROBABILITY = "probability"
    """A predicted probability of the positive class, in [0, 1] (the default)."""
    ANY = "any"
    """Any finite number; higher means more likely positive (no calibration is assessed)."""


@dataclass(frozen=True, slots=True)
class Locator:
    """Turns 0-based data rows into a place in the file for messages."""

    path: Path
    format: TableFormat
    data: bytes

    def error(  # noqa: PLR0913  # the parts of a located message
        self,
        problem: str,
        *,
        rows: npt.NDArray[np.intp] | Sequence[int] = (),
        column: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> EvaluationTableError:
        where = [int(r) for r in rows]
        location = Location(self.path)
        if where:
            shown = self._places(where[:_SHOWN])
            more = f" and {len(where) - _SHOWN} more" if len(where) > _SHOWN else ""
            noun = "line" if self.format is TableFormat.CSV else "row"
            problem = f"{problem} at {noun} {', '.join(map(str, shown))}{more}"
            if self.format is TableFormat.CSV:
                location = Location(self.path, shown[0])
        return EvaluationTableError(
            location, problem, field=column, expected=expected, found=found, hint=hint
        )

    def _places(self, rows: list[int]) -> list[int]:
        """Rows as the user counts them: the physical CSV line, or the 1-based Parquet row."""
        if self.format is TableFormat.PARQUET:
            return [r + 1 for r in rows]
        return csv_lines(self.data, rows, DELIMITERS.get(self.path.suffix.lower(), ","))


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def text_column(
    chunked: pa.ChunkedArray[Any],
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """Each value as text (numbers without a trailing ``.0``, booleans lower case).

    Returns:
        The texts (``""`` where missing) and the mask of missing values (null or NaN).
    """
    kind = chunked.type
    if pa.types.is_dictionary(kind):
        chunked = chunked.cast(kind.value_type)
        kind = chunked.type
    missing = np.asarray(chunked.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        numbers = np.asarray(chunked.cast(pa.float64()).to_numpy(zero_copy_only=False))
        missing |= np.isnan(numbers)
        uniques, inverse = np.unique(numbers[~missing], return_inverse=True)
        texts = np.full(numbers.size, "", dtype=object)
        texts[~missing] = np.array([_number_text(v) for v in uniques.tolist()], dtype=object)[
            inverse.reshape(-1)
        ]
        return texts, missing
    if pa.types.is_boolean(kind):
        chunked = pc.if_else(chunked, "true", "false")
    elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        chunked = chunked.cast(pa.string())
    stripped = pc.utf8_trim_whitespace(chunked).to_pylist()
    texts = np.array(["" if t is None else t for t in stripped], dtype=object)
    return texts, missing | (texts == "")


def binary_column(
    locator: Locator, arrow: pa.Table, name: str, positive: str | None, role: str
) -> tuple[npt.NDArray[np.bool_], str]:
    """Check a label or prediction column: booleans (True: positive) and the positive value."""
    texts, missing = text_column(arrow.column(name))
    if missing.any():
        raise locator.error(
            f"{int(missing.sum())} missing {role}(s)",
            rows=np.flatnonzero(missing),
            column=name,
            expected=f"a {role} in every row",
            found="an empty cell",
            hint=_MISSING_HINT,
        )
    values = sorted(set(texts.tolist()))
    lowered = {v.lower() for v in values}
    if positive is not None and positive in values:
        chosen = positive
    elif lowered <= _ZERO_ONE:
        chosen = "1"
    elif lowered <= _TRUE_FALSE:
        texts = np.array([t.lower() for t in texts.tolist()], dtype=object)
        chosen = "true"
    elif positive is not None:
        raise locator.error(
            f"the positive class {positive!r} does not occur among the {role}s",
            column=name,
            expected=f"{positive!r} among the values",
            found=_listing(values),
            hint="--positive names the label value of the positive class exactly as written",
        )
    else:
        unexpected = np.flatnonzero(~np.isin(texts, ["0", "1"]))
        raise locator.error(
            f"the {role}s are not binary",
            rows=unexpected,
            column=name,
            expected="0/1 or true/false",
            found=_listing(values),
            hint="name the positive class with --positive VALUE"
            if len(values) == 2  # noqa: PLR2004  # two classes: only the coding is unknown
            else "a binary evaluation needs two classes; recode the column",
        )
    if len(values) > 2:  # noqa: PLR2004  # a binary label has two values
        other = [v for v in values if v != chosen]
        raise locator.error(
            f"the {role}s have more than two values",
            rows=np.flatnonzero(np.isin(texts, other[1:])),
            column=name,
            expected=f"{chosen!r} and one other value",
            found=_listing(values),
            hint="a binary evaluation needs two classes; recode the column",
        )
    return np.asarray(texts == chosen, dtype=np.bool_), chosen


def _listing(values: Sequence[str]) -> str:
    shown = ", ".join(repr(v) for v in values[: _SHOWN * 2])
    more = f" and {len(values) - _SHOWN * 2} more" if len(values) > _SHOWN * 2 else ""
    return f"{len(values)} value(s): {shown}{more}"


def score_column(
    locator: Locator, arrow: pa.Table, name: str, kind_of_score: ScoreKind
) -> npt.NDArray[np.float64]:
    """Check a score column and return it as floats."""
    chunked = arrow.column(name)
    kind = chunked.type
    if pa.types.is_dictionary(kind):
        chunked = chunked.cast(kind.value_type)
        kind = chunked.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        scores = np.asarray(chunked.cast(pa.float64()).to_numpy(zero_copy_only=False))
    else:
        texts, _ = text_column(chunked)
        scores, bad = _parse_numbers(texts)
        if bad.any():
            raise locator.error(
                "scores must be numbers",
                rows=np.flatnonzero(bad),
                column=name,
                expected="a number",
                found=_listing(sorted(set(texts[bad].tolist()))),
            )
    missing = np.isnan(scores)
    if missing.any():
        raise locator.error(
            f"{int(missing.sum())} missing score(s)",
            rows=np.flatnonzero(missing),
            column=name,
            expected="a score in every row",
            found="an empty cell",
            hint=_MISSING_HINT,
        )
    infinite = np.isinf(scores)
    if infinite.any():
        raise locator.error(
            "infinite score(s)", rows=np.flatnonzero(infinite), column=name, expected="finite"
        )
    if kind_of_score is ScoreKind.PROBABILITY:
        outside = (scores < 0.0) | (scores > 1.0)
        if outside.any():
            raise locator.error(
                f"{int(outside.sum())} score(s) outside [0, 1]",
                rows=np.flatnonzero(outside),
                column=name,
                expected="probabilities in [0, 1]",
                found=", ".join(_number_text(v) for v in scores[outside][:_SHOWN].tolist()),
                hint="pass --score-kind any for scores that are not probabilities",
            )
    return scores


def _parse_numbers(
    texts: npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Parse text as numbers: NaN where empty; ``bad`` where not a number at all."""
    scores = np.full(texts.size, np.nan)
    bad = np.zeros(texts.size, dtype=np.bool_)
    for i, text in enumerate(texts.tolist()):
        if text == "":
            continue
        try:
            scores[i] = float(text)
        except ValueError:
            bad[i] = True
    return scores, bad
