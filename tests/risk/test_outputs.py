"""The risk matrix (SVG), the XLSX export and the JSON report: deterministic and complete."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from techfile.cli import app
from techfile.risk import load_risks, matrix_svg

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
runner = CliRunner()

_SVG_IN_A_NEW_PROCESS = """
import sys
from pathlib import Path
from techfile.risk import load_risks, matrix_svg
sys.stdout.buffer.write(matrix_svg(load_risks(Path(sys.argv[1])), residual=True))
"""


def test_the_matrices_match_their_golden_files(golden: Callable[[str, str], None]) -> None:
    risk_file = load_risks(EXAMPLE / "risks.yaml")
    golden("risk-matrix-initial.svg", matrix_svg(risk_file, residual=False).decode())
    golden("risk-matrix-residual.svg", matrix_svg(risk_file, residual=True).decode())


def test_the_matrix_is_the_same_in_another_process_and_carries_no_date() -> None:
    here = matrix_svg(load_risks(EXAMPLE / "risks.yaml"), residual=True)
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run(  # noqa: S603  # our own interpreter
        [sys.executable, "-c", _SVG_IN_A_NEW_PROCESS, str(EXAMPLE / "risks.yaml")],
        capture_output=True,
        check=True,
        env=env,
        timeout=120,
    ).stdout
    assert here == there
    text = here.decode()
    assert "<dc:date>" not in text
    assert ">10<" in text  # ten residual risks sit in serious/remote
    assert "R-WOMEN" in text


def test_the_matrix_cells_count_the_risks(tmp_path: Path) -> None:
    initial = matrix_svg(load_risks(EXAMPLE / "risks.yaml"), residual=False).decode()
    assert ">7<" in initial  # serious/occasional before controls
    assert ">10<" not in initial
    result = runner.invoke(app, ["risk", "matrix", str(EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "risk-matrix-initial.svg").read_text() == initial


def test_the_xlsx_export_is_deterministic_and_complete(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (first, second):
        result = runner.invoke(app, ["risk", "export", str(project), "--xlsx", str(out)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    book = load_workbook(io.BytesIO(first.read_bytes()))
    assert book.sheetnames == ["Risks", "Controls", "AI hazards", "Checks", "Summary"]
    risks = list(book["Risks"].iter_rows(values_only=True))
    assert len(risks) == 1 + 16
    women = next(r for r in risks if r[0] == "R-WOMEN")
    assert women[11] == "unacceptable"
    assert str(women[12]).startswith("Women were represented")
    hazards = list(book["AI hazards"].iter_rows(values_only=True))[1:]
    assert len(hazards) == 10
    assert all(row[2] == "addressed" for row in hazards)


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(runner.invoke(app, ["schema", name]).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_the_json_report_validates_against_its_schema(project: Path) -> None:
    result = runner.invoke(app, ["risk", "check", str(project), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, _schema("risk-check"))
    assert document["ok"] is True
    assert document["counts"]["risks"] == 16


def test_a_failing_json_report_validates_too(project: Path) -> None:
    (project / "docs" / "intended-purpose.md").write_text("changed\n")
    result = runner.invoke(app, ["risk", "check", str(project), "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    jsonschema.validate(document, _schema("risk-check"))
    assert document["ok"] is False


def test_the_example_risk_file_validates_against_the_published_schema() -> None:
    document = yaml.safe_load((EXAMPLE / "risks.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(document, _schema("risks"))
    document["harms"][0]["grade"] = "serious"
    with pytest.raises(jsonschema.ValidationError, match="grade"):
        jsonschema.validate(document, _schema("risks"))
