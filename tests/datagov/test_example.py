"""The real UCI Heart Disease table of the example (four centres, 920 patients) profiles cleanly.

Its known properties must show: ``ca``, ``thal`` and ``slope`` are mostly missing at some
centres and complete at Cleveland; two pairs of Hungarian records are identical except for
the id; no single column gives the angiographic result away.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from techfile.datagov import FindingKind, Roles, profile_file, report_json
from techfile.project import Datasets, ReferencePopulation

DATA = Path(__file__).resolve().parents[2] / "examples/cardiorisk/data/heart_disease_uci.csv"


@pytest.fixture(scope="module")
def split_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with a split column: trained on three centres, tested on VA Long Beach."""
    path = tmp_path_factory.mktemp("example") / "heart.csv"
    with DATA.open(encoding="utf-8", newline="") as source, path.open("w", newline="") as target:
        reader = csv.DictReader(source)
        assert reader.fieldnames is not None
        writer = csv.DictWriter(target, [*reader.fieldnames, "split"])
        writer.writeheader()
        for row in reader:
            writer.writerow(
                {**row, "split": "test" if row["dataset"] == "VA Long Beach" else "train"}
            )
    return path


def test_the_example_data_show_their_known_gaps_and_no_leakage(split_table: Path) -> None:
    reference = ReferencePopulation("test reference", {"sex": {"Female": 0.45, "Male": 0.55}})
    report = profile_file(
        split_table,
        Roles(split="split", id="id", label="num", groups=("sex", "dataset")),
        datasets=Datasets(reference),
    )
    assert report.table.rows == 920
    by_centre = {s.column: s for s in report.missingness.by_group if s.by == "dataset"}
    for column in ("ca", "thal", "slope"):
        assert by_centre[column].shifted, column
        shares = {s.name: s.missing / s.n for s in by_centre[column].strata}
        assert shares["Cleveland"] < 0.02
        assert max(shares.values()) > 0.6
    except_id = report.duplicates.except_id
    assert except_id is not None
    assert except_id.groups == 2
    kinds = {f.kind for f in report.findings}
    assert FindingKind.TARGET_LEAKAGE not in kinds
    assert FindingKind.PATIENT_ACROSS_SPLITS not in kinds
    assert FindingKind.UNDER_REPRESENTED in kinds  # 21% women against a reference of 45%
    test_only = next(
        r for r in report.representation if r.column == "dataset" and r.scope == "test"
    )
    assert [(lvl.share.level, lvl.share.count) for lvl in test_only.levels if lvl.share.count] == [
        ("VA Long Beach", 200)
    ]
    assert report_json(report)["table"]["sha256"] == report.table.sha256
