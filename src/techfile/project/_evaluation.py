"""The optional ``evaluation:`` section of ``techfile.yaml``: the plan fixed before testing.

AI Act Art 9(8) asks for testing "against prior defined metrics and probabilistic
thresholds". Writing them in the manifest, under version control, dates them before the test
data are evaluated; ``techfile evaluate --project`` and the ``evaluation`` evidence collector
judge the results against them::

    evaluation:
      threshold: 0.5               # a case is positive when its score is at least this
      confidence_level: 0.95       # level of every interval
      acceptance_criteria:
        - metric: sensitivity
          population: overall      # or {group: sex, value: female}
          at_least: 0.80           # judged on the lower confidence limit
          rationale: missed disease delays treatment; state of the art is 0.85

Rules enforced (located errors): the metric is one techfile estimates (a closed list, with
the known names in the message); each criterion has exactly one of ``at_least`` and
``at_most`` and a rationale; the threshold and the confidence level lie in their ranges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

if TYPE_CHECKING:
    from techfile.evaluate import EvaluationPlan

__all__ = [
    "CriterionModel",
    "EvaluationModel",
    "MetricNameText",
    "SubgroupModel",
    "plan_from_model",
]

MetricNameText = Literal[
    "sensitivity",
    "specificity",
    "ppv",
    "npv",
    "accuracy",
    "f1",
    "lr_positive",
    "lr_negative",
    "prevalence",
    "auroc",
    "auprc",
    "calibration_slope",
    "calibration_intercept",
]
"""The metrics a criterion may name: every `techfile.evaluate.MetricName` that has a confidence
interval (not ``ece``, which has none to judge). Spelt out so that reading a manifest does not
load the statistics (numpy, scipy, pyarrow); a test keeps the lists in step."""

_Number = Annotated[float, Field(strict=False, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubgroupModel(_Model):
    """A subgroup: one value of one group column of the evaluation table."""

    group: str = Field(min_length=1, description="The group column, e.g. sex.")
    value: str | StrictInt | StrictBool = Field(
        description="The value in that column, as written in the table, e.g. female."
    )

    def text(self) -> str:
        """The value as the table reader writes it (numbers plain, booleans lower case)."""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)


class CriterionModel(_Model):
    """One acceptance criterion."""

    metric: MetricNameText = Field(description="The metric the criterion is about.")
    population: Literal["overall"] | SubgroupModel = Field(
        default="overall", description="overall, or {group: COLUMN, value: VALUE}."
    )
    at_least: _Number | None = Field(
        default=None, description="The lower confidence limit must reach this."
    )
    at_most: _Number | None = Field(
        default=None, description="The upper confidence limit must not exceed this."
    )
    rationale: str = Field(min_length=10, description="Why this limit (clinical need, SOTA).")

    @model_validator(mode="after")
    def _one_limit(self) -> CriterionModel:
        if (self.at_least is None) == (self.at_most is None):
            msg = "exactly one of at_least and at_most"
            raise ValueError(msg)
        return self


class EvaluationModel(_Model):
    """``evaluation:``: threshold, confidence level and acceptance criteria."""

    threshold: _Number | None = Field(
        default=None, description="Decision threshold: positive when score >= threshold."
    )
    confidence_level: Annotated[float, Field(gt=0.5, lt=1.0)] = Field(
        default=0.95, description="Level of every interval, e.g. 0.95."
    )
    acceptance_criteria: list[CriterionModel] = Field(default_factory=list)


def plan_from_model(model: EvaluationModel) -> EvaluationPlan:
    """Turn the validated section into the evaluation plan."""
    # Imported here: the statistics load only when an evaluation is run.
    from techfile.evaluate import (  # noqa: PLC0415
        AcceptanceCriterion,
        EvaluationPlan,
        Limit,
        MetricName,
        Subgroup,
    )

    criteria = []
    for c in model.acceptance_criteria:
        limit, value = (
            (Limit.AT_LEAST, c.at_least) if c.at_least is not None else (Limit.AT_MOST, c.at_most)
        )
        assert value is not None  # noqa: S101  # the validator demands one of the two
        where = None if c.population == "overall" else c.population
        criteria.append(
            AcceptanceCriterion(
                MetricName(c.metric),
                limit,
                value,
                c.rationale,
                None if where is None else Subgroup(where.group, where.text()),
            )
        )
    return EvaluationPlan(model.threshold, model.confidence_level, tuple(criteria))
