"""techfile does not make the errors found in common secondary sources.

One test (or table) per item of ``shared/regulatory-facts.md`` section 12 that concerns
classification, the AI Act status or the dates; the test name says the error it rules out and
the comment above it gives the item number. Items about data only (durations, amending acts)
are checked on `load_rulebook`, the rest on `classify` results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from importlib import resources

import pytest

from techfile.classify import (
    AiActOutcome,
    Classification,
    DeviceClass,
    Facts,
    Qualification,
    Regulation,
    classify,
    load_rulebook,
)

FactInput = bool | str | frozenset[str] | None
FactsBuilder = Callable[..., Facts]

BOOK = load_rulebook()

CLASS_I: dict[str, FactInput] = {"information_use": "other", "worst_case_impact": "not_applicable"}
"""Rule 11(c) software (class I, no variant)."""
IVD: dict[str, FactInput] = {"ivd_information": True, "data_sources": "ivd_only"}
"""IVD software on data solely from IVDs."""


def _decision(worst: str, *triggers: str) -> dict[str, FactInput]:
    return {
        "information_use": "diagnosis_or_therapy_decision",
        "worst_case_impact": worst,
        "special_rule_triggers": frozenset(triggers),
    }


def _strings(value: object) -> Iterator[str]:
    """Every string held anywhere in the rule book (ids, findings, citations, values)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _strings(getattr(value, item.name))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from _strings(item)


BOOK_STRINGS = tuple(_strings(BOOK))


LEGACY_ENDS = frozenset({"mdr-legacy-iii", "mdr-legacy-other"})
"""The ids of the dates that end an MDR legacy device's transition (Art 120(3a), (3b))."""


def _date(result: Classification, date_id: str) -> dt.date | None:
    return next((d.date for d in result.dates if d.id == date_id), None)


# --- Item 1: "Regulation (EU) 2024/900 is the AI Act" --------------------------------------


