"""Reading risks.yaml: round trip, and bad input reported at file:line:col with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from techfile.cli import app
from techfile.errors import LocatedInputError
from techfile.risk import dump_risks, load_risks, parse_risks

EXAMPLE_RISKS = Path(__file__).resolve().parents[2] / "examples" / "cardiorisk" / "risks.yaml"
TEXT = EXAMPLE_RISKS.read_text(encoding="utf-8")
runner = CliRunner()


def test_the_example_round_trips_to_an_equal_model_and_stable_text() -> None:
    loaded = load_risks(EXAMPLE_RISKS)
    dumped = dump_risks(loaded.model)
    again = parse_risks(dumped)
    assert again.model == loaded.model
    assert dump_risks(again.model) == dumped
    assert len(loaded.model.risks) == 16


def test_a_changed_model_dumps_differently() -> None:
    loaded = load_risks(EXAMPLE_RISKS)
    first = loaded.model.risks[0]
    changed = loaded.model.model_copy(
        update={"risks": [first.model_copy(update={"title": "renamed"}), *loaded.model.risks[1:]]}
    )
    assert dump_risks(changed) != dump_risks(loaded.model)
    assert parse_risks(dump_risks(changed)).model.risks[0].title == "renamed"


def _line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1, needle
    return text[: text.index(needle)].count("\n") + 1


# (id, original text, planted text, line marker in the planted file, words of the message)
CASES = [
    (
        "schema-unknown-key",
        "  - {id: HARM-PRIVACY, title: Disclosure of a patient's health data, severity: minor}",
        "  - {id: HARM-PRIVACY, title: Disclosure of a patient's health data, severty: minor}",
        "severty: minor",
        ["unknown key 'severty'", "did you mean 'severity'"],
    ),
    (
        "unknown-severity-level",
        "title: Complications of an unnecessary invasive coronary angiography, severity: serious}",
        "title: Complications of an unnecessary invasive coronary angiography, severity: grave}",
        "severity: grave}",
        ["unknown severity level 'grave'", "negligible, minor, serious"],
    ),
    (
        "unknown-p1-level",
        "    residual: {p1: uncommon, p2: unlikely}\n  - id: R-UNNEEDED-ANGIO",
        "    residual: {p1: often, p2: unlikely}\n  - id: R-UNNEEDED-ANGIO",
        "p1: often",
        ["unknown P1 level 'often'", "rare, uncommon, common"],
    ),
    (
        "dangling-control",
        "    controls: [RC-IMPUTATION]",
        "    controls: [RC-IMPUTATIONS]",
        "RC-IMPUTATIONS",
        ["unknown control 'RC-IMPUTATIONS'", "did you mean 'RC-IMPUTATION'"],
    ),
    (
        "dangling-harm-of-threat",
        "      harms: [HARM-PRIVACY]",
        "      harms: [HARM-SECRECY]",
        "HARM-SECRECY",
        ["unknown harm 'HARM-SECRECY'"],
    ),
    (
        "unknown-requirement",
        "[MDR.AI.4.a, AIA.15.4]\n",
        "[MDR.AI.4.z, AIA.15.4]\n",
        "MDR.AI.4.z",
        ["unknown requirement id 'MDR.AI.4.z'"],
    ),
    (
        "unknown-library-hazard",
        "    ai_hazards: [AIH.LABEL-NOISE]",
        "    ai_hazards: [AIH.LABEL-NOIS]",
        "AIH.LABEL-NOIS]",
        ["unknown library AI hazard 'AIH.LABEL-NOIS'", "did you mean 'AIH.LABEL-NOISE'"],
    ),
    (
        "control-risk-cycle",
        "case: test_referral_follows_the_threshold}\n",
        "case: test_referral_follows_the_threshold}\n    introduces: [R-AUTOMATION-BIAS]\n",
        "    introduces: [R-AUTOMATION-BIAS]",
        ["control/risk links form a cycle", "RC-PROBABILITY", "R-AUTOMATION-BIAS"],
    ),
    (
        "hazard-cycle",
        "significant disease\n  - id: HAZ-FALSE-HIGH",
        "significant disease\n    parent: HAZ-INPUT\n  - id: HAZ-FALSE-HIGH",
        "    parent: HAZ-INPUT",
        ["hazard links form a cycle", "HAZ-FALSE-LOW", "HAZ-INPUT"],
    ),
    (
        "duplicate-id",
        "  - id: HAZ-REFUSAL\n",
        "  - id: HAZ-SHORTCUT\n",
        "  - id: HAZ-SHORTCUT\n    title: A valid",
        ["duplicate id 'HAZ-SHORTCUT'", "first defined at"],
    ),
    (
        "matrix-not-monotone",
        "    critical: {improbable: acceptable, remote: unacceptable, occasional: unacceptable,",
        "    critical: {improbable: acceptable, remote: unacceptable, occasional: acceptable,",
        "    critical: {",
        ["acceptable although a lower one is not"],
    ),
    (
        "matrix-incomplete",
        " occasional: acceptable, probable: acceptable, frequent: unacceptable}",
        " occasional: acceptable, probable: acceptable}",
        "    minor: {",
        ["misses probability level(s) frequent"],
    ),
    (
        "residual-without-controls",
        "    acceptance: >-\n      The software stores",
        "    residual: {probability: remote}\n    acceptance: >-\n      The software stores",
        "    residual: {probability: remote}\n    acceptance",
        ["a residual estimate without controls"],
    ),
]


@pytest.mark.parametrize(
    ("original", "planted", "marker", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_located_and_exits_2(
    tmp_path: Path, original: str, planted: str, marker: str, words: list[str]
) -> None:
    assert TEXT.count(original) == 1, original
    text = TEXT.replace(original, planted)
    path = tmp_path / "risks.yaml"
    path.write_text(text, encoding="utf-8")
    line = _line_of(text, marker)
    with pytest.raises(LocatedInputError) as caught:
        load_risks(path)
    message = caught.value.diagnostics()
    assert f"{path}:{line}:" in message, message
    for word in words:
        assert word in message, message
    result = runner.invoke(app, ["risk", "matrix", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert f"risks.yaml:{line}:" in result.output.replace("\n", "")
    assert "Traceback" not in result.output


def test_a_missing_risk_file_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["risk", "matrix", str(tmp_path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "no such file" in result.output


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from("\n\t:#'\"-{}[]&*!|>%@`"),
    min_size=1,
    max_size=40,
).filter(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(_TEXT, min_size=3, max_size=3), steps=st.lists(_TEXT, min_size=1, max_size=3)
)
def test_any_text_round_trips(titles: list[str], steps: list[str]) -> None:
    """Free text with YAML syntax in it (colons, quotes, hashes, newlines) survives a round trip."""
    model = load_risks(EXAMPLE_RISKS).model
    hazard, risk, control = model.hazards[0], model.risks[0], model.controls[0]
    situation = model.situations[0]
    changed = model.model_copy(
        update={
            "hazards": [hazard.model_copy(update={"title": titles[0]}), *model.hazards[1:]],
            "risks": [risk.model_copy(update={"title": titles[1]}), *model.risks[1:]],
            "controls": [
                control.model_copy(update={"description": titles[2]}),
                *model.controls[1:],
            ],
            "situations": [situation.model_copy(update={"sequence": steps}), *model.situations[1:]],
        }
    )
    dumped = dump_risks(changed)
    again = parse_risks(dumped).model
    assert again == changed
    assert dump_risks(again) == dumped
