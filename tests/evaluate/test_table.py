"""Reading cases from CSV and Parquet: good tables, and bad ones located by file, line or row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from techfile.errors import LocatedInputError
from techfile.evaluate import (
    MISSING_LEVEL,
    Columns,
    EvaluationInputError,
    EvaluationTableError,
    ScoreKind,
    TableFormat,
    read_table,
)


def _csv(tmp_path: Path, text: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, columns: Columns) -> EvaluationTableError:
    with pytest.raises(EvaluationTableError) as caught:
        read_table(path, columns)
    error = caught.value
    assert isinstance(error, LocatedInputError)  # the CLI prints FILE:LINE: field ...
    assert isinstance(error, EvaluationInputError)
    return error


def test_a_csv_is_read_with_its_roles(tmp_path: Path) -> None:
    path = _csv(tmp_path, "y,p,sex,pid\n1,0.9,f,a\n0,0.2,m,a\n1,0.4,,b\n0,0.1,f,c\n")
    table = read_table(path, Columns("y", score="p", groups=("sex",), id="pid"))
    assert table.format is TableFormat.CSV
    assert table.rows == 4
    assert table.labels.tolist() == [True, False, True, False]
    assert table.scores is not None
    assert table.scores.tolist() == [0.9, 0.2, 0.4, 0.1]
    assert table.groups["sex"].tolist() == ["f", "m", MISSING_LEVEL, "f"]
    assert table.ids is not None
    assert table.ids.tolist() == ["a", "a", "b", "c"]
    assert len(table.sha256) == 64


def test_a_parquet_file_reads_like_the_csv(tmp_path: Path) -> None:
    data = {
        "y": pa.array([True, False, True, False, False]),
        "p": pa.array([0.9, 0.2, 0.4, 0.3, 0.1]),
        "site": pa.array([1, 2, None, 1, 2]),
    }
    path = tmp_path / "cases.parquet"
    pq.write_table(pa.table(data), path)
    table = read_table(path, Columns("y", score="p", groups=("site",)))
    assert table.format is TableFormat.PARQUET
    assert table.labels.tolist() == [True, False, True, False, False]
    assert table.groups["site"].tolist() == ["1", "2", MISSING_LEVEL, "1", "2"]


def test_string_labels_need_the_positive_class_named(tmp_path: Path) -> None:
    path = _csv(tmp_path, "y,p\nsick,0.9\nwell,0.2\nsick,0.7\n")
    error = _error(path, Columns("y", score="p"))
    assert error.field == "y"
    assert "'sick', 'well'" in str(error)
    assert error.hint is not None
    assert "--positive" in error.hint
    table = read_table(path, Columns("y", score="p", positive="sick"))
    assert table.labels.tolist() == [True, False, True]
    assert table.positive_label == "sick"


def test_a_positive_class_that_does_not_occur_is_an_error(tmp_path: Path) -> None:
    path = _csv(tmp_path, "y,p\nsick,0.9\nwell,0.2\n")
    error = _error(path, Columns("y", score="p", positive="Sick"))
    assert "'Sick' does not occur" in str(error)


def test_three_label_values_are_named_with_their_lines(tmp_path: Path) -> None:
    path = _csv(tmp_path, "y,p\n0,0.1\n1,0.9\n2,0.5\n1,0.8\n2,0.4\n")
    error = _error(path, Columns("y", score="p"))
    assert str(error).startswith(f"{path}:4: field 'y': the labels are not binary at line 4, 6")
    assert "3 value(s): '0', '1', '2'" in str(error)


def test_true_false_labels_are_binary(tmp_path: Path) -> None:
    path = _csv(tmp_path, "y,p\ntrue,0.9\nfalse,0.2\nTrue,0.6\n")
    assert read_table(path, Columns("y", score="p")).labels.tolist() == [True, False, True]


@pytest.mark.parametrize(
    ("text", "column", "line", "expected"),
    [
        pytest.param("y,p\n1,0.9\n,0.2\n0,0.3\n", "y", 3, "1 missing label(s)", id="label-empty"),
        pytest.param("y,p\n1,0.9\n0,NA\n0,\n", "p", 3, "2 missing score(s)", id="score-na"),
        pytest.param("y,p\n1,0.9\n0,abc\n", "p", 3, "scores must be numbers", id="score-text"),
        pytest.param("y,p\n1,1.5\n0,0.2\n", "p", 2, "1 score(s) outside [0, 1]", id="score-big"),
        pytest.param("y,p\n1,0.9\n0,-0.1\n", "p", 3, "outside [0, 1]", id="score-negative"),
        pytest.param("y,p\n1,inf\n0,0.2\n", "p", 2, "infinite score(s)", id="score-infinite"),
    ],
)
def test_bad_cells_are_located(
    tmp_path: Path, text: str, column: str, line: int, expected: str
) -> None:
    error = _error(_csv(tmp_path, text), Columns("y", score="p"))
    assert error.field == column
    assert error.location.line == line
    assert expected in str(error)


def test_missing_values_are_never_dropped_and_every_row_is_counted(tmp_path: Path) -> None:
    rows = "".join(f"{i % 2},{'' if i % 5 == 0 else 0.5}\n" for i in range(1, 21))
    error = _error(_csv(tmp_path, "y,p\n" + rows), Columns("y", score="p"))
    assert "4 missing score(s) at line 6, 11, 16 and 1 more" in str(error)
    assert error.hint is not None
    assert "STARD" in error.hint


def test_any_scores_may_leave_zero_to_one(tmp_path: Path) -> None:
    path = _csv(tmp_path, "y,p\n1,3.5\n0,-2\n")
    table = read_table(path, Columns("y", score="p", score_kind=ScoreKind.ANY))
    assert table.scores is not None
    assert table.scores.tolist() == [3.5, -2.0]


def test_a_misspelt_column_gets_a_suggestion(tmp_path: Path) -> None:
    error = _error(_csv(tmp_path, "label,score\n1,0.9\n"), Columns("label", score="scores"))
    assert error.field == "scores"
    assert error.location.line == 1
    assert error.hint == "did you mean 'score'?"


def test_a_quoted_newline_moves_the_line_of_later_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'y,p,note\n1,0.9,"two\nlines"\n0,,x\n')
    error = _error(path, Columns("y", score="p"))
    assert error.location.line == 4


def test_parquet_errors_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "cases.parquet"
    pq.write_table(pa.table({"y": [1, 0, 1], "p": [0.9, None, float("nan")]}), path)
    error = _error(path, Columns("y", score="p"))
    assert error.location.line is None
    assert "2 missing score(s) at row 2, 3" in str(error)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param("empty.csv", "", "the file is empty", id="empty"),
        pytest.param("blank.csv", "\n\n", "the file is empty", id="blank"),
        pytest.param("header.csv", "y,p\n", "no data rows", id="header-only"),
        pytest.param("cases.xlsx", "y,p\n1,0.5\n", "unknown table format", id="suffix"),
        pytest.param("fake.parquet", "not parquet", "not a readable Parquet file", id="parquet"),
    ],
)
def test_unreadable_tables(tmp_path: Path, name: str, content: str, expected: str) -> None:
    error = _error(_csv(tmp_path, content, name), Columns("y", score="p"))
    assert expected in str(error)
    assert error.location.path == tmp_path / name


def test_a_file_that_does_not_exist(tmp_path: Path) -> None:
    assert "no such file" in str(_error(tmp_path / "none.csv", Columns("y", score="p")))


def test_missing_ids_are_an_error(tmp_path: Path) -> None:
    error = _error(_csv(tmp_path, "y,p,pid\n1,0.9,a\n0,0.2,\n"), Columns("y", score="p", id="pid"))
    assert error.field == "pid"
    assert error.location.line == 3


def test_roles_need_a_score_or_prediction_and_distinct_columns() -> None:
    with pytest.raises(EvaluationInputError, match="score or a prediction"):
        Columns("y")
    with pytest.raises(EvaluationInputError, match="different columns"):
        Columns("y", score="y")
    with pytest.raises(EvaluationInputError, match="named once"):
        Columns("y", score="p", groups=("sex", "sex"))


def test_predictions_follow_the_positive_class_of_the_labels(tmp_path: Path) -> None:
    path = _csv(tmp_path, "y,d\nsick,sick\nwell,sick\nsick,well\n")
    table = read_table(path, Columns("y", prediction="d", positive="sick"))
    assert table.predictions is not None
    assert table.predictions.tolist() == [True, True, False]
    assert np.array_equal(table.labels, [True, False, True])
