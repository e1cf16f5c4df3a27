"""Each check of `techfile risk check`, on the example with a planted defect.

The clean example passes (exit 0), so every test below can fail: each plants one defect and
expects exit 1 with a message naming the item and what is missing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from techfile.cli import app
from techfile.risk import CheckId, check_project

runner = CliRunner()


def _plant(project: Path, original: str, planted: str) -> None:
    path = project / "risks.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(original) == 1, original
    path.write_text(text.replace(original, planted), encoding="utf-8")


def _findings(project: Path) -> list[tuple[str, str, str]]:
    result = runner.invoke(app, ["risk", "check", str(project), "--json"])
    document = json.loads(result.stdout)
    assert result.exit_code == (1 if document["findings"] else 0), result.output
    return [(f["check"], f["item"], f["message"]) for f in document["findings"]]


def test_the_clean_example_passes_every_check(project: Path) -> None:
    result = runner.invoke(app, ["risk", "check", str(project)])
    assert result.exit_code == 0, result.output
    assert "complete" in result.output
    report = check_project(project).report
    assert report.ok
    assert all(r.state.value == "verified" for rs in report.resolutions.values() for r in rs)


def test_the_example_notes_the_evidence_kinds_it_still_lacks(project: Path) -> None:
    notes = {(n.check, n.item): n.message for n in check_project(project).report.notes}
    # The subgroup results of the evaluation verify the external-validation control ...
    assert (CheckId.AI_HAZARDS_ADDRESSED, "AIH.SUBGROUP-UNDERPERFORMANCE") not in notes
    # ... while nothing shows yet how the physicians use the output.
    oversight = notes[(CheckId.AI_HAZARDS_ADDRESSED, "AIH.INEFFECTIVE-OVERSIGHT")]
    assert "usability, decision_log" in oversight
    assert (CheckId.VULNERABILITIES_LINKED, "vulnerability_scan") in notes


def test_a_risk_without_control_or_acceptance_is_found(project: Path) -> None:
    text = (project / "risks.yaml").read_text(encoding="utf-8")
    start = text.index("    acceptance: >-\n      The software stores")
    end = text.index("  - id: R-REFUSAL")
    _plant(project, text[start:end], "")
    assert _findings(project) == [
        (
            "hazard_controlled",
            "R-DISCLOSURE",
            (
                "risk R-DISCLOSURE (Findings disclosed on screen) has no control and no "
                "documented acceptance"
            ),
        )
    ]


def test_a_hazard_without_situation_is_found(project: Path) -> None:
    unused = "  - id: HAZ-UNUSED\n    title: Not analysed\n"
    _plant(project, "  - id: HAZ-REFUSAL\n", unused + "  - id: HAZ-REFUSAL\n")
    (finding,) = _findings(project)
    assert finding[:2] == ("hazard_controlled", "HAZ-UNUSED")
    assert "no hazardous situation arises from it" in finding[2]


def test_removing_a_controls_evidence_record_fails_naming_control_and_evidence(
    project: Path,
) -> None:
    plan = project / "docs" / "software-development-plan.md"
    digest = hashlib.sha256(plan.read_bytes()).hexdigest()
    removed = [record for record in (project / "evidence").glob("*.json") if _pins(record, digest)]
    assert len(removed) == 1
    removed[0].unlink()
    result = runner.invoke(app, ["risk", "check", str(project)])
    assert result.exit_code == 1
    output = result.output
    for control in ("RC-LOCKED-MODEL", "RC-OFFLINE", "RC-EXTERNAL-VALIDATION"):
        assert f"control {control} (" in output
    assert "evidence artefact docs/software-development-plan.md is missing" in output
    assert "no trusted evidence record" in output


def _pins(record: Path, digest: str) -> bool:
    payload = json.loads(base64.b64decode(json.loads(record.read_bytes())["payload"]))
    return any(s["digest"]["sha256"] == digest for s in payload["subject"])


def test_a_changed_artefact_makes_the_control_evidence_stale(project: Path) -> None:
    document = project / "docs" / "intended-purpose.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    findings = _findings(project)
    assert {f[1] for f in findings} == {"RC-IFU-PURPOSE", "RC-IFU-LIMITATIONS"}
    assert all("is stale" in f[2] and "docs/intended-purpose.md changed" in f[2] for f in findings)


def test_a_test_case_that_is_not_in_the_report_is_missing(project: Path) -> None:
    _plant(
        project,
        "case: test_missing_optional_values_take_training_medians",
        "case: test_missing_values_are_refused",
    )
    (finding,) = _findings(project)
    assert finding[:2] == ("control_verified", "RC-IMPUTATION")
    assert "has no test case test_missing_values_are_refused" in finding[2]


def test_a_failed_test_case_fails_its_control(project: Path) -> None:
    report = project / "reports" / "junit.xml"
    text = report.read_text(encoding="utf-8")
    marker = 'name="test_probabilities_are_in_unit_interval"'
    start = text.index(marker)
    end = text.index("</testcase>", start)
    failed = text[:end] + '<failure message="planted">planted</failure>' + text[end:]
    report.write_text(failed, encoding="utf-8")
    runner.invoke(
        app,
        ["evidence", "collect", str(project)],
        env={"TECHFILE_KEY_PASSPHRASE": "risk test passphrase"},
    )
    findings = _findings(project)
    assert ("control_verified", "RC-PROBABILITY") in {f[:2] for f in findings}
    message = next(f[2] for f in findings if f[1] == "RC-PROBABILITY")
    assert "test case test_probabilities_are_in_unit_interval failed" in message


def test_a_control_without_evidence_is_found(project: Path) -> None:
    _plant(
        project,
        "    verified_by:\n      - {artefact: reports/junit.xml, case: test_missing"
        "_optional_values_take_training_medians}\n",
        "",
    )
    (finding,) = _findings(project)
    assert finding[:2] == ("control_verified", "RC-IMPUTATION")
    assert "verified_by is empty" in finding[2]


def test_an_unaddressed_library_ai_hazard_is_found(project: Path) -> None:
    _plant(project, "    ai_hazards: [AIH.SHORTCUT-LEARNING]\n", "")
    assert _findings(project) == [
        (
            "ai_hazards_addressed",
            "AIH.SHORTCUT-LEARNING",
            (
                "AI hazard AIH.SHORTCUT-LEARNING (Shortcut learning from spurious or leaking "
                "features) is neither addressed by a hazard nor justified under "
                "ai_hazards_not_applicable"
            ),
        )
    ]


def test_a_justified_not_applicable_library_hazard_passes(project: Path) -> None:
    _plant(project, "    ai_hazards: [AIH.SHORTCUT-LEARNING]\n", "")
    reason = "  AIH.SHORTCUT-LEARNING: The eight findings are routine clinical measurements."
    _plant(project, "ai_hazards_not_applicable: {}", f"ai_hazards_not_applicable:\n{reason}")
    assert _findings(project) == []


def test_an_unacceptable_residual_risk_needs_a_benefit_risk_justification(project: Path) -> None:
    text = (project / "risks.yaml").read_text(encoding="utf-8")
    start = text.index("    benefit_risk: >-")
    end = text.index("  - id: R-ACUTE")
    _plant(project, text[start:end], "")
    assert _findings(project) == [
        (
            "residual_acceptable",
            "R-WOMEN",
            (
                "residual risk R-WOMEN (serious/occasional) is unacceptable under the policy and "
                "has no benefit_risk justification"
            ),
        )
    ]


def test_an_overall_residual_risk_judged_not_acceptable_is_found(project: Path) -> None:
    _plant(project, "  acceptable: true\n", "  acceptable: false\n")
    assert _findings(project) == [
        (
            "residual_acceptable",
            "overall_residual",
            "the overall residual risk is evaluated as not acceptable",
        )
    ]


def test_an_asset_without_threat_is_found(project: Path) -> None:
    model = "    - {id: A-MODEL, title: Model coefficients (model/model.json)}\n"
    _plant(project, model, model + "    - {id: A-AUDIT, title: Audit trail}\n")
    message = "A-AUDIT (Audit trail) has no threat analysed"
    assert _findings(project) == [("threat_model", "A-AUDIT", message)]


def test_a_threat_linked_to_no_risk_is_found(project: Path) -> None:
    _plant(project, "      risks: [R-DISCLOSURE]\n", "")
    (finding,) = _findings(project)
    assert finding[:2] == ("threat_model", "T-DISCLOSURE")
    assert "is linked to no risk" in finding[2]


def test_a_threat_harm_that_no_linked_risk_estimates_is_found(project: Path) -> None:
    _plant(project, "      harms: [HARM-PRIVACY]\n", "      harms: [HARM-PRIVACY, HARM-DELAY]\n")
    message = (
        "threat T-DISCLOSURE can lead to harm HARM-DELAY, but none of its risks estimates that harm"
    )
    assert _findings(project) == [("threat_model", "T-DISCLOSURE", message)]


def test_information_only_controls_give_a_note_not_a_finding(project: Path) -> None:
    tail = "\n    residual: {probability: remote}\n  - id: R-IMPUTED"
    _plant(
        project,
        "    controls: [RC-INPUT-VALIDATION, RC-IFU-PURPOSE]" + tail,
        "    controls: [RC-IFU-PURPOSE]" + tail,
    )
    result = runner.invoke(app, ["risk", "check", str(project), "--json"])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    message = (
        "risk R-WRONG-INPUT is controlled by information for safety only; record why design "
        "and protective measures are not practicable"
    )
    assert {"check": "control_priority", "item": "R-WRONG-INPUT", "message": message} in notes
