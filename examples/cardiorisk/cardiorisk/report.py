"""Write the tables that techfile evaluates: held-out predictions and the split dataset.

Run ``python -m cardiorisk.report [FOLDER]`` from ``examples/cardiorisk`` after training; it
writes into ``reports/`` by default:

``predictions.csv``
    One row per patient of the held-out centre (external validation by site): the patient
    id, centre, sex, age band, the angiographic outcome (1 = disease) and the model's
    probability. ``techfile evaluate`` reads it.
``dataset.csv``
    Every row of the source table with the split it was used in (``train`` for the three
    training centres, ``test`` for the held-out centre), the binary outcome and the age band.
    ``techfile datagov`` reads it.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from cardiorisk.data import DATA, Case, read_cases
from cardiorisk.model import load_model
from cardiorisk.train import HELD_OUT_CENTRE

__all__ = ["AGE_BAND_LIMIT", "age_band", "write_reports"]

AGE_BAND_LIMIT = 55
"""Age (years) separating the two age bands of the subgroup analysis."""


def age_band(age: float) -> str:
    """The age band of a patient, as the subgroup tables show it."""
    return f"{AGE_BAND_LIMIT} and over" if age >= AGE_BAND_LIMIT else f"under {AGE_BAND_LIMIT}"


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    partial.replace(path)


def _split(case: Case) -> str:
    return "test" if case.centre == HELD_OUT_CENTRE else "train"


def _prediction(identifier: str, case: Case, probability: float) -> tuple[object, ...]:
    findings = case.findings
    band = age_band(findings.age)
    return identifier, case.centre, findings.sex, band, int(case.disease), f"{probability:.6f}"


def write_reports(folder: Path, data: Path = DATA) -> tuple[Path, Path]:
    """Write ``predictions.csv`` and ``dataset.csv`` into ``folder``; return their paths."""
    model = load_model()
    with data.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    cases = read_cases(data)
    predictions = folder / "predictions.csv"
    _write(
        predictions,
        ("id", "centre", "sex", "age_band", "disease", "probability"),
        (
            _prediction(row["id"], case, model.probability(case.findings))
            for row, case in zip(source, cases, strict=True)
            if case.centre == HELD_OUT_CENTRE
        ),
    )
    dataset = folder / "dataset.csv"
    columns = list(source[0])
    _write(
        dataset,
        (*columns, "split", "disease", "age_band"),
        (
            (
                *(row[c] for c in columns),
                _split(case),
                int(case.disease),
                age_band(case.findings.age),
            )
            for row, case in zip(source, cases, strict=True)
        ),
    )
    return predictions, dataset


if __name__ == "__main__":
    for written in write_reports(Path(sys.argv[1] if len(sys.argv) > 1 else "reports")):
        sys.stdout.write(f"wrote {written}\n")
