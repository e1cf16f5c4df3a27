"""Benchmark: subgroup bootstrap intervals, techfile beside fairlearn and a compiled numba kernel.

Run ``.venv/bin/python bench/evaluate.py`` (``--help`` for a quicker run). One run:

data
    10^6 cases in 100 groups (uniform), prevalence 0.2, a score per case from a binormal
    model with a shift per group (``expit`` of a normal, float64, so practically no ties;
    ``--decimals 4`` rounds them and makes ties), threshold 0.5. Seeded.
techfile
    ``grouped_bootstrap`` with 1,000 Poisson replicates: sensitivity, specificity, PPV, NPV
    and AUROC for every group and for all cases, with percentile intervals. Timed end to end
    (sorting, every replicate, the intervals). Its peak memory is measured in a second,
    identical run under ``tracemalloc`` (numpy reports its buffers to it), beside the
    n x B x 8 bytes a matrix of float64 replicate weights would take, and in a third with a
    tenth of the replicates: what grows with B must be only the table of replicate results,
    B x (1 + groups) x 5 float64.
numba
    A compiled reference kernel (``@njit``, below): one pass over the cases in score order,
    per-group counters for the four cells, the Mann-Whitney sum with ties counting one half
    (per-group negatives below the current tie block, flushed lazily when a group appears in
    a new block), and the same for all cases. Each replicate draws the *same* weights as
    techfile (``GroupedCases.draws`` from the same seed: the Poisson sampler is shared and
    timed in both), runs the kernel and forms the five metrics. Its inputs (cases in score
    order, group codes, tie blocks) are prepared before timing, and it is compiled on a small
    input first: neither is timed. All 1,000 replicates are timed, and every replicate's 505
    values must agree with techfile's to 1e-12 (relative), or the script stops.
fairlearn
    ``MetricFrame`` with the five metrics as scikit-learn functions (recall, recall of the
    negative class, precision, precision of the negative class at the threshold;
    ``roc_auc_score``) and the 100 groups as ``sensitive_features``. Each replicate is the
    resampled frame: every case repeated as often as its weight in the same replicate of
    techfile. Timed on the first few replicates (default 3), then multiplied by 1,000: the
    table says so. Its values must agree with techfile's for those replicates.

Targets (issue): techfile at least 1,000 times faster than fairlearn; within 3x the time of the
numba kernel; peak memory O(n), checked as (a) at most 128 bytes per case (16 float64) and (b)
a growth from B/10 to B replicates no larger than the growth of the result table plus one byte
per case. The script prints PASS or FAIL for each and exits 1 if any fails.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar

import numpy as np
import numpy.typing as npt
from fairlearn.metrics import MetricFrame  # type: ignore[import-untyped]  # no type hints
from numba import njit
from scipy.special import expit
from sklearn.metrics import (  # type: ignore[import-untyped]  # no type hints
    precision_score,
    recall_score,
    roc_auc_score,
)

from techfile.evaluate import GroupedCases, Resampling, grouped_bootstrap

ROWS: Final = 10**6
GROUPS: Final = 100
REPLICATES: Final = 1_000
FAIRLEARN_REPLICATES: Final = 3
PREVALENCE: Final = 0.2
THRESHOLD: Final = 0.5
SEED: Final = 2025
FAIRLEARN_FACTOR: Final = 1_000.0
NUMBA_FACTOR: Final = 3.0
BYTES_PER_ROW: Final = 128
AGREEMENT: Final = 1e-12

Floats = npt.NDArray[np.float64]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Data:
    """The benchmark's cases."""

    labels: npt.NDArray[np.int8]
    """Reference standard, 0/1."""
    scores: Floats
    """Model output in (0, 1)."""
    groups: npt.NDArray[np.int64]
    """Group code per case."""


def make_data(rows: int, groups: int, decimals: int | None) -> Data:
    """Draw the cases: a binormal score model with a shift per group."""
    rng = np.random.default_rng(SEED)
    group = rng.integers(0, groups, rows)
    labels = (rng.random(rows) < PREVALENCE).astype(np.int8)
    shift = rng.normal(0.0, 0.3, groups)[group]
    scores = expit(rng.normal(-1.0 + 1.6 * labels + shift, 1.0))
    if decimals is not None:
        scores = np.round(scores, decimals)
    return Data(labels, scores, group)


