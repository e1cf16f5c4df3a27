"""Train the model on three centres and write ``model/model.json``.

The VA Long Beach centre is held out entirely for testing (external validation by site).
Run: ``python -m cardiorisk.train`` from ``examples/cardiorisk``.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from cardiorisk.data import Case, read_cases
from cardiorisk.features import FEATURES, encode
from cardiorisk.model import DEFAULT_MODEL

__all__ = ["HELD_OUT_CENTRE", "train"]

HELD_OUT_CENTRE = "VA Long Beach"
THRESHOLD = 0.5
_IMPUTED = ("resting_bp", "cholesterol", "fasting_sugar_high", "max_heart_rate",
            "exercise_angina", "st_depression")  # fmt: skip


def _stable(value: float) -> float:
    """Round to 12 significant digits: the file is then the same on every machine.

    The solver's last digits depend on the BLAS build; 12 digits are far below any effect
    on a probability and keep retraining reproducible to the byte.
    """
    return float(f"{value:.12g}")


def train(cases: list[Case], out: Path = DEFAULT_MODEL) -> dict[str, object]:
    """Fit the logistic regression on the training centres and write the model file."""
    training = [c for c in cases if c.centre != HELD_OUT_CENTRE]
    medians = {
        name: statistics.median(
            float(v) for c in training if (v := getattr(c.findings, name)) is not None
        )
        for name in _IMPUTED
    }
    rows = [encode(c.findings, medians) for c in training]
    columns = list(zip(*rows, strict=True))
    means = {n: statistics.fmean(col) for n, col in zip(FEATURES, columns, strict=True)}
    scales = {n: statistics.pstdev(col) or 1.0 for n, col in zip(FEATURES, columns, strict=True)}
    standardised = [
        [(v - means[n]) / scales[n] for n, v in zip(FEATURES, row, strict=True)] for row in rows
    ]
    fit = LogisticRegression(C=1.0, max_iter=1000).fit(standardised, [c.disease for c in training])
    model: dict[str, object] = {
        "version": "1.0.0",
        "trained_on": sorted({c.centre for c in training}),
        "held_out": HELD_OUT_CENTRE,
        "intercept": _stable(float(fit.intercept_[0])),
        "coefficients": {n: _stable(float(b)) for n, b in zip(FEATURES, fit.coef_[0], strict=True)},
        "means": {n: _stable(v) for n, v in means.items()},
        "scales": {n: _stable(v) for n, v in scales.items()},
        "medians": medians,
        "threshold": THRESHOLD,
    }
    out.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    return model


if __name__ == "__main__":
    train(read_cases())
