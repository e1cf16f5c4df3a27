"""Invariants of classification under MDR Annex VIII IR 3.5 and IVDR Annex VIII 1.9 (STYLE F5).

For any software and any set of further rule triggers:

* the class is the highest class among the rules fired, and the deciding rule is one of them;
* every trigger that gives a class is among the rules fired, with its class and citation;
* naming one more applicable rule never lowers the class (the strictest rule wins).

The last property holds for the MDR for every trigger set. For the IVDR it holds only once some
rule applies: Rule 6 (class B) covers devices "not covered by the above" rules, so it is a
fallback that the first applicable rule *replaces*. Going from no rule to Rule 5(b) (class A)
therefore lowers B to A, and that is the law, not a defect (see the explicit tests below).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from techfile.classify import (
    Classification,
    DeviceClass,
    Facts,
    FiredRule,
    InformationUse,
    Regulation,
    WorstCaseImpact,
    classify,
    load_rulebook,
)
from techfile.errors import InputError

FactInput = bool | str | frozenset[str] | None
FactsBuilder = Callable[..., Facts]

BOOK = load_rulebook()
MDR_RULES = BOOK.rule_sets[Regulation.MDR]
IVDR_RULES = BOOK.rule_sets[Regulation.IVDR]
MDR_TRIGGERS = sorted(MDR_RULES.triggers)
IVDR_TRIGGERS = sorted(IVDR_RULES.triggers)
IVDR_CLASS_TRIGGERS = frozenset(
    r.id for r in IVDR_RULES.rules if r.id in IVDR_RULES.triggers and r.klass is not None
)
"""IVDR triggers that give a class (Rule 4(b) near-patient testing gives none of its own)."""


@st.composite
def mdr_software(draw: st.DrawFn) -> dict[str, FactInput]:
    """Any MDR software: Rule 11 branch, severity, vital parameters, driven device."""
    use = draw(st.sampled_from(InformationUse))
    if use is InformationUse.DIAGNOSIS_OR_THERAPY_DECISION:
        worst = draw(st.sampled_from(WorstCaseImpact).filter(lambda w: w.value != "not_applicable"))
    else:
        worst = draw(st.sampled_from(WorstCaseImpact))
    drives = draw(st.booleans())
    return {
        "information_use": use.value,
        "worst_case_impact": worst.value,
        "vital_parameters_immediate_danger": draw(st.booleans()),
        "drives_or_influences_device": drives,
        "driven_device_class": draw(st.sampled_from(MDR_RULES.scale)).value if drives else None,
        "medical_purpose": draw(st.booleans()) if drives else True,
    }


@st.composite
def ivd_software(draw: st.DrawFn) -> dict[str, FactInput]:
    """Any IVD software, driving an IVD or not."""
    drives = draw(st.booleans())
    return {
        "ivd_information": True,
        "data_sources": draw(st.sampled_from(["ivd_only", "mixed_ivd_dominant"])),
        "drives_or_influences_device": drives,
        "driven_device_class": draw(st.sampled_from(IVDR_RULES.scale)).value if drives else None,
        "medical_purpose": draw(st.booleans()) if drives else True,
    }


mdr_trigger_sets = st.frozensets(st.sampled_from(MDR_TRIGGERS), max_size=8)
ivdr_trigger_sets = st.frozensets(st.sampled_from(IVDR_TRIGGERS), max_size=5)


def _classify(facts: Facts) -> Classification:
    try:
        return classify(facts)
    except InputError:
        # A trigger and its own exception named together (e.g. Rule 5 short-term use and the
        # oral-cavity exception) contradict each other: not a device that can exist.
        assume(False)  # noqa: FBT003  # hypothesis' way to discard a draw
        raise


def _class_of(result: Classification) -> DeviceClass:
    assert result.device_class is not None, result.questions
    return result.device_class


def _fired_classes_agree(result: Classification) -> None:
    """Property (b): the class is the highest fired class, by the regulation's own scale."""
    assert result.regulation is not None
    scale = BOOK.rule_sets[result.regulation].scale
    highest = max((fired.device_class for fired in result.rules_fired), key=scale.index)
    assert _class_of(result) is highest
    assert (result.rule, highest) in {(f.rule, f.device_class) for f in result.rules_fired}


def _triggers_fired(result: Classification, regulation: Regulation, named: frozenset[str]) -> None:
    """Property (c): each trigger named is among the rules fired (classless ones: in the trace)."""
    rule_set = BOOK.rule_sets[regulation]
    fired = set(result.rules_fired)
    steps = {step.step for step in result.trace}
    for rule in rule_set.rules:
        if rule.id not in named:
            continue
        if rule.klass is None:
            assert f"Rule {rule.rule}" in steps, rule.id
        else:
            assert FiredRule(rule.rule, rule.klass, rule.citation) in fired, rule.id


