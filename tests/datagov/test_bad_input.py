"""Bad input exits 2 with a message naming the file, the line (or row) and the column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from typer.testing import CliRunner

from techfile.cli import app

if TYPE_CHECKING:  # the fixtures' types; conftest is pytest's to import
    from .conftest import Columns

runner = CliRunner()
Write = Callable[["Columns", Path], Path]
FULL = ["--split", "split", "--id", "patient", "--label", "outcome", "--time", "visit_date"]


def _bad(path: Path, *args: str) -> str:
    result = runner.invoke(app, ["datagov", str(path), *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_column_is_named_with_a_suggestion(
    tmp_path: Path, clean: Columns, write: Write
) -> None:
    path = write(clean, tmp_path / "t.csv")
    message = _bad(path, "--label", "outcomes")
    assert f"{path}: field 'outcomes': --label names a column the table does not have" in message
    assert "did you mean 'outcome'?" in message


def test_an_empty_file_and_a_header_without_rows(tmp_path: Path) -> None:
    assert f"{tmp_path / 'e.csv'}:1: the file is empty" in _bad(_text(tmp_path / "e.csv", ""))
    header = _text(tmp_path / "h.csv", "a,b\n")
    assert f"{header}:2: the table has no rows" in _bad(header)


def test_unparseable_dates_are_located_at_their_line(
    tmp_path: Path, clean: Columns, write: Write
) -> None:
    clean["visit_date"][41] = "2023-13-45"
    message = _bad(write(clean, tmp_path / "t.csv"), *FULL)
    assert ":43: field 'visit_date': a value of the time column is not a date" in message
    assert "found '2023-13-45'" in message


def test_a_bad_split_value_is_located(tmp_path: Path, clean: Columns, write: Write) -> None:
    clean["split"][9] = "trian"
    message = _bad(write(clean, tmp_path / "t.csv"), *FULL)
    assert ":11: field 'split': unknown split; expected train, validation or test" in message
    assert "found 'trian'" in message


def test_a_missing_label_is_located_in_csv_and_parquet(
    tmp_path: Path, clean: Columns, write: Write
) -> None:
    clean["outcome"][4] = None
    clean["outcome"][7] = None
    message = _bad(write(clean, tmp_path / "t.csv"), *FULL)
    assert ":6: field 'outcome': the label is missing in 2 row(s)" in message
    message = _bad(write(clean, tmp_path / "t.parquet"), *FULL)
    assert "t.parquet: field 'outcome': row 5: the label is missing in 2 row(s)" in message


def test_a_label_given_as_nan_text_is_missing(tmp_path: Path) -> None:
    path = _text(tmp_path / "t.csv", "y,x\n1,2\nNaN,3\n0,4\n")
    assert ":3: field 'y': the label is missing" in _bad(path, "--label", "y")


def test_a_ragged_row_is_located(tmp_path: Path) -> None:
    path = _text(tmp_path / "t.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n")
    message = _bad(path)
    assert f"{path}:3: a row has the wrong number of fields; expected 3 fields" in message


def test_a_quoted_newline_does_not_shift_the_line(tmp_path: Path) -> None:
    path = _text(tmp_path / "t.csv", 'note,split\n"two\nlines",train\nx,trian\n')
    assert ":4: field 'split': unknown split" in _bad(path, "--split", "split")


def test_unknown_format_missing_file_and_duplicate_columns(tmp_path: Path) -> None:
    assert "unknown table format" in _bad(_text(tmp_path / "t.xlsx", "x"))
    assert "no such file" in _bad(tmp_path / "absent.csv")
    assert "column names must be unique" in _bad(_text(tmp_path / "d.csv", "a,a\n1,2\n"))


def test_a_column_in_two_roles_is_refused(tmp_path: Path, clean: Columns, write: Write) -> None:
    path = write(clean, tmp_path / "t.csv")
    message = _bad(path, "--label", "outcome", "--group", "outcome")
    assert "column 'outcome' is given to both --label and --group" in message


def test_a_score_is_no_label_and_a_number_is_no_group(
    tmp_path: Path, clean: Columns, write: Write
) -> None:
    path = write(clean, tmp_path / "t.csv")
    assert "the label has too many distinct values" in _bad(path, "--label", "x1")
    assert "a group column has too many distinct values" in _bad(path, "--group", "age")
    assert "bin it first" in _bad(path, "--group", "age")


def test_a_bad_reference_population_is_located_in_the_manifest(
    project: Path, clean: Columns, write: Write
) -> None:
    manifest = project / "techfile.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("male: 0.5}", "male: 0.6}"), encoding="utf-8")
    path = write(clean, project / "t.csv")
    message = _bad(path, "--group", "sex", "--project", str(project))
    assert "field 'datasets.reference_population.sex'" in message
    assert "these sum to 1.1" in message
