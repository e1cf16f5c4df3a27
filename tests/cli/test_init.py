"""``techfile init --answers FILE``: the questionnaire answered from a file writes techfile.yaml.

Answers use the manifest's own shape: device fields under ``device:`` (the manufacturer by name),
facts by their contract names. Cases that expose a defect of ``src/`` are ``xfail`` with the
reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from techfile.cli import app
from techfile.project import MANIFEST_NAME, load_manifest

runner = CliRunner()

EXIT_OK = 0
EXIT_INPUT = 2

DEVICE: dict[str, object] = {
    "name": "CardioRisk CAD",
    "manufacturer": "Example Medical Software GmbH",
    "version": "1.0.0",
    "intended_purpose": "Estimates the probability of coronary artery disease in adults.",
    "intended_users": ["cardiologists", "internal medicine physicians"],
    "patient_population": "Adults with suspected stable coronary artery disease",
    "use_environment": ["outpatient cardiology clinic"],
}
REQUIRED_DEVICE_KEYS = (
    "name",
    "manufacturer",
    "version",
    "intended_purpose",
    "intended_users",
    "patient_population",
    "use_environment",
)
CHOICE_FACTS: dict[str, object] = {
    "data_sources": "mixed_md_dominant",
    "information_use": "diagnosis_or_therapy_decision",
    "worst_case_impact": "serious_deterioration_or_surgery",
    "special_rule_triggers": [],
    "ivd_rule_triggers": [],
    "annex_iii_use_case": None,
    "ai_role": "device_itself",
    "legacy_device": "none",
}
"""Facts answered by a choice: the questionnaire reads these today."""
FACTS: dict[str, object] = {
    "is_software": True,
    "is_ai_system": True,
    "medical_purpose": True,
    "action_beyond_storage_communication_search": True,
    "individual_patient_benefit": True,
    "annex_xvi_or_accessory": False,
    "drives_or_influences_device": False,
    "ivd_information": True,
    **CHOICE_FACTS,
    "vital_parameters_immediate_danger": False,
    "sterile": False,
    "measuring_function": False,
    "reusable_surgical_instrument": False,
    "in_house_art_5_5": False,
    "interacts_directly_with_persons": False,
}
"""The example device's facts (examples/cardiorisk), as a manufacturer would answer them."""


