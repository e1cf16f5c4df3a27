"""Reading the four-centre UCI Heart Disease table into findings and labels."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cardiorisk.features import Findings

__all__ = ["DATA", "Case", "read_cases"]

DATA = Path(__file__).resolve().parent.parent / "data" / "heart_disease_uci.csv"


@dataclass(frozen=True, slots=True)
class Case:
    """One patient: the centre, the findings and the angiographic outcome."""

    centre: str
    findings: Findings
    disease: bool


def _number(text: str, *, zero_is_missing: bool = False) -> float | None:
    if not text:
        return None
    value = float(text)
    # In the Swiss and some VA records a cholesterol or blood pressure of 0 means "not measured".
    return None if zero_is_missing and value == 0 else value


def _flag(text: str) -> bool | None:
    return {"TRUE": True, "FALSE": False}.get(text)


def read_cases(path: Path = DATA) -> list[Case]:
    """Read every row of the table."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Case(
                centre=row["dataset"],
                findings=Findings(
                    age=float(row["age"]),
                    sex=row["sex"],
                    chest_pain=row["cp"],
                    resting_bp=_number(row["trestbps"], zero_is_missing=True),
                    cholesterol=_number(row["chol"], zero_is_missing=True),
                    fasting_sugar_high=_flag(row["fbs"]),
                    resting_ecg=row["restecg"] or None,
                    max_heart_rate=_number(row["thalch"]),
                    exercise_angina=_flag(row["exang"]),
                    st_depression=_number(row["oldpeak"]),
                ),
                disease=int(row["num"]) > 0,
            )
            for row in csv.DictReader(handle)
        ]
