"""Checks on the arrays given for evaluation: labels, predictions, scores and cluster ids.

Every public function of `techfile.evaluate` passes its arrays through here first, so a bad
input fails with the same `EvaluationInputError` whatever metric was asked for. The rules:

* labels and predictions are one-dimensional and binary: booleans, or numbers that are all 0
  or 1 (``1.0`` is accepted, ``2`` and ``NaN`` are not);
* scores are one-dimensional, numeric and finite; with ``probabilities=True`` they also lie in
  [0, 1];
* cluster ids are one-dimensional, hashable and complete (no ``NaN`` or ``None``);
* arrays that describe the same cases have the same length.

Empty arrays are valid: the metrics of an empty subgroup are `Undefined`, not an error.
"""

from __future__ import annotations

import numbers

import numpy as np
import numpy.typing as npt

from techfile.evaluate.errors import EvaluationInputError

__all__ = ["as_binary", "as_ids", "as_scores", "check_same_length", "is_whole"]

_SHOWN = 3
"""How many offending values or positions an error message quotes."""


def is_whole(value: object) -> bool:
    """Whether ``value`` is a whole number (Python or numpy integer), booleans excluded."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _one_dimensional(values: npt.ArrayLike, argument: str) -> npt.NDArray[np.generic]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise EvaluationInputError(
            argument,
            "expected a one-dimensional array (one value per case)",
            found=f"shape {array.shape}",
        )
    return array


def _positions(mask: npt.NDArray[np.bool_]) -> str:
    where = np.flatnonzero(mask)
    shown = ", ".join(str(int(i)) for i in where[:_SHOWN])
    more = f" and {where.size - _SHOWN} more" if where.size > _SHOWN else ""
    return f"at index {shown}{more}"


def _examples(array: npt.NDArray[np.generic], mask: npt.NDArray[np.bool_]) -> str:
    picked = array[mask][: _SHOWN * 10]
    values = sorted({repr(v.item() if isinstance(v, np.generic) else v) for v in picked})
    return ", ".join(values[:_SHOWN])


def as_binary(values: npt.ArrayLike, argument: str) -> npt.NDArray[np.bool_]:
    """Check that ``values`` are binary (0/1 or booleans) and return them as booleans.

    Args:
        values: The labels or predictions, one per case.
        argument: The name of the input, used in the error message.

    Returns:
        A boolean array: True for 1 (the positive class), False for 0.

    Raises:
        EvaluationInputError: The array is not one-dimensional, is not numeric or boolean, has
            missing values (NaN) or has a value other than 0 and 1.
    """
    array = _one_dimensional(values, argument)
    if array.dtype == np.bool_:
        return np.asarray(array, dtype=np.bool_)
    if array.dtype.kind not in "iuf":
        raise EvaluationInputError(
            argument,
            "expected 0/1 or boolean values",
            found=f"values of type {array.dtype} ({_examples(array, np.ones(array.shape, bool))})",
            hint="encode the positive class as 1 and the negative class as 0",
        )
    if array.dtype.kind == "f":
        missing = np.isnan(array)
        if missing.any():
            raise EvaluationInputError(
                argument,
                f"{int(missing.sum())} missing value(s) (NaN)",
                found=_positions(missing),
                hint="drop the cases without a value, or report them separately",
            )
    other = (array != 0) & (array != 1)
    if other.any():
        raise EvaluationInputError(
            argument,
            f"expected 0/1 or boolean values; {int(other.sum())} value(s) are neither",
            found=f"{_examples(array, other)} {_positions(other)}",
            hint="encode the positive class as 1 and the negative class as 0",
        )
    return np.asarray(array == 1, dtype=np.bool_)


def as_scores(
    values: npt.ArrayLike, *, probabilities: bool = False, argument: str = "scores"
) -> npt.NDArray[np.float64]:
    """Check that ``values`` are finite numeric scores and return them as floats.

    Args:
        values: The model's continuous output, one per case; higher means more likely positive.
        probabilities: Require every score to lie in [0, 1].
        argument: The name of the input, used in the error message.

    Returns:
        The scores as a float64 array.

    Raises:
        EvaluationInputError: The array is not one-dimensional or numeric, has a missing or
            infinite value, or (with ``probabilities``) a value outside [0, 1].
    """
    array = _one_dimensional(values, argument)
    if array.dtype.kind not in "biuf":
        raise EvaluationInputError(
            argument,
            "expected numeric scores",
            found=f"values of type {array.dtype} ({_examples(array, np.ones(array.shape, bool))})",
        )
    scores = array.astype(np.float64)
    missing = np.isnan(scores)
    if missing.any():
        raise EvaluationInputError(
            argument,
            f"{int(missing.sum())} missing value(s) (NaN)",
            found=_positions(missing),
            hint="drop the cases without a score, or report them separately",
        )
    infinite = np.isinf(scores)
    if infinite.any():
        raise EvaluationInputError(
            argument, f"{int(infinite.sum())} infinite value(s)", found=_positions(infinite)
        )
    if probabilities:
        outside = (scores < 0.0) | (scores > 1.0)
        if outside.any():
            raise EvaluationInputError(
                argument,
                f"expected probabilities in [0, 1]; {int(outside.sum())} value(s) outside",
                found=f"{_examples(scores, outside)} {_positions(outside)}",
                hint="pass probabilities=False for scores that are not probabilities",
            )
    return scores


def as_ids(values: npt.ArrayLike, argument: str = "ids") -> npt.NDArray[np.intp]:
    """Check cluster ids (patient, site) and return each case's cluster as 0..k-1.

    Args:
        values: One id per case; cases with the same id belong to the same cluster.
        argument: The name of the input, used in the error message.

    Returns:
        For each case, the index of its cluster among the sorted distinct ids.

    Raises:
        EvaluationInputError: The array is not one-dimensional, has a missing id (NaN or None)
            or mixes ids that cannot be compared (numbers and strings).
    """
    array = _one_dimensional(values, argument)
    if array.dtype.kind == "f":
        missing = np.isnan(array.astype(np.float64))
    elif array.dtype.kind == "O":
        missing = np.array([v is None for v in array], dtype=np.bool_)
    else:
        missing = np.zeros(array.shape, dtype=np.bool_)
    if missing.any():
        raise EvaluationInputError(
            argument, f"{int(missing.sum())} missing id(s)", found=_positions(missing)
        )
    try:
        _, inverse = np.unique(array, return_inverse=True)
    except TypeError as error:
        raise EvaluationInputError(
            argument,
            "ids of different kinds that cannot be compared",
            found=str(error),
            hint="use one type for all ids, for example strings",
        ) from error
    return np.asarray(inverse, dtype=np.intp).reshape(-1)


def check_same_length(*arrays: tuple[str, npt.NDArray[np.generic]]) -> None:
    """Check that arrays describing the same cases have one value per case each.

    Args:
        *arrays: Pairs of (input name, array).

    Raises:
        EvaluationInputError: Two arrays differ in length.
    """
    first_name, first = arrays[0]
    for name, array in arrays[1:]:
        if array.shape[0] != first.shape[0]:
            raise EvaluationInputError(
                name,
                f"expected one value per case, as many as {first_name} ({first.shape[0]})",
                found=f"{array.shape[0]} values",
            )