# ---- the compiled reference kernel ----------------------------------------------------------


@njit(cache=False)
def one_pass(  # noqa: PLR0913, PLR0917  # the kernel's arrays, positional for numba
    weights: npt.NDArray[np.uint8],
    group: npt.NDArray[np.uint32],
    label: npt.NDArray[np.uint8],
    above: npt.NDArray[np.uint8],
    block: npt.NDArray[np.uint32],
    groups: int,
) -> tuple[npt.NDArray[np.int64], np.int64]:
    """One replicate in one pass over the cases in score order (ties share a block number).

    Per group a row: TN, FP, FN, TP, 2U, negatives below the current tie block, negatives and
    positives seen in the current block; the second value is 2U of all cases.
    """
    state = np.zeros((groups, 8), np.int64)
    stamp = np.full(groups, -1, np.int64)
    zero = np.int64(0)
    twice_u, below, block_negatives, block_positives, current = zero, zero, zero, zero, -zero - 1
    for i in range(weights.size):
        w = np.int64(weights[i])
        k, positive, b = group[i], label[i], np.int64(block[i])
        row = state[k]
        row[2 * positive + above[i]] += w
        if stamp[k] != b:  # first case of this group in a new tie block: flush the last one
            row[5] += row[6]
            row[6] = 0
            row[7] = 0
            stamp[k] = b
        if b != current:
            below += block_negatives
            block_negatives, block_positives, current = zero, zero, b
        if positive:
            row[4] += w * (2 * row[5] + row[6])
            row[7] += w
            twice_u += w * (2 * below + block_negatives)
            block_positives += w
        else:
            row[4] += w * row[7]
            row[6] += w
            twice_u += w * block_positives
            block_negatives += w
    return state, twice_u


def _ratio(top: npt.NDArray[np.int64], bottom: npt.NDArray[np.int64]) -> Floats:
    out = np.full(top.shape, np.nan)
    np.divide(top, bottom, out=out, where=bottom > 0)
    return out


def kernel_metrics(state: npt.NDArray[np.int64], twice_u: np.int64) -> Floats:
    """The five metrics of all cases (row 0) and each group from the kernel's counters."""
    cells = np.vstack([state[:, :5].sum(axis=0), state[:, :5]])
    cells[0, 4] = twice_u
    tn, fp, fn, tp, u2 = cells.T
    positives, negatives = tp + fn, tn + fp
    return np.stack(
        [
            _ratio(tp, positives),
            _ratio(tn, negatives),
            _ratio(tp, tp + fp),
            _ratio(tn, tn + fn),
            _ratio(u2, 2 * positives * negatives),
        ],
        axis=1,
    )


@dataclass(frozen=True, slots=True)
class KernelInputs:
    """The cases in score order, as the kernel reads them."""

    group: npt.NDArray[np.uint32]
    label: npt.NDArray[np.uint8]
    above: npt.NDArray[np.uint8]
    block: npt.NDArray[np.uint32]
    groups: int

    @classmethod
    def of(cls, data: Data, order: npt.NDArray[np.intp], groups: int) -> KernelInputs:
        """Sort the cases by score (``order``) and number the tie blocks."""
        scores = data.scores[order]
        new_block = np.ones(scores.size, dtype=bool)
        new_block[1:] = scores[1:] != scores[:-1]
        return cls(
            data.groups[order].astype(np.uint32),
            data.labels[order].astype(np.uint8),
            (scores >= THRESHOLD).astype(np.uint8),
            (np.cumsum(new_block) - 1).astype(np.uint32),
            groups,
        )

    def run(self, weights: npt.NDArray[np.uint8]) -> Floats:
        """One replicate's metrics."""
        state, twice_u = one_pass(
            weights, self.group, self.label, self.above, self.block, self.groups
        )
        return kernel_metrics(state, twice_u)


# ---- the contenders -------------------------------------------------------------------------


def run_techfile(data: Data, replicates: int) -> Floats:
    """Run the grouped bootstrap; return every replicate's values."""
    result = grouped_bootstrap(
        data.labels, data.scores, data.groups, threshold=THRESHOLD, seed=SEED, replicates=replicates
    )
    return result.values