def test_the_ai_act_is_2024_1689_never_2024_900() -> None:
    ai_act = BOOK.source("ai-act-2024-1689")
    assert ai_act.act == "Regulation (EU) 2024/1689"
    assert ai_act.entry_into_force == dt.date(2024, 8, 1)
    assert not [s for s in BOOK_STRINGS if "2024/900" in s]
    rules = resources.files("techfile.catalog").joinpath("data", "rules")
    for path in rules.iterdir():
        if not path.name.endswith(".yaml"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            # Only a comment may name 2024/900, and only to say it is another act.
            if "2024/900" in line:
                assert line.lstrip().startswith("#"), (path.name, line)


# --- Item 3: stale AI Act dates (2 Aug 2027 / 2 Aug 2026 for high-risk) ----------------------


@pytest.mark.parametrize(
    ("change", "outcome", "date_id", "date"),
    [
        pytest.param(
            _decision("minor_or_none"),
            AiActOutcome.HIGH_RISK_ART_6_1,
            "aia-annex-i-high-risk",
            dt.date(2028, 8, 2),
            id="annex-i-2028-08-02[AI Act Art 113 as amended by 2026/1744]",
        ),
        pytest.param(
            {**CLASS_I, "annex_iii_use_case": "5(d)"},
            AiActOutcome.HIGH_RISK_ANNEX_III,
            "aia-annex-iii-high-risk",
            dt.date(2027, 12, 2),
            id="annex-iii-2027-12-02[AI Act Art 113 as amended by 2026/1744]",
        ),
    ],
)
def test_high_risk_dates_are_the_omnibus_dates(
    change: dict[str, FactInput],
    outcome: AiActOutcome,
    date_id: str,
    date: dt.date,
    complete_facts: FactsBuilder,
) -> None:
    result = classify(complete_facts(**change))

    assert result.ai_act_outcome is outcome
    assert _date(result, date_id) == date
    dates = {d.date: d.id for d in result.dates}
    assert dt.date(2027, 8, 2) not in dates
    # 2 Aug 2026 is the general date of application (Art 50), never a high-risk date.
    assert dates.get(dt.date(2026, 8, 2)) == "aia-transparency"


def test_no_rule_data_date_is_a_stale_high_risk_date() -> None:
    high_risk = {d.id: d.date for d in BOOK.dates if "high-risk" in d.id}
    assert high_risk == {
        "aia-annex-i-high-risk": dt.date(2028, 8, 2),
        "aia-annex-iii-high-risk": dt.date(2027, 12, 2),
    }
    assert dt.date(2027, 8, 2) not in {d.date for d in BOOK.dates}


# --- Item 4: Omnibus status errors -----------------------------------------------------------


def test_the_omnibus_is_in_force_from_27_july_2026_with_fixed_dates(
    complete_facts: FactsBuilder,
) -> None:
    amendments = {a.act: a for a in BOOK.source("ai-act-2024-1689").amended_by}
    omnibus = amendments["Regulation (EU) 2026/1744"]
    assert omnibus.in_force == dt.date(2026, 7, 27)  # not 8 July 2026, the act's date
    assert not [s for s in BOOK_STRINGS if "backstop" in s.lower()]

    # The Art 6(3) derogation keeps its registration duty (Art 49(2) was not deleted).
    result = classify(complete_facts(**CLASS_I, annex_iii_use_case="5(a)", art_6_3_derogation=True))
    assert result.ai_act_outcome is AiActOutcome.NOT_HIGH_RISK
    assert any("49(2)" in step.finding for step in result.trace)


# --- Item 5: "all AI IVDs are high-risk", "class I is never high-risk", "IIa+ always is" ----


@pytest.mark.parametrize(
    ("change", "device_class", "high_risk"),
    [
        pytest.param(CLASS_I, DeviceClass.I, False, id="I-not-high-risk[MDCG 2025-6 Table 1]"),
        pytest.param(
            {**CLASS_I, "sterile": True},
            DeviceClass.I,
            True,
            id="Is-high-risk[MDCG 2025-6 Table 1]",
        ),
        pytest.param(
            {**CLASS_I, "measuring_function": True},
            DeviceClass.I,
            True,
            id="Im-high-risk[MDCG 2025-6 Table 1]",
        ),
        pytest.param(
            {**CLASS_I, "reusable_surgical_instrument": True},
            DeviceClass.I,
            True,
            id="Ir-high-risk[MDCG 2025-6 Table 1]",
        ),
        pytest.param(
            _decision("minor_or_none"), DeviceClass.IIA, True, id="IIa-high-risk[MDCG 2025-6 Q2]"
        ),
        pytest.param(
            {**_decision("minor_or_none"), "in_house_art_5_5": True},
            DeviceClass.IIA,
            False,
            id="IIa-in-house-not-high-risk[MDCG 2025-6 Q35]",
        ),
        pytest.param(
            {**_decision("death_or_irreversible"), "ai_role": "non_safety_component"},
            DeviceClass.III,
            False,
            id="III-non-safety-component-not-high-risk[AI Act Art 6(1a)]",
        ),
        pytest.param(
            {**IVD, "ivd_rule_triggers": frozenset({"rule_5b_instrument"})},
            DeviceClass.A,
            False,
            id="A-non-sterile-not-high-risk[MDCG 2025-6 Table 1]",
        ),
        pytest.param(
            {**IVD, "ivd_rule_triggers": frozenset({"rule_5b_instrument"}), "sterile": True},
            DeviceClass.A,
            True,
            id="A-sterile-high-risk[MDCG 2025-6 Table 1]",
        ),
        pytest.param(IVD, DeviceClass.B, True, id="B-high-risk[MDCG 2025-6 Table 1]"),
        pytest.param(
            {**IVD, "ivd_rule_triggers": frozenset({"rule_3h_cancer"})},
            DeviceClass.C,
            True,
            id="C-high-risk[MDCG 2025-6 Table 1]",
        ),
        pytest.param(
            {
                **IVD,
                "ivd_rule_triggers": frozenset({"rule_1_life_threatening_transmissible_agent"}),
            },
            DeviceClass.D,
            True,
            id="D-high-risk[MDCG 2025-6 Table 1]",
        ),
    ],
)
def test_high_risk_follows_notified_body_involvement(
    change: dict[str, FactInput],
    device_class: DeviceClass,
    high_risk: bool,  # noqa: FBT001  # a table column
    complete_facts: FactsBuilder,
) -> None:
    result = classify(complete_facts(**change))

    assert result.complete, result.questions
    assert result.device_class is device_class
    assert result.ai_act_high_risk is high_risk
    if high_risk:
        assert result.ai_act_outcome is AiActOutcome.HIGH_RISK_ART_6_1
        assert result.notified_body_required is True


# --- Item 6: Rule 11 misquotes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "triggers",
    [
        pytest.param((), id="rule-11-alone"),
        pytest.param(("rule_15_contraception",), id="with-rule-15"),
        pytest.param(("rule_9_ionising_therapy",), id="with-rule-9"),
        pytest.param(("rule_10_direct_diagnosis",), id="with-rule-10"),
        pytest.param(("rule_12_hazardous_administration",), id="with-rule-12"),
    ],
)
def test_death_is_iii_and_serious_deterioration_is_iib_never_iii(
    triggers: tuple[str, ...], complete_facts: FactsBuilder
) -> None:
    """MDR Annex VIII Rule 11(a): only death or irreversible deterioration gives class III."""
    death = classify(complete_facts(**_decision("death_or_irreversible", *triggers)))
    serious = classify(complete_facts(**_decision("serious_deterioration_or_surgery", *triggers)))

    assert death.device_class is DeviceClass.III
    assert death.rule == "11(a)"
    assert serious.device_class is DeviceClass.IIB
    assert {(f.rule, f.device_class) for f in serious.rules_fired} >= {("11(a)", DeviceClass.IIB)}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            {"action_beyond_storage_communication_search": False},
            id="storage-only[MDCG 2019-11 Figure 1 step 3]",
        ),
        pytest.param(
            {"individual_patient_benefit": False},
            id="population-data[MDCG 2019-11 Figure 1 step 4]",
        ),
        pytest.param({"medical_purpose": False}, id="no-medical-purpose[MDCG 2019-11 step 5]"),
    ],
)
def test_software_that_is_not_mdsw_is_out_of_scope_not_class_i(
    change: dict[str, FactInput], complete_facts: FactsBuilder
) -> None:
    result = classify(complete_facts(**CLASS_I, **change))

    assert result.complete, result.questions
    assert result.qualification is Qualification.NOT_MDSW
    assert result.qualifies_as_medical_device is False
    assert result.regulation is None
    assert result.device_class is None
    assert result.rule is None
    assert result.rules_fired == ()
    assert result.post_market_report is None


