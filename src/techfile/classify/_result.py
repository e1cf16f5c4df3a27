"""What classification returns: the conclusions, each with its reason (STYLE C5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from techfile.classify._facts import DeviceClass, Regulation

__all__ = [
    "AiActOutcome",
    "Classification",
    "FiredRule",
    "FlagNote",
    "LegalDate",
    "PostMarketReport",
    "Qualification",
    "Question",
    "TraceStep",
]


class Qualification(StrEnum):
    """Outcome of MDCG 2019-11 Figure 1 (and MDR Art 2(1) for hardware)."""

    MDSW = "mdsw"
    """Medical device software."""
    NOT_MDSW = "not_mdsw"
    """Software that is not a medical device."""
    PART_OF_DEVICE = "part_of_device"
    """Software without its own medical purpose that drives a device: covered as part of it."""
    ACCESSORY_OR_ANNEX_XVI = "accessory_or_annex_xvi"
    """An accessory or an Annex XVI product: covered by the regulation."""
    DEVICE_NOT_SOFTWARE = "device_not_software"
    """A device that is not software."""
    NOT_DEVICE = "not_device"
    """A product that is neither software nor a device."""

    @property
    def in_scope(self) -> bool:
        """Whether the MDR or IVDR applies to the product."""
        return self not in {Qualification.NOT_MDSW, Qualification.NOT_DEVICE}


class AiActOutcome(StrEnum):
    """Outcome of the AI Act high-risk test (Art 6)."""

    NOT_AI_SYSTEM = "not_ai_system"
    """Not an AI system under Art 3(1)."""
    NOT_HIGH_RISK = "not_high_risk"
    """An AI system that is not high-risk."""
    HIGH_RISK_ART_6_1 = "high_risk_art_6_1"
    """High-risk through Annex I Section A (MDR/IVDR with a notified body)."""
    HIGH_RISK_ANNEX_III = "high_risk_annex_iii"
    """High-risk through an Annex III use case (Art 6(2))."""

    @property
    def high_risk(self) -> bool:
        """Whether the system is high-risk."""
        return self in {AiActOutcome.HIGH_RISK_ART_6_1, AiActOutcome.HIGH_RISK_ANNEX_III}


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One legal step taken, what it found and where the law says so."""

    step: str
    """The legal step."""
    finding: str
    """What it found for this device."""
    citation: str
    """The legal source of the step."""


@dataclass(frozen=True, slots=True)
class Question:
    """A fact that a step needs and that was not given."""

    field: str
    """The facts field to fill in."""
    question: str
    """What to answer."""
    citation: str
    """The legal test the answer feeds."""


@dataclass(frozen=True, slots=True)
class FiredRule:
    """A classification rule that applies to the device."""

    rule: str
    """The rule as the law names it."""
    device_class: DeviceClass
    """The class it gives."""
    citation: str
    """Where the rule is written."""


@dataclass(frozen=True, slots=True)
class LegalDate:
    """A date that concerns the device."""

    id: str
    """Stable id."""
    date: dt.date
    """The date."""
    event: str
    """What happens on it."""
    citation: str
    """Legal basis."""


@dataclass(frozen=True, slots=True)
class FlagNote:
    """A class-independent obligation that the facts point to."""

    article: str
    """The article."""
    finding: str
    """What it means for the device."""
    citation: str
    """Legal basis."""


@dataclass(frozen=True, slots=True)
class PostMarketReport:
    """The periodic post-market report due for the class."""

    report: str
    """PSUR or PMS report."""
    frequency: str
    """How often."""
    period_months: int | None
    """Longest period between two reports, where fixed."""
    citation: str
    """Legal basis."""


@dataclass(frozen=True, slots=True)
class Classification:
    """What the device is under the MDR/IVDR and the AI Act, with every reason.

    Fields that a missing fact leaves undecided are None, and ``questions`` says what to answer.
    """

    legal_status_as_of: dt.date
    """The rule data reflect the law up to this date."""
    complete: bool
    """True when no question is open."""
    qualification: Qualification | None
    """Outcome of MDCG 2019-11 Figure 1."""
    qualifies_as_medical_device: bool | None
    """True when the MDR or IVDR applies (device, MDSW, accessory, Annex XVI or component)."""
    regulation: Regulation | None
    """MDR or IVDR."""
    device_class: DeviceClass | None
    """The class by MDR or IVDR Annex VIII."""
    rule: str | None
    """The rule that gave the class."""
    class_variants: tuple[str, ...]
    """Is, Im, Ir (MDR Art 52(7)) or "A sterile" (IVDR Art 48(10))."""
    rules_fired: tuple[FiredRule, ...]
    """Every classification rule that applies; the strictest wins."""
    in_house: bool | None
    """Made and used in one health institution under Art 5(5)."""
    notified_body_required: bool | None
    """Whether a notified body takes part in the conformity assessment."""
    notified_body_scope: str | None
    """full, or what a limited notified body assesses."""
    conformity_routes: tuple[str, ...]
    """The conformity assessment routes open to the manufacturer."""
    conformity_notes: tuple[str, ...]
    """Additional duties on the way."""
    ai_act_outcome: AiActOutcome | None
    """The AI Act high-risk outcome."""
    ai_act_high_risk: bool | None
    """Whether the AI Act's high-risk requirements apply."""
    ai_act_conformity_routes: tuple[str, ...]
    """The AI Act conformity assessment route."""
    post_market_report: PostMarketReport | None
    """PSUR or PMS report due."""
    dates: tuple[LegalDate, ...]
    """Dates that concern the device, in order."""
    flags: tuple[FlagNote, ...]
    """Obligations the facts point to, whatever the class."""
    questions: tuple[Question, ...]
    """Facts to supply before the conclusions are complete."""
    trace: tuple[TraceStep, ...]
    """Every step taken, with its finding and citation."""
