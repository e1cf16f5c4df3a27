"""Performance evaluation of an AI model: metrics with confidence intervals.

The evidence that AI Act Art 9(8) (testing against pre-defined metrics), Art 15(1)-(3)
(declared accuracy), Annex IV 2(g) and 3-4 and MDCG 2020-1 (clinical performance of medical
device software) ask for, computed the way STARD 2015 and TRIPOD+AI ask it to be reported:
every estimate with its confidence interval and the method behind it, and subgroups where an
estimate is impossible reported as such.

* `binary_metrics` / `metrics_from_counts`: sensitivity, specificity, PPV, NPV, accuracy, F1,
  likelihood ratios and prevalence of a binary decision;
* `auroc` (DeLong interval) and `auprc` (average precision) for continuous scores;
* `operating_point`, `calibration` and `expected_calibration_error` for a scored model at its
  pre-specified threshold;
* `bootstrap_metric` / `bootstrap`: percentile bootstrap intervals, by case or by cluster;
* `wilson_interval`, `clopper_pearson_interval`, `newcombe_interval`: the intervals on counts.

Each metric is a `Metric` (estimate, `Interval`, n) or an `Undefined` that says why
(`MetricResult`). Bad input raises `EvaluationInputError`, an `InputError`.
"""

from techfile.evaluate._auroc import AurocScale, auprc, auroc
from techfile.evaluate._bootstrap import (
    DEFAULT_REPLICATES,
    BootstrapObserver,
    BootstrapResult,
    NullObserver,
    Resampling,
    ResamplingUnit,
    WeightedStatistic,
    bootstrap,
    bootstrap_metric,
    metric_statistic,
)
from techfile.evaluate._confusion import (
    CONFUSION_METRICS,
    BinaryMetrics,
    ConfusionCounts,
    binary_metrics,
    confusion_counts,
    metrics_from_counts,
)
from techfile.evaluate._intervals import (
    ALPHA,
    Interval,
    IntervalMethod,
    ProportionMethod,
    clopper_pearson_interval,
    newcombe_interval,
    proportion_interval,
    wilson_interval,
)
from techfile.evaluate._metric import (
    MIN_DENOMINATOR,
    Metric,
    MetricName,
    MetricResult,
    Undefined,
    UndefinedReason,
)
from techfile.evaluate._threshold import (
    ECE_BINS,
    PROBABILITY_CLIP,
    Calibration,
    CalibrationBin,
    ExpectedCalibrationError,
    OperatingPoint,
    calibration,
    expected_calibration_error,
    operating_point,
)
from techfile.evaluate.errors import EvaluationInputError

__all__ = [
    "ALPHA",
    "CONFUSION_METRICS",
    "DEFAULT_REPLICATES",
    "ECE_BINS",
    "MIN_DENOMINATOR",
    "PROBABILITY_CLIP",
    "AurocScale",
    "BinaryMetrics",
    "BootstrapObserver",
    "BootstrapResult",
    "Calibration",
    "CalibrationBin",
    "ConfusionCounts",
    "EvaluationInputError",
    "ExpectedCalibrationError",
    "Interval",
    "IntervalMethod",
    "Metric",
    "MetricName",
    "MetricResult",
    "NullObserver",
    "OperatingPoint",
    "ProportionMethod",
    "Resampling",
    "ResamplingUnit",
    "Undefined",
    "UndefinedReason",
    "WeightedStatistic",
    "auprc",
    "auroc",
    "binary_metrics",
    "bootstrap",
    "bootstrap_metric",
    "calibration",
    "clopper_pearson_interval",
    "confusion_counts",
    "expected_calibration_error",
    "metric_statistic",
    "metrics_from_counts",
    "newcombe_interval",
    "operating_point",
    "proportion_interval",
    "wilson_interval",
]
