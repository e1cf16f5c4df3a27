"""The edge models of ``techfile.yaml``: pydantic validates, then the values become domain types.

Unknown keys are rejected (``extra="forbid"``) with a "did you mean" hint from the loader.
Booleans are strict (``1`` or ``"yes"`` in quotes are not booleans). The field names of the
``classification:`` section are a public contract (``classification-facts.md``).
"""

from __future__ import annotations

import difflib
import typing
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from techfile.catalog import EvidenceKind
from techfile.classify import (
    AiRole,
    DataSources,
    DeviceClass,
    Facts,
    InformationUse,
    LegacyDevice,
    Regulation,
    WorstCaseImpact,
    load_rulebook,
)
from techfile.project._datasets import DatasetsModel
from techfile.project._evaluation import EvaluationModel
from techfile.project._sbom import SbomModel
from techfile.project._security import SecurityModel

__all__ = [
    "CharacteristicsModel",
    "CollectModel",
    "DeclarationModel",
    "DeviceModel",
    "EvidenceConfigModel",
    "FactsFileModel",
    "FactsModel",
    "ItEnvironmentModel",
    "ManifestModel",
    "StandardModel",
]


def _suggest(value: str, known: list[str] | tuple[str, ...] | frozenset[str]) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _mdr_trigger(value: str) -> str:
    known = load_rulebook().rule_sets[Regulation.MDR].triggers
    if value not in known:
        msg = f"'{value}' is not an MDR Annex VIII trigger{_suggest(value, known)}"
        raise ValueError(msg)
    return value


def _ivd_trigger(value: str) -> str:
    known = load_rulebook().rule_sets[Regulation.IVDR].triggers
    if value not in known:
        msg = f"'{value}' is not an IVDR Annex VIII trigger{_suggest(value, known)}"
        raise ValueError(msg)
    return value


def _annex_iii_point(value: str) -> str:
    known = load_rulebook().annex_iii_points
    if value not in known:
        msg = f"'{value}' is not a point of AI Act Annex III ({', '.join(known)})"
        raise ValueError(msg)
    return value