# --- MDR -----------------------------------------------------------------------------------


@settings(max_examples=300)
@given(software=mdr_software(), triggers=mdr_trigger_sets, extra=st.sampled_from(MDR_TRIGGERS))
def test_an_mdr_trigger_never_lowers_the_class(
    software: dict[str, FactInput],
    triggers: frozenset[str],
    extra: str,
    complete_facts: FactsBuilder,
) -> None:
    before = _classify(complete_facts(**software, special_rule_triggers=triggers))
    after = _classify(complete_facts(**software, special_rule_triggers=triggers | {extra}))

    assert before.regulation is after.regulation is Regulation.MDR
    assert MDR_RULES.rank(_class_of(after)) >= MDR_RULES.rank(_class_of(before))


@given(software=mdr_software(), triggers=mdr_trigger_sets)
def test_the_mdr_class_is_the_highest_rule_fired(
    software: dict[str, FactInput], triggers: frozenset[str], complete_facts: FactsBuilder
) -> None:
    result = _classify(complete_facts(**software, special_rule_triggers=triggers))

    _fired_classes_agree(result)
    _triggers_fired(result, Regulation.MDR, triggers)
    if software["drives_or_influences_device"]:
        floor = DeviceClass(str(software["driven_device_class"]))
        assert ("IR 3.3", floor) in {(f.rule, f.device_class) for f in result.rules_fired}
        assert MDR_RULES.rank(_class_of(result)) >= MDR_RULES.rank(floor)


# --- IVDR ----------------------------------------------------------------------------------


@settings(max_examples=300)
@given(
    software=ivd_software(),
    triggers=ivdr_trigger_sets,
    extra=st.sampled_from(IVDR_TRIGGERS),
)
def test_an_ivdr_trigger_never_lowers_the_class_once_a_rule_applies(
    software: dict[str, FactInput],
    triggers: frozenset[str],
    extra: str,
    complete_facts: FactsBuilder,
) -> None:
    # Some rule other than the Rule 6 fallback must already apply (see the module docstring).
    assume(bool(triggers & IVDR_CLASS_TRIGGERS) or software["drives_or_influences_device"])
    before = _classify(complete_facts(**software, ivd_rule_triggers=triggers))
    after = _classify(complete_facts(**software, ivd_rule_triggers=triggers | {extra}))

    assert before.regulation is after.regulation is Regulation.IVDR
    assert IVDR_RULES.rank(_class_of(after)) >= IVDR_RULES.rank(_class_of(before))


@given(software=ivd_software(), triggers=ivdr_trigger_sets)
def test_the_ivdr_class_is_the_highest_rule_fired(
    software: dict[str, FactInput], triggers: frozenset[str], complete_facts: FactsBuilder
) -> None:
    result = _classify(complete_facts(**software, ivd_rule_triggers=triggers))

    _fired_classes_agree(result)
    _triggers_fired(result, Regulation.IVDR, triggers)
    applies = bool(triggers & IVDR_CLASS_TRIGGERS) or software["drives_or_influences_device"]
    fallback = [f for f in result.rules_fired if f.rule == "6"]
    assert bool(fallback) is not applies  # Rule 6 only when no other rule applies


def _ivd(complete_facts: FactsBuilder, *triggers: str) -> Classification:
    return classify(
        complete_facts(
            ivd_information=True, data_sources="ivd_only", ivd_rule_triggers=frozenset(triggers)
        )
    )


def test_rule_5b_replaces_the_rule_6_fallback(complete_facts: FactsBuilder) -> None:
    """IVDR Annex VIII Rule 6 applies only to devices no other rule covers: B gives way to A."""
    none = _ivd(complete_facts)
    instrument = _ivd(complete_facts, "rule_5b_instrument")

    assert (none.device_class, none.rule) == (DeviceClass.B, "6")
    assert (instrument.device_class, instrument.rule) == (DeviceClass.A, "5(b)")
    assert [f.rule for f in instrument.rules_fired] == ["5(b)"]


def test_near_patient_testing_alone_leaves_rule_6(complete_facts: FactsBuilder) -> None:
    """IVDR Rule 4(b): near-patient tests are classified in their own right by the other rules."""
    near_patient = _ivd(complete_facts, "rule_4b_near_patient")
    instrument = _ivd(complete_facts, "rule_4b_near_patient", "rule_5b_instrument")

    assert (near_patient.device_class, near_patient.rule) == (DeviceClass.B, "6")
    assert (instrument.device_class, instrument.rule) == (DeviceClass.A, "5(b)")