def peak_memory(data: Data, replicates: int) -> int:
    """Peak bytes allocated during a grouped bootstrap, by tracemalloc."""
    tracemalloc.start()
    try:
        run_techfile(data, replicates)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run_numba(cases: GroupedCases, inputs: KernelInputs, replicates: int) -> Floats:
    """Every replicate with the kernel, on the weights techfile draws from the same seed."""
    values = np.empty((replicates, 1 + inputs.groups, 5))
    done = 0
    for chunk in cases.draws(np.random.default_rng(SEED), replicates, Resampling.POISSON):
        for weights in chunk:
            values[done] = inputs.run(weights)
            done += 1
    return values


def draw_only(cases: GroupedCases, replicates: int) -> None:
    """Draw the weights of every replicate and nothing else."""
    for _ in cases.draws(np.random.default_rng(SEED), replicates, Resampling.POISSON):
        pass


def _called(scores: Floats) -> npt.NDArray[np.int8]:
    return (scores >= THRESHOLD).astype(np.int8)


def sensitivity(labels: npt.NDArray[np.int8], scores: Floats) -> float:
    """Recall of the positives at the threshold."""
    return float(recall_score(labels, _called(scores), zero_division=np.nan))


def specificity(labels: npt.NDArray[np.int8], scores: Floats) -> float:
    """Recall of the negatives at the threshold."""
    return float(recall_score(labels, _called(scores), pos_label=0, zero_division=np.nan))


def ppv(labels: npt.NDArray[np.int8], scores: Floats) -> float:
    """Precision of the positive calls at the threshold."""
    return float(precision_score(labels, _called(scores), zero_division=np.nan))


def npv(labels: npt.NDArray[np.int8], scores: Floats) -> float:
    """Precision of the negative calls at the threshold."""
    return float(precision_score(labels, _called(scores), pos_label=0, zero_division=np.nan))


def run_fairlearn(data: Data, cases: GroupedCases, replicates: int) -> tuple[float, Floats]:
    """Seconds per replicate of MetricFrame on resampled frames, and the replicates' values."""
    metrics: dict[str, Callable[[npt.NDArray[np.int8], Floats], float]] = {
        "sensitivity": sensitivity,
        "specificity": specificity,
        "ppv": ppv,
        "npv": npv,
        "auroc": roc_auc_score,
    }
    values = []
    started = time.perf_counter()
    for weights in cases.replicate_weights(SEED, replicates):
        rows = np.repeat(np.arange(weights.size), weights)
        frame = MetricFrame(
            metrics=metrics,
            y_true=data.labels[rows],
            y_pred=data.scores[rows],
            sensitive_features=data.groups[rows],
        )
        values.append(np.vstack([frame.overall.to_numpy(), frame.by_group.to_numpy()]))
    return (time.perf_counter() - started) / replicates, np.asarray(values, dtype=np.float64)


def check_agreement(name: str, ours: Floats, theirs: Floats, rtol: float) -> float:
    """Stop the benchmark unless the values agree; return the largest absolute difference."""
    both = np.isfinite(ours) & np.isfinite(theirs)
    if not np.array_equal(np.isfinite(ours), np.isfinite(theirs)):
        raise SystemExit(f"{name} and techfile disagree on which values are undefined")
    if not np.allclose(ours[both], theirs[both], rtol=rtol, atol=0.0):
        raise SystemExit(f"{name} and techfile disagree: {np.abs(ours - theirs)[both].max():g}")
    return float(np.abs(ours[both] - theirs[both]).max(initial=0.0))


# ---- the table ------------------------------------------------------------------------------

Row = tuple[str, str, str, str, bool | None]
"""(measure, techfile, peer, target, passed); passed None for rows shown for information."""


def print_table(rows: list[Row]) -> None:
    """Print the rows as one aligned text table with a verdict column."""
    header = ("measure", "techfile", "peer", "target")
    cells = [(measure, ours, peer, target) for measure, ours, peer, target, _ in rows]
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  result")
    print("-" * (sum(widths) + 2 * len(widths) + 6))
    for row, (*_, passed) in zip(cells, rows, strict=True):
        verdict = "-" if passed is None else ("PASS" if passed else "FAIL")
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + "  " + verdict)


