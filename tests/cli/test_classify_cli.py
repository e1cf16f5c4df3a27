"""``techfile classify`` and ``techfile schema`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from techfile.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk"
runner = CliRunner()


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_example_is_class_iib_by_rule_11a_and_high_risk() -> None:
    data = _json("classify", str(EXAMPLE), "--json")
    assert data["qualifies_as_medical_device"] is True
    assert data["regulation"] == "MDR"
    assert data["class"] == "IIb"
    assert data["rule"] == "11(a)"
    assert data["notified_body_required"] is True
    assert data["ai_act_high_risk"] is True
    assert data["complete"] is True
    assert any("Annex IX" in route for route in data["conformity_routes"])  # type: ignore[attr-defined]
    dates = {d["id"]: d["date"] for d in data["dates"]}  # type: ignore[attr-defined]
    assert dates["aia-annex-i-high-risk"] == "2028-08-02"


@pytest.mark.parametrize(
    "facts",
    [
        {},
        {"is_software": False, "medical_purpose": False},
        {"is_software": True, "is_ai_system": True, "medical_purpose": True},
    ],
    ids=["nothing-known", "not-a-device", "partly-known"],
)
def test_json_output_validates_against_the_published_schema(
    tmp_path: Path, facts: dict[str, object]
) -> None:
    schema = _json("schema", "classification")
    facts_file = tmp_path / "facts.yaml"
    facts_file.write_text(json.dumps({"classification": facts}))
    for target in (str(EXAMPLE / "techfile.yaml"), str(facts_file)):
        jsonschema.validate(_json("classify", target, "--json"), schema)


def test_open_questions_are_listed_not_guessed(tmp_path: Path) -> None:
    facts_file = tmp_path / "facts.yaml"
    facts_file.write_text("classification:\n  is_software: true\n")
    data = _json("classify", str(facts_file), "--json")
    assert data["complete"] is False
    assert data["class"] is None
    asked = [q["field"] for q in data["questions"]]  # type: ignore[attr-defined]
    assert asked[0] == "annex_xvi_or_accessory"


def test_human_output_shows_summary_and_cited_trace() -> None:
    result = runner.invoke(app, ["classify", str(EXAMPLE)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "IIb" in result.stdout
    assert "by Rule 11(a)" in result.stdout
    assert "MDCG 2019-11 Rev.1, section 3.3, Figure 1, step 1" in result.stdout
    assert "2028-08-02" in result.stdout


@pytest.mark.parametrize("name", ["facts", "classification", "manifest"])
def test_schemas_are_valid_json_schemas(name: str) -> None:
    schema = _json("schema", name)
    jsonschema.Draft202012Validator.check_schema(schema)


def test_facts_schema_publishes_trigger_names_and_questions() -> None:
    schema = _json("schema", "facts")
    props = schema["properties"]
    assert isinstance(props, dict)
    triggers = props["special_rule_triggers"]["anyOf"][0]["items"]["enum"]
    assert "rule_22_closed_loop" in triggers
    assert "worst impact" in props["worst_case_impact"]["description"]


def test_example_manifest_validates_against_manifest_schema() -> None:
    import yaml  # noqa: PLC0415  # only this test reads YAML directly

    schema = _json("schema", "manifest")
    document = yaml.safe_load((EXAMPLE / "techfile.yaml").read_text())
    jsonschema.validate(document, schema)


def test_unknown_schema_is_a_usage_error() -> None:
    result = runner.invoke(app, ["schema", "nope"])
    assert result.exit_code == 2


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["classify", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert "Traceback" not in result.output


def test_verbose_shows_the_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--verbose", "classify", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "Traceback" in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("techfile ")