@pytest.mark.parametrize("context", ["intensive care", "home", "emergency"])
def test_vital_sign_monitoring_is_never_class_iii(
    context: str, complete_facts: FactsBuilder
) -> None:
    """MDR Annex VIII Rule 11(b) caps at IIb; whatever the context of use."""
    in_danger = context != "home"
    result = classify(
        complete_facts(
            information_use="monitoring_physiological_processes",
            worst_case_impact="not_applicable",
            vital_parameters_immediate_danger=in_danger,
        )
    )

    assert result.rule == "11(b)"
    assert result.device_class is (DeviceClass.IIB if in_danger else DeviceClass.IIA)
    rule_11b = [r for r in BOOK.rule_sets[Regulation.MDR].rules if r.rule == "11(b)"]
    assert {r.klass for r in rule_11b} == {DeviceClass.IIA, DeviceClass.IIB}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({}, id="ai-device"),
        pytest.param({"is_ai_system": False}, id="not-ai"),
        pytest.param({"in_house_art_5_5": True}, id="in-house"),
        pytest.param({"annex_iii_use_case": "5(d)"}, id="annex-iii-triage"),
        pytest.param(
            {"drives_or_influences_device": True, "driven_device_class": "I"}, id="drives-I"
        ),
    ],
)
def test_non_serious_situations_are_always_iia(
    change: dict[str, FactInput], complete_facts: FactsBuilder
) -> None:
    """MDCG 2019-11 Annex III: every non-serious cell of the IMDRF table is IIa, never IIb.

    Whether the information treats or diagnoses, drives or informs clinical management, a
    decision of minor impact gives IIa by Rule 11(a), whatever else is true of the device.
    """
    result = classify(complete_facts(**_decision("minor_or_none"), **change))

    assert result.device_class is DeviceClass.IIA
    assert result.rule == "11(a)"


# --- Item 7: "Step 2: benefit of individual patients? No -> Class I" ------------------------


