"""A missing fact becomes a question, never a guess, and only when it could change the class.

MDR Annex VIII Rule 11(a) needs the worst-case impact of a wrong decision; IR 3.5 makes the
strictest rule win, so once a rule gives class III (the top of the scale) no answer about the
impact could raise the class, and techfile must not ask.
"""

from __future__ import annotations

from collections.abc import Callable

from techfile.classify import DeviceClass, Facts, classify

FactsBuilder = Callable[..., Facts]


def _without(facts: Facts, *names: str) -> Facts:
    return Facts({name: value for name, value in facts.given.items() if name not in names})


def test_a_missing_worst_case_impact_is_asked(complete_facts: FactsBuilder) -> None:
    facts = _without(
        complete_facts(information_use="diagnosis_or_therapy_decision"), "worst_case_impact"
    )

    result = classify(facts)

    assert result.complete is False
    assert result.device_class is None
    assert result.rule is None
    assert [q.field for q in result.questions] == ["worst_case_impact"]
    question = result.questions[0]
    assert "worst impact" in question.question
    assert "Rule 11(a)" in question.citation


def test_the_impact_is_not_asked_when_rule_22_already_gives_iii(
    complete_facts: FactsBuilder,
) -> None:
    facts = _without(
        complete_facts(
            information_use="diagnosis_or_therapy_decision",
            special_rule_triggers=frozenset({"rule_22_closed_loop"}),
        ),
        "worst_case_impact",
    )

    result = classify(facts)

    assert result.complete, result.questions
    assert "worst_case_impact" not in {q.field for q in result.questions}
    assert result.device_class is DeviceClass.III
    assert result.rule == "22"
    assert all(step.citation for step in result.trace)


def test_the_impact_is_still_asked_when_the_other_rule_gives_less_than_iii(
    complete_facts: FactsBuilder,
) -> None:
    """Rule 15 gives IIb, and a fatal impact could still raise it to III: the question stays."""
    facts = _without(
        complete_facts(
            information_use="diagnosis_or_therapy_decision",
            special_rule_triggers=frozenset({"rule_15_contraception"}),
        ),
        "worst_case_impact",
    )

    result = classify(facts)

    assert result.complete is False
    assert result.device_class is None
    assert [q.field for q in result.questions] == ["worst_case_impact"]
