"""The device facts that the legal tests read, and the closed sets of their values.

A `Facts` value keeps the difference between a fact that was *not given* (the step that needs
it asks a question) and one that was given as null (an answer: "none"). The names are a
public contract (``shared/contracts/classification-facts.md``); new facts are only ever added
as optional fields with defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from techfile.catalog._conditions import MISSING, FactValue, Missing

__all__ = [
    "MISSING",
    "AiRole",
    "DataSources",
    "DeviceClass",
    "FactValue",
    "Facts",
    "InformationUse",
    "LegacyDevice",
    "Missing",
    "Regulation",
    "WorstCaseImpact",
]


class Regulation(StrEnum):
    """The device regulation that applies."""

    MDR = "MDR"
    IVDR = "IVDR"


class DeviceClass(StrEnum):
    """Risk classes of MDR Annex VIII (I-III) and IVDR Annex VIII (A-D).

    IEC 62304 software safety classes (A/B/C) are a different thing and never appear here.
    """

    I = "I"  # noqa: E741  # the Regulation's own name for the class
    IIA = "IIa"
    IIB = "IIb"
    III = "III"
    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def regulation(self) -> Regulation:
        """The regulation whose scale this class belongs to."""
        return Regulation.MDR if self in _MDR_CLASSES else Regulation.IVDR


_MDR_CLASSES: Final = frozenset({DeviceClass.I, DeviceClass.IIA, DeviceClass.IIB, DeviceClass.III})


class DataSources(StrEnum):
    """Where the software's input data come from (MDCG 2019-11 Figure 2, steps 2-3)."""

    NONE = "none"
    USER_INPUT = "user_input"
    MD_ONLY = "md_only"
    IVD_ONLY = "ivd_only"
    MIXED_MD_DOMINANT = "mixed_md_dominant"
    MIXED_IVD_DOMINANT = "mixed_ivd_dominant"
    ADMINISTRATIVE = "administrative"


class InformationUse(StrEnum):
    """What the output is used for (MDR Annex VIII Rule 11 (a), (b), (c))."""

    DIAGNOSIS_OR_THERAPY_DECISION = "diagnosis_or_therapy_decision"
    MONITORING_PHYSIOLOGICAL_PROCESSES = "monitoring_physiological_processes"
    OTHER = "other"
    NONE = "none"


class WorstCaseImpact(StrEnum):
    """Worst impact on health of a decision taken on a wrong output (Rule 11(a))."""

    DEATH_OR_IRREVERSIBLE = "death_or_irreversible"
    SERIOUS_DETERIORATION_OR_SURGERY = "serious_deterioration_or_surgery"
    MINOR_OR_NONE = "minor_or_none"
    NOT_APPLICABLE = "not_applicable"


class AiRole(StrEnum):
    """The AI system's role in the product (AI Act Art 6(1), (1a), (1b))."""

    DEVICE_ITSELF = "device_itself"
    SAFETY_COMPONENT = "safety_component"
    NON_SAFETY_COMPONENT = "non_safety_component"


class LegacyDevice(StrEnum):
    """Whether the device is a legacy device under MDR Art 120 or IVDR Art 110."""

    NONE = "none"
    MDD_CERTIFICATE = "mdd_certificate"
    MDD_CLASS_I_SELF_DECLARED = "mdd_class_i_self_declared"
    IVDD_CERTIFICATE = "ivdd_certificate"
    IVDD_SELF_DECLARED = "ivdd_self_declared"


@dataclass(frozen=True, slots=True)
class Facts:
    """The facts given about a device, by contract field name.

    Only the facts actually given are stored; ``get`` returns `MISSING` for the others, so a
    legal step can tell an unanswered question from an answer of "none".
    """

    given: Mapping[str, bool | str | frozenset[str] | None] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """The facts the manufacturer stated, already validated and converted to their types."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "given", MappingProxyType(dict(self.given)))

    def get(self, name: str) -> FactValue:
        """Return the fact's value, or `MISSING` when it was not given."""
        return self.given.get(name, MISSING)

    def with_defaults(self, defaults: Mapping[str, bool | str | frozenset[str] | None]) -> Facts:
        """Return these facts with each documented default filled in where nothing was given."""
        merged = dict(defaults)
        merged.update(self.given)
        return Facts(merged)

    def updated(self, **values: bool | str | frozenset[str] | None) -> Facts:
        """Return a copy with the given facts set (used for derived facts and tests)."""
        merged = dict(self.given)
        merged.update(values)
        return Facts(merged)
