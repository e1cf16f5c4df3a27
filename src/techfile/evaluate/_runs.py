"""The bootstrap runs behind an evaluation: which are needed, running them, using them.

Per grouping (one column, a pair, all columns) the evaluation draws from `grouped_bootstrap`:

* with independent cases, one run on the scores when there are two or more cells, for the
  paired interval of the AUROC gap (the proportions' gaps have Newcombe's interval);
* with cluster ids, a run on the scores (giving, with a threshold, the decision's metrics too)
  and, when a prediction column gives the decision, a run on the predictions; their intervals
  replace the closed forms of sensitivity, specificity, PPV, NPV and AUROC in every cell.

All runs of one evaluation share the seed, so they weight the same clusters in each replicate;
progress is reported over all runs together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from techfile.evaluate._bootstrap import BootstrapObserver
from techfile.evaluate._grouped import GroupedBootstrapResult, GroupEstimates, grouped_bootstrap
from techfile.evaluate._grouped_cases import GROUPED_METRICS
from techfile.evaluate._metric import MetricName
from techfile.evaluate._subgroups import Cases, Population, with_bootstrap

__all__ = ["BootstrapRuns"]

_DECISION_METRICS: Final = tuple(m for m in GROUPED_METRICS if m is not MetricName.AUROC)


@dataclass(frozen=True, slots=True)
class _Progress:
    """Reports the progress of one bootstrap run as part of all runs together."""

    observer: BootstrapObserver
    offset: int
    total: int

    def replicate_done(self, done: int, total: int) -> None:
        del total
        self.observer.replicate_done(self.offset + done, self.total)


class BootstrapRuns:
    """The bootstrap runs of one evaluation: one or two per grouping, as the data need."""

    def __init__(  # noqa: PLR0913  # the data and the bootstrap's settings
        self,
        cases: Cases,
        cut: float | None,
        *,
        predicted: bool,
        replicates: int,
        seed: int,
        alpha: float,
        min_n: int,
    ) -> None:
        self.cases, self.cut, self.predicted = cases, cut, predicted
        self.settings = {"replicates": replicates, "seed": seed, "alpha": alpha, "min_n": min_n}
        self.done: list[dict[str, GroupedBootstrapResult]] = []

    def _wanted(self, codes: npt.NDArray[np.intp]) -> list[str]:
        """The runs a layout needs: a decision run for a prediction column, a score run."""
        if self.cases.ids is None:
            # Independent cases: closed forms, and Newcombe for the proportions' gaps; only
            # the AUROC gap between two or more cells needs the bootstrap.
            several = int(codes.max(initial=0)) >= 1
            return ["score"] if several and self.cases.scores is not None else []
        wanted = []
        if self.cases.decisions is not None and self.predicted:
            wanted.append("decision")
        if self.cases.scores is not None:
            wanted.append("score")  # with a threshold, it gives the decision's metrics too
        return wanted

    def start(self, layouts: list[npt.NDArray[np.intp]], observer: BootstrapObserver) -> None:
        """Run every bootstrap the layouts need, reporting progress over all of them."""
        plans = [self._wanted(codes) for codes in layouts]
        replicates = int(self.settings["replicates"])
        total = replicates * sum(len(p) for p in plans)
        offset = 0
        for codes, kinds in zip(layouts, plans, strict=True):
            found: dict[str, GroupedBootstrapResult] = {}
            for kind in kinds:
                found[kind] = self._run(kind, codes, _Progress(observer, offset, total))
                offset += replicates
            self.done.append(found)

    def _run(
        self, kind: str, codes: npt.NDArray[np.intp], progress: BootstrapObserver
    ) -> GroupedBootstrapResult:
        cases = self.cases
        if kind == "decision":
            assert cases.decisions is not None  # noqa: S101  # planned only with decisions
            scores, cut = cases.decisions.astype(np.float64), 0.5
        else:
            assert cases.scores is not None  # noqa: S101  # planned only with scores
            # Without a threshold only AUROC is used, and any threshold will do.
            scores, cut = cases.scores, self.cut if self.cut is not None else 0.0
        return grouped_bootstrap(
            cases.labels,
            scores,
            codes,
            threshold=cut,
            seed=int(self.settings["seed"]),
            ids=cases.ids,
            replicates=int(self.settings["replicates"]),
            alpha=float(self.settings["alpha"]),
            min_n=int(self.settings["min_n"]),
            observer=progress,
        )

    def _source(self, index: int, metric: MetricName) -> GroupedBootstrapResult | None:
        found = self.done[index] if index < len(self.done) else {}
        if metric is MetricName.AUROC or not self.predicted:
            return found.get("score")
        return found.get("decision")

    def clustered(self, cell: Population, index: int, code: int | None) -> Population:
        """Give a cell the cluster-bootstrap intervals of its grouping's runs."""
        for metric in GROUPED_METRICS:
            result = self._source(index, metric)
            if result is not None:
                estimates = result.overall if code is None else result.group(str(code))
                cell = with_bootstrap(cell, estimates, (metric,))
        return cell

    def replicates(self, index: int) -> Mapping[MetricName, npt.NDArray[np.float64]]:
        """Per metric, the replicate values of each cell of a grouping (cells in code order)."""
        found = {}
        for column, metric in enumerate(GROUPED_METRICS):
            result = self._source(index, metric)
            if result is None or (metric in _DECISION_METRICS and self.cases.decisions is None):
                continue
            rows = [row for row, g in sorted(enumerate(result.groups, 1), key=_code_of)]
            found[metric] = result.values[:, rows, column]
        return found


def _code_of(row: tuple[int, GroupEstimates]) -> int:
    """The cell index of a bootstrap row (the group codes given to the bootstrap)."""
    return int(row[1].group or 0)