def _timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def measure(args: argparse.Namespace) -> list[Row]:
    """Run every contender and return the table's rows."""
    rows_, groups, replicates = args.rows, args.groups, args.replicates
    data = make_data(rows_, groups, args.decimals)
    size = f"{rows_:,} rows x {groups} groups x 5 metrics, {replicates:,} replicates"
    print(f"{size}; timing techfile", file=sys.stderr, flush=True)
    ours, values = _timed(lambda: run_techfile(data, replicates))
    cases = GroupedCases.of(data.labels, data.scores, data.groups, threshold=THRESHOLD)
    inputs = KernelInputs.of(data, cases.order, groups)
    small = make_data(1_000, groups, args.decimals)
    KernelInputs.of(small, np.argsort(small.scores, kind="stable"), groups).run(
        np.ones(1_000, dtype=np.uint8)
    )  # compile
    print("timing numba", file=sys.stderr, flush=True)
    compiled, kernel_values = _timed(lambda: run_numba(cases, inputs, replicates))
    numba_gap = check_agreement("numba", values, kernel_values, AGREEMENT)
    drawing, _ = _timed(lambda: draw_only(cases, replicates))
    print("timing fairlearn", file=sys.stderr, flush=True)
    few = args.fairlearn_replicates
    per_replicate, fair_values = run_fairlearn(data, cases, few)
    fair_gap = check_agreement("fairlearn", values[:few], fair_values, 1e-9)
    fairlearn = per_replicate * replicates
    print("measuring memory", file=sys.stderr, flush=True)
    peak = peak_memory(data, replicates)
    fewer = max(1, replicates // 10)
    growth = peak - peak_memory(data, fewer)
    table = (replicates - fewer) * (1 + groups) * 5 * 8
    matrix = rows_ * replicates * 8
    return [
        (f"total time, {size}", f"{ours:,.1f} s",
         f"fairlearn {fairlearn:,.0f} s (EXTRAPOLATED: {few} replicates x {replicates:,})",
         f">= {FAIRLEARN_FACTOR:,.0f}x faster ({fairlearn / ours:,.0f}x)",
         fairlearn >= FAIRLEARN_FACTOR * ours),
        (f"total time, {size}", f"{ours:,.1f} s",
         f"numba one-pass kernel {compiled:,.1f} s (all {replicates:,} replicates)",
         f"<= {NUMBA_FACTOR:g}x numba ({ours / compiled:.2f}x)",
         ours <= NUMBA_FACTOR * compiled),
        ("time per replicate (total / replicates)", f"{ours / replicates * 1e3:,.1f} ms",
         f"numba {compiled / replicates * 1e3:,.1f} ms; fairlearn {per_replicate:,.1f} s",
         "information", None),
        ("  of which drawing the Poisson weights (both)", f"{drawing / replicates * 1e3:,.1f} ms",
         f"{drawing / replicates * 1e3:,.1f} ms", "information", None),
        ("peak memory (tracemalloc)",
         f"{peak / 1e6:,.0f} MB ({peak / rows_:,.0f} B per row)",
         f"n x B x 8 = {matrix / 1e6:,.0f} MB ({peak / matrix:.2%} of it)",
         f"<= {BYTES_PER_ROW} B per row", peak <= BYTES_PER_ROW * rows_),
        (f"peak growth, {fewer:,} to {replicates:,} replicates", f"{growth / 1e6:,.1f} MB",
         f"result table grows {table / 1e6:,.1f} MB",
         "<= table + 1 B per row", growth <= table + rows_),
        ("agreement, max |difference|", "",
         f"numba {numba_gap:.1e} ({replicates:,} replicates); fairlearn {fair_gap:.1e} ({few})",
         f"numba rel. <= {AGREEMENT:g}", None),
    ]  # fmt: skip


def main() -> int:
    """Run the benchmark, print one table with a verdict per target; 1 if any target fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=ROWS, help="cases")
    parser.add_argument("--groups", type=int, default=GROUPS, help="subgroups")
    parser.add_argument("--replicates", type=int, default=REPLICATES, help="bootstrap replicates")
    parser.add_argument(
        "--fairlearn-replicates",
        type=int,
        default=FAIRLEARN_REPLICATES,
        help="fairlearn replicates timed (then extrapolated)",
    )
    parser.add_argument("--decimals", type=int, default=None, help="round scores (ties)")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = measure(args)
    print_table(rows)
    failed = sum(passed is False for *_, passed in rows)
    print(f"\n{failed} of {sum(p is not None for *_, p in rows)} targets failed;"
          f" run took {time.perf_counter() - started:,.0f} s on this machine")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
