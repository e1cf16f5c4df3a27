"""``techfile evaluate`` end to end: CSV and Parquet, JSON, figures, criteria, evidence."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from techfile.cli import app
from techfile.evaluate import evaluation_schema, report_from_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
ENV = {"TECHFILE_KEY_PASSPHRASE": "evaluate test passphrase"}
runner = CliRunner()

PLAN = """
evaluation:
  threshold: 0.5
  acceptance_criteria:
    - metric: auroc
      at_least: {auroc}
      rationale: state of the art for comparable risk scores
    - metric: sensitivity
      population: {{group: sex, value: female}}
      at_least: 0.5
      rationale: a missed disease delays treatment
"""


def _cases(path: Path) -> Path:
    lines = ["patient,sex,site,disease,probability"]
    for i in range(300):
        label = i % 3 == 0
        score = min(1.0, (0.4 if label else 0.0) + (i * 53 % 100) / 170)
        site = "" if i % 29 == 0 else "north" if i % 2 else "south"
        lines.append(
            f"p{i // 3},{'female' if i % 5 < 2 else 'male'},{site},{int(label)},{score:.3f}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return _cases(tmp_path / "cases.csv")


def _run(*args: str, code: int) -> str:
    result = runner.invoke(app, ["evaluate", *args], env=ENV)
    assert result.exit_code == code, result.output
    return result.output


_ARGS = ("--label", "disease", "--score", "probability", "--replicates", "100")


def test_a_csv_gives_a_table_and_json_that_follows_its_schema(table: Path) -> None:
    text = _run(str(table), *_ARGS, "--threshold", "0.5", "--group", "sex", code=0)
    assert "All cases" in text
    assert "sensitivity" in text
    assert "female" in text
    document: dict[str, Any] = json.loads(
        _run(str(table), *_ARGS, "--threshold", "0.5", "--group", "sex", "--json", code=0)
    )
    jsonschema.validate(document, evaluation_schema())
    assert document["outcome"] == "no_criteria"
    assert document["table"]["rows"] == 300
    assert [g["columns"] for g in document["groupings"]] == [["sex"]]
    assert report_from_json(document).table.rows == 300


def test_a_parquet_file_gives_the_same_figures_as_the_csv(table: Path, tmp_path: Path) -> None:
    parquet = tmp_path / "cases.parquet"
    arrow = pa_csv.read_csv(table, convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))
    pq.write_table(arrow, parquet)
    args = (*_ARGS, "--threshold", "0.5", "--group", "site", "--id", "patient", "--json")
    from_csv = json.loads(_run(str(table), *args, code=0))
    from_parquet = json.loads(_run(str(parquet), *args, code=0))
    for document in (from_csv, from_parquet):
        del document["table"]
    assert from_csv == from_parquet
    levels = [p["levels"] for p in from_csv["groupings"][0]["populations"]]
    assert levels == [["north"], ["south"], ["(missing)"]]


def test_figures_are_written(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures"
    _run(str(table), *_ARGS, "--threshold", "0.5", "--group", "sex", "--out", str(out), code=0)
    assert sorted(p.name for p in out.iterdir()) == [
        "calibration.svg",
        "forest-auroc.svg",
        "forest-sensitivity.svg",
        "forest-specificity.svg",
        "roc.svg",
    ]
    _run(str(table), *_ARGS, "--out", str(out), "--png", code=0)
    assert (out / "roc.png").read_bytes().startswith(b"\x89PNG")


_SCORED = ("--label", "disease", "--score", "probability")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(("--label", "diseas", "--score", "probability"), "did you mean", id="column"),
        pytest.param(("--label", "sex", "--score", "probability"), "--positive", id="labels"),
        pytest.param(("--label", "disease"), "a score or a prediction column", id="no-score"),
        pytest.param((*_SCORED, "--threshold", "2"), "[0, 1]", id="threshold"),
        pytest.param((*_SCORED, "--group", "sx"), "no such column", id="group"),
        pytest.param((*_SCORED, "--prediction", "sex"), "not binary", id="prediction"),
    ],
)
def test_bad_input_exits_2_with_a_located_message(
    table: Path, args: tuple[str, ...], expected: str
) -> None:
    result = runner.invoke(app, ["evaluate", str(table), *args], env=ENV)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_a_bad_cell_names_its_line(tmp_path: Path) -> None:
    table = tmp_path / "cases.csv"
    table.write_text("y,p\n1,0.9\n0,1.2\n1,0.8\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(table), "--label", "y", "--score", "p"], env=ENV)
    assert result.exit_code == 2
    assert f"{table}:3: field 'p': 1 score(s) outside [0, 1] at line 3" in result.output


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(
        EXAMPLE, root, ignore=shutil.ignore_patterns("reports", "evidence", "keys", "__pycache__")
    )
    _cases(root / "data" / "cases.csv")
    assert runner.invoke(app, ["keys", "new", str(root)], env=ENV).exit_code == 0
    return root


def _plan(project: Path, auroc: float) -> None:
    manifest = project / "techfile.yaml"
    text = manifest.read_text(encoding="utf-8").split("\nevaluation:")[0]
    manifest.write_text(text + PLAN.format(auroc=auroc), encoding="utf-8")


def test_criteria_from_the_project_set_the_exit_code(project: Path) -> None:
    table = str(project / "data" / "cases.csv")
    _plan(project, auroc=0.6)
    passed = json.loads(_run(table, *_ARGS, "--project", str(project), "--json", code=0))
    assert [c["verdict"] for c in passed["criteria"]] == ["pass", "pass"]
    assert passed["settings"]["threshold"] == 0.5
    assert [g["columns"] for g in passed["groupings"]] == [["sex"]]  # named by a criterion
    _plan(project, auroc=0.99)
    failed = json.loads(_run(table, *_ARGS, "--project", str(project), "--json", code=1))
    assert failed["outcome"] == "fail"
    assert failed["criteria"][0]["verdict"] == "fail"
    conflict = runner.invoke(
        app, ["evaluate", table, *_ARGS, "--project", str(project), "--threshold", "0.3"], env=ENV
    )
    assert conflict.exit_code == 2
    assert "pre-specified threshold 0.5" in conflict.output


def test_recorded_evidence_meets_the_requirements_and_renders(project: Path) -> None:
    _plan(project, auroc=0.6)
    table = str(project / "data" / "cases.csv")
    _run(table, *_ARGS, "--project", str(project), "--record", code=0)
    gaps = runner.invoke(app, ["gaps", str(project), "--json"], env=ENV)
    statuses = {r["id"]: r["status"] for r in json.loads(gaps.stdout)["requirements"]}
    assert statuses["AIA.9.8"] == "met"
    assert statuses["AIA.13.3.b.v"] == "met"
    out = project / "out"
    built = runner.invoke(app, ["build", str(project), "--out", str(out), "--format", "html"])
    assert built.exit_code == 0, built.output
    html = (out / "technical-file.html").read_text(encoding="utf-8")
    assert "Performance evaluation" in html
    assert html.count("<figure") == 5
    assert "Acceptance criteria fixed before the evaluation" in html


def test_evidence_collect_reads_the_table_with_the_plan(project: Path) -> None:
    _plan(project, auroc=0.99)
    manifest = project / "techfile.yaml"
    text = manifest.read_text(encoding="utf-8")
    entry = (
        "  collect:\n    - kind: evaluation\n      path: data/cases.csv\n"
        "      options: {label: disease, score: probability, replicates: 50, seed: 0}\n"
    )
    # Only the evaluation: the example's other artefacts are not built in this test.
    text = re.sub(r"  collect:\n(?:    .*\n|      .*\n)*", entry, text, count=1)
    manifest.write_text(text, encoding="utf-8")
    collected = runner.invoke(app, ["evidence", "collect", str(project)], env=ENV)
    assert collected.exit_code == 0, collected.output
    listed = json.loads(runner.invoke(app, ["evidence", "list", str(project), "--json"]).stdout)
    (record,) = [r for r in listed["records"] if r["kind"] == "evaluation"]
    assert record["outcome"] == "fail"
    assert "1 of 2 acceptance criteria passed" in record["summary"]
