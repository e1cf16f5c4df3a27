"""The tables written for techfile's evaluation and data-governance reports."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from cardiorisk.data import read_cases
from cardiorisk.model import load_model
from cardiorisk.report import age_band, write_reports
from cardiorisk.train import HELD_OUT_CENTRE


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_predictions_cover_exactly_the_held_out_centre(
    tmp_path: Path, verifies: Callable[..., None]
) -> None:
    verifies("AIA.9.8", "AIA.AIV.2.g")
    predictions, _ = write_reports(tmp_path)
    rows = _rows(predictions)
    held_out = [c for c in read_cases() if c.centre == HELD_OUT_CENTRE]
    assert len(rows) == len(held_out)
    assert {row["centre"] for row in rows} == {HELD_OUT_CENTRE}
    model = load_model()
    for row, case in zip(rows, held_out, strict=True):
        assert row["disease"] == str(int(case.disease))
        assert abs(float(row["probability"]) - model.probability(case.findings)) < 1e-6


def test_dataset_marks_every_row_with_its_split(
    tmp_path: Path, verifies: Callable[..., None]
) -> None:
    verifies("AIA.10.2.b")
    _, dataset = write_reports(tmp_path)
    rows = _rows(dataset)
    assert len(rows) == len(read_cases())
    for row in rows:
        assert row["split"] == ("test" if row["dataset"] == HELD_OUT_CENTRE else "train")
        assert row["disease"] == str(int(int(row["num"]) > 0))
        assert row["age_band"] == age_band(float(row["age"]))


def test_age_bands_split_at_fifty_five() -> None:
    assert age_band(54.9) == "under 55"
    assert age_band(55) == "55 and over"
