"""Input checking: out-of-range or malformed findings are refused, never clipped."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cardiorisk.features import FEATURES, RANGES, Findings, InvalidFindingsError, encode

VALID = {
    "age": 54.0, "sex": "Male", "chest_pain": "asymptomatic", "resting_bp": 130.0,
    "cholesterol": 240.0, "fasting_sugar_high": False, "resting_ecg": "normal",
    "max_heart_rate": 150.0, "exercise_angina": True, "st_depression": 1.2,
}  # fmt: skip
MEDIANS = {
    "resting_bp": 130.0, "cholesterol": 240.0, "fasting_sugar_high": 0.0,
    "max_heart_rate": 140.0, "exercise_angina": 0.0, "st_depression": 0.5,
}  # fmt: skip


def test_valid_findings_encode_in_feature_order(verifies: Callable[..., None]) -> None:
    verifies("MDR.AI.17.1", "AIA.15.4")
    vector = encode(Findings(**VALID), MEDIANS)
    assert len(vector) == len(FEATURES)
    assert vector[FEATURES.index("age")] == 54.0
    assert vector[FEATURES.index("cp_asymptomatic")] == 1.0


@pytest.mark.parametrize(("name", "bounds"), sorted(RANGES.items()))
def test_out_of_range_values_are_refused(
    verifies: Callable[..., None], name: str, bounds: tuple[float, float]
) -> None:
    verifies("MDR.AI.17.1", "AIA.15.4", "MDR.AI.14.2.d")
    for bad in (bounds[0] - 1, bounds[1] + 1, float("nan")):
        with pytest.raises(InvalidFindingsError, match=name):
            Findings(**{**VALID, name: bad})


@pytest.mark.parametrize("field", ["sex", "chest_pain", "resting_ecg"])
def test_unknown_categories_are_refused(verifies: Callable[..., None], field: str) -> None:
    verifies("MDR.AI.17.1", "AIA.15.4")
    with pytest.raises(InvalidFindingsError, match=field):
        Findings(**{**VALID, field: "unknown"})


def test_missing_optional_values_take_training_medians(verifies: Callable[..., None]) -> None:
    verifies("AIA.10.3")
    findings = Findings(**{**VALID, "cholesterol": None, "exercise_angina": None})
    vector = encode(findings, MEDIANS)
    assert vector[FEATURES.index("cholesterol")] == 240.0
    assert vector[FEATURES.index("exercise_angina")] == 0.0
