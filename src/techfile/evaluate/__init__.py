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
* `grouped_bootstrap`: sensitivity, specificity, PPV, NPV and AUROC of every subgroup with
  percentile bootstrap intervals, all from one weight vector per replicate (`GroupedCases`);
* `wilson_interval`, `clopper_pearson_interval`, `newcombe_interval`: the intervals on counts;
* `read_table` and `evaluate`: a CSV or Parquet table of cases, evaluated overall, per subgroup
  and intersection, with fairness gaps and the verdicts of pre-specified acceptance criteria
  (`EvaluationPlan`), as one `EvaluationReport`; `report_json` publishes it
  (``techfile schema evaluation``) and `evidence_draft` makes it evidence. The figures are in
  `techfile.evaluate.plots`, a module of its own because it loads matplotlib.

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
from techfile.evaluate._criteria import (
    AcceptanceCriterion,
    CriterionResult,
    EvaluationPlan,
    Limit,
    Subgroup,
    Verdict,
    judge,
)
from techfile.evaluate._curves import ROC_POINTS, ReliabilityBin, RocCurve
from techfile.evaluate._evidence import evidence_draft
from techfile.evaluate._format import describe
from techfile.evaluate._gaps import GAP_METRICS, Gap, GapResult, NoGap
from techfile.evaluate._grouped import (
    MAX_UNDEFINED_SHARE,
    GroupedBootstrapResult,
    GroupEstimates,
    grouped_bootstrap,
)
from techfile.evaluate._grouped_cases import GROUPED_METRICS, GroupedCases
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
from techfile.evaluate._json import evaluation_schema, report_json
from techfile.evaluate._json_read import report_from_json
from techfile.evaluate._metric import (
    MIN_DENOMINATOR,
    Metric,
    MetricName,
    MetricResult,
    Undefined,
    UndefinedReason,
)
from techfile.evaluate._report import (
    DEFAULT_SEED,
    EvaluationReport,
    Grouping,
    Reliability,
    Settings,
    TableSummary,
    evaluate,
)
from techfile.evaluate._subgroups import REPORTED_METRICS, Population
from techfile.evaluate._table import (
    MISSING_LEVEL,
    Columns,
    EvaluationTable,
    ScoreKind,
    TableFormat,
    read_table,
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
from techfile.evaluate.errors import EvaluationInputError, EvaluationTableError

__all__ = [
    "ALPHA",
    "CONFUSION_METRICS",
    "DEFAULT_REPLICATES",
    "DEFAULT_SEED",
    "ECE_BINS",
    "GAP_METRICS",
    "GROUPED_METRICS",
    "MAX_UNDEFINED_SHARE",
    "MIN_DENOMINATOR",
    "MISSING_LEVEL",
    "PROBABILITY_CLIP",
    "REPORTED_METRICS",
    "ROC_POINTS",
    "AcceptanceCriterion",
    "AurocScale",
    "BinaryMetrics",
    "BootstrapObserver",
    "BootstrapResult",
    "Calibration",
    "CalibrationBin",
    "Columns",
    "ConfusionCounts",
    "CriterionResult",
    "EvaluationInputError",
    "EvaluationPlan",
    "EvaluationReport",
    "EvaluationTable",
    "EvaluationTableError",
    "ExpectedCalibrationError",
    "Gap",
    "GapResult",
    "GroupEstimates",
    "GroupedBootstrapResult",
    "GroupedCases",
    "Grouping",
    "Interval",
    "IntervalMethod",
    "Limit",
    "Metric",
    "MetricName",
    "MetricResult",
    "NoGap",
    "NullObserver",
    "OperatingPoint",
    "Population",
    "ProportionMethod",
    "Reliability",
    "ReliabilityBin",
    "Resampling",
    "ResamplingUnit",
    "RocCurve",
    "ScoreKind",
    "Settings",
    "Subgroup",
    "TableFormat",
    "TableSummary",
    "Undefined",
    "UndefinedReason",
    "Verdict",
    "WeightedStatistic",
    "auprc",
    "auroc",
    "binary_metrics",
    "bootstrap",
    "bootstrap_metric",
    "calibration",
    "clopper_pearson_interval",
    "confusion_counts",
    "describe",
    "evaluate",
    "evaluation_schema",
    "evidence_draft",
    "expected_calibration_error",
    "grouped_bootstrap",
    "judge",
    "metric_statistic",
    "metrics_from_counts",
    "newcombe_interval",
    "operating_point",
    "proportion_interval",
    "read_table",
    "report_from_json",
    "report_json",
    "wilson_interval",
]
