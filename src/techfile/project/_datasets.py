"""The optional ``datasets:`` section of ``techfile.yaml``: reference population and datasheet.

It holds what the data cannot say about themselves (AI Act Art 10(2), Annex IV 2(d)):

* ``reference_population``: the shares of each group in the population the device is meant
  for, with their ``source``, e.g. ``sex: {female: 0.51, male: 0.49}``; ``techfile datagov``
  compares the data with them (Art 10(3)-(4));
* one free-text answer per datasheet heading of Gebru et al. (2021): ``motivation``,
  ``composition``, ``collection_process``, ``preprocessing``, ``uses``, ``distribution``,
  ``maintenance``. A heading left out is reported as a gap, never filled in.

Rules enforced (located errors): every share is a number in [0, 1] (fractions, not
percentages); each attribute's shares sum to 1 within `SHARE_SUM_TOLERANCE`; the reference
names its source and at least one attribute.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "SHARE_SUM_TOLERANCE",
    "Datasets",
    "DatasetsModel",
    "ReferencePopulation",
    "ReferencePopulationModel",
    "datasets_from_model",
]

SHARE_SUM_TOLERANCE = 0.01
"""How far an attribute's declared shares may sum from 1: shares written with two decimals
(0.33, 0.33, 0.33) do not add up exactly. An input tolerance, not a statistical threshold."""


def _sums_to_one(shares: dict[str, float]) -> dict[str, float]:
    total = math.fsum(shares.values())
    if abs(total - 1.0) > SHARE_SUM_TOLERANCE + 1e-12:  # 0.33 * 3 is 0.99 give or take a bit
        msg = f"shares summing to 1 (within {SHARE_SUM_TOLERANCE:g}); these sum to {total:.4g}"
        raise ValueError(msg)
    return shares


_Share = Annotated[float, Field(ge=0.0, le=1.0, strict=True)]
_Shares = Annotated[dict[str, _Share], AfterValidator(_sums_to_one)]
_Answer = Annotated[str, Field(min_length=1)]


class ReferencePopulationModel(BaseModel):
    """``datasets.reference_population``: ``source`` plus one mapping of shares per attribute.

    Each key other than ``source`` names a group column of the data; its value maps the
    column's levels to their share of the intended population.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    source: str = Field(
        min_length=1, description="Where the shares come from (publication, table, year)."
    )
    __pydantic_extra__: dict[str, _Shares]

    @model_validator(mode="after")
    def _has_attributes(self) -> ReferencePopulationModel:
        if not self.model_extra:
            msg = "at least one attribute beside source, e.g. sex: {female: 0.51, male: 0.49}"
            raise ValueError(msg)
        return self


class DatasetsModel(BaseModel):
    """``datasets:``: the reference population and the datasheet answers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference_population: ReferencePopulationModel | None = None
    motivation: _Answer | None = Field(
        default=None, description="Datasheet: why, by whom and for which task it was made."
    )
    composition: _Answer | None = Field(
        default=None, description="Datasheet: what a row stands for, sampling, known errors."
    )
    collection_process: _Answer | None = Field(
        default=None, description="Datasheet: how, when, where and by whom it was acquired."
    )
    preprocessing: _Answer | None = Field(
        default=None, description="Datasheet: cleaning, labelling and exclusion steps."
    )
    uses: _Answer | None = Field(
        default=None, description="Datasheet: uses it suits and uses it does not suit."
    )
    distribution: _Answer | None = Field(
        default=None, description="Datasheet: sharing with third parties and licence."
    )
    maintenance: _Answer | None = Field(
        default=None, description="Datasheet: upkeep, versions, retention."
    )


@dataclass(frozen=True, slots=True)
class ReferencePopulation:
    """The intended population's make-up, against which the data are compared."""

    source: str
    """Where the shares come from."""
    shares: Mapping[str, Mapping[str, float]]
    """Attribute (a group column) -> level -> share of the population."""


@dataclass(frozen=True, slots=True)
class Datasets:
    """The manufacturer's statements about the datasets (``datasets:`` in ``techfile.yaml``)."""

    reference: ReferencePopulation | None = None
    """The reference population, if declared."""
    answers: Mapping[str, str] = field(default_factory=dict)
    """Datasheet heading key -> the manufacturer's answer (unanswered headings are absent)."""


def datasets_from_model(model: DatasetsModel) -> Datasets:
    """Turn the validated section into its domain value."""
    reference = model.reference_population
    answers = {
        name: text
        for name in DatasetsModel.model_fields
        if name != "reference_population" and isinstance(text := getattr(model, name), str)
    }
    return Datasets(
        ReferencePopulation(
            reference.source,
            {
                attribute: dict(shares)
                for attribute, shares in (reference.model_extra or {}).items()
            },
        )
        if reference is not None
        else None,
        answers,
    )
