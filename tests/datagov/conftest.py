"""A generated table with planted defects, and a project that declares its reference population.

The clean table is built so that every check has nothing to find: groups in exactly their
reference shares in every split, continuous features (no accidental duplicates), values
missing completely at random, one id per patient and no column that gives the label away.
Each defect is planted on a copy, so a test can show that exactly its findings appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

ROWS = 1200
SITE_PATTERN = ["A"] * 8 + ["B"] * 7 + ["C"] * 5  # 40%, 35%, 25%
REFERENCE = """\
datasets:
  reference_population:
    source: "Synthetic reference population for tests"
    sex: {female: 0.5, male: 0.5}
    site: {A: 0.40, B: 0.35, C: 0.25}
  motivation: "Built to test the dataset profile."
  composition: "One row per synthetic patient visit."
"""

Columns = dict[str, list[object]]


def clean_columns(seed: int = 0) -> Columns:
    """The clean table, column by column."""
    rng = np.random.default_rng(seed)
    i = np.arange(ROWS)
    split = np.array(["train", "train", "train", "validation", "test"])[i % 5]
    sex = np.where((i // 100) % 2 == 0, "female", "male")
    site = np.array(SITE_PATTERN)[(i // 5) % 20]
    x1, x2 = rng.normal(size=ROWS), rng.normal(size=ROWS)
    label = (x1 + rng.normal(scale=1.2, size=ROWS) > 0.3).astype(int)
    start = dt.date(2022, 1, 1)
    visit = [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 730, size=ROWS)]
    bmi = np.round(rng.normal(27, 4, size=ROWS), 3).astype(object)
    bmi[rng.random(ROWS) < 0.05] = None  # missing completely at random
    troponin = np.round(rng.lognormal(1, 0.5, size=ROWS), 4).astype(object)
    return {
        "patient": [f"P{k:05d}" for k in i],
        "split": split.tolist(),
        "sex": sex.tolist(),
        "site": site.tolist(),
        "age": np.round(rng.uniform(30, 80, size=ROWS), 2).tolist(),
        "x1": np.round(x1, 6).tolist(),
        "x2": np.round(x2, 6).tolist(),
        "bmi": bmi.tolist(),
        "troponin": troponin.tolist(),
        "visit_date": [d.isoformat() for d in visit],
        "outcome": label.tolist(),
    }


def _rows(columns: Columns, rows: list[int]) -> Columns:
    return {name: [values[r] for r in rows] for name, values in columns.items()}


def _append(columns: Columns, extra: Columns) -> Columns:
    return {name: columns[name] + extra[name] for name in columns}


def plant(columns: Columns, defect: str) -> Columns:
    """A copy of the table with one defect planted."""
    rng = np.random.default_rng(11)
    c = {name: list(values) for name, values in columns.items()}
    train = [r for r in range(ROWS) if c["split"][r] == "train"]
    if defect == "patients_across_splits":
        extra = _rows(c, train[:15])
        extra["split"] = ["test"] * 15
        c = _append(c, extra)
    elif defect == "leakage_column":
        noise = rng.random(ROWS) < 0.01
        c["discharge_code"] = [
            f"D{1 - int(str(y)) if flip else y}"
            for y, flip in zip(c["outcome"], noise, strict=True)
        ]
    elif defect == "missingness_shift":
        c["troponin"] = [
            None if (str(d) >= "2023-01-01" and rng.random() < 0.4) or rng.random() < 0.02 else v
            for v, d in zip(c["troponin"], c["visit_date"], strict=True)
        ]
    elif defect == "under_represented":
        c["sex"] = ["male" if (r // 200) % 2 == 0 else s for r, s in enumerate(c["sex"])]
    elif defect == "identical_rows":
        c = _append(c, _rows(c, train[:6]))
    elif defect == "duplicates_except_id":
        extra = _rows(c, train[:6])
        extra["patient"] = [f"Q{k}" for k in range(6)]
        c = _append(c, extra)
    elif defect == "near_duplicates":
        extra = _rows(c, train[:6])
        extra["patient"] = [f"Q{k}" for k in range(6)]
        extra["x1"] = [float(v) + 1e-5 for v in extra["x1"]]  # type: ignore[arg-type]
        c = _append(c, extra)
    elif defect == "filled_for_one_class":
        c["biopsy"] = [
            round(float(rng.normal()), 3) if y == 1 and rng.random() < 0.5 else None
            for y in c["outcome"]
        ]
    elif defect == "small_subgroup":
        c["site"] = ["D" if r < 12 else s for r, s in enumerate(c["site"])]
    else:
        raise ValueError(defect)
    return c


def write_table(columns: Columns, path: Path) -> Path:
    """Write the columns as CSV or Parquet, by the path's suffix."""
    table = pa.table(columns)
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pa_csv.write_csv(table, path)
    return path


@pytest.fixture
def clean() -> Columns:
    """The clean table's columns."""
    return clean_columns()


@pytest.fixture
def write() -> Callable[[Columns, Path], Path]:
    """Write columns as a CSV or Parquet table (by the path's suffix)."""
    return write_table


@pytest.fixture
def planted(clean: Columns) -> Callable[[str], Columns]:
    """The clean table with one named defect planted."""
    return lambda defect: plant(clean, defect)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A minimal project whose techfile.yaml declares the reference population."""
    example = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk" / "techfile.yaml"
    root = tmp_path / "project"
    root.mkdir()
    text = example.read_text(encoding="utf-8")
    device = text[: text.index("\nevidence:")]  # the example's artefacts are not copied
    (root / "techfile.yaml").write_text(
        device + "\nevidence:\n  collect: []\n" + REFERENCE, encoding="utf-8"
    )
    return root


@pytest.fixture
def table_in(project: Path) -> Callable[[Columns, str], Path]:
    """Write columns as a table inside the project (so it can be recorded as evidence)."""

    def write(columns: Columns, name: str) -> Path:
        (project / "data").mkdir(exist_ok=True)
        return write_table(columns, project / "data" / name)

    return write
