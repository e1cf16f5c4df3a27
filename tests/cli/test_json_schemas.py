"""Every ``--json`` output validates against the schema ``techfile schema NAME`` publishes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from techfile.cli import app
from techfile.schemas import SCHEMAS

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
ENV = {"TECHFILE_KEY_PASSPHRASE": "schema test passphrase"}
runner = CliRunner()


def _json(*args: str, code: int = 0) -> Any:  # noqa: ANN401  # any JSON document
    result = runner.invoke(app, list(args), env=ENV)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(runner.invoke(app, ["schema", name]).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("schemas") / "cardiorisk"
    shutil.copytree(
        EXAMPLE, root, ignore=shutil.ignore_patterns("reports", "evidence", "keys", "out")
    )
    assert runner.invoke(app, ["keys", "new", str(root)], env=ENV).exit_code == 0
    document = str(root / "docs" / "intended-purpose.md")
    added = runner.invoke(
        app, ["evidence", "add", document, "-r", "MDR.AII.1.1.a", "--project", str(root)], env=ENV
    )
    assert added.exit_code == 0, added.output
    return root


def test_every_published_schema_is_a_valid_json_schema() -> None:
    for name in SCHEMAS:
        _schema(name)


def test_outputs_validate(project: Path, tmp_path: Path) -> None:
    cases: list[tuple[str, Any]] = [
        ("classification", _json("classify", str(project), "--json")),
        ("gaps", _json("gaps", str(project), "--json", code=1)),
        ("evidence-list", _json("evidence", "list", str(project), "--json")),
        ("evidence-verify", _json("evidence", "verify", str(project), "--json")),
        ("requirements", _json("catalog", "show", "MDR.AI.17.2", "--json")),
        ("requirements", _json("catalog", "search", "bill of materials", "--json")),
        ("requirements", _json("catalog", "list", "--source", "state-of-the-art", "--json")),
    ]
    folder = tmp_path / "catalog"
    shutil.copytree(
        Path(__file__).resolve().parents[2] / "src/techfile/catalog/data/requirements", folder
    )
    cases.append(("catalog-diff", _json("catalog", "diff", str(folder), str(folder), "--json")))
    table = str(project / "data" / "heart_disease_uci.csv")
    cases.append(
        ("datagov", _json("datagov", table, "--id", "id", "--label", "num", "--json", code=1))
    )
    cases.append(("evaluation", _json(*_evaluation_args(tmp_path), "--json")))
    for name, document in cases:
        jsonschema.validate(document, _schema(name))
    listed = cases[2][1]
    assert listed["records"][0]["requirements"] == ["MDR.AII.1.1.a"]


def _evaluation_args(tmp_path: Path) -> list[str]:
    """``techfile evaluate`` on a small table with a subgroup, a single-class cell and ids."""
    lines = ["y,p,site,patient"]
    for i in range(60):
        label = i % 3 == 0
        score = (0.55 if label else 0.3) + (i % 7) / 20
        site = "c" if i >= 56 else "ab"[i % 2]
        lines.append(f"{int(label)},{min(score, 1.0):.2f},{site},{i // 2}")
    table = tmp_path / "cases.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["evaluate", str(table), "--label", "y", "--score", "p", "--threshold", "0.5",
            "--group", "site", "--id", "patient", "--replicates", "50"]  # fmt: skip
