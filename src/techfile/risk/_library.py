"""The risk data of the catalog: the AI hazard library and the checks' citations.

``catalog/data/risk/ai-hazards.yaml`` lists the AI hazards every AI device's risk file must
address or justify as not applicable, each with its citations, the requirements it bears on,
typical controls and the evidence kinds that verify them. ``risk-management.yaml`` gives each
check of ``techfile risk check`` its title and citations, and the requirements a risk record
evidences. Both are checked against a schema that rejects unknown keys (STYLE B3); every
requirement id must exist in the catalog and every check the code runs must have an entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from techfile.catalog import EvidenceKind, load_catalog
from techfile.errors import InputError
from techfile.located import load_yaml, validate
from techfile.risk._model import ControlType

__all__ = [
    "AiHazard",
    "CheckId",
    "CheckRule",
    "RiskData",
    "TypicalControl",
    "load_risk_data",
]


class CheckId(StrEnum):
    """The checks of a risk file, each cited in ``risk-management.yaml``."""

    HAZARD_CONTROLLED = "hazard_controlled"
    CONTROL_VERIFIED = "control_verified"
    AI_HAZARDS_ADDRESSED = "ai_hazards_addressed"
    RESIDUAL_ACCEPTABLE = "residual_acceptable"
    THREAT_MODEL = "threat_model"
    VULNERABILITIES_LINKED = "vulnerabilities_linked"
    CONTROL_PRIORITY = "control_priority"


@dataclass(frozen=True, slots=True)
class TypicalControl:
    """A control that usually addresses a library hazard."""

    type: ControlType
    """Its place in the priority order of ISO 14971:2019 clause 7.1."""
    summary: str
    """What it does (our words)."""


@dataclass(frozen=True, slots=True)
class AiHazard:
    """One hazard of the AI hazard library."""

    id: str
    """Stable id, e.g. ``AIH.DATASET-SHIFT``."""
    title: str
    """Short title."""
    summary: str
    """The hazard in our words."""
    citations: tuple[str, ...]
    """Where the law or guidance names it."""
    requirements: tuple[str, ...]
    """Catalog requirements it bears on."""
    typical_controls: tuple[TypicalControl, ...]
    """Controls that usually address it."""
    verification: tuple[EvidenceKind, ...]
    """Evidence kinds that typically verify those controls."""


@dataclass(frozen=True, slots=True)
class CheckRule:
    """A check's title and citations."""

    title: str
    """What the check asks."""
    citations: tuple[str, ...]
    """Clauses and articles it enforces."""


@dataclass(frozen=True, slots=True)
class RiskData:
    """Both risk data files."""

    version: str
    """The hazard library's version."""
    hazards: tuple[AiHazard, ...]
    """The AI hazard library, in file order."""
    checks: dict[CheckId, CheckRule]
    """Every check."""
    record_requirements: tuple[str, ...]
    """The requirements a risk management record evidences."""

    def hazard(self, hazard_id: str) -> AiHazard | None:
        """The library hazard with this id, if any."""
        return next((h for h in self.hazards if h.id == hazard_id), None)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_Text = Annotated[str, Field(min_length=1)]


class _SourceModel(_Strict):
    id: _Text
    title: _Text
    kind: _Text
    version: _Text
    legal_status_as_of: object


class _TypicalModel(_Strict):
    type: ControlType
    summary: _Text


class _HazardModel(_Strict):
    id: Annotated[str, Field(pattern=r"^AIH\.[A-Z0-9-]+$")]
    title: _Text
    summary: _Text
    citations: list[_Text] = Field(min_length=1)
    requirements: list[_Text] = Field(min_length=1)
    typical_controls: list[_TypicalModel] = Field(min_length=1)
    verification: list[EvidenceKind] = Field(min_length=1)


class _LibraryModel(_Strict):
    source: _SourceModel
    hazards: list[_HazardModel] = Field(min_length=1)


class _CheckModel(_Strict):
    title: _Text
    citations: list[_Text] = Field(min_length=1)


class _ChecksModel(_Strict):
    source: _SourceModel
    checks: dict[CheckId, _CheckModel]
    record_requirements: list[_Text] = Field(min_length=1)


def _data_folder() -> Path:
    return Path(str(resources.files("techfile.catalog") / "data" / "risk"))


@functools.cache
def load_risk_data(folder: Path | None = None) -> RiskData:
    """Load and check the AI hazard library and the checks' data.

    Raises:
        InputError: A file is malformed, an id repeats, a requirement id is unknown, or a check
            has no entry (located where possible).
    """
    folder = folder or _data_folder()
    library_doc = load_yaml(folder / "ai-hazards.yaml")
    library = validate(_LibraryModel, library_doc)
    checks_doc = load_yaml(folder / "risk-management.yaml")
    checks = validate(_ChecksModel, checks_doc)
    known = {r.id for r in load_catalog()}
    seen: set[str] = set()
    for index, hazard in enumerate(library.hazards):
        if hazard.id in seen:
            where = library_doc.locate(("hazards", index, "id"))
            raise InputError(f"{where}: duplicate AI hazard id {hazard.id}")
        seen.add(hazard.id)
        for position, rid in enumerate(hazard.requirements):
            if rid not in known:
                where = library_doc.locate(("hazards", index, "requirements", position))
                raise InputError(f"{where}: unknown requirement id {rid}")
    for position, rid in enumerate(checks.record_requirements):
        if rid not in known:
            where = checks_doc.locate(("record_requirements", position))
            raise InputError(f"{where}: unknown requirement id {rid}")
    if missing := [c.value for c in CheckId if c not in checks.checks]:
        raise InputError(f"{checks_doc.path}: no entry for check(s) {', '.join(missing)}")
    return RiskData(
        version=library.source.version,
        hazards=tuple(
            AiHazard(
                h.id,
                h.title,
                h.summary,
                tuple(h.citations),
                tuple(h.requirements),
                tuple(TypicalControl(c.type, c.summary) for c in h.typical_controls),
                tuple(h.verification),
            )
            for h in library.hazards
        ),
        checks={k: CheckRule(v.title, tuple(v.citations)) for k, v in checks.checks.items()},
        record_requirements=tuple(checks.record_requirements),
    )