def test_a_no_at_step_4_means_not_mdsw(complete_facts: FactsBuilder) -> None:
    result = classify(complete_facts(individual_patient_benefit=False))

    assert result.qualification is Qualification.NOT_MDSW
    assert result.device_class is None
    step_4 = [s for s in result.trace if "step 4" in s.citation]
    assert len(step_4) == 1
    assert "Figure 1, step 4" in step_4[0].citation
    assert "individual patients" in step_4[0].step
    assert "not MDSW" in step_4[0].finding
    assert not [s for s in result.trace if "step 5" in s.citation]


# --- Item 9: "short term = not more than 30 days" -------------------------------------------


def test_durations_are_the_mdr_definitions() -> None:
    definitions = {d.term: d for d in BOOK.definitions}
    assert "less than 60 minutes" in definitions["transient"].definition
    assert "between 60 minutes and 30 days" in definitions["short_term"].definition
    assert "more than 30 days" in definitions["long_term"].definition
    for term in ("transient", "short_term", "long_term"):
        assert "Annex VIII, Chapter I" in definitions[term].citation


# --- Item 10: un-consolidated MDR (applies from 26 May 2020; old Art 120) -------------------


def test_the_mdr_applies_from_26_may_2021(complete_facts: FactsBuilder) -> None:
    result = classify(complete_facts())

    assert result.regulation is Regulation.MDR
    assert _date(result, "mdr-application") == dt.date(2021, 5, 26)
    all_dates = {d.date for d in BOOK.dates}
    assert dt.date(2020, 5, 26) not in all_dates
    # The pre-2023 Art 120: certificates void 27 May 2024, sell-off 27 May 2025.
    assert dt.date(2024, 5, 27) not in all_dates
    assert dt.date(2025, 5, 27) not in all_dates
    acts = {a.act for a in BOOK.source("mdr-2017-745").amended_by}
    assert {"Regulation (EU) 2020/561", "Regulation (EU) 2023/607"} <= acts


@pytest.mark.parametrize(
    ("worst", "legacy", "end"),
    [
        pytest.param(
            "death_or_irreversible",
            "mdd_certificate",
            dt.date(2027, 12, 31),
            id="III-mdd-certificate-2027[MDR Art 120(3a)(a)]",
        ),
        pytest.param(
            "minor_or_none",
            "mdd_certificate",
            dt.date(2028, 12, 31),
            id="IIa-mdd-certificate-2028[MDR Art 120(3a)(b)]",
        ),
        pytest.param(
            "minor_or_none",
            "mdd_class_i_self_declared",
            dt.date(2028, 12, 31),
            id="IIa-mdd-class-i-up-classified-2028[MDR Art 120(3b)]",
        ),
    ],
)
def test_legacy_devices_follow_art_120_as_amended_by_2023_607(
    worst: str, legacy: str, end: dt.date, complete_facts: FactsBuilder
) -> None:
    result = classify(complete_facts(**_decision(worst), legacy_device=legacy))

    ends = [d for d in result.dates if d.id in LEGACY_ENDS]
    assert [d.date for d in ends] == [end]
    assert all("2023/607" in d.citation for d in ends)
    assert _date(result, "mdr-legacy-application") == dt.date(2024, 5, 26)


# MDR Art 120(3b) as amended by Regulation (EU) 2023/607 (regulatory-facts.md section 7.1):
# devices self-declared under the MDD before 26 May 2021 that need a notified body under the MDR
# may be placed on the market until 31 December 2028, whatever their MDR class. The 2027 date
# of Art 120(3a)(a) is for devices with an MDD certificate only.
@pytest.mark.parametrize(
    ("worst", "implantable"),
    [
        pytest.param("death_or_irreversible", False, id="III-rule-11-up-classified"),
        pytest.param("serious_deterioration_or_surgery", True, id="IIb-implantable"),
    ],
)
def test_an_up_classified_mdd_class_i_device_has_until_2028(
    worst: str,
    implantable: bool,  # noqa: FBT001  # a table column
    complete_facts: FactsBuilder,
) -> None:
    result = classify(
        complete_facts(
            **_decision(worst), legacy_device="mdd_class_i_self_declared", implantable=implantable
        )
    )

    ends = {d.date for d in result.dates if d.id in LEGACY_ENDS}
    assert ends == {dt.date(2028, 12, 31)}


# --- Item 11: IEC 62304 software safety classes mixed with IVDR classes ---------------------


