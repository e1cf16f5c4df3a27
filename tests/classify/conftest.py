"""Fixtures for the classification tests: one complete set of device facts to vary.

Every fact that any step of `classify` may ask for is answered here, so that a test changes
only the facts its legal example is about and still gets a ``complete`` result. The baseline is
an AI system that is MDR medical device software informing diagnostic decisions of minor
impact (Rule 11(a), class IIa), placed on the market by a manufacturer (not in-house).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import pytest

from techfile.classify import Facts

FactInput = bool | str | frozenset[str] | None
"""A fact value as a test writes it."""

COMPLETE_FACTS: Mapping[str, FactInput] = MappingProxyType(
    {
        # MDCG 2019-11 Rev.1 Figure 1: software, steps 2-5.
        "is_software": True,
        "annex_xvi_or_accessory": False,
        "drives_or_influences_device": False,
        "driven_device_class": None,
        "action_beyond_storage_communication_search": True,
        "individual_patient_benefit": True,
        "medical_purpose": True,
        # MDCG 2019-11 Rev.1 Figure 2: MDR, not IVDR.
        "ivd_information": False,
        "data_sources": "md_only",
        # MDR Annex VIII Rule 11 and the other rules.
        "information_use": "diagnosis_or_therapy_decision",
        "worst_case_impact": "minor_or_none",
        "vital_parameters_immediate_danger": False,
        "special_rule_triggers": frozenset(),
        "ivd_rule_triggers": frozenset(),
        # MDR Art 52(7), IVDR Art 48(10), Art 5(5).
        "sterile": False,
        "measuring_function": False,
        "reusable_surgical_instrument": False,
        "in_house_art_5_5": False,
        # AI Act Arts 3(1), 5, 6, 50.
        "is_ai_system": True,
        "ai_role": "device_itself",
        "failure_endangers_health_safety": False,
        "annex_iii_use_case": None,
        "art_6_3_derogation": False,
        "profiles_natural_persons": False,
        "interacts_directly_with_persons": False,
        "generates_synthetic_content": False,
        "emotion_recognition": False,
        # MDR Art 120, IVDR Art 110.
        "legacy_device": "none",
        "implantable": False,
    }
)
"""Every classification fact answered (see ``catalog/data/rules/facts.yaml``)."""

FactsBuilder = Callable[..., Facts]
"""Builds the complete facts with some of them changed: ``build(sterile=True)``."""


def _build(**overrides: FactInput) -> Facts:
    unknown = sorted(set(overrides) - set(COMPLETE_FACTS))
    if unknown:
        msg = f"not a classification fact: {', '.join(unknown)}"
        raise KeyError(msg)
    return Facts({**COMPLETE_FACTS, **overrides})


@pytest.fixture(scope="session")
def complete_facts() -> FactsBuilder:
    """Return a builder of complete facts with the given ones changed."""
    return _build