MdrTrigger = Annotated[str, AfterValidator(_mdr_trigger)]
IvdTrigger = Annotated[str, AfterValidator(_ivd_trigger)]
AnnexIIIPoint = Annotated[str, AfterValidator(_annex_iii_point)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactsModel(_Model):
    """The ``classification:`` section: every fact optional; a missing one becomes a question."""

    is_software: StrictBool | None = None
    is_ai_system: StrictBool | None = None
    medical_purpose: StrictBool | None = None
    action_beyond_storage_communication_search: StrictBool | None = None
    individual_patient_benefit: StrictBool | None = None
    annex_xvi_or_accessory: StrictBool | None = None
    drives_or_influences_device: StrictBool | None = None
    driven_device_class: DeviceClass | None = None
    ivd_information: StrictBool | None = None
    data_sources: DataSources | None = None
    information_use: InformationUse | None = None
    worst_case_impact: WorstCaseImpact | None = None
    vital_parameters_immediate_danger: StrictBool | None = None
    special_rule_triggers: list[MdrTrigger] | None = None
    ivd_rule_triggers: list[IvdTrigger] | None = None
    sterile: StrictBool | None = None
    measuring_function: StrictBool | None = None
    reusable_surgical_instrument: StrictBool | None = None
    in_house_art_5_5: StrictBool | None = None
    annex_iii_use_case: AnnexIIIPoint | None = None
    # Optional extensions of the contract, each with a documented default in facts.yaml.
    ai_role: AiRole | None = None
    failure_endangers_health_safety: StrictBool | None = None
    art_6_3_derogation: StrictBool | None = None
    profiles_natural_persons: StrictBool | None = None
    interacts_directly_with_persons: StrictBool | None = None
    generates_synthetic_content: StrictBool | None = None
    emotion_recognition: StrictBool | None = None
    legacy_device: LegacyDevice | None = None
    implantable: StrictBool | None = None

    def to_facts(self) -> Facts:
        """Return the facts that were written, leaving the others missing."""
        given: dict[str, bool | str | frozenset[str] | None] = {}
        for name in self.model_fields_set:
            value = getattr(self, name)
            if value is None and name in _YES_NO:
                continue  # null for a yes/no fact means "not answered": the step will ask
            if isinstance(value, list):
                given[name] = frozenset(value)
            elif isinstance(value, StrEnum):
                given[name] = value.value
            else:
                given[name] = value
        return Facts(given)


_YES_NO = frozenset(
    name
    for name, info in FactsModel.model_fields.items()
    if any(StrictBool == arg for arg in typing.get_args(info.annotation))
)
"""Facts answered yes or no (their null is "unknown", unlike the null of a choice)."""


class ManufacturerModel(_Model):
    """The legal manufacturer."""

    name: str = Field(min_length=1)
    address: str | None = None
    srn: str | None = Field(default=None, description="EUDAMED single registration number")


class DeviceModel(_Model):
    """The device's identity and intended purpose (MDR Art 2(12), Annex II 1.1)."""

    name: str = Field(min_length=1)
    manufacturer: ManufacturerModel
    version: str = Field(min_length=1)
    udi_di: str | None = Field(default=None, pattern=r"^[0-9A-Za-z+\-./*$%]{6,40}$")
    intended_purpose: str = Field(min_length=10)
    intended_users: list[str] = Field(min_length=1)
    patient_population: str = Field(min_length=1)
    use_environment: list[str] = Field(min_length=1)


class CharacteristicsModel(_Model):
    """Device characteristics that decide which requirements apply (``applies_when`` facts)."""

    software_only: StrictBool | None = None
    connected: StrictBool | None = None
    has_ml_model: StrictBool | None = None
    lay_users: StrictBool | None = None
    energy_or_radiation: StrictBool | None = None
    has_alarms: StrictBool | None = None
    incorporates_substances: StrictBool | None = None
    processes_personal_data: StrictBool | None = None


def _requirement_id(value: str) -> str:
    from techfile.catalog import load_catalog  # noqa: PLC0415  # the catalog loads lazily

    catalog = load_catalog()
    if catalog.get(value) is None:
        msg = f"'{value}' is not a requirement id{_suggest(value, list(catalog.requirements))}"
        raise ValueError(msg)
    return value


RequirementRef = Annotated[str, AfterValidator(_requirement_id)]


class CollectModel(_Model):
    """One artefact for ``techfile evidence collect``."""

    kind: EvidenceKind
    path: str = Field(min_length=1)
    requirements: list[RequirementRef] = Field(default_factory=list)
    options: dict[str, StrictBool | int | float | str | list[str]] = Field(default_factory=dict)


class EvidenceConfigModel(_Model):
    """Where evidence lives and what to collect."""

    folder: str = "evidence"
    key: str = "keys/evidence"
    collect: list[CollectModel] = Field(default_factory=list)


class StandardModel(_Model):
    """A harmonised standard, common specification or other standard applied."""

    id: str = Field(min_length=3)
    title: str = Field(min_length=3)
    harmonised: StrictBool = False
    requirements: list[RequirementRef] = Field(default_factory=list)


class ItEnvironmentModel(_Model):
    """What the instructions for use must say about IT (MDR Annex I 23.4(ab))."""

    hardware: str | None = None
    it_network: str | None = None
    security_measures: list[str] = Field(default_factory=list)


class NotifiedBodyModel(_Model):
    """The notified body, once chosen."""

    name: str = Field(min_length=2)
    number: str = Field(pattern=r"^[0-9]{4}$")
    certificate: str | None = None


class DeclarationModel(_Model):
    """Details of the EU declaration of conformity that the facts cannot give."""

    signatory: str | None = None
    place: str | None = None
    notified_body: NotifiedBodyModel | None = None
    personal_data_statement: StrictBool = False


class ManifestModel(_Model):
    """A whole ``techfile.yaml``."""

    device: DeviceModel
    classification: FactsModel | None = None
    characteristics: CharacteristicsModel | None = None
    not_applicable: dict[RequirementRef, Annotated[str, Field(min_length=20)]] = Field(
        default_factory=dict
    )
    evidence: EvidenceConfigModel = Field(default_factory=EvidenceConfigModel)
    standards: list[StandardModel] = Field(default_factory=list)
    it_environment: ItEnvironmentModel | None = None
    declaration: DeclarationModel = Field(default_factory=DeclarationModel)
    datasets: DatasetsModel | None = None
    evaluation: EvaluationModel | None = None
    sbom: SbomModel | None = None
    security: SecurityModel | None = None


class FactsFileModel(_Model):
    """A stand-alone facts file: only the ``classification:`` section."""

    classification: FactsModel