def _answers(tmp_path: Path, data: dict[str, object], name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _init(folder: Path, answers: Path, *extra: str, stdin: str | None = None) -> tuple[int, str]:
    options = ["--interactive"] if stdin is not None else ["--no-input"]
    args = ["init", str(folder), "--answers", str(answers), *options, *extra]
    result = runner.invoke(app, args, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


def _classification(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    section = data.get("classification") or {}
    assert isinstance(section, dict)
    return section


def _classify_exit(path: Path) -> int:
    result = runner.invoke(app, ["classify", str(path), "--json"])
    assert "Traceback" not in result.output
    return result.exit_code


def test_answers_file_writes_a_manifest_that_classify_accepts(tmp_path: Path) -> None:
    answers = _answers(tmp_path, {"device": DEVICE, **FACTS})
    code, output = _init(tmp_path / "project", answers)
    assert code == EXIT_OK, output
    target = tmp_path / "project" / MANIFEST_NAME
    manifest = load_manifest(target)
    assert manifest.device is not None
    assert manifest.device.manufacturer == DEVICE["manufacturer"]
    assert manifest.facts.get("is_ai_system") is True
    assert _classify_exit(target) == EXIT_OK


def test_choice_answers_write_a_manifest_that_classify_accepts(tmp_path: Path) -> None:
    answers = _answers(tmp_path, {"device": DEVICE, **CHOICE_FACTS})
    code, output = _init(tmp_path / "project", answers)
    assert code == EXIT_OK, output
    target = tmp_path / "project" / MANIFEST_NAME
    manifest = load_manifest(target)
    assert manifest.device is not None
    assert manifest.device.name == DEVICE["name"]
    assert manifest.device.manufacturer == DEVICE["manufacturer"]
    assert manifest.device.intended_users == tuple(DEVICE["intended_users"])  # type: ignore[arg-type]  # a list of str above
    assert manifest.facts.get("worst_case_impact") == "serious_deterioration_or_surgery"
    assert _classification(target)["annex_iii_use_case"] is None
    assert _classify_exit(target) == EXIT_OK


def test_driven_device_class_is_not_written_for_software_that_drives_no_device(
    tmp_path: Path,
) -> None:
    answers = _answers(tmp_path, {"device": DEVICE, **FACTS})
    code, output = _init(tmp_path, answers)
    assert code == EXIT_OK, output
    written = _classification(tmp_path / MANIFEST_NAME)
    assert written["drives_or_influences_device"] is False
    assert "driven_device_class" not in written


def test_answer_to_an_irrelevant_question_is_left_out(tmp_path: Path) -> None:
    # worst_case_impact is asked only for diagnostic or therapeutic decisions (Rule 11(a)).
    facts = {"information_use": "other", "worst_case_impact": "minor_or_none"}
    answers = _answers(tmp_path, {"device": DEVICE, **facts})
    code, output = _init(tmp_path, answers)
    assert code == EXIT_OK, output
    written = _classification(tmp_path / MANIFEST_NAME)
    assert written == {"information_use": "other"}


def test_interactive_questionnaire_skips_irrelevant_questions(tmp_path: Path) -> None:
    answers = _answers(tmp_path, {"device": DEVICE, "information_use": "other"})
    code, output = _init(tmp_path, answers, stdin="\n" * 100)  # Enter skips every fact
    assert code == EXIT_OK, output
    assert "Is the product software" in output
    assert "class of the device it drives" in output  # undecided, so still relevant
    assert "worst impact on health" not in output
    assert _classification(tmp_path / MANIFEST_NAME) == {"information_use": "other"}


@pytest.mark.parametrize(
    ("answers", "key", "line", "suggestion"),
    [
        pytest.param(
            {"device": DEVICE, "is_sofware": True}, "is_sofware", 12, "is_software", id="fact"
        ),
        pytest.param(
            {"device": {**DEVICE, "intended_purpos": "x"}},
            "device.intended_purpos",
            12,
            "device.intended_purpose",
            id="device-field",
        ),
        pytest.param(
            {"device": DEVICE, "worst_case_impakt": "minor_or_none"},
            "worst_case_impakt",
            12,
            "worst_case_impact",
            id="fact-typo",
        ),
    ],
)
def test_unknown_answer_key_exits_2_with_did_you_mean(
    tmp_path: Path, answers: dict[str, object], key: str, line: int, suggestion: str
) -> None:
    path = _answers(tmp_path, answers)
    code, output = _init(tmp_path, path)
    assert code == EXIT_INPUT, output
    assert f"{path}:{line}:" in output
    assert f"unknown question key '{key}'" in output
    assert f"did you mean '{suggestion}'?" in output
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_existing_manifest_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / MANIFEST_NAME
    target.write_text("# hand-written, keep me\n", encoding="utf-8")
    answers = _answers(tmp_path, {"device": DEVICE, **CHOICE_FACTS})
    code, output = _init(tmp_path, answers)
    assert code == EXIT_INPUT, output
    assert "--force" in output
    assert target.read_text(encoding="utf-8") == "# hand-written, keep me\n"


def test_force_replaces_an_existing_manifest(tmp_path: Path) -> None:
    target = tmp_path / MANIFEST_NAME
    target.write_text("# hand-written\n", encoding="utf-8")
    answers = _answers(tmp_path, {"device": DEVICE, **CHOICE_FACTS})
    code, output = _init(tmp_path, answers, "--force")
    assert code == EXIT_OK, output
    manifest = load_manifest(target)
    assert manifest.device is not None
    assert manifest.device.name == DEVICE["name"]
    # Written atomically: no temporary file is left beside it.
    assert {p.name for p in tmp_path.iterdir()} == {"answers.yaml", MANIFEST_NAME}


@pytest.mark.parametrize("missing", REQUIRED_DEVICE_KEYS)
def test_missing_required_device_answer_exits_2_with_no_input(tmp_path: Path, missing: str) -> None:
    device = {k: v for k, v in DEVICE.items() if k != missing}
    answers = _answers(tmp_path, {"device": device, **CHOICE_FACTS})
    code, output = _init(tmp_path, answers)
    assert code == EXIT_INPUT, output
    assert f"no answer for device.{missing}" in output
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_answers_file_that_is_not_a_mapping_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("- is_software\n", encoding="utf-8")
    code, output = _init(tmp_path, path)
    assert code == EXIT_INPUT, output
    assert f"{path}:1:" in output
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_contradictory_answers_exit_2_and_write_nothing(tmp_path: Path) -> None:
    facts = {
        "information_use": "diagnosis_or_therapy_decision",
        "worst_case_impact": "not_applicable",
    }
    answers = _answers(tmp_path, {"device": DEVICE, **facts})
    code, output = _init(tmp_path, answers)
    assert code == EXIT_INPUT, output
    assert "contradictory facts" in output
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_refused_answer_is_located_in_the_answers_file(tmp_path: Path) -> None:
    path = _answers(tmp_path, {"device": {**DEVICE, "intended_purpose": "CAD risk"}})
    code, output = _init(tmp_path / "project", path)
    assert code == EXIT_INPUT, output
    assert "device.intended_purpose" in output
    assert f"{path}:" in output


def test_null_udi_di_means_not_assigned(tmp_path: Path) -> None:
    answers = _answers(tmp_path, {"device": {**DEVICE, "udi_di": None}})
    code, output = _init(tmp_path, answers)
    assert code == EXIT_OK, output
    manifest = load_manifest(tmp_path / MANIFEST_NAME)
    assert manifest.device is not None
    assert manifest.device.udi_di is None
