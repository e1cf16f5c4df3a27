"""The trained model: a logistic regression over standardised features, read from JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cardiorisk.features import FEATURES, Findings, encode

__all__ = ["DEFAULT_MODEL", "Model", "load_model"]

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "model" / "model.json"


@dataclass(frozen=True, slots=True)
class Model:
    """Coefficients, standardisation and imputation values of the trained model."""

    version: str
    intercept: float
    coefficients: Mapping[str, float]
    means: Mapping[str, float]
    scales: Mapping[str, float]
    medians: Mapping[str, float]
    threshold: float

    def probability(self, findings: Findings) -> float:
        """Probability of angiographic coronary artery disease (0-1)."""
        return self.probability_of(encode(findings, self.medians))

    def probability_of(self, vector: Sequence[float]) -> float:
        """Probability for an already encoded input vector."""
        z = self.intercept + sum(
            self.coefficients[name] * (value - self.means[name]) / self.scales[name]
            for name, value in zip(FEATURES, vector, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))

    def refer(self, findings: Findings) -> bool:
        """Whether the probability reaches the pre-specified referral threshold."""
        return self.probability(findings) >= self.threshold


def load_model(path: Path = DEFAULT_MODEL) -> Model:
    """Read a model file written by ``cardiorisk.train``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        version=data["version"],
        intercept=data["intercept"],
        coefficients=data["coefficients"],
        means=data["means"],
        scales=data["scales"],
        medians=data["medians"],
        threshold=data["threshold"],
    )
