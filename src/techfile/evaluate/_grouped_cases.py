"""The cases of a grouped evaluation, ordered once so that a replicate costs a few passes.

`GroupedCases` takes labels, scores, a group per case and the device's threshold, and sorts
them, once per evaluation, into two orders: by score (the *global order*) and by group, then
score (the *group order*).
Everything a replicate needs is then an index computed here, and a replicate under integer case
weights ``w`` costs a cumulative sum of the weights in each order and a few gathers at the
positives:

* ``C[k]``, the total weight of the first ``k`` cases in an order, gives the weight of any run
  of cases: a group's cases, its cases below the threshold, a tie block of equal scores;
* the confusion counts of group ``g``: its weight ``W_g`` and the weight at or above the
  threshold from ``C`` at the group's bounds and its threshold split; its positive weight
  ``P_g`` and true positives from the cumulative weight of the positives;
* AUROC (Mann-Whitney, ties counting one half) from the identity, for the positives ``i`` of
  group ``g``, their tie block ``[lo_i, hi_i)`` and the group's first position ``s_g``::

      2 U_g = sum_i w_i (C[lo_i] + C[hi_i]) - 2 C[s_g] P_g - P_g^2

  where ``C[lo_i] - C[s_g]`` is the weight of the group's cases below case ``i`` and
  ``(C[hi_i] - C[lo_i]) / 2`` half the weight tied with it; summed over positives this counts
  each positive-negative pair once (ties one half) and the positive-positive pairs
  ``P_g^2 / 2`` times, which the last term takes off. AUROC is ``U_g / (P_g N_g)``. The same
  identity in the global order gives the overall AUROC.

The arithmetic is in integers (the weights are whole numbers), so each count and each ``2 U``
is exact, and each metric is one division: the correctly rounded value of the exact ratio
while the total weight of a replicate stays below 10^8 (numerator and denominator then convert
to float64 exactly), within a unit in the last place or two beyond; int64 cannot overflow
while the total weight stays at most 2^31 (``sum w (C + C) <= 2 W^2``).
`sklearn.metrics.roc_auc_score` with ``sample_weight`` computes the same area by summing
trapezoids, and agrees to about 1e-15.

Weights come per *unit*: per case, in the global order, or per cluster (sorted ids), spread
over each cluster's cases. A replicate holds its weights, two cumulative sums and arrays the
size of the positives; small data run up to 256 replicates side by side as rows of one array
(at most 2^18 weights), which spares numpy calls. Nothing of size cases x replicates is held.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, assert_never

import numpy as np
import numpy.typing as npt

from techfile.evaluate._bootstrap import Resampling
from techfile.evaluate._inputs import as_binary, as_ids, as_scores, check_same_length
from techfile.evaluate._metric import MetricName
from techfile.evaluate._poisson import poisson_weights
from techfile.evaluate.errors import EvaluationInputError

__all__ = ["GROUPED_METRICS", "GroupedCases"]

GROUPED_METRICS: Final = (
    MetricName.SENSITIVITY,
    MetricName.SPECIFICITY,
    MetricName.PPV,
    MetricName.NPV,
    MetricName.AUROC,
)
"""The metrics of a grouped bootstrap, in the order of the last axis of its arrays."""

_INT32_LIMIT: Final = 2**31
_CHUNK_CELLS: Final = 1 << 18
"""Weights per chunk of replicates: small data run up to 256 replicates per pass of numpy
calls (the calls' overhead would dominate otherwise); from 262,144 units on, one at a time."""
_MAX_CHUNK: Final = 256
Index = npt.NDArray[np.intp]
Weights = npt.NDArray[np.integer[Any]]
"""Whole-number weights, one row per replicate."""


def _tie_bounds(starts_block: npt.NDArray[np.bool_], at: Index) -> tuple[Index, Index]:
    """Return, for positions ``at``, the first and one-past-last position of their tie block.

    ``starts_block[k]`` is True where a new block of equal keys starts.
    """
    starts = np.flatnonzero(starts_block)
    ends = np.append(starts[1:], starts_block.size)
    block = np.cumsum(starts_block, dtype=np.intp)[at] - 1
    return starts[block], ends[block]


def _counts(rng: np.random.Generator, units: int) -> Weights:
    """How often each of ``units`` units is drawn in as many draws with replacement."""
    return np.bincount(rng.integers(0, units, size=units), minlength=units)


@dataclass(frozen=True, slots=True, eq=False)
class _Workspace:
    """Buffers reused by every chunk of one run, so that a replicate allocates little."""

    cumulative: npt.NDArray[np.int64]
    """``C`` with a leading zero per replicate, in whichever order is being summed."""
    grouped: Weights
    """The weights in the group order."""

    @classmethod
    def of(cls, replicates: int, cases: int, dtype: np.dtype[np.integer[Any]]) -> _Workspace:
        return cls(
            np.zeros((replicates, cases + 1), dtype=np.int64),
            np.empty((replicates, cases), dtype=dtype),
        )

    def fits(self, weights: Weights) -> bool:
        """Whether these buffers serve ``weights``."""
        return weights.shape[0] <= self.grouped.shape[0] and weights.dtype == self.grouped.dtype

    def cumulate(self, weights: Weights) -> npt.NDArray[np.integer[Any]]:
        """Return ``C`` per row of ``weights``: int32 when it cannot overflow (sums faster)."""
        rows, cases = weights.shape
        small = cases * int(weights.max(initial=0)) < _INT32_LIMIT
        whole = self.cumulative.view(np.int32) if small else self.cumulative
        out = whole[:rows, : cases + 1]
        np.cumsum(weights, axis=1, dtype=out.dtype, out=out[:, 1:])
        return out


def _pair_sums(
    cumulative: npt.NDArray[np.integer[Any]], weights: Weights, lo: Index, hi: Index
) -> npt.NDArray[np.int64]:
    """Return ``w_i (C[lo_i] + C[hi_i])`` for the positives, per replicate."""
    pair = np.add(np.take(cumulative, lo, axis=1), np.take(cumulative, hi, axis=1), dtype=np.int64)
    pair *= weights
    return pair


def _exclusive_cumsum(values: Weights) -> npt.NDArray[np.int64]:
    out = np.zeros((values.shape[0], values.shape[1] + 1), dtype=np.int64)
    np.cumsum(values, axis=1, dtype=np.int64, out=out[:, 1:])
    return out


def _with_total(column: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Put the sum over the groups in front: row 0 is all cases."""
    return np.concatenate((column.sum(axis=1, keepdims=True), column), axis=1)


def _ratio(
    numerator: npt.NDArray[np.int64], denominator: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class GroupedCases:
    """Labels, scores and groups ordered for fast weighted metrics per group.

    Build with `GroupedCases.of`. Row 0 of every result is all cases; row ``1 + g`` is the
    group ``groups[g]``; columns follow `GROUPED_METRICS`.
    """

    groups: tuple[str, ...]
    """The distinct groups in sorted order, as text."""
    threshold: float
    """A case is called positive when its score is at least this."""
    order: Index
    """The case at each position of the global order (scores ascending, stable)."""
    to_global: Index
    """For each position of the group order, its position in the global order."""
    global_positives: tuple[Index, Index, Index]
    """Positions of the positives in the global order, and their tie blocks' bounds."""
    group_positives: tuple[Index, Index, Index]
    """Positions of the positives in the group order, and their (group, score) blocks' bounds."""
    group_bounds: tuple[Index, Index, Index]
    """In the group order: each group's first position, its first at or above the threshold,
    and its end."""
    positive_bounds: tuple[Index, Index, Index]
    """The same three bounds counted among the positives of the group order."""
    cluster_global: Index | None
    """The cluster (0..k-1) of each position of the global order, when resampling clusters."""
    cluster_grouped: Index | None
    """The cluster of each position of the group order, when resampling clusters."""
    positive_units: npt.NDArray[np.bool_]
    """Per resampling unit (case in the global order, or cluster): does it hold a positive."""
    confusion: npt.NDArray[np.int64]
    """Unweighted TN, FP, FN, TP (columns) of all cases (row 0) and of each group."""

    @classmethod
    def of(  # noqa: PLR0913  # the evaluation's columns and settings, keyword-only
        cls,
        labels: npt.ArrayLike,
        scores: npt.ArrayLike,
        groups: npt.ArrayLike,
        *,
        threshold: float,
        ids: npt.ArrayLike | None = None,
        probabilities: bool = False,
    ) -> GroupedCases:
        """Check and order the cases.

        Args:
            labels: Reference standard per case, 0/1.
            scores: The model's score per case; higher means more likely positive.
            groups: The subgroup of each case (site, sex, age band), any comparable values.
            threshold: The pre-specified threshold: positive when ``score >= threshold``.
            ids: Cluster id per case (patient, site), to resample clusters whole.
            probabilities: Require scores and threshold to lie in [0, 1].

        Raises:
            EvaluationInputError: Bad arrays or threshold.
        """
        truth = as_binary(labels, "labels")
        values = as_scores(scores, probabilities=probabilities)
        codes = as_ids(groups, "groups")
        check_same_length(("labels", truth), ("scores", values), ("groups", codes))
        cut = float(as_scores([threshold], probabilities=probabilities, argument="threshold")[0])
        clusters = None if ids is None else as_ids(ids)
        if clusters is not None:
            check_same_length(("labels", truth), ("ids", clusters))
        count = int(codes.max(initial=-1)) + 1
        representative = np.zeros(count, dtype=np.intp)
        representative[codes] = np.arange(codes.size)
        names = np.asarray(groups)[representative]
        order = np.argsort(values, kind="stable")
        score, positive, group = values[order], truth[order], codes[order]
        to_global = np.argsort(group, kind="stable")
        new_score = np.ones(values.size, dtype=np.bool_)
        np.not_equal(score[1:], score[:-1], out=new_score[1:])
        at = np.flatnonzero(positive)
        global_positives = (at, *_tie_bounds(new_score, at))
        score, positive, group = score[to_global], positive[to_global], group[to_global]
        np.not_equal(score[1:], score[:-1], out=new_score[1:])
        new_score[1:] |= group[1:] != group[:-1]
        at = np.flatnonzero(positive)
        group_positives = (at, *_tie_bounds(new_score, at))
        starts = np.searchsorted(group, np.arange(count + 1))
        splits = starts[:-1] + np.bincount(group[score < cut], minlength=count)
        bounds = (starts[:-1], splits, starts[1:])
        cells = 4 * codes + 2 * truth + (values >= cut)
        confusion = np.bincount(cells, minlength=4 * count).reshape(count, 4)
        if clusters is None:
            cluster_global = cluster_grouped = None
            positive_units = truth[order]
        else:
            cluster_global = clusters[order]
            cluster_grouped = cluster_global[to_global]
            # A cluster is in the positive stratum when it holds at least one positive case.
            positive_units = np.bincount(clusters, weights=truth) > 0
        return cls(
            groups=tuple(
                str(name.item() if isinstance(name, np.generic) else name) for name in names
            ),
            threshold=cut,
            order=order,
            to_global=to_global,
            global_positives=global_positives,
            group_positives=group_positives,
            group_bounds=bounds,
            positive_bounds=(
                np.searchsorted(at, bounds[0]),
                np.searchsorted(at, bounds[1]),
                np.searchsorted(at, bounds[2]),
            ),
            cluster_global=cluster_global,
            cluster_grouped=cluster_grouped,
            positive_units=positive_units,
            confusion=np.concatenate((confusion.sum(axis=0, keepdims=True), confusion)),
        )

    @property
    def cases(self) -> int:
        """How many cases."""
        return int(self.order.size)

    @property
    def units(self) -> int:
        """How many resampling units: cases, or clusters."""
        return int(self.positive_units.size)

    def statistics(self, weights: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Compute every metric for all cases and each group under whole-number case weights.

        Args:
            weights: One weight per case, in the order the cases were given: whole numbers
                >= 0 (a bootstrap replicate's counts), at most 2^31 in total.

        Returns:
            An array of shape ``(1 + groups, 5)``: row 0 all cases, then one row per group;
            NaN where a metric's denominator has no weight.

        Raises:
            EvaluationInputError: The weights are not whole numbers >= 0, one per case, or
                add up to more than 2^31.
        """
        array = np.asarray(weights)
        if array.shape != (self.cases,) or array.dtype.kind not in "biuf":
            raise EvaluationInputError(
                "weights",
                f"expected one number per case ({self.cases})",
                found=f"shape {array.shape} of {array.dtype}",
            )
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise EvaluationInputError("weights", "expected finite numbers")
        whole = array.astype(np.int64)
        if np.any(whole != array) or np.any(whole < 0):
            raise EvaluationInputError("weights", "expected whole numbers >= 0")
        if int(whole.sum(dtype=np.float64)) > _INT32_LIMIT:  # keeps every product in int64
            raise EvaluationInputError("weights", "expected a total weight of at most 2^31")
        rows = whole[self.order][np.newaxis, :]
        values = self._replicates(rows, None, _Workspace.of(1, self.cases, whole.dtype))
        return values.reshape(values.shape[1:])

    def draws(
        self, rng: np.random.Generator, replicates: int, resampling: Resampling
    ) -> Iterator[Weights]:
        """Draw the replicates' unit weights, a chunk of rows at a time.

        Each row holds one weight per resampling unit: per case in the global order, or per
        cluster. Small data come in chunks of up to 256 replicates, large data one by one;
        replicate r has the same weights whatever the chunks and however many are drawn.
        """
        chunk = max(1, min(_MAX_CHUNK, _CHUNK_CELLS // max(self.cases, self.units, 1)))
        for first in range(0, replicates, chunk):
            drawn = [
                self._unit_weights(rng, resampling) for _ in range(min(chunk, replicates - first))
            ]
            yield drawn[0][np.newaxis] if len(drawn) == 1 else np.stack(drawn)

    def replicate_weights(
        self, seed: int, replicates: int, resampling: Resampling = Resampling.POISSON
    ) -> Iterator[npt.NDArray[np.int64]]:
        """Yield the case weights of each replicate that a bootstrap with ``seed`` draws.

        For an auditor (and the tests) to recompute any replicate by other means: the
        weights are in the order the cases were given.
        """
        for chunk in self.draws(np.random.default_rng(seed), replicates, resampling):
            for drawn in chunk:
                case = np.empty(self.cases, dtype=np.int64)
                spread = drawn if self.cluster_global is None else drawn[self.cluster_global]
                case[self.order] = spread
                yield case

    def run(self, draws: Iterator[Weights], out: npt.NDArray[np.float64]) -> Iterator[int]:
        """Compute each replicate's statistics into ``out[r]``; yield r after each one."""
        workspace: _Workspace | None = None
        done = 0
        for drawn in draws:
            if workspace is None or not workspace.fits(drawn):
                workspace = _Workspace.of(drawn.shape[0], self.cases, drawn.dtype)
            rows = slice(done, done + drawn.shape[0])
            if self.cluster_global is None or self.cluster_grouped is None:
                out[rows] = self._replicates(drawn, None, workspace)
            else:
                out[rows] = self._replicates(
                    np.take(drawn, self.cluster_global, axis=1, mode="wrap"),
                    np.take(drawn, self.cluster_grouped, axis=1, mode="wrap"),
                    workspace,
                )
            for _ in range(drawn.shape[0]):
                yield done
                done += 1

    def _unit_weights(self, rng: np.random.Generator, resampling: Resampling) -> Weights:
        """Draw one replicate's weight per unit.

        Each replicate draws on its own, so that its weights depend on the seed and its
        number only, not on how the replicates are chunked or how many are asked for.
        """
        units = self.units
        match resampling:
            case Resampling.POISSON:
                return poisson_weights(rng, units)
            case Resampling.SIMPLE:
                return _counts(rng, units)
            case Resampling.STRATIFIED:
                weights = np.zeros(units, dtype=np.int64)
                for members in (
                    np.flatnonzero(self.positive_units),
                    np.flatnonzero(~self.positive_units),
                ):
                    weights[members] = _counts(rng, members.size)
                return weights
            case _:
                assert_never(resampling)

    def _replicates(
        self, weights: Weights, grouped: Weights | None, workspace: _Workspace
    ) -> npt.NDArray[np.float64]:
        """The statistics per row of weights in the global (and, if given, group) order."""
        # All cases: AUROC needs the global order; the counts are the groups' sums.
        cumulative = workspace.cumulate(weights)
        at, lo, hi = self.global_positives
        positive_weights = np.take(weights, at, axis=1)
        overall_pairs = _pair_sums(cumulative, positive_weights, lo, hi).sum(axis=1)
        if grouped is None:
            grouped = workspace.grouped[: weights.shape[0]]
            # The indices are in range; "wrap" spares the per-index error check.
            np.take(weights, self.to_global, axis=1, out=grouped, mode="wrap")
        cumulative = workspace.cumulate(grouped)
        at, lo, hi = self.group_positives
        positive_weights = np.take(grouped, at, axis=1)
        pairs = _exclusive_cumsum(_pair_sums(cumulative, positive_weights, lo, hi))
        positives = _exclusive_cumsum(positive_weights)
        start, split, end = (
            np.take(cumulative, bound, axis=1).astype(np.int64) for bound in self.group_bounds
        )
        first, positive_split, last = self.positive_bounds
        positive = positives[:, last] - positives[:, first]
        twice_u = pairs[:, last] - pairs[:, first] - 2 * start * positive - positive**2
        weight, above, positive, true_positive = (
            _with_total(end - start),
            _with_total(end - split),
            _with_total(positive),
            _with_total(positives[:, last] - positives[:, positive_split]),
        )
        # Row 0's AUROC comes from the global order, not from the groups.
        overall_u = overall_pairs - positive[:, 0] ** 2
        twice_u = np.concatenate((overall_u[:, np.newaxis], twice_u), axis=1)
        negative = weight - positive
        false_positive = above - true_positive
        true_negative = negative - false_positive
        false_negative = positive - true_positive
        return np.stack(
            [
                _ratio(true_positive, positive),
                _ratio(true_negative, negative),
                _ratio(true_positive, above),
                _ratio(true_negative, true_negative + false_negative),
                _ratio(twice_u, 2 * positive * negative),
            ],
            axis=2,
        )
