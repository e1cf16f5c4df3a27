"""The official classification examples, as a table (STYLE F4).

Each row is an example from the MDCG guidance, the Borderline Manual or the text of MDR/IVDR
Annex VIII and the AI Act, as recorded in ``shared/regulatory-facts.md`` (sections 2-5, 8 and
10). The row id names the expected class and the source. Every row starts from a complete set
of facts (``conftest.COMPLETE_FACTS``: MDR software for decisions of minor impact) and changes
only what the example is about, so every result must be ``complete`` and fully cited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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

MDR = Regulation.MDR
IVDR = Regulation.IVDR
I = DeviceClass.I  # noqa: E741  # the Regulation's own name for the class
IIA, IIB, III = DeviceClass.IIA, DeviceClass.IIB, DeviceClass.III
A, B, C, D = DeviceClass.A, DeviceClass.B, DeviceClass.C, DeviceClass.D


def decision(worst: str, *triggers: str, **more: FactInput) -> dict[str, FactInput]:
    """Rule 11(a) software whose wrong output may lead to a decision of impact ``worst``."""
    return {
        "information_use": "diagnosis_or_therapy_decision",
        "worst_case_impact": worst,
        "special_rule_triggers": frozenset(triggers),
        **more,
    }


def monitoring(*triggers: str, vital: bool, **more: FactInput) -> dict[str, FactInput]:
    """Rule 11(b) software monitoring physiological processes (vital and in danger or not)."""
    return {
        "information_use": "monitoring_physiological_processes",
        "worst_case_impact": "not_applicable",
        "vital_parameters_immediate_danger": vital,
        "special_rule_triggers": frozenset(triggers),
        **more,
    }


def other_use(*triggers: str, **more: FactInput) -> dict[str, FactInput]:
    """Rule 11(c) software: neither decision information nor monitoring."""
    return {
        "information_use": "other",
        "worst_case_impact": "not_applicable",
        "special_rule_triggers": frozenset(triggers),
        **more,
    }


def ivd(*triggers: str, **more: FactInput) -> dict[str, FactInput]:
    """IVD software on data solely from IVDs (MDCG 2019-11 Figure 2 step 2)."""
    return {
        "ivd_information": True,
        "data_sources": "ivd_only",
        "ivd_rule_triggers": frozenset(triggers),
        **more,
    }


DEATH = "death_or_irreversible"
SERIOUS = "serious_deterioration_or_surgery"
MINOR = "minor_or_none"


@dataclass(frozen=True, slots=True)
class Case:
    """An official example: the facts it changes and what the law gives for it."""

    id: str
    """Expected class, short name and [citation]."""
    facts: dict[str, FactInput]
    """The facts changed from the complete baseline."""
    regulation: Regulation | None
    """Expected regulation."""
    device_class: DeviceClass | None
    """Expected class."""
    rule: str | None
    """Expected deciding rule."""
    notified_body: bool
    """Expected notified-body involvement."""
    ai_high_risk: bool
    """Expected AI Act high-risk status."""
    qualification: Qualification = Qualification.MDSW
    """Expected outcome of MDCG 2019-11 Figure 1."""
    ai_outcome: AiActOutcome | None = None
    """Expected AI Act outcome, where the example is about it."""
    variants: tuple[str, ...] = ()
    """Expected class I/A variants."""
    fired: frozenset[str] = field(default_factory=frozenset)
    """Rules that must be among the rules fired (IR 3.5 / IVDR 1.9 examples)."""
    in_house: bool = False
    """Expected in-house status (for devices in scope)."""


# The table is laid out by hand, one example per block, and kept that way for reading (STYLE F4).
# fmt: off
CASES = [
    # --- MDR Rule 11(a): MDCG 2019-11 Rev.1 Annex IV = MDCG 2021-24 Rule 11 table -------------
    Case(
        "III-acute-stroke-image-analysis[MDCG 2019-11 Annex IV]",
        decision(DEATH),
        MDR, III, "11(a)", notified_body=True, ai_high_risk=True,
        ai_outcome=AiActOutcome.HIGH_RISK_ART_6_1,
    ),
    Case(
        "IIb-heartbeat-analysis-app-guiding-diagnosis[MDCG 2019-11 Annex IV]",
        decision(SERIOUS),
        MDR, IIB, "11(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIb-depression-score-for-diagnosis[MDCG 2019-11 Annex IV]",
        decision(SERIOUS),
        MDR, IIB, "11(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIa-brca-chemotherapy-option-ranking[MDCG 2019-11 Annex IV]",
        decision(MINOR),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIa-cognitive-therapy-specialist-decides[MDCG 2019-11 Annex IV]",
        decision(MINOR),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "III-cognitive-therapy-adapted-by-the-software[MDCG 2019-11 Annex IV; MDR Rule 22]",
        decision(MINOR, "rule_22_closed_loop"),
        MDR, III, "22", notified_body=True, ai_high_risk=True,
        fired=frozenset({"11(a)", "22"}),
    ),
    Case(
        "IIa-cha2ds2-vasc-calculator[Borderline Manual v4 1.1.9.1]",
        decision(MINOR, is_ai_system=False),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_AI_SYSTEM,
    ),
    Case(
        "IIa-cockcroft-gault-calculator[Borderline Manual v4 1.1.9.1]",
        decision(MINOR, is_ai_system=False),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_AI_SYSTEM,
    ),
    Case(
        "IIa-arterial-stiffness-illness-prevention[MDCG 2019-11 Rev.1 4.2.1]",
        decision(MINOR),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIa-imdrf-non-serious-treat-or-diagnose[MDCG 2019-11 Annex III]",
        decision(MINOR),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIb-imdrf-serious-treat-or-diagnose[MDCG 2019-11 Annex III]",
        decision(SERIOUS),
        MDR, IIB, "11(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "III-imdrf-critical-treat-or-diagnose[MDCG 2019-11 Annex III]",
        decision(DEATH),
        MDR, III, "11(a)", notified_body=True, ai_high_risk=True,
    ),
    # --- MDR Rule 11(b) ---------------------------------------------------------------------
    Case(
        "IIb-icu-anaesthesia-vital-surveillance[MDCG 2019-11 Annex IV]",
        monitoring(vital=True),
        MDR, IIB, "11(b)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIa-non-vital-physiological-monitoring[MDCG 2019-11 Annex IV]",
        monitoring(vital=False),
        MDR, IIA, "11(b)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIa-routine-home-vital-sign-readings[MDCG 2019-11 Annex IV]",
        monitoring(vital=False),
        MDR, IIA, "11(b)", notified_body=True, ai_high_risk=True,
    ),
    # --- MDR Rule 11(c) ---------------------------------------------------------------------
    Case(
        "I-conception-fertility-app[MDCG 2019-11 Annex IV]",
        other_use(),
        MDR, I, "11(c)", notified_body=False, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_HIGH_RISK,
    ),
    Case(
        "I-symbol-to-speech-communication-app[MDCG 2019-11 Rev.1 Annex IV]",
        other_use(),
        MDR, I, "11(c)", notified_body=False, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_HIGH_RISK,
    ),
    Case(
        "I-class-i-software-not-ai[MDCG 2025-6 Q1]",
        other_use(is_ai_system=False),
        MDR, I, "11(c)", notified_body=False, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_AI_SYSTEM,
    ),
    # --- MDR IR 3.3 (driven-device floor) and IR 3.5 (strictest rule) ---------------------
    Case(
        "III-melanoma-analysis-driving-iia-laser-scanner[MDCG 2019-11 4.1; MDR IR 3.3, 3.5]",
        decision(DEATH, drives_or_influences_device=True, driven_device_class="IIa"),
        MDR, III, "11(a)", notified_body=True, ai_high_risk=True,
        fired=frozenset({"IR 3.3", "11(a)"}),
    ),
    Case(
        "IIb-driving-software-without-own-purpose[MDR Annex VIII IR 3.3]",
        decision(
            MINOR,
            medical_purpose=False,
            drives_or_influences_device=True,
            driven_device_class="IIb",
        ),
        MDR, IIB, "IR 3.3", notified_body=True, ai_high_risk=True,
        qualification=Qualification.PART_OF_DEVICE,
    ),
    Case(
        "IIb-iia-decision-software-driving-iib-device[MDCG 2019-11 4.1; MDR IR 3.3]",
        decision(MINOR, drives_or_influences_device=True, driven_device_class="IIb"),
        MDR, IIB, "IR 3.3", notified_body=True, ai_high_risk=True,
        fired=frozenset({"IR 3.3", "11(a)"}),
    ),
    Case(
        "III-vital-monitoring-in-a-closed-loop[MDR Annex VIII IR 3.5; Rule 22]",
        monitoring("rule_22_closed_loop", vital=True),
        MDR, III, "22", notified_body=True, ai_high_risk=True,
        fired=frozenset({"11(b)", "22"}),
    ),
    Case(
        "III-closed-loop-insulin-dosing[MDCG 2019-11 4.2.5; MDR IR 3.5, Rules 12, 22]",
        decision(MINOR, "rule_12_hazardous_administration", "rule_22_closed_loop"),
        MDR, III, "22", notified_body=True, ai_high_risk=True,
        fired=frozenset({"11(a)", "12", "22"}),
    ),
    # --- MDR Rule 15 ------------------------------------------------------------------------
    Case(
        "IIb-bbt-contraception-app[MDCG 2021-24 Rule 15; MDCG 2019-11 4.2.4]",
        decision(MINOR, "rule_15_contraception"),
        MDR, IIB, "15", notified_body=True, ai_high_risk=True,
        fired=frozenset({"11(a)", "15"}),
    ),
    Case(
        "IIb-cycle-app-also-for-contraception[MDR Annex VIII IR 3.5; Rule 15]",
        other_use("rule_15_contraception"),
        MDR, IIB, "15", notified_body=True, ai_high_risk=True,
        fired=frozenset({"11(c)", "15"}),
    ),
    # --- MDR Rule 9 -------------------------------------------------------------------------
    Case(
        "IIb-home-ventilator-alarm-software[MDCG 2019-11 Annex IV; MDR Rule 9]",
        monitoring("rule_9_controls_active_therapeutic_iib", vital=False),
        MDR, IIB, "9", notified_body=True, ai_high_risk=True,
        fired=frozenset({"11(b)", "9"}),
    ),
    Case(
        "III-active-implantable-programming-software[MDR Annex VIII Rule 9]",
        decision(MINOR, "rule_9_monitors_active_implantable"),
        MDR, III, "9", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIb-radiotherapy-delivery-control-software[MDR Annex VIII Rule 9]",
        decision(MINOR, "rule_9_ionising_therapy"),
        MDR, IIB, "9", notified_body=True, ai_high_risk=True,
    ),
    # --- MDR Rule 10 ------------------------------------------------------------------------
    Case(
        "IIa-electronic-stethoscope-direct-diagnosis[MDCG 2019-11 Annex IV; MDR Rule 10]",
        other_use("rule_10_direct_diagnosis", vital_parameters_immediate_danger=False),
        MDR, IIA, "10", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIb-direct-monitoring-of-vital-parameters-in-danger[MDR Annex VIII Rule 10]",
        other_use("rule_10_direct_diagnosis", vital_parameters_immediate_danger=True),
        MDR, IIB, "10", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIb-ct-scanner-control-software[MDR Annex VIII Rule 10]",
        other_use("rule_10_ionising_radiology"),
        MDR, IIB, "10", notified_body=True, ai_high_risk=True,
    ),
    # --- MDR Rules 12 and 13 ----------------------------------------------------------------
    Case(
        "IIa-feeding-pump-control-software[MDR Annex VIII Rule 12]",
        other_use("rule_12_administers_removes_substances"),
        MDR, IIA, "12", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "IIb-insulin-pump-control-software[MDR Annex VIII Rule 12]",
        other_use("rule_12_hazardous_administration"),
        MDR, IIB, "12", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "I-other-active-device-software[MDR Annex VIII Rule 13]",
        other_use("rule_13_other_active"),
        MDR, I, "11(c)", notified_body=False, ai_high_risk=False,
        fired=frozenset({"11(c)", "13"}),
    ),
    # --- MDR hardware (not software) --------------------------------------------------------
    Case(
        "IIa-hardware-for-direct-diagnosis[MDR Art 2(1); Rule 10]",
        other_use(
            "rule_10_direct_diagnosis",
            is_software=False,
            is_ai_system=False,
            vital_parameters_immediate_danger=False,
        ),
        MDR, IIA, "10", notified_body=True, ai_high_risk=False,
        qualification=Qualification.DEVICE_NOT_SOFTWARE,
        ai_outcome=AiActOutcome.NOT_AI_SYSTEM,
    ),
    # --- MDR Art 52(7): Is, Im, Ir ----------------------------------------------------------
    Case(
        "Is-sterile-class-i[MDR Art 52(7)(a); MDCG 2025-6 Table 1]",
        other_use(sterile=True),
        MDR, I, "11(c)", notified_body=True, ai_high_risk=True,
        variants=("Is",), ai_outcome=AiActOutcome.HIGH_RISK_ART_6_1,
    ),
    Case(
        "Im-measuring-class-i[MDR Art 52(7)(b); MDCG 2025-6 Table 1]",
        other_use(measuring_function=True),
        MDR, I, "11(c)", notified_body=True, ai_high_risk=True,
        variants=("Im",), ai_outcome=AiActOutcome.HIGH_RISK_ART_6_1,
    ),
    Case(
        "Ir-reusable-surgical-class-i[MDR Art 52(7)(c); MDCG 2025-6 Table 1]",
        other_use(reusable_surgical_instrument=True),
        MDR, I, "11(c)", notified_body=True, ai_high_risk=True,
        variants=("Ir",), ai_outcome=AiActOutcome.HIGH_RISK_ART_6_1,
    ),
    # --- Art 5(5) in-house ------------------------------------------------------------------
    Case(
        "III-in-house-stroke-software[MDR Art 5(5); MDCG 2025-6 Q35]",
        decision(DEATH, in_house_art_5_5=True),
        MDR, III, "11(a)", notified_body=False, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_HIGH_RISK, in_house=True,
    ),
    Case(
        "C-in-house-pap-smear-screening[IVDR Art 5(5); MDCG 2025-6 Q35]",
        ivd("rule_3h_cancer", in_house_art_5_5=True),
        IVDR, C, "3(h)", notified_body=False, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_HIGH_RISK, in_house=True,
    ),
    # --- AI Act Art 6 -----------------------------------------------------------------------
    Case(
        "I-emergency-triage-annex-iii-5d[AI Act Art 6(2), Annex III 5(d)]",
        other_use(annex_iii_use_case="5(d)"),
        MDR, I, "11(c)", notified_body=False, ai_high_risk=True,
        ai_outcome=AiActOutcome.HIGH_RISK_ANNEX_III,
    ),
    Case(
        "I-healthcare-eligibility-5a-with-art-6-3-derogation[AI Act Art 6(3)]",
        other_use(annex_iii_use_case="5(a)", art_6_3_derogation=True),
        MDR, I, "11(c)", notified_body=False, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_HIGH_RISK,
    ),
    Case(
        "I-derogation-void-when-profiling[AI Act Art 6(3) third subparagraph]",
        other_use(
            annex_iii_use_case="5(a)", art_6_3_derogation=True, profiles_natural_persons=True
        ),
        MDR, I, "11(c)", notified_body=False, ai_high_risk=True,
        ai_outcome=AiActOutcome.HIGH_RISK_ANNEX_III,
    ),
    Case(
        "IIa-annex-i-prevails-over-annex-iii-5d[MDCG 2025-6 Q27]",
        decision(MINOR, annex_iii_use_case="5(d)"),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=True,
        ai_outcome=AiActOutcome.HIGH_RISK_ART_6_1,
    ),
    Case(
        "IIa-non-safety-ai-component[AI Act Art 6(1a)]",
        decision(MINOR, ai_role="non_safety_component"),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_HIGH_RISK,
    ),
    Case(
        "IIa-non-safety-ai-whose-failure-endangers-health[AI Act Art 6(1b)]",
        decision(MINOR, ai_role="non_safety_component", failure_endangers_health_safety=True),
        MDR, IIA, "11(a)", notified_body=True, ai_high_risk=True,
        ai_outcome=AiActOutcome.HIGH_RISK_ART_6_1,
    ),
    # --- Not a device -----------------------------------------------------------------------
    Case(
        "not-mdsw-storage-and-transfer-only[MDCG 2019-11 Figure 1 step 3]",
        decision(MINOR, action_beyond_storage_communication_search=False),
        None, None, None, notified_body=False, ai_high_risk=False,
        qualification=Qualification.NOT_MDSW, ai_outcome=AiActOutcome.NOT_HIGH_RISK,
    ),
    Case(
        "not-mdsw-population-data-register[MDCG 2019-11 Figure 1 step 4]",
        decision(MINOR, individual_patient_benefit=False),
        None, None, None, notified_body=False, ai_high_risk=False,
        qualification=Qualification.NOT_MDSW, ai_outcome=AiActOutcome.NOT_HIGH_RISK,
    ),
    Case(
        "not-mdsw-wellness-fitness-app[MDCG 2019-11 Rev.1 3.1; Figure 1 step 5]",
        other_use(medical_purpose=False),
        None, None, None, notified_body=False, ai_high_risk=False,
        qualification=Qualification.NOT_MDSW, ai_outcome=AiActOutcome.NOT_HIGH_RISK,
    ),
    Case(
        "not-mdsw-sti-partner-notification-app[Borderline Manual v4 1.1.9.2]",
        other_use(medical_purpose=False, is_ai_system=False),
        None, None, None, notified_body=False, ai_high_risk=False,
        qualification=Qualification.NOT_MDSW, ai_outcome=AiActOutcome.NOT_AI_SYSTEM,
    ),
    Case(
        "not-ivd-result-unit-conversion[MDCG 2019-11 Annex I]",
        ivd(action_beyond_storage_communication_search=False),
        None, None, None, notified_body=False, ai_high_risk=False,
        qualification=Qualification.NOT_MDSW,
    ),
    Case(
        "not-mdsw-emergency-call-triage-annex-iii-5d[AI Act Art 6(2), Annex III 5(d)]",
        other_use(medical_purpose=False, annex_iii_use_case="5(d)"),
        None, None, None, notified_body=False, ai_high_risk=True,
        qualification=Qualification.NOT_MDSW, ai_outcome=AiActOutcome.HIGH_RISK_ANNEX_III,
    ),
    Case(
        "not-device-hardware-without-medical-purpose[MDR Art 2(1)]",
        other_use(is_software=False, is_ai_system=False, medical_purpose=False),
        None, None, None, notified_body=False, ai_high_risk=False,
        qualification=Qualification.NOT_DEVICE, ai_outcome=AiActOutcome.NOT_AI_SYSTEM,
    ),
    # --- IVDR Rule 1 ------------------------------------------------------------------------
    Case(
        "D-hiv-line-immunoassay-reader[MDCG 2019-11 5.2; IVDR Rule 1]",
        ivd("rule_1_life_threatening_transmissible_agent"),
        IVDR, D, "1", notified_body=True, ai_high_risk=True,
        ai_outcome=AiActOutcome.HIGH_RISK_ART_6_1,
    ),
    Case(
        "D-donor-blood-screening-for-transfusion[IVDR Annex VIII Rule 1]",
        ivd("rule_1_transfusion_transplant_agent"),
        IVDR, D, "1", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "D-hiv-viral-load-monitoring[IVDR Annex VIII Rule 1]",
        ivd("rule_1_infectious_load_life_threatening"),
        IVDR, D, "1", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "D-strictest-of-rule-1-and-3h[IVDR Annex VIII 1.9]",
        ivd("rule_1_life_threatening_transmissible_agent", "rule_3h_cancer"),
        IVDR, D, "1", notified_body=True, ai_high_risk=True,
        fired=frozenset({"1", "3(h)"}),
    ),
    # --- IVDR Rule 2 ------------------------------------------------------------------------
    Case(
        "C-hla-sequencing-for-transplantation[MDCG 2019-11 5.2; IVDR Rule 2]",
        ivd("rule_2_blood_grouping_tissue_typing"),
        IVDR, C, "2", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "D-abo-rhesus-kell-grouping[IVDR Annex VIII Rule 2]",
        ivd("rule_2_abo_rh_kell_kidd_duffy"),
        IVDR, D, "2", notified_body=True, ai_high_risk=True,
    ),
    # --- IVDR Rule 3 ------------------------------------------------------------------------
    Case(
        "C-chlamydia-detection[IVDR Annex VIII Rule 3(a)]",
        ivd("rule_3a_sexually_transmitted_agent"),
        IVDR, C, "3(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-csf-infectious-agent-detection[IVDR Annex VIII Rule 3(b)]",
        ivd("rule_3b_csf_blood_agent"),
        IVDR, C, "3(b)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-cmv-in-pregnancy[IVDR Annex VIII Rule 3(c)]",
        ivd("rule_3c_agent_serious_risk"),
        IVDR, C, "3(c)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-prenatal-rubella-immune-status[IVDR Annex VIII Rule 3(d)]",
        ivd("rule_3d_prenatal_immune_status"),
        IVDR, C, "3(d)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-immune-status-life-threatening-decision[IVDR Annex VIII Rule 3(e)]",
        ivd("rule_3e_immune_status_life_threatening"),
        IVDR, C, "3(e)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-her2-companion-diagnostic[IVDR Annex VIII Rule 3(f)]",
        ivd("rule_3f_companion_diagnostic"),
        IVDR, C, "3(f)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-egfr-acr-kidney-injury-staging[MDCG 2019-11 5.2; IVDR Rule 3(g)]",
        ivd("rule_3g_staging"),
        IVDR, C, "3(g)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-meld-score[MDCG 2020-16 rev.4; IVDR Rule 3(g)]",
        ivd("rule_3g_staging", is_ai_system=False),
        IVDR, C, "3(g)", notified_body=True, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_AI_SYSTEM,
    ),
    Case(
        "C-pap-smear-screening[MDCG 2019-11 5.2; IVDR Rule 3(h)]",
        ivd("rule_3h_cancer"),
        IVDR, C, "3(h)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-pd-l1-lung-tissue-image-analysis[MDCG 2019-11 5.2; IVDR Rule 3(h)]",
        ivd("rule_3h_cancer"),
        IVDR, C, "3(h)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-multi-gene-genotype-risk[MDCG 2019-11 Annex I; IVDR Rule 3(i)]",
        ivd("rule_3i_human_genetic"),
        IVDR, C, "3(i)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-immunosuppressant-level-monitoring[IVDR Annex VIII Rule 3(j)]",
        ivd("rule_3j_drug_level_monitoring"),
        IVDR, C, "3(j)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-hba1c-software-on-elisa-analyser[MDCG 2019-11 5.2; IVDR Rule 3(k)]",
        ivd("rule_3k_life_threatening_disease_management"),
        IVDR, C, "3(k)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-necrotising-fasciitis-risk-score[MDCG 2020-16 rev.4; IVDR Rule 3(k)]",
        ivd("rule_3k_life_threatening_disease_management"),
        IVDR, C, "3(k)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-antiretroviral-resistance-testing[MDCG 2020-16 rev.4; IVDR Rule 3(k)]",
        ivd("rule_3k_life_threatening_disease_management"),
        IVDR, C, "3(k)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-trisomy-21-risk-with-ultrasound[MDCG 2019-11 5.2, Annex II; IVDR Rule 3(l)]",
        ivd("rule_3l_congenital_screening_embryo_foetus", data_sources="mixed_ivd_dominant"),
        IVDR, C, "3(l)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-nipt-foetal-aneuploidy-risk[MDCG 2020-16 rev.4; IVDR Rule 3(l)]",
        ivd("rule_3l_congenital_screening_embryo_foetus"),
        IVDR, C, "3(l)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "C-newborn-metabolic-screening[IVDR Annex VIII Rule 3(m)]",
        ivd("rule_3m_newborn_screening"),
        IVDR, C, "3(m)", notified_body=True, ai_high_risk=True,
    ),
    # --- IVDR Rule 4 ------------------------------------------------------------------------
    Case(
        "C-self-testing-software[IVDR Annex VIII Rule 4(a)]",
        ivd("rule_4a_self_testing"),
        IVDR, C, "4(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "B-pregnancy-self-test-reader[IVDR Annex VIII Rule 4(a) exception]",
        ivd("rule_4a_self_testing_low_risk"),
        IVDR, B, "4(a)", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "B-near-patient-test-classified-by-other-rules[IVDR Annex VIII Rule 4(b), Rule 6]",
        ivd("rule_4b_near_patient"),
        IVDR, B, "6", notified_body=True, ai_high_risk=True,
    ),
    # --- IVDR Rule 5 and IR 1.4 -------------------------------------------------------------
    Case(
        "A-elisa-analyser-driving-software[MDCG 2019-11 5.2; IVDR Rule 5(b), IR 1.4]",
        ivd("rule_5b_instrument", drives_or_influences_device=True, driven_device_class="A"),
        IVDR, A, "5(b)", notified_body=False, ai_high_risk=False,
        ai_outcome=AiActOutcome.NOT_HIGH_RISK, fired=frozenset({"IR 1.4", "5(b)"}),
    ),
    Case(
        "A-crp-analyser-remote-operation[MDCG 2019-11 5.1; IVDR IR 1.4]",
        ivd(medical_purpose=False, drives_or_influences_device=True, driven_device_class="A"),
        IVDR, A, "IR 1.4", notified_body=False, ai_high_risk=False,
        qualification=Qualification.PART_OF_DEVICE, ai_outcome=AiActOutcome.NOT_HIGH_RISK,
    ),
    Case(
        "A-sterile-instrument-software[IVDR Art 48(10); MDCG 2025-6 Table 1]",
        ivd("rule_5b_instrument", sterile=True),
        IVDR, A, "5(b)", notified_body=True, ai_high_risk=True,
        variants=("A sterile",), ai_outcome=AiActOutcome.HIGH_RISK_ART_6_1,
    ),
    Case(
        "A-general-laboratory-product-software[IVDR Annex VIII Rule 5(a)]",
        ivd("rule_5a_general_laboratory"),
        IVDR, A, "5(a)", notified_body=False, ai_high_risk=False,
    ),
    Case(
        "A-specimen-receptacle[IVDR Annex VIII Rule 5(c)]",
        ivd("rule_5c_specimen_receptacle", is_software=False, is_ai_system=False),
        IVDR, A, "5(c)", notified_body=False, ai_high_risk=False,
        qualification=Qualification.DEVICE_NOT_SOFTWARE,
    ),
    # --- IVDR Rules 6 and 7 -----------------------------------------------------------------
    Case(
        "B-no-other-rule-applies[IVDR Annex VIII Rule 6]",
        ivd(),
        IVDR, B, "6", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "B-mixed-data-ivd-dominant-fallback[MDCG 2019-11 Figure 2 step 3; IVDR Rule 6]",
        ivd(data_sources="mixed_ivd_dominant"),
        IVDR, B, "6", notified_body=True, ai_high_risk=True,
    ),
    Case(
        "B-control-without-assigned-value[IVDR Annex VIII Rule 7]",
        ivd("rule_7_control_without_assigned_value"),
        IVDR, B, "7", notified_body=True, ai_high_risk=True,
    ),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_official_example(case: Case, complete_facts: FactsBuilder) -> None:
    result = classify(complete_facts(**case.facts))

    assert result.complete, result.questions
    assert result.qualification is case.qualification
    assert result.qualifies_as_medical_device is case.qualification.in_scope
    assert result.regulation is case.regulation
    assert result.device_class is case.device_class
    assert result.rule == case.rule
    assert result.class_variants == case.variants
    assert result.notified_body_required is case.notified_body
    assert result.ai_act_high_risk is case.ai_high_risk
    if case.ai_outcome is not None:
        assert result.ai_act_outcome is case.ai_outcome
    assert case.fired <= {fired.rule for fired in result.rules_fired}
    _assert_consistent(result, case)


def _assert_consistent(result: Classification, case: Case) -> None:
    """What follows from the expected outcome whatever the example."""
    assert result.trace
    assert all(step.citation.strip() for step in result.trace), result.trace
    if not case.qualification.in_scope:
        assert result.device_class is None
        assert result.rules_fired == ()
        assert result.in_house is None
        return
    assert result.in_house is case.in_house
    assert result.device_class is not None
    assert result.device_class.regulation is case.regulation
    if case.variants:
        assert result.notified_body_scope is not None
        assert result.notified_body_scope.startswith("limited")
    elif case.notified_body:
        assert result.notified_body_scope == "full"
    else:
        assert result.notified_body_scope is None


def test_the_table_covers_every_class_rule_and_outcome() -> None:
    """Each class, AI Act outcome, Rule 11 branch and IVDR rule has an official example."""
    book = load_rulebook()
    ivdr_rules = {r.rule for r in book.rule_sets[IVDR].rules if r.klass or r.class_from}
    rule_11 = {"11(a)", "11(b)", "11(c)"}
    assert {case.device_class for case in CASES} >= set(DeviceClass)
    assert {case.ai_outcome for case in CASES} >= set(AiActOutcome)
    assert {case.rule for case in CASES} >= ivdr_rules | rule_11 | {"IR 3.3", "IR 1.4"}
    assert {(c.device_class, c.rule) for c in CASES if c.rule == "11(a)"} >= {
        (IIA, "11(a)"),
        (IIB, "11(a)"),
        (III, "11(a)"),
    }
    assert {(c.device_class, c.rule) for c in CASES if c.rule == "11(b)"} == {
        (IIA, "11(b)"),
        (IIB, "11(b)"),
    }
    assert len(CASES) >= 45


# MDCG 2019-11 Rev.1 section 3.3, Figure 1 step 2 (regulatory-facts.md section 2.1): software
# that drives or influences the use of a hardware device is covered by the MDR/IVDR ("Yes ->
# treat as part of that device"), and IR 3.3 / IR 1.4 put it in that device's class at least.
# Steps 3-5 decide only whether it is *also* MDSW in its own right; failing them must not take
# the driving software out of scope.
@pytest.mark.parametrize(
    ("change", "regulation", "floor", "rule"),
    [
        pytest.param(
            {"action_beyond_storage_communication_search": False, "driven_device_class": "IIb"},
            MDR,
            IIB,
            "IR 3.3",
            id="IIb-driving-software-failing-step-3[MDCG 2019-11 Figure 1 step 2]",
        ),
        pytest.param(
            {"individual_patient_benefit": False, "driven_device_class": "IIb"},
            MDR,
            IIB,
            "IR 3.3",
            id="IIb-driving-software-failing-step-4[MDCG 2019-11 Figure 1 step 2]",
        ),
        pytest.param(
            {
                "action_beyond_storage_communication_search": False,
                "driven_device_class": "B",
                **ivd(),
            },
            IVDR,
            B,
            "IR 1.4",
            id="B-ivd-driving-software-failing-step-3[MDCG 2019-11 Figure 1 step 2; IVDR IR 1.4]",
        ),
    ],
)
def test_software_driving_a_device_stays_covered(
    change: dict[str, FactInput],
    regulation: Regulation,
    floor: DeviceClass,
    rule: str,
    complete_facts: FactsBuilder,
) -> None:
    result = classify(complete_facts(drives_or_influences_device=True, **change))

    assert result.complete, result.questions
    assert result.qualifies_as_medical_device is True
    assert result.regulation is regulation
    assert result.device_class is floor
    assert result.rule == rule
    assert result.notified_body_required is True
