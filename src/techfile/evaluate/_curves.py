"""The curves behind the plots: ROC with a pointwise band, and the reliability diagram's bins.

The ROC curve has one point per distinct score: at threshold t a case is positive when its
score is at least t, as at the operating point. The band is pointwise and vertical: at each
threshold, the Wilson interval of the true positive rate over the positives (Macskassy and
Provost 2004 compare such bands; a pointwise band does not cover the whole curve with the
stated level). The curve kept for the report has at most `ROC_POINTS` points, chosen evenly
along its length, always with both ends: enough to draw it, small enough for the evidence
record, whatever the number of cases. The AUROC is computed from all cases, never from these
points.

The reliability diagram's bins are those of the expected calibration error (`ECE_BINS`
equal-width bins on [0, 1]), each with the Wilson interval of its observed rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from techfile.evaluate._intervals import wilson_interval
from techfile.evaluate._threshold import CalibrationBin

__all__ = ["ROC_POINTS", "ReliabilityBin", "RocCurve", "reliability_bins", "roc_curve"]

ROC_POINTS: Final = 201
"""Most points kept of a ROC curve (for drawing; the areas use every case)."""


@dataclass(frozen=True, slots=True)
class RocCurve:
    """The ROC curve from (0, 0) to (1, 1) with a pointwise band on the true positive rate."""

    fpr: tuple[float, ...]
    """False positive rate at each point, ascending."""
    tpr: tuple[float, ...]
    """True positive rate at each point."""
    tpr_lower: tuple[float, ...]
    """Lower Wilson limit of the true positive rate."""
    tpr_upper: tuple[float, ...]
    """Upper Wilson limit of the true positive rate."""
    thresholds: tuple[float | None, ...]
    """The threshold of each point (None for the first point, where no case is positive)."""
    level: float
    """Confidence level of the band."""

    def __post_init__(self) -> None:
        sizes = {len(self.fpr), len(self.tpr), len(self.tpr_lower), len(self.tpr_upper)}
        if sizes != {len(self.thresholds)} or len(self.fpr) < 2:  # noqa: PLR2004  # two ends
            raise ValueError("a ROC curve needs at least its two ends, with one value per point")


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One bin of the reliability diagram with the interval of its observed rate."""

    lower: float
    """Lower edge of the bin."""
    upper: float
    """Upper edge of the bin."""
    n: int
    """Cases in the bin."""
    positives: int
    """Cases with label 1 in the bin."""
    mean_predicted: float | None
    """Mean predicted probability (None when the bin is empty)."""
    observed_lower: float | None
    """Lower Wilson limit of the observed rate (None when empty)."""
    observed_upper: float | None
    """Upper Wilson limit of the observed rate (None when empty)."""

    @property
    def observed(self) -> float | None:
        """Share of positives in the bin (None when empty)."""
        return self.positives / self.n if self.n else None


def roc_curve(
    labels: npt.NDArray[np.bool_], scores: npt.NDArray[np.float64], *, alpha: float
) -> RocCurve | None:
    """Return the ROC curve of checked labels and scores, or None without both classes."""
    positives = int(np.count_nonzero(labels))
    negatives = labels.size - positives
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(-scores, kind="stable")
    ranked, truth = scores[order], labels[order]
    last_of_tie = np.append(ranked[1:] != ranked[:-1], True)
    tp = np.cumsum(truth)[last_of_tie]
    fp = np.cumsum(~truth)[last_of_tie]
    tp = np.concatenate(([0], tp))
    fp = np.concatenate(([0], fp))
    thresholds: list[float | None] = [None, *ranked[last_of_tie].tolist()]
    keep = _evenly(fp / negatives, tp / positives, ROC_POINTS)
    bands = [wilson_interval(int(tp[i]), positives, alpha=alpha) for i in keep]
    return RocCurve(
        fpr=tuple(float(fp[i] / negatives) for i in keep),
        tpr=tuple(float(tp[i] / positives) for i in keep),
        tpr_lower=tuple(b.lower for b in bands),
        tpr_upper=tuple(b.upper for b in bands),
        thresholds=tuple(thresholds[i] for i in keep),
        level=1.0 - alpha,
    )


def _evenly(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], most: int
) -> npt.NDArray[np.intp]:
    """Indices of at most ``most`` points spread evenly along the curve, ends included."""
    if x.size <= most:
        return np.arange(x.size, dtype=np.intp)
    travelled = np.concatenate(([0.0], np.cumsum(np.abs(np.diff(x)) + np.abs(np.diff(y)))))
    marks = np.linspace(0.0, travelled[-1], most)
    chosen = np.searchsorted(travelled, marks, side="left")
    chosen[-1] = x.size - 1
    return np.unique(np.clip(chosen, 0, x.size - 1)).astype(np.intp)


def reliability_bins(
    bins: tuple[CalibrationBin, ...], *, alpha: float
) -> tuple[ReliabilityBin, ...]:
    """Add the Wilson interval of the observed rate to each bin of the calibration error."""
    found = []
    for b in bins:
        if b.n == 0:
            found.append(ReliabilityBin(b.lower, b.upper, 0, 0, None, None, None))
            continue
        positives = round(b.observed * b.n)
        interval = wilson_interval(positives, b.n, alpha=alpha)
        found.append(
            ReliabilityBin(
                b.lower, b.upper, b.n, positives, b.mean_predicted, interval.lower, interval.upper
            )
        )
    return tuple(found)
