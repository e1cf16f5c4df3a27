"""Bad inputs fail with an InputError whose message names the input and what was found."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from techfile.errors import InputError
from techfile.evaluate import (
    EvaluationInputError,
    MetricName,
    auprc,
    auroc,
    binary_metrics,
    bootstrap_metric,
    calibration,
    expected_calibration_error,
    operating_point,
)

GOOD_LABELS = np.array([0, 1] * 20)
GOOD_SCORES = np.linspace(0.01, 0.99, 40)
GOOD_PREDICTIONS = (GOOD_SCORES > 0.5).astype(int)


BINARY_DEFECTS = [
    pytest.param([0, 1, 2, 1], "labels", "2", id="label-2"),
    pytest.param([0, 1, -1, 1], "labels", "-1", id="label-minus-1"),
    pytest.param([0.0, 1.0, np.nan, 1.0], "labels", "NaN", id="label-nan"),
    pytest.param(["yes", "no", "yes", "no"], "labels", "'yes'", id="label-strings"),
    pytest.param([0.0, 0.5, 1.0, 1.0], "labels", "0.5", id="label-fraction"),
    pytest.param([[0, 1], [1, 0]], "labels", "shape", id="label-two-dimensional"),
    pytest.param([None, 1, 0, 1], "labels", "None", id="label-none"),
]


@pytest.mark.parametrize(("labels", "argument", "found"), BINARY_DEFECTS)
def test_bad_labels(labels: npt.ArrayLike, argument: str, found: str) -> None:
    with pytest.raises(EvaluationInputError) as caught:
        binary_metrics(labels, [0, 1, 0, 1])
    error = caught.value
    assert error.argument == argument
    assert str(error).startswith(f"{argument}: ")
    assert found in str(error)
    assert isinstance(error, InputError)


@pytest.mark.parametrize("labels", [[0, 1, 2, 1], [0, 1, np.nan, 1]], ids=["two", "nan"])
def test_bad_labels_are_refused_by_every_function(labels: list[float]) -> None:
    scores = [0.1, 0.2, 0.3, 0.4]
    calls: list[Callable[[], object]] = [
        lambda: auroc(labels, scores),
        lambda: auprc(labels, scores),
        lambda: operating_point(labels, scores, 0.5),
        lambda: calibration(labels, scores),
        lambda: expected_calibration_error(labels, scores),
        lambda: bootstrap_metric(MetricName.SENSITIVITY, labels, [0, 1, 0, 1], seed=1),
    ]
    for call in calls:
        with pytest.raises(EvaluationInputError, match=r"^labels: "):
            call()


def test_nan_label_message_gives_count_and_position() -> None:
    with pytest.raises(EvaluationInputError) as caught:
        binary_metrics([0.0, np.nan, 1.0, np.nan], [0, 1, 0, 1])
    assert str(caught.value) == "labels: 2 missing value(s) (NaN), found at index 1, 3"
    assert "hint:" in caught.value.diagnostics()


def test_many_bad_positions_are_shortened() -> None:
    with pytest.raises(EvaluationInputError, match=r"at index 0, 1, 2 and 7 more"):
        binary_metrics([2] * 10, [0] * 10)


def test_bad_predictions_are_named_as_predictions() -> None:
    with pytest.raises(EvaluationInputError, match=r"^predictions: .*0\.7"):
        binary_metrics([0, 1, 0], [0, 0.7, 1])


SCORE_DEFECTS = [
    pytest.param([0.1, np.nan, 0.3, 0.4], False, "missing", id="score-nan"),
    pytest.param([0.1, np.inf, 0.3, 0.4], False, "infinite", id="score-inf"),
    pytest.param(["a", "b", "c", "d"], False, "numeric", id="score-strings"),
    pytest.param([0.1, 1.2, 0.3, -0.1], True, "outside", id="score-outside-unit-with-prob"),
]


@pytest.mark.parametrize(("scores", "probabilities", "problem"), SCORE_DEFECTS)
def test_bad_scores(scores: list[Any], probabilities: bool, problem: str) -> None:  # noqa: FBT001  # parametrised
    for metric in (auroc, auprc):
        with pytest.raises(EvaluationInputError, match=rf"^scores: .*{problem}"):
            metric([0, 1, 0, 1], scores, probabilities=probabilities)


def test_scores_outside_unit_interval_are_fine_without_probabilities() -> None:
    labels = np.array([0, 1] * 10)
    scores = np.arange(20.0) * 3 - 10
    assert auroc(labels, scores, min_n=2).name is MetricName.AUROC
    with pytest.raises(EvaluationInputError, match=r"1\.2"):
        auroc([0, 1, 0, 1], [0.1, 1.2, 0.3, -0.1], probabilities=True)


def test_calibration_always_wants_probabilities() -> None:
    with pytest.raises(EvaluationInputError, match=r"^probabilities: .*outside"):
        calibration([0, 1, 0, 1], [0.1, 1.2, 0.3, 0.4])


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: binary_metrics([0, 1, 0], [0, 1]), id="predictions-short"),
        pytest.param(lambda: auroc([0, 1, 0], [0.1, 0.2]), id="scores-short"),
        pytest.param(lambda: auprc([0, 1], [0.1, 0.2, 0.3]), id="scores-long"),
        pytest.param(lambda: calibration([0, 1, 0], [0.1, 0.2]), id="probabilities-short"),
        pytest.param(
            lambda: bootstrap_metric(MetricName.PPV, [0, 1, 0], [0, 1, 1], seed=0, ids=[1, 2]),
            id="ids-short",
        ),
    ],
)
def test_length_mismatch(call: Callable[[], object]) -> None:
    with pytest.raises(EvaluationInputError, match=r"expected one value per case, as many as"):
        call()


def test_bad_threshold() -> None:
    with pytest.raises(EvaluationInputError, match=r"^threshold: "):
        operating_point(GOOD_LABELS, GOOD_SCORES, np.nan)
    with pytest.raises(EvaluationInputError, match=r"^threshold: .*outside"):
        operating_point(GOOD_LABELS, GOOD_SCORES, 1.5, probabilities=True)


@pytest.mark.parametrize(
    ("ids", "problem"),
    [
        pytest.param([1.0, np.nan] * 20, "missing id", id="ids-nan"),
        pytest.param(np.array([None, "a"] * 20, dtype=object), "missing id", id="ids-none"),
        pytest.param(np.array([1, "a"] * 20, dtype=object), "cannot be compared", id="ids-mixed"),
    ],
)
def test_bad_ids(ids: npt.ArrayLike, problem: str) -> None:
    with pytest.raises(EvaluationInputError, match=rf"^ids: .*{problem}"):
        bootstrap_metric(MetricName.SENSITIVITY, GOOD_LABELS, GOOD_PREDICTIONS, seed=0, ids=ids)


@pytest.mark.parametrize(
    ("settings", "argument"),
    [
        pytest.param({"seed": -1}, "seed", id="seed-negative"),
        pytest.param({"seed": 1.5}, "seed", id="seed-fraction"),
        pytest.param({"seed": 0, "replicates": 0}, "replicates", id="no-replicates"),
        pytest.param({"seed": 0, "alpha": 1.5}, "alpha", id="alpha-above-one"),
        pytest.param({"seed": 0, "min_n": 0}, "min_n", id="min-n-zero"),
    ],
)
def test_bad_bootstrap_settings(settings: dict[str, Any], argument: str) -> None:
    with pytest.raises(EvaluationInputError, match=rf"^{argument}: "):
        bootstrap_metric(MetricName.SENSITIVITY, GOOD_LABELS, GOOD_PREDICTIONS, **settings)


def test_bootstrap_refuses_metrics_it_cannot_weight() -> None:
    with pytest.raises(EvaluationInputError, match=r"^metric: "):
        bootstrap_metric(MetricName.CALIBRATION_SLOPE, GOOD_LABELS, GOOD_SCORES, seed=0)


def test_bad_bins_and_alpha() -> None:
    with pytest.raises(EvaluationInputError, match=r"^bins: "):
        expected_calibration_error(GOOD_LABELS, GOOD_SCORES, bins=0)
    with pytest.raises(EvaluationInputError, match=r"^alpha: "):
        auroc(GOOD_LABELS, GOOD_SCORES, alpha=0)
