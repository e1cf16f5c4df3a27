"""Input checking and encoding of a patient's routine findings.

Every input is range-checked before use (invalid or missing input data are a hazard of the
device, ISO 14971 / AI Act Art 15): a value outside its physiological range is refused, never
silently clipped. Missing optional values are imputed with the training medians.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["FEATURES", "RANGES", "Findings", "InvalidFindingsError", "encode"]

CHEST_PAIN = ("typical angina", "atypical angina", "non-anginal", "asymptomatic")
RESTING_ECG = ("normal", "st-t abnormality", "lv hypertrophy")

RANGES: Mapping[str, tuple[float, float]] = {
    "age": (18, 100),
    "resting_bp": (60, 250),
    "cholesterol": (80, 700),
    "max_heart_rate": (50, 230),
    "st_depression": (-3.0, 7.0),
}
"""Accepted physiological range of each numeric finding (inclusive)."""

FEATURES = (
    "age", "male", *(f"cp_{c}" for c in CHEST_PAIN[1:]), "resting_bp", "cholesterol",
    "fasting_sugar_high", *(f"ecg_{e}" for e in RESTING_ECG[1:]), "max_heart_rate",
    "exercise_angina", "st_depression",
)  # fmt: skip
"""Model input columns, in order."""


class InvalidFindingsError(ValueError):
    """A finding is missing, of the wrong kind, or outside its physiological range."""


@dataclass(frozen=True, slots=True)
class Findings:
    """One patient's routine findings (None where not measured)."""

    age: float
    sex: str
    chest_pain: str
    resting_bp: float | None
    cholesterol: float | None
    fasting_sugar_high: bool | None
    resting_ecg: str | None
    max_heart_rate: float | None
    exercise_angina: bool | None
    st_depression: float | None

    def __post_init__(self) -> None:
        if self.sex not in {"Male", "Female"}:
            msg = f"sex must be Male or Female, not {self.sex!r}"
            raise InvalidFindingsError(msg)
        if self.chest_pain not in CHEST_PAIN:
            msg = f"chest_pain must be one of {CHEST_PAIN}, not {self.chest_pain!r}"
            raise InvalidFindingsError(msg)
        if self.resting_ecg is not None and self.resting_ecg not in RESTING_ECG:
            msg = f"resting_ecg must be one of {RESTING_ECG}, not {self.resting_ecg!r}"
            raise InvalidFindingsError(msg)
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            if value is None:
                if name == "age":
                    msg = "age is required"
                    raise InvalidFindingsError(msg)
                continue
            if not isinstance(value, int | float) or math.isnan(value) or not low <= value <= high:
                msg = f"{name} = {value!r} is outside the accepted range {low}-{high}"
                raise InvalidFindingsError(msg)


def encode(findings: Findings, medians: Mapping[str, float]) -> list[float]:
    """Return the model's input vector, imputing missing values with the training medians."""

    def number(name: str) -> float:
        value = getattr(findings, name)
        return float(medians[name]) if value is None else float(value)

    def flag(value: bool | None, name: str) -> float:  # noqa: FBT001  # a tri-state finding
        return float(medians[name]) if value is None else float(value)

    ecg = findings.resting_ecg or "normal"
    return [
        number("age"),
        float(findings.sex == "Male"),
        *(float(findings.chest_pain == c) for c in CHEST_PAIN[1:]),
        number("resting_bp"),
        number("cholesterol"),
        flag(findings.fasting_sugar_high, "fasting_sugar_high"),
        *(float(ecg == e) for e in RESTING_ECG[1:]),
        number("max_heart_rate"),
        flag(findings.exercise_angina, "exercise_angina"),
        number("st_depression"),
    ]