def test_mdr_and_ivdr_scales_are_distinct_from_iec_62304(complete_facts: FactsBuilder) -> None:
    assert BOOK.rule_sets[Regulation.MDR].scale == (
        DeviceClass.I,
        DeviceClass.IIA,
        DeviceClass.IIB,
        DeviceClass.III,
    )
    assert BOOK.rule_sets[Regulation.IVDR].scale == (
        DeviceClass.A,
        DeviceClass.B,
        DeviceClass.C,
        DeviceClass.D,
    )
    for worst in ("minor_or_none", "serious_deterioration_or_surgery", "death_or_irreversible"):
        result = classify(complete_facts(**_decision(worst)))
        assert result.device_class is not None
        assert result.device_class.regulation is Regulation.MDR


# --- Item 12: PSUR frequency ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "report", "months", "article"),
    [
        pytest.param(CLASS_I, "Post-market surveillance report", None, "MDR Art 85", id="MDR-I"),
        pytest.param(
            _decision("minor_or_none"), "PSUR", 24, "MDR Art 86", id="MDR-IIa-every-two-years"
        ),
        pytest.param(
            _decision("serious_deterioration_or_surgery"),
            "PSUR",
            12,
            "MDR Art 86",
            id="MDR-IIb-annually",
        ),
        pytest.param(
            _decision("death_or_irreversible"), "PSUR", 12, "MDR Art 86", id="MDR-III-annually"
        ),
        pytest.param(
            {**IVD, "ivd_rule_triggers": frozenset({"rule_5b_instrument"})},
            "Post-market surveillance report",
            None,
            "IVDR Art 80",
            id="IVDR-A",
        ),
        pytest.param(IVD, "Post-market surveillance report", None, "IVDR Art 80", id="IVDR-B"),
        pytest.param(
            {**IVD, "ivd_rule_triggers": frozenset({"rule_3h_cancer"})},
            "PSUR",
            12,
            "IVDR Art 81",
            id="IVDR-C-annually",
        ),
    ],
)
def test_post_market_report_by_class(
    change: dict[str, FactInput],
    report: str,
    months: int | None,
    article: str,
    complete_facts: FactsBuilder,
) -> None:
    result = classify(complete_facts(**change))

    assert result.post_market_report is not None
    assert report in result.post_market_report.report
    if report != "PSUR":
        assert "PSUR" not in result.post_market_report.report
    assert result.post_market_report.period_months == months
    assert result.post_market_report.citation.startswith(article)


# --- Item 13: IMDRF table reproduced as "Critical III/IIb III/IIb III/IIb" ------------------


@pytest.mark.parametrize(
    ("worst", "device_class"),
    [
        pytest.param("death_or_irreversible", DeviceClass.III, id="critical-III"),
        pytest.param("serious_deterioration_or_surgery", DeviceClass.IIB, id="serious-IIb"),
        pytest.param("minor_or_none", DeviceClass.IIA, id="non-serious-IIa"),
    ],
)
def test_each_severity_gives_exactly_one_class(
    worst: str, device_class: DeviceClass, complete_facts: FactsBuilder
) -> None:
    result = classify(complete_facts(**_decision(worst)))

    assert result.device_class is device_class
    assert [f.device_class for f in result.rules_fired] == [device_class]


# --- Item 15: MDCG 2021-24 "Rev.1" before April 2026 -----------------------------------------


def test_guidance_revisions_are_cited_as_they_exist() -> None:
    assert BOOK.source("mdcg-2019-11").version == "Rev.1, 17 June 2025"
    for text in BOOK_STRINGS:
        if "2021-24" in text and "Rev" in text.split("2021-24", 1)[1][:8]:
            assert "2026" in text, text  # MDCG 2021-24 Rev.1 exists only since April 2026
    # Rule 11 is not among the Rev.1 changes: its sub-rules and classes are the 2021 ones.
    rule_11 = {
        (r.rule, r.klass) for r in BOOK.rule_sets[Regulation.MDR].rules if r.rule.startswith("11(")
    }
    assert rule_11 == {
        ("11(a)", DeviceClass.III),
        ("11(a)", DeviceClass.IIB),
        ("11(a)", DeviceClass.IIA),
        ("11(b)", DeviceClass.IIB),
        ("11(b)", DeviceClass.IIA),
        ("11(c)", DeviceClass.I),
    }
